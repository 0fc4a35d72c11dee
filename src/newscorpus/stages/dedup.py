"""The generic dedup stages, shared by every deduplicator.

1. In each parse task, :class:`DedupShardWriter` computes signatures in batches
   (:meth:`newscorpus.dedup.Deduplicator.signatures`) and writes them with each article's meta
   (``dedup/<method>/sig/<shard>.jsonl``) and an index of where each position's line
   is (``sig/<shard>.idx.npy``: position, byte offset, length), so that a verify task
   reads only the signatures its pairs name from another shard instead of parsing
   that shard's whole file (once per pair of shards); it hashes each bucket key to 63 bits
   and writes ``(key, position, group)`` records as binary arrays, spread over
   partitions by key (``dedup/<method>/keys/<shard>-<part>.npy``). Binary keys
   keep the handoff at 16 bytes a key (key, position, group): a million articles
   with ~90 keys each are ~1.4 GB, where JSON lines would be ~3 GB and slow to parse.
2. ``dedup-buckets`` (one task per partition) sorts the partition's keys and pairs
   the articles sharing one (:func:`newscorpus.dedup.core.bucket_pairs`), adding the articles of
   the persistent index (config ``dedup.index``) that share a key; pairs are filed
   by the shard of the pair's article of this run (``pairs/<part>-<shard>.npy``).
3. ``dedup-verify`` (one task per shard) checks its candidate pairs with the
   deduplicator's :meth:`~newscorpus.dedup.Deduplicator.verify_many`, holding at most two shards'
   signatures in memory, and writes the verified edges.
4. ``dedup-cluster`` (one task) joins verified pairs into clusters
   (:func:`newscorpus.dedup.core.cluster`), writes per-shard assignments that ``finalize``
   applies and the ``duplicates.jsonl`` rows, then stores this run's articles in
   the persistent index.

A member of a bucket is an ``int64``: ``shard << 32 | position`` for an article of
this run, ``-(row + 1)`` for an article of the index.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from ..dedup.base import Candidate, Deduplicator, Meta
from ..dedup.core import Edge, Node, UnionFind, bucket_pairs, canonical_key, cluster, cross_group
from ..dedup.index import DedupIndex, IndexEntry
from ..models import Article
from ..runtime import Runtime
from ..workdir import AtomicWriter, atomic_write, iter_jsonl, loads_json

__all__ = [
    "KEY_DTYPE",
    "SIG_INDEX_DTYPE",
    "DedupShardWriter",
    "UnionFind",
    "canonical_key",
    "load_assignments",
    "run_buckets",
    "run_cluster",
    "run_verify",
]

#: One bucket key record in a parse task's key files.
KEY_DTYPE = np.dtype([("k", "<i8"), ("p", "<i4"), ("g", "<i4")])
#: Where the signature line of one position is in its shard's signature file.
SIG_INDEX_DTYPE = np.dtype([("p", "<i4"), ("o", "<i8"), ("n", "<i4")])
_SHIFT = np.int64(32)
#: Articles whose signatures are computed together in a parse task.
SIGNATURE_BATCH = 512


def _save(path: Path, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` atomically (temporary file, then rename)."""
    with atomic_write(path) as fh:
        np.save(fh, array, allow_pickle=False)


def _load(path: Path, dtype: np.dtype | str) -> np.ndarray:
    if not path.exists():
        return np.zeros(0, dtype=dtype)
    out: np.ndarray = np.load(path, allow_pickle=False)
    return out


