"""The events stage: one task that builds events over the primary articles and
attaches duplicates and translations to the events of their canonical articles."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import attrs

from ..dedup.base import Meta
from ..dedup.stages import load_assignments
from ..events.base import EventItem, FeatureFile
from ..models import Timestamp
from ..runtime import Runtime
from ..serialize import event_to_dict, event_to_json, read_events
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
    event_ids: set[str] = set()
    # Events stream out of the builder as they close; they wait in a scratch file,
    # not in memory, until the duplicates and translations are attached.
    scratch = rt.work.path("events", f"built.jsonl.tmp-{os.getpid()}")
    try:
        with open(scratch, "w", encoding="utf-8") as fh:
            for event in builder.build(iter(primaries)):
                if event.id in event_ids:
                    raise ValueError(f"event builder {builder.name!r} yielded event id {event.id!r} twice")
                event_ids.add(event.id)
                for aid in event.article_ids:
                    if aid in event_of:
                        raise ValueError(f"event builder {builder.name!r} put article {aid} in two events")
                    event_of[aid] = event.id
                fh.write(event_to_json(event) + "\n")
    finally:
        for store in stores:
            store.close()
    missing = [it.meta.id for it in primaries if it.meta.id not in event_of]
    if missing:
        scratch.unlink()
        raise ValueError(f"event builder {builder.name!r} left {len(missing)} articles without an event")
    # A duplicate's canonical may itself be a translation: follow links to a primary.
    extra: dict[str, list[str]] = defaultdict(list)  # event id -> its duplicates and translations
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
        extra[eid].append(meta.id)
    stats: Counter[str] = Counter()
    with AtomicWriter(rt.work.path("events", "events.jsonl")) as w:
        for event in read_events(scratch):
            all_ids = (*event.article_ids, *extra.pop(event.id, ()))
            ms = [metas[a] for a in all_ids]
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
    for shard, ids in enumerate(shard_ids):
        with AtomicWriter(rt.work.path("events", "membership", f"{shard:05d}.jsonl")) as w:
            for aid in ids:
                w.write_json([metas[aid].pos, event_of.get(aid)])
    return dict(stats)


def iter_membership(rt: Runtime, shard: int) -> Iterator[tuple[int, str | None]]:
    """``(pos, event_id)`` of every article of ``shard``, in order."""
    yield from ((pos, eid) for pos, eid in iter_jsonl(rt.work.path("events", "membership", f"{shard:05d}.jsonl")))
