"""Corpus repetition on real crawls: what it cuts per source, and what it costs.

    python benchmarks/repetition_bench.py [BENCHMARKS_DIR] [--sample 20]

Runs the default pipeline (every cleaner, then corpus repetition) on
``malay-news/articles.jsonl`` and on IndoSum's dev folds (detokenised, one article
per unique id, ``source_url`` as the URL), then prints for each set: the lines
corpus repetition cut per source, each distinct cut line (by key) with how often it
was cut, and a random sample of cut lines to review by eye. Nothing is written to
the repository; the data stays where it is.

Cost: the in-memory count (:meth:`RepetitionCounts.add`) and apply
(:func:`apply_repetition`) are timed with ``time.process_time`` over the set's
final articles (3 repeats, best), in µs per article; the memory of the count is
the size of its file form and the ``tracemalloc`` peak of counting the whole set.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newscorpus import Pipeline, PipelineConfig
from newscorpus.cleaners import repetition as rep
from newscorpus.serialize import read_articles

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linedata import detokenize  # the quality benchmark's own detokeniser


def _indosum(base: Path) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for path in sorted((base / "indosum-dev-folds").glob("dev.*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] in seen:
                    continue
                seen.add(rec["id"])
                paras = [" ".join(detokenize(s) for s in para) for para in rec["paragraphs"]]
                yield {"id": rec["id"], "source": rec["source"], "url": rec["source_url"],
                       "text": "\n\n".join(paras), "language": "id"}


def _cost(arts: list[Any]) -> dict[str, float]:
    best_count = best_apply = float("inf")
    counts = rep.RepetitionCounts()
    for _ in range(3):
        t0 = time.process_time()
        counts = rep.RepetitionCounts()
        for a in arts:
            counts.add(a)
        best_count = min(best_count, time.process_time() - t0)
        repeated = rep.repeated_lines(counts)
        t0 = time.process_time()
        for a in arts:
            rep.apply_repetition(a, repeated)
        best_apply = min(best_apply, time.process_time() - t0)
    tracemalloc.start()
    again = rep.RepetitionCounts()
    for a in arts:
        again.add(a)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"count_us": 1e6 * best_count / len(arts), "apply_us": 1e6 * best_apply / len(arts),
            "file_bytes": len(counts.to_bytes()), "keys": sum(len(c) for c in counts.lines.values()),
            "count_peak_bytes": peak}


def run_set(name: str, src: Path, work: Path, sample: int, rng: random.Random) -> None:
    out = work / name
    report = Pipeline(PipelineConfig()).run([str(src)], out)
    arts = list(read_articles(out / "articles.jsonl"))
    by_source: collections.Counter[str] = collections.Counter()
    lines_by_source: collections.Counter[str] = collections.Counter()
    distinct: collections.Counter[tuple[str, int]] = collections.Counter()
    example: dict[tuple[str, int], str] = {}
    cut_texts: list[tuple[str, str]] = []
    for a in arts:
        src_name = rep.source_of(a) or "?"
        lines_by_source[src_name] += len(a.body) + sum(1 for r in a.removed if r.rule == rep.RULE)
        for r in a.removed:
            if r.rule == rep.RULE:
                by_source[src_name] += 1
                key = (src_name, rep.line_key(r.text))
                distinct[key] += 1
                example.setdefault(key, r.text)
                cut_texts.append((src_name, r.text))
    timings = report.data["timings_seconds"]
    print(f"## {name}: {len(arts)} articles, {sum(by_source.values())} lines cut by corpus repetition")
    print(f"stage seconds: repetition-count {timings.get('repetition-count')}, "
          f"repetition-table {timings.get('repetition-table')}, finalize {timings.get('finalize')}")
    for s, n in sorted(lines_by_source.items(), key=lambda kv: -kv[1]):
        print(f"  {s}: {by_source[s]} cut of {n} body lines")
    print("distinct cut lines (by key):")
    for (s, _k), n in distinct.most_common():
        print(f"  {n:5d}  {s}  {example[s, _k][:100]!r}")
    print(f"random sample of {min(sample, len(cut_texts))} cut lines:")
    for s, text in rng.sample(cut_texts, min(sample, len(cut_texts))):
        print(f"  {s}  {text[:120]!r}")
    cost = _cost(arts)
    print(f"cost: count {cost['count_us']:.1f} µs/article, apply {cost['apply_us']:.1f} µs/article; "
          f"{cost['keys']} keys, count file {cost['file_bytes']:,} bytes, "
          f"tracemalloc peak of counting {cost['count_peak_bytes'] / 2**20:.1f} MiB")
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("benchmarks", nargs="?", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"
                                                            / "benchmarks"))
    ap.add_argument("--sample", type=int, default=20)
    args = ap.parse_args(argv)
    base = Path(args.benchmarks)
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run_set("malay-news", base / "malay-news" / "articles.jsonl", work, args.sample, rng)
        indosum = work / "indosum.jsonl"
        with open(indosum, "w", encoding="utf-8") as fh:
            for rec in _indosum(base):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        run_set("indosum", indosum, work, args.sample, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
