"""CPU cost per article of the safe JSON Lines writer and of the gazetteer cache load.

1. **Writer**: ``workdir.AtomicWriter.write_json`` (strict JSON, sanitising
   fall-back, temporary file, fsync, rename) against the bare
   ``json.dumps`` + ``write`` it replaced, on generated articles in the public
   schema (no benchmark text). Prints CPU microseconds per article for each.
2. **Gazetteer cache**: seconds to load the JSON cache in a fresh process
   (``NEWSCORPUS_CACHE_DIR`` set to a temporary folder; the first process builds it).

3. **Hand-offs** (``--handoffs``): old against new in the same run, each in its own
   process (``--baseline DIR`` is the ``src`` folder of a checkout of the base
   commit, e.g. ``git worktree add /tmp/base c6ffca4``): CPU per article to write
   (``AtomicWriter``, fsync at commit included) and to read (``iter_jsonl``) every
   JSON work file of a real run on a generated corpus (``corpusgen``; median of
   ``--rounds`` passes), work bytes written per article, start-up CPU of one worker
   (interpreter, imports, every component built), and the worker processes a
   2-worker run starts with the whole run's CPU. Writes the ``handoffs`` section of
   ``docs/performance.md``.

Usage: ``python benchmarks/writer_bench.py [--articles 20000] [--rounds 3]``, or
``python benchmarks/writer_bench.py --handoffs --baseline /tmp/base/src [--articles 2000] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section

from newscorpus.models import Article, Provenance
from newscorpus.serialize import article_to_dict
from newscorpus.workdir import AtomicWriter


def _article(i: int) -> dict[str, Any]:
    words = [f"w{(i * 7 + k) % 997}" for k in range(60)]
    body = tuple(" ".join(words[j:j + 20]) + "." for j in range(0, 60, 20))
    return article_to_dict(Article(id=f"a{i:08d}", provenance=Provenance("generated", i),
                                   title=" ".join(words[:8]), body=body, language="en",
                                   url=f"https://example.com/{i}"))


def _bare(path: Path, docs: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())


def _safe(path: Path, docs: list[dict[str, Any]]) -> None:
    w = AtomicWriter(path)
    for d in docs:
        w.write_json(d)
    w.commit()


#: Times the load alone (the module import, Babel included, is not the cache's cost).
_LOAD = ("import time; from newscorpus.events.places import gazetteer; t = time.perf_counter(); "
         "gazetteer(); print(time.perf_counter() - t)")


#: Run in a process of the version measured: CPU per article to write and to read
#: every JSON work file of a finished run (argv: work dir, articles, passes, scratch dir).
_HANDOFF = r"""
import glob, json, os, statistics, sys, time
from pathlib import Path
from newscorpus.workdir import AtomicWriter, iter_jsonl
work, n, passes, scratch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
files = sorted(glob.glob(os.path.join(work, "**", "*.jsonl"), recursive=True))
records = [[json.loads(line) for line in open(p, "rb") if line.strip()] for p in files]
write, read = [], []
for _ in range(passes):
    t = time.process_time()
    for i, recs in enumerate(records):
        w = AtomicWriter(scratch / f"{i}.jsonl")
        for r in recs:
            w.write_json(r)
        w.commit()
    write.append((time.process_time() - t) / n * 1e6)
    t = time.process_time()
    for p in files:
        for _r in iter_jsonl(Path(p)):
            pass
    read.append((time.process_time() - t) / n * 1e6)
same = all((scratch / f"{i}.jsonl").read_bytes() == Path(p).read_bytes() for i, p in enumerate(files))
print(json.dumps({"write": statistics.median(write), "read": statistics.median(read), "same_bytes": same}))
"""

#: Start-up of one worker: interpreter, imports and every component of the default config built.
_STARTUP = r"""
import resource, sys, tempfile
from pathlib import Path
from newscorpus.pipeline import Pipeline
from newscorpus.runtime import Runtime
p = Pipeline()
Runtime(p.config, Path(tempfile.gettempdir()), p.registry()).validate()
r = resource.getrusage(resource.RUSAGE_SELF)
print(r.ru_utime + r.ru_stime)
"""

#: A whole 2-worker run: worker processes started, CPU of the run (driver and workers).
_RUN = r"""
import json, resource, sys
import newscorpus.executors.local as local
from newscorpus.config import config_from_dict
from newscorpus.pipeline import Pipeline
started = []
class Counting(local.ProcessPoolExecutor):
    def __init__(self, max_workers=None, **kw):
        started.append(max_workers)
        super().__init__(max_workers=max_workers, **kw)
local.ProcessPoolExecutor = Counting
if __name__ == "__main__":
    cfg = config_from_dict({"execution": {"workers": 2, "shards": 4}})
    Pipeline(cfg).run([sys.argv[1]], sys.argv[2])
    cpu = sum(getattr(resource.getrusage(w), a) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for a in ("ru_utime", "ru_stime"))
    print(json.dumps({"pools": len(started), "processes": sum(started), "cpu": cpu}))
