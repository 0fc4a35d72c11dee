"""The export stage: run every configured exporter over the final files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..exporters.base import DuplicateRow, ExportContext
from ..models import Article, Event
from ..runtime import Runtime
from ..serialize import article_from_dict, event_from_dict
from ..workdir import iter_jsonl
from .summary import summarise

__all__ = ["export_context", "run_export"]


def export_context(rt: Runtime, report: dict[str, Any] | None = None) -> ExportContext:
    """The context exporters read from and write through."""
    assert rt.plan is not None
    n = len(rt.plan.shards)
    final = [rt.work.path("final", f"{s:05d}.jsonl") for s in range(n)]
    events_path = rt.work.path("events", "events.jsonl")
    dups_path = rt.work.path("dedup", "duplicates.jsonl")

    def articles() -> Iterator[Article]:
        for path in final:
            for data in iter_jsonl(path):
                yield article_from_dict(data)

    def events() -> Iterator[Event]:
        for data in iter_jsonl(events_path):
            yield event_from_dict(data)

    def duplicates() -> Iterator[DuplicateRow]:
        for data in iter_jsonl(dups_path):
            yield DuplicateRow(**data)

    return ExportContext(
        output_dir=rt.output,
        articles=articles,
        events=events,
        duplicates=duplicates,
        report=report or {},
        article_files=tuple(final),
        event_file=events_path,
        duplicate_file=dups_path,
    )


def run_export(rt: Runtime, _index: int = 0) -> dict[str, Any]:
    """Run the exporters; return the files each wrote. The context's report holds
    the run's figures so far (every stage but export: see :func:`.summary.summarise`)."""
    ctx = export_context(rt, summarise(rt))
    written: dict[str, list[str]] = {}
    for exporter in rt.exporters:
        files = exporter.export(ctx)
        written[exporter.name] = [str(p.relative_to(rt.output)) if p.is_relative_to(rt.output) else str(p)
                                  for p in files]
    return {"files": written}
