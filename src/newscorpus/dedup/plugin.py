"""Built-in dedup plugin: registers newscorpus's own dedup through the same hook
third-party plugins use."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl


@hookimpl
def register_deduplicators(register: Register) -> None:
    """Register the built-in dedup."""
