"""Seed articles for the cleaner tests, built by hand from ``seeds/`` and the labels
in ``tests/data/cleaning/seed_labels.yaml`` (independent of the parser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from newscorpus.models import Article, Dateline, Provenance

ROOT = Path(__file__).resolve().parent.parent
LABELS: dict[str, dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "cleaning" / "seed_labels.yaml").read_text(encoding="utf-8")
)["seeds"]


def seed_lines(name: str) -> list[str]:
    """The non-blank lines of seed ``name``, stripped."""
    text = (ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def seed_article(name: str, *, with_language: bool = True) -> Article:
    """Seed ``name`` as the parser would hand it to the cleaners."""
    spec = LABELS[name]
    lines = seed_lines(name)
    parser = set(spec.get("parser", ()))
    title = lines[spec["title"]]
    if spec.get("header"):
        title = title[len(spec["header"]) :].strip()
    subtitle = lines[spec["subtitle"]] if "subtitle" in spec else ""
    used = {spec["title"], spec.get("subtitle", -1)} | parser
    body = tuple(line for i, line in enumerate(lines) if i not in used)
    dateline = Dateline(spec["dateline"]) if spec.get("dateline") else None
    return Article(
        id=name,
        provenance=Provenance(path=f"seeds/{name}.txt"),
        title=title,
        subtitle=subtitle,
        body=body,
        language=spec["language"] if with_language else None,
        dateline=dateline,
    )


# -- the seeds' expectations ------------------------------------------------------------

import pytest  # noqa: E402

from newscorpus.cleaners.chain import CleanerChain  # noqa: E402
from newscorpus.cleaners.explain import original_fields, render  # noqa: E402

SEEDS = sorted(LABELS)
CHAIN = CleanerChain()


def _expected_cuts(name: str) -> list[tuple[str, str]]:
    lines = seed_lines(name)
    return sorted((c.get("prefix") or lines[c["line"]], c["rule"]) for c in LABELS[name].get("cut", ()))


@pytest.mark.parametrize("with_language", [True, False], ids=["language-known", "language-unknown"])
@pytest.mark.parametrize("name", SEEDS)
def test_seed_loses_exactly_its_boilerplate(name: str, with_language: bool) -> None:
    article = seed_article(name, with_language=with_language)
    cleaned = CHAIN.clean(article)
    assert sorted((r.text, r.rule) for r in cleaned.removed) == _expected_cuts(name)
    # Every content line is still there, whole (a prefix cut keeps the rest of its line).
    spec = LABELS[name]
    lines = seed_lines(name)
    kept = [cleaned.title, cleaned.subtitle, *cleaned.body]
    cut_lines = {c["line"]: c for c in spec.get("cut", ())}
    for i, line in enumerate(lines):
        if i in set(spec.get("parser", ())) or i == spec["title"]:
            continue
        cut = cut_lines.get(i)
        if cut is None:
            assert line in kept, line
        elif cut.get("prefix"):
            assert line[len(cut["prefix"]) :].strip() in kept
        else:
            assert line not in kept
    assert original_fields(cleaned) == (article.title, article.subtitle, article.body)
    assert sorted(cleaned.flag_names()) == sorted(spec.get("flags", ()))


def test_seed_004_keeps_its_lede_sentence_and_drops_the_greeting() -> None:
    cleaned = CHAIN.clean(seed_article("004_113c5f5c4d91d3ff"))
    assert cleaned.subtitle.startswith("Syria’s interim leader said in Moscow")
    greeting = next(r for r in cleaned.removed if r.rule == "greeting.opening")
    assert (greeting.text, greeting.field, greeting.position, greeting.pack) == (
        "Assalamu alaykum -",
        "subtitle",
        0,
        "xx",
    )
    assert "~ subtitle   [[Assalamu alaykum -]] Syria’s interim leader" in render(cleaned)


def test_seed_001_keeps_the_longer_lede_once() -> None:
    article = seed_article("001_f8241679bfc4829d")
    cleaned = CHAIN.clean(article)
    assert cleaned.subtitle == ""
    assert sum("Kunjungan ini adalah kunjungan terbaru" in p for p in cleaned.body) == 1
    assert any(p.endswith("Bashar al-Assad, Desember lalu.") for p in cleaned.body)


def test_seed_003_flags_every_hole_and_keeps_subheadings() -> None:
    name = "003_901d4fc2184f9c20"
    cleaned = CHAIN.clean(seed_article(name))
    assert "Rusia Tetap Dukung Palestina" in cleaned.body and "Hamas: Kami Butuh" in cleaned.body
    flag = next(f for f in cleaned.flags if f.name == "missing_link_text")
    lines = seed_lines(name)
    found = {(cleaned.body[i], cleaned.body[i][:off].rstrip()) for i, off in flag.positions}
    for line_no, before in LABELS[name]["holes"]:
        assert any(p == lines[line_no] and head.endswith(before) for p, head in found), before
    assert len(flag.positions) == len(LABELS[name]["holes"])


def test_cleaning_a_cleaned_seed_changes_nothing() -> None:
    for name in SEEDS:
        once = CHAIN.clean(seed_article(name))
        assert CHAIN.clean(once) == once


def _parse(name: str) -> object:
    from newscorpus.parsers.plaintext import PlainTextParser
    from newscorpus.readers.base import RawDocument

    path = ROOT / "seeds" / f"{name}.txt"
    doc = RawDocument(path=str(path), record=0, key=name, reader="text", data=path.read_bytes())
    return PlainTextParser().parse(doc, name)


@pytest.mark.parametrize("name", SEEDS)
def test_seed_through_the_parser(name: str) -> None:
    """End to end with the built-in parser: the same cuts, whatever it called lede."""
    pytest.importorskip("newscorpus.parsers.plaintext")
    article = _parse(name)
    assert isinstance(article, Article)
    cleaned = CHAIN.clean(article)
    cleaner_cuts = sorted((r.text, r.rule) for r in cleaned.removed[len(article.removed) :])
    assert cleaner_cuts == _expected_cuts(name)
    assert sorted(cleaned.flag_names()) == sorted(LABELS[name].get("flags", ()))
    assert original_fields(cleaned) == (article.title, article.subtitle, article.body)
