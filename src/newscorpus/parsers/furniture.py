"""Recognising the furniture of a news text: header lines, datelines, bylines,
credits and bare URLs, in English, Indonesian and Malay.

These functions only *recognise*; the parsers decide what to lift into metadata.
Every pattern is anchored and bounded so that an ordinary sentence is not mistaken
for furniture: a byline is a short line of capitalised names after a credit word,
a dateline needs a dash or colon after a place in capitals or an agency in
parentheses, and so on. ``docs/parsing.md`` lists the forms each one accepts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import attrs

from ..models import Credit, Dateline, Timestamp
from ..outlets import agency_name, outlet_from_token

__all__ = [
    "HeaderField",
    "decode_text",
    "match_byline",
    "match_dateline",
    "match_header",
    "match_url_line",
    "parse_timestamp",
]

# -- decoding -------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode a text document, refusing what is not text.

    Raises:
        DocumentError: ``empty`` (no non-blank character), ``binary`` (NUL bytes or
            mostly control characters) or ``invalid-utf8`` (with the byte offset).
    """
    from ..errors import DocumentError

    if not data.strip():
        raise DocumentError("empty", "the document holds no text")
    head = data[:8192]
    if b"\x00" in head:
        raise DocumentError("binary", f"NUL byte at offset {head.index(0)}: not a text file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            "invalid-utf8",
            f"invalid UTF-8 at byte {exc.start} ({data[exc.start:exc.start + 4]!r}); "
            "newscorpus reads UTF-8 text only",
        ) from None
    sample = text[:4096]
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > len(sample) // 10:
        raise DocumentError("binary", f"{controls} control characters in the first {len(sample)}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- dates ----------------------------------------------------------------------------

_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_timestamp(value: str, signal: str) -> Timestamp | None:
    """Parse an ISO 8601 date/datetime or an RFC 2822 date; ``None`` if neither."""
    value = value.strip()
    m = _ISO.fullmatch(value)
    try:
        if m:
            if not m["time"]:
                return Timestamp(dt.date.fromisoformat(m["date"]), "day", signal)
            tz = m["tz"] or ""
            if tz == "Z":
                tz = "+00:00"
            elif tz and ":" not in tz:
                tz = tz[:3] + ":" + tz[3:]
            when = dt.datetime.fromisoformat(f"{m['date']}T{m['time']}{tz}")
            return Timestamp(when, "second" if m["time"].count(":") == 2 else "minute", signal)
        from email.utils import parsedate_to_datetime

        return Timestamp(parsedate_to_datetime(value), "second", signal)
    except (ValueError, TypeError, IndexError):
        return None


# -- header lines -----------------------------------------------------------------------


@attrs.frozen
class HeaderField:
    """A ``key value`` header line at the top of a text file.

    Attributes:
        key: Normalised key: ``published``, ``title``, ``url``, ``source``,
            ``authors``, ``language``.
        value: The value as written.
        prefix: The header text itself (without any title glued after a date).
        rest: Text glued after the value on the same line (a title after a date).
    """

    key: str
    value: str
    prefix: str
    rest: str = ""


_HEADER_KEYS = {
    "date": "published", "published": "published", "tanggal": "published", "tarikh": "published",
    "title": "title", "judul": "title", "tajuk": "title", "headline": "title",
    "url": "url", "link": "url", "source": "source", "sumber": "source",
    "author": "authors", "authors": "authors", "penulis": "authors",
    "language": "language", "lang": "language", "bahasa": "language",
}
_DATE_HEADER = re.compile(
    r"^\s*(?P<key>date|published|tanggal|tarikh)\s*[:=]?\s*(?P<value>" + _ISO.pattern + r")(?=\s|$)\s*(?P<rest>.*)$",
    re.I,
)
_KEY_HEADER = re.compile(r"^\s*(?P<key>[A-Za-z]{3,9})\s*:\s*(?P<value>\S.{0,500})$")


def match_header(line: str) -> HeaderField | None:
    """Recognise a header line: ``date 2025-04-17 Title...`` or ``url: https://...``."""
    m = _DATE_HEADER.match(line)
    if m:
        prefix = line[: m.start("rest")].strip()
        return HeaderField("published", m["value"], prefix, m["rest"].strip())
    m = _KEY_HEADER.match(line)
    if m and m["key"].lower() in _HEADER_KEYS and m["key"].lower() not in ("date", "published", "tanggal"):
        key = _HEADER_KEYS[m["key"].lower()]
        value = m["value"].strip()
        if key == "url" and not re.match(r"https?://\S+$", value):
            return None
        if key == "language" and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", value):
            return None
        return HeaderField(key, value, line.strip())
    return None


# -- URLs -------------------------------------------------------------------------------

_URL_LINE = re.compile(r"^\s*<?(?P<url>(?:https?://|www\.)[^\s<>\"]+?)>?[\s.]*$", re.I)


def match_url_line(line: str) -> str | None:
    """The URL when ``line`` is nothing but a URL."""
    m = _URL_LINE.match(line)
    if not m:
        return None
    url = m["url"]
    return url if url.lower().startswith("http") else "https://" + url


# -- datelines ---------------------------------------------------------------------------

_DASH = r"(?:\s*[-–—]{1,2}\s*|\s*:\s+)"
_UPPER_PLACE = r"[A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,3}"
_TITLE_PLACE = r"[A-Z][a-zà-ÿ'’\-]+(?:\s[A-Z][a-zà-ÿ'’\-]+){0,2}"
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9\-]*\.(?:com|co\.id|id|net|org|tv|my|com\.my|co\.uk|news|co)(?![\w.])"
_MONTH_DAY = r"[A-Z][a-z]{2,8}\.?\s\d{1,2}"
_WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad", "isnin", "khamis",
}

