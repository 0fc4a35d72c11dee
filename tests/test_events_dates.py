"""Dates, places and names as the event builder reads them."""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus import Pipeline, config_from_dict
from newscorpus.events import dates
from newscorpus.events.dates import STORY_LOOKBACK, ArticleDate, article_date, find_mentions
from newscorpus.events.default import EventSummary
from newscorpus.events.places import fold, gazetteer
from newscorpus.models import Event, EventDate
from newscorpus.serialize import read_events

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


# -- sane dates (issue 19): clock times, background dates, supported event dates ----------
@pytest.mark.parametrize(("lead", "lang", "expected"), [
    # clock context before the digits, or CLDR's hour names and AM/PM markers after them
    ("Sidang dibuka 3 Mei pukul 1930 WIB di Jakarta.", "id", (0, 5, 3)),
    ("Mesyuarat bermula 3 Mei 1930 ptg di Putrajaya.", "ms", (0, 5, 3)),
    ("The count ends on 3 May 1930 p.m. sharp.", "en", (0, 5, 3)),
    ("Kapal tiba 3 Mei 2130 waktu setempat.", "id", (0, 5, 3)),
    ("Polls shut on 3 May 2130 local time.", "en", (0, 5, 3)),
    # a year stays a year where the words only look like clock context
    ("Council seats were fought on 5 May 2005 local elections day.", "en", (2005, 5, 5)),
    ("On 5 May 2005 PM Tony Blair won a third term.", "en", (2005, 5, 5)),
    ("Rapat digelar 3 Mei 2005 jam 10.00 di Bandung.", "id", (2005, 5, 3)),
    ("On 12 March 2005 IT firms rallied.", "en", (2005, 3, 12)),  # two capitals are no zone
])
def test_clock_context(lead: str, lang: str, expected: tuple[int, int, int] | None) -> None:
    explicit = [m.value for m in find_mentions(lead, lang) if m.kind == "explicit"]
    assert explicit == ([expected] if expected else [])


@pytest.mark.parametrize(("lead", "lang"), [
    ("Polls closed pukul 2000 WIB, two days after the 2024 vote was called.", "id"),
    ("Sidang ditutup jam 2000 setelah pemilu 2024.", "id"),
    ("The ferry left at 2000 hrs, a year after the 2024 storm.", "en"),
])
def test_clock_times_get_no_year_vote(lead: str, lang: str) -> None:
    assert article_date(lead, lang, None).year == 2024


def test_a_year_past_2099_never_dates_a_story() -> None:
    # a clock time whose zone is not recognised reads as a year no story has
    assert article_date("Ships\nThe convoy sailed on 3 May 2359.", "en", None).day is None


def test_a_year_before_1900_never_dates_a_story() -> None:
    # "14 March 1400" with no clock context reads as a year, but never as a story's day
    assert find_mentions("Troops landed on 14 March 1400.", "en")[0].value == (1400, 3, 14)
    assert article_date("Siege\nTroops landed on 14 March 1400.", "en", None).day is None
    assert article_date("Siege\nTroops landed on 14 March 1400.", "en", THU).day == THU


U = None  # no publication date


@pytest.mark.parametrize(("lead", "lang", "day"), [
    # a date stamp in the opening: headline, dateline, first sentence
    ("Bridge opens\nLEEDS, March 17, 2005 - A new bridge opened to traffic.", "en", dt.date(2005, 3, 17)),
    ("Jembatan dibuka\nPresiden meresmikan jembatan Suramadu pada 17 Maret 2005. Warga antusias.", "id",
     dt.date(2005, 3, 17)),
    # a date written with its weekday, anywhere in the lead
    ("Jembatan dibuka\nWarga antusias.\nPresiden meresmikannya pada Kamis, 17 Maret 2005.", "id",
     dt.date(2005, 3, 17)),
    ("Jambatan dibuka\nOrang ramai hadir.\nIa dirasmikan pada Khamis, 17 Mac 2005 oleh menteri.", "ms",
     dt.date(2005, 3, 17)),
    # background: a full date past the opening, without a weekday
    ("Brown speaks\nThe chancellor spoke in Glasgow. He was born on 20 February 1951 in the city.", "en", None),
    ("Menteri berucap\nMenteri itu berucap di Ipoh. Beliau dilahirkan pada 12 Mac 1960 di Taiping.", "ms", None),
    # background: older than a year the lead names
    ("Inquiry\nOn 12 March 1998 the dam failed; the 2005 inquiry blamed the builder.", "en", None),
    # background: in one sentence with a past a week or more back (CLDR relative time)
    ("Ten years on\nThe singer vanished ten years ago, on 1 February 1995. Fans still wait.", "en", None),
    ("Kenangan\nLima tahun lalu, pada 3 Mei 2019, banjir melanda Kampung Baru. Warga bangkit.", "ms", None),
    ("Kenangan\nDua tahun yang lalu, pada 3 Mei 2019, gempa mengguncang Palu.", "id", None),
    ("Dam\nLast year, on 12 March 2004, the dam broke. It was rebuilt.", "en", None),
    # a stamp the lead's weekday contradicts: the story is not the stamp's day
    ("Storm\nLEEDS, March 17, 2005 - A storm hit the coast on Tuesday.", "en", None),
])
def test_undated_articles_take_only_a_stamped_date(lead: str, lang: str, day: dt.date | None) -> None:
    assert article_date(lead, lang, U).day == day


