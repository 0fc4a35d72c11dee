"""Dedup through the pipeline: membership, canonical policies, mark and drop.

``tests/data/dedup/syndication.jsonl`` holds one wire story (``wire``) with three
copies - another outlet's re-run with its own header, byline and footer and one
paragraph cut (``copy``), a re-post differing only in case and punctuation
(``repost``) and a re-post with an editor's note added (``long``) - plus a
different story from the copier's outlet with the same header and footer
(``other``) and an independent report of the same event (``same_event``). The
four cluster members differ in input order, publication time, length and outlet,
so that each canonical policy picks a different one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newscorpus import config_from_dict, run
from newscorpus.serialize import read_articles

DATA = Path(__file__).parent / "data" / "dedup" / "syndication.jsonl"
CLUSTER = {"copy", "repost", "wire", "long"}


def _run(tmp: Path, **dedup: Any) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """Run the pipeline on the syndication file: articles by record id, duplicate rows, report."""
    cfg = config_from_dict({"dedup": dedup, "events": {"builder": None}, "execution": {"workers": 1},
                            "export": {"exporters": ["jsonl"]}})
    run([str(DATA)], tmp, cfg)
    arts = {a.extras["source_id"]: a for a in read_articles(tmp / "articles.jsonl")}
    rows = [json.loads(line) for line in (tmp / "duplicates.jsonl").read_text().splitlines()]
    return arts, rows, json.loads((tmp / "report.json").read_text())


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    return _run(tmp_path_factory.mktemp("mark"))


def test_copies_point_at_the_earliest_and_nothing_else_is_linked(
        marked: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]) -> None:
    arts, rows, report = marked
    ids = {k: a.id for k, a in arts.items()}
    assert {k: a.duplicate_of for k, a in arts.items()} == {
        "copy": ids["wire"], "repost": ids["wire"], "long": ids["wire"], "wire": None, "other": None,
        "same_event": None}
    assert all(a.translation_of is None for a in arts.values())
    # the duplicates export lists every member with how it was found
    by_article = {r["article_id"]: r for r in rows}
    assert set(by_article) == {ids["copy"], ids["repost"], ids["long"]}
    assert {r["canonical_id"] for r in rows} == {ids["wire"]}
    assert by_article[ids["repost"]]["method"] == "exact"
    assert by_article[ids["copy"]]["method"] == "near"
    acc = report["accounting"]
    assert acc["written"] == 6 and acc["dropped_duplicates"] == 0 and acc["balanced"]


@pytest.mark.parametrize(("policy", "canonical"), [
    ({"canonical": "first"}, "copy"),        # first in input order
    ({"canonical": "longest"}, "long"),      # the re-post with the editor's note
    ({"prefer_sources": ["Island Post"]}, "repost"),  # a preferred outlet wins over the date
])
def test_canonical_policies(tmp_path: Path, policy: dict[str, Any], canonical: str) -> None:
    arts, rows, _report = _run(tmp_path, **policy)
    want = arts[canonical].id
    assert {k: a.duplicate_of for k, a in arts.items() if k in CLUSTER} == {
        k: (None if k == canonical else want) for k in CLUSTER}
    assert {r["canonical_id"] for r in rows} == {want}
    assert arts["other"].duplicate_of is None and arts["same_event"].duplicate_of is None


def test_drop_leaves_duplicates_out_of_articles_but_lists_them(
        tmp_path: Path, marked: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]) -> None:
    arts, rows, report = _run(tmp_path, mode="drop")
    assert set(arts) == {"wire", "other", "same_event"}
    assert all(a.duplicate_of is None for a in arts.values())
    assert rows == marked[1]  # the same membership as when marking
    acc = report["accounting"]
    assert (acc["documents"], acc["written"], acc["dropped_duplicates"]) == (6, 3, 3)
    assert acc["balanced"]


def test_seeds_000_is_a_translation_of_002_and_nothing_else_is_linked(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    run([str(seeds)], tmp_path, config_from_dict({"events": {"builder": None}, "execution": {"workers": 1},
                                                  "export": {"exporters": ["jsonl"]}}))
    arts = {Path(a.provenance.path).name[:3]: a for a in read_articles(tmp_path / "articles.jsonl")}
    assert len(arts) == 5
    assert {k: (a.duplicate_of, a.translation_of) for k, a in arts.items()} == {
        k: (None, arts["002"].id if k == "000" else None) for k in arts}
    rows = [json.loads(line) for line in (tmp_path / "duplicates.jsonl").read_text().splitlines()]
    assert [(r["article_id"], r["canonical_id"], r["relation"]) for r in rows] == [
        (arts["000"].id, arts["002"].id, "translation")]
