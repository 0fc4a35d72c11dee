"""Language identification: offline, deterministic, tells Malay from Indonesian,
leaves every other language to py3langid."""

from __future__ import annotations

import importlib.util
import socket
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newscorpus
from newscorpus import hookimpl
from newscorpus.langid_pair import MODEL_NAME, FeatureConfig, features, load_model
from newscorpus.language import identify, identify_general
from newscorpus.plugins import get_registry

ROOT = Path(__file__).resolve().parent.parent
LANG = Path(__file__).resolve().parent / "data" / "lang"
BENCH = ROOT.parent / "shared" / "benchmarks"
MODEL_FILE = ROOT / "src" / "newscorpus" / "data" / MODEL_NAME


def lines(name: str) -> list[str]:
    return [x for x in (LANG / name).read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("code", ["ms", "id"])
def test_malay_and_indonesian_sentences(code: str) -> None:
    got = [identify(x) for x in lines(f"{code}.txt")]
    assert got == [code] * len(got)


@pytest.mark.parametrize("code", ["ms", "id"])
def test_the_pair_model_alone_tells_the_pair_apart(code: str) -> None:
    model = load_model()
    assert [model.predict(x) for x in lines(f"{code}.txt")] == [code] * len(lines(f"{code}.txt"))
    # the score is a log-odds of Malay: its sign carries the decision
    assert all((model.score(x) > 0) == (code == "ms") for x in lines(f"{code}.txt"))


def test_english_is_left_to_py3langid() -> None:
    english = lines("en.txt")
    assert [identify(x) for x in english] == ["en"] * len(english)
    assert [identify(x) for x in english] == [identify_general(x) for x in english]


def test_identification_is_deterministic() -> None:
    text = (LANG / "ms.txt").read_text(encoding="utf-8")
    assert len({identify(text) for _ in range(5)}) == 1


def test_too_little_text_is_unknown() -> None:
    assert identify("OK 123") is None


def test_public_api_is_the_builtin_identifier() -> None:
    malay = "Kerajaan negeri akan menyalurkan bantuan wang tunai kepada mangsa banjir."
    assert newscorpus.identify_language(malay) == "ms"
    assert newscorpus.identify_language("OK 123") is None
    assert "identify_language" in newscorpus.__all__


def test_a_plugin_answering_first_overrides_the_builtin() -> None:
    class Always:
        @hookimpl
        def identify_language(self, text: str) -> str | None:
            return "xx" if "kopi" in text else None

    pm = get_registry(objects=[Always()]).pm
    assert pm.hook.identify_language(text="secangkir kopi pagi ini di warung dekat stasiun kereta") == "xx"
    assert pm.hook.identify_language(text="The minister said the talks would continue next week.") == "en"
    malay = "Orang ramai dinasihatkan supaya tidak menggunakan jalan tersebut kerana kerja pembaikan."
    assert pm.hook.identify_language(text=malay) == "ms"


def test_the_shipped_model_loads_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("network use")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    load_model.cache_clear()
    try:
        model = load_model()
    finally:
        load_model.cache_clear()
    assert model.weights.shape == (1 << model.config.bits,)
    assert np.isfinite(model.weights).all()
    assert MODEL_FILE.stat().st_size < 2_000_000
    with np.load(MODEL_FILE, allow_pickle=False) as arrays:  # plain arrays, no pickled objects
        assert sorted(arrays.files) == ["config", "scalars", "weights"]


def _train_module() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("train_language", ROOT / "benchmarks" / "train_language.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (BENCH / "dslcc-id-ms" / "train.tsv").exists(), reason="../shared/benchmarks absent")
def test_retraining_reproduces_the_shipped_file(tmp_path: Path) -> None:
    train = _train_module()
    start = time.process_time()
    out = tmp_path / MODEL_NAME
    train.write_model(train.build(BENCH), out)
    assert out.read_bytes() == MODEL_FILE.read_bytes()
    assert time.process_time() - start < 30


@given(st.text(max_size=700))
@settings(max_examples=150, deadline=None)
def test_any_text_gets_a_code_or_none_and_only_the_pair_is_touched(text: str) -> None:
    got = identify(text)
    assert got == identify(text)
    assert got is None or (isinstance(got, str) and 2 <= len(got) <= 3)
    before = identify_general(text)
    if got != before:  # the pair model may only settle id/ms, or name the pair where py3langid was unsure
        assert got in ("id", "ms")
        assert before in ("id", "ms", None)


@given(st.text(max_size=300), st.sampled_from([FeatureConfig(), FeatureConfig(orders=(2, 3), words=False, bits=8)]))
@settings(max_examples=150, deadline=None)
def test_features_stay_in_range(text: str, config: FeatureConfig) -> None:
    idx = features(text, config)
    assert idx.dtype == np.intp
    assert ((idx >= 0) & (idx < (1 << config.bits))).all()
    assert np.array_equal(idx, features(text, config))
