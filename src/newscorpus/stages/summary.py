"""What a run did, from the counts its finished tasks recorded: the body of
``report.json``, and the report exporters see while the run is still exporting.

Both come from here so that an exporter (a dataset card listing the corpus's
languages, a manifest with the counts) reads the same figures the report will hold.
"""

from __future__ import annotations

from typing import Any

from ..readers.inputs import SkipLog
from ..report import merge_counters
from ..runtime import Runtime
from .events import event_windows

__all__ = ["stage_plan", "summarise"]


def stage_plan(rt: Runtime) -> list[tuple[str, int]]:
    """The stages this run has, in order, each with its number of tasks."""
    assert rt.plan is not None
    n = len(rt.plan.shards)
    stages = [("parse", n)]
    if rt.deduplicators:
        stages += [("dedup-buckets", rt.plan.partitions), ("dedup-verify", n), ("dedup-cluster", 1)]
    if rt.event_builder is not None:
        windows = event_windows(rt)
        if windows > 1:
            stages.append(("events-window", windows))
        stages.append(("events", 1))
    if rt.config.clean.repetition.enabled:
        stages += [("repetition-count", n), ("repetition-table", rt.plan.partitions)]
    stages += [("finalize", n), ("export", 1)]
    return stages


def summarise(rt: Runtime) -> dict[str, Any]:
    """The run's figures from every finished task's counts: inputs, the accounting
    of every document, articles, quarantine, dedup, events and the config. Stages
    not yet run count nothing (the export stage calls this before it has run)."""
    from .. import __version__

    assert rt.plan is not None
    stages = {stage: merge_counters([rt.work.stats(stage, i) for i in range(n) if rt.work.is_done(stage, i)])
              for stage, n in stage_plan(rt) if stage != "export"}
    parse, final = stages["parse"], stages["finalize"]
    documents = int(parse.get("documents", 0))
    written = int(final.get("written", 0))
    dropped = int(final.get("dropped_duplicates", 0))
    quarantined = int(parse.get("quarantined", 0))
    return {
        "newscorpus": __version__,
        "inputs": {"paths": list(rt.config.inputs), "files": len(rt.plan.files),
                   "bytes": sum(f[1] for f in rt.plan.files),
                   "skipped": SkipLog.from_dict(rt.plan.skipped).to_dict()},
        "output": str(rt.output),
        "accounting": {
            "documents": documents,
            "written": written,
            "dropped_duplicates": dropped,
            "quarantined": quarantined,
            "balanced": documents == written + dropped + quarantined,
        },
        "articles": {
            "parsed": int(parse.get("articles", 0)),
            "written": written,
            "marked_duplicates": int(final.get("marked_duplicates", 0)),
            "translations": int(final.get("translations", 0)),
            "languages": parse.get("languages", {}),
            "removals_by_rule": merge_counters([parse, final]).get("removals", {}),
            "flags": parse.get("flags", {}),
            "sanitised": int(final.get("sanitised", 0)),
        },
        "quarantine": {"count": quarantined, "by_reason": parse.get("quarantine_reasons", {}),
                       "file": "quarantine.jsonl"},
        "dedup": {k: v for s in ("dedup-buckets", "dedup-verify", "dedup-cluster")
                  for k, v in stages.get(s, {}).items()},
        "events": stages.get("events", {}),
        "config": rt.config.to_dict(),
    }
