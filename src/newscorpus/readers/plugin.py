"""Built-in readers plugin: registers the text and JSONL readers."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .jsonl import JsonlReader
from .text import TextReader


@hookimpl
def register_readers(register: Register) -> None:
    """Register the built-in readers."""
    register(TextReader)
    register(JsonlReader)
