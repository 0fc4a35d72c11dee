"""The clusterer's date gates skip only what scores 0.

``OnlineClusterer.add`` and ``merge_pass`` skip, after the ``max_candidates`` cut,
the candidates whose date factor the first and last days prove to be 0. That is exact only if
every candidate the gate drops would indeed have scored 0: these properties check it
against the scalar date factors on random clusters (story days, publication days,
weekdays, both or neither) and random article dates, lead days included.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.events.clustering import Cluster, ClusterItem, OnlineClusterer, Params
from newscorpus.events.dates import ArticleDate

BASE = dt.date(2024, 3, 1)
METHODS = ("explicit", "relative-weekday", "relative-day", "published", "weekday", "unknown")


@st.composite
def article_dates(draw: st.DrawFn) -> tuple[ArticleDate, dt.date | None]:
    """A story date (resolved, publication-only or none) and maybe a newer lead day."""
    method = draw(st.sampled_from(METHODS))
    day = BASE + dt.timedelta(days=draw(st.integers(0, 30))) if method not in ("weekday", "unknown") else None
    weekday = day.weekday() if day else draw(st.none() | st.integers(0, 6))
    newest = None
    if day is not None and draw(st.booleans()):
        newest = day + dt.timedelta(days=draw(st.integers(1, 12)))
    return ArticleDate(day, method, weekday), newest


def _item(i: int, date: ArticleDate, newest: dt.date | None) -> ClusterItem:
    published = date.day if date.day is not None else None
    return ClusterItem(f"a{i}", "en", date, {"x": 1.0}, {}, published=published, newest=newest)


@st.composite
def clusters(draw: st.DrawFn) -> list[list[tuple[ArticleDate, dt.date | None]]]:
    """Member dates of a few clusters."""
    return draw(st.lists(st.lists(article_dates(), min_size=1, max_size=4), min_size=1, max_size=8))


def _build(members: list[list[tuple[ArticleDate, dt.date | None]]], params: Params) -> OnlineClusterer:
    oc = OnlineClusterer(params)
    n = 0
    for group in members:
        c = oc.new_cluster(f"c{len(oc.clusters)}")
        for date, newest in group:
            c.add(_item(n, date, newest))
            n += 1
        oc._set_span(c)
    return oc


PARAMS = st.builds(
    Params,
    max_gap_days=st.integers(0, 4),
    published_window_days=st.integers(0, 6),
)


@settings(max_examples=300, deadline=None)
@given(clusters(), article_dates(), PARAMS)
def test_article_gate_drops_only_zero_scores(
    members: list[list[tuple[ArticleDate, dt.date | None]]],
    date: tuple[ArticleDate, dt.date | None],
    params: Params,
) -> None:
    oc = _build(members, params)
    item = _item(-1, *date)
    for c in oc._by_order.values():
        if oc._date_zero(item, c):
            assert oc.score(item, c) == 0.0


@settings(max_examples=300, deadline=None)
@given(clusters(), PARAMS)
def test_pair_gate_drops_only_zero_links(
    members: list[list[tuple[ArticleDate, dt.date | None]]], params: Params
) -> None:
    oc = _build(members, params)
    for c in oc._by_order.values():
        for other in oc._by_order.values():
            if other is not c and oc._pair_date_zero(c, other):
                assert oc.pair_date_factor(c, other) == 0.0
                assert oc.link(c, other) == 0.0 and oc.centroid_link(c, other) == 0.0


def test_gates_drop_far_events() -> None:
    """The gates do drop what is far: not a property satisfied by dropping nothing."""
    params = Params()
    near = [(ArticleDate(BASE, "explicit", BASE.weekday()), None)]
    far_day = BASE + dt.timedelta(days=30)
    far = [(ArticleDate(far_day, "explicit", far_day.weekday()), None)]
    oc = _build([near, near, far], params)
    a, b, c = (oc._by_order[o] for o in range(3))
    item = _item(-1, ArticleDate(BASE, "explicit", BASE.weekday()), None)
    assert [oc._date_zero(item, x) for x in (a, c)] == [False, True]
    assert [oc._pair_date_zero(a, x) for x in (b, c)] == [False, True]
    # A lead that names a day near the far event keeps it (score() tries that day too).
    item = _item(-1, ArticleDate(BASE, "explicit", BASE.weekday()), far_day - dt.timedelta(days=1))
    assert [oc._date_zero(item, x) for x in (a, c)] == [False, False]


def test_add_with_gate_matches_scalar_choice() -> None:
    """add() picks the event the scalar scores pick, over a stream of dated items."""
    params = Params(max_candidates=48)
    oc = OnlineClusterer(params)
    ref = OnlineClusterer(params)
    for i in range(120):
        day = BASE + dt.timedelta(days=(i * 7) % 23)
        item = ClusterItem(
            f"a{i}",
            "en",
            ArticleDate(day, "explicit", day.weekday()),
            {"k": 1.0},
            {},
            keys=("k",),
            published=day,
        )
        got, _ = oc.add(item)
        # The reference: every candidate scored, none skipped.
        best: Cluster | None = None
        best_score = params.threshold
        for c in ref.candidates(item.keys, window=ref.item_window(item)):
            s = ref.score(item, c)
            if s >= best_score and (best is None or s > best_score):
                best, best_score = c, s
        if best is None:
            best = ref.new_cluster(f"c{len(ref.clusters)}")
        best.add(item)
        ref._set_span(best)
        ref._index(best, item.keys)
        assert got.order == best.order
