"""The rule engine behind the rule-pack cleaners, and those cleaners.

A :class:`RuleCleaner` runs the rules of some kinds (``greeting``, ``signoff``, ...)
from every rule pack that applies to an article's language. Rules fire only in
their zone:

* ``head``: the subtitle and the first body paragraphs, scanning down and
  stopping after ``head_window`` paragraphs of content (cut lines do not count);
* ``tail``: the last body paragraphs, scanning up and stopping after
  ``tail_window`` paragraphs of content;
* ``anywhere``: any subtitle or body paragraph;
* ``between``: a body paragraph whose neighbours above and below are both
  boilerplate by an ``anywhere`` rule: the short messages of a sign-up or share
  widget (``Sorry!``, ``Thank you``) that mean nothing alone and would be news
  nowhere else.

A paragraph is cut only when *every* line of it matches a rule as a whole (after
unwrapping one pair of brackets and a leading bullet), has at most the rule's
``max_words`` words, and - for guarded rules (greetings and sign-offs) - holds no
quotation mark and no reported-speech word such as *said* or *kata*. The one
exception is a ``prefix`` rule in the head zone: a greeting glued to the first
sentence of the lede (``Assalamu alaykum - Syria's interim leader said ...``) is
cut alone and the sentence stays.

A line is compared only with the rules whose required literals it holds (one
Aho-Corasick scan, see :mod:`.literals`); each rule's regex is compiled once per
process, the first time a line gets past its gate.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import ahocorasick  # type: ignore[import-not-found,import-untyped,unused-ignore]
import attrs

from ..models import Article
from ..options import option, positive
from ..parsers.furniture import match_dateline
from .base import Cleaner, Cut, apply_cuts
from .explain import reconstruct
from .literals import fold, required_literals
from .packs import Rule, RulePack, builtin_pack_paths, load_packs

__all__ = [
    "CompiledRules",
    "FooterCleaner",
    "GreetingCleaner",
    "LegalCleaner",
    "RelatedCleaner",
    "RuleCleaner",
    "SignoffCleaner",
    "between_lines",
    "clear_memos",
    "compile_rules",
    "match_paragraph",
    "match_prefix",
    "resolve_packs",
]

#: Quotation marks that make a line a quotation (not the apostrophes ' and ’).
_QUOTES = re.compile(r"[\"“”„«»‹›「」『』‘]")
#: Decoration stripped before matching: a leading bullet or dash, wrapping brackets.
_LEAD = re.compile(r"^[-–—•·▪►▶»>|*~_]+\s*(?=[^\W_])")
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


#: Rules whose required literals include a shorter one run ungated.
_MIN_LITERAL = 3


@functools.cache
def _single(rule: Rule) -> re.Pattern[str]:
    """The rule's patterns as one regex (compiled on first use, once per process)."""
    return re.compile("|".join(f"(?:{p})" for p in rule.patterns), 0 if rule.case_sensitive else re.I)


@functools.cache
def _literals(rule: Rule) -> frozenset[str] | None:
    """Strings one of which every line the rule matches holds (folded), or ``None``."""
    flags = 0 if rule.case_sensitive else re.I
    found: set[str] = set()
    for pattern in rule.patterns:
        lits = required_literals(pattern, flags)
        if lits is None:
            return None
        found |= lits
    return frozenset(found)


