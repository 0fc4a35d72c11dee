"""When did it happen? Date mentions in news text, resolved against the publication date.

News rarely dates the happening explicitly: it says "on Thursday", "pada hari Kamis",
"yesterday", or "Senin (4/2/2025)". :func:`find_mentions` finds such mentions in the
lead of an article, in the article's language, using CLDR weekday and month names
(Babel) and the language's short date pattern to read ``4/2/2025`` as day/month or
month/day. :func:`article_date` picks the mention that dates the story and resolves it
against the publication date when there is one.

Dates that are not the story's stay out: four digits beside clock context (``1400 GMT``,
``pukul 1930``) are a time, not a year; without a publication date only a date stamp
(in the opening, or written with its weekday) dates the story, never a background date
(``born 20 February 1951``, ``ten years ago, on 1 February 1995``).
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import re
from typing import Any

import attrs
from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta, get_date_format

__all__ = [
    "EXPLICIT_WINDOW",
    "MIN_STORY_YEAR",
    "STORY_LOOKBACK",
    "STORY_YEARS",
    "ArticleDate",
    "DateVocabulary",
    "Mention",
    "article_date",
    "find_mentions",
    "vocabulary",
]

# "yesterday"/"today" words: CLDR has them (relative-type -1/0) but Babel does not
# ship that part of CLDR, so the common news languages are listed here.
_RELATIVE_DAYS: dict[str, dict[str, int]] = {
    "en": {"yesterday": -1, "today": 0, "tonight": 0, "last night": -1},
    "id": {"kemarin": -1, "hari ini": 0, "semalam": -1, "tadi malam": -1},
    "ms": {"semalam": -1, "hari ini": 0, "kelmarin": -1},
    "de": {"gestern": -1, "heute": 0},
    "fr": {"hier": -1, "aujourd'hui": 0},
    "es": {"ayer": -1, "hoy": 0},
    "it": {"ieri": -1, "oggi": 0},
    "pt": {"ontem": -1, "hoje": 0},
    "nl": {"gisteren": -1, "vandaag": 0},
    "pl": {"wczoraj": -1, "dzisiaj": 0, "dziś": 0},
    "tr": {"dün": -1, "bugün": 0},
    "ru": {"вчера": -1, "сегодня": 0},
}
# An explicit date this far from the publication date does not date the story
# ("the January ceasefire" in an April story is background).
EXPLICIT_WINDOW = dt.timedelta(days=14)
#: The furthest a story day resolved against a publication day lies before it (an
#: explicit date; weekdays reach 6 days back, "yesterday" one): the event builder
#: relies on it to close events that no later article can join.
STORY_LOOKBACK = EXPLICIT_WINDOW.days


@attrs.frozen
class DateVocabulary:
    """The date words of one language, from CLDR."""

    weekdays: dict[str, int]  # folded wide name -> Monday=0 .. Sunday=6
    months: dict[str, int]  # folded name (wide or abbreviated) -> 1..12
    relative: dict[str, int]  # phrase -> day offset
    day_first: bool  # 4/2/2025 is 4 February (id, de, fr) rather than April 2 (en-US)
    capitalised: frozenset[str]  # folded names the language writes capitalised
    pattern: re.Pattern[str]  # case-insensitive, for any text
    abbreviations: frozenset[str] = frozenset()
    folded_pattern: re.Pattern[str] | None = None  # the same, case-sensitive, for case-folded text

    def names(self) -> frozenset[str]:
        """Every weekday and month name (folded): never a participant's name."""
        return frozenset(self.weekdays) | frozenset(self.months) | self.abbreviations


def _lower(s: str) -> str:
    return s.casefold().rstrip(".")


