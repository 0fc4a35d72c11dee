"""Feed items, JSON Feed items and sitemap entries as one kind of record.

Every item becomes a dict of the same keys (``fields`` of a raw document of
media type :data:`ITEM_MEDIA_TYPE`):

``title``, ``url``, ``published``, ``modified`` (date strings as the feed wrote
them), ``authors`` (names), ``content_html`` (full content: ``content:encoded``,
Atom ``content``, JSON Feed ``content_html``/``content_text``), ``summary_html``
(``description``/``summary``), ``language``, ``source`` (the publication),
``keywords``, ``id``, ``feed_title``, ``feed_url``, ``format``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
import re
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from lxml import etree

from newscorpus.errors import DocumentError

from .htmltext import fragment_paragraphs, plain_text

__all__ = [
    "ITEM_MEDIA_TYPE",
    "HugeInt",
    "feed_items",
    "has_text",
    "jsonfeed_items",
    "normalise_date",
    "sitemap_entries",
]

#: Media type of the raw documents the ``feed`` reader yields for items.
ITEM_MEDIA_TYPE = "application/x-newscorpus-feed-item"
#: An item whose content has fewer words than this is a teaser, not an article.
MIN_WORDS = 50

_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")  # RSS "jane@x.org (Jane Doe)"
_EMAIL = re.compile(r"\S+@\S+")


def normalise_date(raw: Any, parsed: Any = None) -> str | None:
    """ISO 8601 text of a feed date (RFC 822 or ISO 8601), keeping its offset.

    ``parsed`` is feedparser's UTC ``struct_time``, used when the raw text is in a
    form only feedparser understood.
    """
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        try:
            value = email.utils.parsedate_to_datetime(text)
            if value is not None:
                return value.isoformat()
        except (TypeError, ValueError, IndexError, OverflowError):  # "+07000111111111": an offset past C int
            pass
    if isinstance(parsed, time.struct_time):
        try:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
        except (ValueError, OverflowError):  # feedparser reads "<pubDate>00" as year -99 (found by fuzzing)
            return None
    return None


def _author_names(values: list[Any]) -> list[str]:
    names: list[str] = []
    for value in values:
        name = value.get("name") if isinstance(value, dict) else value
        if not isinstance(name, str):
            continue
        m = _EMAIL_NAME.match(name)
        name = m.group(1) if m else _EMAIL.sub("", name)
        name = re.sub(r"\s+", " ", name).strip(" ,;()")
        if name and name not in names:
            names.append(name)
    return names


def has_text(fields: dict[str, Any], min_words: int = MIN_WORDS) -> bool:
    """Whether an item carries its article text (content, or a summary long enough
    to be the article), rather than only a link."""
    for key in ("content_html", "summary_html"):
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            words = sum(len(p.split()) for p in fragment_paragraphs(value))
            if words >= min_words:
                return True
    return False


class _Plain:
    """Plain key lookups on a feedparser dict: its own lookups map a missing
    ``published`` to ``updated`` with a deprecation warning, and we keep the two apart."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self.data, key, default)


def feed_items(parsed: Any) -> Iterator[dict[str, Any]]:
    """Items of a feedparser result (RSS 0.9x/1.0/2.0, Atom)."""
    feed = parsed.get("feed", {})
    feed_title = plain_text(feed.get("title", "")) if feed.get("title") else None
    language = feed.get("language")
    for item in parsed.get("entries", []):
        entry = _Plain(item)
        contents = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, dict)]
        content = max(contents, key=len) if contents else None
        summary = entry.get("summary")
        if content and summary and content.strip() == summary.strip():
            summary = None
        yield {
            "title": plain_text(entry.get("title", "")) if entry.get("title") else None,
            "url": entry.get("link"),
            "published": normalise_date(entry.get("published"), entry.get("published_parsed"))
            or normalise_date(entry.get("created"), entry.get("created_parsed")),
            "modified": normalise_date(entry.get("updated"), entry.get("updated_parsed")),
            "published_raw": entry.get("published") or entry.get("created"),
            "authors": _author_names(list(entry.get("authors") or []) or [entry.get("author")]),
            "content_html": content,
            "summary_html": summary,
            "language": entry.get("language") or language,
            "source": feed_title,
            "keywords": [t.get("term") for t in entry.get("tags", []) if isinstance(t, dict) and t.get("term")],
            "id": entry.get("id"),
            "feed_title": feed_title,
            "feed_url": feed.get("link"),
            "format": parsed.get("version") or "feed",
        }


