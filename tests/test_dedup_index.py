"""The persistent dedup index: later runs dedup against earlier ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from newscorpus import config_from_dict, run
from newscorpus.api import deduplicate
from newscorpus.dedup import DedupIndex, ExactDeduplicator, NearDeduplicator, TranslationDeduplicator
from newscorpus.dedup.base import Meta
from newscorpus.dedup.index import IndexEntry
from newscorpus.models import Article, Provenance
from newscorpus.serialize import read_articles

DATA = yaml.safe_load((Path(__file__).parent / "data" / "dedup" / "stories.yaml").read_text(encoding="utf-8"))
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def stories(prefix: str) -> list[Article]:
    return [Article(id=f"{prefix}{k}", provenance=Provenance(path=k), title=v["title"], body=v["body"],
                    language="en") for k, v in DATA.items() if k != "footer"]


def methods() -> list:  # type: ignore[type-arg]
    return [ExactDeduplicator(), NearDeduplicator(), TranslationDeduplicator()]


def test_second_run_is_flagged_against_the_first_without_reprocessing_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with DedupIndex(tmp_path / "index.sqlite") as index:
        first = deduplicate(stories("a-"), methods(), index=index)
        assert first.links == {}
        signed: list[str] = []  # every article any deduplicator reads in the second run
        for cls in (ExactDeduplicator, NearDeduplicator, TranslationDeduplicator):
            original = cls.signatures_with_keys

            def spy(self: Any, articles: Any, original: Any = original) -> Any:
                signed.extend(a.id for a in articles)
                return original(self, articles)

            monkeypatch.setattr(cls, "signatures_with_keys", spy)
        second = deduplicate(stories("b-"), methods(), index=index)
    assert {k: v["duplicate_of"] for k, v in second.links.items()} == {
        f"b-{k}": f"a-{k}" for k in ("wire", "other_story", "same_event")}
    assert signed and all(i.startswith("b-") for i in signed)  # the first run is read from the index only
    with DedupIndex(tmp_path / "index.sqlite") as index:
        stats = index.stats()
        assert stats["runs"] == 2
        near_space = f"near/v{NearDeduplicator.signature_version}"
        assert stats["spaces"]["exact/v1"] == stats["spaces"][near_space] == {"articles": 6}


def test_the_same_records_again_are_seen_not_self_duplicates(tmp_path: Path) -> None:
    with DedupIndex(tmp_path / "index.sqlite") as index:
        deduplicate(stories("a-"), methods(), index=index)
        again = deduplicate(stories("a-"), methods(), index=index)
    assert {k: ("duplicate_of" in v, v["seen"]) for k, v in again.links.items()} == {
        f"a-{k}": (False, 1) for k in ("wire", "other_story", "same_event")}
    assert again.rows == []


def test_spaces_keep_signature_formats_apart(tmp_path: Path) -> None:
    with DedupIndex(tmp_path / "i.sqlite") as index:
        s1 = index.space(NearDeduplicator(), create=True)
        assert index.space(NearDeduplicator(jaccard=0.3)) == s1  # verification options do not matter
        assert index.space(NearDeduplicator(shingle=5)) is None
        assert index.space(NearDeduplicator(shingle=5), create=True) != s1


def test_add_keeps_the_first_entry_and_candidates_join_keys(tmp_path: Path) -> None:
    with DedupIndex(tmp_path / "i.sqlite") as index:
        space = index.space(ExactDeduplicator(), create=True)
        assert space is not None
        run1, run2 = index.begin_run("one"), index.begin_run("two")
        e = IndexEntry(Meta("x", 0, 0), "sig", np.array([5, 7], dtype=np.int64))
        assert index.add(space, run1, [e]) == 1
        assert index.add(space, run2, [IndexEntry(Meta("x", 3, 3), "other", np.array([9], np.int64))]) == 0
        keys, rows = index.candidates(space, np.array([7, 9, 11], dtype=np.int64))
        assert keys.tolist() == [7]
        art = index.articles(rows.tolist())[int(rows[0])]
        assert (art.meta.id, art.signature, art.run, art.canonical) == ("x", "sig", run1, "x")
        assert index.known(space, ["x", "y"]) == {"x": int(rows[0])}


@pytest.mark.slow
def test_pipeline_runs_twice_into_one_index(tmp_path: Path) -> None:
    """End to end: a second run over copies of the seeds marks each as a duplicate
    of the first run's article; a rerun of the very same files marks them as seen."""
    cfg = config_from_dict({"dedup": {"index": str(tmp_path / "index.sqlite")}, "events": {"builder": None}})
    run([str(SEEDS)], tmp_path / "one", cfg)
    first = {Path(a.provenance.path).name: a for a in read_articles(tmp_path / "one" / "articles.jsonl")}
    assert first["000_82681aba5844ce4c.txt"].translation_of == first["002_d83be64720e0da71.txt"].id
    links = [(n, a.duplicate_of, a.translation_of) for n, a in first.items() if a.duplicate_of or a.translation_of]
    assert [n for n, *_ in links] == ["000_82681aba5844ce4c.txt"]  # no other seed is linked
    shutil.rmtree(tmp_path / "one")  # nothing of the first run is left but the index
    copies = tmp_path / "copies"
    copies.mkdir()
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, copies / f"copy-{f.name}")
    run([str(copies)], tmp_path / "two", cfg)
    second = list(read_articles(tmp_path / "two" / "articles.jsonl"))
    assert len(second) == 5
    for a in second:
        assert a.duplicate_of == first[Path(a.provenance.path).name.removeprefix("copy-")].id
    report = json.loads((tmp_path / "two" / "report.json").read_text())
    assert report["accounting"]["documents"] == 5  # the second run parsed only its own five files
    run([str(SEEDS)], tmp_path / "three", cfg)
    assign = [json.loads(line) for f in sorted((tmp_path / "three" / "work" / "dedup" / "assign").glob("*.jsonl"))
              for line in f.read_text().splitlines()]
    assert len(assign) == 5 and all(a["seen"] == 1 for a in assign)
