"""The literal gate of the rule engine: required literals are proved, never guessed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.cleaners import rules as rules_mod
from newscorpus.cleaners.literals import _FOLD, fold, required_literals
from newscorpus.cleaners.packs import Rule
from newscorpus.cleaners.rules import _ZoneSet, core, resolve_packs


def test_fold_covers_every_case_insensitive_ascii_equivalent() -> None:
    # Every non-ASCII character that re.IGNORECASE matches with an ASCII letter.
    found = {}
    for cp in range(128, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        m = re.fullmatch("[a-z]", ch, re.I)
        if m is not None:
            found[ch] = next(x for x in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(x, ch, re.I))
    assert {chr(k): v for k, v in _FOLD.items() if k >= 128} == found


@pytest.mark.parametrize(
    ("pattern", "want"),
    [
        (r"baca juga\s*:.*", {"baca juga"}),
        (r"(?:read|see) also", {"read also", "see also"}),
        # An exact set: every match is one of these strings.
        (r"follow us on (?:twitter|facebook)!?",
         {"follow us on twitter", "follow us on facebook", "follow us on twitter!", "follow us on facebook!"}),
        (r"[^\"]{0,250}\bnewsletter\b.*", {"newsletter"}),
        (r"(?:copyright\s*)?(?:©|\(c\))\s*.{0,400}", None),  # © is not ASCII: unknown
        (r"(?P<w>\w+) (?P=w)", {" "}),  # the backreference is unknown, the space is not
        (r"(?P<w>\w+)(?P=w)", None),
        (r"a?b?", None),
        (r"(?:ads?|iklan)", {"ad", "ads", "iklan"}),
        (r"x{2,5}yz", {"yz"}),
    ],
)
def test_required_literals(pattern: str, want: set[str] | None) -> None:
    got = required_literals(pattern, re.I)
    assert got == (None if want is None else frozenset(want))


_PIECES = ["read", "Also", "baca", "juga", " ", ":", "-", "ſ", "K", "İ", "ı", "x", "1", "é", "news", "©"]
_PARTS = st.sampled_from(
    [r"read", r"also", r"(?:baca|lihat) juga", r"\s+", r".{0,5}", r"[:\-]", r"(?:news)?", r"[a-c]", r"s", r"k",
     r"i", r"\w+", r"x{1,3}", r"(?:read|ne(?:ws|w))", r"\b", r"(?=a)", r"[^x]"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=5), st.lists(st.sampled_from(_PIECES), max_size=8),
       st.booleans())
def test_a_match_always_holds_a_required_literal(parts: list[str], pieces: list[str], case: bool) -> None:
    pattern = "".join(parts)
    flags = 0 if case else re.I
    lits = required_literals(pattern, flags)
    regex = re.compile(pattern, flags)
    text = "".join(pieces)
    for candidate in (text, text.upper(), text.lower()):
        m = regex.search(candidate)
        if m is not None and lits is not None:
            assert any(lit in fold(m.group(0)) for lit in lits), (pattern, candidate, lits)


def _reference(rules: list[Rule], line: str) -> Rule | None:
    """The first rule (in order) that fits and matches the whole line: what the
    old single alternation of every rule returned."""
    words = len(line.split())
    for rule in rules:
        body = "|".join(f"(?:{p})" for p in rule.patterns)
        if words <= rule.max_words and re.fullmatch(body, line, 0 if rule.case_sensitive else re.I):
            return rule
    return None


def test_gate_gives_the_first_matching_rule_on_every_pack_line() -> None:
    rules = [r for p in resolve_packs() for r in p.rules]
    zone = _ZoneSet.of(rules)
    lines = {core(x) for r in rules for x in (*r.examples, *r.counterexamples)}
    lines |= {x.upper() for x in lines} | {x.swapcase() for x in lines}
    assert any(zone.match(x) is not None for x in lines)
    for line in sorted(lines):
        if line and len(line) <= zone.max_chars:
            assert zone.match(line) == _reference(rules, line), line


def test_most_pack_rules_are_gated() -> None:
    rules = [r for p in resolve_packs() for r in p.rules]
    gated = [r for r in rules if rules_mod._literals(r) is not None]
    assert len(gated) >= 0.9 * len(rules)


# -- the prefix rules' gate (match_prefix): one Aho-Corasick pass, never a skipped rule ----------
_ALL_RULES = [r for p in resolve_packs() for r in p.rules]
_PREFIX_RULES = [r for r in _ALL_RULES if r.match == "prefix"]
_LITERALS = sorted({lit for r in _ALL_RULES for lit in (rules_mod._literals(r) or ())})


def _ungated(rules: list[Rule], text: str) -> set[int]:
    """The rules :func:`match_prefix` tried before the gate: a substring test per literal."""
    folded = fold(text)
    return {i for i, r in enumerate(rules) if rules_mod._may_match(r, folded)}


def _pairs(rules: list[Rule]) -> tuple[tuple[Rule, re.Pattern[str]], ...]:
    return tuple((r, rules_mod._single(r)) for r in rules)


def test_prefix_gate_agrees_on_every_pack_line() -> None:
    assert _PREFIX_RULES, "the packs hold prefix rules"
    for rules in (_PREFIX_RULES, _ALL_RULES):
        gate = rules_mod._prefix_gate(_pairs(rules))
        lines = {x for r in _ALL_RULES for x in (*r.examples, *r.counterexamples)}
        lines |= {x.upper() for x in lines} | {x.swapcase() for x in lines} | {"", " "}
        hits = 0
        for line in sorted(lines):
            want = _ungated(rules, line)
            assert set(gate.possible(line)) == want, line
            hits += bool(want)
        assert hits > 0


_GATE_PIECES = [*_LITERALS[::7], " ", "  ", ",", "!", "\n", "İ", "ſ", "K", "é", "Assalamualaikum", "Halo", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=12), st.sampled_from(["plain", "upper", "swap"]),
       st.integers(min_value=0, max_value=len(_ALL_RULES)))
def test_prefix_gate_never_skips_a_rule_that_may_match(pieces: list[str], case: str, cut: int) -> None:
    text = "".join(pieces)
    text = text.upper() if case == "upper" else text.swapcase() if case == "swap" else text
    for rules in (_PREFIX_RULES, _ALL_RULES[:cut] or _PREFIX_RULES):
        gate = rules_mod._PrefixGate(rules)
        assert set(gate.possible(text)) == _ungated(rules, text)


def test_match_prefix_gated_equals_ungated(monkeypatch: pytest.MonkeyPatch) -> None:
    # match_prefix with the gate and with the old per-rule substring tests (a gate that
    # lets every rule through to _may_match) cut the same prefixes on the packs' lines.
    compiled = rules_mod.compile_rules(_PREFIX_RULES, ())
    lines = [x for r in _ALL_RULES for x in (*r.examples, *r.counterexamples)]
    lines += [f"{x} Presiden Joko Widodo tiba di Surabaya pada Senin pagi." for x in lines]
    gated = [rules_mod.match_prefix(x, compiled) for x in lines]
    assert any(g is not None for g in gated)

    class _Open:
        def __init__(self, rules: list[Rule]) -> None:
            self.rules = rules

        def possible(self, text: str) -> set[int]:
            return _ungated(self.rules, text)

    monkeypatch.setattr(rules_mod, "_prefix_gate", lambda starts: _Open([r for r, _x in starts]))
    assert [rules_mod.match_prefix(x, compiled) for x in lines] == gated
