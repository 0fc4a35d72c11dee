"""The ``html`` parser: a news page to an Article.

Pipeline per page: decode (HTTP charset when the container knew it, else
trafilatura's sniffing) → read the page's own metadata declarations
(:mod:`newscorpus_html.metadata`) → trafilatura main-text extraction, kept as
blocks (:mod:`newscorpus_html.extract`) → markup-revealed furniture out
(:mod:`newscorpus_html.structure`) → the same byline/dateline analysis the
plain-text parser applies (:func:`newscorpus.parsers.plaintext.analyse_paragraphs`).
newscorpus's text cleaners then run on the result like on any other article.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

import attrs
import trafilatura
import trafilatura.utils
from lxml.html import HtmlElement

from newscorpus.errors import DocumentError
from newscorpus.models import Article, Credit, Flag, Provenance, Timestamp
from newscorpus.options import one_of, option, positive
from newscorpus.parsers import Parser
from newscorpus.parsers.plaintext import analyse_paragraphs
from newscorpus.readers import Limits, RawDocument

from .extract import PageMarks, extract_blocks, page_marks, run_trafilatura
from .metadata import PageMeta, clean_authors, clean_title, language_code, parse_date, read_page_meta
from .structure import apply_structure

__all__ = ["HtmlParser", "decode_page", "decode_text"]

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
#: ``<meta charset=...>`` or ``<meta http-equiv=Content-Type content="...; charset=...">``.
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: How far into the page the declaration is looked for (browsers: 1,024 bytes; pages
#: with long heads put it later).
_PRESCAN_BYTES = 4096
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")


def decode_page(data: bytes, fields: dict[str, Any]) -> HtmlElement | None:
    """Parse page bytes into an lxml tree (see :func:`decode_text` for the charset).

    Raises:
        DocumentError: ``too-deep`` when the markup nests past libxml2's depth limit
            (256): the parser stops there, and the page would be written cut off
            (``too-large`` for its other limits, such as a text node past 10 MB).
    """
    return load_tree(decode_text(data, fields)[0])


def load_tree(text: str) -> HtmlElement | None:
    """trafilatura's tree of a decoded page; ``too-deep`` as :func:`decode_page`."""
    tree = trafilatura.load_html(text)
    parser = getattr(trafilatura.utils, "HTML_PARSER", None)  # the parser load_html used
    for entry in getattr(parser, "error_log", ()):
        if entry.type_name == "ERR_RESOURCE_LIMIT":  # depth, or a text node past 10 MB
            reason = "too-deep" if "depth" in entry.message.lower() else "too-large"
            raise DocumentError(reason, f"the page's markup exceeds a parser limit ({entry.message.strip()} "
                                f"at line {entry.line}); the rest of the page could not be read")
    return tree


def decode_text(data: bytes, fields: dict[str, Any]) -> tuple[str, str | None]:
    """The page's text and, when its encoding was guessed, a sentence saying so.

    In order: a charset from the container (the HTTP ``Content-Type`` of a WARC
    record or a fetch); UTF-8 when the bytes are valid UTF-8 (whatever the page
    declares: valid UTF-8 is almost never an accident); the page's own
    ``<meta charset>`` when it names a legacy encoding (as a browser reads it);
    and only then detection (trafilatura's guesses), which is noted: on short text
    it picks look-alike code pages (cp1257 for French written in cp1252).
    """
    charset = fields.get("charset")
    if not charset and isinstance(fields.get("content_type"), str):
        m = _CHARSET.search(fields["content_type"])
        charset = m.group(1) if m else None
    if isinstance(charset, str) and charset:
        try:
            return data.decode(charset, errors="replace"), None
        except LookupError:  # unknown charset name: fall back to sniffing
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    declared = meta.group(1).decode("ascii").lower() if meta else None
    codec = _codec(declared) if declared else None
    if codec is not None and not codec.startswith(("utf-", "utf_")):
        return data.decode(codec, errors="replace"), None
    for guess in trafilatura.utils.detect_encoding(data):
        try:
            text = data.decode(guess)
        except (LookupError, UnicodeDecodeError):
            continue
        why = f"declares {declared} but is not valid {declared}" if declared else "declares no charset and is " \
            "not UTF-8"
        return text, f"the page {why}; decoded as {guess}, a guess by detection"
    return data.decode("utf-8", errors="replace"), "the page is not UTF-8 and no encoding fitted; invalid bytes " \
        "replaced with U+FFFD"


