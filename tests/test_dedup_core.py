"""Generic dedup algorithms: bucketing, clustering and the canonical policy."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.dedup.base import Meta
from newscorpus.dedup.core import Edge, Node, UnionFind, bucket_pairs, cluster, hash_keys


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 12)), max_size=80), st.integers(1, 6))
def test_bucket_pairs_matches_brute_force(entries: list[tuple[int, int]], cap: int) -> None:
    keys = np.array([k for k, _ in entries], dtype=np.int64)
    members = np.array([m for _, m in entries], dtype=np.int64)
    got, capped = bucket_pairs(keys, members, cap)
    buckets: dict[int, set[int]] = {}
    for k, m in entries:
        buckets.setdefault(k, set()).add(m)
    want: set[tuple[int, int]] = set()
    n_capped = 0
    for ms in buckets.values():
        s = sorted(ms)
        if len(s) > cap:
            n_capped += 1
            want.update((s[0], x) for x in s[1:])
        else:
            want.update(itertools.combinations(s, 2))
    assert {tuple(p) for p in got.tolist()} == want
    assert capped == n_capped
    assert len(got) == len(want)  # unique


def test_hash_keys_are_stable_63_bit() -> None:
    h = hash_keys(["a", "b", "a"])
    assert h[0] == h[2] and h[0] != h[1]
    assert (h >= 0).all()


def test_union_find_groups() -> None:
    uf = UnionFind()
    for a, b in [(1, 2), (3, 4), (2, 3), (5, 6)]:
        uf.union(a, b)
    assert sorted(sorted(g) for g in uf.groups().values()) == [[1, 2, 3, 4], [5, 6]]


def _nodes() -> dict[str, Node]:
    return {
        "a": Node(Meta("a", 0, 0, published="2025-01-03", length=900, source="Outlet A")),
        "b": Node(Meta("b", 0, 1, published="2025-01-01", length=300, source="Outlet B")),
        "c": Node(Meta("c", 1, 0, published="", length=1200, source="Wire")),
    }


def _edges() -> list[Edge]:
    return [Edge("a", "b", "near", "duplicate", 0.8), Edge("b", "c", "exact", "duplicate", 1.0)]


def test_canonical_policies() -> None:
    def canon(**kw: object) -> set[str]:
        assign, _rows, _stats = cluster(_nodes(), _edges(), **kw)  # type: ignore[arg-type]
        return {v["duplicate_of"] for v in assign.values()}

    assert canon(policy="earliest") == {"b"}  # unknown dates sort last
    assert canon(policy="longest") == {"c"}
    assert canon(policy="first") == {"a"}
    assert canon(policy="earliest", prefer_sources=("wire",)) == {"c"}


def test_transitive_members_report_their_best_link() -> None:
    assign, rows, stats = cluster(_nodes(), _edges(), "earliest")
    assert assign["a"]["method"] == "near" and assign["c"]["method"] == "exact"
    assert stats["duplicate_clusters"] == 1 and stats["duplicates"] == 2
    assert {r["article_id"] for r in rows} == {"a", "c"}


def test_indexed_articles_stay_canonical_and_same_ids_are_seen() -> None:
    nodes = {
        "new": Node(Meta("x", 0, 0, published="2020-01-01")),
        "old": Node(Meta("y", -1, 7, published="2024-01-01"), indexed=3, canonical="z"),
        "again": Node(Meta("y", 0, 1, published="2024-01-01")),
    }
    edges = [Edge("new", "old", "near", "duplicate", 0.9), Edge("again", "old", "exact", "duplicate", 1.0)]
    assign, rows, stats = cluster(nodes, edges, "earliest")
    assert assign["new"]["duplicate_of"] == "z"  # the earlier run's canonical, though "new" is older
    assert assign["again"] == {"seen": 3, "method": "exact", "score": 1.0, "duplicate_of": "z"}
    assert "old" not in assign and stats["seen_before"] == 1
    assert [r["article_id"] for r in rows] == ["x"]


def test_translation_goes_to_the_later_article_and_to_its_duplicates() -> None:
    nodes = {
        "en": Node(Meta("en", 0, 0, published="2025-04-17", language="en")),
        "id": Node(Meta("id", 0, 1, published="2025-04-18", language="id")),
        "id2": Node(Meta("id2", 0, 2, published="2025-04-19", language="id")),
    }
    edges = [Edge("en", "id", "translation", "translation", 0.8), Edge("id", "id2", "near", "duplicate", 0.9)]
    assign, _rows, stats = cluster(nodes, edges)
    assert assign["id"]["translation_of"] == "en"
    assert assign["id2"] == {"duplicate_of": "id", "method": "near", "score": 0.9, "translation_of": "en",
                             "tr_method": "translation", "tr_score": 0.8}
    assert "en" not in assign and stats["translations"] == 2


@given(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15)), max_size=40),
       st.dictionaries(st.integers(0, 12), st.integers(0, 2)))
def test_cross_group_keeps_pairs_of_different_or_unknown_groups(
        pairs: list[tuple[int, int]], groups: dict[int, int]) -> None:
    from newscorpus.dedup.core import cross_group

    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    members = np.array(list(groups), dtype=np.int64)
    got = cross_group(arr, members, np.array(list(groups.values()), dtype=np.int64))
    want = [p for p in pairs if p[0] not in groups or p[1] not in groups or groups[p[0]] != groups[p[1]]]
    assert [tuple(p) for p in got.tolist()] == want


def test_a_chain_through_a_middle_article_is_not_one_cluster() -> None:
    # b matches a and c, but c does not match a: c must not point at a
    nodes = {k: Node(Meta(k, 0, i, published=f"2025-01-0{i + 1}")) for i, k in enumerate("abcd")}
    edges = [Edge("a", "b", "near", "duplicate", 0.5), Edge("b", "c", "near", "duplicate", 0.5),
             Edge("c", "d", "near", "duplicate", 0.7)]
    assign, rows, stats = cluster(nodes, edges)
    assert {k: v["duplicate_of"] for k, v in assign.items()} == {"b": "a", "d": "c"}
    assert stats["duplicate_clusters"] == 2 and stats["pairs_across_clusters"] == 1
    assert len(rows) == 2


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(["exact", "near"])), max_size=40),
       st.sampled_from(["earliest", "longest", "first"]))
def test_every_duplicate_is_verified_against_its_canonical(
        pairs: list[tuple[int, int, str]], policy: str) -> None:
    nodes = {i: Node(Meta(f"n{i}", i % 3, i, published=f"2025-01-{i % 4 + 1:02d}", length=100 * (i % 5)))
             for i in range(10)}
    edges = [Edge(a, b, m, "duplicate", 0.5) for a, b, m in pairs]
    linked = {frozenset((a, b)) for a, b, _ in pairs if a != b}
    assign, rows, stats = cluster(nodes, edges, policy)  # type: ignore[arg-type]
    by_id = {n.meta.id: k for k, n in nodes.items()}
    for key, entry in assign.items():
        canon = by_id[entry["duplicate_of"]]
        assert frozenset((key, canon)) in linked  # a direct verified pair, never a chain
        assert canon not in assign  # a canonical article is nobody's duplicate
    # every verified pair is either inside one cluster or counted as left across two
    canon_of = {k: by_id[v["duplicate_of"]] for k, v in assign.items()}
    across = sum(1 for p in linked if len({canon_of.get(x, x) for x in p}) == 2)
    assert stats["pairs_across_clusters"] == across
    assert stats["duplicates"] == len(rows) == len(assign)


def _tr_nodes(**published: str) -> dict[str, Node]:
    return {k: Node(Meta(k, 0, i, published=v, language=k.rstrip("0123456789"))) for i, (k, v) in
            enumerate(published.items())}


def test_translation_links_never_chain_through_a_third_article() -> None:
    # en1 and id1 tell one story; en2, months later, shares names with id1 only.
    nodes = _tr_nodes(en1="2025-01-01", id1="2025-01-02", en2="2025-03-01")
    edges = [Edge("en1", "id1", "translation", "translation", 0.7),
             Edge("id1", "en2", "translation", "translation", 0.5)]
    assign, rows, stats = cluster(nodes, edges, "earliest")
    assert assign == {"id1": {"translation_of": "en1", "tr_method": "translation", "tr_score": 0.7}}
    assert stats["translations"] == 1 and [r["article_id"] for r in rows] == ["id1"]


def test_translation_links_need_two_languages() -> None:
    nodes = _tr_nodes(en1="2025-01-01", en2="2025-01-02", id1="")
    nodes["und"] = Node(Meta("und", 0, 9, published="2024-12-31", language=""))
    edges = [Edge("en1", "en2", "translation", "translation", 0.9),  # a plugin's same-language pair
             Edge("und", "id1", "translation", "translation", 0.9)]  # a language unknown
    assign, _rows, stats = cluster(nodes, edges, "earliest")
    assert assign == {} and stats["translations"] == 0


def test_translation_original_is_the_earliest_and_members_link_to_it_directly() -> None:
    nodes = _tr_nodes(id1="2025-01-01", en1="2025-01-02", ms1="2025-01-03")
    edges = [Edge("ms1", "id1", "translation", "translation", 0.6),
             Edge("en1", "id1", "translation", "translation", 0.8),
             Edge("en1", "ms1", "translation", "translation", 0.9)]
    assign, _rows, _stats = cluster(nodes, edges, "earliest")
    assert {k: v["translation_of"] for k, v in assign.items()} == {"en1": "id1", "ms1": "id1"}
    assert assign["ms1"]["tr_score"] == 0.6  # its own verified pair with the original, not en1's


@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(0.45, 1.0)), max_size=20),
       st.lists(st.sampled_from(["en", "id", "ms"]), min_size=8, max_size=8),
       st.lists(st.sampled_from(["2025-01-01", "2025-01-02", "2025-02-01", ""]), min_size=8, max_size=8))
def test_every_translation_link_is_a_verified_pair_across_languages(
        pairs: list[tuple[int, int, float]], langs: list[str], dates: list[str]) -> None:
    nodes = {f"n{i}": Node(Meta(f"n{i}", 0, i, published=dates[i], language=langs[i])) for i in range(8)}
    edges = [Edge(f"n{a}", f"n{b}", "translation", "translation", s) for a, b, s in pairs if a != b]
    verified = {frozenset((e.a, e.b)) for e in edges}
    assign, rows, _stats = cluster(nodes, edges, "earliest")
    for key, entry in assign.items():
        target = entry["translation_of"]
        assert langs[int(key[1:])] != langs[int(target[1:])]
        assert frozenset((key, target)) in verified
    assert len(rows) == len(assign)
