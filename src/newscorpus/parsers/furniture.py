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
import functools
import re
import unicodedata
from collections.abc import Iterable

import attrs

from ..models import Credit, Dateline, Timestamp
from ..outlets import agency_name, domain_of, outlet_from_domain, outlet_from_token

__all__ = [
    "DatedLine",
    "HeaderField",
    "credit_roles",
    "decode_text",
    "find_dateline",
    "match_byline",
    "match_dash_credit",
    "match_dated_line",
    "match_dateline",
    "match_header",
    "match_marked_credit",
    "match_picture_credit",
    "match_signature",
    "match_staff_credit",
    "match_standalone_dateline",
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
#: An outlet's host as news pages write it: any subdomains (``www.``, ``news.``), then a
#: registered name under a generic or a regional news suffix (``.co.id``, ``.com.sg``,
#: ``.go.id``). Bare two-letter suffixes that are also common words (``in``, ``is``) stay
#: out: ``sentence.In`` glued by scraping must not read as a domain.
_DOMAIN = (
    r"(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)*[A-Za-z0-9][A-Za-z0-9\-]*\."
    r"(?:(?:co|com|go|ac|or|gov|edu|net|org|sch|web|my)\.(?:id|my|uk|sg|au|in|ph|th|nz|za|jp)"
    r"|com|net|org|info|news|asia|tv|co|id|my|sg|ph)(?![\w.])"
)
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
    # JAKARTA, KOMPAS.com -   |  Jakarta, Tribunnews.com -  (only the domain is
    # case-blind: "Hai gaes, TRIBUNNEWS.COM -" names no place)
    re.compile(rf"^(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE}),\s*(?P<source>(?i:{_DOMAIN})){_DASH}(?=\S)"),
    # TRIBUNNEWS.COM -   |  Liputan6.com, Jakarta -
    re.compile(rf"^(?P<source>(?i:{_DOMAIN}))(?:,\s*(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE}))?{_DASH}(?=\S)"),
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


def match_standalone_dateline(paragraph: str) -> Dateline | None:
    """A paragraph that is a dateline and nothing else (``MANILA, Dec 4 (PWS) -``,
    ``JAKARTA, KOMPAS.com -``), as extraction leaves a dateline printed in an element
    of its own. Only the forms that name an agency or an outlet count: a place in
    capitals alone before a colon (``BREAKING NEWS:``, ``WATCH:``) is a label as often
    as a dateline, and a place and a word before a dash (``Halo, Sobat -``) is a
    greeting unless the place is in capitals or the word a known agency or domain."""
    if paragraph.rstrip()[-1:] not in ("-", "–", "—", ":"):
        return None  # the usual paragraph: tested before any copy of it is made
    text = " ".join(paragraph.split())
    if len(text) > 80:
        return None
    found = match_dateline(text + " X")  # the forms need the story's first letter after the dash
    if found is None or found.source is None or found.text != text:
        return None
    return found if _known_source(found) or (found.place is not None and found.place.isupper()) else None


def _known_source(found: Dateline) -> bool:
    """Whether a dateline names a known agency or an outlet's domain (``MOSCOW (Reuters)
    -``, ``JAKARTA, KOMPAS.com -``): the forms that are a dateline wherever they stand."""
    return found.source is not None and (
        agency_name(found.source) is not None or re.search(_DOMAIN, found.text, re.I) is not None
    )


#: A greeting or other short lead-in glued before a dateline ("Assalamu alaykum -
#: MOSCOW (Reuters) - ...") is at most this many words.
MAX_LEAD_IN_WORDS = 6
_LEAD_IN_END = re.compile(r"(?<=[-–—:,.!|])\s+|\s+(?=\S)")
#: Every dateline form ends in a dash or a colon, or names its agency in brackets.
_DATELINE_END = re.compile(r"\s[-–—]|[-–—]\s|:\s|\(")
_LEAD_IN_REACH = 160


def find_dateline(paragraph: str) -> tuple[int, Dateline] | None:
    """A dateline at the start of ``paragraph``, or after a short lead-in glued
    before it (a greeting: ``Salam sejahtera. KUALA LUMPUR: ...``), with its offset.

    After a lead-in, only the unambiguous forms count: an agency or an outlet's
    domain (``MOSCOW (Reuters) -``, ``JAKARTA, KOMPAS.com -``) after any word, or
    a place in capitals alone (``KUALA LUMPUR:``) after punctuation that ends the
    lead-in. ``The NATO - Russia council`` is not a dateline after ``The``. A paragraph
    that is a dateline and nothing else counts too (:func:`match_standalone_dateline`).
    """
    found = match_standalone_dateline(paragraph) or match_dateline(paragraph)
    if found is not None:
        return 0, found
    if _DATELINE_END.search(paragraph, 0, _LEAD_IN_REACH) is None:
        return None  # no dash, colon or parenthesis near the start: the usual case
    words, seen = 0, 0
    for m in _LEAD_IN_END.finditer(paragraph):
        words += 1
        if words > MAX_LEAD_IN_WORDS:
            break
        if any(c.isdigit() for c in paragraph[seen : m.start()]):
            break  # "In 2019, ..." starts a sentence, not a greeting
        seen = m.start()
        head = paragraph[m.end() : m.end() + 40].split(" ", 1)[0]
        if head[:1].islower() and "." not in head:
            continue  # a dateline opens with a capital, a bracket or a domain
        found = match_dateline(paragraph[m.end():])
        if found is None:
            continue
        story = paragraph[m.end() + len(found.text):].lstrip()
        if not story[:1].isupper() and not story[:1].isdigit() and story[:1] not in "\"“‘'":
            continue  # "semua pihak, KPK - dan juga polisi": a dash inside a sentence
        after_punctuation = paragraph[m.start() - 1] in "-–—:,.!|"
        capital_place = found.place is not None and found.place.isupper() and found.source is None
        if _known_source(found) or (after_punctuation and capital_place):
            return m.end(), found
    return None


# -- bylines and credits --------------------------------------------------------------------
#
# A credit line is parsed, not looked up: it must read *entirely* as
#
#     [(] SEGMENT (SEP SEGMENT)* [AGENCY-CODE] [)] [.]
#     SEGMENT := ROLE [MARKER] NAMES  |  ROLE (a role sharing the next segment's names)
#     NAMES   := NAME (("," | "and" | "dan" | "&" | "/") NAME)*
#     NAME    := capitalised tokens, particles (bin, binti, van, al-...), initials,
#                an outlet's domain, or an agency; optionally "in/di PLACE"
#
# where SEP is "|", ";", "•", a spaced "/", a comma or "and"/"dan" before a role
# word, or nothing before a role word with a colon. Role words come from
# ``credit_roles.yaml`` (en/id/ms), each with the normalised role its names get.
# A lower-case word that is not a name particle ends the parse: a sentence
# ("Reporting from Jakarta, the minister said ...") is never a list of names.

_WEEKDAYS_AND_MONTHS = _WEEKDAYS | {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "januari", "februari", "maret", "mac", "mei", "juni", "jun", "juli", "julai",
    "agustus", "ogos", "oktober", "desember", "disember", "today", "tomorrow", "yesterday",
}
#: Lower-case words allowed inside a name (never first): name particles and the
#: "of"/"for" of organisation names ("Ministry of Health").
_PARTICLES = frozenset({
    "bin", "binti", "bte", "bt", "b.", "bt.", "al", "el", "ibn", "bint", "abu", "van", "von", "der", "den",
    "de", "del", "della", "da", "di", "dos", "das", "du", "la", "le", "ter", "y", "e", "of", "for",
})
#: Lower-case words that may close a credited body's name ("Bulletin staff").
_ORG_TAIL = frozenset({
    "staff", "desk", "team", "archive", "archives", "office", "press", "handout", "file", "wires", "services",
    "reporters", "writers", "correspondents", "redaksi", "tim", "dok", "dok.", "agencies", "agency",
})
_SOCIAL_HANDLE = re.compile(r"@[A-Za-z0-9_][\w.]{1,29}")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_PREFIXED_NAME = re.compile(r"(?:al|el|ad|ar|as|ash|an|at)-[^\W\d_][\w'’\-]*", re.I)
_DOMAIN_RE = re.compile(_DOMAIN + r"$", re.I)
_LOCATED = re.compile(
    r"^(?P<name>.+?)\s+(?:in|at|from|di|dari)\s+(?P<place>[^\W\d_][\w'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*){0,3})$"
)
# The conjunctions in lower case or capitals: a capitalised "Dan" opens a name (Dan Brown).
_NAME_SEP = re.compile(r"\s*(?:,|/|&|\b(?:and|dan|serta|AND|DAN|SERTA)\b)\s*")
_MARKER = r"(?:\s*[:=]\s*|\s+[-–—]{1,2}\s+|\s*(?<=\w)[-–—]{1,2}\s+|\s+(?:by|oleh)\b\s*:?\s*)"
_PHOTO_SUFFIX = re.compile(r"\s+(?:photos?|foto|pictures?|images?)$", re.I)
_BULLET = re.compile(r"^[•·▪*]\s*")
_WITH = re.compile(r"^(?:and\s+)?with\s+(?:additional\s+)?(?=\w)", re.I)
_LEADING_DASHES = re.compile(r"^(?:[-–—]{1,2}\s*)+")
_TAIL_CODE = re.compile(r"\s*[(\[](?P<code>[^()\[\]]{1,40})[)\]]\s*\.?$")
_TAIL_DASH = re.compile(r"\s+[-–—]{1,2}\s*(?P<agency>[A-Za-z][\w.&' ]{1,30}?)\s*\.?$")
_AGENCY_LINE = re.compile(r"^[-–—]{1,2}\s*(?P<agency>[A-Za-z][\w.&' ]{1,30}?)\s*[-–—]{0,2}$")
_OUTLET_CREDIT = re.compile(rf"^\(\s*(?P<outlet>{_DOMAIN}|[A-Z][\w.]{{1,25}})\s*/\s*(?P<names>[^()]{{2,120}})\)$", re.I)
# Frames around a credit that name nobody. They generalise the grammar by structure
# (where a role word may stand), not by outlet phrasing:
# - a subject: "This article was written by X", "Artikel ini ditulis oleh X";
# - a title before the role word: job modifiers and the outlet or agency
#   ("Staff reporter: X", "Mercury reporter: X", "Star staff writer X ...");
# - a qualifier between the role word and its marker: an outlet or a source
#   language ("Laporan Seruan Johor: X", "Translated from the Japanese by X");
# - a contribution clause after the names ("X contributed reporting from Y",
#   "X contributed to this report", "X turut menyumbang laporan").
_SUBJECT_FRAME = re.compile(
    r"(?:(?:this|the)\s+(?:article|story|report|piece|feature|interview)\s+(?:was\s+|has\s+been\s+|is\s+)?"
    r"|(?:artikel|berita|tulisan|laporan|rencana|liputan)\s+ini\s+(?:telah\s+|sudah\s+|turut\s+)?)",
    re.I,
)
#: Lower-case words of a job title before a role word ("staff", "senior", "chief").
_ROLE_MODIFIERS = frozenset({
    "staff", "senior", "chief", "special", "contributing", "additional", "with", "our", "deputy", "associate",
    "managing", "executive", "assistant", "freelance", "guest", "wire", "news", "foreign", "political",
    "business", "sports", "regional", "local", "lead", "visiting", "investigative", "data", "photo",
    "kanan", "khas", "magang", "lepas", "tetap",
})
_CONTRIBUTED = re.compile(
    r"\s+(?:(?:contributed|contributes)(?:\s+(?:additional\s+)?(?P<en>reporting|research|writing)"
    r"|\s+to\s+this\s+(?:report|story|article))?"
    r"|(?:turut\s+)?(?:berkontribusi|menyumbang)(?:\s+(?P<idms>laporan|liputan)|\s+dalam\s+(?:laporan|berita)\s+ini)?)"
    r"(?:\s+(?:from|in|di|dari)\s+[^\W\d_][\w'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*){0,3}"
    r"(?:\s*(?:,|and|dan)\s*[^\W\d_][\w'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*){0,3})*)?\s*\.?$",
    re.I,
)
_QUALIFIER = re.compile(
    r"\s+(?:(?:from|dari)\s+(?:the\s+)?[^\W\d_][\w'’\-]*(?:\s+[^\W\d_][\w'’\-]*){0,2}"
    r"|(?P<outlet>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,2}))"
    rf"(?={_MARKER})"
)
#: Cheap gate before the frames are tried: a contribution verb anywhere (the
#: other frames are gated by a subject frame or a role word among the first words).
#: Substrings of the lower-cased line: a tenth of the cost of a case-blind regex.
_CONTRIBUTED_HINTS = ("contribut", "berkontribusi", "menyumbang")


def _contributed_hint(body: str) -> bool:
    low = body.lower()
    return any(h in low for h in _CONTRIBUTED_HINTS)


#: Most words of a credit line whose role word follows a title ("Staff reporter: X").
MAX_TITLED_WORDS = 20
#: Longest credit line considered (characters, words).
MAX_CREDIT_CHARS, MAX_CREDIT_WORDS = 240, 36


@attrs.frozen
class _RoleWords:
    """The role vocabulary of ``credit_roles.yaml``, compiled."""

    role_of: dict[str, str]  # normalised role word -> role
    bare: frozenset[str]  # role words that may take names with no marker
    start: re.Pattern[str]  # a role word at the start of a piece
    inner: re.Pattern[str]  # a role word with a colon inside a segment (a new segment)
    values: frozenset[str] = frozenset()  # lower-case words that may stand for names


@functools.cache
def _role_words() -> _RoleWords:
    from importlib import resources

    import yaml

    text = resources.files("newscorpus.parsers").joinpath("credit_roles.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    data = loaded["roles"]
    values = frozenset(str(v).lower() for v in loaded.get("values") or ())
    role_of: dict[str, str] = {}
    bare: set[str] = set()
    for role, kinds in data.items():
        for kind in ("bare", "marked"):
            for word in kinds.get(kind) or ():
                key = " ".join(str(word).lower().split())
                role_of[key] = str(role)
                if kind == "bare":
                    bare.add(key)
    def alternation(keys: Iterable[str]) -> str:
        return "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in sorted(keys, key=len, reverse=True))

    # "by" and "oleh" are also markers ("Disunting oleh: X"): they never open a
    # segment in the middle of a line.
    inner = alternation(k for k in role_of if k not in ("by", "oleh"))
    return _RoleWords(
        role_of,
        frozenset(bare),
        re.compile(rf"(?P<word>{alternation(role_of)})(?![\w'’])", re.I),
        re.compile(
            rf"(?<=[\w.)\]'’])\s+(?=(?:{inner})\s*:)"
            rf"|(?<=[\w)\]'’])(?:\.|\s+[-–—]{{1,2}})\s+(?=(?:{inner})(?:\s*:|\s+(?:by|oleh)\s))",
            re.I,
        ),
        values,
    )


def credit_roles() -> dict[str, str]:
    """Every role word of ``credit_roles.yaml`` (lower case) with its normalised role."""
    return dict(_role_words().role_of)


#: One piece of a bracketed desk or agency code: initials in lower case or capitals
#: (``ant``, ``RDK``, ``rachmi``), a numbered desk code (``T.L007``, ``S024``), or
#: ``*``. Title-case initials (``Ant``) count only beside another piece (``(Ant/Ags)``):
#: alone, ``(Jakarta)`` is a place, not a code.
_CODE_PIECE = re.compile(r"[a-z]{1,10}|[A-Z]{2,8}|[A-Za-z]{1,3}\.?[A-Za-z]?\d{2,4}|\*{1,3}")
_TITLE_CODE_PIECE = re.compile(r"[A-Z][a-z]{1,9}")
_CODE_SEP = re.compile(r"\s*[/,]\s*")
#: Words that stand alone in brackets at the end of a story without crediting
#: anyone: continuation and end markers, advertising labels. Never desk codes.
_NOT_CODES = frozenset({
    "end", "ends", "more", "adv", "ads", "advert", "advertorial", "sponsored", "iklan", "habis", "selesai",
    "tamat", "bersambung", "tammat", "update", "updated", "live", "video", "foto", "photo",
})


def _code_credits(code: str, line: str, *, alone: bool) -> list[Credit] | None:
    """Credits of a bracketed code: ``(ANTARA)``, ``(ant/xyz)``, ``(AFP/Reuters)``,
    ``(rachmi / sir)``, ``(T.L007/S024)``.

    ``alone``: the code is the whole line; then one capitalised desk code is not
    enough (``(ABC)`` could be an acronym), an agency, a lower-case code or two
    codes are."""
    pieces = [p for p in _CODE_SEP.split(code.strip()) if p]
    if not 1 <= len(pieces) <= 5:
        return None
    out = []
    for piece in pieces:
        agency = agency_name(piece)
        if agency:
            out.append(Credit(agency, "agency", line))
        elif _DOMAIN_RE.match(piece):
            out.append(Credit(outlet_from_token(piece), "source", line))
        elif piece.lower() in _NOT_CODES:
            return None
        elif _CODE_PIECE.fullmatch(piece) or (len(pieces) > 1 and _TITLE_CODE_PIECE.fullmatch(piece)):
            out.append(Credit(piece, "initials", line))
        else:
            return None
    if alone and len(out) == 1 and out[0].role == "initials" and not out[0].name.islower():
        return None  # "(ABC)" may be an acronym; "(abc)" alone is a desk code
    return out


def _split_name(piece: str) -> list[str] | None:
    """``piece`` as the tokens of one name, or ``None`` when it is not a name."""
    tokens = piece.split()
    if not 1 <= len(tokens) <= 7:
        return None
    capitalised = 0
    for k, token in enumerate(tokens):
        if token in _PARTICLES:
            if not 0 < k < len(tokens) - 1:
                return None  # a name neither opens nor ends with "bin" or "of"
            continue
        if _PREFIXED_NAME.fullmatch(token) or _DOMAIN_RE.match(token):
            capitalised += 1
            continue
        if _SOCIAL_HANDLE.fullmatch(token):
            capitalised += 1  # "Foto: Instagram/@nama_akun"
            continue
        if token.lower() in _role_words().values:
            capitalised += 1  # "Foto: dok. pribadi", "Gambar hiasan": no one named, still a credit
            continue
        if token in _ORG_TAIL and capitalised and all(t in _ORG_TAIL for t in tokens[k:]):
            break  # "Bulletin staff", "Metro Council press office", "Weekly archive"
        if not (token[:1].isupper() and _NAME_WORD.fullmatch(token)):
            return None
        if token.endswith(".") and len(token) > 4:
            return None  # "Santoso." ends a sentence; "Jr." and "Hj." are name parts
        capitalised += 1
    if capitalised == 0 or capitalised > 5:
        return None
    first = tokens[0].lower().strip(".,")
    if first in _WEEKDAYS or (len(tokens) == 1 and first in _WEEKDAYS_AND_MONTHS):
        return None  # "By Thursday", "By March"; but "By June Carter", "Oleh Mei Tan"
    return tokens


#: Role words of ``credit_roles.yaml`` that name a person (agent nouns), as
#: opposed to the work ("Photo", "Images", "Video"), which agency names end with
#: ("Getty Images").
_AGENT_ROLES = frozenset({
    "author", "contributor", "correspondent", "editor", "journalist", "photographer", "reporter", "writer",
    "illustrator", "translator", "videographer", "subeditor", "sub-editor", "photojournalist", "videojournalist",
    "jurnalis", "koresponden", "fotografer", "jurufoto", "jurukamera", "kamerawan", "kontributor", "pewarta",
    "penulis", "penyunting", "redaktur", "ilustrator", "penerjemah", "penterjemah", "wartawan", "wartawati",
    "peliput", "pemberita", "penyelaras", "penyelia",
})


def _title_head(tokens: list[str]) -> str:
    """The head (last word) of a job title, lower case, singular: ``correspondent``
    of ``Political Correspondents``."""
    return tokens[-1].lower().rstrip(".").removesuffix("s")


def _job_title(tokens: list[str]) -> bool:
    """Whether a capitalised name-list piece is a job title: its head (last word)
    is an agent noun of the role lexicon (``Political Correspondent``, ``Senior
    Editor``, ``Wartawan``), which no personal name ends with."""
    return len(tokens) <= 4 and _title_head(tokens) in _AGENT_ROLES


def _titled_name(part: str, line: str) -> tuple[list[Credit], list[str]] | None:
    """A name behind its job title (``Associated Press writer Sheikh Saaliq``,
    ``wartawan senior Ahmad Fauzi``): the credits of the outlet the title names and
    the name's tokens. The title is job modifiers and capitalised words before an
    agent noun of the role lexicon, in lower case (a capitalised one would make
    the whole a title-case name: ``Senior Writer``)."""
    tokens = part.split()
    for k in range(0, min(4, len(tokens) - 1)):
        head = tokens[k].removesuffix("s")
        if head not in _AGENT_ROLES:
            continue
        name = _split_name(" ".join(tokens[k + 1:]))
        if name is None:
            return None
        outlet: list[str] = []
        for token in tokens[:k]:
            if token.lower() in _ROLE_MODIFIERS:
                continue
            if not (token[:1].isupper() and _NAME_WORD.fullmatch(token)) and not _DOMAIN_RE.match(token):
                return None
            outlet.append(token)
        return ([_outlet_credit(" ".join(outlet), line)] if outlet else []), name
    return None


#: A name written in lower case as one word: an outlet's short name or a desk's
#: initials (``detikcom``, ``kompas``, ``ard``). Taken only after a colon marker
#: (``Sumber: detikcom``, ``Editor: ard``): there a lower-case word cannot be the
#: start of a sentence.
_LOWER_NAME = re.compile(r"[a-z][a-z0-9]{1,19}")
_URL_NAME = re.compile(r"(?:https?://|www\.)\S{3,200}", re.I)
_NOT_NAMES = _NOT_CODES | _WEEKDAYS_AND_MONTHS | {"none", "unknown", "tidak", "tiada", "belum", "anonim", "anonymous"}


#: A name with something in brackets after it: its outlet or its own role.
_PAREN_TAIL = re.compile(r"(?P<name>[^()]+?)\s*\((?P<inner>[^()]{2,40})\)")
#: A station's or outlet's code in capitals (``KXRT``, ``PWS``, ``TVRI``).
_OUTLET_CODE = re.compile(r"[A-Z][A-Z0-9]{1,7}")


#: A description closing a name in brackets: lower-case words with a space, no code
#: separator ("(warga Ende, NTT)", "(a student in Leeds)"; not "(ant/xyz)").
_DESCRIBED = re.compile(r"(?<=\w)\s*\((?=[a-z])[^()/]*\s[^()/]*\)$")


#: What a source line may name besides people and outlets: a document or an event
#: in a few words ("Sumber: konferensi pers PSSI", "Source: press release") ...
_SOURCE_DESCRIPTION = re.compile(r"[^\W\d_][\w'’&@.-]*(?:\s+[\w'’&@./()-]+){0,5}")
#: ... naming a kind of source document, event or channel (a class of nouns, en/id/ms) ...
_SOURCE_KINDS = frozenset({
    "press", "release", "releases", "statement", "statements", "conference", "briefing", "interview",
    "interviews", "website", "site", "report", "reports", "data", "document", "documents", "records",
    "account", "siaran", "pers", "rilis", "kenyataan", "konferensi", "keterangan", "wawancara", "temu",
    "bual", "laman", "situs", "akun", "dokumen", "laporan", "diolah", "olahan", "processed", "berbagai",
    "pelbagai", "various", "agencies", "agensi",
})  # fmt: skip
#: ... as a noun phrase: a finite verb (Indonesian and Malay meN- verbs, common English
#: ones) makes it a sentence of the story ("Sumber: BPS mencatat inflasi naik").
_DESCRIPTION_VERB = re.compile(
    r"\b(?:me[mnr][a-z]{3,}|meng[a-z]{2,}|meny[a-z]{2,}|is|are|was|were|has|have|had|will|said|says|shows?|showed)\b",
    re.I,
)


def _name_credits(text: str, roles: list[str], line: str, *, colon: bool = False) -> list[Credit] | None:
    """Credits for the NAMES part of a segment, each with every role in ``roles``.

    ``colon``: the names follow a colon marker; then a lower-case one-word name
    (``_LOWER_NAME``) stands for an outlet or a desk code, and a source role's
    value that names no one may describe its source in a few words
    (``Sumber: kenyataan media hospital``)."""
    found = _names_of(text, roles, line, colon=colon)
    if found is None and colon and set(roles) == {"source"}:
        described = text.strip().rstrip(".,;").strip()
        if (
            _SOURCE_DESCRIPTION.fullmatch(described)
            and _DESCRIPTION_VERB.search(described) is None
            and not _SOURCE_KINDS.isdisjoint(described.casefold().split())
        ):
            return [Credit(described, "source", line)]
    return found


def _names_of(text: str, roles: list[str], line: str, *, colon: bool = False) -> list[Credit] | None:
    text = text.strip().rstrip(".,;").strip()
    if not text:
        return None
    if colon and _URL_NAME.fullmatch(text):
        # "Sumber gambar: http://id.wikihow.com/": the site the work came from.
        domain = domain_of(text)
        return None if domain is None else [Credit(outlet_from_domain(domain), "source", line)]
    parts = [p for p in _NAME_SEP.split(text) if p.strip()]
    if not parts or len(parts) > 10:
        return None
    out: list[Credit] = []
    for part in parts:
        part = part.strip()
        part_roles = roles
        paren = _PAREN_TAIL.fullmatch(part)
        if paren is not None:
            # "Jessica Ramirez (KXRT)": the outlet or agency after a name; "Marcus Webb
            # (Photojournalist)": that name's own role. Anything else in brackets: no credit.
            inner = paren["inner"].strip()
            role_of, inner_tokens = _role_words().role_of, inner.split()
            own = role_of.get(inner.lower()) or (
                role_of.get(_title_head(inner_tokens), "author") if _job_title(inner_tokens) else None
            )
            if own is not None:
                part_roles = [own]
            elif agency_name(inner) or _OUTLET_CODE.fullmatch(inner) or _DOMAIN_RE.match(inner):
                out.append(_outlet_credit(inner, line))
            else:
                return None
            part = paren["name"].strip()
        located = _LOCATED.match(part)
        if located and _split_name(located["place"]) is not None:
            part = located["name"]
        tokens = _split_name(part)
        if tokens is None and colon and _LOWER_NAME.fullmatch(part) and part not in _NOT_NAMES:
            tokens = [part]
        if tokens is None:
            titled = _titled_name(part, line)
            if titled is None:
                return None
            title_credits, tokens = titled
            out += title_credits
        if out and _job_title(tokens):
            continue  # "By Jane Smith, Political Correspondent": her title, not a second name
        if len(tokens) > 1 and _DOMAIN_RE.match(tokens[0]):
            # "Laporan wartawan Tribunnews.com Nama Orang": the outlet, then the person.
            out.append(Credit(outlet_from_token(tokens[0]), "source", line))
            tokens = tokens[1:]
            if _split_name(" ".join(tokens)) is None:
                return None
        name = " ".join(tokens)
        agency = agency_name(name) or agency_name(_PHOTO_SUFFIX.sub("", name))
        if agency:
            out.append(Credit(agency, "agency", line))
        elif len(tokens) == 1 and _DOMAIN_RE.match(name):
            out.append(Credit(outlet_from_token(name), "source", line))
        else:
            out += [Credit(name, role, line) for role in part_roles]
    return out


def _segments_credits(body: str, line: str) -> list[Credit] | None:
    """Credits of ``body`` read as ROLE [MARKER] NAMES segments, or ``None``."""
    words = _role_words()
    pieces: list[str] = []
    # A role word of several words ("Sumber video: X") is not split before its
    # last word ("video:"), which is a role word of its own.
    head = words.start.match(body)
    cut = head.end() if head is not None else 0
    for segment in re.split(r"\s*(?:\||;|•|·|\s/\s)\s*", body[:cut] + words.inner.sub(" | ", body[cut:])):
        if not segment.strip():
            return None  # "Editor: X ||" or a dangling separator: not a clean list
        # Names and roles share the separators "," "and" "&": split on all of them,
        # and let a piece that opens with a role word start the next segment.
        # A URL's slashes are not name separators ("Sumber gambar: http://x.com/").
        split = _has_role(segment) and "://" not in segment and "www." not in segment
        pieces += [p for p in _NAME_SEP.split(segment) if p.strip()] if split else [segment]
    credits: list[Credit] = []
    pending: list[str] = []
    role: str | None = None
    for piece in pieces:
        piece = piece.strip()
        m = words.start.match(piece)
        if m is None and credits and piece[:5].lower() in ("with ", "and w"):
            # "(Reporting by X, with reporting by Y, editing by Z)": a role after "with".
            bare_piece = _WITH.sub("", piece)
            if bare_piece != piece and words.start.match(bare_piece) is not None:
                piece, m = bare_piece, words.start.match(bare_piece)
        if m is not None:
            word = " ".join(m["word"].lower().split())
            rest = piece[m.end():]
            marker = re.match(_MARKER, rest)
            if not rest:
                pending.append(words.role_of[word])  # "Text and photos: X": shares X
                continue
            qualifier = _QUALIFIER.match(rest) if marker is None else None
            # The qualifier's lookahead guarantees a marker after it.
            after = re.match(_MARKER, rest[qualifier.end():]) if qualifier is not None else None
            if qualifier is not None and after is not None and (
                not qualifier["outlet"] or ":" in after.group()[:3]
            ):
                # "Laporan Seruan Johor: X" (the outlet), "Translated from the Japanese by X";
                # an outlet qualifies a role before a colon only: "By Rizky Pratama -
                # Kompas" is the name, then its outlet after a dash.
                if qualifier["outlet"]:
                    credits.append(_outlet_credit(qualifier["outlet"], line))
                rest, marker = rest[qualifier.end():], after
            if marker is not None:
                names = rest[marker.end():]
            elif rest[:1].isspace() and word in words.bare:
                names = rest
                if credits and all(t.lower() in _ROLE_MODIFIERS for t in names.split()):
                    continue  # "Oleh Ahmad, Wartawan Senior": his title, not a name
            else:
                return None  # a role word used as a word ("Foto Presiden beredar")
            role = words.role_of[word]
            colon = marker is not None and ":" in marker.group()
            found = _name_credits(names, [*pending, role], line, colon=colon)
            pending = []
        elif role is None:
            return None  # a credit line opens with a role word
        else:
            tokens = _split_name(piece)
            if credits and tokens is not None and _job_title(tokens):
                continue  # "By Jane Smith, Political Correspondent": her title, not a second name
            found = _name_credits(piece, [role], line)
        if found is None:
            return None
        credits += found
    if pending or not credits:
        return None
    return credits


def _name_dash_domain(body: str, line: str) -> list[Credit] | None:
    """``Rizky Pratama - GawaiLab.id``: a name of two to four words, a dash and the
    outlet's domain (an address is never a story's word)."""
    m = _TAIL_DASH.search(body)
    domain = m["agency"].strip() if m is not None else ""
    if m is None or not _DOMAIN_RE.match(domain) or agency_name(outlet_from_token(domain)):
        return None  # "KUALA LUMPUR - bernama.com": a place and its wire, a dateline's form
    tokens = _split_name(body[: m.start()])
    if tokens is None or not 2 <= len(tokens) <= 4 or _job_title(tokens) or any(t.isupper() for t in tokens):
        return None
    return [Credit(" ".join(tokens), "author", line), _outlet_credit(domain, line)]


def _after_dash(text: str) -> str | None:
    """What closes a credit line after a dash: ``"title"``, a job title or a role
    (``Staff Writer``, ``Wartawan Senior``); ``"outlet"``, a domain or a name of one
    to four words (``Kompas``, ``GawaiLab.id``); else ``None``."""
    tokens = _split_name(text)
    if tokens is not None and (_job_title(tokens) or _has_role(text)):
        return "title"
    if _DOMAIN_RE.match(text) or (tokens is not None and len(tokens) <= 4):
        return "outlet"
    return None


def _outlet_credit(name: str, line: str) -> Credit:
    """The credit of an outlet named in a frame: a known agency (``agency``), else
    the outlet (``source``; a domain such as ``Kompas.com`` read as its name)."""
    agency = agency_name(name)
    if agency:
        return Credit(agency, "agency", line)
    return Credit(outlet_from_token(name) if _DOMAIN_RE.match(name) else name, "source", line)


def _has_role(segment: str) -> bool:
    return _role_words().start.match(segment.strip()) is not None


@functools.cache
def _role_first_words() -> frozenset[str]:
    """The first word of every role word (``reporter``, ``laporan``, ``translated``)."""
    return frozenset(k.split()[0] for k in _role_words().role_of)


def _titled(body: str) -> bool:
    """Whether a role word's first word follows one to four other words: the cheap
    gate of :func:`_peel_title` (a set lookup per word, no regex)."""
    if body.count(" ") > MAX_TITLED_WORDS:
        return False  # a sentence, not "Staff reporter: X | Editor: Y"
    first = _role_first_words()
    return any(w.lower().rstrip(":") in first for w in body.split(None, 5)[1:5])


def _peel_title(body: str, line: str, *, marked: bool) -> tuple[str, list[Credit]] | None:
    """``body`` without the job title before its role word (``Staff``, ``Mercury``,
    ``Star staff``, ``Associated Press``) and the outlet or agency that title names.
    Unless ``marked`` is false (a contribution clause already marks the line), the
    role word must be followed by a marker (``:``, ``by``, a dash): a title-case
    headline ("Indonesian Journalist Wins Award") is never read as a credit."""
    words = _role_words()
    tokens = body.split()
    for k in range(1, min(4, len(tokens) - 1) + 1):
        rest = " ".join(tokens[k:])
        m = words.start.match(rest)
        if m is None:
            continue
        word = " ".join(m["word"].lower().split())
        if word in ("by", "oleh"):
            return None
        if marked and not (word.endswith((" by", " oleh")) or re.match(_MARKER, rest[m.end():])):
            return None
        outlet: list[str] = []
        for token in tokens[:k]:
            if token.lower() in _ROLE_MODIFIERS:
                continue
            if (token[:1].isupper() and _NAME_WORD.fullmatch(token)) or _DOMAIN_RE.match(token):
                outlet.append(token)
                continue
            return None
        if outlet == ["The"]:
            return None
        return rest, [_outlet_credit(" ".join(outlet), line)] if outlet else []
    return None


def _unframe(body: str, line: str) -> tuple[str, list[Credit], str | None]:
    """``body`` without the frames that name nobody (see ``_SUBJECT_FRAME``), the
    credits a title names, and the role a contribution clause gives to a body of
    names alone (``None`` when there is no such clause)."""
    names_role: str | None = None
    m = _CONTRIBUTED.search(body)
    if m is not None and m.start() > 0:
        names_role = "reporter" if (m["en"] or "").lower() == "reporting" or m["idms"] else "contributor"
        body = body[: m.start()].rstrip(" ,")
    s = _SUBJECT_FRAME.match(body)
    if s is not None and _has_role(body[s.end():]):
        body = body[s.end():]
    credits: list[Credit] = []
    if not _has_role(body):
        peeled = _peel_title(body, line, marked=names_role is None)
        if peeled is not None:
            body, credits = peeled
    return body, credits, names_role


_EMAIL = r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
_PROFILE = (
    r"(?:https?://)?(?:www\.)?(?:twitter|x|instagram|facebook|tiktok|linkedin|threads)\.(?:com|net)/[\w.\-/@]+"
)
_CONTACT_VALUE = rf"(?:{_EMAIL}|@[A-Za-z0-9_]{{2,30}}|{_PROFILE})"
#: A line giving the author's address and nothing else: ``paul@chron.com``,
#: ``Email: x@y.com``, ``twitter.com/handle``, ``Twitter: @handle``.
_CONTACT_LINE = re.compile(
    rf"^(?:(?:e-?mail|twitter|x|instagram|facebook|threads|linkedin|surel|emel)\s*:\s*)?"
    rf"(?P<values>{_CONTACT_VALUE}(?:\s*(?:,|/|\||and|dan|or|atau)\s*{_CONTACT_VALUE})*)\.?$",
    re.I,
)
#: "Write to NAME at ADDRESS", "Reach the reporters on Twitter at ADDRESS and ADDRESS",
#: "Hubungi NAME di ADDRESS": a contact line that names its people (or "the reporter").
_CONTACT_FRAME = re.compile(
    r"^(?:write\s+to|contact|reach|email|e-mail|hubungi|tulis\s+kepada)\s+(?P<who>.+?)"
    r"(?:\s+on\s+(?:twitter|x|instagram|facebook))?\s+(?:at|via|di|melalui)\s+"
    rf"(?P<values>{_CONTACT_VALUE}(?:\s*(?:,|and|dan|or|atau)\s*{_CONTACT_VALUE})*)\.?$",
    re.I,
)
_THE_AUTHORS = re.compile(r"(?:the\s+)?(?:reporters?|writers?|authors?|editors?|penulis|wartawan)", re.I)


def _contact_credits(body: str, line: str) -> list[Credit] | None:
    """Credits of a contact line (role ``contact``; the names a frame gives,
    role ``author``), or ``None`` when the line is anything else."""
    if "@" not in body and ".com/" not in body and ".net/" not in body:
        return None
    m = _CONTACT_LINE.match(body)
    names: list[Credit] = []
    if m is None:
        m = _CONTACT_FRAME.match(body)
        if m is None:
            return None
        if not _THE_AUTHORS.fullmatch(m["who"]):
            found = _name_credits(m["who"], ["author"], line)
            if found is None:
                return None
            names = found
    values = re.findall(_CONTACT_VALUE, m["values"], re.I)
    return names + [Credit(v, "contact", line) for v in values]


_NAME_SLASH_OUTLET = re.compile(r"^(\()?\s*(?P<a>[^()/]{2,60}?)\s*/\s*(?P<b>[^()/]{2,60}?)\s*(?(1)\))\.?$")


def _name_outlet_credits(line: str) -> tuple[list[Credit], str | None] | None:
    """``Name/Outlet`` or ``Outlet/Name``, bracketed or not (``Rudi Hartono/ANTARA``,
    ``ANTARA/Rudi Hartono``, ``(Siti Aminah/Kompas.com)``), where the outlet is a
    known agency or a domain: the person as ``author``, the outlet as ``agency``
    or ``source``."""
    m = _NAME_SLASH_OUTLET.match(line.strip())
    if m is None:
        return None
    for outlet, names in ((m["b"], m["a"]), (m["a"], m["b"])):
        role = "author"
        known = agency_name(outlet)
        bare = _PHOTO_SUFFIX.sub("", outlet)
        if known is None and bare != outlet and (known := agency_name(bare)) is not None:
            outlet, role = bare, "photographer"  # "AP Photo/Jane Doe"
        if known or _DOMAIN_RE.match(outlet):
            people = _name_credits(names, [role], line)
            if people is not None and not any(c.role in ("agency", "source") for c in people):
                return [*people, _outlet_credit(outlet, line)], outlet_from_token(outlet)
    return None


#: "With AFP", "(With inputs from agencies)", "With Reuters and AP": the wires a
#: story was put together with, and nothing else.
_WITH_WIRES = re.compile(
    r"^with\s+(?:(?:additional\s+)?(?:inputs?|reporting|reports?|files|material|information)\s+from\s+)?"
    r"(?P<names>.{2,80})$",
    re.I,
)
_AGENCY_SEP = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bdan\b)\s*", re.I)
#: Most words of a line read as agencies alone or as a name and a job title.
MAX_PLAIN_CREDIT_WORDS = 8


def _agency_credits(text: str, line: str) -> list[Credit] | None:
    """Credits of ``text`` when it is only known agencies (``Reuters``, ``AFP/Reuters``,
    ``Reuters and AP``, ``agencies``), else ``None``."""
    out: list[Credit] = []
    for piece in _AGENCY_SEP.split(text.strip().rstrip(".")):
        if not piece:
            return None
        agency = agency_name(piece)
        if agency is None:
            return None
        out.append(Credit(agency, "agency", line))
    return out or None


#: What stands between a name and its job title in a credit line with no role word:
#: ``Jane Doe, Staff Writer``, ``Anika Desai | Senior Markets Reporter``.
_NAME_TITLE_SEP = re.compile(r"\s*[,|•·]\s*")
#: A job title closing a credit line after a comma (``By Dan Whitcombe, Crime Reporter``):
#: capitalised words or job modifiers before an agent noun.
_CLOSING_TITLE = re.compile(r",\s*((?:[^\W\d_][\w&'-]*\s+){0,3}[^\W\d_][\w-]*)\s*\.?$")


def _written_title(tokens: list[str]) -> bool:
    """A job title written as one (``Senior Markets Reporter``, ``wartawan senior``):
    an agent noun of the role lexicon as its head, capitalised words or job
    modifiers before it."""
    return _job_title(tokens) and all(t[:1].isupper() or t.lower() in _ROLE_MODIFIERS for t in tokens)


def _without_closing_title(body: str) -> str:
    """``body`` without a job title that closes it (the last name's title, not a
    credit): the role words inside titles (``Reporter``) would otherwise be read as
    the start of another segment."""
    m = _CLOSING_TITLE.search(body)
    if m is None or m.start() == 0:
        return body
    return body[: m.start()] if _written_title(m.group(1).split()) else body


def _plain_credits(body: str, line: str) -> list[Credit] | None:
    """Credit lines with no role word, read by their structure alone:

    * only known agencies: a wire sign-off (``Reuters``, ``AFP/Reuters``);
    * ``With`` + agencies: ``With AFP``, ``With inputs from agencies``;
    * a name and a job title whose head is an agent noun (``Jane Doe, Staff
      Writer``) or a known agency (``Jane Doe, Reuters``).

    A line that is only an agency's name, or a name and a reporter's title, is
    never a line of the story. ``None`` for anything else."""
    if body.count(" ") >= MAX_PLAIN_CREDIT_WORDS:
        return None
    found = _agency_credits(body, line)
    if found is not None:
        return found
    m = _WITH_WIRES.match(body)
    if m is not None:
        return _agency_credits(m["names"], line)
    pair = _NAME_TITLE_SEP.split(body)
    if len(pair) != 2:
        return None
    name, title = (p.strip().rstrip(".") for p in pair)
    tokens = _split_name(name)
    if tokens is None or len(tokens) > 4:
        return None
    agency = agency_name(title)
    if agency is not None:
        return [Credit(" ".join(tokens), "author", line), Credit(agency, "agency", line)]
    title_tokens = title.split()
    if title_tokens and _written_title(title_tokens):
        role = _role_words().role_of.get(_title_head(title_tokens), "author")
        return [Credit(" ".join(tokens), role, line)]
    return None


#: Roles whose credit lines belong to a picture, not to the story's text: such a
#: line is furniture wherever it stands (under an inline photo, mid-story). Not
#: video: "Video: <a headline in title case>" is a teaser for another story.
PICTURE_ROLES = frozenset({"photographer", "illustrator"})
#: Most words of a name in a credit lifted mid-story (a picture's, a marked or a
#: dash credit): "Photos: Europa, Mysterious Icy Moon of Jupiter" is a gallery's
#: headline, not two names.
MID_STORY_NAME_WORDS = 4


@functools.cache
def _picture_first_words() -> frozenset[str]:
    words = _role_words()
    return frozenset(k.split()[0] for k, role in words.role_of.items() if role in PICTURE_ROLES)


def match_picture_credit(line: str) -> tuple[list[Credit], str | None] | None:
    """A credit line of a picture (``Foto: Andi Saputra``, ``Photo: Reuters``,
    ``Ilustrasi: Shutterstock``): a credit line that opens with a photo or
    illustration role word and names no one in more than four words. The parser
    lifts these anywhere in the body, not only at its edges: a picture's credit is
    never a line of the story."""
    head = line[:24].lstrip("([•·- ").split(None, 1)  # the first word, without copying the line
    if not head or head[0].lower().rstrip(":") not in _picture_first_words():
        return None
    m = _role_words().start.match(line.lstrip("([•·- "))
    if m is None or _role_words().role_of[" ".join(m["word"].lower().split())] not in PICTURE_ROLES:
        return None
    return _short_credit(line)


def _short_credit(line: str) -> tuple[list[Credit], str | None] | None:
    """``match_byline(line)`` when it names someone and no name has more than
    :data:`MID_STORY_NAME_WORDS` words: the test of every credit lifted mid-story."""
    found = match_byline(line)
    if found is None or not found[0] or any(len(c.name.split()) > MID_STORY_NAME_WORDS for c in found[0]):
        return None
    return found


#: Role words whose marked lines are not lifted mid-story: "Video: <a headline in
#: title case>" is a teaser for another story (see :data:`PICTURE_ROLES`); a
#: longer role phrase ("Sumber video: <name>") credits a person.
_NOT_MARKED_WORDS = frozenset({"video", "videos"})


def match_marked_credit(line: str) -> tuple[list[Credit], str | None] | None:
    """A credit line that names its role with a colon (``Penulis: Rina Wati``,
    ``Sumber: TechCrunch.``, ``Editor: X | Reporter: Y``) or with a role phrase of
    two words or more (``Sumber berita TechCrunch.``, ``Written by X``) and then
    holds only names of at most four words each. The parser lifts these anywhere in
    the body, as it does picture credits: a paragraph of the story never opens with
    a role word and a colon and goes on with names alone, while outlets print such
    lines under the lede, between paragraphs, or above a closing promotion that
    hides them from the tail. A one-word role without the colon (``Sumber air bersih ...``)
    or a name of five words or more is left where it stands."""
    stripped = _WITH.sub("", line.lstrip("([•·-–— "))  # "- – additional reporting by", "With reporting by"
    words = _role_words()
    m = words.start.match(stripped[:40])
    if m is None:
        return None
    word = " ".join(m["word"].lower().split())
    marked = stripped[m.end():].lstrip().startswith((":", "："))
    if not (marked or (word in words.bare and " " in word)) or word in _NOT_MARKED_WORDS:
        return None
    return _short_credit(line)


#: Roles a staff credit may name: the desk's people, not its pictures.
_STAFF_CREDIT_ROLES = frozenset({"author", "reporter", "editor", "contributor"})
#: Capitalised words that open a sentence, never a desk's title ("The Correspondent").
_NOT_STAFF_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "every", "each", "no", "one", "any", "some", "his",
    "her", "their", "its", "my", "your", "ini", "itu", "sang", "para", "seorang", "setiap",
})
#: Words after "Tim"/"Team" that make it a newsroom's desk, beside the role words.
_DESK_WORDS = frozenset({"redaksi", "editorial", "newsroom", "pemberitaan", "berita", "news"})
_STAFF = re.compile(
    r"^(?:(?:Tim|Team|TIM|TEAM)\s+(?P<team>[A-Z][\w.'’-]*(?:\s+[A-Z0-9][\w.'’-]*){0,2})"
    r"|(?P<mods>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?P<role>[A-Za-z]+))"
    rf"(?:,\s*(?P<place>{_TITLE_PLACE}|{_UPPER_PLACE}))?\.?$"
)


