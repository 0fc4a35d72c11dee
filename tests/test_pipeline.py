"""End to end: the CLI and the Python API on real files, bad input, resume."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus import Pipeline, PipelineConfig, RunStateError, config_from_dict
from newscorpus.cli import main
from newscorpus.pipeline import build_plan
from newscorpus.plugins import get_registry

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def by_file(articles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(a["provenance"]["path"]).name[:3]: a for a in articles}


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    result = CliRunner().invoke(main, ["run", str(SEEDS), "--output", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_seeds_cli_outputs(seeds_run: Path) -> None:
    for name in ("articles.jsonl", "events.jsonl", "report.json", "quarantine.jsonl", "duplicates.jsonl"):
        assert (seeds_run / name).exists(), name
    arts = by_file(read_jsonl(seeds_run / "articles.jsonl"))
    assert sorted(arts) == ["000", "001", "002", "003", "004"]
    assert [arts[k]["language"] for k in sorted(arts)] == ["id", "id", "en", "id", "en"]
    assert arts["002"]["title"] == "Putin and Qatari emir discuss Syria and Gaza at Moscow talks"
    assert arts["002"]["published"]["value"] == "2025-04-17"
    assert {k: arts[k]["source"] for k in arts} == {
        "000": None, "001": "Suarathailand", "002": "Reuters", "003": "Tribunnews", "004": "Al Jazeera"}
    assert arts["004"]["authors"] == ["Stephen Quillen"]
    assert "(Tribunnews.com/Garudea Prabawati)" not in arts["003"]["body"]
    assert arts["003"]["authors"] == ["Garudea Prabawati"]
    assert all(a["provenance"]["path"] for a in arts.values())
    assert all(a["event_id"] for a in arts.values())


def test_seeds_report_accounts_for_every_document(seeds_run: Path) -> None:
    report = json.loads((seeds_run / "report.json").read_text())
    assert report["accounting"] == {
        "documents": 5, "written": 5, "dropped_duplicates": 0, "quarantined": 0, "balanced": True}
    assert report["inputs"]["files"] == 5


def test_ids_are_stable_across_runs_and_locations(seeds_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    for f in SEEDS.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    report = Pipeline(config_from_dict({"execution": {"workers": 1}})).run([str(copy)], tmp_path / "o")
    assert report.balanced
    ids_a = sorted(a["id"] for a in read_jsonl(seeds_run / "articles.jsonl"))
    ids_b = sorted(a["id"] for a in read_jsonl(tmp_path / "o" / "articles.jsonl"))
    assert ids_a == ids_b


def test_bad_inputs_are_quarantined_and_the_rest_completes(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for f in (DATA / "bad").iterdir():
        (inp / f.name).write_bytes(f.read_bytes())
    for f in (DATA / "text").iterdir():
        (inp / f.name).write_bytes(f.read_bytes())
    # A 50 MB single line: not an article, and it must not be read into memory whole.
    with open(inp / "huge.txt", "wb") as fh:
        chunk = b"a" * (1 << 20)
        for _ in range(50):
            fh.write(chunk)
    (inp / "records.jsonl").write_bytes((DATA / "records" / "dump.jsonl").read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(inp), "-o", str(out), "-w", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    acc = report["accounting"]
    assert acc["balanced"] and acc["documents"] == 4 + 4 + 1 + 5  # bad + text + huge + jsonl lines
    assert acc["written"] == 4 + 2
    q = read_jsonl(out / "quarantine.jsonl")
    reasons = {(Path(r["path"]).name, r["reason"]) for r in q}
    assert reasons == {
        ("bad_utf8.txt", "invalid-utf8"), ("empty.txt", "empty"), ("blank.txt", "empty"),
        ("image.png", "binary"), ("huge.txt", "too-large"), ("records.jsonl", "invalid-json"),
        ("records.jsonl", "no-text"), ("records.jsonl", "invalid-record"),
    }
    assert all(r["detail"] and r["stage"] for r in q)
    assert "quarantined" in result.output


def test_workers_and_shards_do_not_change_output(tmp_path: Path) -> None:
    inputs = [str(SEEDS), str(DATA / "text")]
    one = Pipeline(config_from_dict({"execution": {"workers": 1, "shards": 1}})).run(inputs, tmp_path / "a")
    two = Pipeline(config_from_dict({"execution": {"workers": 2, "shards": 3}})).run(inputs, tmp_path / "b")
    assert one.balanced and two.balanced
    assert two.data["execution"]["shards"] == 3
    for name in ("articles.jsonl", "events.jsonl", "duplicates.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(0, 5000), min_size=1, max_size=12), shards=st.integers(1, 16))
def test_plan_makes_the_shards_asked_for_in_input_order(tmp_path_factory: pytest.TempPathFactory,
                                                        sizes: list[int], shards: int) -> None:
    inp = tmp_path_factory.mktemp("plan")
    for i, size in enumerate(sizes):
        (inp / f"{i:03d}.txt").write_bytes(b"x" * size)
    cfg = config_from_dict({"inputs": [str(inp)], "execution": {"shards": shards}})
    plan = build_plan(cfg, get_registry(), inp / "out", 2)
    # One shard per file up to the count asked for; none empty; files in order.
    assert len(plan.shards) == min(shards, len(sizes))
    assert all(plan.shards)
    assert [Path(u.path).name for s in plan.shards for u in s] == [f"{i:03d}.txt" for i in range(len(sizes))]


def test_one_large_file_is_split_so_every_worker_has_shards(tmp_path: Path) -> None:
    # A single 5 MB JSONL file under the 64 MiB shard size: with 2 workers it must
    # still make 2 x 2 shards of whole lines, or one core sits idle for the run.
    path = tmp_path / "one.jsonl"
    line = json.dumps({"title": "t", "body": "b" * 1000}) + "\n"
    path.write_text(line * 5000, encoding="utf-8")
    cfg = config_from_dict({"inputs": [str(path)]})
    plan = build_plan(cfg, get_registry(), tmp_path / "out", 2)
    assert len(plan.shards) == 4
    units = [u for s in plan.shards for u in s]
    assert units[0].start == 0 and units[-1].end is None
    data = path.read_bytes()
    for a, b in itertools.pairwise(units):
        assert a.end == b.start and data[b.start - 1 : b.start] == b"\n"
    assert len(build_plan(cfg, get_registry(), tmp_path / "out", 1).shards) == 1


def test_rerun_with_other_config_is_refused(tmp_path: Path) -> None:
    Pipeline(config_from_dict({"execution": {"workers": 1}})).run([str(SEEDS)], tmp_path)
    other = Pipeline(config_from_dict({"execution": {"workers": 1}, "dedup": {"mode": "drop"}}))
    with pytest.raises(RunStateError, match="different configuration"):
        other.run([str(SEEDS)], tmp_path)
    assert other.run([str(SEEDS)], tmp_path, restart=True).balanced


def test_config_file_and_api_describe_the_same_pipeline(tmp_path: Path) -> None:
    cfg = tmp_path / "pipeline.yaml"
    cfg.write_text(f"inputs: [{SEEDS}]\noutput: out\nexecution:\n  workers: 1\ndedup:\n  mode: mark\n")
    result = CliRunner().invoke(main, ["run", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    api = PipelineConfig(inputs=(str(SEEDS),))
    report = Pipeline(config_from_dict({**api.to_dict(), "execution": {"workers": 1}})).run(
        output=tmp_path / "api")
    assert (tmp_path / "out" / "articles.jsonl").read_bytes() == (tmp_path / "api" / "articles.jsonl").read_bytes()
    assert report.balanced


def test_cli_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["run", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("execution:\n  workers: 1\ndedup:\n  mdoe: drop\n")
    res = runner.invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "o"), "-c", str(bad)])
    assert res.exit_code == 2
    assert "bad.yaml:4" in res.output and "dedup.mdoe" in res.output and "did you mean 'mode'" in res.output


def _corpus(path: Path, n: int) -> None:
    words = ["minister", "talks", "border", "trade", "river", "flood", "council", "vote", "market", "price", "school"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            body = "\n".join(
                " ".join(words[(i * 7 + j * 3 + k) % len(words)] for k in range(12)).capitalize() + f" {i}-{j}."
                for j in range(6))
            day = f"2024-{1 + i % 4:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"  # four months of days
            fh.write(json.dumps({"title": f"Story number {i}", "body": body, "language": "en",
                                 "published": day}) + "\n")


def _run_cli(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "newscorpus.cli", "run", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_kill_and_rerun_gives_the_same_output(tmp_path: Path) -> None:
    """kill -9 a run during the parse stage, between the events windows and
    during finalize, rerun it, and compare with an uninterrupted run: same bytes,
    no document lost or doubled."""
    inp = tmp_path / "corpus.jsonl"
    _corpus(inp, 3000)
    cfg = tmp_path / "windows.yaml"
    cfg.write_text("execution:\n  event_windows: 3\n")
    common = [str(inp), "--workers", "1", "--shards", "12", "--no-progress", "-q", "-c", str(cfg)]
    clean = tmp_path / "clean"
    assert _run_cli([*common, "-o", str(clean)]).wait() == 0
    killed = tmp_path / "killed"
    for stage, wait_for in (("parse", 3), ("events-window", 1), ("finalize", 2)):
        proc = _run_cli([*common, "-o", str(killed)])
        markers = killed / "work" / "_done" / stage
        deadline = time.monotonic() + 600  # generous: a loaded CI machine is slow to reach the stage
        while time.monotonic() < deadline and proc.poll() is None:
            if markers.exists() and len(list(markers.iterdir())) >= wait_for:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        proc.wait()
    assert not (killed / "report.json").exists() or proc.returncode == 0
    assert _run_cli([*common, "-o", str(killed)]).wait() == 0
    for name in ("articles.jsonl", "events.jsonl", "duplicates.jsonl", "quarantine.jsonl"):
        assert (killed / name).read_bytes() == (clean / name).read_bytes(), name
    report = json.loads((killed / "report.json").read_text())
    assert report["accounting"]["documents"] == 3000 and report["accounting"]["balanced"]
    assert report["events"]["windows"] == 3
    ids = [a["id"] for a in read_jsonl(killed / "articles.jsonl")]
    assert len(ids) == len(set(ids)) == 3000
