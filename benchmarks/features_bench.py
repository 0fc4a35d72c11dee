"""Event features (``events.analysis.analyse``), measured old against new in one run:
CPU per article by article length, whether the output changed, and what the
lead-only features (:data:`~newscorpus.events.analysis.LEAD_CHARS`) do to quality.

    python benchmarks/features_bench.py [BENCHMARKS] --base-src ../wt-b26/src [--articles 2000] [--timed 300]
        [--passes 5] [--leads 600,1200,2000,full] [--no-quality] [--no-write]

* **Articles.** ``--articles`` records of ``benchmarks/corpusgen.py`` (trigram
  news text trained on BBC News and IndoSum from ``BENCHMARKS``; outlets with
  datelines and footers; planted copies) run through the default cleaning
  (``newscorpus.api.clean``: parser, cleaners, language id), so ``analyse`` sees
  what a run hands it, split into sets by length (title and body characters);
  plus every ECB+ document and every SemEval-2022 Task 8 article (test and
  training files) as ``benchmarks/events_bench.py`` reads them, when
  ``BENCHMARKS`` holds them.
* **Old and new.** ``--base-src`` is the ``src`` folder of a checkout of the old
  commit (or ``--base COMMIT``: a read-only git worktree outside the repository,
  removed at the end); each version runs in its own subprocess (``PYTHONPATH`` =
  its ``src``) on the same articles, the two CPU workers at the same time, so
  that both see the same load of a shared machine.
* **CPU.** CPU time (``time.process_time``) per article, median of ``--passes``
  passes over the first ``--timed`` articles of each set, three ways: ``analyse``
  as a run calls it; ``analyse`` with the entity reader's answers looked up from a
  table filled beforehand (what the features cost *without* the entity reader,
  ``newscorpus.entities.read_entities``); and the entity reader alone on the texts
  ``analyse`` gave it. Before every pass each per-word cache (``functools.lru_cache``
  with a size bound) of the events modules is emptied, so every pass pays the
  cache misses one pass over a corpus pays.
* **Same output.** ``Analysis.to_data()`` of every article (all of each set, not
  only the timed ones) without its version field, old against new.
* **Quality** (unless ``--no-quality``), old and new at each lead length of
  ``--leads`` (``full``: the whole body), the default builder built on each
  version's features: ECB+ B³ and pair F1 (982 articles, no dates); SemEval-2022
  Task 8 test file, Spearman ρ of the builder's pair similarity with the negated
  human score (all, same-language, cross-lingual pairs); the trap set of
  ``benchmarks/events_traps.py`` (same-storyline pairs merged, pair F1, the tune
  and the BLIND half); ``events_bench.synthetic_corpus`` (2,000 articles) B³ F1.
  A lead length other than the default is set by calling ``analyse`` with
  ``lead_chars`` from the builder (the builder has no option for it).

Writes the ``events-features`` section of ``docs/performance.md`` (CPU) and the
``events-lead`` section of ``docs/events.md`` (quality).
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

COMMAND = "python benchmarks/features_bench.py ../shared/benchmarks --base-src ../wt-b26/src"
SEED = 3
#: Upper ends of the corpusgen length sets (title and body characters).
LENGTHS = (1000, 2000, 4000)


# -- the articles -----------------------------------------------------------------------------
def corpus_articles(n: int, benchmarks: Path) -> dict[str, list[dict[str, Any]]]:
    """``n`` corpusgen records, cleaned as a run cleans them, as Article dicts,
    in sets by length (:data:`LENGTHS`)."""
    import corpusgen

    from newscorpus import api
    from newscorpus.serialize import article_to_dict

    bench = benchmarks if benchmarks.is_dir() else None
    records = list(corpusgen.generate(n, seed=SEED, benchmarks=bench))
    for r in records:
        r.pop("language", None)  # language id runs, as in a run on a dump without one
    names = [f"corpusgen < {b:,} chars" for b in LENGTHS] + [f"corpusgen ≥ {LENGTHS[-1]:,} chars"]
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for a in api.clean(records):
        chars = len(a.title) + sum(map(len, a.body))
        out[names[sum(chars >= b for b in LENGTHS)]].append(article_to_dict(a))
    return out


def _semeval_articles(benchmarks: Path, files: Sequence[str]) -> list[Any]:
    import csv
    import gzip

    import events_bench

    csv.field_size_limit(1 << 30)
    seen: dict[str, Any] = {}
    for name in files:
        with gzip.open(benchmarks / "semeval2022-task8-hfl-sample" / name, "rt", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                a, b = r["pair_id"].split("_")
                for aid, text, lang in ((a, r["text1"], r["lang1"]), (b, r["text2"], r["lang2"])):
                    if aid not in seen:
                        seen[aid] = events_bench._semeval_article(aid, text, lang)
    return list(seen.values())


def benchmark_articles(benchmarks: Path) -> dict[str, list[dict[str, Any]]]:
    """ECB+ and SemEval articles as events_bench reads them (empty when absent)."""
    import events_bench

    from newscorpus.serialize import article_to_dict

    out: dict[str, list[dict[str, Any]]] = {}
    if (benchmarks / "ecbplus-event-clusters").is_dir():
        articles, _gold, _topic = events_bench.load_ecbplus(benchmarks)
        out["ECB+"] = [article_to_dict(a) for a in articles]
    if (benchmarks / "semeval2022-task8-hfl-sample").is_dir():
        files = ("testing_set.csv.gz", "training_set.csv.gz")
        out["SemEval"] = [article_to_dict(a) for a in _semeval_articles(benchmarks, files)]
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


def _digest(data: dict[str, Any]) -> str:
    # The version field left out: a bumped FEATURES_VERSION alone is no change of content.
    data = {k: v for k, v in data.items() if k != "v"}
    return hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def worker(path: Path, passes: int, timed: int, lead_only: bool = False) -> dict[str, Any]:
    """Measure the ``newscorpus`` this process imports on the articles in ``path``:
    output hashes of all, CPU time on the first ``timed`` of each set;
    ``lead_only``: without the pass over the body past the lead."""
    import functools

    import newscorpus
    import newscorpus.events.analysis as analysis
    from newscorpus.serialize import article_from_dict

    if lead_only:
        analysis.analyse = functools.partial(analysis.analyse, read_tail=False)  # type: ignore[assignment]

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

    analysis.analyse(sets[next(iter(sets))][0])  # warm-up: model load and kernel compile are not per article
    out: dict[str, Any] = {"module": newscorpus.__file__, "sets": {}}
    for name, articles in sets.items():
        analysis.read_entities = recording  # type: ignore[attr-defined,assignment]
        hashes = {}
        for a in articles:
            current.clear()
            hashes[a.id] = _digest(analysis.analyse(a).to_data())
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


def quality_worker(benchmarks: Path, lead: str) -> dict[str, Any]:
    """Quality figures of the ``newscorpus`` this process imports; ``lead`` is a
    lead length in characters (``1200``: the lead alone; ``1200+rest``: and the
    cheap pass over the rest), ``full`` (the whole body) or ``default`` (what
    ``analyse`` does unasked, the only choice for a version without the cut)."""
    import functools

    import events_bench
    import events_traps

    import newscorpus
    import newscorpus.events.default as default
    from newscorpus.events.analysis import analyse
    from newscorpus.events.default import DefaultEventBuilder

    if lead != "default":
        chars, _plus, rest = lead.partition("+")
        default.analyse = functools.partial(  # type: ignore[attr-defined,assignment]
            analyse, lead_chars=None if chars == "full" else int(chars), read_tail=bool(rest)
        )
    out: dict[str, Any] = {"module": newscorpus.__file__, "lead": lead}
    if (benchmarks / "ecbplus-event-clusters").is_dir():
        articles, gold, _topic = events_bench.load_ecbplus(benchmarks)
        pred, _tf, _tb = events_bench.run_builder(DefaultEventBuilder(), articles)
        out["ecb_b3"] = events_bench.bcubed(pred, gold)
        out["ecb_pair"] = events_bench.pairwise(pred, gold)
    folder = benchmarks / "semeval2022-task8-hfl-sample"
    if folder.is_dir():
        res = events_bench.semeval_scores(folder / "testing_set.csv.gz", DefaultEventBuilder())
        out["semeval"] = {k: rho for k, (_n, rho) in res.items()}
    for split in ("tune", "blind"):
        articles, event, storyline = events_traps.load(split)
        pred, _secs = events_traps.build(articles, {})
        s = events_traps.score(pred, event, storyline)
        out[f"traps_{split}"] = {k: s[k] for k in ("f1", "traps", "traps_merged", "same", "same_split")}
    articles, gold = events_bench.synthetic_corpus(2000)
    pred, _tf, _tb = events_bench.run_builder(DefaultEventBuilder(), articles)
    out["synthetic_b3"] = events_bench.bcubed(pred, gold)
    return out


def _check_module(src: Path, module: str) -> None:
    if not Path(module).resolve().is_relative_to(src.resolve()):
        raise RuntimeError(f"{src}: the subprocess imported {module}")


def _spawn(src: Path, args: Sequence[str]) -> subprocess.Popen[str]:
    """This script run with ``args`` in a child process whose ``newscorpus`` is ``src``'s."""
    return subprocess.Popen(
        [sys.executable, __file__, *args], env={**os.environ, "PYTHONPATH": str(src)}, stdout=subprocess.PIPE, text=True
    )


