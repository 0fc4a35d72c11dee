"""The typed records of newscorpus: :class:`Article`, :class:`Event` and the small
records they hold.

Every record is frozen (``attrs.frozen``); change one with :func:`attrs.evolve`.
Nothing an input held is dropped silently: text a parser or cleaner takes out of the
body is kept as a :class:`Removal`, and where a record came from is kept as its
:class:`Provenance`. The JSON form of these records is public API (see
``docs/schema.md``) and round-trips losslessly through :mod:`newscorpus.serialize`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = [
    "Article",
    "ArticleMeta",
    "Credit",
    "Dateline",
    "Event",
    "EventDate",
    "Flag",
    "Provenance",
    "Removal",
    "Timestamp",
]

Precision = Literal["year", "month", "day", "minute", "second"]


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _strtuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("expected a sequence of strings, got a single string")
    return tuple(value)


def _positions(value: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in value)


def _mapping(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(value or {})


@attrs.frozen
class Provenance:
    """Where a record came from.

    Attributes:
        path: The input file or URL the record was read from, as given to the run.
        record: Locator of the record inside ``path``: ``0`` for a one-document file,
            the line number for JSONL, the record offset for WARC.
        reader: Name of the reader component that produced the raw document.
        parser: Name of the parser component that turned it into an Article.
        url: Original URL of the document when the container knew it
            (``WARC-Target-URI``, a feed item link).
        fetched: When the container says the document was captured (``WARC-Date``).
        sha1: SHA-1 of the raw document bytes, to find the exact input again.
    """

    path: str
    record: int | str = 0
    reader: str = ""
    parser: str = ""
    url: str | None = None
    fetched: str | None = None
    sha1: str | None = None


@attrs.frozen
class Removal:
    """Text taken out of an article's fields, and why.

    Attributes:
        text: The exact text removed (a whole line or paragraph; cleaners never cut
            inside a line they keep).
        rule: Stable id of the rule that fired, e.g. ``greeting.opening`` or
            ``parser.byline``.
        plugin: Name of the component that applied the rule.
        reason: One human sentence saying why the text is not article content.
        field: Which field the text was taken from (``body``, ``subtitle``, ``title``).
        position: Where the text was. For the parser's lifts (rules ``parser.*``) it
            is the index of the line among the document's non-blank lines; for a
            cleaner's cut it is the paragraph's index in ``field`` at the moment of
            removal, so cuts can be undone newest first (``newscorpus explain``
            does). -1 when unknown.
        pack: The rule pack the rule came from, when it came from one.
        moved_to: The field the text's information now lives in, when it was lifted
            into metadata rather than discarded (e.g. ``authors``, ``url``).
        partial: Whether only the start of the paragraph was removed (a greeting
            glued to the lede's first sentence): the rest of the paragraph stayed
            at ``position``, and the original paragraph was ``text + " " + kept``.
            False for a whole paragraph. Absent from JSON written before it
            existed, which reads as False.
    """

    text: str
    rule: str
    plugin: str
    reason: str = ""
    field: str = "body"
    position: int = -1
    pack: str | None = None
    moved_to: str | None = None
    partial: bool = False


@attrs.frozen
class Flag:
    """A quality observation about an article. Flags never change the text.

    Attributes:
        name: Flag id, e.g. ``missing_link_text``.
        plugin: Component that raised it.
        detail: Human-readable explanation.
        positions: ``(paragraph_index, char_offset)`` pairs the flag points at.
    """

    name: str
    plugin: str
    detail: str = ""
    positions: tuple[tuple[int, int], ...] = attrs.field(default=(), converter=_positions)


@attrs.frozen
class Credit:
    """A person or organisation credited for the article.

    Attributes:
        name: The name as written (``Stephen Quillen``, ``Reuters``).
        role: ``author``, ``reporter``, ``editor``, ``photographer``, ``translator``,
            ``agency`` or ``contributor``.
        text: The line the credit was read from.
    """

    name: str
    role: str = "author"
    text: str = ""


@attrs.frozen
class Dateline:
    """The opening dateline of a story (``MOSCOW (Reuters) -``).

    The dateline stays in the body text; this record only lifts what it says.

    Attributes:
        text: The dateline as written, including its dash.
        place: The place it names (``MOSCOW``), if any.
        source: The outlet or agency it names (``Reuters``), if any.
        date: A date string it carries (``April 3``), if any.
    """

    text: str
    place: str | None = None
    source: str | None = None
    date: str | None = None


def _parse_when(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.date):  # datetime is a date subclass
        return value
    if isinstance(value, str):
        if "T" in value or " " in value.strip():
            return dt.datetime.fromisoformat(value)
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected an ISO date or datetime, got {value!r}")


@attrs.frozen
class Timestamp:
    """A date or datetime together with how it was found.

    Attributes:
        value: A :class:`datetime.date` for day precision or coarser, else a
            :class:`datetime.datetime` (timezone-aware when the source said so).
        precision: ``year``, ``month``, ``day``, ``minute`` or ``second``.
        signal: Where the value came from: ``header``, ``url``, ``html-meta``,
            ``feed``, ``warc``, ``field`` (a tabular column), ``text``.
    """

    value: dt.date | dt.datetime = attrs.field(converter=_parse_when)
    precision: Precision = "day"
    signal: str = ""

    def isoformat(self) -> str:
        """The value as ISO 8601 text."""
        return self.value.isoformat()


@attrs.frozen
class Article:
    """One news article, as parsed, cleaned, deduplicated and grouped.

    Attributes:
        id: Stable id: the same input record gives the same id on every run.
        title: Headline.
        subtitle: Lede or standfirst shown under the headline; empty when none.
        body: Paragraphs, each non-empty, stripped, and free of blank lines.
        language: ISO 639-1 code (``id``, ``en``, ``ms``), or ``None`` if unknown.
        published: Publication time and the signal it came from.
        modified: Last-modified time, kept apart from ``published``.
        source: Outlet or agency name (``Reuters``, ``Tribunnews``).
        authors: Person names credited as authors or reporters.
        credits: Every credit found, with its role (authors, editors, agencies).
        url: Canonical URL of the article, if known.
        dateline: The opening dateline, if the story has one.
        flags: Quality observations (see :class:`Flag`).
        removed: Everything taken out of the text, in order (see :class:`Removal`).
        duplicate_of: Id of the canonical article of this article's duplicate
            cluster; ``None`` for canonical and unique articles.
        translation_of: Id of the article this one translates (or is translated
            from, for the later of the two).
        event_id: Id of the :class:`Event` this article reports.
        provenance: Where the article came from.
        extras: Plugin data, keyed by plugin name. Values must be JSON-serialisable.
    """

    id: str
    provenance: Provenance
    title: str = ""
    subtitle: str = ""
    body: tuple[str, ...] = attrs.field(default=(), converter=_strtuple)
    language: str | None = None
    published: Timestamp | None = None
    modified: Timestamp | None = None
    source: str | None = None
    authors: tuple[str, ...] = attrs.field(default=(), converter=_strtuple)
    credits: tuple[Credit, ...] = attrs.field(default=(), converter=_tuple)
    url: str | None = None
    dateline: Dateline | None = None
    flags: tuple[Flag, ...] = attrs.field(default=(), converter=_tuple)
    removed: tuple[Removal, ...] = attrs.field(default=(), converter=_tuple)
    duplicate_of: str | None = None
    translation_of: str | None = None
    event_id: str | None = None
    extras: dict[str, Any] = attrs.field(factory=dict, converter=_mapping)

    @body.validator
    def _check_body(self, _attr: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
        for i, para in enumerate(value):
            if not isinstance(para, str):
                raise TypeError(f"body[{i}] is {type(para).__name__}, not str")
            if not para or para != para.strip() or "\n\n" in para:
                raise ValueError(
                    f"body[{i}] must be non-empty, stripped and hold no blank line: {para[:60]!r}"
                )

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.body)

    @property
    def full_text(self) -> str:
        """Title, subtitle and body as one string (what dedup and events read)."""
        return "\n\n".join(p for p in (self.title, self.subtitle, *self.body) if p)

    def flag_names(self) -> set[str]:
        """Names of the flags raised on this article."""
        return {f.name for f in self.flags}


@attrs.frozen
class ArticleMeta:
    """What the stages after parsing need to know of an article without its text:
    where it lives, and what dedup's canonical choice and the event builders' order
    read. Shared by both families, so it lives here rather than in either.

    Attributes:
        id: Article id.
        shard: Shard the article lives in.
        pos: Its position in that shard.
        published: ISO publication date/time, or ``""`` when unknown.
        length: Body length in characters.
        source: Outlet, or ``""``.
        language: Language code, or ``""``.
    """

    id: str
    shard: int
    pos: int
    published: str = ""
    length: int = 0
    source: str = ""
    language: str = ""

    @classmethod
    def of(cls, article: Article, shard: int, pos: int) -> ArticleMeta:
        """The meta of ``article`` at ``(shard, pos)``."""
        return cls(
            id=article.id,
            shard=shard,
            pos=pos,
            published=article.published.isoformat() if article.published else "",
            length=len(article.text),
            source=article.source or "",
            language=article.language or "",
        )


@attrs.frozen
class EventDate:
    """When an event happened.

    Attributes:
        start: First (or only) day of the event; ``None`` when unknown.
        end: Last day for a range; equal to ``start`` for one day.
        precision: ``day``, ``range`` or ``unknown``.
        method: How it was derived, e.g. ``relative-weekday`` ("on Thursday" against
            the publication date), ``explicit`` (a date in the text), ``published``.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    precision: Literal["day", "range", "unknown"] = "unknown"
    method: str = ""


@attrs.frozen
class Event:
    """A real-world happening reported by one or more articles.

    Attributes:
        id: Stable id derived from the ids of its founding articles.
        title: Representative headline.
        date: When it happened, with precision and method.
        location: Main place, if known.
        participants: Main named actors.
        article_ids: Ids of every article reporting it, duplicates included.
        languages: Languages of those articles, sorted.
        sources: Outlets of those articles, sorted.
        first_seen: Earliest publication time among its articles.
        last_seen: Latest publication time among its articles.
        builder: Name of the event builder that made it.
        extras: Builder data (scores, keywords). JSON-serialisable values only.
    """

    id: str
    title: str = ""
    date: EventDate = attrs.field(factory=EventDate)
    location: str | None = None
    participants: tuple[str, ...] = attrs.field(default=(), converter=_strtuple)
    article_ids: tuple[str, ...] = attrs.field(default=(), converter=_strtuple)
    languages: tuple[str, ...] = attrs.field(default=(), converter=_strtuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strtuple)
    first_seen: Timestamp | None = None
    last_seen: Timestamp | None = None
    builder: str = ""
    extras: dict[str, Any] = attrs.field(factory=dict, converter=_mapping)
