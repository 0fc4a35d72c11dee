"""Built-in dedup plugin: registers newscorpus's own deduplicators through the same
hook third-party plugins use."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .base import Deduplicator
from .exact import ExactDeduplicator
from .near import NearDeduplicator
from .translation import TranslationDeduplicator


@hookimpl
def register_deduplicators(register: Register[Deduplicator]) -> None:
    """Register the built-in deduplicators: ``exact``, ``near`` and ``translation``."""
    register(ExactDeduplicator)
    register(NearDeduplicator)
    register(TranslationDeduplicator)
