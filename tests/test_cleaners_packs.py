"""Rule packs: every built-in rule cuts its examples and keeps its counterexamples,
in its zone; pack files are validated with errors naming file, line and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus.cleaners.chain import CleanerChain
from newscorpus.cleaners.packs import PACK_SCHEMA, Rule, RulePackError, builtin_pack_paths, load_pack, load_packs
from newscorpus.cleaners.rules import (
    FooterCleaner,
    GreetingCleaner,
    LegalCleaner,
    RelatedCleaner,
    RuleCleaner,
    SignoffCleaner,
)
from newscorpus.models import Article, Provenance

PACKS = load_packs([(p, "test") for p in builtin_pack_paths()])
CLEANER_OF = {
    "greeting": GreetingCleaner,
    "signoff": SignoffCleaner,
    "footer": FooterCleaner,
    "clutter": FooterCleaner,
    "related": RelatedCleaner,
    "legal": LegalCleaner,
}
CONTENT = (
    "The central bank held its main interest rate at 6% on Wednesday, citing slowing inflation.",
    "Analysts had expected the decision, which follows three cuts since January.",
    "The governor said further easing would depend on food prices and the exchange rate.",
    "Exports rose 4.2% in the third quarter from a year earlier, official data showed.",
)
EXAMPLES = [(pack.name, rule, ex) for pack in PACKS for rule in pack.rules for ex in rule.examples]
COUNTER = [(pack.name, rule, ex) for pack in PACKS for rule in pack.rules for ex in rule.counterexamples]


def _widget_line(pack: str) -> str:
    """A line of ``pack`` that an ``anywhere`` rule cuts (a neighbour for ``between`` rules)."""
    (found,) = [p for p in PACKS if p.name == pack]
    return next(ex for r in found.rules if r.zone == "anywhere" and r.match == "line" for ex in r.examples)


def _placed(rule: Rule, line: str, *, widget: bool = True) -> tuple[Article, int]:
    """An article with ``line`` where ``rule`` may fire, and the line's body index.

    A ``between`` rule's line sits between two widget lines, or with ``widget``
    false alone among content, where it must never fire.
    """
    if rule.zone == "head":
        body, at = (line, *CONTENT), 0
    elif rule.zone == "tail":
        body, at = (*CONTENT, line), len(CONTENT)
    elif rule.zone == "between" and widget:
        widget = _widget_line(rule.pack)
        body, at = (*CONTENT[:2], widget, line, widget, *CONTENT[2:]), 3
    else:
        body, at = (*CONTENT[:2], line, *CONTENT[2:]), 2
    return Article(id="t", provenance=Provenance(path="t"), title="A headline about rates", body=body), at


def test_every_builtin_rule_has_examples_and_counterexamples() -> None:
    for pack in PACKS:
        for rule in pack.rules:
            assert rule.examples, f"{pack.name}:{rule.id} has no examples"
    # Counterexamples where a rule starts with words ordinary sentences also start with.
    assert len(COUNTER) >= 50


@pytest.mark.parametrize(("pack", "rule", "line"), EXAMPLES, ids=[f"{p}:{r.id}" for p, r, _ in EXAMPLES])
def test_rule_cuts_its_examples(pack: str, rule: Rule, line: str) -> None:
    cleaner: RuleCleaner = CLEANER_OF[rule.kind](packs=[pack])
    article, at = _placed(rule, line)
    cleaned = cleaner.clean(article)
    mine = [r for r in cleaned.removed if r.rule == rule.id and r.pack == pack]
    assert mine, f"{pack}:{rule.id} did not cut {line!r}"
    assert line.startswith(mine[0].text)
    assert mine[0].position == at and mine[0].plugin == cleaner.name
    # Content around it is untouched; a prefix cut keeps the rest of the line.
    for para in CONTENT:
        assert para in cleaned.body
    if mine[0].text != line:
        assert rule.match == "prefix"
        assert cleaned.body[at] == line[len(mine[0].text) + 1 :]


@pytest.mark.parametrize(("pack", "rule", "line"), COUNTER, ids=[f"{p}:{r.id}" for p, r, _ in COUNTER])
def test_no_rule_cuts_a_counterexample(pack: str, rule: Rule, line: str) -> None:
    article, _at = _placed(rule, line, widget=False)
    cleaned = CleanerChain().clean(article)
    assert line in cleaned.body, [r.rule for r in cleaned.removed]
    assert not cleaned.removed


def test_a_between_rule_fires_only_between_two_cut_lines() -> None:
    (rule,) = [r for p in PACKS for r in p.rules if r.id == "clutter.widget_message"]
    widget = _widget_line(rule.pack)
    for body in ((*CONTENT[:2], "Sorry!", *CONTENT[2:]), (widget, "Sorry!", *CONTENT), (*CONTENT, "Sorry!", widget)):
        article = Article(id="t", provenance=Provenance(path="t"), title="A headline", body=body)
        assert "Sorry!" in CleanerChain().clean(article).body
    # Neighbours of two kinds, cut by two cleaners that run before the one that
    # cuts the message: it is judged against the text before cleaning.
    body = (*CONTENT, "Sign up for our daily newsletter.", "Sorry!", "There was an error processing your subscription.")
    once = CleanerChain().clean(Article(id="t", provenance=Provenance(path="t"), title="A headline", body=body))
    assert once.body == CONTENT and CleanerChain().clean(once) == once
    body = (*CONTENT[:2], widget, "Thank you", widget, *CONTENT[2:])
    once = CleanerChain().clean(Article(id="t", provenance=Provenance(path="t"), title="A headline", body=body))
    assert once.body == CONTENT and CleanerChain().clean(once) == once


def test_pack_schema_lists_every_rule_key() -> None:
    keys = set(PACK_SCHEMA["properties"]["rules"]["items"]["properties"])
    assert {"id", "kind", "zone", "match", "patterns", "max_words", "guard"} <= keys


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD_RULE = "  - id: footer.outlet\n    kind: footer\n    patterns: ['Lihat berita lain di Outlet']\n"
HEAD = "pack: p\nlanguage: id\nrules:\n"


def _rule(*lines: str) -> str:
    """A pack with one rule made of ``lines`` (each a ``key: value``)."""
    return HEAD + "  - " + "\n    ".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line", "rule", "message"),
    [
        (_rule("id: Footer", "kind: footer", "patterns: [x]"), 4, "Footer", "'id' must be"),
        (HEAD + GOOD_RULE + "    zone: top\n", 7, "footer.outlet", "'zone' must be one of"),
        (HEAD + GOOD_RULE + "    kind2: x\n", 7, "footer.outlet", "unknown key 'kind2'"),
        (_rule("id: a.b", "kind: footer", "patterns: ['(unclosed']"), 6, "a.b", "not a valid regex"),
        (_rule("id: a.b", "kind: footer", "patterns: ['x*']"), 6, "a.b", "matches the empty line"),
        (_rule("id: a.b", "kind: footer", "patterns: ['{nope}']"), 6, "a.b", "unknown vocab {nope}"),
        (_rule("id: a.b", "kind: footer", "patterns: ['(a)\\1']"), 6, "a.b", "numbered backreference"),
        (_rule("id: a.b", "kind: nav", "patterns: [x]"), 5, "a.b", "'kind' must be one of"),
        (
            _rule("id: a.b", "kind: footer", "zone: tail", "match: prefix", "patterns: [x]"),
            7,
            "a.b",
            "head and anywhere",
        ),
        (HEAD + GOOD_RULE + GOOD_RULE, 7, "footer.outlet", "duplicate rule id"),
        (_rule("id: a.b", "kind: footer", "patterns: [x]", "max_words: 0"), 7, "a.b", "positive integer"),
        ("pack: p\nlanguage: indonesian\nrules: []\n", 2, None, "'language' must be"),
        ("pack: p\nlanguage: id\nrule: []\n", 3, None, "unknown key 'rule'"),
        ("pack: p\nlanguage: id\nrules: [\n", None, None, "not valid YAML"),
    ],
)
def test_invalid_pack_errors_name_file_line_rule(
    tmp_path: Path, text: str, line: int | None, rule: str | None, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    err = info.value
    assert err.path == path and err.rule == rule
    assert message in str(err)
    assert path in str(err)
    if line is not None:
        assert err.line == line and f"{path}:{line}" in str(err)


def test_missing_pack_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="cannot read the rule pack"):
        load_pack(tmp_path / "nope.yaml")


def test_duplicate_pack_names_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for p in (a, b):
        p.write_text("pack: same\nlanguage: en\nrules: []\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="pack names must be unique"):
        load_packs([(str(a), "x"), (str(b), "y")])


def test_user_pack_from_config_adds_an_outlet_rule(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "pack: outlet-suarathailand\nlanguage: id\nrules:\n"
        "  - id: footer.suarathailand\n    kind: footer\n    zone: tail\n"
        "    patterns: ['ikuti suarathailand di {networks}']\n",
    )
    cleaner = FooterCleaner(rule_packs=[path])
    article = Article(
        id="t", provenance=Provenance(path="t"), language="id", body=(*CONTENT, "Ikuti Suarathailand di Facebook")
    )
    cleaned = cleaner.clean(article)
    assert [(r.rule, r.pack) for r in cleaned.removed] == [("footer.suarathailand", "outlet-suarathailand")]
    assert cleaned.body == CONTENT


def test_packs_run_on_their_languages_only() -> None:
    cleaner = RelatedCleaner()
    line = "Baca juga: Hamas dan Rusia Bahas Gencatan Senjata"
    base = Article(id="t", provenance=Provenance(path="t"), body=(*CONTENT[:2], line, *CONTENT[2:]))
    for language, cut in (("id", True), ("ms", True), (None, True), ("en", False), ("de", False)):
        cleaned = cleaner.clean(base.__class__(**{**_fields(base), "language": language}))
        assert (line not in cleaned.body) is cut, language


def _fields(article: Article) -> dict[str, object]:
    import attrs

    return attrs.asdict(article, recurse=False)


def test_cleaner_options_are_validated() -> None:
    with pytest.raises(ValueError, match="no rule pack named 'klingon'"):
        GreetingCleaner(packs=["klingon"])
    with pytest.raises(ValueError, match="head_window"):
        GreetingCleaner(head_window=0)
    cleaner = FooterCleaner(disable=["footer.*"])
    article = Article(id="t", provenance=Provenance(path="t"), body=(*CONTENT, "Share:"))
    assert cleaner.clean(article) is article
