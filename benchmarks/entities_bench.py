"""The entity reader on BBC news: CPU cost per article and participant precision.

    python benchmarks/entities_bench.py [BENCH_DIR] [--dump]

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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS

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
    args = ap.parse_args(argv)
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
