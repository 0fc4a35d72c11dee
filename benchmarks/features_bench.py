"""Event features (``events.analysis.analyse``), measured: CPU per article of a
base commit and of the working tree in the same run, and whether their output is
the same.

    python benchmarks/features_bench.py [BENCHMARKS] --base c6ffca4 [--articles 1500] [--timed 400] [--passes 5]

* **Articles.** ``--articles`` records of ``benchmarks/corpusgen.py`` (trigram
  news text trained on BBC News and IndoSum from ``BENCHMARKS``; outlets with
  datelines and footers; planted copies) run through the default cleaning
  (``newscorpus.api.clean``: parser, cleaners, language id), so ``analyse`` sees
  what a run hands it; plus every ECB+ document and every SemEval-2022 Task 8
  article (test and training files) as ``benchmarks/events_bench.py`` reads them,
  when ``BENCHMARKS`` holds them.
* **Old and new.** ``--base`` is checked out as a read-only git worktree outside
  the repository (removed at the end) and each version runs in its own
  subprocess (``PYTHONPATH`` = its ``src``) on the same articles; the two run at
  the same time, so that both see the same load of a shared machine.
* **Measured.** CPU time (``time.process_time``) per article, median of
  ``--passes`` passes over the first ``--timed`` articles of each set, three ways: ``analyse`` as a run calls
  it; ``analyse`` with the entity reader's answers looked up from a table filled
  beforehand (what the features cost *without* the entity reader,
  ``newscorpus.entities.read_entities``, which is measured apart); and the entity
  reader alone on the same texts. Before every pass each per-word cache
  (``functools.lru_cache`` with a size bound) of the events modules is emptied, so
  every pass pays the cache misses one pass over a corpus pays.
* **Same output.** ``Analysis.to_data()`` of every article (all of each set, not
  only the timed ones), old against new.

Writes the ``events-features`` section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, ROOT, machine_line, table, write_section

COMMAND = "python benchmarks/features_bench.py ../shared/benchmarks --base c6ffca4"
SEED = 3


# -- the articles -----------------------------------------------------------------------------
def corpus_articles(n: int, benchmarks: Path) -> list[dict[str, Any]]:
    """``n`` corpusgen records, cleaned as a run cleans them, as Article dicts."""
    import corpusgen

    from newscorpus import api
    from newscorpus.serialize import article_to_dict

    bench = benchmarks if benchmarks.is_dir() else None
    records = list(corpusgen.generate(n, seed=SEED, benchmarks=bench))
    for r in records:
        r.pop("language", None)  # language id runs, as in a run on a dump without one
    return [article_to_dict(a) for a in api.clean(records)]


def benchmark_articles(benchmarks: Path) -> dict[str, list[dict[str, Any]]]:
    """ECB+ and SemEval articles as events_bench reads them (empty when absent)."""
    import csv
    import gzip

    import events_bench

    from newscorpus.serialize import article_to_dict

    out: dict[str, list[dict[str, Any]]] = {}
    if (benchmarks / "ecbplus-event-clusters").is_dir():
        articles, _gold, _topic = events_bench.load_ecbplus(benchmarks)
        out["ECB+"] = [article_to_dict(a) for a in articles]
    folder = benchmarks / "semeval2022-task8-hfl-sample"
    if folder.is_dir():
        csv.field_size_limit(1 << 30)
        seen: dict[str, dict[str, Any]] = {}
        for name in ("testing_set.csv.gz", "training_set.csv.gz"):
            with gzip.open(folder / name, "rt", encoding="utf-8") as fh:
                for r in csv.DictReader(fh):
                    a, b = r["pair_id"].split("_")
                    for aid, text, lang in ((a, r["text1"], r["lang1"]), (b, r["text2"], r["lang2"])):
                        if aid not in seen:
                            seen[aid] = article_to_dict(events_bench._semeval_article(aid, text, lang))
        out["SemEval"] = list(seen.values())
    return out


# -- one version, in its own process -----------------------------------------------------------
def _clear_word_caches() -> None:
    """Empty the bounded per-word caches of the events modules (setup tables such
    as the gazetteer stay: a run loads them once per process)."""
    import newscorpus.events.analysis
    import newscorpus.events.dates
    import newscorpus.events.places

    for module in (newscorpus.events.analysis, newscorpus.events.dates, newscorpus.events.places):
        for value in vars(module).values():
            params = getattr(value, "cache_parameters", None)
            if params is not None and params()["maxsize"] is not None:
                value.cache_clear()


def _passes(run: Callable[[], None], passes: int) -> float:
    times = []
    for _ in range(passes):
        _clear_word_caches()
        t0 = time.process_time()
        run()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def worker(path: Path, passes: int, timed: int) -> dict[str, Any]:
    """Measure the ``newscorpus`` this process imports on the articles in ``path``:
    output hashes of all, CPU time on the first ``timed`` of each set."""
    import newscorpus
    import newscorpus.events.analysis as analysis
    from newscorpus.serialize import article_from_dict

    sets: dict[str, list[Any]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            sets.setdefault(row["set"], []).append(article_from_dict(row["article"]))
    real = analysis.read_entities  # type: ignore[attr-defined]
    calls: dict[tuple[str, str | None], Any] = {}
    calls_by_article: dict[str, list[tuple[str, str | None]]] = {}
    current: list[tuple[str, str | None]] = []

    def recording(text: str, lang: str | None = None) -> Any:
        calls[(text, lang)] = found = real(text, lang)
        current.append((text, lang))
        return found

    out: dict[str, Any] = {"module": newscorpus.__file__, "sets": {}}
    for name, articles in sets.items():
        analysis.read_entities = recording  # type: ignore[attr-defined,assignment]
        hashes = {}
        for a in articles:
            current.clear()
            data = json.dumps(analysis.analyse(a).to_data(), sort_keys=True, ensure_ascii=False)
            hashes[a.id] = hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]
            calls_by_article[a.id] = list(current)
        analysis.read_entities = real  # type: ignore[attr-defined]

        sample = articles[:timed]

        def full(articles: list[Any] = sample) -> None:
            for a in articles:
                analysis.analyse(a)

        ids = {a.id for a in sample}
        sample_calls = tuple((text, lang) for a in sample for text, lang in calls_by_article[a.id])

        def reader(inputs: tuple[tuple[str, str | None], ...] = sample_calls) -> None:
            for text, lang in inputs:
                real(text, lang)

        t_full = _passes(full, passes)
        analysis.read_entities = lambda text, lang=None: calls[(text, lang)]  # type: ignore[attr-defined,assignment]
        t_rest = _passes(full, passes)
        analysis.read_entities = real  # type: ignore[attr-defined]
        t_reader = _passes(reader, passes)
        n = len(sample)
        assert len(ids) == n, "article ids repeat"
        out["sets"][name] = {
            "articles": len(articles),
            "timed": n,
            "chars": sum(len(a.title) + sum(map(len, a.body)) for a in sample) / n,
            "full_us": t_full / n * 1e6,
            "without_reader_us": t_rest / n * 1e6,
            "reader_us": t_reader / n * 1e6,
            "hashes": hashes,
        }
        calls.clear()
        calls_by_article.clear()
    return out


def run_versions(srcs: Sequence[Path], articles_file: Path, passes: int, timed: int) -> list[dict[str, Any]]:
    """Run :func:`worker` once per ``src`` (first on the path), all at the same
    time, so that every version runs under the same load of a shared machine."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(articles_file), "--passes", str(passes),
             "--timed", str(timed)],
            env={**os.environ, "PYTHONPATH": str(src)}, stdout=subprocess.PIPE, text=True,
        )
        for src in srcs
    ]
    results = []
    for src, proc in zip(srcs, procs, strict=True):
        stdout, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"{src}: the worker failed ({proc.returncode})")
        result: dict[str, Any] = json.loads(stdout)
        if not Path(result["module"]).resolve().is_relative_to(src.resolve()):
            raise RuntimeError(f"{src}: the subprocess imported {result['module']}")
        results.append(result)
    return results


