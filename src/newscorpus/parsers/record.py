"""The built-in parser for structured records (JSONL lines, CSV or Parquet rows)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import DocumentError
from ..models import Article, Credit, Flag, Timestamp
from ..options import option
from ..readers.base import Limits, RawDocument
from ..readers.jsonl import RECORD_MEDIA_TYPE
from ..workdir import json_safe
from .base import Parser
from .furniture import parse_timestamp
from .plaintext import analyse_paragraphs, build_article, split_paragraphs

__all__ = ["DATE_LANGUAGES", "DEFAULT_FIELDS", "RecordParser", "parse_record_date"]

#: Column names tried for each Article field when ``read.fields`` does not say
#: (covers newscorpus's own export, news-please and common dataset dumps).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "subtitle": ("subtitle", "description", "lede", "standfirst", "summary"),
    "body": ("body", "text", "maintext", "content", "article", "story"),
    "published": ("published", "date_publish", "published_at", "pubdate", "date", "publish_date"),
    "modified": ("modified", "date_modify", "updated", "updated_at"),
    "url": ("url", "link", "href"),
    "source": ("source", "source_domain", "outlet", "site_name", "publisher"),
    "authors": ("authors", "author", "byline"),
    "language": ("language", "lang"),
    "id": ("id", "doc_id", "uuid"),
}


def _lookup(fields: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any]:
    """``(column, value)`` of the first of ``names`` present and non-empty."""
    for name in names:
        cur: Any = fields
        for part in name.split("."):  # dotted names reach into nested objects
            cur = cur.get(part) if isinstance(cur, Mapping) else None
        if cur not in (None, ""):
            return name, cur
    return names[0] if names else "", None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean"}.get(type(value), type(value).__name__)


def _wrong_type(field: str, column: str, value: Any, expected: str) -> DocumentError:
    return DocumentError("bad-field-type", f"column {column!r} (the {field}) holds {_kind(value)}, not {expected}; "
                         "map another column with read.fields")


def _missing(value: Any) -> bool:
    """``None``, or ``NaN``: how pandas (and the JSON it writes with
    ``allow_nan``) marks a missing value in a column."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scalar_text(value: Any, field: str, column: str) -> str:
    """A text field's value: strings as they are, numbers in decimal; an object,
    a list, a boolean or an infinity is refused (stringified it would read
    ``{'a': 1}`` or ``inf``). ``NaN`` is a missing value."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    raise _wrong_type(field, column, value, "text")


#: A list written out as text: a Python repr (``['a', 'b']``) or JSON (``["a", "b"]``),
#: what pandas writes for a list column in a CSV file.
_LIST_AS_TEXT = re.compile(r"""^\s*\[\s*(['"]).*(['"])\s*\]\s*$""", re.S)


def _body_text(value: Any, column: str) -> str:
    if isinstance(value, list):
        if not all(isinstance(p, str) for p in value):
            bad = next(p for p in value if not isinstance(p, str))
            raise DocumentError("bad-field-type", f"column {column!r} (the body) is a list holding {_kind(bad)}, "
                                "not paragraphs of text")
        return "\n".join(value)
    text = _scalar_text(value, "body", column)
    if text[:1] in ("[", " ", "\n") and _LIST_AS_TEXT.match(text):
        raise DocumentError("list-as-text", f"column {column!r} (the body) holds a list written as text "
                            f"({text[:40]!r}...): the dump stored a list column as its repr")
    return text


def _authors(value: Any, column: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in value.split(",") if a.strip()]
    if isinstance(value, list):
        names = []
        for item in value:
            name = item.get("name") if isinstance(item, Mapping) else item  # JSON Feed-style {"name": ...}
            if not isinstance(name, str):
                raise DocumentError("bad-field-type", f"column {column!r} (the authors) holds {_kind(item)} "
                                    "among its names")
            names.append(name)
        return names
    raise _wrong_type("authors", column, value, "a name or a list of names")


#: Languages whose month and weekday names :func:`parse_record_date` reads.
DATE_LANGUAGES = ("en", "id", "ms")
#: Longest date text handed to dateparser (a column holding a paragraph is not a date).
MAX_DATE_CHARS = 80
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
_HAS_SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*\d{2,4}\b")


@functools.cache
def _date_parser() -> Any:
    """One dateparser instance, built on first use (importing dateparser and
    loading its language data costs ~0.1 s, paid only by dumps with such dates)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(DATE_LANGUAGES), settings={
        # Absolute dates only: "yesterday" or "2 days ago" would depend on the day of the run.
        "PARSERS": ["custom-formats", "absolute-time"],
        # A date without its day ("Mei 2025") is not filled in from the day of the run.
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DATES_FROM": "past",
    })


@functools.lru_cache(maxsize=4096)
def _dateparser_value(value: str) -> dt.datetime | None:
    when: dt.datetime | None = _date_parser().get_date_data(value).date_obj
    if when is None:
        return None
    offset = when.utcoffset()
    # dateparser's own tzinfo classes become a plain fixed offset (WIB -> +07:00).
    return when.replace(tzinfo=dt.timezone(offset) if offset is not None else None)


def parse_record_date(value: str, signal: str = "field") -> Timestamp | None:
    """A record's date column as a :class:`Timestamp`, or ``None`` when it is not
    a whole, unambiguous, absolute date.

    ISO 8601 and RFC 2822 take a fast path (a few µs); anything else goes to
    dateparser with English, Indonesian and Malay month and weekday names
    ("Senin, 4 Februari 2025 10:00 WIB", "January 10, 2025", "3 Ogos 2024").
    Refused: relative dates ("kemarin", "2 days ago": they would change with the
    day of the run), dates missing their day or year, all-numeric dates whose day
    and month could be swapped (``03/04/2025``), and text over
    :data:`MAX_DATE_CHARS` characters.
    """
    fast = parse_timestamp(value, signal)
    if fast is not None:
        return fast
    value = " ".join(value.split())
    if not value or len(value) > MAX_DATE_CHARS or not any(c.isdigit() for c in value):
        return None
    m = _NUMERIC_DATE.match(value)
    if m and int(m[1]) <= 12 and int(m[2]) <= 12 and m[1] != m[2]:
        return None  # day and month could be either way round
    try:
        when = _dateparser_value(value)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None  # defensive: a date library refusing odd text must not cost the record
    if when is None:
        return None
    if _HAS_TIME.search(value):
        return Timestamp(when, "second" if _HAS_SECONDS.search(value) else "minute", signal)
    return Timestamp(when.date(), "day", signal)


def _timestamp(value: Any, signal: str, column: str = "") -> Timestamp | str | None:
    if _missing(value):
        return None
    if isinstance(value, Mapping) and "value" in value:  # newscorpus's own export
        try:
            return Timestamp(value["value"], value.get("precision", "day"), value.get("signal", signal))
        except (TypeError, ValueError) as exc:
            raise DocumentError("bad-field-type", f"column {column!r} holds a timestamp object that is not "
                                f"one: {exc}") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return Timestamp(dt.datetime.fromtimestamp(value, tz=dt.UTC), "second", signal)
        except (OverflowError, OSError, ValueError):
            return str(value)  # out of any calendar: kept as written, in extras.unparsed
    if not isinstance(value, str):
        raise _wrong_type("date", column, value, "a date")
    parsed = parse_record_date(value, signal)
    return parsed if parsed is not None else value


class RecordParser(Parser):
    """Builds Articles from structured records.

    Fields come from the columns named by ``read.fields`` (``body: maintext``),
    else from the first present of :data:`DEFAULT_FIELDS`. The body text then goes
    through the same analysis as plain text (datelines, bylines, trailing URL), with
    the title taken from its column. Columns not mapped are kept in
    ``extras["record"]`` so that nothing the record held is lost.

    Options:
        fields: Article field → column name (dotted names reach nested objects).
        keep_unmapped: Keep unmapped columns in extras (default ``true``).
    """

    name = "record"
    media_types = (RECORD_MEDIA_TYPE,)

    @attrs.frozen
    class Options:
        """Options of ``record`` (its ``fields`` come from ``read.fields``)."""

        keep_unmapped: bool = option(True, "Keep unmapped columns in `extras.record`.")

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or Limits()
        mapping: dict[str, str] = dict(options.get("fields") or {})
        unknown = set(mapping) - set(DEFAULT_FIELDS)
        if unknown:
            from ..errors import ConfigError

            raise ConfigError(
                f"unknown Article field(s) {sorted(unknown)}; mappable: {sorted(DEFAULT_FIELDS)}",
                key="read.fields",
            )
        self.columns = {k: ((mapping[k],) if k in mapping else v) for k, v in DEFAULT_FIELDS.items()}
        self.keep_unmapped = bool(options.get("keep_unmapped", True))

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        f = doc.fields
        # Each value is checked for its type: a title of {"a": 1} is refused with
        # the column named, never written as the text "{'a': 1}".
        values = {field: _lookup(f, names) for field, names in self.columns.items()}

        def text(field: str) -> str:
            column, value = values[field]
            return _scalar_text(value, field, column).strip()

        body_text = _body_text(values["body"][1], values["body"][0])
        title = text("title")
        if not body_text.strip() and not title:
            raise DocumentError("no-text", f"record has no body ({', '.join(self.columns['body'])}) and no title")
        subtitle = text("subtitle")
        record_id, language, url, source = text("id"), text("language"), text("url"), text("source")
        published = _timestamp(values["published"][1], "field", values["published"][0])
        modified = _timestamp(values["modified"][1], "field", values["modified"][0])
        authors_value = _authors(values["authors"][1], values["authors"][0])
        parsed = analyse_paragraphs(split_paragraphs(body_text, self.limits), has_title=False)
        if not title and not parsed.body and not parsed.subtitle:
            # A body of nothing but lifted lines (a bare URL, a byline, a date) and no
            # title: the article would be written with no text at all (found by fuzzing).
            raise DocumentError("no-text", f"record has no title and its body ({values['body'][0]}) holds only "
                                "lines lifted into other fields (a URL, a byline, a date)")
        published = published or parsed.published
        modified = modified or parsed.modified
        extras: dict[str, Any] = {}
        if parsed.unparsed:
            extras["unparsed"] = dict(parsed.unparsed)
        flags = []
        for key, value in (("published", published), ("modified", modified)):
            if isinstance(value, str):
                # Kept as written, and flagged so that report.json counts it.
                extras.setdefault("unparsed", {})[key] = value
                flags.append(Flag("unparsed_date", self.name, f"the {key} column {values[key][0]!r} holds "
                                  f"{value[:80]!r}, not a date newscorpus reads; kept in extras.unparsed.{key}"))
        credits = [Credit(a, "author") for a in authors_value] + parsed.credits
        authors = tuple(dict.fromkeys(authors_value + list(parsed.authors)))
        used = {c for names in self.columns.values() for c in names}
        if self.keep_unmapped:
            rest = {k: v for k, v in f.items() if k not in used}
            if rest:
                # NaN (pandas' missing value) and the like become null here, flagged as
                # the writer would flag them, so the article reads back as it was built.
                kept, replaced = json_safe(json.loads(json.dumps(rest, default=str)))
                extras["record"] = kept
                if replaced:
                    flags.append(Flag("sanitised_json", self.name, "values JSON cannot hold were replaced in "
                                      "extras.record: " + ", ".join(f"{k} x{v}" for k, v in sorted(replaced.items()))))
        if record_id:
            extras["source_id"] = record_id
        return build_article(
            parsed, doc, article_id, self.name,
            title=title,
            subtitle=subtitle or parsed.subtitle,
            language=language.lower() if language else None,
            published=published if isinstance(published, Timestamp) else None,
            modified=modified if isinstance(modified, Timestamp) else None,
            source=source or parsed.source,
            authors=authors,
            credits=tuple(credits),
            url=url or parsed.url,
            extras=extras,
            flags=tuple(flags),
            provenance={
                "url": url or None,
                "fetched": None,
                # The raw line when the reader kept it (JSONL); else the record's canonical JSON.
                "sha1": hashlib.sha1(
                    doc.data if doc.data is not None else json.dumps(f, sort_keys=True, default=str).encode()
                ).hexdigest(),
            },
        )
