"""Built-in parsers plugin: registers the plain-text and record parsers."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .base import Parser
from .plaintext import PlainTextParser
from .record import RecordParser


@hookimpl
def register_parsers(register: Register[Parser]) -> None:
    """Register the built-in parsers."""
    register(PlainTextParser)
    register(RecordParser)
