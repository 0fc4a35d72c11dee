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
  the file does not judge yet, for labelling. This sample is **not blind**: the
  span rules and the participant rules were written after looking at its errors.
* **Blind participant precision** (``--blind``): the top three names, with the
  reader, of a second sample frozen before any rule was written for it (issue 19),
  against ``benchmarks/data/participants_blind.tsv`` (set, article id, name,
  judgement; no article text): 40 BBC articles (8 per category, none of the first
  sample), 10 IndoSum (Indonesian) and 10 malay-news (Malay) articles, each set's
  articles chosen by the smallest ``sha256("participants-blind:<set>:<id>")``, not
  by reading them (:func:`blind_sample`). ``--dump-blind`` prints the unjudged
  names with a snippet of the text around their first mention, for labelling.

Both samples are judged by the same written criteria (:data:`CRITERIA`, also the
header of the blind file).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
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
BLIND_LABELS = Path(__file__).resolve().parent / "data" / "participants_blind.tsv"
SAMPLE_STEP = 55
TOP = 3

#: How a name is judged, in both samples (written down for the blind sample, issue 19,
#: from the judgements of the first one).
CRITERIA = """\
1: the name of a person or an organisation (company, party, team or club, band,
   government body, broadcaster or newspaper, agency) that takes part in or is
   quoted about the story, written as a complete name of it: a full name, a
   surname alone, a first name alone when the article uses it for that person,
   an acronym, or the article's own spelling (TimeWarner).
0: anything else: a place, country or region, also when it acts (UK, Britain,
   City for the City of London, Wall Street); a nationality or demonym
   (Americans, Czechs, Aussie); an event, award or ceremony (Commonwealth Games,
   Oscar, Brits); a work or product (a song, film, TV show, game, car, bill or
   law: Jailhouse Rock, Mini); a truncated name (Exchange Commission for the
   Securities and Exchange Commission, Pew Internet); a span that runs across
   two names or sentences (Liverpool. Morgan) or keeps a title, role, party or
   owner in front of a name (Producer Mel Gibson, Labour MP George Galloway,
   Britain's Kelly Holmes); a common word, verb, role or heading (Gold, MP);
   the outlet named only in the article's dateline or credit line ("Jakarta, CNN
   Indonesia -"): it reports, it does not take part (an outlet the text cites,
   "told the BBC News website", is 1)."""


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


def misread_places(articles: list[tuple[str, str, list[str]]], chars: int | None) -> tuple[int, int, int]:
    """How many (article, place) pairs of :data:`MISREAD` the features give, how many
    (article, place) pairs in all, and how many of those are GeoNames towns."""
    n = total = towns = 0
    for _id, title, paras in articles:
        a = analyse_text(title, paras, language="en", published=None, entity_chars=chars)
        n += sum(p in MISREAD for p, _w in a.places)
        total += len(a.places)
        towns += sum(p.startswith("geonames:") for p, _w in a.places)
    return n, total, towns


def participants(articles: list[tuple[str, str, list[str]]], chars: int | None) -> list[tuple[str, str]]:
    """(article id, name) of the top names of the sample."""
    out = []
    for aid, title, paras in articles[::SAMPLE_STEP]:
        a = analyse_text(title, paras, language="en", published=None, entity_chars=chars)
        out.extend((aid, n.display) for n in a.names[:TOP])
    return out


BLIND_PER_CATEGORY = 8  # BBC articles per category (business, entertainment, politics, sport, tech)
BLIND_OTHER = 10  # IndoSum and malay-news articles each
# malay-news records with a whole article (not an RSS summary or a page crawl with its chrome)
_MALAY_KINDS = ("full_article_crawl", "article_body_scrape")


def _blind_hash(set_name: str, aid: str) -> int:
    return int(hashlib.sha256(f"participants-blind:{set_name}:{aid}".encode()).hexdigest()[:8], 16)


