"""The Ray executor passes the local executor's end-to-end tests
(``tests/test_pipeline.py``): the seeds run, stable ids, bad input quarantine,
workers and shards not changing output, a changed config refused on rerun, the
same bytes as a local run, and kill -9 + rerun giving byte-identical output.
One local Ray instance serves the whole module (starting Ray costs seconds); the
kill test's drivers join it by address."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscorpus import Pipeline, RunStateError, config_from_dict
from newscorpus.plugins import get_registry

ray = pytest.importorskip("ray")

from newscorpus_ray import RayExecutor  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEEDS = ROOT / "seeds"
CORE_DATA = ROOT / "tests" / "data"  # the core's test inputs, reused read-only
OUTPUTS = ("articles.jsonl", "events.jsonl", "duplicates.jsonl", "quarantine.jsonl")


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """One local Ray instance for the module; yields its address."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(inputs: list[str], out: Path, executor: str, workers: int, shards: int,
        **config: Any) -> dict[str, Any]:
    data = {"execution": {"executor": executor, "workers": workers, "shards": shards}, **config}
    report = Pipeline(config_from_dict(data)).run(inputs, out)
    return report.data


def assert_same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_registered_from_its_entry_point() -> None:
    registry = get_registry()
    assert registry.get("executor", "ray") is RayExecutor
    assert registry.plugin_of("executor", "ray") == "ray"


def test_seeds_run_matches_the_local_executor(ray_address: str, tmp_path: Path) -> None:
    inputs = [str(SEEDS), str(CORE_DATA / "text")]
    local = run(inputs, tmp_path / "local", "local", 1, 1)
    remote = run(inputs, tmp_path / "ray", "ray", 2, 3)
    assert remote["execution"]["executor"] == "ray" and remote["execution"]["shards"] == 3
    assert remote["accounting"] == local["accounting"] and remote["accounting"]["balanced"]
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")
    arts = {Path(a["provenance"]["path"]).name[:3]: a for a in read_jsonl(tmp_path / "ray" / "articles.jsonl")}
    assert arts["002"]["title"] == "Putin and Qatari emir discuss Syria and Gaza at Moscow talks"
    assert all(a["event_id"] for a in arts.values())
    # Every task ran in a Ray worker, not in this process: each stage left its markers.
    done = tmp_path / "ray" / "work" / "_done"
    assert len(list((done / "parse").iterdir())) == 3


