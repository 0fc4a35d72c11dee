"""Dedup a collection of articles in one process, with the same algorithms as the
sharded pipeline stages (:mod:`.core`).

>>> from newscorpus.dedup.memory import deduplicate
>>> from newscorpus.dedup.exact import ExactDeduplicator
>>> result = deduplicate(articles, [ExactDeduplicator()])        # doctest: +SKIP
>>> marked = result.apply(articles)                               # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np

from ..models import Article
from .base import Candidate, Deduplicator, Meta
from .core import Edge, Node, bucket_pairs, cluster, cross_group
from .index import DedupIndex, IndexEntry

__all__ = ["DedupResult", "deduplicate"]


@attrs.frozen
class DedupResult:
    """What :func:`deduplicate` found.

    Attributes:
        links: ``duplicate_of``/``translation_of`` (and how each was found) by
            article id, for linked articles only; ``seen`` marks an article whose
            id an earlier run already indexed.
        rows: Rows of the ``duplicates`` export.
        stats: Counters: candidate pairs, verified pairs, clusters, links.
    """

    links: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]
    stats: Counter[str]

    def apply(self, articles: Iterable[Article]) -> list[Article]:
        """``articles`` with ``duplicate_of`` and ``translation_of`` set."""
        out = []
        for a in articles:
            link = self.links.get(a.id)
            out.append(a if link is None else attrs.evolve(
                a, duplicate_of=link.get("duplicate_of"), translation_of=link.get("translation_of")))
        return out


def deduplicate(articles: Sequence[Article], methods: Sequence[Deduplicator], *, canonical: str = "earliest",
                prefer_sources: Sequence[str] = (), index: DedupIndex | None = None, store: bool = True,
                batch: int = 512) -> DedupResult:
    """Find duplicates and translations among ``articles``.

    Args:
        articles: The articles (ids should be unique).
        methods: Deduplicator instances, as in a config's ``dedup.methods``.
        canonical, prefer_sources: Canonical policy (see :class:`~newscorpus.config.DedupConfig`).
        index: A persistent index to dedup against; with ``store``, the articles
            are added to it afterwards.
        batch: Articles whose signatures are computed together.
    """
    stats: Counter[str] = Counter()
    metas = [Meta.of(a, 0, i) for i, a in enumerate(articles)]
    nodes: dict[Any, Node] = {("a", 0, i): Node(m) for i, m in enumerate(metas)}
    edges: list[Edge] = []
    sig_of: list[list[Any]] = []
    for method in methods:
        sigs: list[Any] = []
        key_lists: list[np.ndarray] = []
        for start in range(0, len(articles), batch):
            for sig, keys in method.signatures_with_keys(articles[start:start + batch]):
                sigs.append(sig)
                key_lists.append(keys)
        sig_of.append(sigs)
        keys = np.concatenate(key_lists) if key_lists else np.zeros(0, np.int64)
        members = np.repeat(np.arange(len(articles), dtype=np.int64), [len(k) for k in key_lists])
        indexed: dict[int, Any] = {}
        if index is not None and len(keys):
            old_keys, old_rows = index.candidates(index.space(method), keys)
            if len(old_keys):
                keys, members = np.concatenate((keys, old_keys)), np.concatenate((members, -(old_rows + 1)))
                indexed = index.articles(old_rows.tolist())
        pairs, capped = bucket_pairs(keys, members, method.max_bucket)
        pairs = pairs[pairs[:, 1] >= 0]
        if method.cross_group_only:
            own = np.array([i for i, s in enumerate(sigs) if s is not None], dtype=np.int64)
            groups = np.array([method.group(sigs[i]) for i in own], dtype=np.int64)
            pairs = cross_group(pairs, own, groups)
        stats[f"{method.name}.candidate_pairs"] += len(pairs)
        stats[f"{method.name}.capped_buckets"] += capped

        def candidate(m: int, method_sigs: list[Any] = sigs, old: dict[int, Any] = indexed) -> Candidate:
            if m >= 0:
                return Candidate(metas[m], method_sigs[m])
            ia = old[-m - 1]
            return Candidate(attrs.evolve(ia.meta, shard=-1, pos=ia.row), ia.signature)

        todo = [(candidate(int(b)), candidate(int(a))) for a, b in pairs.tolist()]
        for (a, b), score in zip(todo, method.verify_many(todo), strict=True):
            if score is None:
                continue
            ka = ("a", 0, a.meta.pos)
            if b.meta.shard < 0:
                ia = indexed[b.meta.pos]
                kb: tuple[Any, ...] = ("i", ia.row, 0)
                nodes.setdefault(kb, Node(ia.meta, indexed=ia.run, canonical=ia.canonical))
            else:
                kb = ("a", 0, b.meta.pos)
            edges.append(Edge(ka, kb, method.name, method.relation, float(score)))
            stats[f"{method.name}.verified_pairs"] += 1
    assign, rows, cstats = cluster(nodes, edges, canonical, prefer_sources)
    stats.update(cstats)
    links = {nodes[k].meta.id: v for k, v in assign.items()}
    if index is not None and store:
        run = index.begin_run()
        for method, sigs in zip(methods, sig_of, strict=True):
            space = index.space(method, create=True)
            assert space is not None
            entries = (IndexEntry(metas[i], s, method.key_hashes(s),
                                  (assign.get(("a", 0, i)) or {}).get("duplicate_of") or metas[i].id)
                       for i, s in enumerate(sigs) if s is not None)
            stats[f"{method.name}.indexed"] += index.add(space, run, entries)
    return DedupResult(links, rows, stats)
