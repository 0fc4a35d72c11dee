"""The events build gives the same events as the build before the date gates (3b232df).

The date gates (4195187, b6777a7) let the build skip the candidates whose date
factor is surely 0; before them the build was rewritten for speed (bb946ca: features
decoded once, cached IDF weights, candidate counting by ``bincount``, a merge gate
cache), checked the same way against c6ffca4. None of that may change an
assignment, a title or any other field of an event.

``tests/data/events_build_golden.json`` holds, per corpus, a hash of the features
and hashes of the events the *old* build made from them (no text): the default
run, a persistent state (the first 60% of the articles, then all of them) and
``retire: false``. The test computes the features with the checkout's code, checks
that they hash as the golden run's did (the same input), builds with the checkout's
code and compares every hash.

The golden file records the features version it was written with. When the
features change on purpose (``FEATURES_VERSION`` bumped) the test **fails** until
the file is written again, deliberately, by the build before the gates reading the
new features: a worktree of 3b232df with the checkout's ``events/analysis.py`` laid
over it (since 3b232df only ``analysis.py`` and ``clustering.py`` changed in
``src/newscorpus/events/``, and the features' data format did not). From the
checkout::

    git worktree add ../wt-old 3b232df
    cp src/newscorpus/events/analysis.py ../wt-old/src/newscorpus/events/analysis.py
    PYTHONPATH=../wt-old/src python tests/test_events_build_equivalence.py \\
        --old-build "3b232df build, analysis.py of <commit>"
    git worktree remove --force ../wt-old

If the new ``analysis.py`` no longer runs on 3b232df's other modules, the old build
cannot be fed the new features: write the file with ``--current`` (the checkout's own
build) and say so here, as it then pins today's output and no longer proves that the
gates change nothing. A change of what the build decides (not only of how fast) is laid
over the old build the same way, so that the file still compares the gates alone. The
current file: features version 13 (version 12 with the tenfold rule for a town named
without evidence of its country and the Malaysian/Indonesian titles of ``names.yaml``),
written as version 12's was, with version 13's ``analysis.py``, ``places.py`` and
``names.yaml`` laid over the same tree. Version 12: features version 12 (GeoNames towns,
issue 19), written by 3b232df's build
(``git archive 3b232df src``) with the ``analysis.py``, ``places.py`` and
``data/town_words.txt`` of version 12 and the anchors' name evidence of 9fda19c laid over
it (``default.py`` and ``state.py`` of that change copied, its ``clustering.py`` diff
applied with ``git apply``), 9fda19c's ``default.py`` with version 12's one-line change
(``location()`` asks ``Gazetteer.place``, which knows the towns); version 11 before it
the same with version 11's ``analysis.py`` and ``places.py``; version 9 before it: the same with the ``analysis.py`` of
41cbb9c, and before that 3b232df's build with the ``analysis.py`` of ba9d406
(version 8: 4b4a9d8's).

Corpora: synthetic events over one year (merges, titles of multi-article events)
and over two years (sparser: few multi-article events, many dates far apart), and,
when ``../shared/benchmarks`` is present, ECB+ (real articles, no publication
dates: undated events, never retired) and malay-news (real Malay articles of six
outlets with their own publication dates, some undated).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from newscorpus.dedup.base import Meta
from newscorpus.events.analysis import FEATURES_VERSION
from newscorpus.events.base import FeatureFile, OrderedItems
from newscorpus.events.default import DefaultEventBuilder
from newscorpus.models import Article, Provenance, Timestamp
from newscorpus.serialize import event_to_json
from newscorpus.workdir import iter_jsonl_offsets

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "events_build_golden.json"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
REGENERATE = (
    "write tests/data/events_build_golden.json again with the build before the date gates reading the "
    "new features (see the docstring of tests/test_events_build_equivalence.py: a worktree of 3b232df "
    "with the checkout's events/analysis.py, then PYTHONPATH=../wt-old/src python "
    "tests/test_events_build_equivalence.py --old-build ...)"
)
sys.path.insert(0, str(ROOT / "benchmarks"))


def _synthetic(n: int, seed: int = 7, days: int = 365) -> list[Article]:
    from events_bench import synthetic_corpus

    return synthetic_corpus(n, seed=seed, days=days)[0]


def _ecbplus() -> list[Article]:
    from events_bench import load_ecbplus

    return load_ecbplus(BENCHMARKS)[0]


def _published(value: str | None) -> Timestamp | None:
    """malay-news dates: ``2022-12-16 15:14:00`` (read as UTC) or RFC 2822."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
    return Timestamp(when if when.tzinfo else when.replace(tzinfo=dt.UTC), "second", "header")


def _malay_news() -> list[Article]:
    """The feed items of August 2025 (four outlets, the same few days: many
    stories told by several), and every third other record (long articles of
    2018-2023, undated pages), in file order."""
    path = BENCHMARKS / "malay-news" / "articles.jsonl"
    out = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            r = json.loads(line)
            if r["text_kind"] != "rss_feed_summary" and i % 3:
                continue
            body = tuple(p.strip() for p in r["text"].split("\n") if p.strip())
            out.append(
                Article(
                    id=r["id"],
                    provenance=Provenance("malay-news", r["id"]),
                    title=r["title"] or "",
                    body=body,
                    language="ms",
                    published=_published(r["published"]),
                    source=r["source"],
                )
            )
    return out


def _has_benchmarks() -> bool:
    return (BENCHMARKS / "ecbplus-event-clusters" / "ecbplus_documents.jsonl.gz").exists() and (
        BENCHMARKS / "malay-news" / "articles.jsonl"
    ).exists()


