"""Properties of the default event builder on generated corpora (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.dedup.base import Meta
from newscorpus.events import EventItem
from newscorpus.events.clustering import Cluster
from newscorpus.events.dates import STORY_LOOKBACK
from newscorpus.events.default import DefaultEventBuilder
from newscorpus.models import Article, Event, Provenance, Timestamp

PEOPLE = ["Vladimir Putin", "Tamim Al Thani", "Ahmed al-Sharaa", "Tara Reid", "Lindsay Lohan", "Joko Widodo"]
PLACES = ["Moscow", "Jakarta", "Doha", "Malibu", "Damascus", "Paris"]
VERBS = ["met", "called", "criticised", "praised"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

BUILDER = DefaultEventBuilder()


@st.composite
def corpora(draw: st.DrawFn, spread_days: int = 6, max_size: int = 14, dated: float = 0.7) -> list[EventItem]:
    n = draw(st.integers(1, max_size))
    seed = draw(st.integers(0, 10_000))
    rng = random.Random(seed)
    items = []
    for i in range(n):
        a, b = rng.sample(PEOPLE, 2)
        place = rng.choice(PLACES)
        day = dt.date(2025, 4, 14) + dt.timedelta(days=rng.randrange(spread_days))
        published = Timestamp(day, "day", "header") if rng.random() < dated else None
        art = Article(
            id=f"a{i:02d}",
            provenance=Provenance("generated", i),
            title=f"{a.split()[-1]} {rng.choice(VERBS)} {b.split()[-1]} in {place}",
            body=(
                f"{a} {rng.choice(VERBS)} {b} in {place} on {rng.choice(DAYS)}.",
                f"Officials said the talks in {place} covered trade.",
            ),
            language=rng.choice(["en", "en", "id"]),
            published=published,
        )
        items.append(EventItem(Meta.of(art, 0, i), BUILDER.features(art)))
    return items


def membership(items: list[EventItem]) -> dict[str, frozenset[str]]:
    out = {}
    for event in DefaultEventBuilder().build(items):
        for aid in event.article_ids:
            out[aid] = frozenset(event.article_ids)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_every_item_in_exactly_one_event(items: list[EventItem]) -> None:
    events = list(DefaultEventBuilder().build(items))
    seen = [aid for e in events for aid in e.article_ids]
    assert sorted(seen) == sorted(it.meta.id for it in items)
    assert len({e.id for e in events}) == len(events)
    for e in events:
        assert e.article_ids and e.builder == "default"
        assert e.date.precision in ("day", "range", "unknown")
        if e.date.start is not None:
            assert e.date.end is not None and e.date.start <= e.date.end


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.randoms(use_true_random=False))
def test_arrival_order_does_not_change_membership(items: list[EventItem], rnd: random.Random) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    # The pipeline hands items over in publication order; among equal dates (and
    # among undated items) the order is arbitrary and must not matter.
    shuffled.sort(key=lambda it: it.meta.published or "~")
    assert membership(shuffled) == membership(items)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_building_twice_gives_the_same_events(items: list[EventItem]) -> None:
    def describe(events: list[Event]) -> list[tuple[object, ...]]:
        return [(e.id, e.article_ids, e.title, e.date, e.location, e.participants) for e in events]

    assert describe(list(DefaultEventBuilder().build(items))) == describe(list(DefaultEventBuilder().build(items)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_a_threshold_above_any_score_keeps_every_article_apart(items: list[EventItem]) -> None:
    p = BUILDER.params
    top = max(p.weekday_match, 1.0)  # similarities are at most 1, times the date bonus
    events = list(DefaultEventBuilder(threshold=top + 0.01).build(items))
    assert len(events) == len(items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(spread_days=150, max_size=40, dated=1.0))
def test_closing_events_as_the_stream_moves_on_changes_no_join(items: list[EventItem]) -> None:
    # Retiring events the stream has left behind loses no join: no later dated
    # article could have joined them (the horizon). (Undated articles come last and
    # meet only the events still open then.) The merge passes are left out: an
    # event's merges are decided when it closes, against the open events as they
    # are then; an open event that grows later with articles days away may have
    # drawn it in at the end of a pass that never closes (docs/events.md, Known
    # limits), so with merges the two builds may differ (found by hypothesis
    # 6.170 on 2026-12-07: one article of 38 kept apart by retiring).
    items = sorted(items, key=lambda it: it.meta.published or "~")

    def joins(**options: bool) -> dict[str, frozenset[str]]:
        out = {}
        for event in DefaultEventBuilder(merge=False, **options).build(items):
            out.update({aid: frozenset(event.article_ids) for aid in event.article_ids})
        return out

    assert joins() == joins(retire=False)


def test_a_long_stream_keeps_only_recent_events_open(
    monkeypatch: pytest.MonkeyPatch, day_story: Callable[..., Article]
) -> None:
    from newscorpus.events.clustering import OnlineClusterer

    open_sizes: list[int] = []
    forget = OnlineClusterer.forget

    def record(self: OnlineClusterer, clusters: Iterable[Cluster]) -> None:
        open_sizes.append(len(self.clusters))
        forget(self, clusters)

    monkeypatch.setattr(OnlineClusterer, "forget", record)
    items = []
    for i in range(300):  # a different story every day for 300 days
        art = day_story(i, dt.date(2025, 1, 1) + dt.timedelta(days=i))
        items.append(EventItem(Meta.of(art, 0, i), BUILDER.features(art)))
    events = list(DefaultEventBuilder().build(items))
    assert sorted(a for e in events for a in e.article_ids) == [it.meta.id for it in items]
    # At most the events of the last few weeks are ever held at once.
    horizon = STORY_LOOKBACK + max(BUILDER.params.max_gap_days, BUILDER.params.published_window_days) + 1
    assert len(events) == 300 and len(open_sizes) > 250
    assert max(open_sizes) <= horizon + 2
    # Events come out as they close: in publication order here.
    assert [e.article_ids[0] for e in events] == [it.meta.id for it in items]


# -- an event's names: one spelling kept as a string, a Counter from the second on ------

_SPELLINGS = {("putin",): ["Putin", "Vladimir Putin", "PUTIN"], ("doha",): ["Doha"], ("reid", "tara"): ["Tara Reid"]}


@st.composite
def _name_uses(draw: st.DrawFn) -> list[tuple[tuple[str, ...], str, float]]:
    keys = draw(st.lists(st.sampled_from(sorted(_SPELLINGS)), min_size=0, max_size=6))
    return [(k, draw(st.sampled_from(_SPELLINGS[k])), draw(st.floats(0.1, 3.0))) for k in keys]


@given(st.lists(_name_uses(), min_size=1, max_size=5), st.lists(st.integers(0, 4), max_size=4))
def test_event_names_count_every_spelling_as_a_counter_would(
    members: list[list[tuple[tuple[str, ...], str, float]]], absorbs: list[int]
) -> None:
    """Whatever the adds and absorbs, each name's spellings, weight and uses are those
    of the plain Counter book-keeping (same counts, same order), and the persisted form
    reads back to the same participants."""
    from collections import Counter
    from types import SimpleNamespace

    from newscorpus.events.dates import ArticleDate
    from newscorpus.events.default import EventSummary, _spellings

    def analysis(uses: list[tuple[tuple[str, ...], str, float]]) -> object:
        names = [SimpleNamespace(keys=k, display=d, weight=w) for k, d, w in uses]
        return SimpleNamespace(names=names, places=[], date=ArticleDate())

    summaries, books = [], []
    for uses in members:
        s, book = EventSummary(), {}
        s.add(analysis(uses), "")  # type: ignore[arg-type]
        for k, d, w in uses:
            entry = book.setdefault(k, [Counter(), 0.0, 0])
            entry[0][d] += 1
            entry[1] += w
            entry[2] += 1
        summaries.append(s)
        books.append(book)
    for i in absorbs:  # fold event i (mod the rest) into the first, as a merge does
        if len(summaries) < 2:
            break
        j = 1 + i % (len(summaries) - 1)
        summaries[0].absorb(summaries.pop(j))
        other = books.pop(j)
        for k, (d, w, n) in other.items():
            entry = books[0].setdefault(k, [Counter(), 0.0, 0])
            entry[0].update(d)
            entry[1] += w
            entry[2] += n
    for s, book in zip(summaries, books, strict=True):
        assert list(s.names) == list(book)
        for k, (d, w, n) in s.names.items():
            counts = _spellings(d, n)
            assert list(counts.items()) == list(book[k][0].items()) and w == book[k][1] and n == book[k][2]
            assert isinstance(d, str) == (len(counts) == 1)
        back = EventSummary.from_data(s.to_data())
        assert back.names == s.names and back.participants(5) == s.participants(5)


_ID_CHARS = st.sampled_from(["a", "b", "z", "0", "9", " ", "~", "-", "é", "\ud800", "\ue000", "\U0001f600", "\0"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(_ID_CHARS, max_size=4),
                          st.sampled_from(["", "2024-01-01", "2024-01-01T08:00:00+00:00", "2023", "~", "~a", "2024\0"]),
                          st.booleans()),
                max_size=40),
       st.integers(1, 64))
def test_ordered_items_order_rows_as_a_python_sort_would(rows: list[tuple[str, str, bool]], limit: int) -> None:
    """NumPy's ordering of the table's UTF-8 columns equals Python's stable sort by
    (published or "~", id) on every string (surrogates, astral characters, NUL, ties,
    empty dates); a column too wide for ``limit`` or holding NUL is not given as an array."""
    import numpy as np

    from newscorpus.events.base import OrderedItems, TextColumn

    table = OrderedItems()
    appended = [table.append(Meta(aid, 0, i, published)) for i, (aid, published, _) in enumerate(rows)]
    picked = [r for r in appended if rows[r][2]]
    table.select(picked)
    assert list(table.rows()) == sorted(picked, key=lambda r: (rows[r][1] or "~", rows[r][0]))
    assert [table.handed_out(r) for r in appended] == [keep for _, _, keep in rows]
    ids = [aid for aid, _, _ in rows]
    fixed = TextColumn(ids).fixed(np.arange(len(ids)), limit=limit)
    width = max([len(aid.encode("utf-8", "surrogatepass")) for aid in ids] + [1])
    if any("\0" in aid for aid in ids) or len(ids) * width > limit:
        assert fixed is None
    else:
        assert fixed is not None and [v.decode("utf-8", "surrogatepass") for v in fixed.tolist()] == ids