_DATELINES = [
    # MOSCOW (Reuters) -   |  LONDON, April 3 (Reuters) -   |  Jakarta (ANTARA) -
    re.compile(
        rf"^(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE})(?:,\s*(?P<date>{_MONTH_DAY}))?"
        rf"\s*\((?P<source>[A-Za-z][\w.&' \-]{{1,30}})\){_DASH}(?=\S)"
    ),
    # (Reuters) -
    re.compile(rf"^\((?P<source>[A-Za-z][\w.&' \-]{{1,30}})\){_DASH}(?=\S)"),
    # JAKARTA, KOMPAS.com -   |  Jakarta, Tribunnews.com -
    re.compile(rf"^(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE}),\s*(?P<source>{_DOMAIN}){_DASH}(?=\S)", re.I),
    # TRIBUNNEWS.COM -   |  Liputan6.com, Jakarta -
    re.compile(rf"^(?P<source>{_DOMAIN})(?:,\s*(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE}))?{_DASH}(?=\S)", re.I),
    # Moskow, Suarathailand- Menteri ...  (place, outlet name, dash)
    re.compile(
        rf"^(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE}),\s*(?P<source>[A-Z][\w.]{{2,30}})\s*[-–—]{{1,2}}\s+(?=[A-Z\"“‘'])"
    ),
    # JAKARTA - ...   |  KUALA LUMPUR: ...  (place in capitals alone)
    re.compile(rf"^(?P<place>[A-Z][A-Z'’.\-]{{2,}}(?:\s[A-Z][A-Z'’.\-]+){{0,3}}){_DASH}(?=\S)"),
]


def match_dateline(paragraph: str) -> Dateline | None:
    """Recognise a dateline at the start of ``paragraph``."""
    for i, pattern in enumerate(_DATELINES):
        m = pattern.match(paragraph)
        if not m:
            continue
        groups = m.groupdict()
        place, source = groups.get("place"), groups.get("source")
        if (place and place.lower() in _WEEKDAYS) or (source and source.lower() in _WEEKDAYS):
            continue
        if i in (0, 1) and source:
            # "Apple (AAPL) - shares rose": a title-case word in parentheses is only a
            # dateline when the parenthesis names an agency or an outlet's domain.
            known = agency_name(source) or re.fullmatch(_DOMAIN, source, re.I)
            if not known and not (place and place.isupper()):
                continue
        if i == 5 and len(place or "") < 3:
            continue
        return Dateline(
            text=m.group(0).strip(),
            place=place.strip() if place else None,
            source=outlet_from_token(source) if source else None,
            date=groups.get("date"),
        )
    return None


# -- bylines and credits --------------------------------------------------------------------