class HugeInt(str):
    """An integer of more than 4,300 digits in JSON, kept as its digits: Python
    refuses to convert it, and only a field that must hold text or a number makes
    it an error (an unknown field holding one costs nothing)."""


def _parse_int(digits: str) -> int | HugeInt:
    return HugeInt(digits) if len(digits.lstrip("-")) > 4300 else int(digits)


def _kind(value: Any) -> str:
    """What a JSON value is, in words, for a quarantine detail."""
    if isinstance(value, HugeInt):
        return f"an integer of {len(value.lstrip('-')):,} digits"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "an infinity"
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number",
            str: "text"}.get(type(value), type(value).__name__)


def _text(obj: dict[str, Any], key: str, where: str) -> str | None:
    """``obj[key]`` when it is text, ``None`` when absent or null; anything else is
    refused (never written as its Python repr)."""
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not isinstance(value, HugeInt)):
        return value
    raise DocumentError("bad-field-type", f"{where} field {key!r} holds {_kind(value)}, not text")


def _ident(item: dict[str, Any], where: str) -> str | None:
    """A JSON Feed ``id``: text, or a finite number in decimal (the spec tells
    readers to coerce numbers); objects, lists, booleans, NaN are refused."""
    value = item.get("id")
    if isinstance(value, int | float) and not isinstance(value, bool) and not isinstance(value, HugeInt) \
            and math.isfinite(value):
        return str(value)
    return _text(item, "id", where)


def _people(obj: dict[str, Any], where: str) -> list[Any]:
    """``authors`` (1.1: a list of objects) or ``author`` (1.0: one object)."""
    authors = obj.get("authors")
    if authors is None:
        author = obj.get("author")
        authors = [] if author is None else [author]
        key = "author"
    else:
        key = "authors"
    if not isinstance(authors, list):
        raise DocumentError("bad-field-type", f"{where} field {key!r} holds {_kind(authors)}, not a list of objects")
    for person in authors:
        if not isinstance(person, dict) or not isinstance(person.get("name"), str | None):
            bad = person.get("name") if isinstance(person, dict) else person
            raise DocumentError("bad-field-type", f"{where} field {key!r} holds {_kind(bad)} as an author, "
                                "not an object with a text 'name'")
    return authors