"""


def _run_py(code: str, src: str | None, *args: str) -> str:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(code)
    try:
        return subprocess.run([sys.executable, fh.name, *args], env=env, check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]
    finally:
        os.unlink(fh.name)


def handoffs(articles: int, rounds: int, baseline: str, benchmarks: str, write: bool) -> None:
    """Old against new hand-off costs in the same run (see the module docstring, 3.)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpusgen import generate, write_jsonl

    versions = {"before (base)": baseline, "after": None}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_jsonl(generate(articles, seed=1, benchmarks=benchmarks), corpus)
        results: dict[str, dict[str, Any]] = {}
        for name, src in versions.items():
            out = Path(tmp) / f"keep-{len(results)}"
            env = {**os.environ, **({"PYTHONPATH": src} if src else {})}
            subprocess.run([sys.executable, "-m", "newscorpus.cli", "run", str(corpus), "-o", str(out), "--workers",
                            "1", "--shards", "4", "--keep-work", "-q"], env=env, check=True)
            work = out / "work"
            nbytes = sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
            scratch = Path(tmp) / f"scratch-{len(results)}"
            scratch.mkdir()
            res = json.loads(_run_py(_HANDOFF, src, str(work), str(articles), str(rounds), str(scratch)))
            res["bytes"] = nbytes / articles
            res["startup"] = statistics.median(float(_run_py(_STARTUP, src)) for _ in range(3))
            res.update(json.loads(_run_py(_RUN, src, str(corpus), str(Path(tmp) / f"run-{len(results)}"))))
            res["startup_run"] = res["startup"] * res["processes"]
            results[name] = res
        for name, r in results.items():
            rows.append([name, f"{r['write']:.1f}", f"{r['read']:.1f}", f"{r['write'] + r['read']:.1f}",
                         f"{r['bytes'] / 1024:.1f}", f"{r['startup']:.2f}", f"{r['pools']} / {r['processes']}",
                         f"{r['startup_run']:.1f}", f"{r['cpu'] / articles * 1e3:.2f}",
                         "yes" if r["same_bytes"] else "NO"])
    headers = ["version", "write µs/article", "read µs/article", "hand-off µs/article", "work KB/article",
               "start-up CPU s/worker", "pools / processes (2 workers)", "worker start-up CPU s/run",
               "2-worker run CPU ms/article", "rewrite byte-identical"]
    text = table(headers, rows)
    print(text)
    if write:
        cmd = (f"python benchmarks/writer_bench.py --handoffs --baseline BASE/src --articles {articles} "
               f"--rounds {rounds}")
        md = (f"## Hand-offs and start-up (`benchmarks/writer_bench.py --handoffs`)\n\n"
              f"{machine_line(['msgspec'])}\n\n`{cmd}` (BASE: a worktree of c6ffca4). {articles:,} generated "
              "articles (corpusgen, seed 1), 4 shards. Write and read: every JSON work file of a finished "
              f"1-worker run (parse articles, features, signatures, edges, assignments, memberships, final, "
              f"events, duplicates, markers) written again with `AtomicWriter` (fsync at commit included) and "
              f"read with `iter_jsonl`, CPU time (`process_time`) per article, median of {rounds} passes, both "
              "versions in the same run; \"rewrite byte-identical\" says whether every rewritten file equals the "
              "run's own. Start-up: CPU of a fresh process that imports newscorpus and builds every component "
              "of the default config (median of 3). The 2-worker run: one run each, whole-run CPU of driver and "
              "workers (noisy on a shared machine; everything else in the pipeline is included).\n\n" + text)
        write_section("handoffs", md)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--handoffs", action="store_true", help="old against new hand-off costs (3.)")
    parser.add_argument("--baseline", help="src folder of a checkout of the base commit (with --handoffs)")
    parser.add_argument("--benchmarks", default=DEFAULT_BENCHMARKS)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md")
    args = parser.parse_args()
    if args.handoffs:
        if not args.baseline:
            parser.error("--handoffs needs --baseline")
        handoffs(args.articles, args.rounds, args.baseline, args.benchmarks, not args.no_write)
        return
    docs = [_article(i) for i in range(args.articles)]
    with tempfile.TemporaryDirectory() as tmp:
        best: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, fn in (("json.dumps + write", _bare), ("AtomicWriter.write_json", _safe)):
                t = time.process_time()
                fn(Path(tmp) / "out.jsonl", docs)
                us = (time.process_time() - t) / len(docs) * 1e6
                best[name] = min(best.get(name, us), us)
        for name, us in best.items():
            print(f"{name:<26} {us:6.2f} µs CPU per article (best of {args.rounds})")
        env = {**os.environ, "NEWSCORPUS_CACHE_DIR": str(Path(tmp) / "cache")}
        subprocess.run([sys.executable, "-c", _LOAD], env=env, check=True, capture_output=True)  # builds it
        loads = [float(subprocess.run([sys.executable, "-c", _LOAD], env=env, check=True, capture_output=True,
                                      text=True).stdout) for _ in range(args.rounds)]
        print(f"gazetteer cache load       {min(loads):6.3f} s (best of {args.rounds} fresh processes)")


if __name__ == "__main__":
    main()
