"""The ``feed`` reader: RSS, Atom, JSON Feed and sitemaps, one record per item."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import attrs
import feedparser
from lxml import etree

from newscorpus.errors import DocumentError
from newscorpus.options import at_least, option, positive
from newscorpus.readers import InputUnit, RawDocument, Reader, read_bounded

from .fetch import USER_AGENT, FetchError, make_fetcher
from .items import (
    ITEM_MEDIA_TYPE,
    MIN_WORDS,
    feed_items,
    has_text,
    jsonfeed_items,
    load_json,
    local_name,
    sitemap_entries,
)

__all__ = ["FeedReader", "mark_bad_references", "sniff"]

_FEED_ROOTS = {"rss", "feed", "rdf", "channel", "entry"}  # "entry": an Atom Entry Document
_SITEMAP_ROOTS = {"urlset", "sitemapindex"}
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def sniff(data: bytes) -> tuple[str, str]:
    """What ``data`` holds: ``(kind, detail)`` with kind ``json``, ``feed``,
    ``sitemap``, ``html``, ``xml`` (another XML vocabulary; detail = root name),
    ``empty`` or ``unknown``."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return "empty", ""
    if head[:1] in (b"{", b"["):
        return "json", ""
    if _HTML_START.match(head[:2048]):
        return "html", ""
    try:
        for _event, el in etree.iterparse(BytesIO(data), events=("start",), resolve_entities=False,
                                          no_network=True, load_dtd=False, huge_tree=False):
            root = local_name(el.tag).lower()
            if root in _SITEMAP_ROOTS:
                return "sitemap", root
            if root in _FEED_ROOTS:
                return "feed", root
            if root == "html":
                return "html", ""
            return "xml", root
    except etree.XMLSyntaxError as exc:
        # Broken XML may still be a feed feedparser can read leniently.
        if re.search(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b", head[:4096]):
            return "sitemap", f"malformed: {exc}"  # read up to the break
        return ("feed", f"malformed: {exc}") if re.search(rb"<(rss|feed|rdf:RDF)\b", head[:4096]) else (
            "unknown", str(exc))
    return "unknown", ""


#: A numeric character reference (``&#xD800;``, ``&#55296;``); like feedparser's
#: own pattern, the semicolon is optional.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
#: Unicode noncharacters, "reserved for internal use" by the standard: one of them
#: (absent from the file) stands in for each bad reference while feedparser runs.
_MARKERS = [chr(c) for c in range(0xFDD0, 0xFDF0)]


def _bad_code_point(m: re.Match[bytes]) -> bool:
    digits = (m.group(1) or m.group(2)).lstrip(b"0") or b"0"  # int() refuses 4,300+ digits, zeros too
    if len(digits) > 8:
        return True
    code = int(digits, 16) if m.group(1) else int(digits)
    return code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF


def mark_bad_references(data: bytes) -> tuple[bytes, str]:
    """``data`` with every numeric character reference to no Unicode character
    (NUL, a lone surrogate such as ``&#xD800;``, a code point past U+10FFFF)
    replaced by a reference to a marker noncharacter, and that marker (``""`` when
    there was none).

    XML forbids such references and feedparser's lenient parser crashes on them
    (``chr(0xD800).encode()``), losing the whole feed; marked, the feed parses and
    :func:`_invalid_text` quarantines only the items holding the marker.
    """
    if not any(_bad_code_point(m) for m in _CHAR_REF.finditer(data)):
        return data, ""
    lowered = data.lower()
    for marker in _MARKERS:
        forms = (marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be"),
                 f"&#x{ord(marker):x};".encode(), f"&#{ord(marker)};".encode())
        if not any(f in lowered for f in forms):
            break
    else:  # a file holding all 32 noncharacters: left as it is, feedparser then
        return data, ""  # fails and the file is quarantined as invalid-feed
    ref = f"&#x{ord(marker):X};".encode()
    return _CHAR_REF.sub(lambda m: ref if _bad_code_point(m) else m.group(0), data), marker


#: The feed's words for the item keys whose names are ours.
_FIELD_NAMES = {"content_html": "content", "summary_html": "summary (description)", "feed_title": "feed title",
                "source": "feed title", "url": "link", "id": "id (guid)", "keywords": "categories (tags)"}


def _invalid_text(fields: dict[str, Any], marker: str) -> DocumentError | None:
    """``invalid-unicode`` naming the first field of an item that holds a lone
    surrogate (a JSON Feed ``\\ud800`` escape) or the marker of a bad character
    reference: such text cannot be written as UTF-8, and the core parse stage refuses
    it in the same words (``newscorpus.stages.parse``)."""
    for key, value in fields.items():
        name = _FIELD_NAMES.get(key, key)
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            if marker and marker in text:
                return DocumentError("invalid-unicode", f"the item's {name} holds a numeric character reference to "
                                     "no Unicode character (a lone surrogate such as &#xD800;, NUL, or past "
                                     "U+10FFFF), which XML forbids")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                return DocumentError("invalid-unicode", f"the item's {name} holds a lone surrogate "
                                     f"(U+{ord(text[exc.start]):04X} at character {exc.start}), not valid "
                                     "Unicode text")
    return None


class FeedReader(Reader):
    """Reads RSS (0.9x, 1.0, 2.0), Atom, JSON Feed and XML sitemaps (with the
    Google News extension), sniffing the content rather than trusting the name.

    Each item or sitemap entry becomes one raw document of media type
    ``application/x-newscorpus-feed-item`` (record = its index in the file),
    parsed by the ``feed-item`` parser. A file that is not a feed (an HTML page,
    another XML vocabulary, JSON that is not a JSON Feed, a feed with no items) is
    quarantined with a reason saying what it is.

    Items that carry no article text (most sitemaps, teaser-only feeds) become
    ``needs-fetch`` records naming the URL. With ``fetch: true`` the reader
    instead fetches that page and hands it to the ``html`` parser (install
    ``newscorpus-html``) as a ``text/html`` document whose fields carry the URL,
    the fetch time and the item's title, date, language and source.

    Options:
        max_bytes: Largest feed file read (default 64 MiB; sitemaps may hold 50 MB).
        min_words: Content shorter than this is a teaser, not the article (default 50).
        fetch: Fetch the pages of items without text (default ``false``).
        fetch_timeout, fetch_delay, user_agent, robots: Fetch manners (20 s in all per
            request, 1 s per host, newscorpus-feeds UA, obey robots.txt).
        fetch_allow: Networks or host names that may be fetched although they are
            not public addresses (default none: links to private, loopback and
            link-local addresses are refused, after every redirect too).
    """

    name = "feed"

    @attrs.frozen
    class Options:
        """Options of the ``feed`` reader."""

        max_bytes: int = option(64 * 1024 * 1024, "Largest feed file read.", positive)
        min_words: int = option(MIN_WORDS, "Content shorter than this is a teaser, not the article.", at_least(0))
        fetch: bool = option(False, "Fetch the pages of items without text.")
        fetch_timeout: float = option(20.0, "Seconds in all per request.", at_least(0))
        fetch_delay: float = option(1.0, "Seconds between requests to one host.", at_least(0))
        user_agent: str = option(USER_AGENT, "User agent of fetches.")
        robots: bool = option(True, "Obey robots.txt.")
        fetch_allow: tuple[str, ...] = option((), "Networks or hosts fetched although not public addresses.")
        fetcher: Any = option(None, "Python API only: a callable used instead of the built-in fetcher.")
    patterns = (
        "*.rss", "*.atom", "*.rdf", "*.xml", "*.feed", "*.json",
        "*.rss.gz", "*.atom.gz", "*.xml.gz", "*.json.gz",
    )

    def __init__(self, limits: Any = None, **options: Any) -> None:
        super().__init__(limits, **options)
        self.max_bytes = int(options.get("max_bytes", 64 * 1024 * 1024))
        self.min_words = int(options.get("min_words", MIN_WORDS))
        self.fetch = bool(options.get("fetch", False))
        self._fetcher: Any = None

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        rel = unit.relpath

        def error(record: int, reason: str, detail: str) -> RawDocument:
            return RawDocument(unit.path, record, f"{rel}#{record}", self.name, media_type=ITEM_MEDIA_TYPE,
                               error=DocumentError(reason, detail))

        try:
            data = read_bounded(unit.path, self.max_bytes, "the feed reader's max_bytes")
        except DocumentError as exc:
            yield error(0, exc.reason, exc.detail)
            return
        except OSError as exc:
            yield error(0, "unreadable", str(exc.strerror or exc))
            return
        # Marked before sniffing: lxml's sniff would stop at a bad reference too.
        json_like = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
        data, marker = (data, "") if json_like else mark_bad_references(data)
        kind, detail = sniff(data)
        items: list[dict[str, Any] | DocumentError] = []
        try:
            items.extend(self._items(kind, detail, data))
        except DocumentError as exc:
            # A sitemap broken half-way keeps the entries read before the break.
            items.append(exc)
        if not items:
            yield error(0, "no-items", f"the {kind} holds no items")
            return
        for i, fields in enumerate(items):
            bad = fields if isinstance(fields, DocumentError) else _invalid_text(fields, marker)
            if bad is not None:
                yield error(i, bad.reason, bad.detail)
            elif not isinstance(fields, DocumentError):
                yield self._document(unit, rel, i, fields)

    def _items(self, kind: str, detail: str, data: bytes) -> Iterator[dict[str, Any] | DocumentError]:
        if kind == "empty":
            raise DocumentError("empty", "the file is empty")
        if kind == "html":
            raise DocumentError("not-a-feed", "the file is an HTML page, not a feed (use the html reader for pages)")
        if kind == "xml":
            raise DocumentError("not-a-feed", f"XML with root <{detail}>, which is not rss, feed, entry, RDF, urlset "
                                "or sitemapindex")
        if kind == "unknown":
            raise DocumentError("not-a-feed", f"neither XML nor JSON{': ' + detail if detail else ''}")
        if kind == "json":
            try:
                obj = load_json(data)
            except RecursionError:
                raise DocumentError("too-deep", "JSON nested too deeply to parse") from None
            except ValueError as exc:  # syntax, encoding, an integer of more than 4,300 digits
                raise DocumentError("invalid-json", f"not valid JSON: {exc}") from exc
            version = obj.get("version") if isinstance(obj, dict) else None
            if not (isinstance(version, str) and "jsonfeed.org" in version):
                raise DocumentError("not-a-feed", "JSON without a JSON Feed 'version' "
                                    "(https://jsonfeed.org/version/1.1); JSON Lines dumps go to the jsonl reader")
            yield from jsonfeed_items(obj)
            return
        if kind == "sitemap":
            try:
                yield from sitemap_entries(data)
            except etree.XMLSyntaxError as exc:
                raise DocumentError("invalid-sitemap", f"the sitemap is not well-formed XML: {exc}") from exc
            return
        try:
            parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
        except (ValueError, OverflowError) as exc:
            # feedparser's lenient parser fails on what mark_bad_references cannot see
            # (a UTF-16 feed's references): the file, not the run.
            raise DocumentError("invalid-feed", f"the feed cannot be parsed: {type(exc).__name__}: {exc}") from exc
        if not parsed.get("entries"):
            if parsed.get("bozo"):
                raise DocumentError("invalid-feed", f"the feed cannot be parsed: {parsed.get('bozo_exception')}")
            return
        yield from feed_items(parsed)

    def _document(self, unit: InputUnit, rel: str, i: int, fields: dict[str, Any]) -> RawDocument:
        key = f"{rel}#{i}"
        fields["min_words"] = self.min_words  # the parser applies the same teaser threshold
        if not self.fetch or has_text(fields, self.min_words) or not fields.get("url"):
            return RawDocument(unit.path, i, key, self.name, media_type=ITEM_MEDIA_TYPE, fields=fields)
        if self._fetcher is None:
            self._fetcher = make_fetcher(self.options, self.limits.max_document_bytes)
        try:
            page = self._fetcher(str(fields["url"]))
        except FetchError as exc:
            return RawDocument(unit.path, i, key, self.name, media_type=ITEM_MEDIA_TYPE,
                               fields=fields, error=DocumentError("fetch-failed", str(exc)))
        media_type = "application/xhtml+xml" if "xhtml" in page.content_type else "text/html"
        hints = {k: fields.get(k) for k in ("title", "published", "language", "source") if fields.get(k)}
        return RawDocument(unit.path, i, key, self.name, media_type=media_type, data=page.data,
                           fields={**hints, "url": page.url, "fetched": page.fetched,
                                   "content_type": page.content_type})
