"""CPU per article of each cleaner and of corpus repetition, old code against new in
the same run, with a check that both produce the same output.

    python benchmarks/cleaner_cost.py [BENCHMARKS_DIR] [--base REV] [--articles 3000] [--passes 5] [--no-write]

* **Articles.** ``benchmarks/corpusgen.py`` records (trigram text trained on BBC
  News and IndoSum when ``BENCHMARKS_DIR`` is there, outlets with their own
  datelines and footers), parsed by the ``record`` parser as the pipeline parses
  them, with their labelled language. Timings are on these. The equivalence check
  adds, when present, the articles ``cleaning_quality.py`` and
  ``repetition_bench.py`` read (labelled line sets, malay-news, IndoSum) and every
  generated article again with its language unknown (every pack runs).
* **Old vs new.** ``--base REV`` (default ``c6ffca4``) is checked out read-only in
  a temporary ``git worktree`` outside the repository; each side runs in its own
  subprocess (``PYTHONPATH`` set to its ``src``), so the start-up figure is cold.
  Each side cleans the same article file with the default cleaner chain, in
  batches of 256 as the parse stage does, ``--passes`` times (the paragraph memos
  cleared before each pass), then counts and applies corpus repetition. CPU is
  ``time.process_time`` per cleaner call, the median over passes, in µs per
  article.
* **Same output.** Each side writes a SHA-256 of every cleaned article's JSON
  form (body, removals with rule ids and reasons, flags) and of its repetition
  cuts; the script fails when any digest differs.
* **Start-up.** CPU of building the default cleaners and cleaning one article of
  each language (rule packs loaded and compiled, line model read), in the fresh
  subprocess.

Writes the ``cleaners`` section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, ROOT, machine_line, median, table, write_section

BATCH = 256
LANGUAGES = ("en", "id", "ms")


# -- the articles (parent, new code) ------------------------------------------------------------


def _record_article(rec: dict[str, Any], key: str) -> Any:
    from newscorpus.parsers.record import RecordParser
    from newscorpus.readers.base import RawDocument
    from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE

    doc = RawDocument(path="bench", record=key, key=key, reader="bench", media_type=RECORD_MEDIA_TYPE, fields=rec)
    return RecordParser().parse(doc, key)


def _generated(n: int, bench: Path) -> list[Any]:
    from corpusgen import generate

    out = []
    for rec in generate(n, seed=7, benchmarks=bench if bench.is_dir() else None):
        fields = {k: rec[k] for k in ("id", "title", "body", "language", "source", "published")}
        out.append(_record_article(fields, str(rec["id"])))
    return out


def _real(bench: Path) -> Iterator[Any]:
    """The articles of the quality and repetition benchmarks, when present."""
    import attrs

    from newscorpus.serialize import article_from_dict  # noqa: F401  (the same parser path below)

    try:
        from cleaning_quality import parse
        from linedata import available_sets, load_articles

        for labelled in load_articles(bench, available_sets(bench)):
            yield parse(labelled)[0]
    except (OSError, ValueError):
        pass
    malay = bench / "malay-news" / "articles.jsonl"
    if malay.is_file():
        with open(malay, encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                yield _record_article(json.loads(line), f"malay#{k}")
    indosum = sorted((bench / "indosum-dev-folds").glob("dev.*.jsonl.gz")) if bench.is_dir() else []
    if indosum:
        from repetition_bench import _indosum

        for rec in _indosum(bench):
            yield attrs.evolve(_record_article(rec, f"indosum#{rec['id']}"))


def _write_articles(path: Path, articles: Sequence[Any]) -> None:
    from newscorpus.serialize import article_to_dict

    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(article_to_dict(a), ensure_ascii=False, sort_keys=True) + "\n")


# -- one side (child process) ----------------------------------------------------------------------


def _child(path: str, passes: int, out: str) -> None:
    t0 = time.process_time()
    import attrs

    from newscorpus.cleaners import repetition as rep
    from newscorpus.cleaners.chain import default_cleaners
    from newscorpus.cleaners.rules import clear_memos
    from newscorpus.models import Article, Provenance
    from newscorpus.serialize import article_from_dict, article_to_dict

    t_import = time.process_time() - t0
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    articles = [article_from_dict(r) for r in rows]
    timed = [a for a, r in zip(articles, rows, strict=True) if r["extras"].get("timed")]
    t0 = time.process_time()
    cleaners = default_cleaners()
    for lang in (*LANGUAGES, None):
        probe = Article(id="probe", provenance=Provenance(path="probe"), title="Probe",
                        body=("Probe line one.", "Follow us on Twitter"), language=lang)
        for c in cleaners:
            probe = c.clean(probe)
    startup = time.process_time() - t0

    def run(items: Sequence[Any], clock: dict[str, float] | None) -> list[Any]:
        out_items: list[Any] = []
        for s in range(0, len(items), BATCH):
            batch = list(items[s : s + BATCH])
            for c in cleaners:
                t = time.process_time()
                batch = c.clean_batch(batch)
                if clock is not None:
                    clock[c.name] = clock.get(c.name, 0.0) + time.process_time() - t
            out_items += batch
        return out_items

    per_pass: list[dict[str, float]] = []
    for _ in range(passes):
        clear_memos()
        clock: dict[str, float] = {}
        cleaned = run(timed, clock)
        t = time.process_time()
        counts = rep.RepetitionCounts()
        for a in cleaned:
            counts.add(a)
        clock["repetition count"] = time.process_time() - t
        repeated = rep.repeated_lines(counts)
        t = time.process_time()
        for a in cleaned:
            rep.apply_repetition(a, repeated)
        clock["repetition apply"] = time.process_time() - t
        per_pass.append(clock)
    # The equivalence run: every article, then each timed one with no language.
    clear_memos()
    everything = run(articles, None) + run([attrs.evolve(a, language=None) for a in timed], None)
    counts = rep.RepetitionCounts()
    for a in everything:
        counts.add(a)
    repeated = rep.repeated_lines(counts, min_count=3, min_fraction=0.02)  # low bars: more cuts compared
    digests = []
    for a in everything:
        final = rep.apply_repetition(a, repeated)
        blob = json.dumps(article_to_dict(final), ensure_ascii=False, sort_keys=True)
        digests.append(hashlib.sha256(blob.encode("utf-8")).hexdigest())
    keys = [rep.line_key(p) for a in everything for p in a.body[:3]]
    result = {
        "us": {k: 1e6 * median([p[k] for p in per_pass]) / len(timed) for k in per_pass[0]},
        "chain_us": 1e6 * median([sum(v for k, v in p.items() if not k.startswith("repetition")) for p in per_pass])
        / len(timed),
        "startup_s": startup,
        "import_s": t_import,
        "digests": digests,
        "keys": hashlib.sha256(json.dumps(keys).encode()).hexdigest(),
        "removals": sum(len(a.removed) for a in everything),
        "timed": len(timed),
    }
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def _side(src: Path, articles: Path, passes: int, tmp: Path, name: str) -> dict[str, Any]:
    out = tmp / f"{name}.json"
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--child", str(articles), "--passes", str(passes), "--out", str(out)]
    subprocess.run(cmd, env=env, check=True, cwd=tmp)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


# -- main --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--base", default="c6ffca4", help="git revision of the old code")
    ap.add_argument("--articles", type=int, default=3000, help="generated articles timed")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--no-real", action="store_true", help="compare on generated articles only")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--cache", help="article file to reuse (written when absent; outside the repository)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child, args.passes, args.out)
        return 0
    import attrs

    bench = Path(args.benchmarks)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = Path(args.cache) if args.cache else tmp / "articles.jsonl"
        if not data.is_file():
            timed = [attrs.evolve(a, extras={**a.extras, "timed": True}) for a in _generated(args.articles, bench)]
            _write_articles(data, timed + ([] if args.no_real else list(_real(bench))))
        tree = tmp / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.base],
                       check=True, capture_output=True)
        try:
            old = _side(tree / "src", data, args.passes, tmp, "old")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        new = _side(ROOT / "src", data, args.passes, tmp, "new")
    differ = [i for i, (a, b) in enumerate(zip(old["digests"], new["digests"], strict=True)) if a != b]
    same = not differ and old["keys"] == new["keys"]
    names = list(old["us"])
    rows: list[tuple[object, ...]] = [(n, old["us"][n], new["us"][n], old["us"][n] / max(new["us"][n], 1e-9))
                                      for n in names]
    rows.append(("**cleaner chain**", old["chain_us"], new["chain_us"], old["chain_us"] / new["chain_us"]))
    rows.append(("start-up: build cleaners, compile packs (ms per process)", 1e3 * old["startup_s"],
                 1e3 * new["startup_s"], old["startup_s"] / new["startup_s"]))
    text = table(["step", f"µs/article at {args.base}", "µs/article now", "x"], rows)
    compared = len(new["digests"])
    verdict = (f"Output identical on all {compared:,} cleaned articles ({new['removals']:,} removals; "
               f"{new['timed']:,} generated articles, the same again with no language, and "
               f"{compared - 2 * new['timed']:,} benchmark articles), repetition cuts and line keys included."
               if same else f"OUTPUT DIFFERS on {len(differ)} of {compared} articles (first: {differ[:5]}).")
    print(text)
    print(verdict)
    if not args.no_write and same:
        md = "\n".join([
            "### Cleaners: CPU per article",
            "",
            "`python benchmarks/cleaner_cost.py ../shared/benchmarks` — old and new code in the same run, each in",
            f"its own process; {new['timed']:,} generated articles (`corpusgen.py`, seed 7), default cleaner chain in",
            f"batches of {BATCH}, median of {args.passes} passes of `time.process_time`, paragraph memos cleared",
            "before each pass. Corpus repetition: count and apply over the same cleaned articles.",
            "",
            text,
            "",
            verdict,
            "",
            machine_line(("pyahocorasick",)),
        ])
        write_section("cleaners", md)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