@functools.cache
def vocabulary(lang: str | None) -> DateVocabulary:
    """CLDR date words of ``lang`` plus English ones (news in every language quotes
    English-dated wire copy); English alone for an unknown language."""
    codes = ["en"] if not lang or lang == "en" else [lang, "en"]
    weekdays: dict[str, int] = {}
    months: dict[str, int] = {}
    abbreviations: set[str] = set()
    capitalised: set[str] = set()
    day_first = True
    for i, code in enumerate(codes):
        try:
            loc = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                # Only wide weekday names count as mentions: "Sun", "Wed" are words.
                for num, name in loc.days[context][width].items():
                    if width == "wide" and len(name) >= 4:
                        weekdays.setdefault(_lower(name), num)
                    abbreviations.add(_lower(name))
                    if name[:1].isupper():
                        capitalised.add(_lower(name))
                for num, name in loc.months[context][width].items():
                    if len(name) >= 3:
                        months.setdefault(_lower(name), num)
                        if name[:1].isupper():
                            capitalised.add(_lower(name))
        if i == 0:
            pattern = get_date_format("short", locale=loc).pattern
            day_first = pattern.find("d") < pattern.find("M")
    relative = dict(_RELATIVE_DAYS.get("en", {}))
    if lang:
        relative.update(_RELATIVE_DAYS.get(lang, {}))
    wd = "|".join(re.escape(w) for w in sorted(weekdays, key=len, reverse=True))
    mo = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    rel = "|".join(re.escape(r) for r in sorted(relative, key=len, reverse=True))
    # Every mention starts with a digit or the first letter of a date word: the
    # lookahead rejects other word starts before the alternatives are tried (4x
    # faster), and case-folded text needs no IGNORECASE (2x more).
    firsts = "".join(sorted({w[0] for w in (*weekdays, *months, *relative) if not w[0].isdigit()}))
    pattern_text = (
        rf"\b(?=[0-9{re.escape(firsts)}])(?:"
        rf"(?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})\b)"
        rf"|(?P<num>\b(?P<n1>\d{{1,2}})[/.-](?P<n2>\d{{1,2}})[/.-](?P<n3>\d{{4}}|\d{{2}})\b)"
        rf"|(?P<dm>\b(?P<dmd>\d{{1,2}})(?:\.|st|nd|rd|th|er|º)?\s+(?:de\s+)?(?P<dmm>{mo})\.?"
        rf"(?:\s*,?\s+(?:de\s+)?(?P<dmy>\d{{4}}))?\b)"
        rf"|(?P<md>\b(?P<mdm>{mo})\.?\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*,?\s+(?P<mdy>\d{{4}}))?)"
        rf"|(?P<wd>\b(?:{wd})\b)"
        rf"|(?P<rel>\b(?:{rel})\b))"
    )
    return DateVocabulary(
        weekdays,
        months,
        relative,
        day_first,
        frozenset(capitalised),
        re.compile(pattern_text, re.IGNORECASE),
        frozenset(abbreviations),
        re.compile(pattern_text),
    )


@attrs.frozen
class Mention:
    """A date mention found in text.

    Attributes:
        kind: ``explicit`` (a full or day-month date), ``weekday`` or ``relative``.
        value: For ``explicit``: ``(year or 0, month, day)``; for ``weekday``: the
            weekday (Monday = 0); for ``relative``: the day offset.
        start: Character offset in the searched text.
        end: Offset just after the mention.
    """

    kind: str
    value: Any
    start: int
    end: int = -1


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y or 2000, m, d)
    except ValueError:
        return False
    return True


# A four-digit number beside clock context is a time of day, never a year ("14 March
# 1400 GMT", "12 Maret 0930 WIB", "March 14, 2130 local time", "pukul 1930"). The
# zone part is a class, not a list of zones: three to five capitals ending in T
# (GMT, BST, WIT, MYT, EST, AEST), UTC, WIB, WITA, Z or an offset; case-sensitive,
# so "at" after a year is a word, and two letters are too few ("2005 IT firms",
# "AT&T").
_CLOCK_ZONE = re.compile(r"\s*(?:[A-Z]{2,4}T\b|UTC\b|WIB\b|WITA\b|Z\b|[+-]\d{2}:?\d{2}\b)")
# Hours words CLDR does not name as such: military "hrs", "local time", "waktu
# setempat/tempatan" (not "local" alone: "the 2005 local elections"); and the
# Indonesian/Malay words written before a time.
_HOURS_AFTER = ("hrs", "hr", "local time", "waktu setempat", "waktu tempatan")
_HOURS_BEFORE = ("pukul", "pkl", "jam")
#: The first year a story date may have: an earlier year is history, never the day a
#: news story happened (``14 March 1400`` with no clock context reads as a year, but
#: dates no story).
MIN_STORY_YEAR = 1900
#: The years a story date of an undated article may have (later ones are misreadings).
STORY_YEARS = range(MIN_STORY_YEAR, 2100)


