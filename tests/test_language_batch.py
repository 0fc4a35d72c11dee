"""Language identification in batches: the same labels as one text at a time, and
the ``identify_languages`` hook with its fallback to one-text plugins."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus import Pipeline, config_from_dict, hookimpl
from newscorpus.langid_pair import FeatureConfig, features, features_batch, load_model, normalise
from newscorpus.language import identify, identify_batch, identify_with
from newscorpus.plugins import get_registry

ROOT = Path(__file__).resolve().parent.parent
LANG = Path(__file__).resolve().parent / "data" / "lang"
BENCH = ROOT.parent / "shared" / "benchmarks"
SEEDS = ROOT / "seeds"

# Texts that reach every branch: too short, py3langid sure, the pair model, unsure.
SPECIAL = [
    "", "OK 123", " " * 300, "1234567890 " * 30, "ÉCLAIR " * 40, "Σ" * 250,
    "Kerajaan negeri akan menyalurkan bantuan wang tunai kepada mangsa banjir.",
    "Pemerintah akan menyalurkan bantuan langsung tunai kepada korban banjir.",
    "The minister said the talks would continue next week in Geneva.",
    "Der Minister sagte, die Gespräche würden nächste Woche fortgesetzt.",
    "\ud800 lone surrogate and some more words to pass the sample length check here",
]


@functools.cache
def local_texts() -> list[str]:
    texts = list(SPECIAL)
    for name in ("ms.txt", "id.txt", "en.txt"):
        lines = (LANG / name).read_text(encoding="utf-8").splitlines()
        texts += [x for x in lines if x.strip()]
        texts.append("\n".join(lines))
    texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return texts


@functools.cache
def generated_texts(n: int = 200) -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpusgen import generate

    return ["\n".join((r["title"], r["body"])) for r in generate(n, seed=7)]


@functools.cache
def one_text_labels() -> list[str | None]:
    return [identify(t) for t in local_texts() + generated_texts()]


@pytest.mark.parametrize("size", [1, 7, 256])
def test_batch_labels_equal_one_text_labels_on_local_and_generated_texts(size: int) -> None:
    texts = local_texts() + generated_texts()
    got = [code for i in range(0, len(texts), size) for code in identify_batch(texts[i : i + size])]
    assert got == one_text_labels()
    assert {"ms", "id", "en", None} <= set(got)


@pytest.mark.skipif(not (BENCH / "dslcc-id-ms" / "dev.tsv").exists(), reason="../shared/benchmarks absent")
def test_batch_labels_match_the_pinned_labels_on_real_news() -> None:
    """1,500 IndoSum, Malay news, BBC and DSLCC texts: labels pinned by text hash from the
    one-text identifier of the commit before batching (tests/data/lang/README.md)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import language_bench as lb

    texts = lb.golden_texts(BENCH)
    pinned = [line.split("\t") for line in (LANG / "golden_labels.tsv").read_text(encoding="utf-8").splitlines()]
    assert [h for h, _ in pinned] == [lb.text_hash(t) for t in texts]
    got = [code for i in range(0, len(texts), 256) for code in identify_batch(texts[i : i + 256])]
    assert [code or "-" for code in got] == [label for _, label in pinned]


@given(st.lists(st.text(max_size=700), max_size=6))
@settings(max_examples=60, deadline=None)
def test_any_batch_gets_the_one_text_labels(texts: list[str]) -> None:
    assert identify_batch(texts) == [identify(t) for t in texts]


@given(st.lists(st.text(st.characters(codec="utf-8") | st.sampled_from(" \t\n\u00a0\u2009Σς0٣²İ"), max_size=120),
                min_size=1, max_size=5),
       st.sampled_from([FeatureConfig(), FeatureConfig(orders=(2, 3), words=False, bits=8)]))
