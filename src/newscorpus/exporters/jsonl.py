"""The built-in JSON Lines exporter: ``articles.jsonl``, ``events.jsonl``,
``duplicates.jsonl`` in the public schema (``docs/schema.md``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.names = {
            "articles": str(options.get("articles", "articles.jsonl")),
            "events": str(options.get("events", "events.jsonl")),
            "duplicates": str(options.get("duplicates", "duplicates.jsonl")),
        }

    def export(self, ctx: ExportContext) -> list[Path]:
        out = []
        target = ctx.path(self.names["articles"])
        tmp = target.with_name(target.name + ".tmp")
        with open(tmp, "wb") as dst:
            for path in ctx.article_files:
                if path.exists():
                    with open(path, "rb") as src:
                        shutil.copyfileobj(src, dst, 1 << 20)
        tmp.replace(target)
        out.append(target)
        for key, src_path in (("events", ctx.event_file), ("duplicates", ctx.duplicate_file)):
            target = ctx.path(self.names[key])
            if src_path is not None and src_path.exists():
                shutil.copyfile(src_path, target)
            else:
                target.write_bytes(b"")
            out.append(target)
        return out