@contextlib.contextmanager
def base_worktree(commit: str) -> Iterator[Path]:
    """A detached, read-only worktree of ``commit`` outside the repository."""
    path = Path(tempfile.mkdtemp(prefix="features-base-"))
    path.rmdir()
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit],
                   check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                       check=True, capture_output=True)


# -- report -------------------------------------------------------------------------------------
def report(old: dict[str, Any], new: dict[str, Any], base: str, passes: int) -> str:
    """The markdown section."""
    rows = []
    for name, o in old["sets"].items():
        n_ = new["sets"][name]
        same = sum(o["hashes"][k] == n_["hashes"].get(k) for k in o["hashes"])
        rows.append([
            name, f"{o['timed']:,} of {o['articles']:,}", f"{o['chars']:,.0f}",
            f"{o['without_reader_us']:,.0f} → {n_['without_reader_us']:,.0f}",
            f"{o['without_reader_us'] / n_['without_reader_us']:.1f}x",
            f"{o['reader_us']:,.0f} → {n_['reader_us']:,.0f}",
            f"{o['full_us']:,.0f} → {n_['full_us']:,.0f}",
            f"{o['full_us'] / n_['full_us']:.1f}x",
            f"{same:,} / {o['articles']:,}",
        ])
    md = "\n\n".join([
        "## Event features",
        machine_line(["babel", "anyascii", "stopwordsiso"]),
        f"Reproduce: `{COMMAND}`. CPU time (`time.process_time`) per article of "
        "`newscorpus.events.analysis.analyse`, median of "
        f"{passes} passes, base commit `{base}` (old) and the working tree (new), each in its own process, both "
        "at the same time; the per-word caches are emptied before every pass. *Without the reader*: the entity "
        "reader's answers looked up from a table; *reader*: `read_entities` alone on the same texts "
        "(its own module, not part of this change). *Same output*: articles whose `Analysis.to_data()` is "
        "identical, old and new. corpusgen articles are cleaned by `newscorpus.api.clean` first.",
        table(["articles", "timed", "chars/article", "µs without reader, old → new", "speed-up",
               "µs reader, old → new", "µs total, old → new", "speed-up", "same output"], rows),
    ])
    return md


