"""Deduplicators: find exact, near and cross-lingual duplicates.

Built in: :class:`ExactDeduplicator` (``exact``), :class:`NearDeduplicator`
(``near``, MinHash + LSH) and :class:`TranslationDeduplicator` (``translation``,
cross-lingual anchors). The pipeline runs them as sharded stages
(:mod:`.stages`), optionally against a persistent :class:`DedupIndex`;
:func:`newscorpus.deduplicate` runs those same stages on a list of articles. See ``docs/dedup.md``.

Add a deduplicator: subclass :class:`Deduplicator`, then register it from a
plugin's ``register_deduplicators`` hook (see ``docs/plugins.md``).
"""

from .base import Candidate, Deduplicator, Meta
from .exact import ExactDeduplicator
from .index import DedupIndex
from .near import NearDeduplicator
from .translation import TranslationDeduplicator

__all__ = [
    "Candidate",
    "DedupIndex",
    "Deduplicator",
    "ExactDeduplicator",
    "Meta",
    "NearDeduplicator",
    "TranslationDeduplicator",
]