class _ZoneSet:
    """The line rules of one zone, behind a literal gate.

    A line is compared only with the rules whose ``max_words`` it fits and whose
    required literals (:mod:`.literals`) it holds, found in one Aho-Corasick pass
    over the folded line; those rules run in their pack order and the first whose
    pattern matches the whole line wins: the rule the old single alternation of
    every rule reported, as the alternation also tried its branches in order. Most
    lines hold no rule's literals and cost one scan; a rule's regex is compiled
    the first time a line gets past its gate.
    """

    __slots__ = ("_gate", "_ungated", "limits", "max_chars", "rules")
    rules: tuple[Rule, ...]
    limits: tuple[int, ...]
    max_chars: int

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.limits = tuple(sorted({r.max_words for r in rules}))
        self.max_chars = self.limits[-1] * _CHARS_PER_WORD if rules else 0
        self._gate: Any = None  # literal -> rule indices, built on first use
        self._ungated: tuple[int, ...] = ()

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> _ZoneSet:
        """The zone set of ``rules`` (in the order they are tried)."""
        return cls(rules)

    def _build(self) -> Any:
        by_literal: dict[str, list[int]] = {}
        ungated = []
        for i, rule in enumerate(self.rules):
            lits = _literals(rule)
            if lits is None or min(map(len, lits)) < _MIN_LITERAL:
                # A literal of a letter or two is in most lines: its hits would
                # cost more than running the rule.
                ungated.append(i)
                continue
            for lit in lits:
                by_literal.setdefault(lit, []).append(i)
        automaton = ahocorasick.Automaton()
        for lit, idx in by_literal.items():
            automaton.add_word(lit, tuple(idx))
        if by_literal:
            automaton.make_automaton()
        self._ungated = tuple(ungated)
        self._gate = automaton if by_literal else False
        return self._gate

    def match(self, line: str) -> Rule | None:
        """The first rule matching the whole ``line`` (already :func:`core`-ed)."""
        if not self.rules or len(line) > self.max_chars:
            return None
        words = len(line.split())
        if words > self.limits[-1]:
            return None
        gate = self._gate
        if gate is None:
            gate = self._build()
        found = {idx for _end, idx in gate.iter(fold(line))} if gate else set()
        if not found and not self._ungated:
            return None
        rules = self.rules
        for i in sorted({*self._ungated, *(i for idx in found for i in idx)}):
            rule: Rule = rules[i]
            if words <= rule.max_words and _single(rule).fullmatch(line):
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
        any_prefixes: ``prefix`` rules of the ``anywhere`` zone (placeholders such
            as ``Baca_Juga`` glued to a sentence).
        union: Every rule, to tell at once that a paragraph matches none.
        between: ``between`` rules (they fire only between two ``anywhere``
            boilerplate paragraphs; see :func:`between_lines`).
    """

    head: _ZoneSet
    tail: _ZoneSet
    anywhere: _ZoneSet
    prefixes: tuple[tuple[Rule, re.Pattern[str]], ...]
    speech: re.Pattern[str] | None
    any_prefixes: tuple[tuple[Rule, re.Pattern[str]], ...] = ()
    union: _ZoneSet | None = None
    between: _ZoneSet = attrs.field(factory=lambda: _ZoneSet.of(()))
    _memo: dict[tuple[str, str], Rule | None] = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    _possible: dict[str, bool] = attrs.field(factory=dict, eq=False, repr=False, hash=False)

    def guarded(self, text: str) -> bool:
        """Whether ``text`` is a quotation or reported speech."""
        return bool(_QUOTES.search(text)) or (self.speech is not None and self.speech.search(text) is not None)

    def paragraph(self, text: str, zone: str) -> Rule | None:
        """:func:`match_paragraph` in ``zone`` (``head``, ``tail``, ``anywhere`` or
        ``between``, the neighbours aside),
        remembered: the cleaners of a batch ask about the same paragraphs."""
        if len(text) > getattr(self, zone).max_chars:
            # match_paragraph's own first test, made before the union's: a paragraph
            # longer than every line rule of the zone allows (the between zone's
            # widget messages are short) needs no pass over the union's rules.
            return None
        # Most paragraphs match no rule of any zone: one pass over the union of
        # the rules settles all three zones for them.
        possible = self._possible.get(text)
        if possible is None:
            if len(self._possible) >= _MEMO_SIZE:
                self._possible.clear()
            possible = self._possible[text] = self.union is None or self._any_rule(text)
        if not possible:
            return None
        key = (zone, text)
        try:
            return self._memo[key]
        except KeyError:
            pass
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        rule = self._memo[key] = match_paragraph(text, getattr(self, zone), self)
        return rule

    def _any_rule(self, text: str) -> bool:
        assert self.union is not None
        if len(text) > self.union.max_chars:
            return False
        for line in text.split("\n"):
            c = core(line)
            if c and self.union.match(c) is None:
                return False
        return True


#: Paragraphs remembered per compiled rule set (about a batch's worth).
_MEMO_SIZE = 200_000


def compile_rules(rules: Iterable[Rule], speech_markers: Iterable[str]) -> CompiledRules:
    """Compile rules into per-zone matchers.

    The result is shared by every caller with the same rules (cleaners of one
    run compile the same packs), so its paragraph memo serves them all.
    """
    return _compile(tuple(rules), tuple(sorted(set(speech_markers))))


def clear_memos() -> None:
    """Forget remembered paragraphs (benchmarks call it between timed runs)."""
    for compiled in _COMPILED:
        compiled._memo.clear()
        compiled._possible.clear()
    for _starts, gate in _GATES.values():
        gate.memo.clear()


_COMPILED: list[CompiledRules] = []


@functools.lru_cache(maxsize=128)
def _compile(rules: tuple[Rule, ...], markers: tuple[str, ...]) -> CompiledRules:
    # A prefix rule also cuts a line that is nothing but its prefix (a greeting alone).
    anywhere = [r for r in rules if r.zone == "anywhere"]
    head = [r for r in rules if r.zone == "head"] + anywhere
    tail = [r for r in rules if r.zone == "tail"] + anywhere

    def starts(zone: str) -> tuple[tuple[Rule, re.Pattern[str]], ...]:
        return tuple(
            (r, _single(r))
            for r in rules
            if r.match == "prefix" and r.zone == zone
        )

    speech = re.compile(r"\b(?:" + "|".join(markers) + r")\b", re.I) if markers else None
    compiled = CompiledRules(
        _ZoneSet.of(head),
        _ZoneSet.of(tail),
        _ZoneSet.of(anywhere),
        starts("head"),
        speech,
        starts("anywhere"),
        _ZoneSet.of(rules),
        _ZoneSet.of([r for r in rules if r.zone == "between"]),
    )
    if len(_COMPILED) >= 128:
        del _COMPILED[0]
    _COMPILED.append(compiled)
    return compiled


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
        tail_window: Content paragraphs scanned in the tail zone (default 5: footers
            are often followed by lists of related headlines).
    """

    kinds: ClassVar[tuple[str, ...]] = ()

    @attrs.frozen
    class Options:
        """Options of the rule cleaners (``greetings``, ``signoffs``, ``footers``,
        ``related``, ``legal``)."""

        packs: tuple[str, ...] | str | None = option(None, "Use only the rule packs with these names.")
        disable: tuple[str, ...] | str | None = option(
            None, "Rule ids (or globs such as `footer.*`) not to run.")
        head_window: int = option(2, "Content paragraphs scanned in the head zone.", positive)
        tail_window: int = option(5, "Content paragraphs scanned in the tail zone.", positive)

    def __init__(
        self,
        *,
        rule_packs: Sequence[str] | None = None,
        registered_packs: Sequence[tuple[str, str]] | None = None,
        packs: Sequence[str] | None = None,
        disable: Sequence[str] | None = None,
        head_window: int = 2,
        tail_window: int = 5,
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
        self._compiled: dict[str | None, tuple[CompiledRules, CompiledRules]] = {}

    def _both(self, language: str | None) -> tuple[CompiledRules, CompiledRules]:
        compiled = self._compiled.get(language)
        if compiled is None:
            packs = [p for p in self.packs if p.runs_on(language)]
            rules = [r for p in packs for r in p.rules if not any(fnmatch.fnmatchcase(r.id, d) for d in self.disabled)]
            speech = [m for p in packs for m in p.speech_markers]
            compiled = (compile_rules([r for r in rules if r.kind in self.kinds], speech), compile_rules(rules, speech))
            self._compiled[language] = compiled
        return compiled

    def rules_for(self, language: str | None) -> CompiledRules:
        """The compiled rules of this cleaner's kinds for articles in ``language`` (cached)."""
        return self._both(language)[0]

    def clean(self, article: Article) -> Article:
        cuts = self.find_cuts(article)
        return apply_cuts(article, cuts, self.name) if cuts else article

    # -- matching ---------------------------------------------------------------------

    def find_cuts(self, article: Article) -> list[Cut]:
        """The cuts this cleaner would make in ``article``.

        When a zone is scanned, lines that a rule of any kind would cut do not count
        as content, whichever cleaner cuts them and whenever: so the cleaners give
        the same result in any order, and cleaning twice changes nothing.
        """
        rules, every = self._both(article.language)
        cuts: dict[tuple[str, int], Cut] = {}
        paras = [("subtitle", 0, article.subtitle)] if article.subtitle else []
        paras += [("body", i, p) for i, p in enumerate(article.body)]
        if rules.anywhere.rules:
            for field, i, text in paras:
                rule = self._own(text, "anywhere", rules, every)
                if rule is not None:
                    cuts[(field, i)] = _cut(field, i, rule)
        between = self._between(article, rules, every)
        for i, rule in between.items():
            if rule is not None and ("body", i) not in cuts:
                cuts[("body", i)] = _cut("body", i, rule)
        skip = {("body", i) for i in between}
        if rules.any_prefixes:
            for field, i, text in paras:
                found = None if (field, i) in cuts else match_prefix(text, rules, rules.any_prefixes)
                if found is not None:
                    cuts[(field, i)] = _cut(field, i, found[0], prefix=found[1])
        if rules.head.rules or rules.prefixes:
            self._scan("head", paras, self.head_window, rules, every, cuts, skip)
        if rules.tail.rules and article.body:
            body = [p for p in paras if p[0] == "body"]
            self._scan("tail", reversed(body), self.tail_window, rules, every, cuts, skip)
        return list(cuts.values())

    def _between(self, article: Article, rules: CompiledRules, every: CompiledRules) -> dict[int, Rule | None]:
        """Body paragraphs that a ``between`` rule of any kind cuts (see
        :func:`between_lines`), each with the rule of this cleaner's kinds that
        cuts it (``None``: another cleaner's)."""
        found: dict[int, Rule | None] = {}
        for i, rule in between_lines(article, every).items():
            found[i] = rule if rule.kind in self.kinds else rules.paragraph(article.body[i], "between")
        return found

    def _own(self, text: str, zone: str, rules: CompiledRules, every: CompiledRules) -> Rule | None:
        # Ask the shared all-kinds set first (one regex per paragraph for all the
        # cleaners); only a line claimed by another kind needs this cleaner's own.
        rule = every.paragraph(text, zone)
        if rule is None or rule.kind in self.kinds:
            return rule
        return rules.paragraph(text, zone)

    def _scan(
        self,
        zone: str,
        paras: Iterable[tuple[str, int, str]],
        window: int,
        rules: CompiledRules,
        every: CompiledRules,
        cuts: dict[tuple[str, int], Cut],
        skip: set[tuple[str, int]],
    ) -> None:
        """Cut this cleaner's lines of ``zone`` among ``paras`` (in scan order:
        down for the head, up for the tail), stopping after ``window`` paragraphs
        of content. Boilerplate of any cleaner, and ``skip``, is not content."""
        content = 0
        prefixed: set[str] = set()
        for field, i, text in paras:
            if (field, i) in cuts:
                continue
            rule = self._own(text, zone, rules, every)
            if rule is None and zone == "head" and rules.prefixes:
                rule = match_greeting_line(text, rules)
            if rule is not None:
                cuts[(field, i)] = _cut(field, i, rule)
                continue
            if (field, i) in skip or every.paragraph(text, zone) is not None:
                continue  # boilerplate another cleaner removes
            if zone == "head" and rules.prefixes and field not in prefixed:
                # Only the first paragraph of content of each field can open with
                # a greeting glued to its first sentence.
                prefixed.add(field)
                found = match_prefix(text, rules)
                if found is not None:
                    cuts[(field, i)] = _cut(field, i, found[0], prefix=found[1])
            content += 1
            if content >= window:
                return


def between_lines(article: Article, rules: CompiledRules) -> dict[int, Rule]:
    """Body paragraphs that a ``between`` rule of ``rules`` matches and whose
    neighbours above and below ``anywhere`` rules cut, with the rule.

    Neighbours are judged in the body as it was before cleaning (a neighbour that
    an earlier cleaner removed still counts), and only by ``anywhere`` rules,
    which fire whatever the zone windows: so the answer is the same for every
    cleaner, in any order, and in every pass.
    """
    found: dict[int, Rule] = {}
    if not rules.between.rules:
        return found
    candidates = {}
    for i, para in enumerate(article.body):
        rule = rules.paragraph(para, "between")
        if rule is not None:
            candidates[i] = rule
    if not candidates:
        return found  # the usual case: no need to rebuild the original
    lines = reconstruct(article)["body"]
    where = {ln.kept_index: k for k, ln in enumerate(lines) if ln.kept_index is not None}
    for i, rule in candidates.items():
        k = where[i]
        if not 0 < k < len(lines) - 1:
            continue
        if all(rules.paragraph(lines[j].text, "anywhere") is not None for j in (k - 1, k + 1)):
            found[i] = rule
    return found


def match_paragraph(text: str, zone: _ZoneSet, rules: CompiledRules) -> Rule | None:
    """The rule that makes the whole paragraph ``text`` boilerplate in ``zone``, if
    any: every line of it must match (the first line's rule is reported)."""
    if not zone.rules or len(text) > zone.max_chars:
        return None
    first: Rule | None = None
    for line in text.split("\n"):
        c = core(line)
        if not c:
            continue
        rule = zone.match(c)
        if rule is None or (rule.guard and rules.guarded(c)) or (rule.kind == "related" and _glued_story(c)):
            return None
        first = first or rule
    return first


#: Lower-case words that make a related line's text a sentence of the story.
_GLUED_WORDS = 8
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]{2,}\b")
#: Where a related line's label ends: a colon, arrow or bar, or a spaced dash.
_RELATED_LABEL = re.compile(r"[:»>|]|\s[-–—]{1,2}\s")