def match_staff_credit(line: str) -> tuple[list[Credit], str | None] | None:
    """A credit that names a desk instead of a person, on a line of its own:
    ``Staff Reporter``, ``Special Correspondent``, ``Our Political Editor``, ``Tim
    Liputan Kanal7, Bekasi``, ``Tim Redaksi``. A single-word role (one of
    ``credit_roles.yaml``, a person's role: author, reporter, editor, contributor)
    after one or two capitalised words, or a team word before a role or desk word
    (``Liputan``, ``Redaksi``; never a side: ``Tim Nasional``), optionally with the
    desk's place after a comma (not kept: a place is not a name). The credit's name
    is the desk as written, as ``By Staff Reporter`` gives. The parser asks this
    only at the edges of the text: mid-story, a two-word line may be a subheading."""
    line = line.strip()
    if len(line) > 60 or not line[:1].isupper():
        return None
    m = _STAFF.match(line)
    if m is None:
        return None
    words = (m["team"] or m["mods"]).split()
    if any(w.lower() in _NOT_STAFF_WORDS or w.lower() in _WEEKDAYS_AND_MONTHS for w in words):
        return None
    if m["team"] is not None:
        if words[0].lower() not in _DESK_WORDS and words[0].lower() not in _role_words().role_of:
            return None  # "Tim Nasional", "Team GB": a side, not a desk
        who = line[: m.end("team")]
        return [Credit(" ".join(who.split()), "author", line)], None
    role = _role_words().role_of.get(m["role"].lower())
    if role not in _STAFF_CREDIT_ROLES or m["role"].lower() not in _role_words().bare:
        return None
    if not (m["role"][:1].isupper() and (m["role"].isupper() == m["mods"].isupper())):
        return None  # "Staff reporter" in sentence case may open a sentence cut short
    return [Credit(f"{m['mods']} {m['role']}", role, line)], None


