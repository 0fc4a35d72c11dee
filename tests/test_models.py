"""Models: validation, immutability and lossless JSON round-trips."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus import (
    Article,
    Credit,
    Dateline,
    Event,
    EventDate,
    Flag,
    Provenance,
    Removal,
    Timestamp,
    article_from_json,
    article_to_json,
    event_from_json,
    event_to_json,
)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
paragraph = text.map(lambda s: " ".join(s.split())).filter(bool)
opt_text = st.none() | text
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))
datetimes = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1),
                         timezones=st.none() | st.just(dt.UTC))
timestamps = st.builds(
    Timestamp,
    value=dates | datetimes,
    precision=st.sampled_from(["year", "month", "day", "minute", "second"]),
    signal=text,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
articles = st.builds(
    Article,
    id=text,
    provenance=st.builds(Provenance, path=text, record=st.integers(0, 10**9) | text, reader=text,
                         parser=text, url=opt_text, fetched=opt_text, sha1=opt_text),
    title=text,
    subtitle=text,
    body=st.lists(paragraph, max_size=5),
    language=opt_text,
    published=st.none() | timestamps,
    modified=st.none() | timestamps,
    source=opt_text,
    authors=st.lists(text, max_size=3),
    credits=st.lists(st.builds(Credit, name=text, role=text, text=text), max_size=3),
    url=opt_text,
    dateline=st.none() | st.builds(Dateline, text=text, place=opt_text, source=opt_text, date=opt_text),
    flags=st.lists(st.builds(Flag, name=text, plugin=text, detail=text,
                             positions=st.lists(st.tuples(st.integers(0, 99), st.integers(0, 999)),
                                                max_size=3)), max_size=3),
    removed=st.lists(st.builds(Removal, text=text, rule=text, plugin=text, reason=text, field=text,
                               position=st.integers(-1, 99), pack=opt_text, moved_to=opt_text), max_size=3),
    duplicate_of=opt_text,
    translation_of=opt_text,
    event_id=opt_text,
    extras=st.dictionaries(text, json_values, max_size=3),
)
events = st.builds(
    Event,
    id=text,
    title=text,
    date=st.builds(EventDate, start=st.none() | dates, end=st.none() | dates,
                   precision=st.sampled_from(["day", "range", "unknown"]), method=text),
    location=opt_text,
    participants=st.lists(text, max_size=3),
    article_ids=st.lists(text, max_size=4),
    languages=st.lists(text, max_size=3),
    sources=st.lists(text, max_size=3),
    first_seen=st.none() | timestamps,
    last_seen=st.none() | timestamps,
    builder=text,
    extras=st.dictionaries(text, json_values, max_size=3),
)


@settings(max_examples=200)
@given(articles)
def test_article_json_round_trip_is_lossless(article: Article) -> None:
    assert article_from_json(article_to_json(article)) == article


@settings(max_examples=100)
@given(events)
def test_event_json_round_trip_is_lossless(event: Event) -> None:
    assert event_from_json(event_to_json(event)) == event


def test_records_are_frozen_and_changed_with_evolve() -> None:
    a = Article(id="x", provenance=Provenance(path="p"), body=["one", "two"])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.title = "t"  # type: ignore[misc]
    b = attrs.evolve(a, title="t")
    assert (a.title, b.title, b.body) == ("", "t", ("one", "two"))


@pytest.mark.parametrize("bad", [[""], ["  padded  "], ["two\n\nparagraphs"]])
def test_body_paragraphs_are_validated(bad: list[str]) -> None:
    with pytest.raises(ValueError, match="body\\[0\\]"):
        Article(id="x", provenance=Provenance(path="p"), body=bad)


def test_body_is_one_string_in_json() -> None:
    a = Article(id="x", provenance=Provenance(path="p"), body=["one", "two"])
    assert '"body": "one\\n\\ntwo"' in article_to_json(a)
    assert a.text == "one\n\ntwo"
