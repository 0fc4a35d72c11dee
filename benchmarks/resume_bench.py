"""Resumability at scale: kill -9 a run at random points in several stages, rerun,
and check that the output is byte-identical to an uninterrupted run, with no
document lost or doubled.

One command::

    python benchmarks/resume_bench.py [BENCHMARKS] --size 100000 --executors local,ray

For each executor, one output directory goes through ``--kills`` interrupted
runs: each picks a stage at random (in run order), starts ``newscorpus run``,
waits until that stage is running, waits a random share (0-90%) of the stage's
duration in the uninterrupted run (at most ``--max-delay`` seconds), and sends
SIGKILL to the whole process group (driver, pool workers, Ray's processes). A
last run then resumes to the end. Compared with the uninterrupted run: every
output file (all but ``report.json`` and ``work/``), the report's accounting and
article counts, and the article ids (unique, none missing). Writes the ``resume`` section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section  # noqa: E402
from pipeline_bench import make_corpus, pipeline_config  # noqa: E402

STAGE_ORDER = ("parse", "dedup-buckets", "dedup-verify", "dedup-cluster", "events", "finalize", "export")


def command(corpus: Path, out: Path, cfg: Path) -> list[str]:
    """The ``newscorpus run`` command of every run of this benchmark."""
    return [sys.executable, "-m", "newscorpus.cli", "run", str(corpus), "-c", str(cfg), "-o", str(out),
            "--no-progress", "-q"]


def task_counts(out: Path) -> dict[str, int]:
    """Finished tasks per stage in ``out``."""
    done = out / "work" / "_done"
    return {s: len([p for p in (done / s).glob("*.json")]) if (done / s).is_dir() else 0 for s in STAGE_ORDER}


def current_stage(out: Path, totals: dict[str, int]) -> str:
    """The first stage with unfinished tasks."""
    counts = task_counts(out)
    return next((s for s in totals if counts[s] < totals[s]), "done")


def output_digest(out: Path) -> dict[str, str]:
    """SHA-256 of every output file (not ``work/``, not ``report.json``)."""
    digests = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] != "work" and rel.name != "report.json":
            digests[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def article_ids(out: Path) -> list[str]:
    """Ids of the articles of a finished run (from its final work files)."""
    ids = []
    for path in sorted((out / "work" / "final").glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            ids += [json.loads(line)["id"] for line in fh]
    return ids


def kill_tree(proc: subprocess.Popen[bytes]) -> int:
    """SIGKILL ``proc``'s process group and any descendant that left it."""
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kids = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for kid in kids:
        with contextlib.suppress(psutil.NoSuchProcess):
            kid.kill()
    proc.wait()
    psutil.wait_procs(kids, timeout=10)
    return len(kids)


