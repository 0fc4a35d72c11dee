"""Deduplicators: find exact, near and cross-lingual duplicates.

Add a deduplicator: subclass :class:`Deduplicator`, then register it from a
plugin's ``register_deduplicators`` hook (see ``docs/plugins.md``).
"""

from .base import Candidate, Deduplicator, Meta

__all__ = ["Candidate", "Deduplicator", "Meta"]
