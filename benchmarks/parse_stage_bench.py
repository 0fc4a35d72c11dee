"""CPU of the parse stage per article, old code against new, and whether their outputs are the same bytes.

    python benchmarks/parse_stage_bench.py CORPUS [CORPUS ...] --src OLD/src --src src [--passes 3]
        [--workdir DIR] [--workers 1] [--together]

Each pass runs ``newscorpus run CORPUS`` once per ``--src`` (one after another, the
first alternating between passes, or with ``--together`` all at once so that each
sees the same load of a shared machine; each in a fresh process with that ``src``
first on ``PYTHONPATH``), with the pipeline
benchmark's config (dedup ``exact`` + ``near``, the ``parquet`` exporter, 16 shards)
and ``--keep-work``. With ``--workers 1`` (the default) every stage runs in that one
process, so the CPU time (``time.process_time``) spent inside the parse stage's task
function is measured directly; the lazy loads of a worker's first parse task (entity
model, gazetteer, language model) are part of it, as a run pays them. Reported per
corpus and version: the median over passes of parse-stage CPU per article, of the
whole process's CPU per article (and of the process tree's, pool workers included),
and of the run's wall time and the parse stage's (``report.json``). With
``--workers 2`` the stages run in pool workers, so only the tree's CPU and the wall
times mean anything there.

Same output: after the passes, every exported file of the run (``report.json``
aside: it holds timings) and every file of ``work/events/features/`` are compared
byte for byte between the last run of each version.

Run ``--measure CORPUS OUT`` is the internal entry point of one measured run.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CONFIG: dict[str, Any] = {
    "execution": {"executor": "local", "workers": 1, "shards": 16},
    "dedup": {"methods": ["exact", "near"]},
    "export": {"exporters": ["parquet"]},
}


def _measure(corpus: str, out: str, workers: int) -> dict[str, Any]:
    """One run in this process; the parse stage's CPU seconds, the process's, the wall time."""
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    from newscorpus import pipeline
    from newscorpus.cli import main as cli_main

    spent = [0.0]
    real = pipeline.STAGES["parse"]

    def timed(rt: Any, shard: int) -> dict[str, Any]:
        t = time.process_time()
        try:
            return real(rt, shard)
        finally:
            spent[0] += time.process_time() - t

    pipeline.STAGES["parse"] = timed
    cfg = Path(out).parent / f"{Path(out).name}.yaml"
    config = dict(CONFIG, execution=dict(CONFIG["execution"], workers=workers))
    cfg.write_text(json.dumps(config))
    args = ["run", corpus, "-c", str(cfg), "-o", out, "--no-progress", "-q", "--keep-work"]
    try:
        cli_main(args, standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover - click's exit
        if exc.code:
            raise
    report = json.loads((Path(out) / "report.json").read_text())
    return {"parse_cpu": spent[0], "cpu": time.process_time() - t_cpu, "wall": time.perf_counter() - t_wall,
            "documents": report["accounting"]["documents"], "timings": report.get("timings_seconds", {})}


def _start(src: str, corpus: str, out: Path, workers: int) -> tuple[subprocess.Popen[str], Path]:
    shutil.rmtree(out, ignore_errors=True)  # a kept work directory would resume: nothing left to run
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(src).resolve()), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, __file__, "--measure", corpus, str(out), "--workers", str(workers)]
    # Output to files, not pipes: the process is waited for before anything is read.
    with open(f"{out}.stdout", "w") as so, open(f"{out}.stderr", "w") as se:
        proc = subprocess.Popen(cmd, env=env, stdout=so, stderr=se, text=True)
    return proc, out


def _finish(started: tuple[subprocess.Popen[str], Path]) -> dict[str, Any]:
    """The measured run's figures; ``tree_cpu``: its process tree's CPU (pool workers
    included when ``--workers`` > 1), from the rusage of the waited-for process."""
    proc, path = started
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = Path(f"{path}.stdout").read_text()
    if proc.returncode:
        err = Path(f"{path}.stderr").read_text()
        raise RuntimeError(f"measured run failed ({proc.returncode}): {err[-2000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["tree_cpu"] = usage.ru_utime + usage.ru_stime
    return result


def _runs(srcs: list[str], outs: list[Path], corpus: str, workers: int, together: bool) -> list[dict[str, Any]]:
    """One run per checkout: one after another, or all at once (``together``: each
    sees the same load from other jobs on a shared machine)."""
    if together:
        procs = [_start(src, corpus, out, workers) for src, out in zip(srcs, outs, strict=True)]
        return [_finish(p) for p in procs]
    return [_finish(_start(src, corpus, out, workers)) for src, out in zip(srcs, outs, strict=True)]


def _files(out: Path) -> list[Path]:
    exported = [p for p in out.iterdir() if p.is_file() and p.name != "report.json" and not p.name.startswith(".")]
    features = sorted((out / "work" / "events" / "features").glob("*"))
    return sorted(exported) + features


def same_output(a: Path, b: Path) -> tuple[bool, int, list[str]]:
    """Whether the two runs' exported and features files are the same bytes; files compared; differing."""
    fa, fb = _files(a), _files(b)
    names_a = [p.relative_to(a) for p in fa]
    names_b = [p.relative_to(b) for p in fb]
    if names_a != names_b:
        return False, len(fa), ["file lists differ"]
    bad = [str(n) for n, x, y in zip(names_a, fa, fb, strict=True) if not filecmp.cmp(x, y, shallow=False)]
    return not bad, len(fa), bad


