"""The rule engine behind the rule-pack cleaners, and those cleaners.

A :class:`RuleCleaner` runs the rules of some kinds (``greeting``, ``signoff``, ...)
from every rule pack that applies to an article's language. Rules fire only in
their zone:

* ``head``: the subtitle and the first body paragraphs, scanning down and
  stopping after ``head_window`` paragraphs of content (cut lines do not count);
* ``tail``: the last body paragraphs, scanning up and stopping after
  ``tail_window`` paragraphs of content;
* ``anywhere``: any subtitle or body paragraph.

A paragraph is cut only when *every* line of it matches a rule as a whole (after
unwrapping one pair of brackets and a leading bullet), has at most the rule's
``max_words`` words, and - for guarded rules (greetings and sign-offs) - holds no
quotation mark and no reported-speech word such as *said* or *kata*. The one
exception is a ``prefix`` rule in the head zone: a greeting glued to the first
sentence of the lede (``Assalamu alaykum - Syria's interim leader said ...``) is
cut alone and the sentence stays.

Patterns are compiled once per cleaner instance and language (into one anchored
alternation per zone), so a batch costs one regex call per candidate line.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from ..models import Article
from .base import Cleaner, Cut, apply_cuts
from .packs import Rule, RulePack, builtin_pack_paths, load_packs

__all__ = [
    "CompiledRules",
    "FooterCleaner",
    "GreetingCleaner",
    "LegalCleaner",
    "RelatedCleaner",
    "RuleCleaner",
    "SignoffCleaner",
    "compile_rules",
    "resolve_packs",
]

#: Quotation marks that make a line a quotation (not the apostrophes ' and ’).
_QUOTES = re.compile(r"[\"“”„«»‹›「」『』‘]")
#: Decoration stripped before matching: a leading bullet or dash, wrapping brackets.
_LEAD = re.compile(r"^[-–—•·▪►▶»>|*~_]+\s*(?=\w)")
_WRAPS = {"[": "]", "(": ")", "{": "}", "<": ">", "【": "】"}
#: Where a greeting prefix may end: the kept text starts like a sentence.
_SENTENCE_START = re.compile(r"[\"“‘'(\[]?[A-Z0-9\u00C0-\u024F\u0400-\u04FF\u0600-\u06FF]")
#: Lines longer than this are never compared with line rules (a rule cuts at most
#: ``max_words`` words, and real boilerplate lines are short).
_CHARS_PER_WORD = 25


def core(line: str) -> str:
    """The part of a line rules match: without a leading bullet or dash and without
    one pair of wrapping brackets (``[ Baca juga: ... ]``)."""
    s = line.strip()
    if len(s) > 1 and s[0] in _WRAPS and s[-1] == _WRAPS[s[0]]:
        inner = s[1:-1]
        if s[0] not in inner and _WRAPS[s[0]] not in inner:
            s = inner.strip()
    return _LEAD.sub("", s).strip()


@attrs.frozen
class _ZoneSet:
    """The line rules of one zone, as one anchored alternation."""

    rules: tuple[Rule, ...]
    regex: re.Pattern[str] | None
    singles: tuple[re.Pattern[str], ...]
    max_chars: int

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> _ZoneSet:
        if not rules:
            return cls((), None, (), 0)
        alts, singles = [], []
        for i, rule in enumerate(rules):
            body = "|".join(f"(?:{p})" for p in rule.patterns)
            scoped = f"(?:{body})" if rule.case_sensitive else f"(?i:{body})"
            alts.append(f"(?P<_r{i}>{scoped})")
            singles.append(re.compile(body, 0 if rule.case_sensitive else re.I))
        try:
            regex: re.Pattern[str] | None = re.compile("|".join(alts))
        except re.error:  # e.g. two rules use the same named group: match one by one
            regex = None
        return cls(tuple(rules), regex, tuple(singles), max(r.max_words for r in rules) * _CHARS_PER_WORD)

    def match(self, line: str) -> Rule | None:
        """The first rule matching the whole ``line`` (already :func:`core`-ed)."""
        if not self.rules or len(line) > self.max_chars:
            return None
        words = len(line.split())
        if self.regex is not None:
            m = self.regex.fullmatch(line)
            if m is None:
                return None
            rule = self.rules[int(m.lastgroup[2:])] if m.lastgroup else None
            if rule is not None and words <= rule.max_words:
                return rule
        # Slow path (rare): the first match was too long, or no combined regex.
        for rule, single in zip(self.rules, self.singles, strict=True):
            if words <= rule.max_words and single.fullmatch(line):
                return rule
        return None


@attrs.frozen
class CompiledRules:
    """The rules of one cleaner for one article language, ready to match.

    Attributes:
        head, tail, anywhere: Whole-line rules by zone (``head`` and ``tail`` also
            hold the ``anywhere`` rules, so a boilerplate line never counts as
            content when a zone is scanned).
        prefixes: Head-zone ``prefix`` rules with their compiled start patterns.
        speech: Reported-speech words of the applicable packs, or ``None``.
    """

    head: _ZoneSet
    tail: _ZoneSet
    anywhere: _ZoneSet
    prefixes: tuple[tuple[Rule, re.Pattern[str]], ...]
    speech: re.Pattern[str] | None

    def guarded(self, text: str) -> bool:
        """Whether ``text`` is a quotation or reported speech."""
        return bool(_QUOTES.search(text)) or (self.speech is not None and self.speech.search(text) is not None)


def compile_rules(rules: Iterable[Rule], speech_markers: Iterable[str]) -> CompiledRules:
    """Compile rules into per-zone matchers."""
    rules = list(rules)
    line_rules = [r for r in rules if r.match == "line"]
    anywhere = [r for r in line_rules if r.zone == "anywhere"]
    # A prefix rule also cuts a line that is nothing but the greeting.
    head = [r for r in rules if r.zone == "head"] + anywhere
    tail = [r for r in line_rules if r.zone == "tail"] + anywhere
    prefixes = tuple(
        (r, re.compile("|".join(f"(?:{p})" for p in r.patterns), 0 if r.case_sensitive else re.I))
        for r in rules
        if r.match == "prefix"
    )
    markers = sorted(set(speech_markers))
    speech = re.compile(r"\b(?:" + "|".join(markers) + r")\b", re.I) if markers else None
    return CompiledRules(_ZoneSet.of(head), _ZoneSet.of(tail), _ZoneSet.of(anywhere), prefixes, speech)


def resolve_packs(
    rule_packs: Sequence[str] | None = None,
    registered_packs: Sequence[tuple[str, str]] | Sequence[str] | None = None,
) -> tuple[RulePack, ...]:
    """The packs a cleaner uses: the registered ones (the built-in packs when the
    caller passes none) followed by the user's ``rule_packs`` from the config."""
    entries: list[tuple[str, str]] = []
    if registered_packs is None:
        entries += [(p, "newscorpus.cleaners.plugin") for p in builtin_pack_paths()]
    else:
        for item in registered_packs:
            entries.append((item, "") if isinstance(item, str) else (str(item[0]), str(item[1])))
    entries += [(str(p), "config") for p in rule_packs or ()]
    return load_packs(entries)