@attrs.frozen
class _ClockWords:
    after: re.Pattern[str]  # matched at the end of the digits
    before: re.Pattern[str]  # searched in the few characters before them


@functools.cache
def _clock_words(lang: str | None) -> _ClockWords:
    """Words that make four digits a clock time in ``lang`` (and English): CLDR's
    names of the hour unit ("hours", "jam") and its AM/PM markers ("PM", "PTG", also
    dotted: "p.m."), after the digits; the hour names and "pukul" before them."""
    after: set[str] = set(_HOURS_AFTER)
    before: set[str] = set(_HOURS_BEFORE)
    markers: set[str] = set()  # AM/PM: "PM" undotted is also the Prime Minister
    for code in dict.fromkeys(c for c in (lang, "en") if c):
        try:
            loc = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for width in ("long", "short", "narrow"):
            name = loc.unit_display_names.get("duration-hour", {}).get(width)
            if name and name.isalpha():
                after.add(name.casefold())
                before.add(name.casefold())
        for width in ("abbreviated", "wide"):
            for period in ("am", "pm"):
                marker = loc.day_periods["format"].get(width, {}).get(period)
                if marker and len(marker) >= 2 and marker.isalpha():
                    markers.add(marker.casefold())
    after_alt = "|".join(re.escape(w) for w in sorted(after, key=len, reverse=True))
    before_alt = "|".join(re.escape(w) for w in sorted(before, key=len, reverse=True))
    # Markers count dotted in any case ("p.m.", "P.M.") or undotted in lower case ("pm").
    dotted = "|".join(re.escape(".".join(m) + ".") for m in sorted(markers, key=len, reverse=True))
    plain = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return _ClockWords(
        # Not before digits: "3 Mei 2005 jam 10.00" names the hour after the year.
        re.compile(rf"\s*(?:(?i:{after_alt}|{dotted})|{plain})(?!\w)(?!\s*\d)"),
        re.compile(rf"\b(?:{before_alt})\.?\s*$", re.IGNORECASE),
    )


def _clock_not_year(text: str, start: int, end: int, lang: str | None = None) -> bool:
    """Whether the four digits ``text[start:end]`` are a clock time, not a year: any
    four digits with a leading zero (``0930``: no year is written so), or a valid
    ``HHMM`` followed by a time zone, an hours word or an AM/PM marker, or preceded by
    an hours word (``pukul 1930``, ``jam 2000``)."""
    digits = text[start:end]
    if digits.startswith("0"):
        return True
    if int(digits[:2]) > 23 or int(digits[2:]) > 59:
        return False
    words = _clock_words(lang)
    return bool(
        _CLOCK_ZONE.match(text, end)
        or words.after.match(text, end)
        or words.before.search(text, max(0, start - 8), start)
    )