#: Labels the WHATWG Encoding Standard decodes as a superset, as browsers do: pages
#: labelled ISO-8859-1 hold cp1252 quotes and dashes (0x80-0x9F), GB2312 pages hold
#: GBK characters, and so on.
_WHATWG_SUPERSETS = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "tis-620": "cp874",
                     "iso8859-11": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949",
                     "shift_jis": "cp932"}


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _WHATWG_SUPERSETS.get(codec, codec)


def _bool(options: dict[str, Any], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if not isinstance(value, bool):
        raise TypeError(f"html parser option {key!r} must be true or false, got {value!r}")
    return value


class HtmlParser(Parser):
    """Parses news pages (``text/html``, ``application/xhtml+xml``) with trafilatura.

    Fields: ``title``, ``authors``/``credits``, ``published`` and ``modified`` (kept
    apart, each with its signal: ``html-meta`` for JSON-LD/``<meta>``/microdata,
    ``feed`` for a date the container gave, ``url`` for a date in the URL, ``html``
    for htmldate's search of the page), ``language`` (see the option),
    ``url`` (canonical), ``source`` (site name), ``body`` (one paragraph per
    extracted block). Page description, section, keywords and JSON-LD types go to
    ``extras["html"]``.

    Raw-document fields it reads when a reader provides them: ``url`` and
    ``fetched`` (→ provenance; the URL also resolves relative links), ``charset`` or
    ``content_type``, and hints a feed gave for the page: ``title``, ``published``,
    ``language``, ``source``.

    Decoding follows :func:`decode_text`; a page whose encoding had to be guessed
    gets a ``guessed_encoding`` flag. Markup nested past libxml2's depth limit
    (256) is quarantined as ``too-deep`` rather than written cut off where the
    parser stopped.

    Options:
        include_tables: Keep table text (default ``true``).
        include_comments: Keep reader comments (default ``false``: not news).
        favor: ``balanced`` (default), ``precision`` or ``recall`` (trafilatura's modes).
        fast: Skip trafilatura's fallback extractors (faster, lower recall).
        structure: Remove markup-revealed furniture (link lists, repeated headline,
            date and author lines) as Removals (default ``true``).
        bylines: Lift bylines and datelines like the plain-text parser (default
            ``true``).
        max_tree_size: Pages with more elements than this are quarantined
            (default 300,000).
        language: ``text`` (default) leaves ``language`` to the pipeline's
            identification from the text and keeps the page's declaration in
            ``extras["html"]["declared_language"]``; ``declared`` uses the
            declaration (``<html lang>``, JSON-LD ``inLanguage``) when there is one.
    """

    name = "html"

    @attrs.frozen
    class Options:
        """Options of the ``html`` parser."""

        include_tables: bool = option(True, "Keep the text of tables.")
        include_comments: bool = option(False, "Keep readers' comments.")
        fast: bool = option(False, "trafilatura's fast mode (no fallback extractors).")
        structure: bool = option(True, "Keep headings and list items as paragraphs.")
        bylines: bool = option(True, "Read bylines and credits from the page.")
        favor: str = option("balanced", "trafilatura's trade-off.", one_of("balanced", "precision", "recall"))
        max_tree_size: int = option(300_000, "Pages with more elements are quarantined.", positive)
        language: str = option("text", "`text`: identify from the text; `declared`: trust the page's `lang`.",
                               one_of("text", "declared"))
    media_types = ("text/html", "application/xhtml+xml")

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or Limits()
        self.include_tables = _bool(options, "include_tables", True)
        self.include_comments = _bool(options, "include_comments", False)
        self.fast = _bool(options, "fast", False)
        self.structure = _bool(options, "structure", True)
        self.bylines = _bool(options, "bylines", True)
        self.favor = str(options.get("favor", "balanced"))
        if self.favor not in ("balanced", "precision", "recall"):
            raise ValueError(f"html parser option 'favor' must be balanced, precision or recall, got {self.favor!r}")
        self.max_tree_size = int(options.get("max_tree_size", 300_000))
        self.language = str(options.get("language", "text"))
        if self.language not in ("text", "declared"):
            raise ValueError(f"html parser option 'language' must be text or declared, got {self.language!r}")

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        data = doc.data
        if data is None:
            raise DocumentError("no-data", "the reader gave no bytes for an HTML document")
        if len(data) > self.limits.max_document_bytes:
            raise DocumentError(
                "too-large",
                f"page of {len(data):,} bytes exceeds read.limits.max_document_bytes "
                f"({self.limits.max_document_bytes:,})",
            )
        if not data.strip():
            raise DocumentError("empty", "the page is empty")
        fields = doc.fields
        hint_url = fields.get("url") if isinstance(fields.get("url"), str) else None
        fetched = parse_date(fields.get("fetched"), "warc") if fields.get("fetched") else None
        not_after = _as_datetime(fetched.value) if fetched is not None else None
        text, note = decode_text(data, fields)
        try:
            tree = load_tree(text)
            if tree is None:
                raise DocumentError("not-html", "no HTML document could be parsed from the bytes")
            meta = read_page_meta(tree, base_url=hint_url, not_after=not_after)
            marks = page_marks(tree) if self.structure else PageMarks()
            document = run_trafilatura(
                tree,
                url=meta.url or hint_url,
                include_tables=self.include_tables,
                include_comments=self.include_comments,
                favor=self.favor,
                fast=self.fast,
                max_tree_size=self.max_tree_size,
                # trafilatura's own metadata search (htmldate included) only fills gaps.
                with_metadata=not (meta.title and meta.authors and meta.published and meta.site_name),
            )
        except RecursionError as exc:
            raise DocumentError("too-deep", "the page's markup is nested too deeply to process") from exc
        except (ValueError, TypeError, AttributeError) as exc:
            # lxml and trafilatura raise these on badly broken markup.
            raise DocumentError("unparseable-html", f"{type(exc).__name__}: {exc}") from exc
        if document is None:
            raise DocumentError("no-text", "no main text found in the page (or it exceeds max_tree_size)")
        blocks = extract_blocks(document.body, marks)
        article = self._article(doc, article_id, meta, document, blocks, not_after)
        if note is not None:
            article = attrs.evolve(article, flags=(*article.flags, Flag("guessed_encoding", self.name, note)))
        return article

    def _article(
        self, doc: RawDocument, article_id: str, meta: PageMeta, document: Any, blocks: Any,
        not_after: dt.datetime | None,
    ) -> Article:
        fields = doc.fields
        hint_url = fields.get("url") if isinstance(fields.get("url"), str) else None
        site = meta.site_name or _str(document.sitename) or _str(fields.get("source"))
        title = meta.title or _str(document.title) or _str(fields.get("title")) or ""
        host = _host(meta.url or hint_url)
        title = clean_title(title, names=[site, _str(document.sitename), meta.section,
                                          host.removeprefix("www.").split(".")[0] if host else None])
        authors = meta.authors or clean_authors(
            [a for a in (_str(document.author) or "").split(";")], site_name=site
        )
        if self.structure:
            result = apply_structure(blocks, title=title, authors=authors)
            kept, removed = list(result.kept), list(result.removed)
        else:
            kept, removed = [(i, b.text) for i, b in enumerate(blocks)], []
        for _, line in kept:
            if len(line) > self.limits.max_line_chars:
                raise DocumentError(
                    "line-too-long",
                    f"an extracted paragraph of {len(line):,} characters exceeds read.limits.max_line_chars",
                )
        credits = [Credit(a, "author", "html-meta") for a in authors]
        dateline = None
        parsed_source = None
        if self.bylines and kept:
            parsed = analyse_paragraphs([line for _, line in kept], has_title=False)
            index = [i for i, _ in kept]
            body = list(parsed.body)
            # A URL closing a web page's text is a link the author cited (the page's
            # own URL comes from its markup): it stays in the body.
            cited = sorted((r for r in parsed.removed if r.rule == "parser.trailing_url"), key=lambda r: r.position)
            body += [r.text for r in cited]
            removed += [_reposition(r, index) for r in parsed.removed if r.rule != "parser.trailing_url"]
            for credit in parsed.credits:
                if credit.name not in {c.name for c in credits}:
                    credits.append(credit)
            dateline, parsed_source = parsed.dateline, parsed.source
        else:
            body = [line for _, line in kept]
        if not body:
            raise DocumentError("no-text", "the page's main text held nothing but page furniture")
        removed.sort(key=lambda r: r.position)
        published = meta.published or parse_date(fields.get("published"), "feed", not_after=not_after)
        if published is None:
            published = self._htmldate(document.date, meta.url or hint_url, not_after)
        url = meta.url or _str(document.url) or hint_url
        extras: dict[str, Any] = {}
        html_extras = {
            "description": meta.description or _str(document.description),
            "section": meta.section,
            "keywords": list(meta.keywords) or _split(document.tags),
            "categories": _split(document.categories),
            "types": list(meta.types),
            "declared_language": meta.language,
        }
        html_extras = {k: v for k, v in html_extras.items() if v}
        if html_extras:
            extras["html"] = html_extras
        authors_all = tuple(dict.fromkeys(c.name for c in credits if c.role in ("author", "reporter")))
        return Article(
            id=article_id,
            title=title,
            body=tuple(body),
            # Page templates often declare the wrong language (3.6% of trafilatura-eval pages
            # that declare one disagree with their text): by default the pipeline identifies
            # it from the text, and the declaration stays in extras.
            language=(meta.language or language_code(fields.get("language"))) if self.language == "declared" else None,
            published=published,
            modified=meta.modified,
            source=site or parsed_source,
            authors=authors_all,
            credits=tuple(credits),
            url=url,
            dateline=dateline,
            removed=tuple(removed),
            provenance=Provenance(
                path=doc.path,
                record=doc.record,
                reader=doc.reader,
                parser=self.name,
                url=hint_url,
                fetched=_str(fields.get("fetched")),
                sha1=hashlib.sha1(doc.data or b"").hexdigest(),
            ),
            extras=extras,
        )

    @staticmethod
    def _htmldate(value: Any, url: str | None, not_after: dt.datetime | None) -> Timestamp | None:
        """htmldate's answer (found by trafilatura), labelled ``url`` when the URL says it."""
        ts = parse_date(value, "html", not_after=not_after)
        if ts is None:
            return None
        if ts.isoformat().endswith("T00:00:00") or (isinstance(ts.value, dt.datetime) and ts.value.time() == dt.time()):
            # htmldate pads a bare date with midnight: keep day precision.
            ts = Timestamp(ts.value.date() if isinstance(ts.value, dt.datetime) else ts.value, "day", "html")
        if url:
            day = ts.value if not isinstance(ts.value, dt.datetime) else ts.value.date()
            for m in _URL_DATE.finditer(url):
                try:
                    if dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) == day:
                        return Timestamp(ts.value, ts.precision, "url")
                except ValueError:
                    continue
        return ts


def _reposition(removal: Any, index: list[int]) -> Any:
    import attrs

    pos = removal.position
    return attrs.evolve(removal, position=index[pos] if 0 <= pos < len(index) else pos)


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, 23, 59, tzinfo=dt.UTC)


def _host(url: str | None) -> str:
    """The host of ``url``, or ``""``: ``urlsplit`` raises ``ValueError`` on a
    bracketed host that is no IP address, which a capture's ``WARC-Target-URI``
    may hold (found by fuzzing)."""
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        value = re.sub(r"\s+", " ", value).strip()
        return value or None
    return None


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [v for v in (str(x).strip() for x in value) if v]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return []