def main(argv: list[str] | None = None) -> int:
    """Run the passes and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="*")
    ap.add_argument("--src", action="append", default=[], help="a checkout's src folder (give two)")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/parse-stage-bench")
    ap.add_argument("--together", action="store_true",
                    help="run the checkouts of a pass at the same time (each sees the same load)")
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure[0], args.measure[1], args.workers)))
        return 0
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    for corpus in args.corpora:
        runs: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(args.src))}
        for p in range(args.passes):
            order = list(range(len(args.src)))
            if p % 2:  # alternate which checkout starts first
                order.reverse()
            results = _runs([args.src[i] for i in order], [work / f"{Path(corpus).name}-v{i}" for i in order],
                            corpus, args.workers, args.together)
            for pos, i in enumerate(order):
                res = results[pos]
                src = args.src[i]
                runs[i].append(res)
                n = res["documents"]
                print(f"{Path(corpus).name} pass {p} v{i} ({src}): parse {res['parse_cpu'] / n * 1e3:.3f} ms/article "
                      f"CPU, process {res['cpu'] / n * 1e3:.3f} ms/article, process tree "
                      f"{res['tree_cpu'] / n * 1e3:.3f} ms/article, wall {res['wall']:.1f} s, stages (s) "
                      f"{json.dumps(res['timings'])}, load {os.getloadavg()[0]:.2f}", flush=True)
        for i, src in enumerate(args.src):
            n = runs[i][0]["documents"]
            parse = statistics.median(r["parse_cpu"] for r in runs[i]) / n * 1e3
            cpu = statistics.median(r["cpu"] for r in runs[i]) / n * 1e3
            tree = statistics.median(r["tree_cpu"] for r in runs[i]) / n * 1e3
            wall = statistics.median(r["wall"] for r in runs[i])
            stage = statistics.median(r["timings"].get("parse", 0.0) for r in runs[i])
            print(f"MEDIAN {Path(corpus).name} v{i} ({src}): {n} documents, parse {parse:.3f} ms/article CPU, "
                  f"process {cpu:.3f} ms/article CPU, process tree {tree:.3f} ms/article CPU, wall {wall:.1f} s, "
                  f"parse stage wall {stage:.1f} s")
        for i in range(1, len(args.src)):
            ok, count, bad = same_output(work / f"{Path(corpus).name}-v0", work / f"{Path(corpus).name}-v{i}")
            print(f"SAME {Path(corpus).name} v0 vs v{i}: {'yes' if ok else 'NO'} ({count} files compared) {bad[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