def _result(src: Path, proc: subprocess.Popen[str], what: str) -> dict[str, Any]:
    """The JSON a child printed, checked to come from ``src``'s code."""
    stdout, _ = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{what}: the worker failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(stdout)
    _check_module(src, result["module"])
    return result


def run_versions(
    srcs: Sequence[tuple[Path, bool]], articles_file: Path, passes: int, timed: int
) -> list[dict[str, Any]]:
    """Run :func:`worker` once per (``src``, lead only), ``src`` first on the path,
    all at the same time, so that every version runs under the same load of a
    shared machine."""
    procs = [
        _spawn(src, ["--worker", str(articles_file), "--passes", str(passes), "--timed", str(timed),
                     *(["--lead-only"] if lead_only else [])])
        for src, lead_only in srcs
    ]
    return [_result(src, proc, str(src)) for (src, _lead_only), proc in zip(srcs, procs, strict=True)]


def run_quality(runs: Sequence[tuple[Path, str]], benchmarks: Path, parallel: int = 2) -> list[dict[str, Any]]:
    """Run :func:`quality_worker` for each (``src``, lead) pair, ``parallel`` at a time."""
    results: list[dict[str, Any]] = []
    for i in range(0, len(runs), parallel):
        batch = runs[i : i + parallel]
        procs = [_spawn(src, [str(benchmarks), "--quality-worker", lead]) for src, lead in batch]
        for (src, lead), proc in zip(batch, procs, strict=True):
            result = _result(src, proc, f"{src} (lead {lead})")
            results.append(result)
            print(json.dumps({k: v for k, v in result.items() if k != "module"}), flush=True)
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
def _code(base: str) -> str:
    """``base`` (``path, commit abc123`` or a commit) in code spans."""
    return "`" + base.replace(", commit ", "`, commit `") + "`"