def match_dash_credit(line: str) -> tuple[list[Credit], str | None] | None:
    """A paragraph that is an em or en dash and a short credit (``— Agensi``,
    ``— Gambar hiasan``, ``— Reuters``, ``– Google``): the credit under an inline
    picture or a quoted item, printed as a line of its own. The names have at most
    four words; a hyphen does not count (``- Jakarta`` opens a list item), nor does a
    line ending in ``!`` or ``?`` (a line of dialogue)."""
    line = line.strip()
    if line[:1] not in "—–" or line.endswith(("!", "?")):
        return None
    if len(_LEADING_DASHES.sub("", line).split()) > MID_STORY_NAME_WORDS:
        return None
    return _short_credit(line)


#: Tokens that mark a Malay, Indonesian or English personal name in capitals: name
#: particles, honorifics and abbreviated given names ("MOHD.", "BIN", "DR.", "A/L").
_NAME_MARKS = frozenset({
    "bin", "binti", "bt", "bte", "a/l", "a/p", "mohd", "mohd.", "md", "md.", "muhd", "muhd.", "dr", "dr.",
    "prof", "prof.", "datuk", "dato", "dato'", "datin", "tan", "sri", "haji", "hj", "hj.", "hajah", "hjh",
    "hjh.", "ir", "ir.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
})
#: Words of greetings, thanks and wishes: a closing line in capitals made of them
#: ("SELAMAT PAGI, Malaysia", "HAPPY NEW YEAR") is no signature. (The cleaners keep
#: their own list of this class; components do not import each other.)
_SALUTATION_WORDS = frozenset({
    "hi", "hello", "hey", "hai", "halo", "hallo", "helo", "greetings", "welcome", "good", "morning", "evening",
    "afternoon", "night", "selamat", "salam", "assalamualaikum", "wassalam", "thanks", "thank", "terima", "kasih",
    "makasih", "cheers", "bye", "goodbye", "jumpa", "happy", "merry",
})
_CAPS_NAME_TOKEN = re.compile(r"[A-Z][A-Z'’\-/]*\.?")
_SIGNATURE = re.compile(
    r"^(?P<name>[A-Z][A-Z'’.\-/]*(?:\s+[A-Z][A-Z'’.\-/]*){1,5})"
    r"(?:,\s*(?P<place>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3}(?:,\s*[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,2})?))?"
    r"\.?$"
)


