"""Events on headlines alone: the UCI News Aggregator stories (issue 19's third corpus).

    python benchmarks/events_uci.py [BENCHMARKS_DIR] [--halves dev,blind] [--no-write]

``python benchmarks/events_bench.py`` runs it too (its ``uci`` section), so every
figure of docs/events.md comes from one command.

The set (``uci-news-aggregator-head/``, see its SOURCE.md): the first 6,366 rows
of the UCI "News Aggregator" file, English headlines of March 2014 from many
publishers, each with its Google News story id (88 stories), publisher, URL and
a millisecond timestamp. It differs from ECB+ and SemEval in what the builder
gets: a headline and nothing else, a real publication time, and many outlets
telling one story in their own words over several days. A story here is Google
News's grouping, coarser than an ECB+ event (a story collects follow-ups of one
subject over days), so recall is the harder half for an event builder.

Articles: title = the headline, no body, ``language`` en, ``published`` the
timestamp (UTC, second precision), ``source`` the publisher, ``url`` the URL.
The truncated last row is dropped. Scored with B-cubed and pairwise P/R/F1
(``events_bench.bcubed``/``pairwise``) against the story ids, beside the same
TF-IDF average-link peer as ECB+, its threshold chosen on this set itself
(oracle, an upper bound for that peer), and two trivial baselines.

Blind: nothing in the events code was chosen on this set before its first run,
whose figures are recorded in docs/events.md as the blind reading. Since then the
stories are split in halves (:data:`SPLIT_FROZEN`): builder changes may be tuned on
the ``dev`` half only, and the ``blind`` half is reported once per change. Each half
is also built and scored alone, the peer's oracle threshold chosen on that half.
``--halves dev`` measures the dev half only (and writes nothing): what a developer
runs while tuning.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import gzip
import hashlib
import io
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section
from events_bench import bcubed, pairwise, run_builder, tfidf_average_link

from newscorpus.events.default import DefaultEventBuilder
from newscorpus.models import Article, Provenance, Timestamp

PAGE = "docs/events.md"
FILE = Path("uci-news-aggregator-head") / "uci-news-aggregator.head6367.csv.gz"

#: The dev / blind split of the stories, frozen on 2026-12-06 (02:10 UTC) after the
#: first, blind run of the whole set and BEFORE any result per story (or per half) was
#: looked at: a story is ``dev`` when the first 8 hex digits of
#: ``sha256("uci:<story id>")``, read as an integer, are even, else ``blind``
#: (44 stories / 2,996 headlines dev, 43 / 3,370 blind). Changes to the builder may be
#: tuned and inspected on the dev half only; the blind half is reported once, at the end
#: of a change, labelled blind.
SPLIT_FROZEN = "2026-12-06"


def story_half(story: str) -> str:
    """``"dev"`` or ``"blind"``: the frozen half of a UCI story id (see :data:`SPLIT_FROZEN`)."""
    return "dev" if int(hashlib.sha256(f"uci:{story}".encode()).hexdigest()[:8], 16) % 2 == 0 else "blind"


def load_uci(root: Path) -> tuple[list[Article], dict[str, str], dict[str, str]]:
    """The headlines as Articles, their story ids and their categories."""
    path = root / FILE
    with gzip.open(path, "rb") as fh:
        text = fh.read().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    articles, gold, category = [], {}, {}
    for row in rows:
        stamp = row.get("TIMESTAMP") or ""
        if not (row.get("TITLE") and row.get("STORY") and stamp.isdigit()):
            continue  # the cut-off last row (and any other incomplete one)
        aid = f"uci-{row['ID']}"
        when = dt.datetime.fromtimestamp(int(stamp) / 1000, tz=dt.UTC).replace(microsecond=0)
        articles.append(
            Article(
                id=aid,
                provenance=Provenance(str(path), row["ID"]),
                title=row["TITLE"].strip(),
                language="en",
                published=Timestamp(when, "second", "field"),
                source=row.get("PUBLISHER") or None,
                url=row.get("URL") or None,
            )
        )
        gold[aid] = row["STORY"]
        category[aid] = row.get("CATEGORY") or "?"
    return articles, gold, category


HALVES = ("dev", "blind")


def split_halves(
    articles: Sequence[Article], gold: dict[str, str]
) -> dict[str, tuple[list[Article], dict[str, str]]]:
    """The articles and gold stories of each half (:func:`story_half`)."""
    out: dict[str, tuple[list[Article], dict[str, str]]] = {h: ([], {}) for h in HALVES}
    for a in articles:
        arts, g = out[story_half(gold[a.id])]
        arts.append(a)
        g[a.id] = gold[a.id]
    return out


def half_rows(
    half: str, articles: Sequence[Article], gold: dict[str, str]
) -> tuple[list[list[object]], dict[str, float]]:
    """The default builder and the oracle peer on one half, built alone."""
    label = "dev, **not blind** (tuned on)" if half == "dev" else "**BLIND** (run once per change)"
    n_stories = len(set(gold.values()))
    pred, _t_feat, _t_build = run_builder(DefaultEventBuilder(), articles)
    b3 = bcubed(pred, gold)
    base_pred, base_sim, base_b3 = tfidf_average_link(articles, gold)
    where = f"{label}: {n_stories} stories, {len(articles):,} headlines"
    rows: list[list[object]] = [
        [where, "newscorpus `default`", *b3, *pairwise(pred, gold), len(set(pred.values()))],
        [where, f"peer, oracle threshold on this half (cos ≥ {base_sim:.2f})", *base_b3,
         *pairwise(base_pred, gold), len(set(base_pred.values()))],
    ]
    print(half, "B3", [round(x, 3) for x in b3], "peer", [round(x, 3) for x in base_b3], flush=True)
    figures = {f"uci_{half}_b3_p": b3[0], f"uci_{half}_b3_r": b3[1], f"uci_{half}_b3_f1": b3[2],
               f"uci_{half}_events": float(len(set(pred.values()))), f"uci_{half}_peer_b3_f1": base_b3[2]}
    return rows, figures


def halves_section(
    articles: Sequence[Article], gold: dict[str, str], halves: Sequence[str] = HALVES
) -> tuple[str, dict[str, float]]:
    """The table of the dev and blind halves, each built and scored alone."""
    parts = split_halves(articles, gold)
    rows: list[list[object]] = []
    figures: dict[str, float] = {}
    for half in halves:
        r, f = half_rows(half, *parts[half])
        rows += r
        figures.update(f)
    md = table(
        ["half", "method", "B³ P", "B³ R", "B³ F1", "pair P", "pair R", "pair F1", "events"],
        [[c if isinstance(c, str | int) else f"{c:.3f}" for c in r] for r in rows],
    )
    return md, figures


def section(root: Path, halves: Sequence[str] = HALVES) -> tuple[str, dict[str, float]]:
    """Score the default builder, the peer and two baselines on the headlines, then
    on each half of the frozen split."""
    articles, gold, category = load_uci(root)
    if tuple(halves) != HALVES:  # a dev run: the dev half alone, nothing of the whole set
        return halves_section(articles, gold, halves)
    stories = collections.Counter(gold.values())
    days = sorted({a.published.value.date() for a in articles if a.published is not None})  # type: ignore[union-attr]
    rows: list[list[object]] = []
    figures: dict[str, float] = {}
    builder = DefaultEventBuilder()
    pred, t_feat, t_build = run_builder(builder, articles)
    b3, pw = bcubed(pred, gold), pairwise(pred, gold)
    n = len(articles)
    rows.append(["newscorpus `default` (current defaults)", *b3, *pw, len(set(pred.values())),
                 f"{(t_feat + t_build) / n * 1e6:,.0f}"])
    figures.update(uci_b3_f1=b3[2], uci_b3_p=b3[0], uci_b3_r=b3[1], uci_pair_f1=pw[2])
    figures["uci_events"] = len(set(pred.values()))
    per_cat = {}
    for cat in sorted(set(category.values())):
        ids = [i for i in gold if category[i] == cat]
        per_cat[cat] = (len(ids), bcubed({i: pred[i] for i in ids}, {i: gold[i] for i in ids}))
    t0 = time.perf_counter()
    base_pred, base_sim, base_b3 = tfidf_average_link(articles, gold)
    t_peer = time.perf_counter() - t0
    bpw = pairwise(base_pred, gold)
    rows.append([f"peer: TF-IDF average-link, oracle threshold (cos ≥ {base_sim:.2f})", *base_b3, *bpw,
                 len(set(base_pred.values())), f"{t_peer / n * 1e6:,.0f}"])
    singletons = {a.id: a.id for a in articles}
    rows.append(["baseline: every headline its own event", *bcubed(singletons, gold), *pairwise(singletons, gold),
                 n, "–"])
    by_day = {a.id: str(a.published.value.date()) for a in articles if a.published is not None}  # type: ignore[union-attr]
    rows.append(["baseline: one event per publication day", *bcubed(by_day, gold), *pairwise(by_day, gold),
                 len(set(by_day.values())), "–"])
    head = [
        f"{machine_line()}",
        "",
        "Command: `python benchmarks/events_bench.py ../shared/benchmarks` (all of docs/events.md's figures; "
        "`--only uci` for this section alone, or `python benchmarks/events_uci.py ../shared/benchmarks`). "
        f"{n:,} English headlines "
        f"(no body) from {len({a.source for a in articles}):,} publishers, {days[0]} to {days[-1]}, "
        f"{len(stories)} Google News stories (largest {max(stories.values())}, median "
        f"{sorted(stories.values())[len(stories) // 2]} headlines). µs/article: wall time of features and build "
        "(the peer: its whole clustering), one process, on a shared 2-core machine.",
        "",
        "",
    ]
    body = table(
        ["method", "B³ P", "B³ R", "B³ F1", "pair P", "pair R", "pair F1", "events", "µs/article"],
        [[c if isinstance(c, str | int) else f"{c:.3f}" for c in r] for r in rows],
    )
    cats = table(
        ["category", "headlines", "B³ P", "B³ R", "B³ F1"],
        [[c, k, f"{b[0]:.3f}", f"{b[1]:.3f}", f"{b[2]:.3f}"] for c, (k, b) in per_cat.items()],
    )
    halves_md, half_figures = halves_section(articles, gold)
    figures.update(half_figures)
    md = "\n".join(head) + body + "\n\nThe `default` builder by the set's category (b business, e entertainment, " \
        "m health, t science and technology):\n\n" + cats + "\n\n" + (
        f"The halves of the split frozen on {SPLIT_FROZEN} (story ids by `sha256(\"uci:<story id>\")`, see "
        "`SPLIT_FROZEN` in the script), each built and scored alone; the peer's threshold is chosen on each half "
        "itself. Builder changes since the split are tuned on the dev half only:\n\n"
    ) + halves_md
    return md, figures


def main(argv: Iterable[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--no-write", action="store_true", help=f"print only; do not update {PAGE}")
    ap.add_argument(
        "--halves",
        default=",".join(HALVES),
        help="comma-separated halves to measure (`dev` while tuning: only the dev half, nothing written)",
    )
    args = ap.parse_args(list(argv) if argv is not None else None)
    halves = tuple(h.strip() for h in args.halves.split(",") if h.strip())
    if not halves or set(halves) - set(HALVES):
        ap.error(f"--halves: choose among {', '.join(HALVES)}")
    md, figures = section(Path(args.benchmarks), halves)
    print(md)
    print({k: round(v, 4) for k, v in figures.items()})
    if not args.no_write and halves == HALVES:
        write_section("events-uci", md, PAGE)


if __name__ == "__main__":
    main()
