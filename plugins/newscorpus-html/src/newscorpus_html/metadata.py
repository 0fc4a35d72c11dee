"""Article metadata from a page's structured markup: JSON-LD, ``<meta>`` tags,
microdata and ``<link rel=canonical>``.

trafilatura and htmldate already find titles, authors and dates, but they do not
say *where* a date came from, and htmldate gives one date per call. News users ask
for the publication and last-modified times kept apart with the signal each came
from, so this module reads the publisher's own declarations first (each value with
its origin); :mod:`newscorpus_html.parser` falls back to trafilatura/htmldate only
for what the page does not declare.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs
from dateutil import parser as dateutil_parser
from lxml.html import HtmlElement

from newscorpus.models import Timestamp

__all__ = [
    "PageMeta",
    "clean_authors",
    "clean_title",
    "language_code",
    "parse_date",
    "read_page_meta",
]

#: JSON-LD types that describe an article (schema.org), matched case-insensitively.
_ARTICLE_TYPES = re.compile(r"(article|blogposting|newsarticle|report|posting|liveblog|webpage)$", re.I)
#: A JSON-LD block larger than this is skipped: metadata is never megabytes.
MAX_JSONLD_CHARS = 1_000_000

# <meta> names/properties per field, most specific first (all lower-case).
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "article.published", "parsely-pub-date", "sailthru.date", "pubdate",
    "publishdate", "publish-date", "publish_date", "dc.date.issued", "dcterms.issued",
    "dc.date", "dcterms.date", "date", "article_date_original", "cxenseparse:recs:publishtime",
    "og:pubdate", "originalpublicationdate",
)
_MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "article.updated", "dcterms.modified", "dc.date.modified", "last-modified", "lastmod",
    "eomportal-lastupdate", "updated_time",
)
_AUTHOR_META = (
    "author", "article:author", "og:article:author", "byl", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "citation_author", "twitter:creator",
)
_TITLE_META = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "headline")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
_DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")
_LANGUAGE_META = ("og:locale", "content-language", "language", "dc.language", "inlanguage")

#: Leading words of a byline value that are not part of a name, in several languages.
_BY = re.compile(
    r"^\s*(?:by|von|par|por|di|da|door|av|af|oleh|de|written by|text:|texto:|autor:|author:|"
    r"penulis:|reporter:|redaksi:)\s+",
    re.I,
)
#: Separators between names in one author string.
_NAME_SPLIT = re.compile(
    r"\s*(?:;|\||/|,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bdan\b|\bi\b|\ben\b|\bog\b|\boch\b)\s*", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
#: An editor's short code after a name: "Elena Oberholzer (obe)".
_INITIALS = re.compile(r"\s*\([a-z.]{2,5}\)", re.I)
#: Time-zone abbreviations news sites write, where they are unambiguous (offsets in hours).
_ZONES = {
    name: dt.timezone(dt.timedelta(hours=hours))
    for name, hours in {
        "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3,
        "MSK": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "WIB": 7, "WITA": 8, "WIT": 9, "MYT": 8, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    }.items()
}


@attrs.frozen
class PageMeta:
    """What the page declares about itself.

    Every date is a :class:`~newscorpus.models.Timestamp` whose ``signal`` is
    ``html-meta`` (JSON-LD, ``<meta>``, microdata or ``<time>`` markup).
    """

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: Timestamp | None = None
    modified: Timestamp | None = None
    language: str | None = None
    url: str | None = None
    site_name: str | None = None
    description: str | None = None
    section: str | None = None
    keywords: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


def parse_date(value: Any, signal: str, *, not_after: dt.datetime | None = None) -> Timestamp | None:
    """A :class:`Timestamp` from a machine date string, or ``None`` when it is not one.

    ISO 8601 is read first; other common machine forms (RFC 2822, ``2024-05-03
    15:47``) through :mod:`dateutil`. Dates before 1900 or more than two days after
    ``not_after`` (default: now) are rejected as placeholders or typos.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64 or not re.search(r"\d{4}|\d{1,2}\D+\d{1,2}\D+\d{2,4}", text):
        return None
    if re.fullmatch(r"\d{4}", text):
        return None  # a bare year (a citation's, a copyright's) does not date an article
    month = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text)
    if month:
        try:
            return Timestamp(dt.date(int(month.group(1)), int(month.group(2)), 1), "month", signal)
        except ValueError:
            return None
    when: dt.date | dt.datetime
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            with warnings.catch_warnings():  # an unknown zone name leaves the time naive, which is right
                warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
                when = dateutil_parser.parse(text, default=dt.datetime(1, 1, 1), tzinfos=_ZONES)
        except (ValueError, OverflowError, TypeError):
            return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    if not has_time:
        when = when.date() if isinstance(when, dt.datetime) else when
        precision = "day"
    else:
        precision = "second" if re.search(r"\d{1,2}:\d{2}:\d{2}", text) else "minute"
    if when.year < 1900:
        return None
    limit = not_after or dt.datetime.now(dt.UTC)
    naive_limit = limit.replace(tzinfo=None) if limit.tzinfo else limit
    compare = when if isinstance(when, dt.datetime) else dt.datetime(when.year, when.month, when.day)
    compare = compare.astimezone(dt.UTC).replace(tzinfo=None) if compare.tzinfo else compare
    if compare > naive_limit + dt.timedelta(days=2):
        return None
    return Timestamp(when, precision, signal)  # type: ignore[arg-type]