@settings(max_examples=100, deadline=None)
def test_batch_features_are_each_texts_features(texts: list[str], config: FeatureConfig) -> None:
    idx, owner = features_batch(texts, config)
    for i, text in enumerate(texts):
        assert sorted(idx[owner == i].tolist()) == sorted(features(text, config).tolist()), normalise(text)


def test_batch_pair_scores_are_bit_identical() -> None:
    model = load_model()
    texts = local_texts() + generated_texts()[:100]
    assert np.array_equal(model.score_batch(texts), np.array([model.score(t) for t in texts]))
    assert model.predict_batch(texts) == [model.predict(t) for t in texts]
    assert model.score_batch([]).shape == (0,)


class Single:
    """A plugin written before the batch hook: one text at a time."""

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl
    def identify_language(self, text: str) -> str | None:
        self.calls += 1
        return "xx" if "kopi" in text else None


class Batch:
    @hookimpl
    def identify_languages(self, texts: list[str]) -> list[str | None] | None:
        return ["yy" if "warung" in t else None for t in texts]


class Both(Single):
    @hookimpl
    def identify_languages(self, texts: list[str]) -> list[str | None] | None:
        return ["zz"] * len(texts)


TEXTS = [
    "secangkir kopi pagi ini di warung dekat stasiun kereta",
    "makan siang di warung dekat stasiun kereta api bersama teman",
    "The minister said the talks would continue next week.",
]


def test_with_no_plugin_the_batch_hook_gives_the_builtin_labels() -> None:
    pm = get_registry().pm
    assert identify_with(pm, TEXTS) == [identify(t) for t in TEXTS]
    assert pm.hook.identify_languages(texts=TEXTS) == [identify(t) for t in TEXTS]


def test_a_one_text_plugin_is_still_honoured_before_the_builtin() -> None:
    single = Single()
    pm = get_registry(objects=[single]).pm
    assert identify_with(pm, TEXTS) == ["xx", identify(TEXTS[1]), "en"]
    assert single.calls == len(TEXTS)


def test_a_batch_plugin_answers_the_batch_and_one_text_plugins_come_first() -> None:
    pm = get_registry(objects=[Batch()]).pm
    # a batch answer is final for the whole batch, None included
    assert identify_with(pm, TEXTS) == ["yy", "yy", None]
    pm = get_registry(objects=[Batch(), Single()]).pm
    assert identify_with(pm, TEXTS) == ["xx", "yy", None]


def test_a_plugin_with_both_hooks_is_asked_in_batch_only() -> None:
    both = Both()
    pm = get_registry(objects=[both]).pm
    assert identify_with(pm, TEXTS) == ["zz"] * 3
    assert both.calls == 0


def test_a_batch_answer_of_the_wrong_length_is_an_error() -> None:
    class Short:
        @hookimpl
        def identify_languages(self, texts: list[str]) -> list[str | None] | None:
            return ["en"]

    with pytest.raises(ValueError, match="1 codes for 3 texts"):
        identify_with(get_registry(objects=[Short()]).pm, TEXTS)


def test_in_a_run_a_failing_plugin_quarantines_only_its_articles(tmp_path: Path) -> None:
    class Fails:
        @hookimpl
        def identify_language(self, text: str) -> str | None:
            if "boom" in text:
                raise RuntimeError("plugin bug")
            return None

    inp = tmp_path / "in"
    inp.mkdir()
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        (inp / f"{i}.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (inp / "boom.txt").write_text("Title boom\n\nThe boom was heard across the city on Monday night.\n",
                                  encoding="utf-8")
    out = tmp_path / "out"
    report: Any = Pipeline(config_from_dict({"execution": {"workers": 1}}), plugins=[Fails()]).run([str(inp)], out)
    quarantined = [line for line in (out / "quarantine.jsonl").read_text(encoding="utf-8").splitlines() if line]
    assert len(quarantined) == 1 and '"language-error"' in quarantined[0] and "boom.txt" in quarantined[0]
    assert report.accounting["written"] == len(list(SEEDS.glob("*.txt")))