def test_an_undated_article_keeps_its_weekday_when_the_stamp_is_refused() -> None:
    found = article_date("Storm\nLEEDS, March 17, 2005 - A storm hit the coast on Tuesday.", "en", U)
    assert (found.method, found.weekday, found.year) == ("weekday", 1, 2005)


_ZONES = ["GMT", "UTC", "WIB", "WITA", "WIT", "MYT", "BST", "EST", "local time", "waktu setempat", "hrs", "p.m.",
          "a.m.", "+0700", "Z"]
_MONTHS = {"en": ["March", "May", "June"], "id": ["Maret", "Mei", "Juni"], "ms": ["Mac", "Mei", "Jun"]}


@settings(max_examples=300, deadline=None)
@given(
    lang=st.sampled_from(["en", "id", "ms"]),
    day=st.integers(1, 28),
    month=st.integers(0, 2),
    hhmm=st.integers(0, 23).flatmap(lambda h: st.integers(0, 59).map(lambda m: f"{h:02d}{m:02d}")),
    zone=st.sampled_from(_ZONES),
    before=st.sampled_from(["", "pukul ", "jam "]),
    published=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
)
def test_a_clock_time_never_yields_a_date_before_1900(
    lang: str, day: int, month: int, hhmm: str, zone: str, before: str, published: dt.date | None
) -> None:
    lead = f"Berita\nKapal tiba {day} {_MONTHS[lang][month]} {before}{hhmm} {zone} di pelabuhan."
    for mention in find_mentions(lead, lang):
        assert mention.kind != "explicit" or mention.value[0] in (0, *range(1900, 2100))
    found = article_date(lead, lang, published)
    assert found.day is None or found.day.year >= 1900
    assert found.year is None or found.year >= 1900


def _summary(votes: dict[tuple[str, str], int], published: list[str]) -> EventSummary:
    return EventSummary(dated=collections.Counter(votes), published=published)


def test_one_background_vote_does_not_date_a_large_undated_event() -> None:
    # 39 undated members, one of which let a birth date through: no support
    summary = _summary({("1951-02-20", "explicit"): 1}, [])
    assert summary.date(collections.Counter(), 39) == (EventDate(), None)
    # the same vote from 12 of the 39 (30%) is support
    summary = _summary({("2005-03-17", "explicit"): 12}, [])
    assert summary.date(collections.Counter(), 39)[0] == EventDate(
        dt.date(2005, 3, 17), dt.date(2005, 3, 17), "day", "explicit")


def test_a_date_far_from_the_publication_days_cannot_win() -> None:
    summary = _summary(
        {("2005-03-17", "relative-weekday"): 1, ("2005-03-18", "published"): 2, ("1951-02-20", "explicit"): 1},
        ["2005-03-17T09:00:00", "2005-03-18", "2005-03-18"],
    )
    assert summary.date(collections.Counter(), 4)[0] == EventDate(
        dt.date(2005, 3, 17), dt.date(2005, 3, 17), "day", "relative-weekday")


def test_an_unsupported_date_leaves_the_publication_day() -> None:
    # an undated member's 10 March among members published on 17 March and saying nothing
    summary = _summary({("2005-03-10", "explicit"): 1, ("2005-03-17", "published"): 3}, ["2005-03-17"] * 3)
    assert summary.date(collections.Counter(), 4)[0] == EventDate(
        dt.date(2005, 3, 17), dt.date(2005, 3, 17), "day", "published")


_DAY = dt.date(2005, 3, 17)


@settings(max_examples=200, deadline=None)
@given(
    voters=st.integers(1, 6),
    method=st.sampled_from(["explicit", "relative-weekday", "relative-day"]),
    quiet=st.lists(st.integers(0, 3), max_size=20),  # publication day offsets of members with no date mention
    background=st.integers(-40_000, 40_000).filter(lambda d: abs(d) > STORY_LOOKBACK + 3),
)
def test_a_background_date_never_moves_an_event_its_members_date(
    voters: int, method: str, quiet: list[int], background: int
) -> None:
    published = [_DAY.isoformat()] * voters + [(_DAY + dt.timedelta(days=q)).isoformat() for q in quiet]
    votes = collections.Counter({(_DAY.isoformat(), method): voters})
    for q in quiet:
        votes[((_DAY + dt.timedelta(days=q)).isoformat(), "published")] += 1
    before = EventSummary(dated=votes, published=published).date(collections.Counter(), len(published))
    assert before[0].start == _DAY and before[0].precision == "day"
    # an undated member adds its background date (a birth, an anniversary)
    more = votes.copy()
    more[((_DAY + dt.timedelta(days=background)).isoformat(), "explicit")] += 1
    after = EventSummary(dated=more, published=published).date(collections.Counter(), len(published) + 1)
    assert after == before


