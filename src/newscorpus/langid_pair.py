"""Indonesian vs Malay: a small hashed n-gram discriminator for the pair that the
general identifier confuses.

The model is a multinomial naive Bayes over hashed character n-grams and word
unigrams, shipped as one vector of per-bucket log-likelihood ratios
(``data/langid_id_ms.npz``, NumPy arrays only, read with ``allow_pickle=False``).
Scoring a text is a sum of table look-ups: no scikit-learn, no network, no
randomness. The training script is ``benchmarks/train_language.py``; it imports
:func:`features` from here, so training and run time cut text the same way.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

__all__ = [
    "FeatureConfig",
    "PairModel",
    "features",
    "features_batch",
    "load_model",
    "model_arrays",
    "model_from_arrays",
]

#: The shipped model, inside the package (see ``benchmarks/train_language.py``).
MODEL_NAME = "langid_id_ms.npz"
#: Code returned for a positive score and for a negative one.
POSITIVE, NEGATIVE = "ms", "id"

_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+")
# Polynomial rolling hash over code points, then a multiplicative mix whose top bits
# pick the bucket. uint64 arithmetic wraps, which is what both steps want.
_BASE = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_WORD_SALT = 0x5BD1E995


@attrs.frozen
class FeatureConfig:
    """How a text becomes hashed n-gram buckets."""

    #: Character n-gram orders.
    orders: tuple[int, ...] = (1, 2, 3, 4, 5)
    #: Also hash whole (lower-cased) words.
    words: bool = True
    #: log2 of the number of buckets.
    bits: int = 18

    def to_json(self) -> str:
        """The config as compact, key-sorted JSON (stored beside the weights)."""
        return json.dumps({"orders": list(self.orders), "words": self.words, "bits": self.bits}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FeatureConfig:
        """Inverse of :meth:`to_json`."""
        d = json.loads(text)
        return cls(orders=tuple(int(n) for n in d["orders"]), words=bool(d["words"]), bits=int(d["bits"]))


def normalise(text: str) -> str:
    """Lower-case, digits to ``0``, whitespace runs to one space, padded with spaces."""
    return " " + _SPACES.sub(" ", _DIGITS.sub("0", text.lower())).strip() + " "


def features(text: str, config: FeatureConfig) -> npt.NDArray[np.intp]:
    """Bucket index of every n-gram of ``text`` (one entry per occurrence)."""
    norm = normalise(text)
    codes = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    shift = np.uint64(64 - config.bits)
    parts: list[npt.NDArray[np.uint64]] = []
    # The hash of the n-gram at i is n * B**n + sum(codes[i + k] * B**(n - 1 - k)): seeded with
    # the order (no clashes across orders), built from the (n-1)-gram hashes in one step per order.
    grams = np.zeros(len(codes), dtype=np.uint64)
    seed = np.ones(1, dtype=np.uint64)
    for n in range(1, max(config.orders, default=0) + 1):
        if len(codes) < n:
            break
        grams = grams[:-1] * _BASE + codes[n - 1 :] if n > 1 else codes.copy()
        seed = seed * _BASE
        if n in config.orders:
            parts.append(grams + seed * np.uint64(n))
    if config.words:
        words = _WORD.findall(norm)
        if words:
            parts.append(np.array([zlib.crc32(w.encode("utf-8"), _WORD_SALT) for w in words], dtype=np.uint64))
    if not parts:
        return np.zeros(0, dtype=np.intp)
    hashed = np.concatenate(parts) * _MIX
    return (hashed >> shift).astype(np.intp)


@attrs.frozen(eq=False)
class PairModel:
    """Naive Bayes log-likelihood ratios for the pair, one per bucket.

    ``score = bias + offset * n + sum(weights[buckets])`` over a text's ``n``
    n-gram occurrences; positive means :data:`POSITIVE` (ms). ``offset`` is the
    ratio of an unseen bucket, kept apart so that unseen buckets are stored as 0.
    """

    config: FeatureConfig
    weights: npt.NDArray[np.float32]
    bias: float
    offset: float

    def score(self, text: str) -> float:
        """Log-odds of Malay over Indonesian for ``text``."""
        idx = features(text, self.config)
        return float(self.bias + self.offset * len(idx) + self.weights[idx].sum(dtype=np.float64))

    def predict(self, text: str) -> str:
        """``"ms"`` or ``"id"``."""
        return POSITIVE if self.score(text) > 0 else NEGATIVE

    def score_batch(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """:meth:`score` of each of ``texts``, hashed and summed as one batch.

        The per-text sums are taken in another order than :meth:`score`'s, which
        cannot change them when every weight is a float16 value (the shipped model
        stores them so): such weights are multiples of 2**-24, and sums of a few
        thousand of them below 2**29 in size are exact in float64.
        """
        idx, owner = features_batch(texts, self.config)
        sums = np.bincount(owner, weights=self.weights[idx].astype(np.float64), minlength=len(texts))
        n = np.bincount(owner, minlength=len(texts))
        return np.asarray(self.bias + self.offset * n + sums, dtype=np.float64)

    def predict_batch(self, texts: Sequence[str]) -> list[str]:
        """:meth:`predict` of each of ``texts`` (see :meth:`score_batch`)."""
        return [POSITIVE if s > 0 else NEGATIVE for s in self.score_batch(texts)]


def model_arrays(model: PairModel) -> dict[str, npt.NDArray[Any]]:
    """The arrays a model is stored as (see :func:`model_from_arrays`)."""
    return {
        "config": np.array(model.config.to_json()),
        "weights": model.weights.astype(np.float16),
        "scalars": np.array([model.bias, model.offset], dtype=np.float64),
    }


def model_from_arrays(arrays: Mapping[str, npt.NDArray[Any]]) -> PairModel:
    """A model from the arrays of a ``.npz`` file opened with ``allow_pickle=False``."""
    bias, offset = (float(v) for v in arrays["scalars"])
    return PairModel(
        config=FeatureConfig.from_json(str(arrays["config"])),
        weights=np.asarray(arrays["weights"], dtype=np.float32),
        bias=bias,
        offset=offset,
    )


@functools.cache
def load_model() -> PairModel:
    """The shipped model, read once from the package data."""
    path = resources.files("newscorpus.data").joinpath(MODEL_NAME)
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as arrays:
        return model_from_arrays(arrays)


_Mask = npt.NDArray[np.bool_]


def _classes(codes: npt.NDArray[np.uint32]) -> tuple[_Mask, _Mask, _Mask]:
    """Which code points :func:`normalise` and the word pattern treat as digit, space and
    letter, read off the same regular expressions (ASCII from a table, the rest one
    distinct code point at a time)."""
    digit, space, letter = (table[np.minimum(codes, 127)] for table in _ascii_classes())
    wide = codes > 127
    if wide.any():
        distinct, where = np.unique(codes[wide], return_inverse=True)
        chars = [chr(int(c)) for c in distinct]
        for mask, pattern in ((digit, _DIGITS), (space, _SPACES), (letter, _WORD)):
            mask[wide] = np.array([pattern.fullmatch(c) is not None for c in chars], dtype=bool)[where]
    return digit, space, letter


@functools.cache
def _ascii_classes() -> tuple[_Mask, _Mask, _Mask]:
    chars = [chr(c) for c in range(128)]
    digit, space, letter = (np.array([p.fullmatch(c) is not None for c in chars], dtype=bool)
                            for p in (_DIGITS, _SPACES, _WORD))
    return digit, space, letter


def features_batch(texts: Sequence[str], config: FeatureConfig) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """:func:`features` of many texts at once: ``(buckets, owner)``, where ``owner[i]``
    is the index in ``texts`` of the text ``buckets[i]`` came from.

    Each text gives the same buckets as ``features(text, config)`` (the same multiset;
    the order inside a text may differ). The texts are lower-cased one by one (casing
    depends on neighbours), then normalised and hashed as one array of code points
    in which an n-gram is kept only when it lies inside one text.
    """
    if not texts:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    # " " + text + " " with every whitespace run made one space is normalise()'s output,
    # except for a text with nothing but whitespace (two spaces there, one here: fixed below).
    raw = "".join(f" {t.lower()} " for t in texts)
    codes = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    lengths = np.fromiter((len(t) + 2 for t in texts), dtype=np.intp, count=len(texts))
    text_of = np.repeat(np.arange(len(texts), dtype=np.intp), lengths)  # for raw code points
    digit, space, letter = _classes(codes)
    codes[digit] = ord("0")
    codes[space] = ord(" ")
    # Drop a space that follows a space of the same text.
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = ~(space[1:] & space[:-1] & (text_of[1:] == text_of[:-1]))
    codes, letter, owner = codes[keep], letter[keep], text_of[keep]
    lengths = np.bincount(owner, minlength=len(texts))
    if (lengths == 1).any():  # whitespace-only text: normalise() gives "  "
        ones = np.flatnonzero(lengths == 1)
        at = np.cumsum(lengths)[ones]
        codes = np.insert(codes, at, ord(" "))
        letter = np.insert(letter, at, False)
        owner = np.insert(owner, at, ones)
        lengths[ones] = 2
    wide = codes.astype(np.uint64)
    # Characters left in its text from each position on: an n-gram starting there fits if n <= left.
    left = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes))
    shift = np.uint64(64 - config.bits)
    parts: list[npt.NDArray[np.uint64]] = []
    owners: list[npt.NDArray[np.intp]] = []
    grams = np.zeros(len(wide), dtype=np.uint64)
    seed = np.ones(1, dtype=np.uint64)
    for n in range(1, max(config.orders, default=0) + 1):
        grams = grams[:-1] * _BASE + wide[n - 1 :] if n > 1 else wide.copy()
        seed = seed * _BASE
        if n in config.orders:
            inside = left[: len(grams)] >= n
            parts.append(grams[inside] + seed * np.uint64(n))
            owners.append(owner[: len(grams)][inside])
    if config.words:
        # Words are runs of letters; every text starts and ends with a space, so no run spans two.
        edge = np.diff(letter.astype(np.int8), prepend=0, append=0)
        starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
        norm = codes.tobytes().decode("utf-32-le", "surrogatepass")
        spans = zip(starts.tolist(), ends.tolist(), strict=True)
        parts.append(np.fromiter((zlib.crc32(norm[a:b].encode("utf-8"), _WORD_SALT) for a, b in spans),
                                 dtype=np.uint64, count=len(starts)))
        owners.append(owner[starts])
    if not parts:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    hashed = np.concatenate(parts) * _MIX
    return (hashed >> shift).astype(np.intp), np.concatenate(owners)
