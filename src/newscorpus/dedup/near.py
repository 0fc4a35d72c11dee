"""Near duplicates: MinHash + LSH over the inner shingles of the body, verified by
estimated Jaccard similarity and containment.

How it works, and why (measurements in ``docs/dedup.md``):

* **Shingles.** The body's normalised tokens (:mod:`.text`) form word ``n``-grams
  (``shingle``, default 3). The first and last ``min(trim * count, trim_cap)``
  shingles are dropped: headers, datelines and footers live at the ends of an
  article, and a different story from the same outlet shares exactly those. On
  inner shingles two such stories have Jaccard ~0, while a syndicated copy with a
  new header and footer keeps its overlap (and LSH buckets stay free of the
  boilerplate that would otherwise pair every story of an outlet).
* **Signature.** One-permutation MinHash with ``bins`` bins (:mod:`.minhash`),
  stored as base64 of ``uint32`` ``[shingle count, bin values...]`` (~690 chars).
* **Keys.** ``bands`` bands of ``rows`` bins (64 x 2). A wire copy with 5-15% of
  its words edited, a new header and footer and a paragraph cut keeps an inner
  3-gram Jaccard of only ~0.15-0.6; 64 x 2 bands make a pair at Jaccard 0.2 a
  candidate with probability 0.93 and at 0.3 with 0.997, while two rows per band
  keep unrelated stories that share a stock phrase out of each other's buckets.
* **Verification.** Candidates must reach an estimated Jaccard ``jaccard``, an
  estimated containment ``containment`` of the smaller shingle set in the larger
  (from the Jaccard estimate and the two set sizes, so that a copy with a
  paragraph cut still verifies), and a ``spread``: each bin also records whether
  its shingle lies in the first or second half of the text, and the matching bins
  must come from both halves of at least one of the two texts. Boilerplate shared
  by two short stories of one outlet sits at the end of both and fails; a copy
  cut short still runs through the whole copy.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np

from ..models import Article
from ..options import at_least, fraction, one_of, option, positive
from .base import Candidate, Deduplicator
from .minhash import batch_shingles, decode_u32, fmix64, oph
from .text import article_text, hash_tokens, token_bytes

__all__ = ["NearDeduplicator", "estimate"]


@functools.lru_cache(maxsize=1 << 16)
def _decode(signature: str) -> np.ndarray:
    return decode_u32(signature)


def estimate(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Estimated ``(jaccard, containment)`` of two decoded signatures.

    Containment is that of the smaller shingle set in the larger: the estimated
    intersection ``J (|A| + |B|) / (1 + J)`` over ``min(|A|, |B|)``.
    """
    j, c, _spread = scores(a[None, :], b[None, :])
    return float(j[0]), float(c[0])


