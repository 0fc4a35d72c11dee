"""Time the pipeline's ``events`` stage alone, on the kept work directory of a run.

Usage::

    newscorpus run CORPUS -c CONFIG -o OUT --keep-work --no-progress -q
    python benchmarks/events_stage_bench.py OUT [OUT ...] --src ../old/src --src src --repeats 3

Each pass runs ``run_events`` in a fresh process with ``PYTHONPATH`` at one
``--src`` (the sides alternate, pass by pass), on the same feature files; it prints
the stage's wall and CPU seconds and a digest of what the stage wrote
(``events/events.jsonl`` and every membership file), then the median of each side.
Different digests on one directory mean the sides built different events.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence

_CHILD = """
import hashlib, json, os, sys, time
from newscorpus.runtime import runtime_for
from newscorpus.stages.events import run_events
run = sys.argv[1]
rt = runtime_for(run)
_ = rt.event_builder
t0, c0 = time.perf_counter(), time.process_time()
stats = run_events(rt)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
ev = os.path.join(run, "work", "events")
h = hashlib.sha256()
for name in ["events.jsonl"] + sorted("membership/" + f for f in os.listdir(os.path.join(ev, "membership"))):
    with open(os.path.join(ev, name), "rb") as fh:
        h.update(fh.read())
print(json.dumps({"wall": wall, "cpu": cpu, "events": stats.get("events", 0), "digest": h.hexdigest()[:16]}))
"""


def one_pass(run_dir: str, src: str) -> dict[str, float | str]:
    """One timed ``run_events`` in a fresh process with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": os.path.abspath(src)}
    out = subprocess.run([sys.executable, "-c", _CHILD, run_dir], env=env, check=True, capture_output=True, text=True)
    res: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    return res


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="output directories of runs made with --keep-work")
    ap.add_argument("--src", action="append", required=True, help="a src directory to time (repeatable)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    for run_dir in args.runs:
        times: dict[str, list[dict[str, float | str]]] = {src: [] for src in args.src}
        for rep in range(args.repeats):
            for src in args.src:
                res = one_pass(run_dir, src)
                times[src].append(res)
                load = os.getloadavg()[0]
                print(
                    f"{run_dir} pass {rep + 1} {src}: wall {res['wall']:.2f} s, cpu {res['cpu']:.2f} s, "
                    f"{res['events']} events, digest {res['digest']}, load {load:.2f}",
                    flush=True,
                )
        for src, rows in times.items():
            wall = statistics.median(float(r["wall"]) for r in rows)
            cpu = statistics.median(float(r["cpu"]) for r in rows)
            print(f"{run_dir} {src}: median wall {wall:.2f} s, cpu {cpu:.2f} s")
        digests = {str(r["digest"]) for rows in times.values() for r in rows}
        print(f"{run_dir}: {'same outputs' if len(digests) == 1 else 'DIFFERENT outputs: ' + ', '.join(digests)}")


if __name__ == "__main__":
    main()