class DedupShardWriter:
    """Writes signatures and partitioned keys of one shard, for every deduplicator."""

    def __init__(self, rt: Runtime, shard: int) -> None:
        assert rt.plan is not None
        self.rt, self.shard = rt, shard
        self.partitions = rt.plan.partitions
        self.methods = rt.deduplicators
        self.sig = [AtomicWriter(rt.work.path("dedup", m.name, "sig", f"{shard:05d}.jsonl")) for m in self.methods]
        self._keys: list[list[np.ndarray]] = [[] for _ in self.methods]
        self._index: list[list[tuple[int, int, int]]] = [[] for _ in self.methods]
        self._batch: list[tuple[Article, Meta]] = []

    def add(self, article: Article, meta: Meta) -> None:
        """Add one article (its position in the shard is ``meta.pos``)."""
        self._batch.append((article, meta))
        if len(self._batch) >= SIGNATURE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        articles = [a for a, _ in self._batch]
        for i, method in enumerate(self.methods):
            for (_article, meta), (sig, keys) in zip(self._batch, method.signatures_with_keys(articles), strict=True):
                if sig is None:
                    continue
                start = self.sig[i].size
                self.sig[i].write_json({"m": attrs.asdict(meta), "s": sig})
                self._index[i].append((meta.pos, start, self.sig[i].size - start))
                rec = np.empty(len(keys), dtype=KEY_DTYPE)
                rec["k"], rec["p"] = keys, meta.pos
                rec["g"] = method.group(sig) if method.cross_group_only else 0
                self._keys[i].append(rec)
        self._batch.clear()

    def commit(self) -> None:
        """Compute the last batch and move every file into place."""
        self._flush()
        for i, method in enumerate(self.methods):
            self.sig[i].commit()
            _save(_sig_index_path(self.sig[i].path), np.array(self._index[i], dtype=SIG_INDEX_DTYPE))
            self._index[i].clear()
            recs = np.concatenate(self._keys[i]) if self._keys[i] else np.zeros(0, dtype=KEY_DTYPE)
            part = recs["k"] % self.partitions
            for p in range(self.partitions):
                chunk = recs[part == p]
                if len(chunk):
                    _save(_method_dir(self.rt, method) / "keys" / f"{self.shard:05d}-{p:05d}.npy", chunk)
            self._keys[i].clear()

    def abort(self) -> None:
        """Drop every temporary file."""
        self._batch.clear()
        for w in self.sig:
            w.abort()


def _method_dir(rt: Runtime, method: Deduplicator) -> Path:
    return rt.work.path("dedup", method.name)


def _methods(rt: Runtime) -> Iterator[tuple[Deduplicator, Path]]:
    """Each deduplicator of the run with its work folder."""
    for method in rt.deduplicators:
        yield method, _method_dir(rt, method)


@contextlib.contextmanager
def _opened_index(rt: Runtime) -> Iterator[DedupIndex | None]:
    """The persistent index of the config (``None`` without one), closed afterwards."""
    path = rt.config.dedup.index
    index = DedupIndex(path) if path else None
    try:
        yield index
    finally:
        if index is not None:
            index.close()


def run_buckets(rt: Runtime, part: int) -> dict[str, Any]:
    """Group the keys of partition ``part`` (and matching index entries) into candidate pairs."""
    assert rt.plan is not None
    stats: Counter[str] = Counter()
    with _opened_index(rt) as index:
        for method, base in _methods(rt):
            keys, members, groups = [], [], []
            for shard in range(len(rt.plan.shards)):
                rec = _load(base / "keys" / f"{shard:05d}-{part:05d}.npy", KEY_DTYPE)
                keys.append(rec["k"])
                members.append((np.int64(shard) << _SHIFT) | rec["p"].astype(np.int64))
                groups.append(rec["g"])
            k = np.concatenate(keys) if keys else np.zeros(0, np.int64)
            m = np.concatenate(members) if members else np.zeros(0, np.int64)
            g = np.concatenate(groups) if groups else np.zeros(0, np.int32)
            if index is not None and len(k):
                old_k, rows = index.candidates(index.space(method), k)
                if len(old_k):
                    stats[f"{method.name}.index_matches"] += len(old_k)
                    k, m = np.concatenate((k, old_k)), np.concatenate((m, -(rows + 1)))
            pairs, capped = bucket_pairs(k, m, method.max_bucket)
            pairs = pairs[pairs[:, 1] >= 0]  # two indexed articles were compared in their own run
            if method.cross_group_only:  # indexed articles have no group here: verify decides
                pairs = cross_group(pairs, m[: len(g)], g)
            # file each pair by its article of this run: put that one first
            pairs[pairs[:, 0] < 0] = pairs[pairs[:, 0] < 0][:, ::-1]
            first_shard = pairs[:, 0] >> _SHIFT
            for shard in np.unique(first_shard).tolist():
                _save(base / "pairs" / f"{part:05d}-{shard:05d}.npy", pairs[first_shard == shard])
            stats[f"{method.name}.candidate_pairs"] += len(pairs)
            stats[f"{method.name}.capped_buckets"] += capped
    return dict(stats)


