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
import re
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from lxml import etree

from .htmltext import fragment_paragraphs, plain_text

__all__ = [
    "ITEM_MEDIA_TYPE",
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
        except (TypeError, ValueError, IndexError):
            pass
    if isinstance(parsed, time.struct_time):
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
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


def jsonfeed_items(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Items of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1).

    Hand-written because the feedparser release in use does not read JSON Feed;
    the format is a small JSON object.
    """
    feed_title = data.get("title") if isinstance(data.get("title"), str) else None
    feed_authors = data.get("authors") or ([data["author"]] if isinstance(data.get("author"), dict) else [])
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        content = item.get("content_html")
        if not isinstance(content, str) or not content.strip():
            text = item.get("content_text")
            content = text if isinstance(text, str) else None
        summary = item.get("summary") if isinstance(item.get("summary"), str) else None
        yield {
            "title": plain_text(item["title"]) if isinstance(item.get("title"), str) else None,
            "url": item.get("url") or item.get("external_url"),
            "published": normalise_date(item.get("date_published")),
            "modified": normalise_date(item.get("date_modified")),
            "authors": _author_names(list(authors or feed_authors)),
            "content_html": content,
            "summary_html": summary,
            "language": item.get("language") or data.get("language"),
            "source": feed_title,
            "keywords": [t for t in item.get("tags") or [] if isinstance(t, str)],
            "id": str(item["id"]) if item.get("id") is not None else None,
            "feed_title": feed_title,
            "feed_url": data.get("home_page_url"),
            "format": "jsonfeed",
        }


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(el: Any, *path: str) -> str | None:
    cur = [el]
    for name in path:
        cur = [c for p in cur for c in p if _local(c.tag) == name]
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
        name = _local(el.tag)
        if name not in ("url", "sitemap"):
            continue
        parent = el.getparent()
        parent_name = _local(parent.tag) if parent is not None else ""
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
    """JSON from bytes (UTF-8 with or without BOM)."""
    return json.loads(data.decode("utf-8-sig"))
