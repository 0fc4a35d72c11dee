"""The repeated-lede cleaner: a lede (or title) printed again as a body paragraph.

Scrapers often take the standfirst from the page's meta description and then find
the same sentence again, sometimes longer, at the top of the body (seed 001:
``... Bashar al-Assad.`` as the lede and ``... Bashar al-Assad, Desember lalu.`` in
the body). The cleaner keeps the longer form once and cuts the other.

A copy counts as a repeat only when *every* word of the shorter form appears, in
order, in the longer one (case, punctuation and a leading dateline aside): the
cut then loses no word of the article.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ..models import Article
from .base import Cleaner, Cut, apply_cuts

__all__ = ["RepeatedLedeCleaner", "is_repeat"]

_WORD = re.compile(r"\w+")
#: Shorter texts are not compared: two short lines can share words by chance.
MIN_WORDS = 6


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def is_repeat(shorter: list[str], longer: list[str]) -> bool:
    """Whether every word of ``shorter`` appears in ``longer`` in order, in runs.

    Runs must cover the whole of ``shorter``: a paraphrase that changes one word
    is not a repeat.
    """
    if len(shorter) < MIN_WORDS or len(shorter) > len(longer):
        return False
    if longer[: len(shorter)] == shorter:
        return True
    if not set(shorter) <= set(longer):  # cheap rejection of most pairs
        return False
    matcher = difflib.SequenceMatcher(None, shorter, longer, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) == len(shorter)


class RepeatedLedeCleaner(Cleaner):
    """Removes a lede or title repeated among the first body paragraphs, keeping
    the longer form once.

    Options:
        window: How many leading body paragraphs are compared (default 3).
    """

    name = "lede"
    default = True
    order = 10

    def __init__(self, *, window: int = 3, **options: Any) -> None:
        super().__init__(**options)
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ValueError("cleaner 'lede': option 'window' must be a positive integer")
        self.window = window

    def _body_words(self, article: Article, i: int) -> list[str]:
        text = article.body[i]
        # A repeated lede often gains the dateline in the body; ignore it.
        dl = article.dateline.text if article.dateline is not None else ""
        if dl and text.startswith(dl):
            text = text[len(dl) :]
        return _words(text)

    def find_cuts(self, article: Article) -> list[Cut]:
        """The cuts this cleaner would make in ``article``."""
        body = article.body
        n = min(self.window, len(body))
        if not n:
            return []
        words = [self._body_words(article, i) for i in range(n)]
        title = _words(article.title)
        for i in range(n):
            if len(title) >= MIN_WORDS and words[i] == title:
                return [Cut("body", i, "lede.repeated_title", "the title repeated as a body paragraph")]
        if article.subtitle:
            lede = _words(article.subtitle)
            if len(title) >= MIN_WORDS and lede == title:
                return [Cut("subtitle", 0, "lede.repeated_title", "the title repeated as the lede")]
            for i in range(n):
                if is_repeat(words[i], lede):
                    return [Cut("body", i, "lede.repeated", "the lede repeated as a body paragraph")]
                if is_repeat(lede, words[i]):
                    return [Cut("subtitle", 0, "lede.repeated", "a shorter copy of a body paragraph")]
            return []
        # No lede field: the first paragraph may be the lede, repeated just below.
        for i in range(1, n):
            if is_repeat(words[0], words[i]):
                return [Cut("body", 0, "lede.repeated", "a shorter copy of a body paragraph")]
            if is_repeat(words[i], words[0]):
                return [Cut("body", i, "lede.repeated", "the lede repeated as a body paragraph")]
        return []

    def clean(self, article: Article) -> Article:
        # One cut per pass (each changes what the next compares); a lede printed
        # twice more needs two passes. Bounded, as every pass removes a paragraph.
        for _ in range(self.window + 2):
            cuts = self.find_cuts(article)
            if not cuts:
                break
            article = apply_cuts(article, cuts, self.name)
        return article
