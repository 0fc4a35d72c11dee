"""One-permutation MinHash (OPH) over word shingles, in NumPy.

Why hand-written: the two maintained libraries fit badly. datasketch computes
``num_perm`` universal hashes per shingle (4-10x slower than the alternatives on
this machine, 2-4x the memory) and rensa, though as fast, is a compiled
dependency whose digest changed in its last release. One-permutation hashing
(Li, Owen & Zhang 2012) with optimal densification (Shrivastava 2017) hashes each
shingle once with a 64-bit hash, sends it to one of ``bins`` bins by its top bits
and keeps the smallest low 32 bits per bin; empty bins borrow the value of a bin
chosen by a fixed probe sequence, so the match rate of two signatures still
estimates Jaccard similarity. Everything is vectorised over a batch of documents
(``np.minimum.at``), and the format is ours to version.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

__all__ = [
    "EMPTY",
    "batch_shingles",
    "decode_u32",
    "encode_u32",
    "fmix64",
    "oph",
]

#: Value of an empty bin before densification.
EMPTY = np.uint32(0xFFFFFFFF)

_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
# Odd 64-bit multipliers, one per shingle position (golden ratio and xxhash primes).
_POS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
        0x85EBCA77C2B2AE63, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)
_PROBES = 24


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        # in place after the first step (a new array): 3 temporaries instead of 8
        out: np.ndarray = h ^ (h >> _S33)
        out *= _M1
        out ^= out >> _S33
        out *= _M2
        out ^= out >> _S33
        return out


def batch_shingles(
    docs: Sequence[np.ndarray], n: int, seed: int = 0, trim: tuple[float, int] = (0.0, 0)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes of the word ``n``-grams of each document of a batch.

    Args:
        docs: Token hashes (``uint64``) of each document.
        n: Shingle length in tokens; at most ``len(_POS)``. A document shorter than
            ``n`` tokens (but not empty) gives one shingle of all its tokens.
        seed: Mixed into every shingle hash.
        trim: ``(fraction, cap)``: drop ``min(fraction * count, cap)`` shingles at
            each end of a document, where headers, datelines and footers live.

    Returns:
        ``(hashes, doc, counts)``: the shingle hashes of the whole batch, the batch
        index of the document each belongs to, and the number kept per document.
    """
    if not 1 <= n <= len(_POS):
        raise ValueError(f"shingle length must be 1..{len(_POS)}, got {n}")
    lens = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    if not len(docs) or not lens.sum():
        empty = np.zeros(0, dtype=np.uint64)
        return empty, np.zeros(0, dtype=np.int64), np.zeros(len(docs), dtype=np.int64)
    flat = np.concatenate([d for d in docs if len(d)]).astype(np.uint64, copy=False)
    total = len(flat)
    acc = np.full(total, np.uint64(seed) * np.uint64(_POS[-1]) + np.uint64(n), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc[: total - k] += flat[k:] * np.uint64(_POS[k])
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    count = np.where(lens >= n, lens - n + 1, np.minimum(lens, 1))
    frac, cap = trim
    cut = np.minimum((count * frac).astype(np.int64), cap) if frac > 0 else np.zeros_like(count)
    cut = np.where(count - 2 * cut >= 1, cut, 0)
    kept = count - 2 * cut
    doc = np.repeat(np.arange(len(docs)), kept)
    # position of each kept shingle: its document's start + cut + rank inside the document
    first = np.repeat(starts + cut - np.cumsum(kept) + kept, kept)
    pos = first + np.arange(int(kept.sum()))
    # a document shorter than n has one shingle: the prefix sum over its tokens only
    short = np.flatnonzero((lens < n) & (lens > 0))
    hashes = acc[pos]
    if len(short):
        for i in short:  # rare: fix the hash so that it covers exactly the document's tokens
            s, ln = int(starts[i]), int(lens[i])
            h = np.uint64(seed) * np.uint64(_POS[-1]) + np.uint64(n)
            with np.errstate(over="ignore"):
                for k in range(ln):
                    h += flat[s + k] * np.uint64(_POS[k])
            hashes[np.flatnonzero(doc == i)] = h
    return fmix64(hashes), doc, kept


def _probe_table(bins: int) -> np.ndarray:
    rng = np.random.default_rng(0x5EED)  # fixed: part of the signature format
    return rng.integers(0, bins, size=(bins, _PROBES), dtype=np.int64)


_TABLES: dict[int, np.ndarray] = {}


def oph(hashes: np.ndarray, doc: np.ndarray, ndocs: int, bins: int = 128,
        tag: np.ndarray | None = None) -> np.ndarray:
    """One-permutation MinHash signatures, ``(ndocs, bins)`` of ``uint32``.

    A document without any shingle keeps every bin :data:`EMPTY`. With ``tag`` (a
    boolean per shingle), returns ``(signatures, tags)`` where ``tags[d, b]`` is the
    tag of the shingle that holds bin ``b`` of document ``d`` (after densification).
    """
    if bins & (bins - 1) or not 2 <= bins <= 1 << 16:
        raise ValueError(f"bins must be a power of two in 2..65536, got {bins}")
    shift = np.uint64(64 - (bins.bit_length() - 1))
    out = np.full(ndocs * bins, EMPTY, dtype=np.uint32)
    tags = np.zeros(ndocs * bins, dtype=bool)
    if len(hashes):
        slot = doc * bins + (hashes >> shift).astype(np.int64)
        values = (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        np.minimum.at(out, slot, values)
        if tag is not None:
            winner = values == out[slot]
            tags[slot[winner]] = tag[winner]
    sig = out.reshape(ndocs, bins)
    tag_matrix = tags.reshape(ndocs, bins)
    _densify(sig, tag_matrix)
    return (sig, tag_matrix) if tag is not None else sig  # type: ignore[return-value]


def _densify(sig: np.ndarray, tags: np.ndarray) -> None:
    """Fill empty bins in place from the first non-empty bin of a fixed probe
    sequence per bin, falling back to the next non-empty bin to the right."""
    empty = sig == EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if not len(rows):
        return
    bins = sig.shape[1]
    table = _TABLES.get(bins)
    if table is None:
        table = _TABLES[bins] = _probe_table(bins)
    sub = sig[rows]
    sub_empty = empty[rows]
    full = ~sub_empty[:, table]  # (rows, bins, probes): is the probed bin non-empty?
    hit = full.any(axis=2)
    first = full.argmax(axis=2)
    src = table[np.arange(bins)[None, :], first]  # (rows, bins)
    # rare: no probe hit (a document with a handful of shingles); rotate to the right
    for r, b in zip(*np.nonzero(sub_empty & ~hit), strict=True):
        nonempty = np.flatnonzero(~sub_empty[r])
        src[r, b] = nonempty[np.searchsorted(nonempty, b) % len(nonempty)]
    src = np.where(sub_empty, src, np.arange(bins)[None, :])
    sig[rows] = np.take_along_axis(sub, src, axis=1)
    tags[rows] = np.take_along_axis(tags[rows], src, axis=1)


def encode_u32(values: np.ndarray) -> str:
    """Little-endian ``uint32`` array as base64 text."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<u4").tobytes()).decode("ascii")


def decode_u32(text: str) -> np.ndarray:
    """Inverse of :func:`encode_u32`."""
    return np.frombuffer(base64.b64decode(text), dtype="<u4")
