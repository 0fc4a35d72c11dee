"""Built-in events plugin: registers newscorpus's own events through the same hook
third-party plugins use."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl


@hookimpl
def register_event_builders(register: Register) -> None:
    """Register the built-in events."""
