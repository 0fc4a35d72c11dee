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
def test_closing_events_as_the_stream_moves_on_changes_no_membership(items: list[EventItem]) -> None:
    # Retiring events the stream has left behind only frees memory: no later
    # dated article could have joined them, nor any later event merged with them.
    # (Undated articles come last and meet only the events still open then.)
    items = sorted(items, key=lambda it: it.meta.published or "~")
    full = {}
    for event in DefaultEventBuilder(retire=False).build(items):
        full.update({aid: frozenset(event.article_ids) for aid in event.article_ids})
    assert membership(items) == full


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