def find_mentions(text: str, lang: str | None) -> list[Mention]:
    """Date mentions in ``text`` (in order), read with ``lang``'s CLDR vocabulary."""
    voc = vocabulary(lang)
    out: list[Mention] = []
    folded = text.casefold()
    if len(folded) == len(text) and voc.folded_pattern is not None:
        matches = voc.folded_pattern.finditer(folded)  # same offsets: read the case from text
    else:  # "ß" -> "ss" moves offsets
        matches = voc.pattern.finditer(text)
    for m in matches:
        g = m.groupdict()
        name = "wd" if g["wd"] else "dmm" if g["dmm"] else "mdm" if g["mdm"] else None
        word = text[m.start(name) : m.end(name)] if name else None
        if word and word[0].islower() and _lower(word) in voc.capitalised:
            continue  # "may", "march", "sun": the language capitalises its date names
        if g["iso"]:
            y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
            if _valid(y, mo, d):
                out.append(Mention("explicit", (y, mo, d), m.start(), m.end()))
        elif g["num"]:
            a, b, y = int(g["n1"]), int(g["n2"]), int(g["n3"])
            y = y + 2000 if y < 100 else y
            d, mo = (a, b) if voc.day_first else (b, a)
            if not _valid(y, mo, d) and _valid(y, d, mo):  # 4/25/2025 in a day-first text
                d, mo = mo, d
            if _valid(y, mo, d):
                out.append(Mention("explicit", (y, mo, d), m.start(), m.end()))
        elif g["dm"]:
            d, mo = int(g["dmd"]), voc.months[_lower(g["dmm"])]
            y = int(g["dmy"]) if g["dmy"] and not _clock_not_year(text, m.start("dmy"), m.end("dmy"), lang) else 0
            if _valid(y, mo, d):
                out.append(Mention("explicit", (y, mo, d), m.start(), m.end()))
        elif g["md"]:
            d, mo = int(g["mdd"]), voc.months[_lower(g["mdm"])]
            y = int(g["mdy"]) if g["mdy"] and not _clock_not_year(text, m.start("mdy"), m.end("mdy"), lang) else 0
            if _valid(y, mo, d):
                out.append(Mention("explicit", (y, mo, d), m.start(), m.end()))
        elif g["wd"]:
            out.append(Mention("weekday", voc.weekdays[_lower(g["wd"])], m.start(), m.end()))
        elif g["rel"]:
            out.append(Mention("relative", voc.relative[g["rel"].casefold()], m.start(), m.end()))
    return out


@attrs.frozen
class ArticleDate:
    """When an article's story happened, as far as the article tells.

    Attributes:
        day: The resolved day, or ``None``.
        method: ``explicit``, ``relative-weekday``, ``relative-day``, ``published``,
            ``weekday`` (a weekday with no date to resolve it against) or ``unknown``.
        weekday: The weekday (Monday = 0) when known, resolved or not.
        month_day: ``(month, day)`` of an explicit date without year or anchor.
        year: The story's year: that of ``day``, else the year the lead names most
            ("the 2008 Oscars"), else ``None``.
    """

    day: dt.date | None = None
    method: str = "unknown"
    weekday: int | None = None
    month_day: tuple[int, int] | None = None
    year: int | None = None

    def to_data(self) -> list[Any]:
        """Compact JSON form: ``[iso day or None, method, weekday, [m, d] or None, year]``."""
        return [
            self.day.isoformat() if self.day else None,
            self.method,
            self.weekday,
            list(self.month_day) if self.month_day else None,
            self.year,
        ]

    @classmethod
    def from_data(cls, data: Any) -> ArticleDate:
        """Inverse of :meth:`to_data`."""
        day, method, weekday, md, year = data
        return cls(
            dt.date.fromisoformat(day) if day else None,
            method,
            weekday,
            (int(md[0]), int(md[1])) if md else None,
            year,
        )


def _resolve_weekday(weekday: int, anchor: dt.date) -> dt.date:
    # News says "on Thursday" of the past six days (today included): the day itself
    # in a story published on a Thursday, the day before in one published on Friday.
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


_YEAR = re.compile(r"(?<![\d/.-])(19\d\d|20\d\d)(?![\d/-])")
# Where a sentence ends: a stop, then space and something that is not a digit or a
# lower-case letter ("Jan. 5", "Rp 5.000" and "e.g. the" go on). An abbreviation
# ("U.S. officials") ends it early, which only shortens the opening.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[^\s\da-z])")


# Indonesian and Malay share their date words; CLDR writes some of them in one only
# ("10 tahun yang lalu" in id, "10 tahun lalu" in ms): each reads the other's too.
_SIBLINGS = {"id": ("ms",), "ms": ("id",)}


