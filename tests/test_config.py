"""Configuration: YAML and Python describe the same pipeline; errors name key and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscorpus import ConfigError, PipelineConfig, config_from_dict, load_config
from newscorpus.config import ComponentSpec


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "pipeline.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_round_trip_through_yaml(tmp_path: Path) -> None:
    cfg = PipelineConfig()
    assert load_config(write(tmp_path, cfg.to_yaml())) == cfg


def test_full_config(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, """
inputs: [data/, "dumps/*.jsonl"]
output: out
execution: {workers: 2, shards: auto, executor: {name: local, start_method: forkserver}}
read:
  fields: {body: maintext}
  limits: {max_document_bytes: 1000}
clean: {cleaners: [a, {b: {x: 1}}, {name: c, y: 2}], rule_packs: [p.yaml]}
dedup: {methods: [exact], mode: drop, canonical: longest, prefer_sources: [Reuters], index: idx.sqlite}
events: {builder: null}
export: {exporters: [jsonl, {parquet: {row_group_size: 10}}]}
"""))
    assert cfg.inputs == (str(tmp_path / "data/"), str(tmp_path / "dumps/*.jsonl"))
    assert cfg.output == str(tmp_path / "out")
    assert cfg.execution.workers == 2 and cfg.execution.shards == 0
    assert cfg.execution.executor == ComponentSpec("local", {"start_method": "forkserver"})
    assert cfg.read.limits.max_document_bytes == 1000
    assert cfg.clean.cleaners == (ComponentSpec("a"), ComponentSpec("b", {"x": 1}), ComponentSpec("c", {"y": 2}))
    assert cfg.clean.rule_packs == (str(tmp_path / "p.yaml"),)
    assert cfg.dedup.mode == "drop" and cfg.dedup.index == str(tmp_path / "idx.sqlite")
    assert cfg.events.builder is None
    assert cfg.export.exporters[1] == ComponentSpec("parquet", {"row_group_size": 10})
    assert config_from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("execution:\n  workers: -1\n", 2, "execution.workers", "whole number"),
        ("dedup:\n  mode: maybe\n", 2, "dedup.mode", "one of mark, drop"),
        ("clean:\n  cleaners:\n    - a\n    - 3\n", 4, "clean.cleaners.1", "a component is"),
        ("exprot: {}\n", 1, "exprot", "did you mean 'export'"),
        ("read:\n  limits:\n    max_bytes: 3\n", 3, "read.limits.max_bytes", "unknown key"),
        ("inputs: 3\n", 1, "inputs", "list of strings"),
    ],
)
def test_errors_name_key_and_line(tmp_path: Path, text: str, line: int, key: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert (err.value.line, err.value.key) == (line, key)
    assert message in str(err.value) and str(path) in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "dedup:\n  mode: [mark\n"))
    assert err.value.line is not None and "invalid YAML" in str(err.value)


@given(workers=st.integers(0, 64), shards=st.integers(0, 999), mode=st.sampled_from(["mark", "drop"]),
       sources=st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_to_dict_from_dict_round_trip(workers: int, shards: int, mode: str, sources: list[str]) -> None:
    cfg = config_from_dict({"execution": {"workers": workers, "shards": shards},
                            "dedup": {"mode": mode, "prefer_sources": sources}})
    assert config_from_dict(cfg.to_dict()) == cfg
