"""The deduplicator interface.

Deduplication runs as sharded stages, as in datatrove: each parse task computes a
signature and bucket keys per article; bucket tasks group articles that share a key
into candidate pairs; verify tasks check each pair with the deduplicator; one
cluster task joins verified pairs into clusters and picks each cluster's canonical
article. A deduplicator only supplies the three per-article/per-pair functions.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal

import attrs
import numpy as np
import xxhash

from ..models import Article, ArticleMeta

__all__ = ["Candidate", "Deduplicator", "Meta", "hash_key", "hash_keys"]


def hash_key(key: str) -> int:
    """A bucket key as a 63-bit integer (fits SQLite's signed INTEGER).

    Two keys that collide only cost one extra verification.
    """
    return xxhash.xxh3_64_intdigest(key.encode("utf-8")) >> 1


def hash_keys(keys: Iterable[str]) -> np.ndarray:
    """:func:`hash_key` of each key, as ``int64``."""
    h = xxhash.xxh3_64_intdigest
    return np.fromiter((h(k.encode("utf-8")) >> 1 for k in keys), dtype=np.int64)


# The article metadata type moved to the models (event builders share it); dedup code
# and plugins keep using it under this name.
Meta = ArticleMeta


@attrs.frozen
class Candidate:
    """An article as a deduplicator sees it in the verify stage."""

    meta: Meta
    signature: Any


class Deduplicator(ABC):
    """Base class of deduplicators. Subclass, set ``name``, implement the three
    methods, and register the class with the ``register_deduplicators`` hook.

    Attributes:
        name: Component name used in configs and in ``duplicates`` exports.
        relation: ``duplicate`` (sets ``duplicate_of``) or ``translation`` (sets
            ``translation_of``).
        signature_version: Bumped whenever :meth:`signature`'s output changes, so
            that a persistent index never compares signatures of two formats.
        max_bucket: A bucket with more members than this is treated as a common,
            uninformative key: its members are only compared with its first member.
        default: Whether the deduplicator runs when a config does not list methods.
        cross_group_only: Pair only articles whose signatures fall in different
            groups (:meth:`group`), before verification: ``translation`` pairs only
            articles of different languages.
        signature_options: Names of the options that change signatures or keys;
            ``None`` means all of them. A persistent index keeps signatures made
            with other values of these options apart (see :meth:`fingerprint`).
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.
    """

    name: ClassVar[str]
    Options: ClassVar[type | None] = None
    relation: ClassVar[Literal["duplicate", "translation"]] = "duplicate"
    signature_version: ClassVar[int] = 1
    max_bucket: ClassVar[int] = 200
    default: ClassVar[bool] = False
    signature_options: ClassVar[tuple[str, ...] | None] = None
    cross_group_only: ClassVar[bool] = False

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def signature(self, article: Article) -> Any:
        """A compact JSON-serialisable signature of ``article``, or ``None`` to
        leave it out of this deduplicator (too short, wrong language)."""

    def signatures(self, articles: Sequence[Article]) -> list[Any]:
        """Signatures of a batch of articles, in order.

        The pipeline calls this rather than :meth:`signature`; override it when a
        batch is cheaper than one article at a time (vectorised hashing).
        """
        return [self.signature(a) for a in articles]

    def fingerprint(self) -> str:
        """Hash of the options that shape signatures and keys (``signature_options``)."""
        names = sorted(self.options) if self.signature_options is None else sorted(self.signature_options)
        data = {n: self.options.get(n) for n in names}
        return xxhash.xxh64_hexdigest(json.dumps(data, sort_keys=True, default=str).encode("utf-8"))

    def signatures_with_keys(self, articles: Sequence[Article]) -> list[tuple[Any, np.ndarray]]:
        """``(signature, key_hashes)`` of each article of a batch (``(None, empty)``
        when it has no signature). Override to compute keys for a whole batch."""
        out = []
        for sig in self.signatures(articles):
            out.append((sig, self.key_hashes(sig) if sig is not None else np.zeros(0, dtype=np.int64)))
        return out

    def key_hashes(self, signature: Any) -> np.ndarray:
        """The distinct bucket keys of ``signature`` as 63-bit ``int64`` hashes.

        The pipeline buckets and indexes these, never the strings; the default
        hashes :meth:`keys`. Override to compute them faster, as a function of the
        same information.
        """
        return hash_keys(dict.fromkeys(self.keys(signature)))

    def group(self, signature: Any) -> int:
        """Group number of a signature, for ``cross_group_only`` (a 31-bit integer)."""
        return 0

    def verify_many(self, pairs: Sequence[tuple[Candidate, Candidate]]) -> list[float | None]:
        """:meth:`verify` of each pair; override when a batch is cheaper."""
        return [self.verify(a, b) for a, b in pairs]

    @abstractmethod
    def keys(self, signature: Any) -> Iterable[str]:
        """Bucket keys: articles sharing a key become candidate pairs."""

    @abstractmethod
    def verify(self, a: Candidate, b: Candidate) -> float | None:
        """Similarity score in ``(0, 1]`` when ``a`` and ``b`` are duplicates (or
        translations) of each other, else ``None``."""
