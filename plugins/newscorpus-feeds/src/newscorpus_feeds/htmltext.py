"""HTML fragments (feed item content) to paragraphs.

Feed content is a fragment the publisher chose, not a page with navigation, so
no boilerplate detection is needed (that is what the ``html`` parser's
trafilatura is for): block elements become paragraphs, ``<br>`` a line break,
scripts and embeds are dropped.
"""

from __future__ import annotations

import html
import re

from lxml import etree
from lxml import html as lxml_html

__all__ = ["fragment_paragraphs", "plain_text"]

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre", "li", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "dl", "figure", "figcaption", "hr",
    "address", "main", "center",
}
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "svg", "form", "button", "template",
         "video", "audio", "canvas", "select", "input", "textarea")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_TAG = re.compile(r"<[a-zA-Z!/]")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

def plain_text(value: str) -> str:
    """A one-line plain text of a title-like value that may hold markup or entities."""
    text = value
    if _TAG.search(text):
        paras = fragment_paragraphs(text)
        text = " ".join(paras)
    return _WS.sub(" ", html.unescape(text)).strip()


def fragment_paragraphs(fragment: str, max_chars: int = 10_000_000) -> list[str]:
    """The paragraphs of an HTML fragment, stripped and non-empty.

    Text without any markup is split on blank lines (plain-text feeds) and on
    single newlines.
    """
    if not fragment or not fragment.strip():
        return []
    # C0 controls (\x08, \x1b: scraping debris) are not text, and lxml refuses a
    # string that holds one when the tree is edited: a space keeps words apart.
    fragment = _CONTROL.sub(" ", fragment[:max_chars])
    if not _TAG.search(fragment):
        return [p for p in (_WS.sub(" ", line).strip() for line in html.unescape(fragment).split("\n")) if p]
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [p for p in (_WS.sub(" ", line).strip() for line in fragment.split("\n")) if p]
    for bad in root.xpath("|".join(f"//{t}" for t in _DROP)):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif el.tag in ("td", "th"):
            el.tail = " | " + (el.tail or "")
    text = root.text_content()
    out = []
    for line in text.split("\n"):
        line = _WS.sub(" ", line).strip(" |")
        if line:
            out.append(line.strip())
    return out
