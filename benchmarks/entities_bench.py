"""The entity reader on BBC news: CPU cost per article and participant precision.

    python benchmarks/entities_bench.py [BENCH_DIR] [--dump]
    python benchmarks/entities_bench.py [BENCH_DIR] --speed --base-src /path/to/old/src [--articles N]

* **Speed, before and after** (``--speed``): ``read_entities`` on exactly the texts
  the event features hand it (``analyse_text`` on generated articles of
  ``corpusgen.py``, headline and lead, recorded by wrapping the reader) and on the
  BBC articles' headline and lead, CPU time (``time.process_time``) per article,
  median of 5 passes after one warm-up pass, the code under ``--base-src`` (e.g. a
  worktree of the base commit: ``git worktree add ../wt c6ffca4``, then
  ``--base-src ../wt/src``) and this checkout's, each in its own subprocess,
  alternated, in the same run; also the CPU of the first call (model load and, now,
  the numba compilation). Writes the ``entities`` section of docs/performance.md.

* **Cost**: :func:`newscorpus.read_entities` on each article's lead (headline plus
  the first 1,200 characters of the body, what the event features read), CPU time
  per article over all 2,225 BBC articles (``bbc-news-fulltext``), one process; and
  the whole event features (``analyse_text``) with the reader and with the older
  capitalisation rules (``entity_chars=None``).
* **Misread places**: how often Chad, Davis, Tomsk, Christmas Island, the Åland
  Islands or Palau (places issue 19 found read from ordinary words, such as a
  drummer's first name) come out among an article's places, over all BBC articles.
* **Participant precision**: the top three names (``Analysis.names``) of a fixed
  sample of 40 BBC articles (every 55th by id), with the reader and with the
  capitalisation rules, against ``benchmarks/data/participants_bbc.tsv``: article
  id, name, and a judgement written by hand (1: a person or organisation taking
  part, 0: anything else, such as a verb, a common word, a place or a heading). The
  file holds no article text. ``--dump`` prints the names of both variants that
  the file does not judge yet, for labelling.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section

from newscorpus import read_entities
from newscorpus.events.analysis import ENTITY_CHARS, analyse_text

LABELS = Path(__file__).resolve().parent / "data" / "participants_bbc.tsv"
SAMPLE_STEP = 55
TOP = 3


def load_bbc(bench: Path) -> list[tuple[str, str, list[str]]]:
    """BBC articles as (id, title, paragraphs), sorted by id."""
    out = []
    with gzip.open(bench / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            paras = [p.strip() for p in d["text"].split("\n\n") if p.strip()]
            out.append((d["id"], d["title"], paras))
    out.sort()
    return out


def lead(paragraphs: list[str], chars: int = ENTITY_CHARS) -> str:
    """The first ``chars`` characters of the body, paragraphs kept on their own lines."""
    return "\n".join(paragraphs)[:chars]


def cost(articles: list[tuple[str, str, list[str]]]) -> dict[str, float]:
    """CPU microseconds per article: the reader on the lead, features both ways."""
    read_entities("Warm-up for the model load.", "en")
    analyse_text("Warm-up", ["Warm-up."], language="en", published=None)
    out: dict[str, float] = {}
    t0 = time.process_time()
    for _id, title, paras in articles:
        read_entities(title, "en")
        read_entities(lead(paras), "en")
    out["reader_lead_us"] = (time.process_time() - t0) / len(articles) * 1e6
    for name, chars in (("features_reader_us", ENTITY_CHARS), ("features_rules_us", None)):
        t0 = time.process_time()
        for _id, title, paras in articles:
            analyse_text(title, paras, language="en", published=None, entity_chars=chars)
        out[name] = (time.process_time() - t0) / len(articles) * 1e6
    return out


PASSES = 5
SRC = Path(__file__).resolve().parent.parent / "src"

# Run in a subprocess with the source under test first on sys.path: times the reader on
# the recorded calls and prints JSON (first-call CPU, per-pass µs per article).
_TIMER = """
import json, sys, time
t0 = time.process_time()
from newscorpus.entities import read_entities
read_entities("Joko Widodo met Anwar Ibrahim in Jakarta.", "en")
first = time.process_time() - t0
sets = json.load(open(sys.argv[1], encoding="utf-8"))
out = {"first_call_s": first, "module": read_entities.__module__, "sets": {}}
for name, (articles, calls) in sets.items():
    passes = []
    for _ in range(1 + int(sys.argv[2])):
        t0 = time.process_time()
        for text, language in calls:
            read_entities(text, language)
        passes.append((time.process_time() - t0) / articles * 1e6)
    out["sets"][name] = passes[1:]