def report(
    old: dict[str, Any], new: dict[str, Any], lead_only: dict[str, Any], base: str, passes: int, command: str
) -> str:
    """The markdown section of CPU costs (``lead_only``: new without the pass past the lead)."""
    from newscorpus.events.analysis import LEAD_CHARS, TAIL_CHARS

    rows = []
    for name, o in old["sets"].items():
        n_ = new["sets"][name]
        same = sum(o["hashes"][k] == n_["hashes"].get(k) for k in o["hashes"])
        rows.append([
            name, f"{o['timed']:,} of {o['articles']:,}", f"{o['chars']:,.0f}",
            f"{o['without_reader_us']:,.0f} → {n_['without_reader_us']:,.0f}",
            f"{o['reader_us']:,.0f} → {n_['reader_us']:,.0f}",
            f"{o['full_us']:,.0f} → {n_['full_us']:,.0f}",
            f"{o['full_us'] / n_['full_us']:.1f}x",
            f"{lead_only['sets'][name]['full_us']:,.0f}",
            f"{same:,} / {o['articles']:,}",
        ])
    return "\n\n".join([
        "## Event features",
        machine_line(["babel", "anyascii", "stopwordsiso", "numba"]),
        f"Reproduce: `{command}`. CPU time (`time.process_time`) per article of "
        "`newscorpus.events.analysis.analyse`, median of "
        f"{passes} passes, {_code(base)} (old) and the working tree (new: features on the headline and a "
        f"{LEAD_CHARS:,}-character lead, terms and name keys from the next {TAIL_CHARS:,}), each in its own "
        "process, both at the same time; the per-word caches "
        "are emptied before every pass. *Without the reader*: the entity reader's answers looked up from a "
        "table; *reader*: `read_entities` alone on the texts `analyse` gave it. *Same output*: articles whose "
        "`Analysis.to_data()` (version field aside) is identical, old and new. *Lead only*: the new code without "
        "the pass over the next characters (`analyse(..., read_tail=False)`), a third process run at the same "
        "time. corpusgen articles are cleaned by `newscorpus.api.clean` first and split by length.",
        table(["articles", "timed", "chars/article", "µs without reader, old → new",
               "µs reader, old → new", "µs total, old → new", "cheaper", "µs total, lead only",
               "same output"], rows),
    ])


def _lead_label(lead: str) -> str:
    from newscorpus.events.analysis import LEAD_CHARS, TAIL_CHARS

    if lead == "full":
        return "whole body"
    chars, _plus, rest = lead.partition("+")
    label = f"lead {int(chars):,} chars"
    if not rest:
        return label + " only"
    label += f", next {TAIL_CHARS:,}: terms and name keys"
    return label + (" (**default**)" if int(chars) == LEAD_CHARS else "")


