"""Cross-lingual translation links without machine translation.

An article and its translation share what does not translate: names, numbers,
dates and places (see :mod:`.anchors`). The signature is the article's language
and its anchors in order of first mention, each hashed to 29 bits with its kind
in the top 3 bits (base64 of ``uint32``; ~150 characters for a typical story).

* **Keys.** MinHash LSH over the *informative* anchors (names, cities and numbers
  other than years): ``bands`` bands of ``rows`` anchors. Weekdays, months, years
  and countries are left out of the keys because unrelated stories of one week
  share them; they still count in verification.
* **Verification.** Only articles in two different (known) languages are
  compared. A pair is a translation when they share at least ``min_shared``
  anchors and the Dice coefficient of their anchor sets reaches ``dice``. Stories
  of the same storyline share the protagonists and places (Putin, Moscow, Syria)
  but not the dates, figures and minor names of the event itself, which keeps
  their Dice far below that of a translation (seeds 000 and 002: 0.77; the same
  seeds against the other stories of their storyline: at most 0.39).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import numpy as np
import xxhash

from ..models import Article
from .anchors import KINDS, anchors
from .base import Candidate, Deduplicator
from .minhash import decode_u32, encode_u32, fmix64

__all__ = ["TranslationDeduplicator", "encode_anchors"]

# Kinds that match each other: a city is matched as a name (CLDR may not know
# every spelling), a year as a number.
_GROUP = {"name": "n", "city": "n", "number": "#", "year": "#", "month": "m", "weekday": "d", "territory": "t"}
_KIND_INDEX = {k: i for i, k in enumerate(KINDS)}
_KEYED = np.array([_KIND_INDEX[k] for k in ("name", "number", "city")], dtype=np.uint32)
_MASK = np.uint32((1 << 29) - 1)


def encode_anchors(items: Iterable[tuple[str, str]]) -> np.ndarray:
    """Anchors as ``uint32``: kind index in the top 3 bits, value hash below."""
    out = [
        (_KIND_INDEX[kind] << 29) | (xxhash.xxh32_intdigest(f"{_GROUP[kind]}:{value}".encode("utf-8")) & 0x1FFFFFFF)
        for kind, value in items
    ]
    return np.array(out, dtype=np.uint32)


@functools.lru_cache(maxsize=1 << 16)
def _decode(text: str) -> tuple[frozenset[int], int]:
    values = decode_u32(text) & _MASK
    return frozenset(values.tolist()), len(values)


class TranslationDeduplicator(Deduplicator):
    """Links an article to its translation in another language.

    Options:
        dice: Minimum Dice coefficient of the two anchor sets (0.5).
        min_shared: Minimum number of shared anchors (3).
        min_anchors: Articles with fewer anchors get no signature (3).
        bands, rows: LSH bands and anchors per band over informative anchors (24, 2).
        languages: Languages to link; empty links any language CLDR knows.
        seed: Hash seed of the LSH permutations.
    """

    name = "translation"
    relation = "translation"
    default = True
    signature_version = 1
    max_bucket = 200

    def __init__(self, dice: float = 0.5, min_shared: int = 3, min_anchors: int = 3, bands: int = 24,
                 rows: int = 2, languages: Iterable[str] = (), seed: int = 0, **options: Any) -> None:
        super().__init__(dice=dice, min_shared=min_shared, min_anchors=min_anchors, bands=bands, rows=rows,
                         languages=list(languages), seed=seed, **options)
        self.dice, self.min_shared, self.min_anchors = float(dice), int(min_shared), int(min_anchors)
        self.bands, self.rows = int(bands), int(rows)
        self.languages = frozenset(languages)
        rng = np.random.default_rng(0xA1C40 + int(seed))  # fixed per seed: part of the key format
        self._perm = rng.integers(1, 2**63, size=self.bands * self.rows, dtype=np.uint64)

    def signature(self, article: Article) -> list[str] | None:
        """``[language, base64 anchors]``, or ``None`` without a language or anchors."""
        lang = (article.language or "").split("-")[0].lower()
        if not lang or (self.languages and lang not in self.languages):
            return None
        found = anchors((article.title, article.subtitle, *article.body), lang)
        if len(found) < self.min_anchors:
            return None
        return [lang, encode_u32(encode_anchors(found))]

    def keys(self, signature: Any) -> Iterable[str]:
        """MinHash band keys over the informative anchors."""
        values = decode_u32(signature[1])
        keyed = values[np.isin(values >> np.uint32(29), _KEYED)] & _MASK
        if len(keyed) < self.rows:
            return ()
        mins = fmix64(keyed.astype(np.uint64)[None, :] ^ self._perm[:, None]).min(axis=1)
        r = self.rows
        return [f"{b}:" + ".".join(f"{v:x}" for v in mins[b * r:(b + 1) * r].tolist()) for b in range(self.bands)]

    def verify(self, a: Candidate, b: Candidate) -> float | None:
        """Dice coefficient of the anchor sets of two articles in different languages."""
        if a.signature[0] == b.signature[0]:
            return None
        sa, na = _decode(a.signature[1])
        sb, nb = _decode(b.signature[1])
        shared = len(sa & sb)
        if shared < self.min_shared:
            return None
        dice = 2.0 * shared / (len(sa) + len(sb))
        return dice if dice >= self.dice else None
