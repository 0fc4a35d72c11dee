"""Explaining what cleaning did: the text before cleaning, with every cut marked.

:func:`reconstruct` undoes the cleaners' removals of an article (newest first)
and returns its lines as they were before cleaning, each made of kept and
removed segments; :func:`original_fields` returns that text as plain fields; and
:func:`render` prints the whole story for a human, parser lifts and flags
included (``newscorpus explain ARTICLE_ID`` prints it).

Cleaner removals undo exactly (see :mod:`newscorpus.cleaners.base` for the
convention). Parser removals carry the *document line* they were lifted from, and
are placed back at that line.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..models import Article, Flag, Removal
from .base import partial_removals

__all__ = ["Line", "Segment", "is_parser_removal", "original_fields", "reconstruct", "render"]

_FIELDS = ("title", "subtitle", "body")


@attrs.frozen
class Segment:
    """A run of text of a line: kept, or removed by ``removal``.

    Attributes:
        text: The text.
        removal: The removal that took it out, ``None`` for kept text.
        index: Index of that removal in ``Article.removed``.
    """

    text: str
    removal: Removal | None = None
    index: int | None = None


@attrs.define
class Line:
    """One paragraph of a field before cleaning.

    Attributes:
        field: ``title``, ``subtitle`` or ``body``.
        segments: Its text, in order; joined by single spaces.
        kept_index: Index of the paragraph in the cleaned field, ``None`` when the
            whole paragraph was removed.
    """

    field: str
    segments: list[Segment]
    kept_index: int | None = None

    @property
    def text(self) -> str:
        """The paragraph as it was before cleaning."""
        return " ".join(s.text for s in self.segments)

    @property
    def removed(self) -> bool:
        """Whether the whole paragraph was removed."""
        return self.kept_index is None


def is_parser_removal(article: Article, removal: Removal) -> bool:
    """Whether ``removal`` was made by the parser (lifted while parsing), not by a cleaner."""
    return removal.rule.startswith("parser.") or (
        bool(article.provenance.parser) and removal.plugin == article.provenance.parser
    )


def reconstruct(article: Article) -> dict[str, list[Line]]:
    """The article's title, subtitle and body as they were before cleaning.

    Every cleaner removal is undone, newest first; parser removals are left out
    (see :func:`render` for those). Returns the lines of each field.
    """
    fields: dict[str, list[Line]] = {f: [] for f in _FIELDS}
    if article.title:
        fields["title"].append(Line("title", [Segment(article.title)], 0))
    if article.subtitle:
        fields["subtitle"].append(Line("subtitle", [Segment(article.subtitle)], 0))
    fields["body"] = [Line("body", [Segment(p)], i) for i, p in enumerate(article.body)]
    partial = partial_removals(article)
    for k in range(len(article.removed) - 1, -1, -1):
        r = article.removed[k]
        if is_parser_removal(article, r):
            continue
        lines = fields.setdefault(r.field, [])
        if k in partial and 0 <= r.position < len(lines):
            lines[r.position].segments.insert(0, Segment(r.text, r, k))
            continue
        pos = r.position if 0 <= r.position <= len(lines) else len(lines)
        lines.insert(pos, Line(r.field, [Segment(r.text, r, k)], None))
    return fields


def original_fields(article: Article) -> tuple[str, str, tuple[str, ...]]:
    """``(title, subtitle, body)`` as they were before cleaning."""
    fields = reconstruct(article)
    title = " ".join(line.text for line in fields["title"])
    subtitle = " ".join(line.text for line in fields["subtitle"])
    return title, subtitle, tuple(line.text for line in fields["body"])


def _describe(r: Removal) -> str:
    where = ", ".join(x for x in (f"pack {r.pack}" if r.pack else "", r.plugin) if x)
    return f"{r.rule} ({where}): {r.reason}" if r.reason else f"{r.rule} ({where})"


def _document(article: Article, fields: dict[str, list[Line]]) -> list[tuple[str, Line | Removal]]:
    """Lines in document order: parser lifts placed back at their document line."""
    lines: list[tuple[str, Line | Removal]] = [("line", ln) for f in _FIELDS for ln in fields[f]]
    lifts = [r for r in article.removed if is_parser_removal(article, r)]
    total = len(lines) + len(lifts)
    placed = sorted((r for r in lifts if 0 <= r.position < total), key=lambda r: r.position)
    out: list[tuple[str, Line | Removal]] = []
    queue = list(lines)
    by_pos: dict[int, list[Removal]] = {}
    for r in placed:
        by_pos.setdefault(r.position, []).append(r)
    i = 0
    while queue or by_pos:
        if i in by_pos:
            out += [("lift", r) for r in by_pos.pop(i)]
        elif queue:
            out.append(queue.pop(0))
        i += 1
        if i > total + len(lifts):
            break
    out += [("lift", r) for rs in by_pos.values() for r in rs]
    out += [("lift", r) for r in lifts if not 0 <= r.position < total]
    return out


def _flag_marks(flags: Sequence[Flag]) -> dict[int, list[tuple[Flag, int]]]:
    marks: dict[int, list[tuple[Flag, int]]] = {}
    for flag in flags:
        for para, off in flag.positions:
            marks.setdefault(para, []).append((flag, off))
    return marks


def render(article: Article, *, width: int = 0) -> str:
    """The article before cleaning, as text, with every cut, lift and flag marked.

    Each line is marked in its first column: ``-`` a whole paragraph removed,
    ``~`` a part removed (shown as ``[[removed]]``), ``>`` lifted into metadata by
    the parser, ``!`` flagged, blank for kept text. The rule, pack, component and
    reason of every cut follow on the next line.

    Args:
        article: A cleaned article (with its ``removed`` and ``flags``).
        width: Cut lines longer than this many characters (0: never).
    """

    def clip(text: str) -> str:
        return text if not width or len(text) <= width else text[: max(1, width - 1)] + "…"

    fields = reconstruct(article)
    marks = _flag_marks(article.flags)
    counters = {"title": 0, "subtitle": 0, "body": 0}
    out = [
        f"# explain {article.id}",
        "# The text before cleaning. '-' removed paragraph, '~' part removed ([[…]]),",
        "# '>' lifted into metadata by the parser, '!' flagged; details indented below.",
        "",
    ]
    cuts = 0
    for _kind, item in _document(article, fields):
        if isinstance(item, Removal):
            dest = f" -> {item.moved_to}" if item.moved_to else ""
            out.append(f"> {'lifted':<10} {clip(item.text)}")
            out.append(f"{'':13}{_describe(item)}{dest}")
            continue
        line = item
        n = counters[line.field]
        counters[line.field] += 1
        label = line.field if line.field != "body" else f"body {n}"
        removed = [s for s in line.segments if s.removal is not None]
        flagged = marks.get(line.kept_index, []) if line.field == "body" and line.kept_index is not None else []
        if line.removed:
            mark = "-"
            text = line.text
        elif removed:
            mark = "~"
            text = " ".join(f"[[{s.text}]]" if s.removal is not None else s.text for s in line.segments)
        else:
            mark = "!" if flagged else " "
            text = line.text
        out.append(f"{mark} {label:<10} {clip(text)}")
        for s in removed:
            assert s.removal is not None
            cuts += 1
            out.append(f"{'':13}{_describe(s.removal)}")
        kept = line.segments[-1].text if not line.removed else ""
        for flag, off in flagged:
            start = max(0, off - 30)
            out.append(f"{'':13}! {flag.name} ({flag.plugin}) at char {off}: …{kept[start : off + 10]}…")
    lifts = sum(1 for r in article.removed if is_parser_removal(article, r))
    out += [
        "",
        f"# {cuts} cut(s) by cleaners, {lifts} lift(s) by the parser, "
        f"{len(article.flags)} flag(s): {', '.join(sorted(article.flag_names())) or 'none'}",
    ]
    for flag in article.flags:
        out.append(f"#   {flag.name} ({flag.plugin}): {flag.detail}")
    return "\n".join(out) + "\n"
