"""Built-in events plugin: registers newscorpus's own event builders and the
timeline exporter through the same hooks third-party plugins use."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .default import DefaultEventBuilder


@hookimpl
def register_event_builders(register: Register) -> None:
    """Register the built-in event builders."""
    register(DefaultEventBuilder)