def _as_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"cleaner option {name!r} must be a list of strings, got {value!r}")


class RuleCleaner(Cleaner):
    """A cleaner that runs the rules of :attr:`kinds` from the rule packs.

    Options:
        rule_packs: Extra pack files (the config's ``clean.rule_packs``).
        registered_packs: ``(path, plugin)`` pairs registered by plugins; the
            built-in packs when absent.
        packs: Use only the packs with these names.
        disable: Rule ids (or globs such as ``footer.*``) not to run.
        head_window: Content paragraphs scanned in the head zone (default 2).
        tail_window: Content paragraphs scanned in the tail zone (default 3).
    """

    kinds: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        *,
        rule_packs: Sequence[str] | None = None,
        registered_packs: Sequence[tuple[str, str]] | None = None,
        packs: Sequence[str] | None = None,
        disable: Sequence[str] | None = None,
        head_window: int = 2,
        tail_window: int = 3,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        for name, value in (("head_window", head_window), ("tail_window", tail_window)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"cleaner {self.name!r}: option {name!r} must be a positive integer")
        self.head_window, self.tail_window = head_window, tail_window
        self.packs = resolve_packs(rule_packs, registered_packs)
        wanted = _as_list(packs, "packs")
        if wanted:
            known = {p.name for p in self.packs}
            missing = sorted(set(wanted) - known)
            if missing:
                raise ValueError(
                    f"cleaner {self.name!r}: no rule pack named {missing[0]!r} (known: {', '.join(sorted(known))})"
                )
            self.packs = tuple(p for p in self.packs if p.name in wanted)
        self.disabled = _as_list(disable, "disable")
        self._compiled: dict[str | None, CompiledRules] = {}

    def rules_for(self, language: str | None) -> CompiledRules:
        """The compiled rules for articles in ``language`` (cached)."""
        compiled = self._compiled.get(language)
        if compiled is None:
            packs = [p for p in self.packs if p.runs_on(language)]
            rules = [
                r
                for p in packs
                for r in p.rules
                if r.kind in self.kinds and not any(fnmatch.fnmatchcase(r.id, d) for d in self.disabled)
            ]
            compiled = compile_rules(rules, (m for p in packs for m in p.speech_markers))
            self._compiled[language] = compiled
        return compiled

    def clean(self, article: Article) -> Article:
        cuts = self.find_cuts(article)
        return apply_cuts(article, cuts, self.name) if cuts else article

    # -- matching ---------------------------------------------------------------------

    def find_cuts(self, article: Article) -> list[Cut]:
        """The cuts this cleaner would make in ``article``."""
        rules = self.rules_for(article.language)
        cuts: dict[tuple[str, int], Cut] = {}
        paras = [("subtitle", 0, article.subtitle)] if article.subtitle else []
        paras += [("body", i, p) for i, p in enumerate(article.body)]
        if rules.anywhere.rules:
            for field, i, text in paras:
                rule = self._match_paragraph(text, rules.anywhere, rules)
                if rule is not None:
                    cuts[(field, i)] = _cut(field, i, rule)
        if rules.head.rules or rules.prefixes:
            self._scan_head(paras, rules, cuts)
        if rules.tail.rules and article.body:
            self._scan_tail([p for p in paras if p[0] == "body"], rules, cuts)
        return list(cuts.values())

    def _scan_head(
        self, paras: list[tuple[str, int, str]], rules: CompiledRules, cuts: dict[tuple[str, int], Cut]
    ) -> None:
        content = 0
        prefixed: set[str] = set()
        for field, i, text in paras:
            if (field, i) in cuts:
                continue
            rule = self._match_paragraph(text, rules.head, rules)
            if rule is not None:
                cuts[(field, i)] = _cut(field, i, rule)
                continue
            if rules.prefixes and field not in prefixed:
                # Only the first paragraph of content of each field can open with
                # a greeting glued to its first sentence.
                prefixed.add(field)
                cut = self._match_prefix(field, i, text, rules)
                if cut is not None:
                    cuts[(field, i)] = cut
            content += 1
            if content >= self.head_window:
                return

    def _scan_tail(
        self, paras: list[tuple[str, int, str]], rules: CompiledRules, cuts: dict[tuple[str, int], Cut]
    ) -> None:
        content = 0
        for field, i, text in reversed(paras):
            if (field, i) in cuts:
                continue
            rule = self._match_paragraph(text, rules.tail, rules)
            if rule is not None:
                cuts[(field, i)] = _cut(field, i, rule)
                continue
            content += 1
            if content >= self.tail_window:
                return

    @staticmethod
    def _match_paragraph(text: str, zone: _ZoneSet, rules: CompiledRules) -> Rule | None:
        """The rule that makes the whole paragraph boilerplate, if any: every line
        of it must match (the first line's rule is reported)."""
        if not zone.rules or len(text) > zone.max_chars:
            return None
        first: Rule | None = None
        for line in text.split("\n"):
            c = core(line)
            if not c:
                continue
            rule = zone.match(c)
            if rule is None or (rule.guard and rules.guarded(c)):
                return None
            first = first or rule
        return first

    @staticmethod
    def _match_prefix(field: str, index: int, text: str, rules: CompiledRules) -> Cut | None:
        for rule, regex in rules.prefixes:
            m = regex.match(text)
            if m is None:
                continue
            end = m.end()
            while end > 0 and text[end - 1].isspace():
                end -= 1
            prefix, rest = text[:end], text[end + 1 :]
            # Exactly one space between greeting and sentence, so the cut undoes
            # exactly; the rest must read as a sentence of its own.
            if end == 0 or end >= len(text) - 1 or text[end] != " " or not _SENTENCE_START.match(rest):
                continue
            if len(prefix.split()) > rule.max_words or len(rest.split()) < 4:
                continue
            if rule.guard and (_QUOTES.search(prefix) or (prefix.endswith(",") and rules.guarded(rest))):
                continue  # "Good morning, the minister told the crowd ..." is speech
            return _cut(field, index, rule, prefix=end)
        return None