#: name -> (articles, needs ../shared/benchmarks)
CORPORA: dict[str, tuple[Callable[[], list[Article]], bool]] = {
    # events of ~4 articles over one year: merges and titles of multi-article events
    "events-synthetic-2500": (lambda: _synthetic(2500), False),
    # two years of days, another seed: few articles a day, dates far apart
    "events-synthetic-2y-1500": (lambda: _synthetic(1500, seed=3, days=730), False),
    # real articles, no publication dates (undated events, never retired)
    "ecbplus": (_ecbplus, True),
    # real Malay news of six outlets, dated 2018-2025 as published (some undated)
    "malay-news-1461": (_malay_news, True),
}


def _write_features(articles: list[Article], path: Path) -> str:
    """Write the stage's feature file; return the hash of the features."""
    builder = DefaultEventBuilder()
    h = hashlib.sha256()
    with path.open("w", encoding="utf-8") as fh:
        for i, a in enumerate(articles):
            f = builder.features(a)
            h.update(json.dumps(f, sort_keys=True).encode())
            fh.write(json.dumps({"meta": attrs.asdict(Meta.of(a, 0, i)), "f": f}) + "\n")
    return h.hexdigest()


def _build(path: Path, limit: int | None = None, **options: object) -> Iterator[str]:
    """Events (as JSON lines) of the first ``limit`` articles of a feature file,
    built as the events stage builds them."""
    store = FeatureFile(path)
    table = OrderedItems()
    rows = [table.append(Meta(**rec["meta"]), ref=(store, off, n)) for off, n, rec in iter_jsonl_offsets(path)]
    table.select(rows[:limit])
    try:
        yield from (event_to_json(e) for e in DefaultEventBuilder(**options).build(table))
    finally:
        store.close()


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _hashes(name: str, tmp: Path) -> dict[str, object]:
    make, _ = CORPORA[name]
    articles = make()
    path = tmp / f"{name}.jsonl"
    out: dict[str, object] = {"articles": len(articles), "features": _write_features(articles, path)}
    events = list(_build(path))
    out["events"] = _digest(events)
    out["event_count"] = len(events)
    out["multi_article_events"] = sum(len(json.loads(e)["article_ids"]) > 1 for e in events)
    # A persistent state: the first 60% in one run, then all (the first ones come
    # back to their events without being clustered again).
    state = tmp / f"{name}.sqlite"
    first = list(_build(path, limit=len(articles) * 3 // 5, state=str(state)))
    again = list(_build(path, state=str(state)))
    out["state_runs"] = _digest([*first, "--", *again])
    out["no_retire"] = _digest(list(_build(path, retire=False)))
    return out


def _golden() -> dict[str, object]:
    golden: dict[str, object] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return golden


def test_golden_is_for_these_features() -> None:
    golden = _golden()
    version = golden.get("features_version")
    assert version == FEATURES_VERSION, (
        f"tests/data/events_build_golden.json was written from features version {version}, the code "
        f"computes version {FEATURES_VERSION}: the comparison needs the same input; {REGENERATE}"
    )
    assert set(golden["corpora"]) == set(CORPORA)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_same_events_as_the_build_before_the_gates(name: str, tmp_path: Path) -> None:
    golden = _golden()
    if golden.get("features_version") != FEATURES_VERSION:
        pytest.fail(
            f"golden features version {golden.get('features_version')} != code's {FEATURES_VERSION}; {REGENERATE}"
        )
    if CORPORA[name][1] and not _has_benchmarks():
        pytest.skip("../shared/benchmarks is absent")
    want = golden["corpora"][name]  # type: ignore[index]
    got = _hashes(name, tmp_path)
    assert got["articles"] == want["articles"], f"{name}: the corpus changed (article count); {REGENERATE}"
    assert got["features"] == want["features"], (
        f"{name}: the features differ from the golden run's at the same FEATURES_VERSION {FEATURES_VERSION} "
        "(features changed without a version bump? tests/test_events_features_equivalence.py tells which "
        f"articles), or the corpus changed; {REGENERATE}"
    )
    differ = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    assert not differ, f"{name}: the build's {', '.join(differ)} differ from the build before the gates"


def main(argv: list[str] | None = None) -> None:
    """Write the golden file with the build on ``sys.path`` (the old build)."""
    import tempfile

    import newscorpus

    ap = argparse.ArgumentParser(description="write tests/data/events_build_golden.json (see the docstring)")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--old-build", metavar="DESCRIPTION", help="the build code on PYTHONPATH, recorded in the file")
    group.add_argument("--current", action="store_true", help="the checkout's own build (pins today's output only)")
    args = ap.parse_args(argv)
    src = Path(newscorpus.__file__).resolve().parent.parent
    own = src == (ROOT / "src").resolve()
    if own and not args.current:
        raise SystemExit(f"newscorpus is imported from the checkout ({src}): set PYTHONPATH to the old build's src")
    if not _has_benchmarks():
        raise SystemExit(f"the golden file needs {BENCHMARKS}")
    corpora = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(CORPORA):
            corpora[name] = _hashes(name, Path(tmp))
            print(name, corpora[name], flush=True)
    out = {
        "features_version": FEATURES_VERSION,
        "built_by": "the checkout's own build (--current)" if args.current else args.old_build,
        "corpora": corpora,
    }
    GOLDEN.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", GOLDEN, "from", src)


if __name__ == "__main__":
    main()
