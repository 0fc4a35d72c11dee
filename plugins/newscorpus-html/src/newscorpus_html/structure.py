"""Page furniture that survives main-text extraction, recognised from markup.

Text cleaners see only text; this module still knows which lines were headings,
list items and links, so it can take out what only markup reveals: the headline
repeated at the top of the body, lists of links to other stories, a bare date line
and an author line that repeat the page's metadata. Every cut is a
:class:`~newscorpus.models.Removal` (``plugin="html"``) with the information moved
to the field that now holds it, so nothing is lost silently.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import attrs

from newscorpus.models import Removal

from .extract import Block

__all__ = ["StructureResult", "apply_structure", "is_date_line", "title_variants"]

#: Lines at each end of the body where date and author lines are looked for.
EDGE = 4
#: A line counts as a link when at least this share of its characters is link text.
LINK_SHARE = 0.8
#: A heading introducing a link list has at most this many words.
MAX_HEADING_WORDS = 8

_LOCALES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "id", "ms", "sv", "da", "nb", "fi",
            "cs", "tr", "ro", "hu", "ca", "hr", "sk", "sl")
#: Words that label a date line (Published, Stand, Diperbarui ...), lower-case.
_DATE_LABELS = {
    "published", "publish", "posted", "updated", "last", "modified", "on", "at", "date", "created",
    "first", "dated", "veröffentlicht", "aktualisiert", "zuletzt", "stand", "erstellt", "datum",
    "am", "um", "uhr", "vom", "publié", "mis", "à", "jour", "le", "publicado", "actualizado",
    "el", "pubblicato", "aggiornato", "il", "alle", "ore", "gepubliceerd", "bijgewerkt", "op",
    "opublikowano", "aktualizacja", "zaktualizowano", "dnia", "diterbitkan", "dipublikasikan",
    "diperbarui", "pada", "tanggal", "dikemaskini", "pukul", "jam", "wib", "wita",
    "wit", "myt", "utc", "gmt", "cet", "cest", "bst", "est", "edt", "pst", "pdt", "cst", "cdt",
    "et", "pt", "pm", "a.m.", "p.m.", "h", "hrs", "time", "read", "min", "minutes",
    "lesezeit", "ago", "|", "·", "•", "-", "–", "—", "/", ",", ":", "de", "del", "of", "the",
}
_NUMERIC_DATE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}\.\s?\d{1,2}\.)"
    r"(?:T\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.I)
_TOKEN = re.compile(r"[^\s,|·•/()\[\]]+")
_WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def _calendar_words() -> tuple[frozenset[str], frozenset[str]]:
    """Month names and weekday names (wide and abbreviated) in common news locales."""
    from babel import Locale
    from babel.dates import get_day_names, get_month_names

    months: set[str] = set()
    days: set[str] = set()
    for code in _LOCALES:
        try:
            loc = Locale.parse(code)
        except (ValueError, LookupError):
            continue
        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):
                months.update(n.casefold().strip(".") for n in get_month_names(width, ctx, loc).values())
                days.update(n.casefold().strip(".") for n in get_day_names(width, ctx, loc).values())
    return frozenset(m for m in months if m), frozenset(d for d in days if d)


def is_date_line(text: str) -> bool:
    """Whether ``text`` says nothing but a date (and time), with an optional label.

    ``Published 12 March 2024, 10:30``, ``Stand: 03.05.2024 14:00 Uhr``,
    ``Senin, 14 April 2025 09:00 WIB`` are date lines; a sentence that mentions a
    date is not.
    """
    if len(text) > 80:
        return False
    months, days = _calendar_words()
    rest = _NUMERIC_DATE.sub(" ", text)
    had_date = rest != text
    rest = _TIME.sub(" ", rest)
    tokens = _TOKEN.findall(rest.casefold())
    if len(tokens) > 10:
        return False
    for tok in tokens:
        tok = tok.strip(".:;,")
        if not tok:
            continue
        if tok in months:
            had_date = True  # a weekday alone ("Monday") is not a date
            continue
        if tok in days:
            continue
        if tok.isdigit() and (len(tok) <= 2 or (len(tok) == 4 and 1900 <= int(tok) <= 2100)):
            continue
        if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th|er|e|\.)?", tok):
            continue
        if tok in _DATE_LABELS:
            continue
        return False
    return had_date


_SITE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+")


def title_variants(title: str) -> list[str]:
    """The title and, when it carries a site name or kicker (``Headline | Site``), each part."""
    parts = [p.strip() for p in _SITE_SEPARATORS.split(title) if p.strip()]
    return [title, *parts] if len(parts) > 1 else [title]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


@attrs.frozen
class StructureResult:
    """Lines kept and lines taken out, with each line's original index."""

    kept: tuple[tuple[int, str], ...]
    removed: tuple[Removal, ...]


def _removal(text: str, rule: str, reason: str, position: int, moved_to: str | None = None) -> Removal:
    return Removal(text=text, rule=rule, plugin="html", reason=reason, field="body", position=position,
                   moved_to=moved_to)


def _is_link(block: Block) -> bool:
    # Table rows are data even when a cell links somewhere (product or result tables).
    return block.link_share >= LINK_SHARE and not block.url_link and block.kind != "row"


def _is_heading(block: Block) -> bool:
    words = len(block.text.split())
    return words <= MAX_HEADING_WORDS and (block.kind == "head" or not re.search(r"[.!?]$", block.text))