def _glued_story(line: str) -> bool:
    """A read-also headline with a sentence of the story glued after it (``Baca
    Juga: Tim Debat Melaju ke Final Untuk mengisi rak, para mahasiswa ...
    eksemplar.``): the text after the label closes with a full stop and holds
    :data:`_GLUED_WORDS` lower-case words or more, as a sentence does and a
    headline does not. Such a line stays whole (its story is not lost)."""
    label = _RELATED_LABEL.search(line)
    rest = line[label.end():] if label else line
    return rest.rstrip().endswith(".") and len(_LOWER_WORD.findall(rest)) >= _GLUED_WORDS


def match_prefix(
    text: str, rules: CompiledRules, starts: Sequence[tuple[Rule, re.Pattern[str]]] | None = None
) -> tuple[Rule, int] | None:
    """A greeting (or a ``starts`` prefix) glued to the start of ``text``: the rule
    and the prefix length.

    The prefix must be followed by exactly one space (so the cut undoes exactly)
    and by text that reads as a sentence of its own; a quoted greeting, or one
    followed by a comma and reported speech (``Good morning, the minister told
    the crowd``), is speech and stays.
    """
    dateline: int | None = -1  # where a dateline starts inside the text; -1: not looked yet
    seq = rules.prefixes if starts is None else starts
    if not seq:
        return None
    possible = _prefix_gate(seq).possible(text)
    for n, (rule, regex) in enumerate(seq):
        if n not in possible:
            continue  # no part of the text can match: no regex, and no dateline search
        m = regex.match(text)
        if m is None or m.end() > 1:
            # A greeting glued before a dateline ends where the dateline begins
            # ("Halo sobat JAKARTA - ...", "Hello everyone LONDON (Reuters) - ..."):
            # its pattern must not run on into the dateline, which stays.
            if dateline == -1:
                dateline = _dateline_inside(text, _DATELINE_REACH)
            if dateline is not None and (m is None or m.end() > dateline):
                m = regex.match(text, 0, dateline)
        bare = m is None  # greeting words with an addressee after them and no comma between
        if m is not None:
            end = m.end()
        elif rule.kind == "greeting" and (head := _bare_greeting_end(regex, text)) is not None:
            end = head
        else:
            continue
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if rule.kind == "greeting":
            if dateline == -1:
                dateline = _dateline_inside(text, _DATELINE_REACH)
            words_end = end
            end = _with_addressee(text, end, dateline)
            if bare and end == words_end:
                continue  # "Hello Kitty maker ...": no addressee closes the greeting words
        prefix, rest = text[:end], text[end + 1 :]
        if end == 0 or end >= len(text) - 1 or text[end] != " " or not _SENTENCE_START.match(rest):
            continue
        if len(prefix.split()) > rule.max_words or len(rest.split()) < 4:
            continue
        if rule.guard and (_QUOTES.search(prefix) or (prefix.endswith(",") and rules.guarded(rest))):
            continue
        return rule, end
    return None


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words an addressee of a greeting may hold in lower case besides capitalised
#: names (``Good morning, Southeast Texas!``, ``Assalamualaikum, sahabat Cahaya
#: Iman.``): nouns for readers and audiences, their honorific attributes (with the
#: relative ``yang`` that opens one in id/ms: ``pembaca yang dihormati``), and
#: function words, in en/id/ms. A lower-case word outside this class (a verb:
#: ``Good morning, President Biden told ...``) means the text goes on as a sentence.
_ADDRESS_WORDS = _word_set(
    """readers reader everyone everybody all friends folks fans listeners viewers subscribers
    members followers neighbours neighbors fellow loyal valued dear and the of our my your y'all
    pembaca sobat sahabat teman kawan warga netizen warganet pemirsa para setia budiman
    terhormat dihormati dirahmati dikasihi dimuliakan tercinta tersayang sekalian semua semuanya
    kita anda kalian dan di seluruh rakan rakan-rakan kawan-kawan geng gaes guys jemaah
    muslimin muslimat kaum ibu bapak bapa ibu-ibu bapak-bapak saudara saudari saudara-saudari
    yang terkasih dicintai disayangi hadirin pendengar penonton pengunjung umat"""
)
#: A greeting's addressee: a few words, then ``!`` or ``.`` (``,`` would be speech).
_ADDRESSEE = re.compile(r",?[ \t]+((?:[^\s!.,;:?\"“”]+[ \t]+){0,5}[^\s!.,;:?\"“”]+)[!.]+(?= |$)")
#: Where a greeting's words may end before an addressee that follows with no comma
#: ("Assalamualaikum dan salam sejahtera geng PacuRoda!"): word ends in its first words.
_HEAD_ENDS = re.compile(r"(?<=\S)(?= )")


