"""The finalize stage: apply dedup and event assignments to each shard's articles,
and cut the lines corpus repetition found (:mod:`.repetition`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..runtime import Runtime
from ..workdir import AtomicWriter, iter_jsonl
from .dedup import load_assignments
from .events import iter_membership
from .repetition import RecordCutter, load_repeated

__all__ = ["run_finalize"]


def run_finalize(rt: Runtime, shard: int) -> dict[str, Any]:
    """Write ``final/<shard>.jsonl``: the shard's articles with their links set and
    their repeated lines cut."""
    assign = load_assignments(rt, shard)
    repeated = load_repeated(rt)
    cut = RecordCutter(repeated, rt.config.clean.repetition) if repeated is not None and repeated.lines else None
    events = dict(iter_membership(rt, shard)) if rt.event_builder is not None else {}
    drop = rt.config.dedup.mode == "drop"
    stats: Counter[str] = Counter()
    with AtomicWriter(rt.work.path("final", f"{shard:05d}.jsonl")) as w:
        for pos, data in enumerate(iter_jsonl(rt.work.path("parse", f"{shard:05d}.articles.jsonl"))):
            link = assign.get(pos, {})
            # Edit the JSON form directly: finalize only sets three link fields, and
            # skipping a full Article round-trip halves this stage's cost.
            data["duplicate_of"] = link.get("duplicate_of")
            data["translation_of"] = link.get("translation_of")
            data["event_id"] = events.get(pos)
            if drop and data["duplicate_of"]:
                stats["dropped_duplicates"] += 1
                continue
            if cut is not None:  # after the drop: a dropped article's cuts are not counted
                data = cut(data)
            w.write_json(data)
            stats["written"] += 1
            # Values JSON cannot hold were replaced when the article was written
            # (NaN, lone surrogates): count the articles carrying that flag.
            stats["sanitised"] += any(f.get("name") == "sanitised_json" for f in data.get("flags") or ())
            stats["marked_duplicates"] += data["duplicate_of"] is not None
            stats["translations"] += data["translation_of"] is not None
    if cut is not None:
        stats["repetition_articles"] = cut.articles
        return {**stats, "removals": dict(cut.removals)}
    return dict(stats)