def jsonfeed_items(data: dict[str, Any]) -> Iterator[dict[str, Any] | DocumentError]:
    """Items of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1), each a
    dict of the common keys, or the :class:`DocumentError` that quarantines that
    item alone: an item that is not an object (``invalid-item``), or a field we
    read holding the wrong type (``bad-field-type``, the field named: an object,
    a list, NaN, an infinity or a 4,300-digit integer where text belongs).

    A wrong type in the feed's own fields (its ``title``, ``language``,
    ``authors``) is raised: it would cost every item. Hand-written because the
    feedparser release in use does not read JSON Feed; the format is a small JSON
    object.
    """
    feed_title = _text(data, "title", "the feed's")
    feed_language = _text(data, "language", "the feed's")
    feed_url = _text(data, "home_page_url", "the feed's")
    feed_authors = _people(data, "the feed's")
    items = data.get("items")
    if items is None:
        return
    if not isinstance(items, list):
        raise DocumentError("invalid-feed", f"the feed's 'items' holds {_kind(items)}, not a list")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            yield DocumentError("invalid-item", f"item {i} is {_kind(item)}, not an object")
            continue
        where = f"item {i}:"
        try:
            content = _text(item, "content_html", where)
            text = _text(item, "content_text", where)
            if not content or not content.strip():
                content = text
            title = _text(item, "title", where)
            tags = item.get("tags")
            if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
                raise DocumentError("bad-field-type", f"{where} field 'tags' holds {_kind(tags)}, not a list of text")
            yield {
                "title": plain_text(title) if title else None,
                "url": _text(item, "url", where) or _text(item, "external_url", where),
                "published": normalise_date(_text(item, "date_published", where)),
                "modified": normalise_date(_text(item, "date_modified", where)),
                "authors": _author_names(_people(item, where) or feed_authors),
                "content_html": content,
                "summary_html": _text(item, "summary", where),
                "language": _text(item, "language", where) or feed_language,
                "source": feed_title,
                "keywords": list(tags or []),
                "id": _ident(item, where),
                "feed_title": feed_title,
                "feed_url": feed_url,
                "format": "jsonfeed",
            }
        except DocumentError as exc:
            yield exc


def local_name(tag: Any) -> str:
    """An element's local name: ``{ns}url`` gives ``url``, and so does ``a:url``
    (a prefix no ``xmlns`` declares, which lxml's recovering parser keeps in the
    tag and ``etree.QName`` refuses with ``ValueError``: found by fuzzing, it made
    the reader raise on ``<rdf:RDF>`` without its namespace); ``""`` for a comment
    or processing instruction."""
    return tag.rpartition("}")[2].rpartition(":")[2] if isinstance(tag, str) else ""



def _child_text(el: Any, *path: str) -> str | None:
    cur = [el]
    for name in path:
        cur = [c for p in cur for c in p if local_name(c.tag) == name]
    for c in cur:
        if isinstance(c.text, str) and c.text.strip():
            return str(c.text.strip())
    return None


def sitemap_entries(data: bytes) -> Iterator[dict[str, Any]]:
    """Entries of a sitemap ``<urlset>`` (with the Google News extension) or the
    child sitemaps of a ``<sitemapindex>`` (``format: sitemapindex``).

    Parsed with entity expansion, DTDs and network access off, streaming one entry
    at a time.
    """
    context = etree.iterparse(BytesIO(data), events=("end",), resolve_entities=False, no_network=True,
                              load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    for _event, el in context:
        name = local_name(el.tag)
        if name not in ("url", "sitemap"):
            continue
        parent = el.getparent()
        parent_name = local_name(parent.tag) if parent is not None else ""
        if name == "url" and parent_name == "urlset":
            yield {
                "title": plain_text(t) if (t := _child_text(el, "news", "title")) else None,
                "url": _child_text(el, "loc"),
                "published": normalise_date(_child_text(el, "news", "publication_date")),
                "modified": normalise_date(_child_text(el, "lastmod")),
                "authors": [],
                "content_html": None,
                "summary_html": None,
                "language": _child_text(el, "news", "publication", "language"),
                "source": _child_text(el, "news", "publication", "name"),
                "keywords": [k.strip() for k in (_child_text(el, "news", "keywords") or "").split(",") if k.strip()],
                "id": None,
                "feed_title": None,
                "feed_url": None,
                "format": "sitemap",
            }
            el.clear(keep_tail=True)
        elif name == "sitemap" and parent_name == "sitemapindex":
            yield {"url": _child_text(el, "loc"), "modified": normalise_date(_child_text(el, "lastmod")),
                   "format": "sitemapindex"}
            el.clear(keep_tail=True)


def load_json(data: bytes) -> Any:
    """JSON from bytes (UTF-8 with or without BOM). Integers of more than 4,300
    digits become :class:`HugeInt` instead of failing the whole file."""
    return json.loads(data.decode("utf-8-sig"), parse_int=_parse_int)