def quality_report(results: Sequence[tuple[str, dict[str, Any]]], command: str) -> str:
    """The markdown section of quality figures, one row per version and lead."""
    rows = []
    for label, r in results:
        tune, blind = r["traps_tune"], r["traps_blind"]
        ecb, sem = r.get("ecb_b3"), r.get("semeval")
        rows.append([
            label,
            f"{ecb[0]:.3f} / {ecb[1]:.3f} / {ecb[2]:.3f}" if ecb else "-",
            f"{r['ecb_pair'][2]:.3f}" if ecb else "-",
            f"{sem['all']:.3f} / {sem['same language']:.3f} / {sem['cross-lingual']:.3f}" if sem else "-",
            f"{tune['traps_merged']} / {tune['traps']}, {tune['f1']:.3f}",
            f"{blind['traps_merged']} / {blind['traps']}, {blind['f1']:.3f}",
            f"{r['synthetic_b3'][2]:.3f}",
        ])
    return "\n\n".join([
        machine_line(["babel", "anyascii", "stopwordsiso", "scipy"]),
        f"Reproduce: `{command}` (it also writes the `events-features` section of "
        f"[performance](performance.md)). Old: the code before the lead cut; new: the working tree, with the "
        "lead length of each row, default builder and parameters throughout. ECB+ and "
        "SemEval-2022 were seen while the builder was developed, so their figures are **not blind**; the trap "
        "set's tune half is **not blind** (rules set on it), its blind half is **BLIND** for the builder's "
        "rules but, like ECB+ and SemEval, was looked at to choose the lead length (trap articles are shorter "
        "than 500 characters: the cut never reaches them).",
        table(["features", "ECB+ B³ P / R / F1", "ECB+ pair F1", "SemEval test ρ all / same-language / "
               "cross-lingual", "traps tune: merged, pair F1", "traps BLIND: merged, pair F1",
               "synthetic B³ F1"], rows),
    ])


def main(argv: Sequence[str] | None = None) -> None:
    """Build the articles, run both versions, print and write the sections."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--base", help="git commit measured as the old version (a temporary worktree)")
    group.add_argument("--base-src", help="src folder of a checkout of the old version (left in place)")
    ap.add_argument("--articles", type=int, default=2000, help="corpusgen records")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--timed", type=int, default=300, help="articles of each set timed (all are compared)")
    ap.add_argument("--leads", default="1200+rest,600,1200,2000,full",
                    help="lead lengths measured for quality (N+rest: with the pass over the rest)")
    ap.add_argument("--no-quality", action="store_true", help="CPU and output only")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--lead-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--quality-worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = Path(args.benchmarks)
    if args.worker:
        print(json.dumps(worker(Path(args.worker), args.passes, args.timed, args.lead_only)))
        return
    if args.quality_worker:
        print(json.dumps(quality_worker(root, args.quality_worker)))
        return
    command = "python " + " ".join(["benchmarks/features_bench.py", *(argv if argv is not None else sys.argv[1:])])
    sets = {**corpus_articles(args.articles, root), **benchmark_articles(root)}
    with contextlib.ExitStack() as stack:
        if args.base_src:
            old_src = Path(args.base_src)
            sha = subprocess.run(["git", "-C", str(old_src), "rev-parse", "--short", "HEAD"],
                                 capture_output=True, text=True, check=False).stdout.strip()
            base = f"{args.base_src}, commit {sha}" if sha else args.base_src
        else:
            commit = args.base or "3b232df"
            old_src, base = stack.enter_context(base_worktree(commit)) / "src", commit
        quality: list[tuple[str, dict[str, Any]]] = []
        if not args.no_quality:
            leads = args.leads.split(",")
            runs = [(old_src, "default"), *((ROOT / "src", lead) for lead in leads)]
            results = run_quality(runs, root)
            quality = [(f"old ({_code(base)})", results[0])]
            quality += [(f"new, {_lead_label(lead)}", r)
                        for lead, r in zip(leads, results[1:], strict=True)]
        with tempfile.TemporaryDirectory(prefix="features-bench-") as tmp:
            articles_file = Path(tmp) / "articles.jsonl"
            with open(articles_file, "w", encoding="utf-8") as fh:
                for name, articles in sets.items():
                    for a in articles:
                        fh.write(json.dumps({"set": name, "article": a}, ensure_ascii=False) + "\n")
            old, new, lead_only = run_versions(
                [(old_src, False), (ROOT / "src", False), (ROOT / "src", True)], articles_file, args.passes, args.timed
            )
    md = report(old, new, lead_only, base, args.passes, command)
    print(md)
    if quality:
        qmd = quality_report(quality, command)
        print(qmd)
        if not args.no_write:
            write_section("events-lead", qmd, page="docs/events.md")
    if not args.no_write:
        write_section("events-features", md)


if __name__ == "__main__":
    main()
