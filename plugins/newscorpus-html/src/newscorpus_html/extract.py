"""Main-text extraction with trafilatura, kept as blocks that remember their markup.

trafilatura decides which parts of the page are the article; its plain-text output
then forgets what each line was. We walk its XML body instead and keep, per line,
the kind of element it came from (paragraph, heading, list item, table row, quote)
and how much of it was link text, so that :mod:`newscorpus_html.structure` can
recognise lists of links to other stories and other page furniture that survived
extraction. The text of every line is exactly what trafilatura's own plain-text
output holds (we call its ``xmltotxt`` on each block), so recall is unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

__all__ = ["Block", "Extraction", "extract_blocks", "run_trafilatura"]

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
    """

    text: str
    kind: str
    link_share: float = 0.0
    url_link: bool = False
    group: int = 0


@attrs.frozen
class Extraction:
    """trafilatura's document (metadata) and the body as :class:`Block` lines."""

    document: Any
    blocks: tuple[Block, ...]


def run_trafilatura(
    tree: HtmlElement,
    *,
    url: str | None = None,
    include_tables: bool = True,
    include_comments: bool = False,
    favor: str = "balanced",
    fast: bool = False,
    max_tree_size: int | None = None,
    with_links: bool = True,
) -> Any:
    """Run ``trafilatura.bare_extraction`` with metadata; ``None`` when it finds nothing.

    Dates are asked of htmldate (through trafilatura) with the time kept.
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
        include_links=with_links,
        with_metadata=True,
        max_tree_size=max_tree_size,
        date_extraction_params={
            "original_date": True,
            "extensive_search": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            "url": url,
        },
    )


def _lines(element: _Element) -> list[str]:
    text = xmltotxt(element, False)
    return [_WS.sub(" ", line).strip() for line in text.split("\n") if line.strip()]


def _link_chars(element: _Element) -> tuple[int, bool]:
    chars, url_like = 0, False
    for ref in element.iter("ref"):
        text = _WS.sub(" ", "".join(ref.itertext())).strip()
        chars += len(text)
        if re.match(r"^(https?://|www\.)\S+$", text):
            url_like = True
    return chars, url_like


def _block_lines(element: _Element, kind: str, group: int) -> list[Block]:
    lines = _lines(element)
    if not lines:
        return []
    total = sum(len(line) for line in lines) or 1
    link_chars, url_like = _link_chars(element)
    share = min(1.0, link_chars / total)
    return [Block(line, kind, share, url_like, group) for line in lines]


def extract_blocks(body: _Element | None) -> tuple[Block, ...]:
    """The lines of trafilatura's XML ``body``, each with its kind and link share."""
    if body is None:
        return ()
    out: list[Block] = []
    group = 0

    def visit(element: _Element) -> None:
        nonlocal group
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _LEAF_BLOCKS:
                out.extend(_block_lines(child, tag, group))
                if tag not in ("item", "row"):
                    group += 1
            elif tag in _CONTAINERS:
                visit(child)
                group += 1
            elif tag:
                out.extend(_block_lines(child, "other", group))
                group += 1
            if child.tail and child.tail.strip():  # loose text between blocks
                out.extend(Block(line, "other", 0.0, False, group)
                           for line in (_WS.sub(" ", t).strip() for t in child.tail.split("\n")) if line)
                group += 1

    if body.text and body.text.strip():
        out.extend(Block(_WS.sub(" ", body.text).strip(), "other", 0.0, False, group) for _ in (0,))
        group += 1
    visit(body)
    return tuple(out)