def main(argv: Sequence[str] | None = None) -> None:
    """Build the articles, run both versions, print and write the section."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--base", default="c6ffca4", help="git commit measured as the old version")
    ap.add_argument("--articles", type=int, default=1500, help="corpusgen records")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--timed", type=int, default=400, help="articles of each set timed (all are compared)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(Path(args.worker), args.passes, args.timed)))
        return
    root = Path(args.benchmarks)
    sets = {"corpusgen": corpus_articles(args.articles, root), **benchmark_articles(root)}
    with tempfile.TemporaryDirectory(prefix="features-bench-") as tmp:
        articles_file = Path(tmp) / "articles.jsonl"
        with open(articles_file, "w", encoding="utf-8") as fh:
            for name, articles in sets.items():
                for a in articles:
                    fh.write(json.dumps({"set": name, "article": a}, ensure_ascii=False) + "\n")
        with base_worktree(args.base) as base:
            old, new = run_versions([base / "src", ROOT / "src"], articles_file, args.passes, args.timed)
    md = report(old, new, args.base, args.passes)
    print(md)
    differing = {name: [k for k, h in o["hashes"].items() if new["sets"][name]["hashes"].get(k) != h][:10]
                 for name, o in old["sets"].items()}
    print(json.dumps({"differing (first 10)": differing}, indent=1))
    if not args.no_write:
        write_section("events-features", md)


if __name__ == "__main__":
    main()