def interrupted_run(cmd: list[str], out: Path, stage: str, totals: dict[str, int], duration: float,
                    rng: random.Random) -> dict[str, Any]:
    """Start a run, wait for ``stage``, kill it after a random share of ``duration``."""
    order = list(totals)
    before = order[: order.index(stage)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while proc.poll() is None:
        counts = task_counts(out)
        if all(counts[s] >= totals[s] for s in before):
            break
        time.sleep(0.01)
    delay = rng.uniform(0.0, 0.9) * duration
    deadline = time.monotonic() + delay
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if proc.poll() is not None:
        return {"target": stage, "killed_in": "finished first", "delay": round(delay, 2),
                "after": round(time.monotonic() - t0, 1), "done": task_counts(out)}
    at = current_stage(out, totals)
    counts = task_counts(out)
    killed = kill_tree(proc)
    return {"target": stage, "killed_in": at, "delay": round(delay, 2), "after": round(time.monotonic() - t0, 1),
            "tasks_done": f"{counts.get(at, 0)}/{totals.get(at, 0)}", "processes": 1 + killed}


def run_executor(name: str, corpus: Path, workdir: Path, clean: Path, clean_report: dict[str, Any],
                 totals: dict[str, int], kills: int, shards: int, rng: random.Random,
                 max_delay: float) -> dict[str, Any]:
    """Interrupted runs with ``name``, then the resuming run; compare with ``clean``."""
    out = workdir / f"resume-{name}"
    shutil.rmtree(out, ignore_errors=True)
    cfg = workdir / f"resume-{name}.yaml"
    cfg.write_text(json.dumps(pipeline_config(name, 2, shards)))
    cmd = command(corpus, out, cfg)
    stages = list(totals)
    # Multi-task stages and the long single-task ones are where a kill can land.
    durations = clean_report["timings_seconds"]
    targets = sorted(rng.sample(stages, min(kills, len(stages))), key=stages.index)
    events = []
    t0 = time.monotonic()
    for stage in targets:
        duration = min(float(durations.get(stage, 1.0)), max_delay)
        ev = interrupted_run(cmd, out, stage, totals, duration, rng)
        events.append(ev)
        print(f"  {name}: target {stage:<14} killed in {ev['killed_in']:<14} after {ev['after']:6.1f} s "
              f"({ev.get('tasks_done', '')})", flush=True)
    t1 = time.monotonic()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if res.returncode != 0:
        raise RuntimeError(f"resumed {name} run failed: {res.stderr.decode()[-3000:]}")
    resume_s = time.monotonic() - t1
    report = json.loads((out / "report.json").read_text())
    same = output_digest(out) == output_digest(clean)
    ids = article_ids(out)
    clean_ids = article_ids(clean)
    leftovers = len(list((out / "work").rglob("*.tmp-*")))
    result = {
        "events": events, "identical": same,
        "accounting_equal": report["accounting"] == clean_report["accounting"],
        "articles_equal": report["articles"] == clean_report["articles"],
        "documents": report["accounting"]["documents"], "ids": len(ids), "unique_ids": len(set(ids)),
        "ids_equal": ids == clean_ids, "kill_phase_s": round(t1 - t0, 1), "resume_s": round(resume_s, 1),
        "tmp_leftovers": leftovers,
    }
    print(f"  {name}: identical={same} documents={result['documents']:,} ids={len(ids):,} "
          f"unique={len(set(ids)):,} resume {resume_s:.1f} s", flush=True)
    return result


def render(size: int, results: dict[str, Any], clean_s: float, options: str = "") -> str:
    """The markdown section."""
    lines = ["## Resuming after kill -9", "", machine_line(["ray"]), "",
             f"Command: `python benchmarks/resume_bench.py ../shared/benchmarks --size {size}{options}`. "
             f"{size:,} generated articles (the pipeline benchmark's corpus and config), 2 workers; an "
             f"uninterrupted local run took {clean_s:,.0f} s. Each executor's output directory went through "
             "the kills below (SIGKILL to the whole process group at a random point of a random stage), then "
             "one run resumed it to the end.", ""]
    rows = []
    for name, r in results.items():
        for i, ev in enumerate(r["events"], 1):
            rows.append([name, i, ev["target"], ev["killed_in"], ev.get("tasks_done", ""), f"{ev['after']:.1f}"])
    lines += [table(["executor", "kill", "target stage", "killed in", "tasks of that stage done",
                     "s after start"], rows), ""]
    rows = [[name, "yes" if r["identical"] else "**no**", "yes" if r["accounting_equal"] else "**no**",
             f"{r['documents']:,}", f"{r['ids']:,}", f"{r['unique_ids']:,}", "yes" if r["ids_equal"] else "**no**",
             f"{r['resume_s']:.0f}", r["tmp_leftovers"]] for name, r in results.items()]
    lines += [table(["executor", "output byte-identical", "accounting equal", "documents", "articles",
                     "unique ids", "same ids, same order", "resume run s", "stale temp files"], rows)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--executors", default="local,ray")
    ap.add_argument("--kills", type=int, default=4, help="interrupted runs per executor")
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--max-delay", type=float, default=300.0,
                    help="latest kill, in seconds after the target stage starts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/newscorpus-pipeline-bench")
    ap.add_argument("--clean", help="reuse this uninterrupted run (same corpus, config and shards) as the reference")
    ap.add_argument("--no-write", dest="write", action="store_false")
    args = ap.parse_args(argv)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    corpus = make_corpus(args.size, workdir, args.benchmarks)
    if args.clean:
        # An uninterrupted run made earlier with the same config (pipeline_bench.py --keep).
        clean = Path(args.clean).resolve()
        clean_report = json.loads((clean / "report.json").read_text())
        want = pipeline_config("local", 2, args.shards)
        got = {k: clean_report["config"][k] for k in ("dedup", "export")}
        if clean_report["execution"]["shards"] != args.shards or any(
                got[k][f] != v for k in ("dedup", "export") for f, v in want[k].items()):
            sys.exit(f"{clean} was not made with this benchmark's config and {args.shards} shards")
        clean_s = sum(clean_report["timings_seconds"].values())
    else:
        clean = workdir / "resume-clean"
        shutil.rmtree(clean, ignore_errors=True)
        cfg = workdir / "resume-clean.yaml"
        cfg.write_text(json.dumps(pipeline_config("local", 2, args.shards)))
        t0 = time.monotonic()
        subprocess.run(command(corpus, clean, cfg), check=True, stdout=subprocess.DEVNULL)
        clean_s = time.monotonic() - t0
        clean_report = json.loads((clean / "report.json").read_text())
    counts = task_counts(clean)
    totals = {s: counts[s] for s in STAGE_ORDER if counts[s]}
    print(f"clean run: {clean_s:.1f} s, tasks {totals}", flush=True)
    from newscorpus.plugins import get_registry

    available = get_registry().names("executor")
    results = {}
    for name in args.executors.split(","):
        if name not in available:
            print(f"skipping executor {name!r}: not installed")
            continue
        results[name] = run_executor(name, corpus, workdir, clean, clean_report, totals, args.kills,
                                     args.shards, rng, args.max_delay)
    options = "".join(f" --{k.replace('_', '-')} {getattr(args, k)}" for k, d in
                      (("executors", "local,ray"), ("kills", 4), ("shards", 16), ("seed", 1), ("max_delay", 300.0))
                      if getattr(args, k) != d)
    if args.clean:
        options += " --clean OUT"  # the uninterrupted run of pipeline_bench.py --keep
    md = render(args.size, results, clean_s, options)
    print()
    print(md)
    if args.write:
        print(f"\nwrote {write_section('resume', md)}")
    if not all(r["identical"] and r["unique_ids"] == r["ids"] and r["ids_equal"] for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