def language_code(value: Any) -> str | None:
    """The ISO 639 code in a language tag (``en-US`` → ``en``, ``de_DE`` → ``de``)."""
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", value)
    return m.group(1).lower() if m else None


def clean_authors(values: list[str], *, site_name: str | None = None) -> tuple[str, ...]:
    """Person and agency names from raw author values, de-duplicated in order.

    Drops what is not a name (URLs, e-mail addresses, social handles, digits,
    overlong strings), strips ``By``/``Von``/``Oleh`` prefixes and splits lists
    (``A, B and C``). Agency names (``Associated Press``, ``dpa``) are kept: they
    are how wire copy is credited.
    """
    out: dict[str, None] = {}
    for raw in values:
        if not isinstance(raw, str):
            continue
        text = _EMAIL.sub(" ", html.unescape(raw).replace("\xa0", " ")).strip()
        text = _INITIALS.sub("", text)
        if not text or "://" in text or text.startswith(("www.", "/")):
            continue
        text = _BY.sub("", text)
        parts = [text] if _is_one_name(text) else _NAME_SPLIT.split(text)
        for part in parts:
            name = re.sub(r"\s+", " ", part).strip(" \t-–—:,.|·•")
            if not name or name.startswith("@") or "://" in name:
                continue
            if re.search(r"\d", name) or len(name) > 60 or len(name.split()) > 6:
                continue
            if not any(ch.isalpha() for ch in name):
                continue
            out.setdefault(name, None)
    if site_name and len(out) > 1:
        # "Jane Doe, Example News": the outlet is the source, not a second author.
        site = site_name.casefold()
        out = {n: None for n in out if n.casefold() != site} or out
    return tuple(out)


_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")


def clean_title(title: str, *, names: list[str | None]) -> str:
    """``title`` without a leading or trailing part that names the site or section
    (``Headline - Example Times``, ``Headline | Sport``).

    A part is dropped only when it matches one of ``names`` (site name, domain,
    section), so a headline that merely contains a dash keeps it.
    """
    title = re.sub(r"\s+", " ", html.unescape(title)).strip()
    wanted = {_key(n) for n in names if n} - {""}
    if not wanted:
        return title
    parts = _TITLE_SEPARATOR.split(title)
    while len(parts) > 1 and _matches(parts[-1], wanted):
        parts.pop()
    while len(parts) > 1 and _matches(parts[0], wanted):
        parts.pop(0)
    if len(parts) == len(_TITLE_SEPARATOR.split(title)):
        return title
    # Rejoin what is left with its original separators.
    kept = " ".join(parts)
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end] if start >= 0 and end > start else kept


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _matches(part: str, wanted: set[str]) -> bool:
    key = _key(part)
    return bool(key) and any(key == w or (len(key) >= 4 and (key in w or w in key)) for w in wanted)


def _is_one_name(text: str) -> bool:
    # "Doe, Jane" style is rare in metadata; a two-token string with a comma and no
    # other separator is kept whole only when the second token is a single word.
    return "," not in text and not re.search(r";|\||&|\s(?:and|und|et|y|e|dan|i|en|og|och)\s|/", text, re.I)


def _meta_map(tree: HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), []).append(content.strip())
    return found


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if not text.strip() or len(text) > MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            # Publishers often leave a trailing comma or raw newlines; one retry.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False)
            except ValueError:
                continue
        yield from _walk(data, 0)


