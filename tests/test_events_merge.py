"""The event-level merge pass (centroid similarity), the name-anchor veto, and the
compact forms that keep build memory low."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.events.analysis import _pack, _unpack
from newscorpus.events.clustering import Cluster, ClusterItem, OnlineClusterer, Params, _unit
from newscorpus.events.dates import ArticleDate


def item(iid: str, entities: dict[str, float], terms: dict[str, float] | None = None, lang: str = "en") -> ClusterItem:
    """A clusterer item with unit vectors, undated."""
    ents = _unit(entities)
    return ClusterItem(iid, lang, ArticleDate(), ents, _unit(terms or {}), keys=tuple(ents))


def cluster_of(clusterer: OnlineClusterer, cid: str, items: list[ClusterItem]) -> Cluster:
    c = clusterer.new_cluster(cid)
    for it in items:
        clusterer.join(it, c)
    return c


def test_centroid_pass_repairs_a_split_average_linkage_leaves() -> None:
    # Each member names one of five facts of the same happening: any two members
    # share little (average linkage 5/25 = 0.2 < 0.22), the two halves' centroids
    # are the same (cosine 1).
    facts = ["reid", "promises", "malibu", "ketsoyan", "treatment"]
    clusterer = OnlineClusterer(Params(anchor_names=0))
    a = cluster_of(clusterer, "a", [item(f"a{i}", {f: 1.0}, {f: 1.0}) for i, f in enumerate(facts)])
    b = cluster_of(clusterer, "b", [item(f"b{i}", {f: 1.0}, {f: 1.0}) for i, f in enumerate(facts)])
    assert clusterer.link(a, b) < clusterer.p.threshold
    assert math.isclose(clusterer.centroid_link(a, b), 1.0)
    assert clusterer.merge_pass() == 0
    assert clusterer.merge_pass(link=clusterer.centroid_link) == 1
    assert {clusterer.assignment[f"{x}{i}"] for x in "ab" for i in range(5)} == {"a"}


def test_anchor_veto_keeps_same_kind_events_apart() -> None:
    # Same words (the kind: a rehab check-in), different main names (the instance).
    kind = {"rehab": 1.0, "checks": 1.0, "centre": 1.0}
    clusterer = OnlineClusterer(Params())
    reid = cluster_of(clusterer, "reid", [item("r1", {"reid": 3.0, "tara": 2.0}, kind)])
    lohan = cluster_of(clusterer, "lohan", [item("l1", {"lohan": 3.0, "lindsay": 2.0}, kind)])
    reid2 = cluster_of(clusterer, "reid2", [item("r2", {"reid": 3.0, "promises": 1.0}, kind)])
    assert clusterer.anchors_differ(reid, lohan)
    assert clusterer.centroid_link(reid, lohan) == 0.0 == clusterer.link(reid, lohan)
    assert not clusterer.anchors_differ(reid, reid2)
    assert clusterer.centroid_link(reid, reid2) > clusterer.p.threshold
    # A name the other event gives only in passing still counts as weak there.
    background = cluster_of(clusterer, "bg", [item("b1", {"lohan": 3.0, "reid": 0.3}, kind)])
    assert clusterer.anchors_differ(reid, background)
    # Without the veto the shared kind words alone would join them.
    loose = OnlineClusterer(Params(anchor_names=0))
    assert loose.centroid_link(reid, lohan) > loose.p.threshold


_KEY = st.text(alphabet=st.characters(categories=("L", "N"), include_characters="@#/_:-"), min_size=1, max_size=12)


@given(st.dictionaries(_KEY, st.floats(min_value=0.001, max_value=1e4, allow_nan=False), max_size=40))
def test_packed_weights_round_trip(weights: dict[str, float]) -> None:
    back = _unpack(_pack(weights))
    assert set(back) == set(weights)
    for k, w in weights.items():
        assert math.isclose(back[k], round(w, 3), rel_tol=1e-5, abs_tol=1e-9)


_ITEMS = st.lists(
    st.tuples(
        st.sampled_from(["en", "id", "de"]),
        st.dictionaries(st.sampled_from(["putin", "tamim", "@RU", "#12", "moscow"]), st.floats(0.1, 5.0), min_size=1),
    ),
    min_size=2,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(_ITEMS, st.integers(min_value=1, max_value=7))
def test_per_language_sums_match_members(members: list[tuple[str, dict[str, float]]], cut: int) -> None:
    # A one-language event keeps no per-language copy of its entity sum; whatever
    # the order of adds and merges, each language's sum is its members' sum.
    items = [item(f"i{k}", ents, lang=lang) for k, (lang, ents) in enumerate(members)]
    cut = min(cut, len(items) - 1)
    left, right = Cluster("l"), Cluster("r")
    for it in items[:cut]:
        left.add(it)
    for it in items[cut:]:
        right.add(it)
    left.absorb(right)
    for lang in ("en", "id", "de"):
        expected: dict[str, float] = {}
        for it in items:
            if it.lang == lang:
                for k, w in it.entities.items():
                    expected[k] = expected.get(k, 0.0) + w
        got = left.ent_in(lang)
        assert set(got) == set(expected)
        assert all(math.isclose(got[k], expected[k], rel_tol=1e-9) for k in expected)
    assert len(left.ent_lang) != 1  # never a copy of ent_all


def test_candidates_leave_out_events_too_far_away_in_time() -> None:
    import datetime as dt

    def dated(iid: str, day: dt.date | None) -> ClusterItem:
        it = item(iid, {"putin": 1.0, "doha": 0.5})
        if day is not None:
            it.date = ArticleDate(day, "explicit", day.weekday())
        return it

    clusterer = OnlineClusterer(Params())
    april = dt.date(2025, 4, 17)
    near, far = clusterer.add(dated("near", april))[0], clusterer.add(dated("far", april + dt.timedelta(days=90)))[0]
    undated = clusterer.add(dated("undated", None))[0]
    assert near is not far and undated in (near, far)  # the undated article joins one of them
    probe = dated("probe", april + dt.timedelta(days=1))
    window = clusterer.item_window(probe)
    found = clusterer.candidates(probe.keys, window=window)
    assert near in found and far not in found
    # Undated items search every event; events without any day match every window.
    assert set(clusterer.candidates(probe.keys)) == {near, far}
    lonely = clusterer.new_cluster("lonely")
    clusterer._index(lonely, probe.keys)
    assert lonely in clusterer.candidates(probe.keys, window=window)
    # Closing: only dated events whose last day is before the cut leave.
    assert clusterer.closable(april.toordinal() + 1) == [near]
    clusterer.forget([near])
    assert near.id not in {c.id for c in clusterer.live()} and "near" not in clusterer.assignment
    assert near not in clusterer.candidates(probe.keys, window=window)
