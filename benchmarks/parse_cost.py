"""CPU cost of the plain-text parser per article (furniture, credits, datelines).

    python benchmarks/parse_cost.py [BENCHMARKS_DIR] [--repeat 5]

Parses every BBC News article (``bbc-news-fulltext``: title line, blank line,
body) with :class:`~newscorpus.parsers.plaintext.PlainTextParser`, ``--repeat``
times, and prints the best mean CPU time per article in microseconds, with how
many articles had credits or a dateline lifted. To compare two versions of the
parser, run the script with each on ``PYTHONPATH`` (e.g. a ``git archive`` of the
earlier commit): it only uses the public parser API.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS

from newscorpus.parsers.plaintext import PlainTextParser
from newscorpus.readers.base import RawDocument


def load_bbc(bench_dir: Path) -> list[bytes]:
    """The BBC articles as the bytes of a text file: title, blank line, body."""
    path = bench_dir / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz"
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            docs.append(f"{row['title']}\n\n{row['text']}".encode())
    return docs


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print one line of figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench_dir", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    texts = load_bbc(Path(args.bench_dir))
    docs = [RawDocument("bbc.txt", i, f"bbc.txt#{i}", "text", data=d) for i, d in enumerate(texts)]
    parser = PlainTextParser()
    best = float("inf")
    for _ in range(args.repeat):
        start = time.process_time()
        articles = [parser.parse(doc, str(doc.record)) for doc in docs]
        best = min(best, time.process_time() - start)
    credited = sum(1 for a in articles if a.credits)
    datelined = sum(1 for a in articles if a.dateline is not None)
    print(f"{len(docs)} articles: {best / len(docs) * 1e6:.1f} µs CPU per article (best of {args.repeat}); "
          f"{credited} with credits, {datelined} with a dateline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