def match_signature(line: str) -> tuple[list[Credit], str | None] | None:
    """The signature closing a letter or a column: the writer's name in capitals,
    two to six words, then optionally a comma and where the writer lives
    (``KARTHIGES RAJAMANICKAM, Kuala Lumpur.``, ``MUHAMMAD AIMAN ARIFIN, UiTM Kampus
    Arau, Perlis.``, ``DR. AHMAD NASIR MOHD.``). Without a place, the name must carry
    a mark of a personal name (a particle, an honorific, an abbreviated given name:
    ``BIN``, ``DR.``, ``MOHD.``), since a closing line in capitals (``TERIMA KASIH``,
    ``SELAMAT HARI RAYA``) has the same shape. The name, read in title case, must be
    a name by the credit grammar (no weekday, month or common closing word). The
    parser asks this only below the last paragraph of content."""
    line = line.strip()
    if len(line) > 90 or line.endswith(("!", "?")):
        return None
    m = _SIGNATURE.match(line)
    if m is None:
        return None
    tokens = m["name"].split()
    if not all(_CAPS_NAME_TOKEN.fullmatch(t) for t in tokens):
        return None
    if any(t.lower().strip(".,'’") in _SALUTATION_WORDS for t in tokens):
        return None
    if m["place"] is None and not any(t.lower() in _NAME_MARKS for t in tokens):
        return None
    plain = [t.title() for t in tokens if t.lower() not in _NAME_MARKS]
    if not plain or _split_name(" ".join(plain)) is None:
        return None
    return [Credit(" ".join(tokens).rstrip("."), "author", line)], None


