"""Main-text extraction with trafilatura, kept as blocks that remember their markup.

trafilatura decides which parts of the page are the article; its plain-text output
then forgets what each line was. We walk its XML body instead and keep, per line,
the kind of element it came from (paragraph, heading, list item, table row, quote)
and whether its text was a link in the page, so that
:mod:`newscorpus_html.structure` can recognise lists of links to other stories and
other page furniture that survived extraction. The text of every line is what
trafilatura's own plain-text output holds (we call its ``xmltotxt`` on each block).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from configparser import ConfigParser
from typing import Any

import attrs
import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.settings import use_config
from trafilatura.xml import xmltotxt

__all__ = ["Block", "PageMarks", "extract_blocks", "page_marks", "run_trafilatura"]

_WS = re.compile(r"\s+")
#: Elements of trafilatura's XML that hold one block of text each.
_LEAF_BLOCKS = {"p", "head", "quote", "code", "item", "row"}
#: Elements whose children are the blocks.
_CONTAINERS = {"list", "table", "div", "body", "main", "doc", "section"}


@attrs.frozen
class Block:
    """One line of extracted text and what it was in the page.

    Attributes:
        text: The line, stripped.
        kind: ``p``, ``head``, ``item``, ``row``, ``quote``, ``code`` or ``other``.
        link_share: Share of its characters that were link text (0..1).
        url_link: Whether its link text is itself a URL (a reference the author
            made, not navigation).
        group: Index of the element it came from; lines of one list share a group.
        labelled_link: Whether it is a short label followed by a linked headline
            (``Read more: <link>``).
        caption: Whether the page marks its text up as a caption or credit.
    """

    text: str
    kind: str
    link_share: float = 0.0
    url_link: bool = False
    group: int = 0
    labelled_link: bool = False
    caption: bool = False


def run_trafilatura(
    tree: HtmlElement,
    *,
    url: str | None = None,
    include_tables: bool = True,
    include_comments: bool = False,
    favor: str = "balanced",
    fast: bool = False,
    max_tree_size: int | None = None,
    with_metadata: bool = True,
) -> Any:
    """Run ``trafilatura.bare_extraction``; ``None`` when it finds nothing.

    With ``with_metadata``, trafilatura also reads title, author, site name and
    (through htmldate, time kept) the date; that costs as much again as the text
    extraction, so the parser asks only when the page's declarations left a gap.
    """
    return trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=favor == "precision",
        favor_recall=favor == "recall",
        include_comments=include_comments,
        include_tables=include_tables,
        include_formatting=False,
        include_links=False,
        with_metadata=with_metadata,
        config=_config(max_tree_size),
        date_extraction_params={
            "original_date": True,
            "extensive_search": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            "url": url,
        },
    )


@functools.cache
def _config(max_tree_size: int | None) -> ConfigParser:
    """trafilatura's settings with our element ceiling (its keyword form is deprecated)."""
    config = use_config()
    config["DEFAULT"]["max_tree_size"] = str(max_tree_size) if max_tree_size else ""
    return config


def _lines(element: _Element) -> list[str]:
    tail, element.tail = element.tail, None  # xmltotxt renders the tail; it is not this block's
    try:
        text = xmltotxt(element, False)
    finally:
        element.tail = tail
    # NFC, as trafilatura's own output is.
    return [_WS.sub(" ", line).strip() for line in unicodedata.normalize("NFC", text).split("\n") if line.strip()]


@attrs.frozen
class PageMarks:
    """Texts the page marks up as links and as captions, read before extraction
    (trafilatura's link-keeping mode changes what it extracts, so we extract
    without links and recognise link and caption lines by their text).

    Attributes:
        anchors: Normalised texts of ``<a href>`` elements.
        captions: Normalised texts of ``<figcaption>`` elements and of elements whose
            class names a caption, photo credit or copyright notice.
    """

    anchors: frozenset[str] = frozenset()
    captions: frozenset[str] = frozenset()


_ANCHORS = etree.XPath("//a[@href]")
_CAPTION_WORDS = ("caption", "credit", "copyright", "photo-info", "photoinfo", "bildunterschrift", "legende")
_CAPTIONS = etree.XPath(
    "//figcaption | //*[not(self::html or self::body or self::article or self::main or self::section)]"
    "[" + " or ".join(f"contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{w}')"
                      for w in _CAPTION_WORDS) + "]"
)