print(json.dumps(out))
"""


def recorded_calls(bench: Path, n: int, seed: int = 7) -> tuple[int, list[tuple[str, str | None]]]:
    """(articles, calls): the ``read_entities`` calls of ``analyse_text`` on ``n`` generated articles."""
    from corpusgen import generate

    import newscorpus.events.analysis as analysis

    calls: list[tuple[str, str | None]] = []
    real = analysis.read_entities  # type: ignore[attr-defined]

    def record(text: str, language: str | None = None) -> tuple[object, ...]:
        calls.append((text, language))
        return real(text, language)

    setattr(analysis, "read_entities", record)  # noqa: B010 - the module global the features call
    try:
        count = 0
        for r in generate(n, seed=seed, benchmarks=bench):
            paras = [p for p in r["body"].split("\n\n") if p.strip()]
            analysis.analyse_text(r["title"], paras, language=r["language"], published=None)
            count += 1
    finally:
        setattr(analysis, "read_entities", real)  # noqa: B010
    return count, calls


def speed(bench: Path, base_src: Path, n: int) -> str:
    """Old vs new CPU per article in the same run; returns the markdown section."""
    generated = recorded_calls(bench, n)
    bbc = load_bbc(bench)
    sets = {
        f"generated corpus ({generated[0]:,} en/id articles, corpusgen seed 7)": generated,
        f"BBC headline + lead ({len(bbc):,} articles)": (
            len(bbc), [x for _i, t, p in bbc for x in ((t, "en"), (lead(p), "en"))]
        ),
    }  # fmt: skip
    results: dict[str, list[dict[str, object]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "calls.json"
        data.write_text(json.dumps(sets), encoding="utf-8")
        for _round in range(2):  # alternated, so load on the shared machine hits both
            for name, src in (("before", base_src), ("after", SRC)):
                env = {**os.environ, "PYTHONPATH": str(src)}
                done = subprocess.run([sys.executable, "-c", _TIMER, str(data), str(PASSES)], env=env,
                                      check=True, capture_output=True, text=True)  # fmt: skip
                results[name].append(json.loads(done.stdout))
    commit = subprocess.run(["git", "-C", str(base_src), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or str(base_src)  # fmt: skip
    rows = []
    for name in sets:
        old = statistics.median(p for r in results["before"] for p in r["sets"][name])  # type: ignore[index]
        new = statistics.median(p for r in results["after"] for p in r["sets"][name])  # type: ignore[index]
        rows.append((name, old, new, f"{old / new:.1f}x"))
    first = {k: statistics.median(float(r["first_call_s"]) for r in v) for k, v in results.items()}  # type: ignore[arg-type]
    rows.append(("first call (model load; after: + numba compile), s of CPU", first["before"], first["after"], ""))
    md = "\n\n".join([
        "## Entity reader",
        machine_line(["python-crfsuite", "numba"]),
        "`read_entities` CPU per article (µs, `time.process_time`), median of "
        f"{2 * PASSES} passes (2 alternated subprocesses × {PASSES}, after one warm-up pass each); "
        f"before = commit `{commit}` (python-crfsuite tagger), after = this checkout (numba kernel). "
        "Identical entities: `tests/test_entities_equivalence.py`.",
        table(["texts", "before µs/article", "after µs/article", "cheaper"], rows),
        "Command: `git worktree add ../wt-base <commit>`, then `python benchmarks/entities_bench.py "
        f"../shared/benchmarks --speed --base-src ../wt-base/src --articles {n}`.",
    ])  # fmt: skip
    print(md)
    return md


# The places issue 19 found read from ordinary words on BBC news (Chad, Davis,
# Tomsk, Christmas Island, the Åland Islands) and Palau, which no BBC story names.
MISREAD = frozenset({"TD", "Antarctica/Davis", "Asia/Tomsk", "CX", "Indian/Christmas", "AX", "PW"})


def misread_places(articles: list[tuple[str, str, list[str]]], chars: int | None) -> int:
    """How many (article, place) pairs of :data:`MISREAD` the features give."""
    n = 0
    for _id, title, paras in articles:
        a = analyse_text(title, paras, language="en", published=None, entity_chars=chars)
        n += sum(p in MISREAD for p, _w in a.places)
    return n


def participants(articles: list[tuple[str, str, list[str]]], chars: int | None) -> list[tuple[str, str]]:
    """(article id, name) of the top names of the sample."""
    out = []
    for aid, title, paras in articles[::SAMPLE_STEP]:
        a = analyse_text(title, paras, language="en", published=None, entity_chars=chars)
        out.extend((aid, n.display) for n in a.names[:TOP])
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line: print cost and precision (or the names to label)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--dump", action="store_true", help="print unjudged names of the sample")
    ap.add_argument("--speed", action="store_true", help="CPU per article before/after; writes docs/performance.md")
    ap.add_argument("--base-src", type=Path, help="src folder of the code to compare against (with --speed)")
    ap.add_argument("--articles", type=int, default=3000, help="generated articles for --speed")
    args = ap.parse_args(argv)
    if args.speed:
        if args.base_src is None:
            ap.error("--speed needs --base-src")
        write_section("entities", speed(Path(args.benchmarks), args.base_src.resolve(), args.articles))
        return
    articles = load_bbc(Path(args.benchmarks))
    labels: dict[tuple[str, str], int] = {}
    if LABELS.exists():
        with open(LABELS, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                labels[(row["article"], row["name"])] = int(row["label"])
    variants = {"reader": participants(articles, ENTITY_CHARS), "rules": participants(articles, None)}
    if args.dump:
        for pair in sorted(set(variants["reader"]) | set(variants["rules"])):
            if pair not in labels:
                print(f"{pair[0]}\t{pair[1]}\t")
        return
    print(f"sample: {len(articles[::SAMPLE_STEP])} BBC articles, top {TOP} names each")
    for name, pairs in variants.items():
        judged = [labels[p] for p in pairs if p in labels]
        precision = sum(judged) / len(judged) if judged else float("nan")
        print(f"participants {name}: {len(pairs)} names, {len(judged)} judged, precision {precision:.3f}")
    for name, chars in (("reader", ENTITY_CHARS), ("rules", None)):
        print(f"misread places {name}: {misread_places(articles, chars)} (article, place) pairs "
              f"of {sorted(MISREAD)} over {len(articles)} BBC articles")
    for key, value in cost(articles).items():
        print(f"{key}: {value:,.0f} µs/article (CPU, {len(articles)} BBC articles)")


if __name__ == "__main__":
    main()
