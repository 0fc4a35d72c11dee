"""Built-in readers plugin: registers the text and JSONL readers."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .base import Reader
from .jsonl import JsonlReader
from .text import TextReader


@hookimpl
def register_readers(register: Register[Reader]) -> None:
    """Register the built-in readers."""
    register(TextReader)
    register(JsonlReader)