def _is_dangling_heading(block: Block) -> bool:
    """A heading or an introduction ending in ':' -- furniture when nothing follows it."""
    words = len(block.text.split())
    if block.kind == "head":
        return words <= MAX_HEADING_WORDS + 2
    # Longer "... finden Sie hier:" lines often introduce something the reader needs.
    return words <= 4 and block.text.rstrip().endswith(":")


def apply_structure(
    blocks: Sequence[Block],
    *,
    title: str | None,
    authors: Sequence[str] = (),
    link_lists: bool = True,
    link_lines: bool = True,
    tail: bool = True,
    captions: bool = True,
    title_repeat: bool = True,
    date_lines: bool = True,
    author_lines: bool = True,
) -> StructureResult:
    """Take markup-revealed furniture out of the extracted lines.

    Args:
        blocks: The extracted lines, in order.
        title: The article's title, to find it repeated at the top of the body.
        authors: The article's authors, to find a bare author line.
        link_lists: Remove runs of two or more lines that are all link text
            (related stories, navigation, tag lists) and the short heading that
            introduces such a run. A link whose text is a URL is kept (an author
            citing a source writes it out), and so are table rows (data tables
            link their first cell).
        link_lines: Remove lines that are a short label and a linked headline
            (``Read more: <link>``, ``Lesen Sie auch: <link>``), anywhere.
        tail: Remove what dangles at the end of the text once the related-story
            widgets are gone: headings and ``...:`` introductions with nothing
            after them, and short lines that are links.
        captions: Remove lines whose text the page marks up as a figure caption
            or photo credit.
        title_repeat: Remove the headline repeated in the first lines.
        date_lines: Remove lines that hold only a date in the first or last lines.
        author_lines: Remove a line in the first lines that holds only the author
            names.
    """
    n = len(blocks)
    drop: dict[int, Removal] = {}
    if link_lists:
        i = 0
        while i < n:
            if not _is_link(blocks[i]):
                i += 1
                continue
            j = i
            while j < n and _is_link(blocks[j]):
                j += 1
            if j - i >= 2:
                for k in range(i, j):
                    drop[k] = _removal(blocks[k].text, "html.link-list",
                                       "one of a run of lines that are all links to other pages", k)
                h = i - 1
                if h >= 0 and h not in drop and _is_heading(blocks[h]):
                    drop[h] = _removal(blocks[h].text, "html.link-list",
                                       "the heading of a list of links to other pages", h)
            i = j
    if link_lines:
        for i, block in enumerate(blocks):
            # List items and table rows are handled as lists: "date: linked title"
            # items of a press review are its content.
            if i not in drop and block.labelled_link and block.kind not in ("item", "row"):
                drop[i] = _removal(block.text, "html.link-line", "a label and a link to another page", i)
    if captions:
        for i, block in enumerate(blocks):
            if i not in drop and block.caption and len(block.text.split()) >= 2:
                drop[i] = _removal(block.text, "html.caption",
                                   "a figure caption or photo credit, marked up as such", i)
    if title_repeat and title:
        titles = {_norm(t) for t in title_variants(title)} - {""}
        for i in range(min(3, n)):
            if i in drop:
                continue
            line = _norm(blocks[i].text)
            if not line:
                continue
            same = line in titles
            # A heading that holds the headline plus a kicker ("Thema Verbraucherschutz ...").
            near = blocks[i].kind == "head" and any(
                (t in line or line in t) and min(len(t), len(line)) / max(len(t), len(line)) >= 0.8
                for t in titles
            )
            if same or near:
                drop[i] = _removal(blocks[i].text, "html.title",
                                   "the headline repeated at the top of the body", i, "title")
                break
    edge = [*range(min(EDGE, n)), *range(max(EDGE, n - EDGE), n)]
    if date_lines:
        for i in edge:
            if i not in drop and is_date_line(blocks[i].text):
                drop[i] = _removal(blocks[i].text, "html.date-line", "a line holding only a date", i,
                                   "published")
    if author_lines and authors:
        names = {_norm(a) for a in authors}
        joined = _norm(" ".join(authors))
        for i in range(min(EDGE, n)):
            if i in drop:
                continue
            words = _norm(re.sub(r"^\s*(?:by|von|par|por|oleh|door|di|av)\s+", "", blocks[i].text, flags=re.I))
            if words and (words in names or words == joined):
                drop[i] = _removal(blocks[i].text, "html.author-line", "a line holding only the author's name",
                                   i, "authors")
    if tail:
        # Walk up from the end over what is already gone and what dangles.
        kept_any = False
        for i in range(n - 1, -1, -1):
            if i in drop:
                continue
            block = blocks[i]
            if _is_dangling_heading(block):
                drop[i] = _removal(block.text, "html.dangling-heading",
                                   "a heading with nothing under it at the end of the text", i)
            elif _is_link(block) and len(block.text.split()) <= 15:
                drop[i] = _removal(block.text, "html.link-tail", "a link to another page closing the text", i)
            else:
                kept_any = True
                break
        if not kept_any:  # the whole text would go: it was not furniture after all
            for i in [k for k, r in drop.items() if r.rule in ("html.dangling-heading", "html.link-tail")]:
                del drop[i]
    kept = tuple((i, b.text) for i, b in enumerate(blocks) if i not in drop)
    return StructureResult(kept, tuple(drop[i] for i in sorted(drop)))
