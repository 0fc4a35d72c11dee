"""The events stage: one task that builds events over the primary articles and
attaches duplicates and translations to the events of their canonical articles."""

from __future__ import annotations

import array
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import attrs

from ..dedup.base import Meta
from ..events.base import FeatureFile, OrderedItems
from ..models import Timestamp
from ..runtime import Runtime
from ..serialize import event_to_dict, event_to_json, read_events
from ..workdir import AtomicWriter, create_new, iter_jsonl, iter_jsonl_offsets
from .dedup import load_assignments

__all__ = ["run_events"]


def _ts(published: str) -> Timestamp | None:
    if not published:
        return None
    return Timestamp(published, "day" if "T" not in published else "second", "published")


def run_events(rt: Runtime, _index: int = 0) -> dict[str, Any]:
    """Build events; write ``events/events.jsonl`` and per-shard memberships."""
    assert rt.plan is not None and rt.event_builder is not None
    builder = rt.event_builder
    # Every article of the run as a row of compact columns (not a Meta and an
    # EventItem each: 670 bytes an article, 0.8 GB of the stage at 1M articles);
    # rows are in shard order, so each shard's membership is a run of rows.
    table = OrderedItems()
    primary_rows: list[int] = []
    secondaries: list[tuple[int, str]] = []  # (row, canonical id)
    shard_ends: list[int] = []
    stores: list[FeatureFile] = []
    for shard in range(len(rt.plan.shards)):
        assign = load_assignments(rt, shard)
        path = rt.work.path("events", "features", f"{shard:05d}.jsonl")
        store = FeatureFile(path)
        stores.append(store)
        for offset, length, rec in iter_jsonl_offsets(path):
            meta = Meta(**rec["meta"])
            link = assign.get(meta.pos, {})
            parent = link.get("duplicate_of") or link.get("translation_of")
            if parent:
                secondaries.append((table.append(meta), parent))
            else:
                # An offset, not the features: memory stays flat as the corpus grows.
                primary_rows.append(table.append(meta, ref=(store, offset, length)))
        shard_ends.append(len(table.ids))
    table.select(primary_rows)
    del primary_rows
    event_names: list[str] = []
    event_at = array.array("i", bytes(4 * len(table.ids)))  # row -> 1 + event number; 0: none
    # Events stream out of the builder as they close; they wait in a scratch file,
    # not in memory, until the duplicates and translations are attached.
    scratch = rt.work.path("events", f"built.jsonl.tmp-{os.getpid()}")
    try:
        with create_new(scratch, text=True) as fh:
            for event in builder.build(table):
                event_names.append(event.id)
                for aid in event.article_ids:
                    row = _handed_out(table, builder.name, aid)
                    if event_at[row]:
                        raise ValueError(f"event builder {builder.name!r} put article {aid} in two events")
                    event_at[row] = len(event_names)
                fh.write(event_to_json(event) + "\n")
        if len(set(event_names)) < len(event_names):
            twice = next(n for n, c in Counter(event_names).items() if c > 1)
            raise ValueError(f"event builder {builder.name!r} yielded event id {twice!r} twice")
        missing = sum(1 for row in table.rows() if not event_at[row])
        if missing:
            raise ValueError(f"event builder {builder.name!r} left {missing} articles without an event")
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    finally:
        for store in stores:
            store.close()
    # A duplicate's canonical may itself be a translation: follow links to a primary.
    extra: dict[int, list[str]] = defaultdict(list)  # event number -> its duplicates and translations
    parent_of = {table.ids[row]: p for row, p in secondaries}
    for row, parent in secondaries:
        seen = {table.ids[row]}
        while parent in parent_of and parent not in seen and not _event_of(table, event_at, parent):
            seen.add(parent)
            parent = parent_of[parent]
        number = _event_of(table, event_at, parent)
        if not number:  # the canonical article was quarantined or filtered
            continue
        event_at[row] = number
        extra[number].append(table.ids[row])
    del parent_of, secondaries
    stats: Counter[str] = Counter()
    with AtomicWriter(rt.work.path("events", "events.jsonl")) as w:
        for number, event in enumerate(read_events(scratch), 1):
            all_ids = (*event.article_ids, *extra.pop(number, ()))
            ms = [table.meta(table.row(a)) for a in all_ids]
            dated = sorted(m.published for m in ms if m.published)
            event = attrs.evolve(
                event,
                article_ids=all_ids,
                languages=tuple(sorted({m.language for m in ms if m.language})),
                sources=tuple(sorted({m.source for m in ms if m.source})),
                first_seen=_ts(dated[0]) if dated else None,
                last_seen=_ts(dated[-1]) if dated else None,
                builder=event.builder or builder.name,
            )
            w.write_json(event_to_dict(event))
            stats["events"] += 1
            stats["multi_article_events"] += len(ms) > 1
    scratch.unlink()
    start = 0
    for shard, end in enumerate(shard_ends):
        with AtomicWriter(rt.work.path("events", "membership", f"{shard:05d}.jsonl")) as w:
            for row in range(start, end):
                number = event_at[row]
                w.write_json([table.meta(row).pos, event_names[number - 1] if number else None])
        start = end
    return dict(stats)


def _handed_out(table: OrderedItems, builder: str, article_id: str) -> int:
    row = table.row(article_id) if article_id in table else -1
    if not table.handed_out(row):
        raise ValueError(f"event builder {builder!r} put article {article_id!r}, which it was not given, in an event")
    return row


def _event_of(table: OrderedItems, event_at: array.array[int], article_id: str) -> int:
    """1 + the event number of an article (0: none, or not in the run)."""
    try:
        return event_at[table.row(article_id)]
    except KeyError:
        return 0


def iter_membership(rt: Runtime, shard: int) -> Iterator[tuple[int, str | None]]:
    """``(pos, event_id)`` of every article of ``shard``, in order."""
    yield from ((pos, eid) for pos, eid in iter_jsonl(rt.work.path("events", "membership", f"{shard:05d}.jsonl")))