def page_marks(tree: _Element, limit: int = 20_000) -> PageMarks:
    """Collect the link and caption texts of ``tree`` (at most ``limit`` of each)."""
    # XPath runs in libxml2: far cheaper than walking every element in Python.
    anchors = {t for t in (_norm("".join(a.itertext())) for a in _ANCHORS(tree)[:limit]) if t}
    captions = {t for t in (_norm("".join(e.itertext())) for e in _CAPTIONS(tree)[:limit]) if t and len(t) < 500}
    return PageMarks(frozenset(anchors), frozenset(captions))


def _norm(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


_MARKER = re.compile(r"^(?:[-*•·]|\d+[.)])\s+")
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
#: Where a label ends and a linked headline starts: "Read more: ...", "À lire aussi » ...".
_LABEL_END = re.compile(r"[:»›>|]+\s+|\s+[-–—]\s+")


def _link_share(line: str, anchors: frozenset[str]) -> tuple[float, bool]:
    """Share of ``line`` that is link text (0 or 1 per cell), and whether it is a URL."""
    text = _MARKER.sub("", line)
    cells = [c.strip() for c in text.strip("| ").split(" | ")] if text.startswith("|") else [text]
    cells = [c for c in cells if c]
    if not cells:
        return 0.0, False
    linked = [c for c in cells if _norm(c) in anchors]
    total = sum(len(c) for c in cells)
    share = sum(len(c) for c in linked) / total if total else 0.0
    return share, any(_URL.match(c) for c in linked)


def _labelled_link(line: str, anchors: frozenset[str]) -> bool:
    """Whether ``line`` is a short label followed by a linked headline
    (``Czytaj też: <link>``, ``Lesen Sie auch: <link>``, ``>> <link> <<``)."""
    text = _MARKER.sub("", line).strip("<> ")
    for m in _LABEL_END.finditer(text):
        label, rest = text[: m.start()], text[m.end():]
        if len(label.split()) > 5:
            break
        rest = rest.strip("<> ")
        if len(rest.split()) >= 3 and _norm(rest) in anchors:
            return True
    return False


def _block_lines(element: _Element, kind: str, group: int, marks: PageMarks) -> list[Block]:
    out = []
    for line in _lines(element):
        share, url_like = _link_share(line, marks.anchors)
        labelled = share < 0.8 and _labelled_link(line, marks.anchors)
        caption = _norm(line) in marks.captions
        out.append(Block(line, kind, share, url_like, group, labelled, caption))
    return out


def extract_blocks(body: _Element | None, marks: PageMarks | None = None) -> tuple[Block, ...]:
    """The lines of trafilatura's XML ``body``, each with its kind and link share.

    Args:
        body: trafilatura's XML body.
        marks: Link and caption texts of the page (:func:`page_marks`).
    """
    if body is None:
        return ()
    marks = marks or PageMarks()
    blocks: list[tuple[_Element, str]] = []

    def collect(element: _Element) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _LEAF_BLOCKS:
                blocks.append((child, tag))
            elif tag in _CONTAINERS:
                collect(child)
            elif tag:
                blocks.append((child, "other"))

    collect(body)
    out: list[Block] = []
    group = 0
    previous_parent = None
    if body.text and body.text.strip():
        out.append(Block(_WS.sub(" ", unicodedata.normalize("NFC", body.text)).strip(), "other", 0.0, False, group))
        group += 1
    for element, kind in blocks:
        parent = element.getparent()
        # items of one list and rows of one table share a group; other blocks get their own
        if kind not in ("item", "row") or parent is not previous_parent:
            group += 1
        previous_parent = parent
        out.extend(_block_lines(element, kind, group, marks))
        if element.tail and element.tail.strip():  # loose text between blocks
            group += 1
            tail = unicodedata.normalize("NFC", element.tail)
            out.extend(Block(line, "other", 0.0, False, group)
                       for line in (_WS.sub(" ", t).strip() for t in tail.split("\n")) if line)
    return tuple(out)
