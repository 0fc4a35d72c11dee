"""Built-in exporters plugin: registers the JSON Lines exporter."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .jsonl import JsonlExporter


@hookimpl
def register_exporters(register: Register) -> None:
    """Register the built-in exporters."""
    register(JsonlExporter)
