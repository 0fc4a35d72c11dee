"""Damage detection: flag text whose linked names were lost in scraping.

When a page links a name (``<a>Hamas</a>``) and the scraper drops link text, the
sentence keeps a hole: ``... konflik yang berlangsung dengan .``, ``Delegasi ,
yang dipimpin``. The flagger looks for the marks such holes leave and raises one
``missing_link_text`` :class:`~newscorpus.models.Flag` listing every place
(``(body paragraph index, character offset)``). It never edits the text.

The marks it reads:

* a word, then a space, then a comma or period (``dengan .``, ``Delegasi ,``);
* a word that cannot end a sentence right before its period (``dengan.``,
  ``the.``): the lower-case ``dangling_words`` of the rule packs for the
  article's language;
* an empty pair of brackets or quotes (``()``, ``“”``);
* a dateline followed by a lower-case joining word (``TRIBUNNEWS.COM - dan``).

Tokenised text (``kata dia , `` everywhere, as in IndoSum) has a space before most
of its commas and periods: there the first mark means nothing, and it is ignored
when more than :data:`TOKENISED_SHARE` of an article's commas and periods follow a
space.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ..models import Article, Flag
from ..options import option, positive
from .base import Cleaner
from .rules import resolve_packs

__all__ = ["FLAG", "MIN_EVIDENCE", "TOKENISED_SHARE", "DamageFlagger", "find_damage"]

#: Name of the flag raised.
FLAG = "missing_link_text"
#: Above this share of spaced commas and periods (and more than a handful), the
#: spacing is the text's habit (tokenised text, a house style), not damage. Seed
#: 003 spaces 13% of them; a Nigerian outlet in the Zyte benchmark 45%.
TOKENISED_SHARE = 0.3

# A letter, spaces, then a comma or period closing a clause (not "..." or ".5").
_SPACED = re.compile(r"(?<=[^\W\d_])[ \t]+[,.](?=[ \t\n]|$)(?![ \t]*\.)")
_PUNCT = re.compile(r"[,.](?=\s|$)")
_LAST_WORD = re.compile(r"(\w[\w'’-]*)\W*$")
# Not right after a name, a closing bracket or an "=": ``print()``, ``f()[0]`` and
# ``result = []`` are code, not a lost link.
_EMPTY = re.compile(r"(?<![\w)\]=])(?<!= )(?:\(\s*\)|\[\s*\])|“\s*”|‘\s*’")


_EMPTY_HINTS = ("()", "( ", "[]", "[ ", "“”", "“ ", "‘’", "‘ ")


def _dangling_stops(para: str, words: frozenset[str]) -> Iterator[int]:
    """Offsets of full stops right after a dangling word (``dengan.``, ``the .``).

    Case-sensitive: ``Dan,`` and ``The.`` open or name things; ``dan.`` does not.
    A scan of the full stops beats an alternation of words tried at every offset.
    """
    n = len(para)
    pos = para.find(".")
    while pos != -1:
        if (pos + 1 == n or para[pos + 1].isspace()) and (pos == 0 or para[pos - 1] != "."):
            head = para[max(0, pos - 16) : pos].rstrip(" \t").rsplit(None, 1)
            if head and head[-1] in words:
                yield pos
        pos = para.find(".", pos + 1)


def _word_before(para: str, off: int) -> str:
    m = _LAST_WORD.search(para, 0, off)
    return m.group(1) if m else ""


#: Evidence of each kind of mark (see :func:`find_damage`).
W_SPACED_AFTER_DANGLING = 3  # "berlangsung dengan ." - a preposition, then nothing
W_DANGLING = 2  # "berlangsung dengan." / empty brackets / "TRIBUNNEWS.COM - dan"
W_SPACED = 1  # "pernyataan , menyebutkan" - also a common typo
W_SPACED_AFTER_NAME = 0  # "Real Madrid ." - link text that kept its trailing space
#: Evidence an article needs to be flagged: more than one stray space.
MIN_EVIDENCE = 3


def find_damage(
    body: Sequence[str],
    dangling: frozenset[str] = frozenset(),
    dateline: str | None = None,
    joiners: frozenset[str] = frozenset(),
) -> list[tuple[int, int, str, int]]:
    """``(paragraph, offset, excerpt, evidence)`` of every mark of lost link text
    in ``body``.

    A space before a comma or period is also a common typo, and a name whose link
    text survived with a trailing space (``Real Madrid .``) looks the same as a
    name lost after ``Kementerian Luar Negeri .``; so marks carry weights
    (``W_*``): a hole right after a preposition or article weighs most, a space
    after a capitalised word nothing (it is reported, but never raises the flag).
    """
    # Substring tests first: most paragraphs hold no mark, and `in` costs little.
    suspect = [" ," in p or " ." in p or "\t" in p for p in body]
    spaced = sum(len(_SPACED.findall(p)) for p, sus in zip(body, suspect, strict=True) if sus)
    tokenised = spaced > 4 and spaced > TOKENISED_SHARE * sum(len(_PUNCT.findall(p)) for p in body)
    hits: list[tuple[int, int, str, int]] = []
    for i, para in enumerate(body):
        found: dict[int, int] = {}
        # Offsets point at the hole: where the lost text would have stood.
        if not tokenised:
            if suspect[i]:
                for m in _SPACED.finditer(para):
                    word = _word_before(para, m.start())
                    found[m.start()] = (
                        W_SPACED_AFTER_DANGLING
                        if word in dangling
                        else W_SPACED_AFTER_NAME
                        if word[:1].isupper()
                        else W_SPACED
                    )
            if any(e in para for e in _EMPTY_HINTS):
                found.update((m.start() + 1, W_DANGLING) for m in _EMPTY.finditer(para))
        if dangling:
            for off in _dangling_stops(para, dangling):
                found[off] = max(found.get(off, 0), W_DANGLING)
        if dateline and i == 0 and para.startswith(dateline):
            nxt = para[len(dateline) :].split(maxsplit=1)
            if nxt and nxt[0] in joiners:  # lower-case only: "dan", not "Dan"
                found[len(dateline)] = W_DANGLING
        for off in sorted(found):
            # Overlapping marks of one hole ("dengan ." is both spaced and dangling).
            if hits and hits[-1][0] == i and off - hits[-1][1] < 3:
                hits[-1] = (*hits[-1][:3], max(hits[-1][3], found[off]))
                continue
            start = max(0, off - 30)
            hits.append((i, off, para[start : off + 10].strip(), found[off]))
    return hits


class DamageFlagger(Cleaner):
    """Flags (never edits) sentences whose linked names were lost in scraping,
    with flag ``missing_link_text`` and the positions of every hole.

    Options:
        rule_packs, registered_packs: As for the rule cleaners; the packs'
            ``damage.dangling_words`` are used for the article's language.
        min_evidence: Raise the flag only when the marks' weights add up to this
            much (default :data:`MIN_EVIDENCE`: 3, e.g. one hole after a
            preposition, or three stray spaces).
    """

    name = "damage"
    default = True
    order = 90

    @attrs.frozen
    class Options:
        """Options of ``damage``."""

        min_evidence: int = option(MIN_EVIDENCE, "Raise the flag only when the marks' weights add up to this.",
                                   positive)

    def __init__(
        self,
        *,
        rule_packs: Sequence[str] | None = None,
        registered_packs: Sequence[tuple[str, str]] | None = None,
        min_evidence: int = MIN_EVIDENCE,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if isinstance(min_evidence, bool) or not isinstance(min_evidence, int) or min_evidence < 1:
            raise ValueError("cleaner 'damage': option 'min_evidence' must be a positive integer")
        self.min_evidence = min_evidence
        self.packs = resolve_packs(rule_packs, registered_packs)
        self._by_language: dict[str | None, frozenset[str]] = {}

    def _words(self, language: str | None) -> frozenset[str]:
        cached = self._by_language.get(language)
        if cached is None:
            cached = frozenset(w for p in self.packs if p.runs_on(language) for w in p.dangling_words)
            self._by_language[language] = cached
        return cached

    def flag(self, article: Article) -> Flag | None:
        """The flag ``article`` deserves, or ``None``."""
        words = self._words(article.language)
        dateline = article.dateline.text if article.dateline is not None else None
        hits = find_damage(article.body, words, dateline, words)
        if sum(weight for *_rest, weight in hits) < self.min_evidence:
            return None
        shown = "; ".join(f"body {i}: …{ex}…" for i, _off, ex, _w in hits[:5])
        more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
        return Flag(
            name=FLAG,
            plugin=self.name,
            detail=f"{len(hits)} place(s) where linked text seems lost in scraping: {shown}{more}",
            positions=tuple((i, off) for i, off, _ex, _w in hits),
        )

    def clean(self, article: Article) -> Article:
        flag = self.flag(article)
        old = [f for f in article.flags if f.name == FLAG and f.plugin == self.name]
        if (flag is None and not old) or (flag is not None and old == [flag]):
            return article
        others = tuple(f for f in article.flags if not (f.name == FLAG and f.plugin == self.name))
        return attrs.evolve(article, flags=(*others, flag) if flag is not None else others)