def _may_match(rule: Rule, folded: str) -> bool:
    """Whether ``rule`` can match the text folded to ``folded``: it needs no literal,
    or one of its literals is there (a substring test instead of the regex)."""
    lits = _literals(rule)
    return lits is None or any(lit in folded for lit in lits)


class _PrefixGate:
    """The literal gate of a sequence of prefix rules: which of them :func:`_may_match`
    a folded text, found in one Aho-Corasick pass over it instead of one substring
    test per literal per rule (a pack's greeting rules hold over a hundred literals,
    and a lede paragraph holds none of them)."""

    __slots__ = ("always", "automaton", "memo")

    def __init__(self, rules: Sequence[Rule]) -> None:
        by_literal: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(rules):
            lits = _literals(rule)
            if lits is None or "" in lits:  # no literal needed, or one every text holds
                always.append(i)
                continue
            for lit in lits:
                by_literal.setdefault(lit, []).append(i)
        self.always = frozenset(always)
        self.automaton: Any = None
        # Answers by text: the cleaners of a batch ask about the same ledes.
        self.memo: dict[str, frozenset[int]] = {}
        if by_literal:
            self.automaton = ahocorasick.Automaton()
            for lit, idx in by_literal.items():
                self.automaton.add_word(lit, tuple(idx))
            self.automaton.make_automaton()

    def possible(self, text: str) -> frozenset[int]:
        """Indices of the rules that :func:`_may_match` ``text`` folded."""
        if self.automaton is None:
            return self.always
        got = self.memo.get(text)
        if got is None:
            if len(self.memo) >= _GATE_MEMO_SIZE:
                self.memo.clear()
            found = frozenset(i for _end, idx in self.automaton.iter(fold(text)) for i in idx)
            got = self.memo[text] = found | self.always
        return got