#: The correspondent's byline of much Commonwealth press: ``From <Name>, <Place>`` or
#: ``From <Name> in <Place>`` (``From Tunde Bakare, Abuja``), a line of its own. The
#: place is written in title case or capitals, one to three words, and nothing follows.
_FROM_BYLINE = re.compile(
    rf"^From\s+(?P<name>[A-Z][^,]{{2,60}}?)(?:,\s*|\s+in\s+)(?P<place>{_UPPER_PLACE}|{_TITLE_PLACE})\.?$"
)


def _from_byline(line: str) -> list[Credit] | None:
    """``From <Name>, <Place>``: the name (two to five name words, not a weekday, a
    month or a role) as the author; the place is the correspondent's base, not a
    name. ``From Monday, buses ...`` is a sentence (lower-case words), not this."""
    m = _FROM_BYLINE.match(line)
    if m is None:
        return None
    tokens = _split_name(m["name"])
    if tokens is None or not 2 <= len(tokens) <= 5:
        return None
    if tokens[0] == "Our" and len(tokens) <= 3:
        return [Credit(" ".join(tokens), "author", line)]  # as "By Our Correspondent" reads
    roles = _role_words().values
    if any((w := t.lower().strip(".,")) in _WEEKDAYS_AND_MONTHS or w in roles or w in _FROM_NOT_NAMES for t in tokens):
        return None  # "From The Editor, Abuja", "From Monday, Lagos": no one named
    return [Credit(" ".join(tokens), "author", line)]


