"""The built-in parser for plain-text news: a title line, an optional lede, body
paragraphs (one per line, with or without blank lines between them), and the
furniture scrapers leave around them.

What it lifts out of the text, and where to (each lift is recorded as a
:class:`~newscorpus.models.Removal` with ``moved_to`` set, so nothing is lost):

* header lines at the top (``date 2025-04-17``, ``url: ...``), even with the title
  glued after the date → ``published`` / ``url`` / ``source`` / ...;
* bylines and credits in the first and last lines (``By X``, ``Oleh: X``,
  ``(Reporting by X; Editing by Y)``, ``(Tribunnews.com/Name)``) → ``credits``,
  ``authors`` and ``source``; a picture's credit (``Foto: X``) anywhere;
* dated bylines and update lines in the first and last lines (``Posted on
  March 5, 2024 by X``, ``Updated: 6 March 2024, 9:05 am``) → ``credits`` and
  ``published`` / ``modified``;
* a trailing bare URL → ``url`` (and ``source`` from its domain).

The dateline (``MOSCOW (Reuters) -``) is read into ``dateline`` and ``source``
but stays in the body: it is part of the story's first sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..errors import DocumentError
from ..models import Article, Credit, Dateline, Removal, Timestamp
from ..options import option
from ..outlets import domain_of, outlet_from_domain
from ..readers.base import Limits, RawDocument
from .base import Parser, provenance_of
from .furniture import (
    DatedLine,
    decode_text,
    find_dateline,
    match_byline,
    match_dash_credit,
    match_dated_line,
    match_header,
    match_marked_credit,
    match_picture_credit,
    match_signature,
    match_staff_credit,
    match_url_line,
    parse_timestamp,
)

__all__ = ["ParsedText", "PlainTextParser", "analyse_paragraphs", "split_paragraphs"]

#: Bylines are looked for among this many paragraphs at the top of the text.
EDGE = 4
#: Credit lines are looked for among this many paragraphs at the bottom, below
#: the last paragraph of content.
TAIL = 8
#: A paragraph of at least this many words is content: the bottom-up search for
#: credit lines stops there. Shorter sentences below a credit line are mostly
#: page furniture ("Download the app for live updates.", "Yuk, ikuti kanal ...").
CONTENT_WORDS = 20
#: A title longer than this is taken to be body text: the file has no title line.
MAX_TITLE_CHARS = 300
#: A lede is one or two sentences; longer second paragraphs are body.
MAX_LEDE_WORDS = 60

_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?:\s+|$)")
_OPENING_QUOTE = ("\"", "“", "‘", "'", "«", "„")


def split_paragraphs(text: str, limits: Limits) -> list[str]:
    """Non-blank lines of ``text``, stripped: one paragraph per line."""
    paragraphs = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if len(line) > limits.max_line_chars:
            raise DocumentError(
                "line-too-long",
                f"a line of {len(line):,} characters exceeds read.limits.max_line_chars "
                f"({limits.max_line_chars:,}); this is not article text",
            )
        paragraphs.append(line)
    return paragraphs


def _content_like(line: str) -> bool:
    """Whether ``line`` reads as a paragraph of the story (a sentence of some
    length), not as page furniture left under it."""
    return len(line.split()) >= CONTENT_WORDS


#: A short ``Label: value`` paragraph (``Penerbit: Gramedia``, ``Harga: Rp 89.000``); not one in
#: brackets (``(Graphic: ... - here)`` is a pointer, not an item of a list).
_LABEL_ITEM = re.compile(r"^[^\W\d]+(?:[ '’-][^\W\d]+){0,2}\s?[:：]\s*\S")
#: Most words of a paragraph that counts as an item of a labelled list.
LIST_ITEM_WORDS = 12


def _in_a_list(paras: Sequence[str], i: int) -> bool:
    """Whether paragraph ``i`` is an item of the story's own list, not the article's
    credit: two short labelled paragraphs that credit no one and give no date stand
    within two paragraphs of it (a book's title, publisher and price around its
    ``Penulis:``; an event's venue and organiser), or, for a dashed paragraph, a
    dashed or bulleted one stands right beside it (towns in dashed lines). One
    labelled neighbour is not enough: a ``Baca juga:`` line often follows a byline."""
    labelled = 0
    for j in (i - 2, i - 1, i + 1, i + 2):
        if not 0 <= j < len(paras) or len(paras[j].split()) > LIST_ITEM_WORDS:
            continue
        other = paras[j]
        if abs(j - i) == 1 and other[:1] in "—–-•*" and paras[i][:1] in "—–-•*":
            return True  # a dashed or bulleted list, credit-shaped or not
        if (
            _LABEL_ITEM.match(other) is not None
            and match_byline(other) is None
            and match_dated_line(other) is None
        ):
            labelled += 1
    return labelled >= 2


def _sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text.rstrip() + " ")))


@attrs.define
class ParsedText:
    """Fields found in a list of paragraphs (mutable while parsing)."""

    title: str = ""
    subtitle: str = ""
    body: list[str] = attrs.field(factory=list)
    published: Timestamp | None = None
    modified: Timestamp | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None
    credits: list[Credit] = attrs.field(factory=list)
    dateline: Dateline | None = None
    removed: list[Removal] = attrs.field(factory=list)
    unparsed: dict[str, str] = attrs.field(factory=dict)

    @property
    def authors(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for c in self.credits:
            if c.role in ("author", "reporter"):
                seen.setdefault(c.name, None)
        return tuple(seen)


def _lift(parsed: ParsedText, text: str, rule: str, reason: str, moved_to: str, position: int) -> None:
    parsed.removed.append(
        Removal(text=text, rule=rule, plugin="plaintext", reason=reason, field="body", position=position,
                moved_to=moved_to)
    )


def analyse_paragraphs(
    paragraphs: Sequence[str], *, has_title: bool = True, trailing_url: bool = True
) -> ParsedText:
    """Split paragraphs into title, lede and body, lifting header lines, bylines,
    credits and a trailing URL into metadata.

    Args:
        paragraphs: The document's non-blank lines, in order.
        has_title: Whether the first paragraph may be a title. Parsers of
            structured records, which know the title, pass ``False``.
        trailing_url: Whether a closing bare-URL line is lifted into ``url``.
            Parsers whose input knows its URL (HTML, feeds) may keep such lines.
    """
    parsed = ParsedText()
    paras = list(paragraphs)
    start = 0
    # Header lines at the very top; a title may be glued after a date header.
    glued_title = ""
    while start < len(paras):
        header = match_header(paras[start])
        if header is None:
            break
        _apply_header(parsed, header, start)
        if header.rest and not glued_title and has_title:
            glued_title = header.rest
        elif header.rest:
            paras[start] = header.rest
            break
        start += 1
    # Trailing URL and credits at the end, bottom-up. A bare URL is lifted only
    # while it closes the text; a credit line anywhere below the last paragraph of
    # content (within TAIL lines), so that a "Share this" or "Baca juga" line under
    # a credit does not hide it. The lines skipped stay for the cleaners.
    end = len(paras)
    tail_lifted: set[int] = set()
    closing = True
    i = end
    while i > start and len(paras) - i < TAIL:
        i -= 1
        line = paras[i]
        url = match_url_line(line) if trailing_url and closing else None
        if url is not None:
            parsed.url = parsed.url or url
            _lift(parsed, line, "parser.trailing_url", "a bare URL closing the text", "url", i)
            tail_lifted.add(i)
            continue
        byline = match_byline(line) or match_staff_credit(line) or match_signature(line)
        if byline is not None and not _in_a_list(paras, i):
            _apply_byline(parsed, byline, line, i)
            tail_lifted.add(i)
            continue
        dated = match_dated_line(line)
        if dated is not None:
            _apply_dated(parsed, dated, line, i)
            tail_lifted.add(i)
            continue
        if _content_like(line):
            break
        closing = False  # a line stays below: a URL above it is not the closing line
    while end > start and end - 1 in tail_lifted:
        end -= 1
    if glued_title:
        parsed.title = glued_title
    elif (
        has_title
        and start < end
        and start not in tail_lifted
        and len(paras[start]) <= MAX_TITLE_CHARS
        and match_byline(paras[start]) is None
        and match_dated_line(paras[start]) is None
    ):
        parsed.title = paras[start]
        start += 1
    # Bylines near the top, and the dateline that marks where the story starts.
    rest: list[tuple[int, str]] = []
    dateline_at: int | None = None
    for i in range(start, end):
        if i in tail_lifted:
            continue
        line = paras[i]
        near_top = i - start < EDGE + 1 and dateline_at is None
        if near_top:
            byline = match_byline(line) or match_staff_credit(line)
            if byline is not None and not _in_a_list(paras, i):
                _apply_byline(parsed, byline, line, i)
                continue
            # A date alone right under a credit is the page's stamp, not a timeline's
            # first heading.
            credited = any(r.position == i - 1 and r.moved_to == "credits" for r in parsed.removed)
            dated = match_dated_line(line, alone=credited)
            if dated is not None:
                _apply_dated(parsed, dated, line, i)
                continue
            if dateline_at is None and len(rest) < 3:
                # A dateline in a paragraph of its own stays, as a glued one does.
                found = find_dateline(line)
                if found is not None:
                    parsed.dateline = found[1]
                    dateline_at = len(rest)
        else:
            # A picture credit anywhere; a credit with its role marked, anywhere but
            # inside a list of labelled items (the story's own "Penulis:" of a book).
            credit_line = match_picture_credit(line)
            if credit_line is None:
                credit_line = match_marked_credit(line) or match_dash_credit(line)
                if credit_line is not None and _in_a_list(paras, i):
                    credit_line = None
            if credit_line is not None:
                _apply_byline(parsed, credit_line, line, i)
                continue
        rest.append((i, line))
    lede_count = _lede_paragraphs(rest, dateline_at, has_title and bool(parsed.title))
    if lede_count:
        parsed.subtitle = rest[0][1]
        rest = rest[1:]
    parsed.body = [line for _, line in rest]
    # Lifts were found bottom-up and top-down: report them in document order.
    parsed.removed.sort(key=lambda r: r.position)
    parsed.credits.sort(key=lambda c: _credit_position(parsed.removed, c))
    if parsed.source is None and parsed.dateline is not None and parsed.dateline.source:
        parsed.source = parsed.dateline.source
    if parsed.source is None:
        for credit in parsed.credits:
            if credit.role == "agency" and credit.name != "News Agencies":
                parsed.source = credit.name
                break
    if parsed.source is None and parsed.url:
        domain = domain_of(parsed.url)
        if domain:
            parsed.source = outlet_from_domain(domain)
    return parsed


def _credit_position(removed: list[Removal], credit: Credit) -> int:
    for r in removed:
        if r.text == credit.text or r.text in credit.text:
            return r.position
    return -1


def _lede_paragraphs(rest: list[tuple[int, str]], dateline_at: int | None, titled: bool) -> int:
    """1 when the first remaining paragraph is a lede (standfirst), else 0."""
    if not titled or len(rest) < 2:
        return 0
    first = rest[0][1]
    if dateline_at is not None:
        # Everything before the dateline paragraph is above the story: one lede.
        return 1 if dateline_at == 1 else 0
    if first.startswith(_OPENING_QUOTE) or len(first.split()) > MAX_LEDE_WORDS:
        return 0
    # With no dateline to go by, a one-sentence second paragraph followed by a real
    # body (3+ paragraphs) is read as the standfirst; a wrong guess costs nothing,
    # as the paragraph stays in the article, in ``subtitle``.
    return 1 if _sentences(first) == 1 and len(rest) >= 4 else 0


def _apply_header(parsed: ParsedText, header: Any, position: int) -> None:
    rule, reason = "parser.header", f"a '{header.key}' header line"
    if header.key == "published":
        ts = parse_timestamp(header.value, "header")
        if ts is not None:
            parsed.published = ts
        else:
            parsed.unparsed["published"] = header.value
    elif header.key == "title":
        parsed.title = header.value
    elif header.key == "url":
        parsed.url = header.value
    elif header.key == "source":
        parsed.source = header.value
    elif header.key == "authors":
        names = [n.strip() for n in re.split(r"\s*(?:,|;|\band\b|\bdan\b)\s*", header.value) if n.strip()]
        parsed.credits += [Credit(n, "author", header.prefix) for n in names]
    elif header.key == "language":
        parsed.language = header.value.lower()
    _lift(parsed, header.prefix, rule, reason, header.key, position)


def _apply_byline(parsed: ParsedText, byline: tuple[list[Credit], str | None], line: str, position: int) -> None:
    credits, outlet = byline
    parsed.credits += credits
    if outlet and parsed.source is None:
        parsed.source = outlet
    _lift(parsed, line, "parser.byline", "a byline or credit line", "credits", position)


def _apply_dated(parsed: ParsedText, dated: DatedLine, line: str, position: int) -> None:
    """Lift a dated byline or update line: its names into ``credits``, its date
    into ``published`` or ``modified`` unless the document gave one already (a
    date with no year is kept as written in ``extras.unparsed``)."""
    parsed.credits += dated.credits
    if dated.when is not None:
        if getattr(parsed, dated.field) is None:
            setattr(parsed, dated.field, dated.when)
    else:
        parsed.unparsed.setdefault(dated.field, dated.text)
    moved_to = "credits" if dated.credits else dated.field
    _lift(parsed, line, "parser.dated_line", f"a dated byline or '{dated.field}' line", moved_to, position)


class PlainTextParser(Parser):
    """Parses plain-text news articles (``text/plain``).

    Options:
        has_title: Whether files start with a title line (default ``true``).
    """

    name = "plaintext"
    media_types = ("text/plain",)

    @attrs.frozen
    class Options:
        """Options of ``plaintext``."""

        has_title: bool = option(True, "Whether files start with a title line.")

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or Limits()
        self.has_title = bool(options.get("has_title", True))

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        if doc.data is None:
            raise DocumentError("no-data", "the reader gave no bytes for a text/plain document")
        text = decode_text(doc.data)
        paragraphs = split_paragraphs(text, self.limits)
        if not paragraphs:
            raise DocumentError("empty", "the document holds no text")
        parsed = analyse_paragraphs(paragraphs, has_title=self.has_title)
        if not parsed.body and not parsed.subtitle and not parsed.title:
            raise DocumentError("no-text", "nothing but header and credit lines")
        return build_article(parsed, doc, article_id, self.name)


def build_article(parsed: ParsedText, doc: RawDocument, article_id: str, parser: str, *,
                  provenance: Mapping[str, Any] | None = None, **fields: Any) -> Article:
    """Assemble the Article from parsed fields and the raw document's provenance.

    ``fields`` replace Article fields taken from ``parsed`` (a record parser's
    columns), ``provenance`` the ``url``, ``fetched`` or ``sha1`` taken from ``doc``.
    """
    values: dict[str, Any] = {
        "title": parsed.title,
        "subtitle": parsed.subtitle,
        "body": tuple(parsed.body),
        "language": parsed.language,
        "published": parsed.published,
        "modified": parsed.modified,
        "source": parsed.source,
        "authors": parsed.authors,
        "credits": tuple(parsed.credits),
        "url": parsed.url or doc.fields.get("url"),
        "dateline": parsed.dateline,
        "removed": tuple(parsed.removed),
        "extras": {"unparsed": dict(parsed.unparsed)} if parsed.unparsed else {},
        **fields,
    }
    return Article(id=article_id, provenance=provenance_of(doc, parser, **(provenance or {})), **values)
