"""Same-storyline traps: does the event builder tell a happening from its sequel?

    python benchmarks/events_traps.py [--split tune|blind] [--write]

Reads ``tests/data/events/traps.yaml``: hand-written en/id/ms articles grouped in
storylines of 2-4 different events that share actors and places (a flood and a
second flood a month later, a visit and a return, a deal and the dispute over it,
the two legs of one tie...), several events told by 2-3 articles that must be one
event. The storylines are split, in the file, into a ``tune`` half (rules are
designed on it) and a ``blind`` half (run once, at the end).

Each half is built as one corpus with the default builder (so storylines can also
merge with each other) and scored by article pairs:

* pair precision, recall and F1 against the labelled events;
* **traps merged**: pairs of one storyline, different events, put in one event;
* **same-event pairs split**: pairs of one event put in different events.

Each configuration in :data:`CONFIGS` is measured; ``--write`` puts the table in the
``events-traps`` section of ``docs/events.md`` (only the halves measured now).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ROOT, table, write_section

from newscorpus.dedup.base import Meta
from newscorpus.events import EventItem
from newscorpus.events.default import DefaultEventBuilder
from newscorpus.models import Article, Provenance, Timestamp

TRAPS = ROOT / "tests" / "data" / "events" / "traps.yaml"
COMMAND = "python benchmarks/events_traps.py --split SPLIT --write"

#: Builder configurations measured: (label, options).
CONFIGS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("default", {}),
    ("ablation: no sequel factor (`sequel_factor: 1`)", {"sequel_factor": 1.0}),
)


def load(split: str, path: Path = TRAPS) -> tuple[list[Article], dict[str, str], dict[str, str]]:
    """The articles of one half, each article's event and each article's storyline."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    articles: list[Article] = []
    event: dict[str, str] = {}
    storyline: dict[str, str] = {}
    for s in data["storylines"]:
        if s["split"] != split:
            continue
        for a in s["articles"]:
            articles.append(
                Article(
                    id=a["id"],
                    provenance=Provenance(str(path.relative_to(ROOT)), a["id"]),
                    title=a["title"],
                    body=tuple(a["body"]),
                    language=a["language"],
                    source=a.get("source"),
                    published=Timestamp(str(a["published"]), "day", "header"),
                )
            )
            event[a["id"]] = f"{s['id']}/{a['event']}"
            storyline[a["id"]] = s["id"]
    return articles, event, storyline


def build(articles: Sequence[Article], options: dict[str, Any]) -> tuple[dict[str, str], float]:
    """Predicted event of each article, and seconds per article (features + build)."""
    builder = DefaultEventBuilder(**options)
    start = time.perf_counter()
    items = [EventItem(Meta.of(a, 0, i), builder.features(a)) for i, a in enumerate(articles)]
    pred = {aid: e.id for e in builder.build(items) for aid in e.article_ids}
    return pred, (time.perf_counter() - start) / max(1, len(articles))


def _pairs(ids: Iterable[str]) -> Iterable[tuple[str, str]]:
    return itertools.combinations(sorted(ids), 2)


def score(pred: dict[str, str], event: dict[str, str], storyline: dict[str, str]) -> dict[str, Any]:
    """Pair precision/recall/F1, traps merged and same-event pairs split."""
    tp = fp = fn = 0
    traps = traps_merged = same = same_split = 0
    merged: list[tuple[str, str]] = []
    for a, b in _pairs(event):
        together, gold = pred[a] == pred[b], event[a] == event[b]
        tp += together and gold
        fp += together and not gold
        fn += gold and not together
        if gold:
            same += 1
            same_split += not together
        elif storyline[a] == storyline[b]:
            traps += 1
            if together:
                traps_merged += 1
                merged.append((a, b))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {
        "p": p,
        "r": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "traps": traps,
        "traps_merged": traps_merged,
        "same": same,
        "same_split": same_split,
        "merged": merged,
        "events": len(set(pred.values())),
        "gold_events": len(set(event.values())),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each configuration on one half; print (and with ``--write`` save) the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "blind"), default="tune")
    ap.add_argument("--write", action="store_true", help="write the table into docs/events.md")
    ap.add_argument("--verbose", action="store_true", help="list the merged trap pairs")
    args = ap.parse_args(argv)
    articles, event, storyline = load(args.split)
    n_lang = collections.Counter(a.language for a in articles)
    rows = []
    build(articles[:5], {})  # warm-up: gazetteer and entity model loads are not per article
    for label, options in CONFIGS:
        pred, secs = build(articles, options)
        s = score(pred, event, storyline)
        rows.append(
            (
                label,
                f"{s['p']:.3f}",
                f"{s['r']:.3f}",
                f"{s['f1']:.3f}",
                f"{s['traps_merged']} / {s['traps']}",
                f"{s['same_split']} / {s['same']}",
                f"{s['events']} ({s['gold_events']})",
                f"{secs * 1e3:.1f}",
            )
        )
        if args.verbose:
            for a, b in s["merged"]:
                print(f"  {label}: trap merged {a} + {b}")
    headers = (
        "builder",
        "pair P",
        "pair R",
        "pair F1",
        "traps merged",
        "same-event pairs split",
        "events (gold)",
        "ms/article (features + build)",
    )
    blind = "BLIND (run once, after the rules were fixed)" if args.split == "blind" else "not blind (rules set on it)"
    langs = ", ".join(f"{n} {lang}" for lang, n in sorted(n_lang.items()))
    out = (
        f"**{args.split}** half: {len(set(storyline.values()))} storylines, {len(articles)} articles "
        f"({langs}), {len(set(event.values()))} events; {blind}. `{COMMAND.replace('SPLIT', args.split)}`\n\n"
        + table(headers, rows)
    )
    print(out)
    if args.write:
        write_section(f"events-traps-{args.split}", out, page="docs/events.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