#: Words that open a phrase, not a name, after "From".
_FROM_NOT_NAMES = frozenset({"the", "our", "a", "an", "your", "my", "mr", "mrs", "ms", "dr"})


def match_byline(line: str) -> tuple[list[Credit], str | None] | None:
    """Recognise a byline or credit line, by the credit grammar above.

    Returns the credits it names (each with a normalised role: see
    ``credit_roles.yaml``) and the outlet it names (for ``(Outlet/Name)``
    credits), or ``None`` when the line is not entirely a credit line. Handles
    ``By X and Y``, ``Oleh: X``, ``Penulis: X | Editor: Y``, ``(Reporting by X in
    Moscow; Editing by Y)``, ``Teks dan foto: X``, ``Pewarta: X (ANTARA)``,
    ``Oleh X - Bernama``, ``(Tribunnews.com/Name)``, ``(ant/xyz)`` and ``-- BERNAMA``.
    """
    line = line.strip()
    if len(line) > MAX_CREDIT_CHARS or len(line.split()) > MAX_CREDIT_WORDS:
        return None
    described = _DESCRIBED.search(line) if line[-1:] == ")" else None
    if described is not None and not any(
        _has_role(described.group(0)[w.start():]) for w in re.finditer(r"\b\w", described.group(0))
    ):
        # "Kontributor: Yohanes Dae (warga Ende, NTT)": who the person is, in words.
        found = match_byline(line[: described.start()])
        return None if found is None else ([attrs.evolve(c, text=line) for c in found[0]], found[1])
    contact = _contact_credits(_BULLET.sub("", line), line)
    if contact is not None:
        return contact, None
    m = _OUTLET_CREDIT.match(line) if line[:1] == "(" else None
    if m and not _CODE_PIECE.fullmatch(m["names"].strip()):  # "(RZK/DNI)" is two codes, not outlet and name
        names = _name_credits(m["names"], ["author"], line)
        if names is not None:
            return names, outlet_from_token(m["outlet"])
    if "/" in line:
        named = _name_outlet_credits(line)
        if named is not None:
            return named
    m = _AGENCY_LINE.match(line.rstrip(".")) if line[:1] in "-–—" else None
    if m:
        # "— Bernama", "— The Star": the agency or outlet a story is credited to.
        agency = agency_name(m["agency"])
        if agency:
            return [Credit(agency, "agency", line)], None
        tokens = _split_name(m["agency"])
        if tokens is not None and len(tokens) <= 4:
            return [Credit(" ".join(tokens), "source", line)], None
    body = _BULLET.sub("", line)
    if body[:1] in "-–—":
        # "—Associated Press writer X contributed ...", "- – additional reporting by X"
        body = _LEADING_DASHES.sub("", body)
    if body[-2:] in (").", "].") and body[:1] in "([":
        body = body[:-1]  # "(ant/xyz)." closes with the story's full stop
    if body and body[0] in "([" and body[-1:] == {"(": ")", "[": "]"}[body[0]] and "(" not in body[1:-1]:
        inner = body[1:-1].strip()
        if "[" not in inner and "]" not in inner:
            coded = _code_credits(inner, line, alone=True)
            if coded is not None:
                return coded, None
            body = inner
    if body[:5] == "From ":
        correspondent = _from_byline(body)
        if correspondent is not None:
            return correspondent, None
    framed: list[Credit] = []
    names_role: str | None = None
    if not _has_role(body):
        plain = _plain_credits(body, line) or _name_dash_domain(body, line)
        if plain is not None:
            return plain, None
        if not (_SUBJECT_FRAME.match(body) or _titled(body) or _contributed_hint(body)):
            return None  # the common case: no role word, subject, title or contribution verb
        body, framed, names_role = _unframe(body, line)
        if names_role is None and not _has_role(body):
            return None
    elif _contributed_hint(body):
        body, framed, names_role = _unframe(body, line)
    tail: list[Credit] = []
    closing = body.rstrip(" .")[-1:]
    m = _TAIL_CODE.search(body, max(0, len(body) - 45)) if closing in ")]" else None
    if m and m.start() > 0:
        coded = _code_credits(m["code"], line, alone=False)
        if coded is not None:
            tail, body = coded, body[: m.start()]
    elif "-" in body or "–" in body or "—" in body:
        m = _TAIL_DASH.search(body, max(0, len(body) - 40))
        if m and agency_name(m["agency"]):
            tail, body = [Credit(agency_name(m["agency"]) or "", "agency", line)], body[: m.start()]
        elif m and _has_role(body[: m.start()]):
            after = m["agency"].strip()
            ending = _after_dash(after)
            if ending == "title":
                body = body[: m.start()]  # "By Jane Doe - Staff Writer": her title, no credit
            elif ending == "outlet":
                # "Oleh Rizky Pratama - GawaiLab.id", "By Jane Doe - The Courier": the outlet.
                tail, body = [_outlet_credit(after, line)], body[: m.start()]
    if _has_role(body):
        credits = _segments_credits(_without_closing_title(body.strip().rstrip(".")), line)
    elif names_role is not None:
        credits = _name_credits(body, [names_role], line)  # "Keith Bradsher contributed reporting"
    else:
        credits = None
    if credits is None:
        return None
    return framed + credits + tail, None


