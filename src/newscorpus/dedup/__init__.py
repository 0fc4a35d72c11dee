"""Deduplicators: find exact, near and cross-lingual duplicates.

Built in: :class:`ExactDeduplicator` (``exact``), :class:`NearDeduplicator`
(``near``, MinHash + LSH) and :class:`TranslationDeduplicator` (``translation``,
cross-lingual anchors). :func:`deduplicate` runs them in one process;
the pipeline runs them as sharded stages (:mod:`.stages`), optionally against a
persistent :class:`DedupIndex`. See ``docs/dedup.md``.

Add a deduplicator: subclass :class:`Deduplicator`, then register it from a
plugin's ``register_deduplicators`` hook (see ``docs/plugins.md``).
"""

from .base import Candidate, Deduplicator, Meta
from .exact import ExactDeduplicator
from .index import DedupIndex
from .memory import DedupResult, deduplicate
from .near import NearDeduplicator
from .translation import TranslationDeduplicator

__all__ = [
    "Candidate",
    "DedupIndex",
    "DedupResult",
    "Deduplicator",
    "ExactDeduplicator",
    "Meta",
    "NearDeduplicator",
    "TranslationDeduplicator",
    "deduplicate",
]