#: Texts whose gate answer is remembered per gate (a few batches of ledes).
_GATE_MEMO_SIZE = 4096

# Gates by the identity of their rule sequence (a compiled rule set's ``prefixes``
# and ``any_prefixes`` live as long as it does); the sequence is kept with its gate,
# so an id is never reused while its entry stands.
_GATES: dict[int, tuple[Sequence[tuple[Rule, re.Pattern[str]]], _PrefixGate]] = {}


def _prefix_gate(starts: Sequence[tuple[Rule, re.Pattern[str]]]) -> _PrefixGate:
    hit = _GATES.get(id(starts))
    if hit is not None and hit[0] is starts:
        return hit[1]
    if len(_GATES) >= 1024:
        _GATES.clear()
    gate = _PrefixGate([rule for rule, _regex in starts])
    _GATES[id(starts)] = (starts, gate)
    return gate


def _bare_greeting_end(regex: re.Pattern[str], text: str) -> int | None:
    """When the greeting ``regex`` does not match the start of ``text`` because an
    addressee follows the greeting words with no punctuation between, the end of the
    longest run of first words that the pattern reads as a whole greeting."""
    for b in sorted((h.start() for h in _HEAD_ENDS.finditer(text, 0, 60)), reverse=True):
        m = regex.match(text[:b] + ",")
        if m is not None and m.end() == b + 1:
            return b
    return None