# -- dated bylines and update lines ---------------------------------------------------------
#
# Page chrome that says when, and often by whom, a story was posted. A line must
# read *entirely* as
#
#     [VERB [on | at | pada | :]] WHEN [[SEP] (by | oleh) WHO] [SEP NAMES]
#     [VERB] (by | oleh) WHO [on | pada | SEP] WHEN [SEP NAMES]
#     NAMES SEP WHEN [SEP NAMES]
#     WHEN   := DATE [[SEP | at | pukul | jam] TIME] | TIME [SEP | on] DATE | TIME
#
# VERB is a publication or update verb (en/id/ms), SEP one of | • , / or a dash.
# After "by"/"oleh" in such a frame WHO may be a site's user name ("admin",
# "motomalaya"), which the byline grammar would not take for a name. A date alone
# is never furniture (a timeline's subheading): the line needs a verb, a time
# beside the date, or a name beside a full date. Every other word ends the parse.

_MONTH_NUMBERS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january januari jan", "february februari feb pebruari", "march maret mac mar", "april apr",
        "may mei", "june juni jun", "july juli julai jul", "august agustus ogos aug agu agt ags ogo",
        "september sept sep", "october oktober oct okt", "november nov nop",
        "december desember disember dec des dis",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTH_NUMBERS[_name] = _number
_WEEKDAY_WORDS = _WEEKDAYS | {
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "sen", "sel", "rab", "kam",
    "jum", "sab", "min", "jum'at", "jumaat", "isn", "kha",
}
_MONTH_ALT = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
_WEEKDAY_ALT = "|".join(re.escape(w) for w in sorted(_WEEKDAY_WORDS, key=len, reverse=True))
_WD = rf"(?:(?:{_WEEKDAY_ALT})\.?,?\s+)?"
def _date_text(p: str) -> str:
    """A written date, its groups' names prefixed with ``p``: ``5 March 2024``,
    ``Tue., Nov. 19, 2019``, ``Selasa, 12 Maret 2024``, ``2024-03-05``, ``5/3/2024``."""
    return (
        rf"{_WD}(?:(?P<{p}d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<{p}m1>{_MONTH_ALT})\.?,?(?:\s+(?P<{p}y1>\d{{4}}))?"
        rf"|(?P<{p}m2>{_MONTH_ALT})\.?\s+(?P<{p}d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<{p}y2>\d{{4}}))?"
        rf"|(?P<{p}y3>\d{{4}})-(?P<{p}m3>\d{{1,2}})-(?P<{p}d3>\d{{1,2}})"
        rf"|(?P<{p}n1>\d{{1,2}})[/.\-](?P<{p}n2>\d{{1,2}})[/.\-](?P<{p}n3>\d{{4}}))"
    )


#: Parts of the day after a time (id/ms): morning, noon, afternoon, evening, night.
_DAY_PARTS = r"pg|ptg|pagi|siang|tengah hari|sore|petang|malam"
_AFTERNOON = frozenset({"ptg", "petang", "sore", "malam"})


def _clock_hour(hour: str, ap: str | None, part: str | None) -> int:
    """The hour on a 24-hour clock of a written time: its ``am``/``pm`` (``ap``) or
    its id/ms part of the day (``9 malam`` -> 21, ``1 siang`` -> 13, ``11 siang`` -> 11)."""
    h = int(hour)
    part = (part or "").lower()
    if (part in _AFTERNOON and h < 12) or (part in ("siang", "tengah hari") and h < 6):
        h += 12
    elif part in ("pg", "pagi") and h == 12:
        h = 0
    ap = (ap or "").lower()
    if ap.startswith("p") and h < 12:
        h += 12
    elif ap.startswith("a") and h == 12:
        h = 0
    return h


def _time_text(p: str) -> str:
    """A clock time, groups prefixed with ``p``: ``10:12 am``, ``14.30 WIB``, ``1:23 p.m.``, ``9 pm``."""
    return (
        rf"(?:(?P<{p}hh>\d{{1,2}})[:.](?P<{p}mm>\d{{2}})(?::\d{{2}})?(?:\s*(?P<{p}ap>[ap]\.?\s?m\b\.?))?"
        rf"|(?P<{p}hh2>\d{{1,2}})\s*(?P<{p}ap2>[ap]\.?\s?m\b\.?))"
        # The part of the day Indonesian and Malay write after a time: 9:45 malam, 10:15 PG.
        rf"(?:\s+(?P<{p}dp>{_DAY_PARTS})\b)?"
        r"(?:\s*(?-i:(?:WIB|WITA|WIT|MYT|GMT|UTC|[A-Z]{1,4}T))(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)?"
    )


