"""Hostile or mistaken pipeline files: each ends in one clear line naming the file
or key and exit 2 (never a traceback, never a hang); ``auto`` sizes mean the
defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus.config import MAX_YAML_VALUES, load_config
from newscorpus.errors import ConfigError

from .conftest import assert_bounded, read_report, run_cli
from .corpus import FAST_CONFIG, cli_args, write_config, write_inputs


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The YAML "billion laughs": ``width ** levels`` strings from a few hundred bytes."""
    lines = ["a: &a [" + ", ".join(['"lol"'] * width) + "]"]
    for prev, name in zip("abcdefghij", "bcdefghijk", strict=False):
        if len(lines) == levels:
            break
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * width) + "]")
    return "\n".join(lines) + "\n"


CASES = {
    "missing-plugin": ("plugins: [newscorpus_no_such_plugin]\n", "plugins.0", "newscorpus_no_such_plugin"),
    "missing-plugin-attribute": ("plugins: ['newscorpus.config:no_such_hook']\n", "plugins.0", "no_such_hook"),
    "unknown-exporter": ("export:\n  exporters: [no_such_exporter]\n", "no_such_exporter", "no_such_exporter"),
    "recursive-alias": ("read:\n  options: &o\n    jsonl: *o\n", "recursive YAML alias", ":2"),
    "alias-bomb": (_alias_bomb(), "alias bomb", "p.yaml"),
    "deep-nesting": ("read:\n  options:\n    x: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply", "p.yaml"),
    "bad-auto": ("execution:\n  workers: lots\n", "execution.workers", "'lots'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_pipeline_file_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, must, also = CASES[case]
    inputs = write_inputs(tmp_path / "in")
    cfg = write_config(tmp_path / "p.yaml", text)
    out = tmp_path / "out"
    result = run_cli(cli_args(inputs, out, cfg))
    assert_bounded(result)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("newscorpus: error:") and must in line and also in line, line
    assert not (out / "report.json").exists()


def test_the_alias_bomb_check_is_linear(tmp_path: Path) -> None:
    # 9**30 values once expanded; refused after counting a few thousand nodes.
    path = write_config(tmp_path / "p.yaml", _alias_bomb(levels=30))
    with pytest.raises(ConfigError, match=f"more than {MAX_YAML_VALUES:,} values"):
        load_config(path)


def test_anchors_and_aliases_of_ordinary_size_still_work(tmp_path: Path) -> None:
    path = write_config(tmp_path / "p.yaml", "read:\n  options:\n    jsonl: &o {max_bytes: 1000}\n"
                        "    csv: *o\n")
    assert load_config(path).read.options["csv"] == {"max_bytes": 1000}


def test_auto_sizes_mean_the_defaults_and_the_run_completes(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    text = (FAST_CONFIG + "execution:\n  shard_bytes: auto\n  batch_size: auto\n  shards: auto\n"
            "read:\n  limits:\n    max_document_bytes: auto\n    max_line_chars: auto\n"
            "    max_decompressed_bytes: auto\n")
    cfg = write_config(tmp_path / "p.yaml", text)
    config = load_config(cfg)
    assert config.read.limits.max_document_bytes > 0 and config.execution.shard_bytes > 0
    out = tmp_path / "out"
    result = run_cli(cli_args(inputs, out, cfg))
    assert_bounded(result)
    assert result.returncode == 0, result.stderr
    acc = read_report(out)["accounting"]
    assert acc["written"] == 3 and acc["quarantined"] == 0