@functools.cache
def _past_pattern(lang: str | None) -> re.Pattern[str] | None:
    """CLDR's expressions of a past a week or more back, in ``lang`` and English:
    ``{0} years ago``, ``{0} tahun yang lalu``, ``vor {0} Monaten`` (as Babel's
    :func:`~babel.dates.format_timedelta` writes them, the number read as digits or a
    word: ``ten years ago``), and the words for the last year, month and week
    (``last year``, ``bulan lalu``)."""
    phrases: set[str] = set()
    for code in dict.fromkeys(c for c in (lang, *_SIBLINGS.get(lang or "", ()), "en") if c):
        try:
            loc = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for days in (7 * 365, 365, 7 * 30, 30, 21, 7):  # years, months, weeks; plural and singular
            text = format_timedelta(dt.timedelta(days=-days), add_direction=True, locale=loc).casefold()
            parts = re.split(r"\d+", text)
            if len(parts) == 2:
                phrases.add(r"(?:\d+|\w+)".join(re.escape(part) for part in parts))
        # Babel keeps CLDR's relative words (-1: "last year") in its locale data only.
        try:
            fields = loc._data["date_fields"]
            for unit in ("year", "month", "week"):
                last = dict(fields[unit]["relative"]).get(-1)
                if last:
                    phrases.add(re.escape(str(last).casefold()))
        except (KeyError, AttributeError, TypeError):
            pass
    if not phrases:
        return None
    alt = "|".join(sorted(phrases, key=len, reverse=True))
    alt = re.sub(r"\\[ \u00a0\u202f]", r"\\s+", alt)  # any space between the words
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.IGNORECASE)


def _sentence(lead: str, start: int) -> tuple[int, int]:
    """The sentence of ``lead`` around offset ``start`` (lines end sentences too)."""
    line_start = lead.rfind("\n", 0, start) + 1
    line_end = lead.find("\n", start)
    line_end = len(lead) if line_end < 0 else line_end
    begin = line_start
    for stop in _SENTENCE_END.finditer(lead, line_start, line_end):
        if stop.end() > start:
            return begin, stop.end()
        begin = stop.end()
    return begin, line_end


def _years_named(lead: str, lang: str | None) -> list[int]:
    # Four-digit years 1900-2099 in the lead, clock times ("1930 GMT") left out.
    return [int(m[1]) for m in _YEAR.finditer(lead) if not _clock_not_year(lead, *m.span(1), lang)]


def _lead_year(lead: str, lang: str | None) -> int | None:
    # The year the lead names most (latest on a tie): "the 2008 Oscars".
    years = collections.Counter(_years_named(lead, lang))
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0] if years else None


def _opening_end(lead: str) -> int:
    """Offset where the lead's opening ends: its first line (the headline) and the
    first sentence of the line after it (the dateline and the story's first claim)."""
    title_end = lead.find("\n")
    if title_end < 0:
        return len(lead)
    para_end = lead.find("\n", title_end + 1)
    para_end = len(lead) if para_end < 0 else para_end
    stop = _SENTENCE_END.search(lead, title_end + 1, para_end)
    return stop.end() if stop else para_end


def _attached_weekday(mentions: list[Mention], i: int) -> int | None:
    # The weekday written with mention i: "Thursday, 17 April", "Senin (4/2/2025)".
    if i > 0 and mentions[i - 1].kind == "weekday" and mentions[i].start - mentions[i - 1].end <= 3:
        return int(mentions[i - 1].value)
    return None


def article_date(lead: str, lang: str | None, published: dt.date | None) -> ArticleDate:
    """Date the story told in ``lead`` (see :func:`_article_date`), with its year."""
    found = _article_date(lead, lang, published)
    year = found.day.year if found.day is not None else _lead_year(lead, lang)
    return attrs.evolve(found, year=year)