def _sig_index_path(sig: Path) -> Path:
    return sig.with_name(sig.name.removesuffix(".jsonl") + ".idx.npy")


def _load_sigs(path: Path, wanted: set[int] | None = None) -> dict[int, Candidate]:
    """The signatures of one shard's file by position: all of them, or only the
    ``wanted`` positions, read by offset through the file's index."""
    out: dict[int, Candidate] = {}
    index_path = _sig_index_path(path)
    if wanted is not None and index_path.exists():
        index = _load(index_path, SIG_INDEX_DTYPE)
        chosen = index[np.isin(index["p"], np.fromiter(wanted, dtype=np.int64, count=len(wanted)))]
        fd = os.open(path, os.O_RDONLY)
        try:
            for offset, length in zip(chosen["o"].tolist(), chosen["n"].tolist(), strict=True):
                rec = loads_json(os.pread(fd, length, offset))
                meta = Meta(**rec["m"])
                out[meta.pos] = Candidate(meta, rec["s"])
        finally:
            os.close(fd)
        return out
    for rec in iter_jsonl(path):
        meta = Meta(**rec["m"])
        if wanted is None or meta.pos in wanted:
            out[meta.pos] = Candidate(meta, rec["s"])
    return out


def run_verify(rt: Runtime, shard: int) -> dict[str, Any]:
    """Verify the candidate pairs whose first article is in ``shard``."""
    assert rt.plan is not None
    stats: Counter[str] = Counter()
    with _opened_index(rt) as index:
        for method, base in _methods(rt):
            chunks = [_load(base / "pairs" / f"{part:05d}-{shard:05d}.npy", "<i8")
                      for part in range(rt.plan.partitions)]
            chunks = [c for c in chunks if len(c)]
            pairs = np.unique(np.concatenate(chunks), axis=0) if chunks else np.zeros((0, 2), np.int64)
            edges: list[dict[str, Any]] = []
            if len(pairs):
                mask = np.int64(0xFFFFFFFF)
                others = pairs[:, 1]
                # Only the signatures the pairs name: this shard's first articles and
                # the second ones that are in this shard too.
                same = pairs[(others >= 0) & ((others >> _SHIFT) == shard), 1]
                own = _load_sigs(base / "sig" / f"{shard:05d}.jsonl",
                                 set((pairs[:, 0] & mask).tolist()) | set((same & mask).tolist()))
                old_rows = (-others[others < 0] - 1).tolist()
                indexed = index.articles(old_rows) if index is not None and old_rows else {}
                other_shards = np.where(others >= 0, others >> _SHIFT, -1)
                for sb in np.unique(other_shards).tolist():
                    sel = pairs[other_shards == sb]
                    if sb < 0:
                        other = {-(r + 1): Candidate(attrs.evolve(ia.meta, shard=-1, pos=ia.row), ia.signature)
                                 for r, ia in indexed.items()}
                        keys = sel[:, 1].tolist()
                    else:
                        other = own if sb == shard else _load_sigs(
                            base / "sig" / f"{sb:05d}.jsonl", set((sel[:, 1] & mask).tolist()))
                        keys = (sel[:, 1] & mask).tolist()
                    a_pos = (sel[:, 0] & mask).tolist()
                    todo = [(own[pa], other[pb]) for pa, pb in zip(a_pos, keys, strict=True)
                            if pa in own and pb in other]
                    for (a, b), score in zip(todo, method.verify_many(todo), strict=True):
                        if score is None:
                            continue
                        edge: dict[str, Any] = {"a": attrs.asdict(a.meta), "b": attrs.asdict(b.meta),
                                                "s": round(float(score), 6)}
                        if b.meta.shard < 0:
                            ia = indexed[b.meta.pos]
                            edge["i"] = [ia.run, ia.canonical]
                        edges.append(edge)
            with AtomicWriter(base / "edges" / f"{shard:05d}.jsonl") as w:
                for edge in edges:
                    w.write_json(edge)
            stats[f"{method.name}.verified_pairs"] += len(edges)
            stats[f"{method.name}.rejected_pairs"] += len(pairs) - len(edges)
    return dict(stats)