_ROLE_WORDS: list[tuple[str, str]] = [
    (r"additional reporting by", "reporter"),
    (
        r"reporting by|reported by|laporan wartawan(?:\s+[\w.]+)?|laporan|pewarta|wartawan|reporter"
        r"|koresponden|correspondent",
        "reporter",
    ),
    (r"writing by|written by|ditulis oleh|penulis|oleh|by|text", "author"),
    (r"editing by|edited by|disunting oleh|penyunting|editor|redaktur|sub-?editor", "editor"),
    (r"photos? by|foto|fotografer|photographer|gambar", "photographer"),
    (r"translated by|diterjemahkan oleh|penerjemah|translator|alih bahasa", "translator"),
    (r"compiled by|dihimpun oleh", "contributor"),
    (r"sumber|source", "agency"),
]
_ROLE_RE = re.compile(
    r"^(?P<word>" + "|".join(w for w, _ in _ROLE_WORDS) + r")\s*[:\-–]?\s+(?P<names>\S.*)$", re.I
)
_NAME_TOKEN = re.compile(
    r"^(?:[A-Z][\w'’.\-]*|bin|binti|bte|al|al-[A-Z][\w'’\-]*|el|van|von|der|de|da|di|la|le|du|dos|ibn|abu)$"
)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\band\b|\bdan\b|\bserta\b)\s*")
_OUTLET_CREDIT = re.compile(rf"^\(\s*(?P<outlet>{_DOMAIN}|[A-Z][\w.]{{1,25}})\s*/\s*(?P<names>[^()]{{2,120}})\)$", re.I)
_INITIALS_CREDIT = re.compile(r"^\((?P<codes>[a-z*]{1,6}(?:\s*/\s*[a-z*]{1,6}){1,4})\)$")
_WIRE_CREDIT = re.compile(
    r"^\((?P<body>(?:additional reporting|reporting|writing|editing|compiled|reporting and writing)\s+by\s.+)\)$",
    re.I,
)


def _names(text: str) -> list[str] | None:
    text = text.strip().strip(".").strip()
    parts = [p.strip() for p in _SPLIT_NAMES.split(text) if p.strip()]
    if not parts or len(parts) > 8:
        return None
    for part in parts:
        tokens = part.split()
        if not 1 <= len(tokens) <= 6 or not all(_NAME_TOKEN.match(t) for t in tokens):
            return None
        if tokens[0].lower() in _WEEKDAYS or not tokens[0][:1].isupper():
            return None
    return parts


def _role(word: str) -> str:
    word = word.lower()
    for pattern, role in _ROLE_WORDS:
        if re.fullmatch(pattern, word):
            return role
    return "author"


def _credits_from(names: list[str], role: str, line: str) -> list[Credit]:
    out = []
    for name in names:
        agency = agency_name(name)
        out.append(Credit(agency or name, "agency" if agency else role, line))
    return out


def match_byline(line: str) -> tuple[list[Credit], str | None] | None:
    """Recognise a byline or credit line.

    Returns the credits it names and the outlet it names (for ``(Outlet/Name)``
    credits), or ``None`` when the line is not a credit line. Handles ``By X and
    Y``, ``Oleh: X``, ``Editor: X | Penulis: Y``, ``(Reporting by X; Editing by Y)``,
    ``(Tribunnews.com/Name)`` and ``(ant/xyz)`` initials.
    """
    line = line.strip()
    if len(line) > 200 or len(line.split()) > 24:
        return None
    m = _OUTLET_CREDIT.match(line)
    if m:
        names = _names(m["names"])
        if names is not None:
            return _credits_from(names, "author", line), outlet_from_token(m["outlet"])
    m = _INITIALS_CREDIT.match(line)
    if m:
        return [Credit(c.strip(), "initials", line) for c in m["codes"].split("/")], None
    m = _WIRE_CREDIT.match(line)
    inner = m["body"] if m else line
    credits: list[Credit] = []
    for part in re.split(r"\s*[|;]\s*", inner):
        pm = _ROLE_RE.match(part)
        if not pm:
            return None
        names = _names(pm["names"])
        if names is None:
            return None
        credits += _credits_from(names, _role(pm["word"]), line)
    return (credits, None) if credits else None