def scores(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimated Jaccard, containment and spread for rows of decoded signatures.

    The spread is the share of matching bins held by shingles of the less
    represented half of a text, the higher of the two texts' shares: about 0.5 when
    the shared text runs through at least one of them (a copy cut short runs
    through the copy), 0 when it sits at one end of both (shared boilerplate).
    """
    n = a.shape[1] - 1
    bins = n if n & (n - 1) == 0 else n * 32 // 33  # with or without the half bits
    same = a[:, 1:1 + bins] == b[:, 1:1 + bins]
    matches = same.sum(axis=1)
    j = matches / bins
    na, nb = a[:, 0].astype(np.float64), b[:, 0].astype(np.float64)
    c = np.minimum(1.0, j * (na + nb) / (1.0 + j) / np.maximum(1.0, np.minimum(na, nb)))
    spread = np.ones(len(a))
    if a.shape[1] > 1 + bins:
        ta = np.unpackbits(a[:, 1 + bins:].view(np.uint8), axis=1, bitorder="little")[:, :bins].astype(bool)
        tb = np.unpackbits(b[:, 1 + bins:].view(np.uint8), axis=1, bitorder="little")[:, :bins].astype(bool)
        share = []
        for t in (ta, tb):
            front = (same & t).sum(axis=1)
            share.append(np.minimum(front, matches - front) / np.maximum(1, matches))
        spread = np.maximum(share[0], share[1])
    return j, c, spread


class NearDeduplicator(Deduplicator):
    """MinHash + LSH near-duplicate detection over inner body shingles.

    Options (defaults chosen by measured recall and precision, see ``docs/dedup.md``):
        shingle: Words per shingle (3).
        bins: MinHash bins, a power of two (128).
        bands, rows: LSH bands and bins per band; ``bands * rows <= bins`` (64, 2).
        trim, trim_cap: Share and maximum number of shingles dropped at each end (0.2, 40).
        jaccard: Minimum estimated Jaccard similarity of inner shingles (0.12).
        containment: Minimum estimated containment of the smaller text (0.4).
        spread: Minimum share of the matching bins held by shingles of the less
            represented half of a text (0.1): the shared text must run through at
            least one of the two articles, not sit at one end of both as shared
            boilerplate does. Pairs with containment of at least 0.9 need no spread.
        min_tokens: Texts with fewer tokens get no signature (25).
        fields: ``body`` or ``full`` (see :func:`.text.article_text`).
        seed: Hash seed; signatures of different seeds never match.
    """

    name = "near"
    default = True
    signature_version = 2  # 2: token hashes from NumPy (text.hash_tokens), not xxh3
    signature_options = ("shingle", "bins", "bands", "rows", "trim", "trim_cap", "min_tokens", "fields", "seed")
    max_bucket = 100

    @attrs.frozen
    class Options:
        """Options of ``near`` (defaults chosen by measured recall and precision, ``docs/dedup.md``)."""

        shingle: int = option(3, "Words per shingle.", positive)
        bins: int = option(128, "MinHash bins, a power of two >= 32.", at_least(32))
        bands: int = option(64, "LSH bands; `bands * rows <= bins`.", positive)
        rows: int = option(2, "Bins per LSH band.", positive)
        trim: float = option(0.2, "Share of shingles dropped at each end.", fraction)
        trim_cap: int = option(40, "Most shingles dropped at each end.", at_least(0))
        jaccard: float = option(0.12, "Least estimated Jaccard similarity of inner shingles.", fraction)
        containment: float = option(0.4, "Least estimated containment of the smaller text.", fraction)
        spread: float = option(0.1, "Least share of matching bins from the less represented half of a text.",
                               fraction)
        min_tokens: int = option(25, "Texts with fewer tokens get no signature.", at_least(0))
        fields: str = option("body", "`body` or `full` (title, subtitle and body).", one_of("body", "full"))
        seed: int = option(0, "Hash seed; signatures of different seeds never match.")

    def __init__(self, shingle: int = 3, bins: int = 128, bands: int = 64, rows: int = 2,
                 trim: float = 0.2, trim_cap: int = 40, jaccard: float = 0.12,
                 containment: float = 0.4, spread: float = 0.1, min_tokens: int = 25, fields: str = "body",
                 seed: int = 0, **options: Any) -> None:
        super().__init__(shingle=shingle, bins=bins, bands=bands, rows=rows, trim=trim,
                         trim_cap=trim_cap, jaccard=jaccard, containment=containment, spread=spread,
                         min_tokens=min_tokens, fields=fields, seed=seed, **options)
        if bins < 32 or bins & (bins - 1):
            raise ValueError(f"bins must be a power of two >= 32, got {bins}")
        if bands * rows > bins or bands < 1 or rows < 1:
            raise ValueError(f"need 1 <= bands * rows <= bins, got {bands} x {rows} > {bins}")
        self.shingle, self.bins, self.bands, self.rows = int(shingle), int(bins), int(bands), int(rows)
        self.trim, self.trim_cap = float(trim), int(trim_cap)
        self.jaccard, self.containment = float(jaccard), float(containment)
        self.spread = float(spread)
        self.min_tokens, self.fields, self.seed = int(min_tokens), fields, int(seed)

    def signatures(self, articles: Sequence[Article]) -> list[str | None]:
        """Signatures of a batch, hashed and MinHashed together."""
        return self.sign_hashes(self._token_hashes(articles))

    def signatures_with_keys(self, articles: Sequence[Article]) -> list[tuple[Any, np.ndarray]]:
        """Signatures and band keys of a batch; the keys of all are hashed at once."""
        sigs, matrix = self._sign(self._token_hashes(articles))
        keys = self._band_keys(matrix) if len(matrix) else np.zeros((0, self.bands), np.int64)
        empty = np.zeros(0, dtype=np.int64)
        return [(s, np.unique(k) if s is not None else empty) for s, k in zip(sigs, keys, strict=True)]

    def _token_hashes(self, articles: Sequence[Article]) -> list[np.ndarray]:
        if not articles:
            return []
        # the whole batch's tokens hashed at once in NumPy, then cut per article
        hashes, counts = hash_tokens([token_bytes(article_text(a, self.fields)) for a in articles])
        parts = np.split(hashes, np.cumsum(counts)[:-1])
        empty = np.zeros(0, np.uint64)
        return [p if c >= self.min_tokens else empty for p, c in zip(parts, counts.tolist(), strict=True)]

    def sign_hashes(self, token_hashes: Sequence[np.ndarray]) -> list[str | None]:
        """Signatures from token hashes (``None`` for an empty array)."""
        return self._sign(token_hashes)[0]

    def _sign(self, token_hashes: Sequence[np.ndarray]) -> tuple[list[str | None], np.ndarray]:
        n = len(token_hashes)
        if not n:
            return [], np.zeros((0, self.bins), dtype=np.uint32)
        hashes, doc, counts = batch_shingles(token_hashes, self.shingle, self.seed, (self.trim, self.trim_cap))
        # which half of its text each shingle comes from: verification asks that the
        # matching bins come from both halves, which boilerplate at one end cannot do
        starts = np.repeat(np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        first = (np.arange(len(doc)) - starts) < np.repeat((counts + 1) // 2, counts)
        sigs, tags = oph(hashes, doc, n, self.bins, tag=first)
        bits = np.packbits(tags, axis=1, bitorder="little").view("<u4")
        # every row of the batch laid out at once; only the base64 is per article
        rows = np.empty((n, 1 + self.bins + self.bins // 32), dtype="<u4")
        rows[:, 0] = np.minimum(counts, 0xFFFFFFFF)
        rows[:, 1:1 + self.bins] = sigs
        rows[:, 1 + self.bins:] = bits
        raw, width = rows.tobytes(), rows.shape[1] * 4
        b64 = base64.b64encode
        out: list[str | None] = [b64(raw[i * width:(i + 1) * width]).decode("ascii") if count else None
                                 for i, count in enumerate(counts.tolist())]
        return out, sigs

    def signature(self, article: Article) -> str | None:
        """Signature of one article; ``None`` for a text under ``min_tokens`` tokens."""
        return self.signatures([article])[0]

    def keys(self, signature: Any) -> Iterable[str]:
        """One key per band: band number and the band's bin values."""
        values = _decode(signature)[1:]
        r = self.rows
        if r == 1:
            return [f"{b}:{v}" for b, v in enumerate(values[: self.bands].tolist())]
        return [f"{b}:" + ".".join(map(str, values[b * r:(b + 1) * r].tolist())) for b in range(self.bands)]

    def key_hashes(self, signature: Any) -> np.ndarray:
        """Band keys hashed in NumPy: each band's bins and number, through ``fmix64``."""
        return np.unique(self._band_keys(_decode(signature)[None, 1:1 + self.bins])[0])

    def _band_keys(self, bins: np.ndarray) -> np.ndarray:
        """``(docs, bands)`` key hashes from ``(docs, bins)`` bin values."""
        values = bins[:, :self.bands * self.rows].astype(np.uint64).reshape(len(bins), self.bands, self.rows)
        acc = np.broadcast_to(np.arange(1, self.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
                              (len(bins), self.bands))
        for r in range(self.rows):
            acc = fmix64(acc ^ values[:, :, r])
        out: np.ndarray = (acc >> np.uint64(1)).astype(np.int64)
        return out

    def verify_many(self, pairs: Sequence[tuple[Candidate, Candidate]]) -> list[float | None]:
        """:meth:`verify` of a batch of pairs, vectorised."""
        if not pairs:
            return []
        a = np.stack([_decode(x.signature) for x, _ in pairs])
        b = np.stack([_decode(y.signature) for _, y in pairs])
        j, c, spread = scores(a, b)
        # a near-identical pair needs no spread (a text repeating one phrase has none)
        ok = (j >= self.jaccard) & (c >= self.containment) & ((spread >= self.spread) | (c >= 0.9))
        return [max(float(ci), 1e-6) if o else None for ci, o in zip(c.tolist(), ok.tolist(), strict=True)]

    def verify(self, a: Candidate, b: Candidate) -> float | None:
        """Estimated containment when the thresholds are met, else ``None``."""
        return self.verify_many([(a, b)])[0]