def match_greeting_line(text: str, rules: CompiledRules) -> Rule | None:
    """A paragraph that is only a greeting and its addressee (``Assalamualaikum,
    sahabat Kanal Warga.``), which the greeting patterns alone do not cover."""
    if len(text) > 120 or text[-1:] not in "!." or _QUOTES.search(text):
        return None
    folded = fold(text)
    for rule, regex in rules.prefixes:
        if rule.kind != "greeting" or len(text.split()) > rule.max_words or not _may_match(rule, folded):
            continue
        m = regex.match(text)
        end = m.end() if m is not None else _bare_greeting_end(regex, text)
        if end is None:
            continue
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if _with_addressee(text, end, None) == len(text):
            return rule
    return None


def _with_addressee(text: str, end: int, dateline: int | None) -> int:
    """``end`` moved past the addressee of the greeting ``text[:end]`` when the
    greeting stops before it ("Good morning," + "Southeast Texas!"): words that are
    capitalised names or of :data:`_ADDRESS_WORDS`, closed by ``!`` or ``.``, never
    into a dateline. Otherwise ``end`` unchanged."""
    head = text[:end].rstrip(",")
    if not head or head[-1] in "!.:-–—" or len(head) < end - 1:
        return end
    m = _ADDRESSEE.match(text, len(head))
    if m is None:
        return end
    if dateline is not None and m.end() > dateline and match_dateline(text[m.end() :].lstrip()) is None:
        return end  # the words are the dateline's ("Hai, BOYOLALI - ..."), unless one starts right after them
    words = m.group(1).split()
    if all(w[:1].isupper() or w.casefold() in _ADDRESS_WORDS for w in words) and any(
        w[:1].isupper() or w.casefold() not in {"and", "the", "of", "dan", "di", "para"} for w in words
    ):
        return m.end()
    return end


