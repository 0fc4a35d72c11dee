"""The generic dedup stages, shared by every deduplicator.

1. In each parse task, :class:`DedupShardWriter` writes each article's signature
   (``dedup/<method>/sig/<shard>.jsonl``) and its bucket keys, spread over
   partitions by key hash (``dedup/<method>/keys/<shard>-<part>.jsonl``).
2. ``dedup-buckets`` (one task per partition) groups keys into candidate pairs,
   filed by the shard of the pair's first article.
3. ``dedup-verify`` (one task per shard) checks each candidate pair with the
   deduplicator's ``verify``, holding at most two shards' signatures in memory.
4. ``dedup-cluster`` (one task) joins verified pairs into clusters with union-find,
   picks each cluster's canonical article and writes per-shard assignments that
   ``finalize`` applies, plus ``duplicates.jsonl`` rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import xxhash

from ..models import Article
from ..runtime import Runtime
from ..workdir import AtomicWriter, iter_jsonl
from .base import Candidate, Deduplicator, Meta

__all__ = [
    "DedupShardWriter",
    "UnionFind",
    "canonical_key",
    "run_buckets",
    "run_cluster",
    "run_verify",
]


def _partition(key: str, partitions: int) -> int:
    return xxhash.xxh64_intdigest(key.encode("utf-8")) % partitions


class DedupShardWriter:
    """Writes signatures and partitioned keys of one shard, for every deduplicator."""

    def __init__(self, rt: Runtime, shard: int) -> None:
        assert rt.plan is not None
        self.rt, self.shard = rt, shard
        self.partitions = rt.plan.partitions
        self.methods = rt.deduplicators
        self.sig: list[AtomicWriter] = []
        self.keys: list[dict[int, AtomicWriter]] = []
        for m in self.methods:
            self.sig.append(AtomicWriter(rt.work.path("dedup", m.name, "sig", f"{shard:05d}.jsonl")))
            self.keys.append({})

    def _key_writer(self, i: int, part: int) -> AtomicWriter:
        w = self.keys[i].get(part)
        if w is None:
            name = self.methods[i].name
            w = AtomicWriter(self.rt.work.path("dedup", name, "keys", f"{self.shard:05d}-{part:05d}.jsonl"))
            self.keys[i][part] = w
        return w

    def add(self, article: Article, meta: Meta) -> None:
        """Add one article (its position in the shard is ``meta.pos``)."""
        for i, method in enumerate(self.methods):
            sig = method.signature(article)
            if sig is None:
                continue
            self.sig[i].write_json({"m": attrs.asdict(meta), "s": sig})
            for key in dict.fromkeys(method.keys(sig)):
                self._key_writer(i, _partition(key, self.partitions)).write_json([key, meta.pos])

    def _all(self) -> Iterator[AtomicWriter]:
        yield from self.sig
        for d in self.keys:
            yield from d.values()

    def commit(self) -> None:
        """Move every file into place."""
        for w in self._all():
            w.commit()

    def abort(self) -> None:
        """Drop every temporary file."""
        for w in self._all():
            w.abort()


def _method_dir(rt: Runtime, method: Deduplicator) -> Path:
    return rt.work.path("dedup", method.name)


def run_buckets(rt: Runtime, part: int) -> dict[str, Any]:
    """Group the keys of partition ``part`` into candidate pairs."""
    assert rt.plan is not None
    stats: Counter[str] = Counter()
    for method in rt.deduplicators:
        base = _method_dir(rt, method)
        groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for shard in range(len(rt.plan.shards)):
            for key, pos in iter_jsonl(base / "keys" / f"{shard:05d}-{part:05d}.jsonl"):
                groups[key].append((shard, pos))
        pairs: set[tuple[int, int, int, int]] = set()
        for members in groups.values():
            if len(members) < 2:
                continue
            members = sorted(set(members))
            if len(members) > method.max_bucket:
                stats[f"{method.name}.capped_buckets"] += 1
                first = members[0]
                pairs.update((*first, *m) for m in members[1:])
            else:
                for i, a in enumerate(members):
                    pairs.update((*a, *b) for b in members[i + 1:])
        by_shard: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for pair in pairs:
            by_shard[pair[0]].append(pair)
        for shard, plist in by_shard.items():
            with AtomicWriter(base / "pairs" / f"{part:05d}-{shard:05d}.jsonl") as w:
                for pair in sorted(plist):
                    w.write_json(pair)
        stats[f"{method.name}.candidate_pairs"] += len(pairs)
    return dict(stats)


def _load_sigs(path: Path, wanted: set[int] | None = None) -> dict[int, Candidate]:
    out: dict[int, Candidate] = {}
    for rec in iter_jsonl(path):
        meta = Meta(**rec["m"])
        if wanted is None or meta.pos in wanted:
            out[meta.pos] = Candidate(meta, rec["s"])
    return out


def run_verify(rt: Runtime, shard: int) -> dict[str, Any]:
    """Verify the candidate pairs whose first article is in ``shard``."""
    assert rt.plan is not None
    stats: Counter[str] = Counter()
    for method in rt.deduplicators:
        base = _method_dir(rt, method)
        pairs: set[tuple[int, int, int]] = set()
        for part in range(rt.plan.partitions):
            for _sa, pa, sb, pb in iter_jsonl(base / "pairs" / f"{part:05d}-{shard:05d}.jsonl"):
                pairs.add((pa, sb, pb))
        edges = []
        if pairs:
            own = _load_sigs(base / "sig" / f"{shard:05d}.jsonl")
            by_other: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for pa, sb, pb in sorted(pairs):
                by_other[sb].append((pa, pb))
            for sb, plist in sorted(by_other.items()):
                other = own if sb == shard else _load_sigs(
                    base / "sig" / f"{sb:05d}.jsonl", {pb for _, pb in plist})
                for pa, pb in plist:
                    a, b = own[pa], other[pb]
                    score = method.verify(a, b)
                    if score is not None:
                        edges.append((attrs.asdict(a.meta), attrs.asdict(b.meta), round(float(score), 6)))
        with AtomicWriter(base / "edges" / f"{shard:05d}.jsonl") as w:
            for edge in edges:
                w.write_json(edge)
        stats[f"{method.name}.verified_pairs"] += len(edges)
        stats[f"{method.name}.rejected_pairs"] += len(pairs) - len(edges)
    return dict(stats)


class UnionFind:
    """Disjoint sets over string ids, with path halving."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        """Root of ``x``'s set."""
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        """Join the sets of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[str, list[str]]:
        """Members of each set, by root."""
        out: dict[str, list[str]] = defaultdict(list)
        for x in list(self.parent):
            out[self.find(x)].append(x)
        return out


def canonical_key(meta: Meta, policy: str, prefer_sources: tuple[str, ...]) -> tuple[Any, ...]:
    """Sort key: the smallest member of a cluster is its canonical article."""
    prefs = {s.lower(): i for i, s in enumerate(prefer_sources)}
    rank = prefs.get(meta.source.lower(), len(prefs))
    order = (meta.shard, meta.pos)
    if policy == "longest":
        return (rank, -meta.length, *order)
    if policy == "first":
        return (rank, *order)
    return (rank, meta.published == "", meta.published, *order)


def run_cluster(rt: Runtime, _index: int = 0) -> dict[str, Any]:
    """Join verified pairs into clusters; write assignments and duplicate rows."""
    assert rt.plan is not None
    cfg = rt.config.dedup
    metas: dict[str, Meta] = {}
    edge_info: dict[tuple[str, str], tuple[str, float]] = {}
    dup_uf, tr_edges = UnionFind(), []
    for method in rt.deduplicators:
        base = _method_dir(rt, method)
        for shard in range(len(rt.plan.shards)):
            for ma, mb, score in iter_jsonl(base / "edges" / f"{shard:05d}.jsonl"):
                a, b = Meta(**ma), Meta(**mb)
                metas[a.id], metas[b.id] = a, b
                if method.relation == "translation":
                    tr_edges.append((a.id, b.id, method.name, score))
                    continue
                dup_uf.union(a.id, b.id)
                for k in ((a.id, b.id), (b.id, a.id)):
                    if k not in edge_info or edge_info[k][1] < score:
                        edge_info[k] = (method.name, score)

    def best_link(member: str, canonical: str, group: list[str]) -> tuple[str, float]:
        if (member, canonical) in edge_info:
            return edge_info[(member, canonical)]
        links = [edge_info[(member, o)] for o in group if (member, o) in edge_info]
        return max(links, key=lambda x: x[1]) if links else ("transitive", 0.0)

    assign: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    rows: list[dict[str, Any]] = []
    stats: Counter[str] = Counter()
    canonical_of: dict[str, str] = {}
    for group in dup_uf.groups().values():
        ordered = sorted(group, key=lambda i: canonical_key(metas[i], cfg.canonical, cfg.prefer_sources))
        canon = ordered[0]
        stats["duplicate_clusters"] += 1
        for member in ordered[1:]:
            method, score = best_link(member, canon, group)
            canonical_of[member] = canon
            m = metas[member]
            assign[m.shard][m.pos] = {"duplicate_of": canon, "method": method, "score": score}
            rows.append({"article_id": member, "canonical_id": canon, "relation": "duplicate",
                         "method": method, "score": score})
            stats[f"duplicates.{method}"] += 1
            stats["duplicates"] += 1
    # Translations link canonical articles; the earliest published is the original.
    tr_uf = UnionFind()
    tr_info: dict[tuple[str, str], tuple[str, float]] = {}
    for a, b, method, score in tr_edges:
        ca, cb = canonical_of.get(a, a), canonical_of.get(b, b)
        if ca == cb:
            continue
        tr_uf.union(ca, cb)
        tr_info[(ca, cb)] = tr_info[(cb, ca)] = (method, score)
    for group in tr_uf.groups().values():
        ordered = sorted(group, key=lambda i: canonical_key(metas[i], "earliest", cfg.prefer_sources))
        original = ordered[0]
        for member in ordered[1:]:
            method, score = tr_info.get((member, original), ("transitive", 0.0))
            m = metas[member]
            assign[m.shard].setdefault(m.pos, {})["translation_of"] = original
            assign[m.shard][m.pos].update(tr_method=method, tr_score=score)
            rows.append({"article_id": member, "canonical_id": original, "relation": "translation",
                         "method": method, "score": score})
            stats["translations"] += 1
    for shard in range(len(rt.plan.shards)):
        with AtomicWriter(rt.work.path("dedup", "assign", f"{shard:05d}.jsonl")) as w:
            for pos in sorted(assign.get(shard, {})):
                w.write_json({"pos": pos, **assign[shard][pos]})
    with AtomicWriter(rt.work.path("dedup", "duplicates.jsonl")) as w:
        for row in sorted(rows, key=lambda r: (r["relation"], r["canonical_id"], r["article_id"])):
            w.write_json(row)
    return dict(stats)


def load_assignments(rt: Runtime, shard: int) -> dict[int, dict[str, Any]]:
    """Dedup assignments of ``shard`` by position (sparse: only linked articles)."""
    return {rec["pos"]: rec for rec in iter_jsonl(rt.work.path("dedup", "assign", f"{shard:05d}.jsonl"))}
