"""Dates, places and names as the event builder reads them."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.events import dates
from newscorpus.events.dates import ArticleDate, article_date, find_mentions
from newscorpus.events.places import fold, gazetteer

THU = dt.date(2025, 4, 17)


@pytest.mark.parametrize(
    ("lead", "lang", "published", "expected"),
    [
        ("Putin told the emir on Thursday that", "en", THU, ArticleDate(THU, "relative-weekday", 3, None, 2025)),
        ("Putin told the emir on Thursday that", "en", THU + dt.timedelta(days=1),
         ArticleDate(THU, "relative-weekday", 3, None, 2025)),
        ("Dalam pembicaraan pada hari Kamis, Al Thani", "id", THU, ArticleDate(THU, "relative-weekday", 3, None, 2025)),
        ("Dalam pembicaraan pada hari Kamis, Al Thani", "id", None, ArticleDate(None, "weekday", 3, None, None)),
        # The date in brackets after the weekday wins; Indonesian writes day/month.
        ("Delegasi bertemu di Moskow, Senin (4/2/2025).", "id", None,
         ArticleDate(dt.date(2025, 2, 4), "explicit", 1, None, 2025)),
        # American English writes month/day.
        ("The meeting of 4/2/2025 was cancelled.", "en", None,
         ArticleDate(dt.date(2025, 4, 2), "explicit", 2, None, 2025)),
        ("Kemarin, banjir melanda Jakarta.", "id", THU,
         ArticleDate(THU - dt.timedelta(days=1), "relative-day", 2, None, 2025)),
        ("El jueves 3 de abril de 2025 hubo elecciones.", "es", None,
         ArticleDate(dt.date(2025, 4, 3), "explicit", 3, None, 2025)),
        # "may" and "march" are verbs here, not months.
        ("They may march on the capital.", "en", THU, ArticleDate(THU, "published", 3, None, 2025)),
        # A date far from publication is background, not the story's date.
        ("The January 19 ceasefire collapsed.", "en", THU, ArticleDate(THU, "published", 3, None, 2025)),
        ("No date at all here, only the 2008 Oscars.", "en", None, ArticleDate(None, "unknown", None, None, 2008)),
    ],
)
def test_article_date(lead: str, lang: str, published: dt.date | None, expected: ArticleDate) -> None:
    assert article_date(lead, lang, published) == expected


def test_article_date_round_trips_as_data() -> None:
    d = article_date("on Thursday", "en", THU)
    assert ArticleDate.from_data(d.to_data()) == d


def test_mentions_in_order() -> None:
    kinds = [m.kind for m in find_mentions("On Monday, 17 April 2025, and yesterday", "en")]
    assert kinds == ["weekday", "explicit", "relative"]


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Moscow", "Europe/Moscow"), ("Moskow", "Europe/Moscow"), ("MOSCOW", "Europe/Moscow"),
        ("Moskau", "Europe/Moscow"), ("Москва", "Europe/Moscow"), ("Russia", "RU"), ("Rusia", "RU"),
        ("Suriah", "SY"), ("Damaskus", "Asia/Damascus"), ("Amerika Serikat", "US"), ("Gaza", "Asia/Gaza"),
    ],
)
def test_cldr_place_names(name: str, place: str) -> None:
    found = gazetteer().lookup(name)
    assert found is not None and found.id == place
    assert gazetteer().display(place) in {"Moscow", "Russia", "Syria", "Damascus", "United States", "Gaza"}


@pytest.mark.parametrize(("word", "country"), [("Russian", "RU"), ("Qatari", "QA"), ("Palestinian", "PS"),
                                                ("Chinese", "CN"), ("German", "DE"), ("Israeli", "IL")])
def test_demonyms(word: str, country: str) -> None:
    found = gazetteer().lookup_demonym(word)
    assert found is not None and found.id == country


@pytest.mark.parametrize("word", ["Christian", "Reuters", "Julian", "Brian"])
def test_not_demonyms(word: str) -> None:
    assert gazetteer().lookup_demonym(word) is None


def test_fold_meets_spellings() -> None:
    assert fold("Al-Thani") == fold("Al Thani") == "al thani"
    assert fold("Путин") == "putin"


_PIECES = ["Thursday", "THURSDAY", "thursday", "Kamis", "kamis", "17", "4/2/2025", "2025-04-17", "April", "april",
           "Mei", "may", "May", "Juni", "März", "Straße", "yesterday", "Kemarin", "hari ini", "Senin", "(", ")",
           ",", ".", " ", "  ", "\n", "on", "pada", "the", "İstanbul", "1st", "de"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=30), lang=st.sampled_from(["en", "id", "de", "es"]))
def test_the_case_folded_scan_finds_what_the_case_insensitive_one_finds(pieces: list[str], lang: str) -> None:
    # The fast path matches a case-folded copy; the other, kept for texts whose
    # folding moves offsets ("ß" -> "ss", "İ"), matches with IGNORECASE.
    text = " ".join(pieces)
    assert dates.vocabulary(lang).folded_pattern is not None
    fast = find_mentions(text, lang)
    slow_voc = attrs.evolve(dates.vocabulary(lang), folded_pattern=None)
    with mock.patch.object(dates, "vocabulary", lambda _lang: slow_voc):
        assert find_mentions(text, lang) == fast


@pytest.mark.parametrize(("lead", "lang", "expected"), [
    ("Talks resume on Tuesday 14 March 1400 GMT in Geneva.", "en", (0, 3, 14)),
    ("The polls close on March 14, 2130 local time.", "en", (0, 3, 14)),
    ("Pasukan tiba di Palu pada 12 Maret 0930 WIB.", "id", (0, 3, 12)),
    ("Kapal berlabuh 3 Mei 1645 WITA di Makassar.", "id", (0, 5, 3)),
    ("The deadline is 1 June 1800 hrs.", "en", (0, 6, 1)),
    # four digits that are a year stay one, whatever follows
    ("On 12 March 2005 UN inspectors left.", "en", (2005, 3, 12)),
    ("On 12 March 2005 at noon the bill passed.", "en", (2005, 3, 12)),
    ("Born 20 February 1951 in Leeds.", "en", (1951, 2, 20)),
    ("On 3 May 2359 GMT", "en", (0, 5, 3)),  # a valid clock with a zone: not the year 2359
])
def test_clock_times_are_not_years(lead: str, lang: str, expected: tuple[int, int, int]) -> None:
    explicit = [m.value for m in find_mentions(lead, lang) if m.kind == "explicit"]
    assert explicit == [expected]


def test_a_clock_time_never_names_the_story_year() -> None:
    # no publication date: the lead's year vote must not count 1930 GMT
    found = article_date("Voting ended at 1930 GMT on Sunday, three days after the 2005 poll was called.", "en", None)
    assert found.year == 2005