def _cut(field: str, index: int, rule: Rule, prefix: int = 0) -> Cut:
    return Cut(field=field, index=index, rule=rule.id, reason=rule.reason, pack=rule.pack, prefix=prefix)


class GreetingCleaner(RuleCleaner):
    """Removes opening greetings and salutations to readers (``Assalamu alaykum``,
    ``Salam sejahtera``, ``Dear readers``), alone or glued to the lede's first
    sentence, in the head zone."""

    name = "greetings"
    default = True
    order = 60
    kinds = ("greeting",)


class SignoffCleaner(RuleCleaner):
    """Removes closing sign-offs, prayers, blessings, wishes and thanks-for-reading
    lines in the tail zone (``May Allah guide ... Insha'Allah.``, ``Semoga
    bermanfaat``, ``Thanks for reading``)."""

    name = "signoffs"
    default = True
    order = 50
    kinds = ("signoff",)


class FooterCleaner(RuleCleaner):
    """Removes share / follow / subscribe / "more news on" footers, lists of social
    networks, and page clutter (advertising markers, embeds, separators)."""

    name = "footers"
    default = True
    order = 40
    kinds = ("footer", "clutter")


class RelatedCleaner(RuleCleaner):
    """Removes read-also and related-article lines (``Baca juga: ...``,
    ``Read more: ...``), with or without their headline, anywhere in the body."""

    name = "related"
    default = True
    order = 20
    kinds = ("related",)


class LegalCleaner(RuleCleaner):
    """Removes copyright, legal, disclosure and newsletter lines."""

    name = "legal"
    default = True
    order = 30
    kinds = ("legal",)
