"""What exporters read: the public JSON dicts of a run's articles, events and
duplicate links.

When the export context offers the work files themselves (JSON Lines already in
the public schema) they are decoded directly, skipping the round trip through
:class:`~newscorpus.models.Article` objects, which costs more than writing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from newscorpus.exporters import ExportContext
from newscorpus.serialize import article_to_dict, event_to_dict
from newscorpus.workdir import iter_jsonl

__all__ = ["article_dicts", "atomic_target", "duplicate_dicts", "event_dicts"]


def article_dicts(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Every exported article as its public JSON dict, in output order."""
    if ctx.article_files:
        for path in ctx.article_files:
            yield from iter_jsonl(path)
    else:
        for article in ctx.articles():
            yield article_to_dict(article)


def event_dicts(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Every event as its public JSON dict."""
    if ctx.event_file is not None:
        yield from iter_jsonl(ctx.event_file)
    else:
        for event in ctx.events():
            yield event_to_dict(event)


def duplicate_dicts(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Every duplicate or translation link as a dict."""
    if ctx.duplicate_file is not None:
        yield from iter_jsonl(ctx.duplicate_file)
    else:
        for row in ctx.duplicates():
            yield attrs.asdict(row)


def atomic_target(ctx: ExportContext, name: str) -> tuple[Path, Path]:
    """``(final, temporary)`` paths for ``name`` inside the output directory
    (:meth:`ExportContext.temp`: the run's one path guard and temporary names).

    Writers fill the temporary file and rename it when done, so an interrupted
    export never leaves a half-written file under the final name; whatever was at
    the temporary name (a planted link) is removed first.
    """
    return ctx.temp(name)
