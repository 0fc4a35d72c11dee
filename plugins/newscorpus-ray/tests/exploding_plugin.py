"""A plugin loaded by import path (``plugins: [exploding_plugin]``) whose exporter
fails, to check that a task's error reaches the driver with its own type."""

from __future__ import annotations

import os
from pathlib import Path

from newscorpus.exporters.base import ExportContext, Exporter
from newscorpus.hookspecs import Register, hookimpl


class ExplodingExportError(RuntimeError):
    """Raised by :class:`ExplodingExporter`."""


class ExplodingExporter(Exporter):
    """Counts the articles, then fails, naming the process it ran in."""

    name = "exploding"

    def export(self, ctx: ExportContext) -> list[Path]:
        n = sum(1 for _ in ctx.articles())
        raise ExplodingExportError(f"boom after {n} articles in pid {os.getpid()}")


@hookimpl
def register_exporters(register: Register) -> None:
    register(ExplodingExporter)
