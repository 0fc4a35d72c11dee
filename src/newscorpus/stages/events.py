"""The events stage: one task that builds events over the primary articles and
attaches duplicates and translations to the events of their canonical articles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

from ..dedup.base import Meta
from ..dedup.stages import load_assignments
from ..events.base import EventItem, FeatureFile
from ..models import Event, Timestamp
from ..runtime import Runtime
from ..serialize import event_to_dict
from ..workdir import AtomicWriter, iter_jsonl, iter_jsonl_offsets

__all__ = ["run_events"]


def _ts(published: str) -> Timestamp | None:
    if not published:
        return None
    return Timestamp(published, "day" if "T" not in published else "second", "published")


def run_events(rt: Runtime, _index: int = 0) -> dict[str, Any]:
    """Build events; write ``events/events.jsonl`` and per-shard memberships."""
    assert rt.plan is not None and rt.event_builder is not None
    builder = rt.event_builder
    primaries: list[EventItem] = []
    secondaries: list[tuple[Meta, str]] = []  # (meta, canonical id)
    metas: dict[str, Meta] = {}
    n_shards = len(rt.plan.shards)
    # Article ids of each shard in order, for the membership files: re-reading the
    # features files for them took a quarter of this stage.
    shard_ids: list[list[str]] = []
    stores: list[FeatureFile] = []
    for shard in range(n_shards):
        assign = load_assignments(rt, shard)
        ids: list[str] = []
        shard_ids.append(ids)
        path = rt.work.path("events", "features", f"{shard:05d}.jsonl")
        store = FeatureFile(path)
        stores.append(store)
        for offset, length, rec in iter_jsonl_offsets(path):
            meta = Meta(**rec["meta"])
            ids.append(meta.id)
            link = assign.get(meta.pos, {})
            parent = link.get("duplicate_of") or link.get("translation_of")
            if parent:
                secondaries.append((meta, parent))
                metas[meta.id] = meta
            else:
                # An offset, not the features: memory stays flat as the corpus grows.
                primaries.append(EventItem(meta, ref=(store, offset, length)))
                metas[meta.id] = meta
    # Publication order, undated articles after dated ones in corpus order.
    primaries.sort(key=lambda it: (it.meta.published == "", it.meta.published, it.meta.shard, it.meta.pos))
    event_of: dict[str, str] = {}
    events: dict[str, Event] = {}
    try:
        for event in builder.build(iter(primaries)):
            if event.id in events:
                raise ValueError(f"event builder {builder.name!r} yielded event id {event.id!r} twice")
            events[event.id] = event
            for aid in event.article_ids:
                if aid in event_of:
                    raise ValueError(f"event builder {builder.name!r} put article {aid} in two events")
                event_of[aid] = event.id
    finally:
        for store in stores:
            store.close()
    missing = [it.meta.id for it in primaries if it.meta.id not in event_of]
    if missing:
        raise ValueError(f"event builder {builder.name!r} left {len(missing)} articles without an event")
    members: dict[str, list[str]] = {eid: list(ev.article_ids) for eid, ev in events.items()}
    # A duplicate's canonical may itself be a translation: follow links to a primary.
    parent_of = {m.id: p for m, p in secondaries}
    for meta, parent in secondaries:
        seen = {meta.id}
        while parent not in event_of and parent in parent_of and parent not in seen:
            seen.add(parent)
            parent = parent_of[parent]
        eid = event_of.get(parent)
        if eid is None:  # the canonical article was quarantined or filtered
            continue
        event_of[meta.id] = eid
        members[eid].append(meta.id)
    stats: Counter[str] = Counter()
    with AtomicWriter(rt.work.path("events", "events.jsonl")) as w:
        for eid, event in events.items():
            ms = [metas[a] for a in members[eid]]
            dated = sorted(m.published for m in ms if m.published)
            event = attrs.evolve(
                event,
                article_ids=tuple(members[eid]),
                languages=tuple(sorted({m.language for m in ms if m.language})),
                sources=tuple(sorted({m.source for m in ms if m.source})),
                first_seen=_ts(dated[0]) if dated else None,
                last_seen=_ts(dated[-1]) if dated else None,
                builder=event.builder or builder.name,
            )
            w.write_json(event_to_dict(event))
            stats["events"] += 1
            stats["multi_article_events"] += len(ms) > 1
    for shard, ids in enumerate(shard_ids):
        with AtomicWriter(rt.work.path("events", "membership", f"{shard:05d}.jsonl")) as w:
            for aid in ids:
                w.write_json([metas[aid].pos, event_of.get(aid)])
    return dict(stats)


def iter_membership(rt: Runtime, shard: int) -> Iterator[tuple[int, str | None]]:
    """``(pos, event_id)`` of every article of ``shard``, in order."""
    yield from ((pos, eid) for pos, eid in iter_jsonl(rt.work.path("events", "membership", f"{shard:05d}.jsonl")))
