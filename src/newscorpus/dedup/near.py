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
* **Verification.** Candidates must reach both an estimated Jaccard ``jaccard``
  and an estimated containment ``containment`` of the smaller shingle set in the
  larger (from the Jaccard estimate and the two set sizes), so that a copy with a
  paragraph cut still verifies and stories sharing one quote do not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..models import Article
from .base import Candidate, Deduplicator
from .minhash import batch_shingles, decode_u32, encode_u32, fmix64, oph
from .text import TokenHasher, article_text, tokens

__all__ = ["NearDeduplicator", "estimate"]


@functools.lru_cache(maxsize=1 << 16)
def _decode(signature: str) -> np.ndarray:
    return decode_u32(signature)


def estimate(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Estimated ``(jaccard, containment)`` of two decoded signatures.

    Containment is that of the smaller shingle set in the larger: the estimated
    intersection ``J (|A| + |B|) / (1 + J)`` over ``min(|A|, |B|)``.
    """
    na, nb = int(a[0]), int(b[0])
    j = float(np.count_nonzero(a[1:] == b[1:])) / (len(a) - 1)
    inter = j * (na + nb) / (1.0 + j)
    return j, min(1.0, inter / max(1, min(na, nb)))


class NearDeduplicator(Deduplicator):
    """MinHash + LSH near-duplicate detection over inner body shingles.

    Options (defaults chosen by measured recall and precision, see ``docs/dedup.md``):
        shingle: Words per shingle (3).
        bins: MinHash bins, a power of two (128).
        bands, rows: LSH bands and bins per band; ``bands * rows <= bins`` (64, 2).
        trim, trim_cap: Share and maximum number of shingles dropped at each end (0.2, 40).
        jaccard: Minimum estimated Jaccard similarity of inner shingles (0.1).
        containment: Minimum estimated containment of the smaller text (0.3).
        min_tokens: Texts with fewer tokens get no signature (25).
        fields: ``body`` or ``full`` (see :func:`.text.article_text`).
        seed: Hash seed; signatures of different seeds never match.
    """

    name = "near"
    default = True
    signature_version = 1
    signature_options = ("shingle", "bins", "bands", "rows", "trim", "trim_cap", "min_tokens", "fields", "seed")
    max_bucket = 100

    def __init__(self, shingle: int = 3, bins: int = 128, bands: int = 64, rows: int = 2,
                 trim: float = 0.2, trim_cap: int = 40, jaccard: float = 0.1,
                 containment: float = 0.3, min_tokens: int = 25, fields: str = "body",
                 seed: int = 0, **options: Any) -> None:
        super().__init__(shingle=shingle, bins=bins, bands=bands, rows=rows, trim=trim,
                         trim_cap=trim_cap, jaccard=jaccard, containment=containment,
                         min_tokens=min_tokens, fields=fields, seed=seed, **options)
        if bands * rows > bins or bands < 1 or rows < 1:
            raise ValueError(f"need 1 <= bands * rows <= bins, got {bands} x {rows} > {bins}")
        self.shingle, self.bins, self.bands, self.rows = int(shingle), int(bins), int(bands), int(rows)
        self.trim, self.trim_cap = float(trim), int(trim_cap)
        self.jaccard, self.containment = float(jaccard), float(containment)
        self.min_tokens, self.fields, self.seed = int(min_tokens), fields, int(seed)
        self._hasher = TokenHasher()

    def signatures(self, articles: Sequence[Article]) -> list[str | None]:
        """Signatures of a batch, hashed and MinHashed together."""
        hashed = []
        for article in articles:
            toks = tokens(article_text(article, self.fields))
            hashed.append(self._hasher(toks) if len(toks) >= self.min_tokens else np.zeros(0, np.uint64))
        return self.sign_hashes(hashed)

    def sign_hashes(self, token_hashes: Sequence[np.ndarray]) -> list[str | None]:
        """Signatures from token hashes (``None`` for an empty array)."""
        hashes, doc, counts = batch_shingles(token_hashes, self.shingle, self.seed, (self.trim, self.trim_cap))
        sigs = oph(hashes, doc, len(token_hashes), self.bins)
        out: list[str | None] = []
        for i, count in enumerate(counts.tolist()):
            if not count:
                out.append(None)
                continue
            row = np.empty(self.bins + 1, dtype=np.uint32)
            row[0] = min(count, 0xFFFFFFFF)
            row[1:] = sigs[i]
            out.append(encode_u32(row))
        return out

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
        values = _decode(signature)[1:1 + self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        acc = np.arange(1, self.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        with np.errstate(over="ignore"):
            for r in range(self.rows):
                acc = fmix64(acc ^ values[:, r])
        return np.unique((acc >> np.uint64(1)).astype(np.int64))

    def verify_many(self, pairs: Sequence[tuple[Candidate, Candidate]]) -> list[float | None]:
        """:meth:`verify` of a batch of pairs, vectorised."""
        if not pairs:
            return []
        a = np.stack([_decode(x.signature) for x, _ in pairs]).astype(np.int64)
        b = np.stack([_decode(y.signature) for _, y in pairs]).astype(np.int64)
        j = (a[:, 1:] == b[:, 1:]).mean(axis=1)
        inter = j * (a[:, 0] + b[:, 0]) / (1.0 + j)
        c = np.minimum(1.0, inter / np.maximum(1, np.minimum(a[:, 0], b[:, 0])))
        ok = (j >= self.jaccard) & (c >= self.containment)
        return [max(float(ci), 1e-6) if o else None for ci, o in zip(c.tolist(), ok.tolist(), strict=True)]

    def verify(self, a: Candidate, b: Candidate) -> float | None:
        """Estimated containment when both thresholds are met, else ``None``."""
        j, c = estimate(_decode(a.signature), _decode(b.signature))
        if j >= self.jaccard and c >= self.containment:
            return max(c, 1e-6)
        return None
