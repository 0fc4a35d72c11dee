"""The repeated-lede cleaner: a lede (or title) printed again as a body paragraph.

Scrapers often take the standfirst from the page's meta description and then find
the same sentence again, sometimes longer, at the top of the body (seed 001:
``... Bashar al-Assad.`` as the lede and ``... Bashar al-Assad, Desember lalu.`` in
the body). The cleaner keeps the longer form once and cuts the other.

A copy counts as a repeat only when *every* word of the shorter form appears, in
order, in the longer one (case, punctuation, a leading dateline and a leading
greeting aside): the cut then loses no word of the article. That alone is not
enough: a subtitle such as ``First clinical trial of an automated blood drawing
device`` recurs word for word *inside* a long body sentence (``A team has built a
robot ..., according to the first human clinical trial of an automated blood
drawing device.``) without being a copy of it. So the shorter form must also be a
*copy* - its words close together in the longer form, with at most
:data:`MAX_INSERTED` words between them - and sit where a repeated lede sits: at
the start of the longer form (:data:`MAX_LEAD` words of lead-in at most), or make
up most of it (:data:`MIN_SHARE`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import attrs

from ..models import Article
from ..options import option, positive
from .base import Cleaner, Cut, apply_cuts
from .linemodel import outlet_pattern
from .promotion import promotes_outlet
from .rules import CompiledRules, between_lines, compile_rules, match_greeting_line, match_prefix, resolve_packs

__all__ = ["MAX_INSERTED", "MAX_LEAD", "MIN_SHARE", "MIN_WORDS", "RepeatedLedeCleaner", "is_repeat"]

_WORD = re.compile(r"\w+")
#: Shorter texts are not compared: two short lines can share words by chance.
MIN_WORDS = 6
#: Words the longer form may add *inside* the shorter one (``... Bashar al-Assad``
#: -> ``... mantan Presiden Bashar al-Assad``): this many, or a fifth of the
#: shorter form's words if that is more.
MAX_INSERTED = 2
#: Words the longer form may have before the copy begins (a place name or an
#: agency the dateline detection did not take).
MAX_LEAD = 3
#: Or the copy may sit anywhere when it is at least this share of the longer form.
MIN_SHARE = 2 / 3


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def is_repeat(shorter: list[str], longer: list[str]) -> bool:
    """Whether ``shorter`` is a copy of (the start of) ``longer``.

    Every word of ``shorter`` must appear in ``longer``, in order: a paraphrase
    that changes one word is not a repeat. The matched words must lie close
    together (at most :data:`MAX_INSERTED` words, or a fifth of ``shorter``,
    inserted between them) and begin within the first :data:`MAX_LEAD` words of
    ``longer`` - unless they make up :data:`MIN_SHARE` of it. Words of a short
    line that merely recur inside a long sentence are not a repeated lede.
    """
    if len(shorter) < MIN_WORDS or len(shorter) > len(longer):
        return False
    if longer[: len(shorter)] == shorter:
        return True
    if not set(shorter) <= set(longer):  # cheap rejection of most pairs
        return False
    matcher = difflib.SequenceMatcher(None, shorter, longer, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if sum(b.size for b in blocks) != len(shorter):
        return False
    start, end = blocks[0].b, blocks[-1].b + blocks[-1].size
    if (end - start) - len(shorter) > max(MAX_INSERTED, len(shorter) // 5):
        return False  # scattered words, not a copy
    return start <= MAX_LEAD or len(shorter) >= MIN_SHARE * len(longer)


class RepeatedLedeCleaner(Cleaner):
    """Removes a lede or title repeated among the first body paragraphs, keeping
    the longer form once.

    It runs first, and compares texts without the greetings and boilerplate lines
    the rule cleaners remove after it, so that their cuts never reveal a repeat
    it missed (which would make cleaning twice cut more).

    Options:
        window: How many leading body paragraphs of content are compared (default 3).
        rule_packs, registered_packs: As for the rule cleaners (their greetings and
            boilerplate lines are ignored when comparing).
    """

    name = "lede"
    default = True
    order = 10

    @attrs.frozen
    class Options:
        """Options of ``lede``."""

        window: int = option(3, "Leading body paragraphs of content compared.", positive)

    def __init__(
        self,
        *,
        window: int = 3,
        rule_packs: Sequence[str] | None = None,
        registered_packs: Sequence[tuple[str, str]] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ValueError("cleaner 'lede': option 'window' must be a positive integer")
        self.window = window
        self.packs = resolve_packs(rule_packs, registered_packs)
        self._compiled: dict[str | None, CompiledRules] = {}

    def _rules(self, language: str | None) -> CompiledRules:
        compiled = self._compiled.get(language)
        if compiled is None:
            packs = [p for p in self.packs if p.runs_on(language)]
            compiled = compile_rules([r for p in packs for r in p.rules], [m for p in packs for m in p.speech_markers])
            self._compiled[language] = compiled
        return compiled

    def _comparable(self, text: str, rules: CompiledRules, dateline: str) -> list[str]:
        # A repeated lede often gains the dateline in the body, or loses a greeting.
        if dateline and text.startswith(dateline):
            text = text[len(dateline) :]
        found = match_prefix(text, rules)
        if found is not None:
            text = text[found[1] + 1 :]
        return _words(text)

    def _boilerplate(self, text: str, rules: CompiledRules) -> bool:
        # A greeting line with its addressee ("Salam Malaysia Madani.") is cut by the
        # greeting cleaner though no pattern covers it whole: skip it too.
        return (
            rules.paragraph(text, "head") is not None
            or rules.paragraph(text, "tail") is not None
            or match_greeting_line(text, rules) is not None
        )

    def find_cuts(self, article: Article) -> list[Cut]:
        """The first cut this cleaner would make in ``article`` (one per pass)."""
        rules = self._rules(article.language)
        dateline = article.dateline.text if article.dateline is not None else ""
        widget = between_lines(article, rules)
        outlet = outlet_pattern(article.source, article.url, short=True)
        idx: list[int] = []
        for i, para in enumerate(article.body):
            if len(idx) >= self.window:
                break
            # Lines a later cleaner cuts are not compared, or its cut would reveal
            # a repeat in the next pass: the packs' and the outlet's own plugs.
            if i not in widget and not self._boilerplate(para, rules) and not promotes_outlet(para, outlet):
                idx.append(i)
        if not idx:
            return []
        words = {i: self._comparable(article.body[i], rules, dateline) for i in idx}
        title = _words(article.title)
        for i in idx:
            if len(title) >= MIN_WORDS and words[i] == title:
                return [Cut("body", i, "lede.repeated_title", "the title repeated as a body paragraph")]
        if article.subtitle:
            lede = self._comparable(article.subtitle, rules, dateline)
            if len(title) >= MIN_WORDS and lede == title:
                return [Cut("subtitle", 0, "lede.repeated_title", "the title repeated as the lede")]
            for i in idx:
                if is_repeat(words[i], lede):
                    return [Cut("body", i, "lede.repeated", "the lede repeated as a body paragraph")]
                if is_repeat(lede, words[i]):
                    return [Cut("subtitle", 0, "lede.repeated", "a shorter copy of a body paragraph")]
            return []
        # No lede field: the first paragraph may be the lede, repeated just below. A
        # paragraph too short to compare (a greeting, a kicker) above it is not the
        # lede: were it taken as one, the repeat would be found only once another
        # cleaner had cut it, in a second pass (cleaning would not be idempotent).
        long_enough = [i for i in idx if len(words[i]) >= MIN_WORDS]
        if not long_enough:
            return []
        first = long_enough[0]
        for i in long_enough[1:]:
            if is_repeat(words[first], words[i]):
                return [Cut("body", first, "lede.repeated", "a shorter copy of a body paragraph")]
            if is_repeat(words[i], words[first]):
                return [Cut("body", i, "lede.repeated", "the lede repeated as a body paragraph")]
        return []

    def clean(self, article: Article) -> Article:
        # One cut per pass (each changes what the next compares); a lede printed
        # twice more needs two passes. Bounded, as every pass removes a paragraph.
        for _ in range(len(article.body) + 2):
            cuts = self.find_cuts(article)
            if not cuts:
                break
            article = apply_cuts(article, cuts, self.name)
        return article