def blind_sample(bench: Path) -> list[tuple[str, str, str, str, list[str]]]:
    """The blind sample as (set, article id, language, title, paragraphs).

    Chosen by rule, not by reading: per BBC category the :data:`BLIND_PER_CATEGORY`
    articles outside the first sample (every :data:`SAMPLE_STEP`-th by id) with the
    smallest :func:`_blind_hash`; of IndoSum's unique articles and of malay-news'
    whole articles (:data:`_MALAY_KINDS`) the :data:`BLIND_OTHER` smallest. IndoSum
    has no headline: its first paragraph stands in, as the events would read it.
    """
    out: list[tuple[str, str, str, str, list[str]]] = []
    bbc = load_bbc(bench)
    old = {aid for aid, _t, _p in bbc[::SAMPLE_STEP]}
    by_category: dict[str, list[tuple[str, str, list[str]]]] = {}
    for art in bbc:
        if art[0] not in old:
            by_category.setdefault(art[0].split("/")[0], []).append(art)
    for arts in by_category.values():
        for aid, title, paras in sorted(arts, key=lambda a: _blind_hash("bbc", a[0]))[:BLIND_PER_CATEGORY]:
            out.append(("bbc", aid, "en", title, paras))
    from linedata import indosum_paragraphs  # the quality benchmark's own detokeniser

    seen = indosum_paragraphs(bench)
    for aid in sorted(seen, key=lambda a: _blind_hash("indosum", a))[:BLIND_OTHER]:
        out.append(("indosum", aid, "id", "", seen[aid]))
    malay = []
    with open(bench / "malay-news" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["text_kind"] in _MALAY_KINDS:
                malay.append(rec)
    for rec in sorted(malay, key=lambda r: _blind_hash("malay-news", r["id"]))[:BLIND_OTHER]:
        paras = [p.strip() for p in rec["text"].split("\n\n") if p.strip()]
        out.append(("malay-news", rec["id"], "ms", rec["title"] or "", paras))
    return out


def blind_participants(sample: list[tuple[str, str, str, str, list[str]]]) -> list[tuple[str, str, str]]:
    """(set, article id, name) of the top names of the blind sample, with the reader."""
    out = []
    for set_name, aid, language, title, paras in sample:
        a = analyse_text(title, paras, language=language, published=None)
        out.extend((set_name, aid, n.display) for n in a.names[:TOP])
    return out


def _read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file whose ``#`` lines are comments."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


def blind(bench: Path, dump: bool) -> None:
    """Print the blind precision per set and overall (or, with ``dump``, the names to judge)."""
    sample = blind_sample(bench)
    labels = {}
    if BLIND_LABELS.exists():
        labels = {(r["set"], r["article"], r["name"]): int(r["label"]) for r in _read_tsv(BLIND_LABELS)}
    names = blind_participants(sample)
    if dump:
        texts = {(s, a): "\n".join([t, *p]) for s, a, _l, t, p in sample}
        for key in names:
            if key not in labels:
                text = texts[key[:2]]
                at = max(text.find(key[2]), 0)
                snippet = " ".join(text[max(0, at - 90) : at + len(key[2]) + 90].split())
                print(f"{key[0]}\t{key[1]}\t{key[2]}\t\t# {snippet}")
        return
    counts = {s: 0 for s, *_ in sample}
    for s, *_ in sample:
        counts[s] += 1
    total: list[int] = []
    for set_name, n in counts.items():
        pairs = [k for k in names if k[0] == set_name]
        judged = [labels[k] for k in pairs if k in labels]
        total += judged
        precision = sum(judged) / len(judged) if judged else float("nan")
        print(f"BLIND participants {set_name}: {n} articles, {len(pairs)} names, {len(judged)} judged, "
              f"precision {precision:.3f}")  # fmt: skip
    precision = sum(total) / len(total) if total else float("nan")
    print(f"BLIND participants all: {len(sample)} articles, {len(names)} names, {len(total)} judged, "
          f"precision {precision:.3f}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Command line: print cost and precision (or the names to label)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--dump", action="store_true", help="print unjudged names of the sample")
    ap.add_argument("--blind", action="store_true", help="participant precision on the blind sample only")
    ap.add_argument("--dump-blind", action="store_true", help="print unjudged names of the blind sample")
    ap.add_argument("--speed", action="store_true", help="CPU per article before/after; writes docs/performance.md")
    ap.add_argument("--base-src", type=Path, help="src folder of the code to compare against (with --speed)")
    ap.add_argument("--articles", type=int, default=3000, help="generated articles for --speed")
    args = ap.parse_args(argv)
    if args.speed:
        if args.base_src is None:
            ap.error("--speed needs --base-src")
        write_section("entities", speed(Path(args.benchmarks), args.base_src.resolve(), args.articles))
        return
    if args.blind or args.dump_blind:
        blind(Path(args.benchmarks), args.dump_blind)
        return
    articles = load_bbc(Path(args.benchmarks))
    labels: dict[tuple[str, str], int] = {}
    if LABELS.exists():
        for row in _read_tsv(LABELS):
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
        misread, total, towns = misread_places(articles, chars)
        print(f"misread places {name}: {misread} (article, place) pairs of {sorted(MISREAD)} over "
              f"{len(articles)} BBC articles; (article, place) pairs in all {total}, GeoNames towns {towns}")
    for key, value in cost(articles).items():
        print(f"{key}: {value:,.0f} µs/article (CPU, {len(articles)} BBC articles)")


if __name__ == "__main__":
    main()