_WORD_START = re.compile(r"(?<=\s)\S")


#: How far into a paragraph a dateline after a greeting is looked for (characters).
_DATELINE_REACH = 120
_DATELINE_MARK = re.compile(r"[-–—:(]")


def _dateline_inside(text: str, end: int) -> int | None:
    """Where a dateline starts inside ``text[:end]`` (after its first word), if one does."""
    if _DATELINE_MARK.search(text, 0, end + 40) is None:
        return None  # every dateline form has a dash, a colon or a parenthesis
    for m in _WORD_START.finditer(text, 1, end):
        if match_dateline(text[m.start() :]) is not None:
            return m.start()
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

    def clean(self, article: Article) -> Article:
        """Cut the greetings; when a cut greeting was glued before a dateline that
        the parser could not see behind it, the dateline is read now."""
        cleaned = super().clean(article)
        if cleaned is article or article.dateline is not None:
            return cleaned
        new = cleaned.removed[len(article.removed) :]
        for removal in new:
            if not removal.partial:
                continue
            # Whole paragraphs cut in the same call above it moved it up.
            above = sum(1 for r in new if not r.partial and r.field == removal.field and r.position < removal.position)
            kept = cleaned.subtitle if removal.field == "subtitle" else cleaned.body[removal.position - above]
            dateline = match_dateline(kept)
            if dateline is not None:
                return attrs.evolve(cleaned, dateline=dateline)
        return cleaned


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
