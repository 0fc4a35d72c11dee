"""CPU cost of the line model per article, on BBC and IndoSum articles.

    python benchmarks/line_model_bench.py [BENCHMARKS_DIR] [--repeat 3] [--batch 256]

Prints µs per article (one core, median of ``--repeat`` runs) of the
``linemodel`` cleaner alone, in batches as the pipeline calls it, and of the
scoring step apart (features and NumPy scoring without the cut), plus how many
paragraphs per article reach the model (the others are guarded prose or the
lede and cost only the guard). :func:`measure` is what
``benchmarks/cleaning_quality.py`` can call for its throughput table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, median, table

from newscorpus.cleaners.linemodel import LineModelCleaner, candidates, load_model
from newscorpus.models import Article


def articles(base: Path) -> dict[str, list[Article]]:
    """BBC and IndoSum articles as the cleaners see them (title apart, body lines)."""
    from cleaning_quality import load_bbc, load_indosum, to_article

    out: dict[str, list[Article]] = {}
    for name, loader in (("bbc", load_bbc), ("indosum", load_indosum)):
        out[name] = [to_article(d, language=d.language)[0] for d in loader(base)]
    return out


def measure(batch: Sequence[Article], *, repeat: int = 3, size: int = 256) -> float:
    """µs per article of the ``linemodel`` cleaner on ``batch`` (median of runs)."""
    cleaner = LineModelCleaner()
    load_model()  # loading once per process is not per-article cost
    cleaner.clean_batch(batch[:size])  # compile the rule packs it defers to
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i in range(0, len(batch), size):
            cleaner.clean_batch(batch[i : i + size])
        runs.append(time.perf_counter() - t0)
    return median(runs) / max(1, len(batch)) * 1e6


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, default=256)
    args = ap.parse_args(argv)
    sets = articles(Path(args.benchmarks))
    sets["all"] = [a for name in ("bbc", "indosum") for a in sets[name]]
    rows = []
    for name, batch in sets.items():
        paras = sum(len(a.body) for a in batch)
        scored = sum(len(candidates(a.body)) for a in batch)
        us = measure(batch, repeat=args.repeat, size=args.batch)
        cut = sum(len(a.removed) for a in LineModelCleaner().clean_batch(batch))
        rows.append((name, len(batch), f"{paras / len(batch):.1f}", f"{scored / len(batch):.2f}", f"{us:.0f}", cut))
    print(machine_line())
    print(table(["set", "articles", "paragraphs/article", "scored/article", "µs/article", "cuts"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
