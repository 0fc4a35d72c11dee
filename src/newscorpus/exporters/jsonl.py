"""The built-in JSON Lines exporter: ``articles.jsonl``, ``events.jsonl``,
``duplicates.jsonl`` in the public schema (``docs/schema.md``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import attrs

from ..options import option
from .base import ExportContext, Exporter

__all__ = ["JsonlExporter"]


class JsonlExporter(Exporter):
    """Writes the corpus as JSON Lines.

    The work files already hold the public schema, so this exporter copies bytes
    instead of decoding and re-encoding every article (the slowest way to write
    a million lines).

    Options:
        articles: File name of the articles export (default ``articles.jsonl``).
        events: File name of the events export (default ``events.jsonl``).
        duplicates: File name of the duplicate clusters (default ``duplicates.jsonl``).
    """

    name = "jsonl"

    @attrs.frozen
    class Options:
        """Options of the ``jsonl`` exporter."""

        articles: str = option("articles.jsonl", "File name of the articles export.")
        events: str = option("events.jsonl", "File name of the events export.")
        duplicates: str = option("duplicates.jsonl", "File name of the duplicate clusters.")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.names = {
            "articles": str(options.get("articles", "articles.jsonl")),
            "events": str(options.get("events", "events.jsonl")),
            "duplicates": str(options.get("duplicates", "duplicates.jsonl")),
        }

    def export(self, ctx: ExportContext) -> list[Path]:
        out = []
        sources = {"articles": ctx.article_files, "events": (ctx.event_file,),
                   "duplicates": (ctx.duplicate_file,)}
        for key, paths in sources.items():
            # Each file is written under a temporary name and renamed when whole:
            # disk full or a kill never leaves a truncated export under its name.
            with ctx.open(self.names[key]) as dst:
                for path in paths:
                    if path is not None and path.exists():
                        with open(path, "rb") as src:
                            shutil.copyfileobj(src, dst, 1 << 20)
            out.append(ctx.path(self.names[key]))
        return out
