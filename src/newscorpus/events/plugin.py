"""Built-in events plugin: registers newscorpus's own event builders through the
same hooks third-party plugins use."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .base import EventBuilder
from .default import DefaultEventBuilder
from .semantic import SemanticEventBuilder


@hookimpl
def register_event_builders(register: Register[EventBuilder]) -> None:
    """Register the built-in event builders."""
    register(DefaultEventBuilder)
    register(SemanticEventBuilder)  # needs sentence-transformers and a local model only when used
