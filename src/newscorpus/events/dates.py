"""When did it happen? Date mentions in news text, resolved against the publication date.

News rarely dates the happening explicitly: it says "on Thursday", "pada hari Kamis",
"yesterday", or "Senin (4/2/2025)". :func:`find_mentions` finds such mentions in the
lead of an article, in the article's language, using CLDR weekday and month names
(Babel) and the language's short date pattern to read ``4/2/2025`` as day/month or
month/day. :func:`article_date` picks the mention that dates the story and resolves it
against the publication date when there is one.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import re
from typing import Any

import attrs
from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format

__all__ = ["STORY_LOOKBACK", "ArticleDate", "DateVocabulary", "Mention", "article_date", "find_mentions", "vocabulary"]

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


# What follows a four-digit clock time ("14 March 1400 GMT", "12 Maret 0930 WIB",
# "March 14, 2130 local time"): a time-zone abbreviation (capitals ending in T, or
# UTC/WIB/WITA/Z), an offset, or an hours word. The zone part is case-sensitive:
# "at" after a year is a word, "AT" is not a zone either (no capital run before T).
_CLOCK_ZONE = re.compile(r"\s*(?:[A-Z]{1,4}T\b|UTC\b|WIB\b|WITA\b|Z\b|[+-]\d{2}:?\d{2}\b)")
_CLOCK_WORD = re.compile(r"\s*(?:hrs?|hours|h|local|waktu|jam)\b", re.IGNORECASE)


def _clock_not_year(text: str, start: int, end: int) -> bool:
    """Whether the four digits ``text[start:end]`` after a day and month are a clock
    time, not a year: a valid ``HHMM`` followed by a time zone or an hours word, or
    any four digits with a leading zero (``0930``), which no year is written as."""
    digits = text[start:end]
    if digits.startswith("0"):
        return True
    if int(digits[:2]) > 23 or int(digits[2:]) > 59:
        return False
    return bool(_CLOCK_ZONE.match(text, end) or _CLOCK_WORD.match(text, end))


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
            y = int(g["dmy"]) if g["dmy"] and not _clock_not_year(text, m.start("dmy"), m.end("dmy")) else 0
            if _valid(y, mo, d):
                out.append(Mention("explicit", (y, mo, d), m.start(), m.end()))
        elif g["md"]:
            d, mo = int(g["mdd"]), voc.months[_lower(g["mdm"])]
            y = int(g["mdy"]) if g["mdy"] and not _clock_not_year(text, m.start("mdy"), m.end("mdy")) else 0
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


def _lead_year(lead: str) -> int | None:
    # The year the lead names most (latest on a tie): "the 2008 Oscars".
    years = collections.Counter(int(m[1]) for m in _YEAR.finditer(lead) if not _clock_not_year(lead, *m.span(1)))
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0] if years else None


def article_date(lead: str, lang: str | None, published: dt.date | None) -> ArticleDate:
    """Date the story told in ``lead`` (see :func:`_article_date`), with its year."""
    found = _article_date(lead, lang, published)
    year = found.day.year if found.day is not None else _lead_year(lead)
    return attrs.evolve(found, year=year)


def _article_date(lead: str, lang: str | None, published: dt.date | None) -> ArticleDate:
    """Date the story told in ``lead`` (title and first paragraphs).

    The first mention that can be resolved wins, in reading order: an explicit date
    near the publication date (or any full date when there is none), a weekday, or
    "yesterday"/"today". A weekday that cannot be resolved is kept as a weekday; with
    no mention the publication date stands in (method ``published``).
    """
    unresolved_weekday: int | None = None
    month_day: tuple[int, int] | None = None
    mentions = find_mentions(lead, lang)
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
            if published is not None:
                year = y or published.year
                day = dt.date(year, mo, d) if _valid(year, mo, d) else None
                if day and not y and day > published + dt.timedelta(days=7):
                    day = dt.date(year - 1, mo, d) if _valid(year - 1, mo, d) else None
                if day and abs(day - published) <= EXPLICIT_WINDOW:
                    return ArticleDate(day, "explicit", day.weekday())
            elif y:
                day = dt.date(y, mo, d)
                return ArticleDate(day, "explicit", day.weekday())
            elif month_day is None:
                month_day = (mo, d)
        elif mention.kind == "weekday":
            if published is not None:
                day = _resolve_weekday(mention.value, published)
                return ArticleDate(day, "relative-weekday", day.weekday())
            if unresolved_weekday is None:
                unresolved_weekday = mention.value
        elif mention.kind == "relative" and published is not None:
            day = published + dt.timedelta(days=mention.value)
            return ArticleDate(day, "relative-day", day.weekday())
    if published is not None:
        return ArticleDate(published, "published", published.weekday())
    if unresolved_weekday is not None or month_day is not None:
        return ArticleDate(None, "weekday" if unresolved_weekday is not None else "month-day",
                           unresolved_weekday, month_day)
    return ArticleDate()