def _walk(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            for item in graph:
                yield from _walk(item, depth + 1)


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        if isinstance(name, list):
            return [n for n in name if isinstance(n, str)]
        return []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        # Publishers often escape twice: "&amp;quot;" arrives as "&quot;" after parsing.
        return re.sub(r"\s+", " ", html.unescape(value)).strip()
    if isinstance(value, list):
        for v in value:
            t = _text(v)
            if t:
                return t
    return None


def _first_date(candidates: list[Any], signal: str, not_after: dt.datetime | None) -> Timestamp | None:
    for value in candidates:
        ts = parse_date(value, signal, not_after=not_after)
        if ts is not None:
            return ts
    return None


def _http_url(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        full = urljoin(base, value) if base else value
        parts = urlsplit(full)
    except ValueError:  # a bracketed host that is no IP address ("http://[x]/"): no URL
        return None
    return full if parts.scheme in ("http", "https") and parts.netloc else None


def read_page_meta(tree: HtmlElement, *, base_url: str | None = None, not_after: dt.datetime | None = None) -> PageMeta:
    """Read what ``tree`` declares about the article (never modifies the tree).

    Args:
        tree: The parsed page.
        base_url: The page's own URL, to resolve a relative canonical link.
        not_after: Latest plausible date (the capture time when known).
    """
    article: dict[str, Any] = {}
    types: list[str] = []
    for obj in _jsonld_objects(tree):
        obj_types = _types(obj)
        if any(_ARTICLE_TYPES.search(t) for t in obj_types):
            types.extend(obj_types)
            is_page = all(t.lower().endswith("webpage") for t in obj_types)
            # An Article object wins over a WebPage object; first of each kind wins.
            for key, value in obj.items():
                if key not in article or (not is_page and article.get("_page_" + key)):
                    article[key] = value
                    article["_page_" + key] = is_page
    meta = _meta_map(tree)

    def metas(names: tuple[str, ...]) -> list[str]:
        return [v for n in names for v in meta.get(n, [])]

    micro_pub = [el.get("datetime") or el.get("content") or (el.text or "")
                 for el in tree.xpath('//*[@itemprop="datePublished"]')]
    micro_mod = [el.get("datetime") or el.get("content") or (el.text or "")
                 for el in tree.xpath('//*[@itemprop="dateModified"]')]
    time_pub = [el.get("datetime") for el in tree.xpath("//time[@pubdate]") if el.get("datetime")]

    published = _first_date(
        [article.get("datePublished"), *metas(_PUBLISHED_META), *micro_pub, *time_pub, article.get("dateCreated")],
        "html-meta",
        not_after,
    )
    modified = _first_date(
        [article.get("dateModified"), *metas(_MODIFIED_META), *micro_mod], "html-meta", not_after
    )
    if published is not None and modified is not None and modified.value == published.value:
        modified = None  # a page that declares the same time twice was not modified

    raw_authors = _names(article.get("author")) or _names(article.get("creator"))
    if not raw_authors:
        raw_authors = [v for v in metas(_AUTHOR_META) if "://" not in v]
        raw_authors += [el.text_content() for el in tree.xpath('//*[@itemprop="author"]//*[@itemprop="name"]')][:5]
    site_name = _text(metas(_SITE_META)[:1]) or _text(_names(article.get("publisher"))[:1])
    if site_name and site_name.startswith("@"):
        site_name = None
    authors = clean_authors(raw_authors, site_name=site_name)

    lang = language_code(_text(article.get("inLanguage")))
    if lang is None:
        html_el = tree if tree.tag == "html" else tree.getroottree().getroot()
        lang = language_code(html_el.get("lang") or html_el.get("{http://www.w3.org/XML/1998/namespace}lang"))
    if lang is None:
        for value in metas(_LANGUAGE_META):
            lang = language_code(value)
            if lang:
                break

    canonical = None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = _http_url(link.get("href"), base_url)
            if canonical:
                break
    url = canonical or _http_url(_text(metas(("og:url",))), base_url)
    if url is None:
        entity = article.get("mainEntityOfPage")
        entity_url = entity.get("@id") if isinstance(entity, dict) else entity
        url = _http_url(_text(article.get("url")), base_url) or (
            _http_url(entity_url, base_url) if isinstance(entity_url, str) else None
        )

    keywords_raw = article.get("keywords")
    if isinstance(keywords_raw, str):
        keywords = tuple(k.strip() for k in keywords_raw.split(",") if k.strip())
    elif isinstance(keywords_raw, list):
        keywords = tuple(k.strip() for k in keywords_raw if isinstance(k, str) and k.strip())
    else:
        keywords = tuple(k.strip() for v in metas(("keywords", "news_keywords")) for k in v.split(",") if k.strip())

    return PageMeta(
        title=_text(article.get("headline")) or _text(metas(_TITLE_META)[:1]),
        authors=authors,
        published=published,
        modified=modified,
        language=lang,
        url=url,
        site_name=site_name,
        description=_text(article.get("description")) or _text(metas(_DESCRIPTION_META)[:1]),
        section=_text(article.get("articleSection")) or _text(metas(("article:section",))[:1]),
        keywords=keywords[:50],
        types=tuple(dict.fromkeys(types)),
    )