def test_ids_are_stable_across_executors_and_locations(ray_address: str, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    for f in SEEDS.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    local = run([str(SEEDS)], tmp_path / "local", "local", 1, 1)
    remote = run([str(copy)], tmp_path / "ray", "ray", 2, 2)
    assert local["accounting"]["balanced"] and remote["accounting"]["balanced"]
    ids = [sorted(a["id"] for a in read_jsonl(tmp_path / d / "articles.jsonl")) for d in ("local", "ray")]
    assert len(ids[0]) == 5 and ids[0] == ids[1]


@pytest.mark.parametrize(("workers", "shards"), [(1, 1), (2, 5)])
def test_workers_and_shards_do_not_change_output_on_ray(ray_address: str, tmp_path: Path,
                                                        workers: int, shards: int) -> None:
    inputs = [str(SEEDS), str(CORE_DATA / "text")]
    run(inputs, tmp_path / "local", "local", 2, 3)
    remote = run(inputs, tmp_path / "ray", "ray", workers, shards)
    assert remote["execution"]["shards"] == shards and remote["accounting"]["balanced"]
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")


def test_rerun_with_other_config_is_refused_on_ray(ray_address: str, tmp_path: Path) -> None:
    run([str(SEEDS)], tmp_path, "ray", 2, 2)
    data = {"execution": {"executor": "ray", "workers": 2, "shards": 2}, "dedup": {"mode": "drop"}}
    other = Pipeline(config_from_dict(data))
    with pytest.raises(RunStateError, match="different configuration"):
        other.run([str(SEEDS)], tmp_path)
    assert other.run([str(SEEDS)], tmp_path, restart=True).balanced


def test_bad_input_is_quarantined_as_by_the_local_executor(ray_address: str, tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for folder in ("bad", "text"):
        for f in (CORE_DATA / folder).iterdir():
            (inp / f.name).write_bytes(f.read_bytes())
    with open(inp / "huge.txt", "wb") as fh:  # one 50 MB line: too large, never read whole
        for _ in range(50):
            fh.write(b"a" * (1 << 20))
    (inp / "records.jsonl").write_bytes((CORE_DATA / "records" / "dump.jsonl").read_bytes())
    local = run([str(inp)], tmp_path / "local", "local", 1, 0)
    remote = run([str(inp)], tmp_path / "ray", "ray", 2, 4)
    acc = remote["accounting"]
    assert acc == local["accounting"]
    assert acc["balanced"] and acc["documents"] == 14 and acc["written"] == 6
    reasons = {(Path(r["path"]).name, r["reason"]) for r in read_jsonl(tmp_path / "ray" / "quarantine.jsonl")}
    assert reasons == {
        ("bad_utf8.txt", "invalid-utf8"), ("empty.txt", "empty"), ("blank.txt", "empty"),
        ("image.png", "binary"), ("huge.txt", "too-large"), ("records.jsonl", "invalid-json"),
        ("records.jsonl", "no-text"), ("records.jsonl", "invalid-record"),
    }
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")


def test_a_new_run_in_the_same_directory_never_reuses_cached_runtimes(ray_address: str, tmp_path: Path) -> None:
    """Ray keeps worker processes between runs; a restart with another config in
    the same directory must rebuild the runtime (here: language id turned off)."""
    inputs = [str(SEEDS)]
    first = run(inputs, tmp_path / "ray", "ray", 2, 2)
    assert first["articles"]["languages"] == {"id": 3, "en": 2}
    data = {"execution": {"executor": "ray", "workers": 2, "shards": 2}, "read": {"language": False}}
    Pipeline(config_from_dict(data)).run(inputs, tmp_path / "ray", restart=True)
    run(inputs, tmp_path / "local", "local", 1, 1, read={"language": False})
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")
    assert {a["language"] for a in read_jsonl(tmp_path / "ray" / "articles.jsonl")} == {None}


def test_a_local_run_resumes_on_ray(ray_address: str, tmp_path: Path) -> None:
    """The executor is not part of a run's identity: a local run stopped after its
    parse stage finishes on Ray with the same bytes."""
    inputs = [str(SEEDS), str(CORE_DATA / "text")]
    run(inputs, tmp_path / "ref", "local", 1, 3)
    run(inputs, tmp_path / "out", "local", 1, 3)
    work = tmp_path / "out" / "work"
    # Undo everything after parsing, as if the run had been killed there.
    for stage in ("dedup-buckets", "dedup-verify", "dedup-cluster", "events", "finalize", "export"):
        for path in [work / "_done" / stage, work / ("final" if stage == "finalize" else "_none")]:
            if path.exists():
                for f in path.iterdir():
                    f.unlink()
    for name in (*OUTPUTS, "report.json"):
        (tmp_path / "out" / name).unlink()
    resumed = run(inputs, tmp_path / "out", "ray", 2, 3)
    assert resumed["execution"]["executor"] == "ray" and resumed["accounting"]["balanced"]
    assert_same_outputs(tmp_path / "ref", tmp_path / "out")


def test_a_task_error_reaches_the_driver_with_its_own_type(ray_address: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers load the pipeline's plugins by import path (here from the
    ``runtime_env`` option's PYTHONPATH); a failing task fails the run."""
    monkeypatch.syspath_prepend(str(HERE))
    data = {
        "plugins": ["exploding_plugin"],
        "execution": {"executor": {"name": "ray", "runtime_env": {"env_vars": {"PYTHONPATH": str(HERE)}}},
                      "workers": 2, "shards": 2},
        "export": {"exporters": ["jsonl", "exploding"]},
    }
    from exploding_plugin import ExplodingExportError

    with pytest.raises(ExplodingExportError, match="boom after 5 articles in pid") as info:
        Pipeline(config_from_dict(data)).run([str(SEEDS)], tmp_path / "out")
    assert f"pid {os.getpid()}" not in str(info.value)
    assert not (tmp_path / "out" / "report.json").exists()
    # Everything before the failed task is kept for a resumed run.
    assert len(list((tmp_path / "out" / "work" / "_done" / "finalize").iterdir())) == 2


def _corpus(folder: Path, n: int, files: int) -> None:
    """``n`` English-like records in ``files`` JSONL files (whole files make shards):
    distinct stories over a 3,000-word vocabulary, every 10th an exact copy of the
    one before and every 10th (offset 5) a near copy with a few words changed."""
    rng = random.Random(7)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    vocab = sorted({"".join(rng.choices(syllables, k=rng.randint(1, 3))) for _ in range(4000)})[:3000]
    folder.mkdir()
    per_file = -(-n // files)
    bodies: list[list[str]] = []
    for i in range(n):
        if i % 10 == 3:
            paras = list(bodies[-1])
        elif i % 10 == 8:
            paras = [" ".join(w if rng.random() > 0.08 else rng.choice(vocab) for w in p.split())
                     for p in bodies[-1]]
        else:
            paras = [" ".join(rng.choices(vocab, k=25)).capitalize() + "." for _ in range(6)]
        bodies.append(paras)
    for f in range(files):
        with open(folder / f"part-{f:03d}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(f * per_file, min(n, (f + 1) * per_file)):
                rec = {"title": f"Story number {i}", "body": "\n\n".join(bodies[i]), "language": "en",
                       "published": f"2024-{1 + i % 4:02d}-{1 + i % 28:02d}"}  # four months of days
                fh.write(json.dumps(rec) + "\n")


@pytest.mark.slow
def test_kill_and_rerun_on_ray_gives_the_local_executor_bytes(ray_address: str, tmp_path: Path) -> None:
    """kill -9 Ray drivers (joined to the running cluster by address) during the
    parse stage, between events windows and during finalize, rerun, and compare
    with an uninterrupted local run (events in one pass): same bytes, no document
    lost or doubled."""
    inp = tmp_path / "corpus"
    _corpus(inp, 3000, 12)
    clean = tmp_path / "clean"
    clean_report = run([str(inp)], clean, "local", 1, 12)
    cfg = tmp_path / "ray.yaml"
    cfg.write_text(json.dumps({  # JSON is YAML
        "execution": {"executor": {"name": "ray", "address": ray_address, "init": {"log_to_driver": False}},
                      "workers": 2, "shards": 12, "event_windows": 3}}))
    killed = tmp_path / "killed"
    cmd = [sys.executable, "-m", "newscorpus.cli", "run", str(inp), "-c", str(cfg), "-o", str(killed),
           "--no-progress", "-q"]
    kills = 0
    for stage, wait_for in (("parse", 3), ("events-window", 1), ("finalize", 2)):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        markers = killed / "work" / "_done" / stage
        deadline = time.monotonic() + 900  # generous: a loaded CI machine is slow to reach the stage
        while time.monotonic() < deadline and proc.poll() is None:
            if markers.exists() and len(list(markers.iterdir())) >= wait_for:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.005)
        _, err = proc.communicate()
        assert proc.returncode in (0, -signal.SIGKILL), err.decode()[-2000:]
    assert kills == 3, "a run finished before it was killed: the test did not test resuming"
    assert not (killed / "report.json").exists()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert_same_outputs(clean, killed)
    report = json.loads((killed / "report.json").read_text())
    assert report["execution"]["executor"] == "ray"
    assert report["events"]["windows"] == 3 and clean_report["events"]["windows"] == 1
    assert report["execution"]["shards"] == clean_report["execution"]["shards"] > 8
    assert report["articles"] == clean_report["articles"]
    assert 500 <= report["articles"]["marked_duplicates"] <= 700  # the planted copies
    assert report["dedup"] == clean_report["dedup"]
    assert report["accounting"]["documents"] == 3000 and report["accounting"]["balanced"]
    ids = [a["id"] for a in read_jsonl(killed / "articles.jsonl")]
    assert len(ids) == len(set(ids)) == 3000
