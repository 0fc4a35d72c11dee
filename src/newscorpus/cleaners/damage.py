"""Damage detection: flag text whose linked names were lost in scraping.

When a page links a name (``<a>Hamas</a>``) and the scraper drops link text, the
sentence keeps a hole: ``... konflik yang berlangsung dengan .``, ``Delegasi ,
yang dipimpin``. The flagger looks for the marks such holes leave and raises one
``missing_link_text`` :class:`~newscorpus.models.Flag` listing every place
(``(body paragraph index, character offset)``). It never edits the text.

The marks it reads:

* a word, then a space, then a comma or period (``dengan .``, ``Delegasi ,``);
* a word that cannot end a clause right before a comma or period (``dengan.``,
  ``the.``): the ``dangling_words`` of the rule packs for the article's language;
* an empty pair of brackets or quotes (``()``, ``“”``);
* a dateline followed by a lower-case joining word (``TRIBUNNEWS.COM - dan``).

Tokenised text (``kata dia , `` everywhere, as in IndoSum) has a space before most
of its commas and periods: there the first mark means nothing, and it is ignored
when more than :data:`TOKENISED_SHARE` of an article's commas and periods follow a
space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs

from ..models import Article, Flag
from .base import Cleaner
from .rules import resolve_packs

__all__ = ["FLAG", "TOKENISED_SHARE", "DamageFlagger", "find_damage"]

#: Name of the flag raised.
FLAG = "missing_link_text"
#: Above this share of spaced commas and periods, text is tokenised, not damaged.
TOKENISED_SHARE = 0.25

# A letter, spaces, then a comma or period closing a clause (not "..." or ".5").
_SPACED = re.compile(r"(?<=[^\W\d_])[ \t]+[,.](?=[ \t\n]|$)(?![ \t]*\.)")
_PUNCT = re.compile(r"[,.](?=\s|$)")
_EMPTY = re.compile(r"\(\s*\)|\[\s*\]|“\s*”|‘\s*’|\"\"")


def _dangling_regex(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alt = "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})[ \t]*[,.](?=\s|$)", re.I)


def find_damage(
    body: Sequence[str],
    dangling: re.Pattern[str] | None = None,
    dateline: str | None = None,
    joiners: frozenset[str] = frozenset(),
) -> list[tuple[int, int, str]]:
    """``(paragraph, offset, excerpt)`` of every mark of lost link text in ``body``."""
    spaced = sum(len(_SPACED.findall(p)) for p in body)
    total = sum(len(_PUNCT.findall(p)) for p in body)
    tokenised = spaced > 2 and spaced > TOKENISED_SHARE * total
    hits: list[tuple[int, int, str]] = []
    for i, para in enumerate(body):
        found: set[int] = set()
        # Offsets point at the hole: where the lost text would have stood.
        if not tokenised:
            found.update(m.start() for m in _SPACED.finditer(para))
            found.update(m.start() + 1 for m in _EMPTY.finditer(para))
        if dangling is not None:
            found.update(m.end() - 1 for m in dangling.finditer(para))
        if dateline and i == 0 and para.startswith(dateline):
            nxt = para[len(dateline) :].split(maxsplit=1)
            if nxt and nxt[0] in joiners:  # lower-case only: "dan", not "Dan"
                found.add(len(dateline))
        for off in sorted(found):
            # Overlapping marks of one hole ("dengan ." is both spaced and dangling).
            if hits and hits[-1][0] == i and off - hits[-1][1] < 3:
                continue
            start = max(0, off - 30)
            hits.append((i, off, para[start : off + 10].strip()))
    return hits


class DamageFlagger(Cleaner):
    """Flags (never edits) sentences whose linked names were lost in scraping,
    with flag ``missing_link_text`` and the positions of every hole.

    Options:
        rule_packs, registered_packs: As for the rule cleaners; the packs'
            ``damage.dangling_words`` are used for the article's language.
        min_marks: Raise the flag only with at least this many marks (default 1).
    """

    name = "damage"
    default = True
    order = 90

    def __init__(
        self,
        *,
        rule_packs: Sequence[str] | None = None,
        registered_packs: Sequence[tuple[str, str]] | None = None,
        min_marks: int = 1,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if isinstance(min_marks, bool) or not isinstance(min_marks, int) or min_marks < 1:
            raise ValueError("cleaner 'damage': option 'min_marks' must be a positive integer")
        self.min_marks = min_marks
        self.packs = resolve_packs(rule_packs, registered_packs)
        self._by_language: dict[str | None, tuple[re.Pattern[str] | None, frozenset[str]]] = {}

    def _words(self, language: str | None) -> tuple[re.Pattern[str] | None, frozenset[str]]:
        cached = self._by_language.get(language)
        if cached is None:
            words = [w for p in self.packs if p.runs_on(language) for w in p.dangling_words]
            cached = (_dangling_regex(words), frozenset(words))
            self._by_language[language] = cached
        return cached

    def flag(self, article: Article) -> Flag | None:
        """The flag ``article`` deserves, or ``None``."""
        dangling, joiners = self._words(article.language)
        dateline = article.dateline.text if article.dateline is not None else None
        hits = find_damage(article.body, dangling, dateline, joiners)
        if len(hits) < self.min_marks:
            return None
        shown = "; ".join(f"body {i}: …{ex}…" for i, _off, ex in hits[:5])
        more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
        return Flag(
            name=FLAG,
            plugin=self.name,
            detail=f"{len(hits)} place(s) where linked text seems lost in scraping: {shown}{more}",
            positions=tuple((i, off) for i, off, _ex in hits),
        )

    def clean(self, article: Article) -> Article:
        flag = self.flag(article)
        old = [f for f in article.flags if f.name == FLAG and f.plugin == self.name]
        if (flag is None and not old) or (flag is not None and old == [flag]):
            return article
        others = tuple(f for f in article.flags if not (f.name == FLAG and f.plugin == self.name))
        return attrs.evolve(article, flags=(*others, flag) if flag is not None else others)