_WHEN_SEP = r"(?:\s*[,|•·@\-–—]\s*|\s+(?:at|pukul|pkl\.?|jam)\s+|\s+)"
#: A date with an optional time after it (groups unprefixed), a time then a date
#: (time ``t``, date ``x``), or a time alone (``z``).
_WHEN = re.compile(
    rf"(?<![\w/.:\-])(?:(?P<date>{_date_text('')})(?:{_WHEN_SEP}(?P<time>{_time_text('')}))?"
    rf"|(?P<time_first>{_time_text('t')})(?:\s*[,|•\-–—]\s*|\s+on\s+|\s+)(?P<date2>{_date_text('x')})"
    rf"|(?P<time_alone>{_time_text('z')}))(?![\w/:])",
    re.I,
)
_PUBLISH_VERBS = (
    "tarikh terbit|tarikh diterbitkan|tanggal terbit|tanggal tayang|"
    "first published|published|posted|created|diterbitkan|dipublikasikan|dipublikasi|diterbit|terbit|"
    "ditayangkan|tayang|dimuat naik|dimuat|disiarkan|dikirim|ditulis|written"
)
_UPDATE_VERBS = (
    "kali terakhir dikemas ?kini|terakhir dikemas ?kini|terakhir diperbarui|terakhir diperbaharui|"
    "last updated|last modified|updated|modified|diperbarui|diperbaharui|dikemaskini|dikemas kini|kemaskini|kemas kini"
)
_VERB = rf"(?P<verb>{_UPDATE_VERBS}|{_PUBLISH_VERBS})"
_SEP_CHARS = r"[|•·,/\-–—]"
#: "This article was published on ...", "Artikel ini disiarkan pada ...": the verb's subject.
_STORY_SUBJECT = (
    r"(?:(?:this|the) )?(?:article|story|post|artikel|berita|tulisan)(?: ini)?(?: (?:was|has been|telah))?\s+"
)
_DATED_LEFT = re.compile(
    rf"^(?:(?:{_STORY_SUBJECT})?{_VERB}(?:\s*:|\s+[\-–—]{{1,2}}|\s+(?:on|at|pada|in)(?:\s*:)?)?\s*"
    rf"|(?:(?P<verb2>{_UPDATE_VERBS}|{_PUBLISH_VERBS})\s+)?(?:by|oleh)\s*:?\s*(?P<who>.+?)"
    rf"(?:\s+(?:on|pada|at)|\s*{_SEP_CHARS})?\s*"
    rf"|(?P<names>[^\W\d_].*?)\s*(?:[|•]|\s[\-–—]{{1,2}})\s*"
    # "Jane Doe | Published 3 December 2026": the verb after the names.
    rf"(?:(?P<verb3>{_UPDATE_VERBS}|{_PUBLISH_VERBS})(?:\s*:|\s+(?:on|at|pada))?\s*)?"
    # "Published in The Lahore Courier, December 5th, 2026": the outlet that printed it.
    rf"|{_VERB.replace('?P<verb>', '?P<verb4>')}\s+(?:in|di|dalam)\s+"
    rf"(?P<outlet>(?-i:[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){{0,4}}))\s*(?:,|\s+(?:on|pada))?\s*)$",
    re.I,
)
#: A separator closing the credits before a dated line's date.
_TRAILING_SEP = re.compile(r"\s*(?:[|•·]|\s[\-–—]{1,2})\s*$")
#: A second stamp after the first: a separator and a publication or update verb.
_SECOND_STAMP = re.compile(
    rf"^[|•·,;]?\s*(?:{_UPDATE_VERBS}|{_PUBLISH_VERBS})(?:\s*:|\s+[\-–—]{{1,2}}|\s+(?:on|at|pada))?\s*", re.I
)
#: A reading time after the date ("· 5 min read", "| 3 menit baca").
_READING_TIME = re.compile(
    r"^(?:[|•·\-–—]\s*)?\d{1,3}\s*(?:min(?:ute)?s?|menit|minit)\.?\s+(?:read|baca|bacaan|membaca)$", re.I
)
_DATED_BY = re.compile(rf"^\s*{_SEP_CHARS}?\s*(?:by|oleh)\s*:?\s*(?P<who>.+)$", re.I)
_HANDLE = re.compile(r"@?[A-Za-z0-9][\w.\-]{1,29}")
_LEAD = re.compile(r"^[\s\-–—•|·]+")
_DIGIT = re.compile(r"\d")
#: Longest dated line considered (characters, spaces).
MAX_DATED_CHARS, MAX_DATED_WORDS = 160, 20


@attrs.frozen
class DatedLine:
    """A line of page chrome giving a story's date (and often its author).

    Attributes:
        when: The date (and time) it gives, when it names a year; else ``None``.
        field: ``published``, or ``modified`` for an update line.
        text: The date and time as written.
        credits: The people or outlets it names (role ``author``; an agency
            ``agency``, a domain ``source``).
    """

    when: Timestamp | None
    field: str
    text: str
    credits: tuple[Credit, ...] = ()


def _timestamp(m: re.Match[str], prefix: str) -> Timestamp | None:
    """The Timestamp of a ``_WHEN`` match's date (group names after ``prefix``), or
    ``None`` when the date names no year or is not a calendar date."""
    g = {k[len(prefix):]: v for k, v in m.groupdict().items() if k.startswith(prefix) and v}
    if "y3" in g:
        year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
    elif "n3" in g:
        first, second, year = int(g["n1"]), int(g["n2"]), int(g["n3"])
        # Day first (id, ms and most of the world) unless the day cannot be first.
        day, month = (second, first) if second > 12 >= first else (first, second)
    elif "y1" in g:
        year, month, day = int(g["y1"]), _MONTH_NUMBERS[g["m1"].lower()], int(g["d1"])
    elif "y2" in g:
        year, month, day = int(g["y2"]), _MONTH_NUMBERS[g["m2"].lower()], int(g["d2"])
    else:
        return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    hour = g.get("hh") or g.get("hh2")
    if hour is None:
        return Timestamp(date, "day", "byline")
    h, minute = _clock_hour(hour, g.get("ap") or g.get("ap2"), g.get("dp")), int(g.get("mm") or 0)
    try:
        return Timestamp(dt.datetime(year, month, day, h, minute), "minute", "byline")
    except ValueError:
        return Timestamp(date, "day", "byline")


def _who(text: str, line: str, *, handle: bool) -> list[Credit] | None:
    """The credits of the names in a dated line: a list of names, agencies and
    domains separated by the byline separators; with ``handle``, one user name."""
    text = text.strip().rstrip(".").strip()
    if not text:
        return None
    out: list[Credit] = []
    for piece in re.split(r"\s*(?:[|•]|\s[\-–—/]\s)\s*", text):
        found = _name_credits(piece, ["author"], line)
        if found is None and handle and not out and _HANDLE.fullmatch(piece) and not piece.isdigit():
            found = [Credit(piece.lstrip("@"), "author", line)]
        if found is None:
            return None
        out += found
    return out


#: A year glued to the next word by text extraction ("2021June 4"): split before reading.
_YEAR_GLUED = re.compile(r"(?<=\b\d{4})(?=[^\W\d_])")


def match_dated_line(line: str, *, alone: bool = False) -> DatedLine | None:
    """Recognise a dated byline or an update line: ``Posted on March 5, 2024 by
    admin``, ``By Jane Doe | 5 March 2024, 10:12 am``, ``Diterbitkan: Selasa, 12
    Maret 2024 14:30 WIB``, ``Updated at 1:23 p.m.``, ``17:41 JST, October 13, 2024``.

    ``None`` unless the whole line reads by the grammar above (a date alone, or a
    sentence with a date in it, is not such a line). ``alone``: a full date alone
    (``February 11, 2026``) is one too; the parser says so only for a line right
    under a credit it lifted at the top, where a page prints the story's date."""
    line = line.strip()
    # Cheap gates first: such a line is short and holds a digit; most lines of a
    # story are longer (the parser asks of every line at the edges).
    if len(line) > MAX_DATED_CHARS or line.count(" ") > MAX_DATED_WORDS or _DIGIT.search(line) is None:
        return None
    body = _YEAR_GLUED.sub(" ", _LEAD.sub("", line).rstrip(" ."))
    m = _WHEN.search(body)
    if m is None:
        return None
    left, right = body[: m.start()].strip(), body[m.end():].strip()
    again = _WHEN.match(right) if m["date"] or m["date2"] else None
    if again is not None and (again["date"] or again["date2"]):
        # Blog themes print the published and the updated date side by side
        # ("Posted on June 3, 2021June 4, 2021 by admin"): the first is the story's.
        right = right[again.end():].strip()
    stamp = _SECOND_STAMP.match(right)
    if stamp is not None and (second := _WHEN.match(right, stamp.end())) is not None:
        # "Published: 07:12, 2 December 2026 | Updated: 09:48, 2 December 2026": a second
        # stamp after a separator, the update's; the first is the story's date.
        right = right[second.end():].strip()
    unread = _READING_TIME.sub("", right).strip()
    read_time, right = unread != right, unread
    credits: list[Credit] = []
    verb: str | None = None
    if left:
        lm = _DATED_LEFT.match(left)
        read: list[Credit] | None = None
        if lm is not None:
            verb = lm["verb"] or lm["verb2"] or lm["verb3"] or lm["verb4"]
            if lm["outlet"] is not None:
                read = [_outlet_credit(lm["outlet"], line)]
            elif lm["who"] is not None:
                read = _who(lm["who"], line, handle=True)
            elif lm["names"] is not None:
                read = _who(lm["names"], line, handle=False)
            else:
                read = []
        if read is None and _TRAILING_SEP.search(left):
            # "Penulis: X — Editor: Y — Kamis, 03 Des 2026 16:21 WIB": a credit line
            # with the date as its last segment.
            found = match_byline(_TRAILING_SEP.sub("", left))
            read = found[0] if found is not None else None
        if read is None:
            return None
        credits += read
    if right:
        rm = _DATED_BY.match(right)
        if rm is not None:
            who = _who(rm["who"], line, handle=True)
        else:
            sep = re.match(r"\s*(?:[|•]|[\-–—]{1,2})\s*", right)  # not a comma: "12 Mac 2024, Jakarta"
            who = _who(right[sep.end():], line, handle=False) if sep is not None else None
        if who is None:
            return None
        credits += who
    dated = m["date"] or m["date2"]
    timed = m["time"] or m["time_first"] or m["time_alone"]
    if m["date"]:
        when = _timestamp(m, "")
    elif m["date2"]:
        when = _timestamp(m, "x")
        if when is not None and (m["thh"] or m["thh2"]):
            # "17:41 JST, October 13, 2024": the time is before the date.
            when = _timestamp_at(when, m["thh"] or m["thh2"], m["tmm"], m["tap"] or m["tap2"], m["tdp"])
    else:
        when = None
    full = when is not None or bool(timed)
    if not (
        verb or (dated and timed) or (credits and full) or (read_time and when is not None) or (alone and when)
    ):
        return None  # a date alone, or a name beside a date with no year (a reading time is chrome)
    field = "modified" if verb and re.fullmatch(_UPDATE_VERBS, verb, re.I) else "published"
    return DatedLine(when, field, m.group(0), tuple(credits))


def _timestamp_at(
    day: Timestamp, hour: str, minute: str | None, ap: str | None, part: str | None = None
) -> Timestamp:
    """``day`` at the time written before it (``17:41 JST, October 13, 2024``)."""
    h, mins = _clock_hour(hour, ap, part), int(minute or 0)
    value = day.value
    try:
        return Timestamp(dt.datetime(value.year, value.month, value.day, h, mins), "minute", "byline")
    except ValueError:
        return day
