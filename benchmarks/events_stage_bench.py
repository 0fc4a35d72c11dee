"""Time the pipeline's events stages alone, on the kept work directory of a run.

Usage::

    newscorpus run CORPUS -c CONFIG -o OUT --keep-work --no-progress -q
    python benchmarks/events_stage_bench.py OUT [OUT ...] --src ../old/src --src src --repeats 3

Each pass runs, with ``PYTHONPATH`` at one ``--src`` (the sides alternate, pass by
pass), every ``events*`` stage that src's pipeline plans for the run (``events-window``
when the run builds time windows, then ``events``), on the same feature files: a
stage of few tasks runs each task in a fresh process (so each has its own peak
memory), a stage of many tasks runs them in one. It prints each stage's wall and
CPU seconds (summed over its tasks) and the largest peak RSS of its processes,
then a digest of what the pass wrote (``events/events.jsonl`` and every membership
file) and the median of each side. Different digests on one directory mean the
sides built different events.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

_PLAN = """
import json, sys
from newscorpus.runtime import runtime_for
from newscorpus.stages.summary import stage_plan
rt = runtime_for(sys.argv[1])
print(json.dumps([[s, n] for s, n in stage_plan(rt) if s.startswith("events")]))
"""

_CHILD = """
import hashlib, json, os, resource, sys, time
from newscorpus.pipeline import STAGES
from newscorpus.runtime import runtime_for
run, stage, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rt = runtime_for(run)
_ = rt.event_builder
t0, c0 = time.perf_counter(), time.process_time()
stats = {}
for i in range(lo, hi):
    stats = STAGES[stage](rt, i)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {"wall": wall, "cpu": cpu, "rss": rss, "events": stats.get("events", 0)}
if stage == "events":
    ev = os.path.join(run, "work", "events")
    h = hashlib.sha256()
    for name in ["events.jsonl"] + sorted("membership/" + f for f in os.listdir(os.path.join(ev, "membership"))):
        with open(os.path.join(ev, name), "rb") as fh:
            h.update(fh.read())
    out["digest"] = h.hexdigest()[:16]
print(json.dumps(out))
"""

#: A stage with at most this many tasks runs each in its own process.
FEW_TASKS = 8


def _child(code: str, args: Sequence[str], src: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.path.abspath(src)}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} with {src} failed:\n{out.stderr.strip()}")
    return out.stdout.strip().splitlines()[-1]


def one_pass(run_dir: str, src: str) -> dict[str, Any]:
    """One timed pass over the ``events*`` stages with ``src`` first on the path:
    ``stages`` (per stage, in run order: wall and CPU seconds summed over its tasks,
    the largest peak RSS in MiB), the number of events ``built`` and the ``digest``."""
    res: dict[str, Any] = {"stages": {}}
    for stage, n in json.loads(_child(_PLAN, [run_dir], src)):
        groups = [(i, i + 1) for i in range(n)] if n <= FEW_TASKS else [(0, n)]
        wall = cpu = rss = 0.0
        for lo, hi in groups:
            part = json.loads(_child(_CHILD, [run_dir, stage, str(lo), str(hi)], src))
            wall, cpu, rss = wall + part["wall"], cpu + part["cpu"], max(rss, part["rss"])
            if "digest" in part:
                res["digest"], res["built"] = part["digest"], part["events"]
        res["stages"][stage] = {"wall": wall, "cpu": cpu, "rss": rss}
    return res


def _line(stages: dict[str, dict[str, float]]) -> str:
    return "; ".join(f"{k}: wall {v['wall']:.2f} s, cpu {v['cpu']:.2f} s, peak RSS {v['rss']:,.0f} MiB"
                     for k, v in stages.items())


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="output directories of runs made with --keep-work")
    ap.add_argument("--src", action="append", required=True, help="a src directory to time (repeatable)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    for run_dir in args.runs:
        times: dict[str, list[dict[str, Any]]] = {src: [] for src in args.src}
        for rep in range(args.repeats):
            for src in args.src:
                res = one_pass(run_dir, src)
                times[src].append(res)
                load = os.getloadavg()[0]
                print(f"{run_dir} pass {rep + 1} {src}: {_line(res['stages'])}; {res['built']} events, "
                      f"digest {res['digest']}, load {load:.2f}", flush=True)
        for src, rows in times.items():
            median = {k: {m: statistics.median(r["stages"][k][m] for r in rows) for m in ("wall", "cpu", "rss")}
                      for k in rows[0]["stages"]}
            print(f"{run_dir} {src}: median {_line(median)}")
        digests = {str(r["digest"]) for rows in times.values() for r in rows}
        print(f"{run_dir}: {'same outputs' if len(digests) == 1 else 'DIFFERENT outputs: ' + ', '.join(digests)}")


if __name__ == "__main__":
    main()