@settings(max_examples=200, deadline=None)
@given(voters=st.integers(1, 8), silent=st.integers(0, 30), back=st.integers(STORY_LOOKBACK + 1, 40_000))
def test_an_older_background_date_never_dates_an_undated_event(voters: int, silent: int, back: int) -> None:
    votes = collections.Counter({(_DAY.isoformat(), "explicit"): voters})
    votes[((_DAY - dt.timedelta(days=back)).isoformat(), "explicit")] += 1
    date, _ = EventSummary(dated=votes).date(collections.Counter(), voters + silent + 1)
    assert date.start != _DAY - dt.timedelta(days=back)


# -- through the pipeline ----------------------------------------------------------------
_ELLISON = [
    ("Ellison unveils housing plan in Manchester",
     ["Chancellor Margaret Ellison unveiled a five billion pound housing plan in Manchester on Thursday, promising "
      "200,000 new homes for first-time buyers across the North West.",
      "Ellison told builders and council leaders that the Treasury would underwrite loans for the Manchester and "
      "Salford schemes.",
      "Opposition leaders said the housing plan came too late for families priced out of Manchester."]),
    ("Housing: Ellison pledges 200,000 homes",
     ["Margaret Ellison, the chancellor, pledged 200,000 homes for first-time buyers when she set out her housing "
      "plan to council leaders in Manchester on Thursday.",
      "Builders in Salford welcomed the loans the Treasury will underwrite, though some doubted the five billion "
      "pound figure.",
      "Ellison, who was born on 20 February 1951 in Leeds, trained as an accountant before entering Parliament."]),
    ("Manchester builders welcome Ellison housing loans",
     ["Builders in Manchester and Salford welcomed the Treasury loans that Chancellor Margaret Ellison announced on "
      "Thursday in her five billion pound housing plan.",
      "The plan promises 200,000 homes for first-time buyers, Ellison told council leaders.",
      "Opposition leaders called the housing plan overdue."]),
    ("Ellison housing plan: what it means for buyers",
     ["First-time buyers in the North West could benefit from the housing plan Chancellor Margaret Ellison unveiled "
      "in Manchester on Thursday, with 200,000 homes promised.",
      "The Treasury will underwrite loans for schemes in Manchester and Salford, Ellison told council leaders.",
      "Builders said the five billion pound plan would take years to deliver."]),
]
_BORN_OPENING = ("Margaret Ellison, born 20 February 1951, set out her housing plan to council leaders in "
                 "Manchester, pledging 200,000 homes for first-time buyers.")


def _ellison_events(tmp_path: Path, dated: bool) -> list[Event]:
    records = []
    for i, (title, paras) in enumerate(_ELLISON):
        if not dated and i == 1:
            paras = [_BORN_OPENING, *paras[1:]]  # its opening names only the birth date
        record: dict[str, Any] = {"id": f"ellison-{i}", "title": title, "body": "\n".join(paras), "language": "en"}
        if dated:
            record["published"] = ["2005-03-17", "2005-03-17", "2005-03-18", "2005-03-18"][i]
        records.append(record)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    Pipeline(config_from_dict({"execution": {"workers": 1}})).run([str(source)], tmp_path / "out")
    return list(read_events(tmp_path / "out" / "events.jsonl"))


def test_pipeline_a_member_born_in_1951_does_not_date_the_event(tmp_path: Path) -> None:
    (event,) = _ellison_events(tmp_path, dated=True)
    assert event.date == EventDate(dt.date(2005, 3, 17), dt.date(2005, 3, 17), "day", "relative-weekday")


def test_pipeline_an_undated_event_is_not_dated_by_one_members_birth_date(tmp_path: Path) -> None:
    # the member's own reading lets the birth date through (it is all its opening names) ...
    lead = "\n".join([_ELLISON[1][0], _BORN_OPENING])
    assert article_date(lead, "en", None).day == dt.date(1951, 2, 20)
    # ... but one member of four is no support: the event stays undated, on a Thursday
    (event,) = _ellison_events(tmp_path, dated=False)
    assert len(event.article_ids) == 4
    assert event.date.precision == "unknown" and event.date.start is None
    assert event.extras["weekday"] == "Thursday"
