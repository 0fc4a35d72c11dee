"""Built-in cleaners plugin: registers newscorpus's own cleaners through the same hook
third-party plugins use."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl


@hookimpl
def register_cleaners(register: Register) -> None:
    """Register the built-in cleaners."""


@hookimpl
def register_rule_packs(register: Register) -> None:
    """Register the built-in rule packs."""
