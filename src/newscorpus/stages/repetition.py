"""The corpus repetition stages: count each source's lines shard by shard, reduce
the counts to a table of repeated lines per key partition, and cut those lines as
the finalize stage writes each article (:mod:`newscorpus.cleaners.repetition` holds
the logic; this module only moves it through ``work/``).

The shape is that of C4/Gopher line filters and datatrove's line dedup: a map over
shards that writes small count files (``work/repetition/counts/<shard>.bin``, keys
sorted and grouped by partition ``key % partitions``), one reduce task per
partition that reads only its blocks of every count file and keeps the keys that
pass ``min_count`` and ``min_fraction`` (``work/repetition/table/<part>.json``),
and an apply step in finalize that streams the articles. No task holds more than
one shard's keys or one partition of the corpus's keys.

Duplicates (``duplicate_of`` set by dedup) are not counted: a story crawled at five
addresses must not make its own lines look like a template. They are still cut,
like every article of their source.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from ..cleaners.base import apply_cuts
from ..cleaners.repetition import (
    PLUGIN,
    RepeatedLines,
    RepetitionCounts,
    repeated_lines,
    repetition_cuts,
    source_of_record,
)
from ..config import RepetitionConfig
from ..runtime import Runtime
from ..serialize import article_from_dict, article_to_dict
from ..workdir import AtomicWriter, atomic_write, iter_jsonl
from .dedup import load_assignments

__all__ = ["RecordCutter", "load_repeated", "run_repetition_count", "run_repetition_table"]


def _counts_path(rt: Runtime, shard: int) -> Any:
    return rt.work.path("repetition", "counts", f"{shard:05d}.bin")


def _table_path(rt: Runtime, part: int) -> Any:
    return rt.work.path("repetition", "table", f"{part:05d}.json")


def _body(data: dict[str, Any]) -> list[str]:
    """The body paragraphs of an article's JSON form (one string, paragraphs
    joined by a blank line, as :func:`~newscorpus.serialize.article_to_dict` writes)."""
    body = data.get("body") or ""
    if isinstance(body, str):
        return [p for p in body.split("\n\n") if p]
    return [str(p) for p in body]


def run_repetition_count(rt: Runtime, shard: int) -> dict[str, Any]:
    """Count the lines of the articles of parse shard ``shard`` per source; write
    ``work/repetition/counts/<shard>.bin``."""
    assert rt.plan is not None
    cfg = rt.config.clean.repetition
    assign = load_assignments(rt, shard)
    counts = RepetitionCounts(cfg.edge_lines)
    stats: Counter[str] = Counter()
    for pos, data in enumerate(iter_jsonl(rt.work.path("parse", f"{shard:05d}.articles.jsonl"))):
        if assign.get(pos, {}).get("duplicate_of"):
            stats["skipped_duplicates"] += 1
            continue
        source = source_of_record(data)
        if source is None:
            stats["unknown_source"] += 1
            continue
        counts.add_lines(source, _body(data))
        stats["counted"] += 1
    with atomic_write(_counts_path(rt, shard)) as fh:
        counts.write(fh, rt.plan.partitions)
    return dict(stats)


def run_repetition_table(rt: Runtime, part: int) -> dict[str, Any]:
    """Merge partition ``part`` of every shard's counts; write the keys that recur
    in enough articles of their source to ``work/repetition/table/<part>.json``."""
    assert rt.plan is not None
    cfg = rt.config.clean.repetition
    total = RepetitionCounts(cfg.edge_lines)
    for shard in range(len(rt.plan.shards)):
        with open(_counts_path(rt, shard), "rb") as fh:
            total.update(RepetitionCounts.read(fh, partition=part))
    table = repeated_lines(total, cfg.min_count, cfg.min_fraction)
    with AtomicWriter(_table_path(rt, part)) as w:
        w.write_json(table.to_dict())
    return {"keys": sum(len(c) for c in total.lines.values()),
            "repeated_keys": sum(len(k) for k in table.lines.values())}


def load_repeated(rt: Runtime) -> RepeatedLines | None:
    """The repeated lines of the run (every partition's table), or ``None`` when
    corpus repetition is off."""
    assert rt.plan is not None
    cfg = rt.config.clean.repetition
    if not cfg.enabled:
        return None
    out = RepeatedLines({}, {}, cfg.edge_lines)
    for part in range(rt.plan.partitions):
        for data in iter_jsonl(_table_path(rt, part)):
            out = out.union(RepeatedLines.from_dict(data))
    return out


@attrs.define
class RecordCutter:
    """Cuts repeated lines from articles in their JSON form, counting the cuts.

    Attributes:
        repeated: The run's repeated lines.
        config: The ``clean.repetition`` settings (the prose guard).
        removals: Cuts made, by rule id.
        articles: Articles that lost at least one line.
    """

    repeated: RepeatedLines
    config: RepetitionConfig
    removals: Counter[str] = attrs.field(factory=Counter)
    articles: int = 0

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with its repeated lines cut (the same dict when none is): only
        an article that loses a line makes the round trip through :class:`Article`."""
        cuts = repetition_cuts(source_of_record(data), _body(data), self.repeated,
                               self.config.prose_words, self.config.prose_fraction)
        if not cuts:
            return data
        article = apply_cuts(article_from_dict(data), cuts, PLUGIN)
        self.removals.update(c.rule for c in cuts)
        self.articles += 1
        return article_to_dict(article)