def _article_date(lead: str, lang: str | None, published: dt.date | None) -> ArticleDate:
    """Date the story told in ``lead`` (title and first paragraphs).

    With a publication date, the first mention that can be resolved wins, in reading
    order: an explicit date within :data:`EXPLICIT_WINDOW` of the publication date, a
    weekday, or "yesterday"/"today"; with none, the publication date stands in
    (method ``published``). Without one, see :func:`_undated_date`.
    """
    mentions = find_mentions(lead, lang)
    if published is None:
        return _undated_date(lead, lang, mentions)
    for i, mention in enumerate(mentions):
        following = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            mention.kind == "weekday"
            and following is not None
            and following.kind == "explicit"
            and following.start - mention.end <= 3
        ):
            continue  # "Senin (4/2/2025)", "Thursday, April 17": the date says it all
        if mention.kind == "explicit":
            y, mo, d = mention.value
            year = y or published.year
            day = dt.date(year, mo, d) if _valid(year, mo, d) else None
            if day and not y and day > published + dt.timedelta(days=7):
                day = dt.date(year - 1, mo, d) if _valid(year - 1, mo, d) else None
            if day and abs(day - published) <= EXPLICIT_WINDOW:
                return ArticleDate(day, "explicit", day.weekday())
        elif mention.kind == "weekday":
            day = _resolve_weekday(mention.value, published)
            return ArticleDate(day, "relative-weekday", day.weekday())
        elif mention.kind == "relative":
            day = published + dt.timedelta(days=mention.value)
            return ArticleDate(day, "relative-day", day.weekday())
    return ArticleDate(published, "published", published.weekday())


def _undated_date(lead: str, lang: str | None, mentions: list[Mention]) -> ArticleDate:
    """Date the story of an article without a publication date.

    Such an article names its own day only where a date stamp stands: in its
    opening (headline, dateline, first sentence: ``WASHINGTON, April 17, 2025``,
    ``Jan 05, 2011``) or with its weekday (``Kamis, 17 April 2025``, ``Senin
    (4/2/2025)``). A full date elsewhere, or one older than any year the lead names
    (``born 20 February 1951`` in a story that mentions 2005), is background: a
    birth, an anniversary, history. So the first full date that

    * has a year in :data:`STORY_YEARS` (1900-2099), none older than the latest
      year the lead names (background is older than the story);
    * stands in the opening or with a weekday;
    * shares no sentence with an expression of a past a week or more back (CLDR's
      ``{0} years ago``, ``last year``, ``{0} tahun yang lalu``, ``bulan lalu``):
      ``vanished ten years ago, on 1 February 1995`` is an anniversary;
    * written without a weekday, falls on a weekday the lead names when it names
      any (``on Tuesday`` beside a Thursday stamp: the story is not the stamp's day;
      a weekday written with the date vouches for it even when the two disagree,
      as one of them is then a typo)

    dates the story (method ``explicit``). Otherwise the article has no day: the
    first weekday not written with a date is kept unresolved (method ``weekday``),
    else the first day and month written without a year (``month-day``).
    """
    years = _years_named(lead, lang)
    years += [m.value[0] for m in mentions if m.kind == "explicit" and m.value[0] in STORY_YEARS]
    latest = max(years, default=0)
    opening = _opening_end(lead)
    past = _past_pattern(lang)
    written_with = {
        i - 1 for i, m in enumerate(mentions) if m.kind == "explicit" and _attached_weekday(mentions, i) is not None
    }
    loose = [m.value for i, m in enumerate(mentions) if m.kind == "weekday" and i not in written_with]
    unresolved_weekday = loose[0] if loose else None
    month_day: tuple[int, int] | None = None
    for i, mention in enumerate(mentions):
        if mention.kind == "explicit":
            y, mo, d = mention.value
            if not y:
                month_day = month_day or (mo, d)
                continue
            if y not in STORY_YEARS or y < latest:
                continue
            day = dt.date(y, mo, d)
            weekday = _attached_weekday(mentions, i)
            if weekday is None and (mention.start >= opening or (loose and day.weekday() not in loose)):
                continue
            if past is not None and past.search(lead, *_sentence(lead, mention.start)):
                continue  # "vanished ten years ago, on 1 February 1995"
            return ArticleDate(day, "explicit", day.weekday())
    if unresolved_weekday is not None or month_day is not None:
        return ArticleDate(None, "weekday" if unresolved_weekday is not None else "month-day",
                           unresolved_weekday, month_day)
    return ArticleDate()
