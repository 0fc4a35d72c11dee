"""The places the GeoNames towns add (issue 19), counted, sampled and judged.

    python benchmarks/places_sample.py [BENCH_DIR] --base-src OLD/src [--write]
    python benchmarks/places_sample.py [BENCH_DIR] --show      # the sample with its text, to judge
    python benchmarks/places_sample.py [BENCH_DIR] --score     # precision of the judged sample

The event features' places (``Analysis.places``, every place id an article gets,
up to 8) of every BBC article (``bbc-news-fulltext``, English) and every unique
IndoSum article (``indosum-dev-folds``, Indonesian; no headline, its first paragraph
stands in, as in ``entities_bench.py``) are computed by the code under ``--base-src``
and by this checkout's, each in its own subprocess. Printed: the (article, place)
pairs each gives, and how many are new. ``--write`` freezes the sample before any
of it is read: per set :data:`PER_SET` of the new pairs chosen by
``random.Random(SEED)`` from the pairs sorted, written to
``benchmarks/data/places_sample.tsv`` with an empty judgement column. Judgements:

* 1: the article's text (headline and body) names that place as a place (the town
  itself, by any of its names; a country by its name, ``US``, ``UK``/``Britain``);
* 3: the text writes the town's name for a thing of that town, not the town as a
  place: its football club ("Leicester wing Austin Healey"), its industry
  ("Hollywood's favourite actresses"), its government ("Moskow - Washington"), or the
  regency named after it ("Kabupaten Banyumas");
* 2: (countries) the text does not name the country, but a town of it that the text
  names stands for it (a town counts half for its country);
* 0: anything else: a person ("Gordon Hayward"), a common word ("sakura"), a
  holiday, a road, another town of that name, the cut of a longer name ("Mary" of
  St Mary's), a country only a wrong town gave.

``--score`` gives precision three ways: 1 only (strict), 1 or 3 (the name is in the
text and means that town or a thing of it), and 1, 2 or 3 (also a country a named
town stands for).

``benchmarks/data/places_sample_v1.tsv`` is the first sample (seed 19, drawn with the
first version of the towns' rules, whose errors the class rules of the second were
written from: "York" of New York, "Lansdowne" of Lansdowne Road, "Asia", small towns
abroad named like a region, "Virginia" Madsen); only its town pairs were judged.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS

SAMPLE = Path(__file__).resolve().parent / "data" / "places_sample.tsv"
SEED = 19
PER_SET = 50
SETS = ("bbc", "indosum")


def load(bench: Path) -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """Per set: (article id, language, title, paragraphs)."""
    from linedata import indosum_paragraphs

    bbc = []
    with gzip.open(bench / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            bbc.append((d["id"], "en", d["title"], [p.strip() for p in d["text"].split("\n\n") if p.strip()]))
    seen = indosum_paragraphs(bench)
    indosum = [(aid, "id", paras[0], paras[1:]) for aid, paras in sorted(seen.items()) if paras]
    return {"bbc": sorted(bbc), "indosum": indosum}


def dump(bench: Path) -> None:
    """Prints {set: {article id: [place id, ...]}} with the code imported."""
    from newscorpus.events.analysis import analyse_text

    out: dict[str, dict[str, list[str]]] = {}
    for name, arts in load(bench).items():
        out[name] = {
            aid: [p for p, _w in analyse_text(title, paras, language=lang, published=None).places]
            for aid, lang, title, paras in arts
        }
    print(json.dumps(out))


def places_of(bench: Path, src: Path) -> dict[str, dict[str, list[str]]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, __file__, str(bench), "--dump"], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def compare(bench: Path, base_src: Path, write: bool) -> None:
    here = Path(__file__).resolve().parent.parent / "src"
    old, new = places_of(bench, base_src), places_of(bench, here)
    rows = []
    for name in SETS:
        before = {(a, p) for a, ps in old[name].items() for p in ps}
        after = {(a, p) for a, ps in new[name].items() for p in ps}
        added = sorted(after - before)
        towns = sum(p.startswith("geonames:") for _a, p in after)
        print(f"{name}: {len(old[name])} articles; (article, place) pairs {len(before)} -> {len(after)}; "
              f"new {len(added)}, gone {len(before - after)}; GeoNames towns among them {towns}")
        for aid, place in random.Random(SEED).sample(added, min(PER_SET, len(added))):
            rows.append((name, aid, place))
    if write:
        with SAMPLE.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            w.writerow(["set", "article", "place", "label"])
            for row in rows:
                w.writerow([*row, ""])
        print(f"sample of {len(rows)} new pairs -> {SAMPLE}")


def _rows(path: Path = SAMPLE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def show(bench: Path) -> None:
    from newscorpus.events.analysis import analyse_text
    from newscorpus.events.places import gazetteer

    gaz = gazetteer()
    texts = {name: {a[0]: a for a in arts} for name, arts in load(bench).items()}
    for n, row in enumerate(_rows()):
        _aid, _lang, title, paras = texts[row["set"]][row["article"]]
        text = "\n".join([title, *paras])
        name = gaz.display(row["place"])
        hits = [m.start() for m in re.finditer(re.escape(name.split()[0]), text, re.IGNORECASE)]
        snippet = " | ".join(text[max(0, i - 80) : i + 80].replace("\n", " / ") for i in hits[:2]) or text[:300]
        got = analyse_text(title, paras, language=_lang, published=None).places
        others = ", ".join(gaz.display(p) for p, _w in got)
        print(f"{n}\t{row['set']}\t{row['article']}\t{row['place']}\t{name}\t{row['label']}\n"
              f"    places: {others}\n    {snippet}\n")


def score(path: Path) -> None:
    rows = _rows(path)
    for name in SETS:
        for kind, keep in (("all", lambda p: True), ("towns", lambda p: p.startswith("geonames:"))):
            judged = [r["label"] for r in rows
                      if r["set"] == name and r["label"] in ("0", "1", "2", "3") and keep(r["place"])]
            if judged:
                n = len(judged)
                one, two, three = judged.count("1"), judged.count("2"), judged.count("3")
                print(f"{name}, {kind} pairs ({n} judged: {one} named as a place, {three} a thing of the town, "
                      f"{two} a country by its town, {judged.count('0')} wrong): precision {one / n:.3f} strict, "
                      f"{(one + three) / n:.3f} name in the text, {(one + two + three) / n:.3f} with countries "
                      f"by their towns")


def recheck(bench: Path, path: Path) -> None:
    """The judged pairs the code imported still gives, and their judgements (a change
    made after the sample was read: not blind)."""
    from newscorpus.events.analysis import analyse_text

    texts = {name: {a[0]: a for a in arts} for name, arts in load(bench).items()}
    kept: list[dict[str, str]] = []
    for row in _rows(path):
        _aid, lang, title, paras = texts[row["set"]][row["article"]]
        got = {p for p, _w in analyse_text(title, paras, language=lang, published=None).places}
        if row["place"] in got:
            kept.append(row)
        else:
            print(f"dropped: {row['set']} {row['article']} {row['place']} (judged {row['label']})")
    tmp = path.with_suffix(".kept.tsv")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["set", "article", "place", "label"], delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    score(tmp)
    tmp.unlink()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--base-src", type=Path, help="src folder of the code before the towns")
    ap.add_argument("--write", action="store_true", help="freeze the sample (with --base-src)")
    ap.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--file", type=Path, default=SAMPLE, help="sample file to score")
    ap.add_argument("--recheck", action="store_true", help="the judged pairs this code still gives, scored")
    args = ap.parse_args(argv)
    bench = Path(args.benchmarks)
    if args.dump:
        dump(bench)
    elif args.show:
        show(bench)
    elif args.recheck:
        recheck(bench, args.file)
    elif args.score:
        score(args.file)
    else:
        if args.base_src is None:
            ap.error("--base-src is needed to compare")
        compare(bench, args.base_src.resolve(), args.write)


if __name__ == "__main__":
    main()