def _node(meta: Meta, indexed: list[Any] | None) -> tuple[Any, Node]:
    if indexed is None:
        return ("a", meta.shard, meta.pos), Node(meta)
    return ("i", meta.pos, 0), Node(meta, indexed=int(indexed[0]), canonical=str(indexed[1]))


def run_cluster(rt: Runtime, _index: int = 0) -> dict[str, Any]:
    """Join verified pairs into clusters; write assignments and duplicate rows;
    store this run's articles in the persistent index."""
    assert rt.plan is not None
    cfg = rt.config.dedup
    nodes: dict[Any, Node] = {}
    edges: list[Edge] = []
    for method, base in _methods(rt):
        for shard in range(len(rt.plan.shards)):
            for rec in iter_jsonl(base / "edges" / f"{shard:05d}.jsonl"):
                ka, na = _node(Meta(**rec["a"]), None)
                kb, nb = _node(Meta(**rec["b"]), rec.get("i"))
                nodes.setdefault(ka, na)
                nodes.setdefault(kb, nb)
                edges.append(Edge(ka, kb, method.name, method.relation, float(rec["s"])))
    assign, rows, stats = cluster(nodes, edges, cfg.canonical, cfg.prefer_sources)
    by_shard: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for key, entry in assign.items():
        by_shard[key[1]][key[2]] = entry
    for shard in range(len(rt.plan.shards)):
        with AtomicWriter(rt.work.path("dedup", "assign", f"{shard:05d}.jsonl")) as w:
            for pos in sorted(by_shard.get(shard, {})):
                w.write_json({"pos": pos, **by_shard[shard][pos]})
    with AtomicWriter(rt.work.path("dedup", "duplicates.jsonl")) as w:
        for row in rows:
            w.write_json(row)
    with _opened_index(rt) as index:
        if index is not None:
            stats.update(_store(rt, index, {k: e.get("duplicate_of") for k, e in assign.items()}))
    return dict(stats)


def _store(rt: Runtime, index: DedupIndex, canonical: dict[Any, str | None]) -> Counter[str]:
    """Add every article of this run, with its keys and canonical id, to the index."""
    assert rt.plan is not None
    stats: Counter[str] = Counter()
    run = index.begin_run(note=str(rt.output))
    stats["index_run"] = run
    for method in rt.deduplicators:
        space = index.space(method, create=True)
        assert space is not None

        def entries(method: Deduplicator = method) -> Iterator[IndexEntry]:
            for shard in range(len(rt.plan.shards)):  # type: ignore[union-attr]
                for rec in iter_jsonl(_method_dir(rt, method) / "sig" / f"{shard:05d}.jsonl"):
                    meta = Meta(**rec["m"])
                    canon = canonical.get(("a", meta.shard, meta.pos)) or meta.id
                    yield IndexEntry(meta, rec["s"], method.key_hashes(rec["s"]), canon)

        stats[f"{method.name}.indexed"] += index.add(space, run, entries())
    return stats


def load_assignments(rt: Runtime, shard: int) -> dict[int, dict[str, Any]]:
    """Dedup assignments of ``shard`` by position (sparse: only linked articles)."""
    return {rec["pos"]: rec for rec in iter_jsonl(rt.work.path("dedup", "assign", f"{shard:05d}.jsonl"))}
