"""What a user of ``newscorpus run`` expects: --exporters, work/ removed after a finished
run (--keep-work keeps it), the timeline extra named when it is missing."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from newscorpus.cli import _exporter_specs, main
from newscorpus.config import ComponentSpec
from newscorpus.errors import NewscorpusError, OutputError
from newscorpus.exporters.jsonl import JsonlExporter
from newscorpus.workdir import OutputLock


def _run(seeds_dir: Path, out: Path, *extra: str) -> Result:
    args = ["run", str(seeds_dir), "-o", str(out), "--workers", "1", "--no-progress", "-q", *extra]
    return CliRunner().invoke(main, args)


def _report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return data


def test_work_is_removed_after_a_finished_run_and_a_rerun_gives_the_same_bytes(
        seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run(seeds_dir, out)
    assert result.exit_code == 0, result.output
    assert not (out / "work").exists()
    assert not list(out.glob(".newscorpus-trash-*"))
    first = {n: (out / n).read_bytes() for n in ("articles.jsonl", "events.jsonl", "duplicates.jsonl")}
    # With work/ gone a rerun starts over, and must write the same corpus.
    assert _run(seeds_dir, out).exit_code == 0
    assert {n: (out / n).read_bytes() for n in first} == first


def test_keep_work_keeps_it_and_a_rerun_resumes_from_it(seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run(seeds_dir, out, "--keep-work").exit_code == 0
    markers = sorted(p.relative_to(out) for p in (out / "work" / "_done").rglob("*.json"))
    assert markers and (out / "work" / "plan.json").exists()
    before = (out / "articles.jsonl").read_bytes()
    assert _run(seeds_dir, out, "--keep-work").exit_code == 0
    assert (out / "articles.jsonl").read_bytes() == before
    assert sorted(p.relative_to(out) for p in (out / "work" / "_done").rglob("*.json")) == markers


def test_a_failed_run_keeps_work_for_the_resume(seeds_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: JsonlExporter, ctx: object) -> list[Path]:
        raise NewscorpusError("disk on fire")

    monkeypatch.setattr(JsonlExporter, "export", broken)
    out = tmp_path / "out"
    result = _run(seeds_dir, out)
    assert result.exit_code == 1 and "disk on fire" in result.output
    assert (out / "work" / "_done" / "parse").is_dir()


def test_exporters_flag_overrides_the_config(seeds_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "p.yaml"
    config.write_text("export:\n  exporters: [{jsonl: {articles: corpus.jsonl}}, timeline]\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _run(seeds_dir, out, "-c", str(config), "--exporters", "jsonl")
    assert result.exit_code == 0, result.output
    assert (out / "corpus.jsonl").exists()  # the config's options for jsonl are kept
    assert not (out / "timeline.html").exists()
    assert set(_report(out)["exports"]) == {"jsonl"}


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="needs newscorpus[timeline]")
def test_exporters_flag_turns_the_timeline_on(seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run(seeds_dir, out, "--exporters", "jsonl,timeline")
    assert result.exit_code == 0, result.output
    assert (out / "timeline.html").exists() and (out / "timeline.png").exists()
    assert list(_report(out)["exports"]) == ["jsonl", "timeline"]


def test_default_exporters_need_no_extra(seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    out = tmp_path / "out"
    assert _run(seeds_dir, out).exit_code == 0
    assert set(_report(out)["exports"]) == {"jsonl"}
    # Asking for the timeline without matplotlib: exit 2 before any work, the extra named.
    result = _run(seeds_dir, tmp_path / "out2", "--exporters", "jsonl,timeline")
    assert result.exit_code == 2
    assert "newscorpus[timeline]" in result.output
    assert not (tmp_path / "out2" / "work").exists()


@pytest.mark.parametrize(("value", "message"), [
    ("jsonl,,timeline", "comma-separated"),
    ("", "comma-separated"),
    ("jsonl,jsonl", "named twice"),
])
def test_bad_exporter_lists_are_usage_errors(seeds_dir: Path, tmp_path: Path, value: str, message: str) -> None:
    result = _run(seeds_dir, tmp_path / "out", "--exporters", value)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_exporter_exits_2_naming_it(seeds_dir: Path, tmp_path: Path) -> None:
    result = _run(seeds_dir, tmp_path / "out", "--exporters", "jsonl,parquett")
    assert result.exit_code == 2 and "parquett" in result.output


def test_exporter_specs_keep_configured_options_in_the_flag_order() -> None:
    configured = (ComponentSpec("timeline", {"max_events": 5}), ComponentSpec("jsonl", {"articles": "a.jsonl"}))
    assert _exporter_specs(" jsonl , timeline", configured) == (
        ComponentSpec("jsonl", {"articles": "a.jsonl"}), ComponentSpec("timeline", {"max_events": 5}))
    assert _exporter_specs("parquet", configured) == (ComponentSpec("parquet"),)


def test_work_held_by_another_run_is_left_with_a_warning(seeds_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    class Busy(OutputLock):
        def acquire(self) -> None:
            raise OutputError(f"{out} is in use by another newscorpus run (pid 1)")

    assert _run(seeds_dir, out, "--keep-work").exit_code == 0
    monkeypatch.setattr("newscorpus.cli.OutputLock", Busy)  # only the clean-up's lock: the run itself holds its own
    result = CliRunner().invoke(main, ["run", str(seeds_dir), "-o", str(out), "--workers", "1", "--no-progress"])
    assert result.exit_code == 0
    assert "warning: work/ left in place" in result.output and "in use" in result.output
    assert (out / "work" / "_done").is_dir()
