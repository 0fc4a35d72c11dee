"""Cross-lingual translation links without machine translation.

An article and its translation share what does not translate: names, numbers,
dates and places (see :mod:`.anchors`). The signature is the article's language
and its anchors in order of first mention, each hashed to 29 bits with its kind
in the top 3 bits (base64 of ``uint32``; ~150 characters for a typical story).

* **Keys.** MinHash LSH over the *informative* anchors (names, cities and numbers
  other than years): ``bands`` bands of ``rows`` anchors, tagged with the
  publication week and the week before (so that buckets stay small however long
  the corpus spans), plus stricter global bands that let undated articles meet.
  Weekdays, months, years and countries are left out of the keys because
  unrelated stories of one week share them; they still count in verification.
* **Verification.** Only articles in two different (known) languages are paired
  (``cross_group_only``: the bucket stage drops same-language pairs). A pair is a
  translation when they share at least ``min_shared`` anchors and the weighted
  Dice coefficient of their anchor sets reaches ``dice``. Stories of one
  storyline share the protagonists and places (Putin, Moscow, Syria) but not the
  figures, dates and minor names of the event itself, so countries and cities
  weigh less and figures more (:data:`WEIGHTS`). Seeds 000 and 002 (a
  translation) score 0.87; every other cross-language pair of seeds at most 0.33.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import xxhash

from ..models import Article
from ..options import at_least, fraction, option, positive
from .anchors import KINDS, Kind, anchors
from .base import Candidate, Deduplicator
from .minhash import decode_u32, encode_u32, fmix64

__all__ = ["WEIGHTS", "TranslationDeduplicator", "encode_anchors"]

# Kinds that match each other: a city is matched as a name (CLDR may not know
# every spelling), a year as a number.
_GROUP = {"name": "n", "city": "n", "number": "#", "year": "#", "month": "m", "weekday": "d", "territory": "t"}
_KIND_INDEX = {k: i for i, k in enumerate(KINDS)}
_KEYED = np.array([_KIND_INDEX[k] for k in ("name", "number", "city")], dtype=np.uint32)
_MASK = np.uint32((1 << 29) - 1)


def encode_anchors(items: Iterable[tuple[Kind, str]]) -> np.ndarray:
    """Anchors as ``uint32``: kind index in the top 3 bits, value hash below."""
    get = _CODES.get
    out = [get(item) or _code(item) for item in items]
    return np.array(out, dtype=np.uint32)


# Bounded memo of anchor codes: names, places and dates recur across a corpus, and a
# dict lookup is ~5x cheaper than formatting and hashing the anchor again.
_CODES: dict[tuple[Kind, str], int] = {}


def _code(item: tuple[Kind, str]) -> int:
    kind, value = item
    code = (_KIND_INDEX[kind] << 29) | (xxhash.xxh32_intdigest(f"{_GROUP[kind]}:{value}".encode()) & 0x1FFFFFFF)
    if len(_CODES) < 1 << 18:
        _CODES[item] = code
    return code


#: Weight of each anchor kind in verification. Countries and cities are shared by
#: every story of a storyline; figures, dates and minor names belong to one event.
WEIGHTS: dict[str, float] = {"name": 1.0, "number": 2.0, "year": 1.0, "month": 1.0, "weekday": 1.0,
                             "territory": 0.3, "city": 0.5}
_KIND_WEIGHT = np.array([WEIGHTS[k] for k in KINDS] + [1.0], dtype=np.float64)


@functools.lru_cache(maxsize=1 << 16)
def _decode(text: str) -> tuple[dict[int, float], float]:
    """Anchor value -> weight, and the total weight."""
    raw = decode_u32(text)
    weights = _KIND_WEIGHT[(raw >> np.uint32(29)).astype(np.int64)]
    table = dict(zip((raw & _MASK).tolist(), weights.tolist(), strict=True))
    return table, float(sum(table.values()))


class TranslationDeduplicator(Deduplicator):
    """Links an article to its translation in another language.

    Options:
        dice: Minimum weighted Dice coefficient of the two anchor sets (0.45;
            weights by kind in :data:`WEIGHTS`).
        min_shared: Minimum number of shared anchors (3).
        min_anchors: Articles with fewer anchors get no signature (3).
        bands, rows: LSH bands and anchors per band for dated articles (24, 2).
        window_days: Dated articles are paired through keys of their publication
            week and the week before, so that translations published within
            ``window_days`` days meet and the buckets stay small however long the
            corpus spans (7; 0 turns windows off: every article meets every other).
        global_bands, global_rows: Stricter keys every article emits, so that an
            undated article can still meet its translation (32, 4; 0 bands: none).
        languages: Languages to link; empty links any language CLDR knows.
        seed: Hash seed of the LSH permutations.
    """

    name = "translation"
    relation = "translation"
    default = True
    signature_version = 1
    signature_options = ("min_anchors", "bands", "rows", "window_days", "global_bands", "global_rows",
                         "languages", "seed")
    max_bucket = 200
    cross_group_only = True

    @attrs.frozen
    class Options:
        """Options of ``translation``."""

        dice: float = option(0.45, "Least weighted Dice coefficient of the two anchor sets.", fraction)
        min_shared: int = option(3, "Least number of shared anchors.", positive)
        min_anchors: int = option(3, "Articles with fewer anchors get no signature.", positive)
        bands: int = option(24, "LSH bands for dated articles.", positive)
        rows: int = option(2, "Anchors per LSH band for dated articles.", positive)
        window_days: int = option(7, "Translations published within this many days meet (0: all meet).",
                                  at_least(0))
        global_bands: int = option(32, "Bands of the stricter keys every article emits (0: none).", at_least(0))
        global_rows: int = option(4, "Anchors per global band.", positive)
        languages: tuple[str, ...] = option((), "Languages to link; empty links any language CLDR knows.")
        seed: int = option(0, "Hash seed of the LSH permutations.")

    def __init__(self, dice: float = 0.45, min_shared: int = 3, min_anchors: int = 3, bands: int = 24,
                 rows: int = 2, window_days: int = 7, global_bands: int = 32, global_rows: int = 4,
                 languages: Iterable[str] = (), seed: int = 0, **options: Any) -> None:
        super().__init__(dice=dice, min_shared=min_shared, min_anchors=min_anchors, bands=bands, rows=rows,
                         window_days=window_days, global_bands=global_bands, global_rows=global_rows,
                         languages=list(languages), seed=seed, **options)
        self.dice, self.min_shared, self.min_anchors = float(dice), int(min_shared), int(min_anchors)
        self.bands, self.rows, self.window = int(bands), int(rows), int(window_days)
        self.global_bands, self.global_rows = int(global_bands), int(global_rows)
        self.languages = frozenset(languages)
        rng = np.random.default_rng(0xA1C40 + int(seed))  # fixed per seed: part of the key format
        self._perm = rng.integers(1, 2**63, size=self.bands * self.rows, dtype=np.uint64)
        self._gperm = rng.integers(1, 2**63, size=self.global_bands * self.global_rows, dtype=np.uint64)

    def signature(self, article: Article) -> list[Any] | None:
        """``[language, base64 anchors, publication day or None]``, or ``None``
        without a language or enough anchors."""
        enc = self._encoded(article)
        return None if enc is None else [enc[0], encode_u32(enc[1]), enc[2]]

    def _encoded(self, article: Article) -> tuple[str, np.ndarray, int | None] | None:
        """Language, encoded anchors and publication day, or ``None``."""
        lang = (article.language or "").split("-")[0].lower()
        if not lang or (self.languages and lang not in self.languages):
            return None
        found = anchors((article.title, article.subtitle, *article.body), lang)
        if len(found) < self.min_anchors:
            return None
        day = None
        if article.published is not None:
            value = article.published.value
            day = (value.date() if isinstance(value, dt.datetime) else value).toordinal()
        return lang, encode_anchors(found), day

    def signatures_with_keys(self, articles: Sequence[Article]) -> list[tuple[Any, np.ndarray]]:
        """Signatures and keys of a batch: the same keys as :meth:`key_hashes`, with
        the MinHash of every article of the batch computed together (per article,
        NumPy's call overhead on arrays of some tens of anchors cost ~0.5 ms)."""
        encoded = [self._encoded(a) for a in articles]
        done = [(i, e) for i, e in enumerate(encoded) if e is not None]
        out: list[tuple[Any, np.ndarray]] = [(None, np.zeros(0, dtype=np.int64))] * len(articles)
        if not done:
            return out
        codes = [e[1] for _, e in done]
        flat = np.concatenate(codes)
        keep = _IS_KEYED[(flat >> np.uint32(29)).astype(np.int64)]
        doc = np.repeat(np.arange(len(done)), [len(c) for c in codes])
        keyed = (flat[keep] & _MASK).astype(np.uint64)
        counts = np.bincount(doc[keep], minlength=len(done))
        local = _bands_many(keyed, counts, self._perm, self.rows, self.bands > 0)
        glob = _bands_many(keyed, counts, self._gperm, self.global_rows, self.global_bands > 0)
        # every key of a document in one row, -1 where it has none (keys are >= 0)
        width = 2 * self.bands + self.global_bands
        table = np.full((len(done), width), -1, dtype=np.int64)
        band = np.arange(1, self.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        weeks = [e[2] // self.window if e[2] is not None and self.window > 0 else None for _, e in done]
        has_local = counts >= self.rows
        if self.bands:
            dated = np.array([w is not None for w in weeks]) & has_local
            if dated.any():
                w = np.array([x for x, d in zip(weeks, dated.tolist(), strict=True) if d], dtype=object)
                rows = local[dated[has_local]]
                for col, lag in ((0, 0), (self.bands, 1)):
                    salt = np.array([(int(x) - lag + (1 << 40)) * 0xC2B2AE3D27D4EB4F % (1 << 64) for x in w],
                                    dtype=np.uint64)
                    keys = fmix64(rows ^ band[None, :] ^ salt[:, None])
                    table[dated, col:col + self.bands] = (keys >> np.uint64(1)).astype(np.int64)
            if self.window <= 0 and has_local.any():  # no windows: one key per band, dated or not
                table[has_local, :self.bands] = (fmix64(local ^ band[None, :]) >> np.uint64(1)).astype(np.int64)
        if self.global_bands:
            has_glob = counts >= self.global_rows
            if has_glob.any():
                gband = np.arange(1, self.global_bands + 1, dtype=np.uint64) * np.uint64(0x165667B19E3779F9)
                keys = fmix64(glob ^ gband[None, :] ^ np.uint64(0x27D4EB2F165667C5))
                table[has_glob, 2 * self.bands:] = (keys >> np.uint64(1)).astype(np.int64)
        table.sort(axis=1)
        for row, (i, (lang, enc, day)) in zip(table, done, strict=True):
            found = row[row >= 0]
            if len(found) > 1 and not (found[1:] != found[:-1]).all():
                found = np.unique(found)  # two equal keys: as rare as a 63-bit collision
            out[i] = ([lang, encode_u32(enc), day], found)
        return out

    def _band_values(self, signature: Any) -> tuple[np.ndarray, np.ndarray, int | None]:
        """Per-band MinHash values (windowed bands, global bands) and the week."""
        values = decode_u32(signature[1])
        keyed = (values[np.isin(values >> np.uint32(29), _KEYED)] & _MASK).astype(np.uint64)
        day = signature[2] if len(signature) > 2 else None
        local = _bands(keyed, self._perm, self.rows) if len(keyed) >= self.rows and self.bands else _NONE
        glob = (_bands(keyed, self._gperm, self.global_rows)
                if self.global_bands and len(keyed) >= self.global_rows else _NONE)
        week = int(day) // self.window if day is not None and self.window > 0 else None
        return local, glob, week

    def keys(self, signature: Any) -> Iterable[str]:
        """Band keys over the informative anchors: ``w<week>:<band>:<value>`` for the
        article's week and the week before, or ``a:...`` without windows or date
        (only when windows are off), and ``g:<band>:<value>`` global keys."""
        local, glob, week = self._band_values(signature)
        out: list[str] = []
        if week is not None:
            out += [f"w{w}:{b}:{v:x}" for b, v in enumerate(local.tolist()) for w in (week, week - 1)]
        elif self.window <= 0:
            out += [f"a:{b}:{v:x}" for b, v in enumerate(local.tolist())]
        out += [f"g:{b}:{v:x}" for b, v in enumerate(glob.tolist())]
        return out

    def key_hashes(self, signature: Any) -> np.ndarray:
        """The keys of :meth:`keys`, hashed in NumPy."""
        local, glob, week = self._band_values(signature)
        parts = []
        band = np.arange(1, len(local) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        if week is not None:
            for w in (week, week - 1):
                parts.append(fmix64(local ^ band ^ np.uint64((w + (1 << 40)) * 0xC2B2AE3D27D4EB4F % (1 << 64))))
        elif self.window <= 0:
            parts.append(fmix64(local ^ band))
        gband = np.arange(1, len(glob) + 1, dtype=np.uint64) * np.uint64(0x165667B19E3779F9)
        parts.append(fmix64(glob ^ gband ^ np.uint64(0x27D4EB2F165667C5)))
        return np.unique((np.concatenate(parts) >> np.uint64(1)).astype(np.int64))

    def group(self, signature: Any) -> int:
        """The signature's language, as a number: only different languages are paired."""
        return xxhash.xxh32_intdigest(str(signature[0]).encode("utf-8")) & 0x7FFFFFFF

    def verify(self, a: Candidate, b: Candidate) -> float | None:
        """Dice coefficient of the anchor sets of two articles in different languages."""
        if a.signature[0] == b.signature[0]:
            return None
        sa, wa = _decode(a.signature[1])
        sb, wb = _decode(b.signature[1])
        shared = sa.keys() & sb.keys()
        if len(shared) < self.min_shared:
            return None
        dice = sum(sa[x] + sb[x] for x in shared) / (wa + wb)
        return dice if dice >= self.dice else None


_NONE = np.zeros(0, dtype=np.uint64)
_IS_KEYED = np.zeros(8, dtype=bool)
_IS_KEYED[_KEYED] = True
#: Anchors x permutations whose hashes :func:`_bands_many` holds at once (8 MB).
_CELLS = 1 << 20


def _bands_many(values: np.ndarray, counts: np.ndarray, perm: np.ndarray, rows: int, on: bool) -> np.ndarray:
    """:func:`_bands` of every document with at least ``rows`` values, as one
    ``(documents, bands)`` array; ``values`` holds the documents' values in turn."""
    ok = counts >= rows
    bands = len(perm) // rows
    if not on or not ok.any():
        return np.zeros((int(ok.sum()) if on else 0, bands), dtype=np.uint64)
    starts = np.cumsum(counts) - counts
    sel = np.flatnonzero(ok)
    out = np.empty((len(sel), bands), dtype=np.uint64)
    lo = 0
    while lo < len(sel):  # documents in groups whose hashes fit in _CELLS
        hi, cells = lo, 0
        while hi < len(sel) and (hi == lo or cells + counts[sel[hi]] * len(perm) <= _CELLS):
            cells += int(counts[sel[hi]]) * len(perm)
            hi += 1
        group = sel[lo:hi]
        take = np.concatenate([values[starts[d]:starts[d] + counts[d]] for d in group])
        offsets = np.cumsum(counts[group]) - counts[group]
        with np.errstate(over="ignore"):
            mins = np.minimum.reduceat(fmix64(take[None, :] ^ perm[:, None]), offsets, axis=1)
            mins = mins.T.reshape(len(group), bands, rows)
            acc = mins[:, :, 0]
            for r in range(1, rows):
                acc = fmix64(acc * np.uint64(0x9E3779B97F4A7C15) ^ mins[:, :, r])
        out[lo:hi] = acc
        lo = hi
    return out


def _bands(values: np.ndarray, perm: np.ndarray, rows: int) -> np.ndarray:
    """One value per band: the band's ``rows`` minima under ``perm`` combined."""
    with np.errstate(over="ignore"):
        mins = fmix64(values[None, :] ^ perm[:, None]).min(axis=1).reshape(-1, rows)
        acc = mins[:, 0]
        for r in range(1, rows):
            acc = fmix64(acc * np.uint64(0x9E3779B97F4A7C15) ^ mins[:, r])
    out: np.ndarray = acc
    return out
