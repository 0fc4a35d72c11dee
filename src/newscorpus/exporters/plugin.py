"""Built-in exporters plugin: registers the JSON Lines and timeline exporters."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .base import Exporter
from .jsonl import JsonlExporter
from .timeline import TimelineExporter


@hookimpl
def register_exporters(register: Register[Exporter]) -> None:
    """Register the built-in exporters (``timeline`` needs the ``timeline`` extra, checked only when used)."""
    register(JsonlExporter)
    register(TimelineExporter)
