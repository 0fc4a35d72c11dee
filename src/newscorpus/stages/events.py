"""The events stage: builds events over the primary articles and attaches
duplicates and translations to the events of their canonical articles.

With a builder that supports it (see ``EventBuilder.build_window``) and more than
one window planned, the ``events-window`` tasks first build time windows in
parallel; the ``events`` task then stitches them into the single pass's events.
"""

from __future__ import annotations

import array
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import attrs

from ..dedup.base import Meta
from ..events.base import EventBuilder, FeatureFile, OrderedItems, WindowEnds, stitch_windows
from ..models import Event, Timestamp
from ..runtime import Runtime
from ..serialize import event_to_dict, event_to_json, read_events
from ..workdir import AtomicWriter, atomic_write, create_new, iter_jsonl, iter_jsonl_offsets
from .dedup import load_assignments

__all__ = ["event_windows", "run_event_window", "run_events"]


def _ts(published: str) -> Timestamp | None:
    if not published:
        return None
    return Timestamp(published, "day" if "T" not in published else "second", "published")


def event_windows(rt: Runtime) -> int:
    """Time windows of this run's events stage (1: one pass, no windows)."""
    assert rt.plan is not None
    builder = rt.event_builder
    return rt.plan.event_windows if builder is not None and builder.supports_windows else 1


@attrs.define
class _Table:
    """Every article of the run as compact rows, primaries handed out."""

    items: OrderedItems
    secondaries: list[tuple[int, str]]  # (row, canonical id)
    shard_ends: list[int]
    stores: list[FeatureFile]

    def close(self) -> None:
        for store in self.stores:
            store.close()


def _load_table(rt: Runtime) -> _Table:
    assert rt.plan is not None
    # Every article of the run as a row of compact columns (not a Meta and an
    # EventItem each: 670 bytes an article, 0.8 GB of the stage at 1M articles);
    # rows are in shard order, so each shard's membership is a run of rows.
    table = OrderedItems()
    primary_rows = array.array("q")  # ints in one buffer, not an object each
    secondaries: list[tuple[int, str]] = []
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
    return _Table(table, secondaries, shard_ends, stores)


def _window_path(rt: Runtime, k: int, suffix: str) -> Any:
    return rt.work.path("events", "windows", f"{k:05d}.{suffix}")


def run_event_window(rt: Runtime, index: int) -> dict[str, Any]:
    """Build time window ``index`` (see the module docstring): its events in
    ``events/windows/NNNNN.jsonl``, its ends in ``.json``, its end state in ``.state``."""
    builder = rt.event_builder
    assert builder is not None
    data = _load_table(rt)
    try:
        bounds = builder.window_bounds(data.items, event_windows(rt))
        count = 0
        with AtomicWriter(_window_path(rt, index, "jsonl")) as w:
            if index <= len(bounds):  # fewer distinct days than windows: nothing to build

                def emit(event: Event) -> None:
                    nonlocal count
                    w.write_line(event_to_json(event))
                    count += 1

                context = builder.window_context(data.items)
                if context is None:
                    ends = builder.build_window(data.items, bounds, index, emit)
                else:
                    # The run's table gives way to the window's part before the build
                    # grows its open events: two windows at once held two tables.
                    part = data.items.part(*builder.window_span(data.items, bounds, index))
                    data.items, data.secondaries = part, []
                    ends = builder.build_window(part, bounds, index, emit, context)
                if ends.state is not None:
                    with atomic_write(_window_path(rt, index, "state")) as fh:
                        ends.write_state(fh)
                ends_data = {"start": ends.start, "end": ends.end, "checkpoints": [list(c) for c in ends.checkpoints]}
            else:
                ends_data = {"start": None, "end": None, "checkpoints": []}
        with AtomicWriter(_window_path(rt, index, "json")) as w:
            w.write_json({**ends_data, "events": count})
    finally:
        data.close()
    return {"window_events": count}


def _stitched(rt: Runtime, builder: EventBuilder, items: OrderedItems, stats: Counter[str]) -> Iterator[Event]:
    """The single pass's events from the windows' files (see :func:`stitch_windows`)."""
    bounds = builder.window_bounds(items, event_windows(rt))

    def ends(k: int) -> WindowEnds:
        data = json.loads(_window_path(rt, k, "json").read_text(encoding="utf-8"))
        return WindowEnds(data["start"], data["end"], None, tuple((d, f, int(n)) for d, f, n in data["checkpoints"]))

    return stitch_windows(
        builder, items, bounds, ends,
        lambda k: read_events(_window_path(rt, k, "jsonl")),
        lambda k: _window_path(rt, k, "state"),
        stats,
    )


def run_events(rt: Runtime, _index: int = 0) -> dict[str, Any]:
    """Build events; write ``events/events.jsonl`` and per-shard memberships."""
    assert rt.plan is not None and rt.event_builder is not None
    builder = rt.event_builder
    data = _load_table(rt)
    table = data.items
    secondaries, shard_ends = data.secondaries, data.shard_ends
    stats: Counter[str] = Counter()
    windows = event_windows(rt)
    built = _stitched(rt, builder, table, stats) if windows > 1 else builder.build(table)
    stats["windows"] = windows
    event_names: list[str] = []
    event_at = array.array("i", bytes(4 * len(table.ids)))  # row -> 1 + event number; 0: none
    # Events stream out of the builder as they close; they wait in a scratch file,
    # not in memory, until the duplicates and translations are attached.
    scratch = rt.work.path("events", f"built.jsonl.tmp-{os.getpid()}")
    try:
        with create_new(scratch, text=True) as fh:
            for event in built:
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
        data.close()
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
