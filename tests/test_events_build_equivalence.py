"""The events build gives the same events as the build it replaced (c6ffca4).

The build was rewritten for speed (features decoded once, cached IDF weights,
candidate counting by ``bincount``, a merge gate cache); none of that may change an
assignment, a title or any other field of an event. ``tests/data/events_build_golden.json``
holds, per corpus, a hash of the features the old code computed and a hash of the
events it built from them (no text). A corpus whose features no longer hash the
same (the analysis changed) is skipped: the comparison needs the same input.

Regenerate the golden file with the old code only::

    git worktree add ../wt-old c6ffca4
    PYTHONPATH=../wt-old/src python tests/test_events_build_equivalence.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from newscorpus.dedup.base import Meta
from newscorpus.events.base import FeatureFile, OrderedItems
from newscorpus.events.default import DefaultEventBuilder
from newscorpus.models import Article, Provenance, Timestamp
from newscorpus.serialize import event_to_json
from newscorpus.workdir import iter_jsonl_offsets

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "events_build_golden.json"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT / "benchmarks"))


def _corpusgen(n: int, seed: int, benchmarks: Path | None) -> list[Article]:
    from corpusgen import generate

    out = []
    for r in generate(n, seed=seed, benchmarks=benchmarks):
        out.append(
            Article(
                id=r["id"],
                provenance=Provenance("corpusgen", r["id"]),
                title=r["title"],
                body=tuple(p.strip() for p in r["body"].split("\n") if p.strip()),
                language=r["language"],
                published=Timestamp(dt.datetime.fromisoformat(r["published"]), "second", "header"),
                source=r["source"],
            )
        )
    return out


def _synthetic(n: int) -> list[Article]:
    from events_bench import synthetic_corpus

    return synthetic_corpus(n)[0]


def _ecbplus() -> list[Article]:
    from events_bench import load_ecbplus

    return load_ecbplus(BENCHMARKS)[0]


def _has_benchmarks() -> bool:
    return (BENCHMARKS / "ecbplus-event-clusters" / "ecbplus_documents.jsonl.gz").exists()


#: name -> (articles, needs ../shared/benchmarks)
CORPORA: dict[str, tuple[Callable[[], list[Article]], bool]] = {
    # pseudo-words, two years of days: few multi-article events, many candidates
    "corpusgen-synthetic-800": (lambda: _corpusgen(800, 3, None), False),
    # events of ~4 articles over one year: merges and titles of multi-article events
    "events-synthetic-2500": (lambda: _synthetic(2500), False),
    # real news statistics (BBC, IndoSum, PANL-BPPT models)
    "corpusgen-real-1500": (lambda: _corpusgen(1500, 1, BENCHMARKS), True),
    # real articles, no publication dates (undated events, never retired)
    "ecbplus": (_ecbplus, True),
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


def _hashes(name: str, tmp: Path) -> dict[str, str]:
    make, _ = CORPORA[name]
    articles = make()
    path = tmp / f"{name}.jsonl"
    out = {"features": _write_features(articles, path)}
    out["events"] = hashlib.sha256("\n".join(_build(path)).encode()).hexdigest()
    # A persistent state: the first 60% in one run, then all (the first ones come
    # back to their events without being clustered again).
    state = tmp / f"{name}.sqlite"
    first = list(_build(path, limit=len(articles) * 3 // 5, state=str(state)))
    again = list(_build(path, state=str(state)))
    out["state_runs"] = hashlib.sha256("\n".join([*first, "--", *again]).encode()).hexdigest()
    out["no_retire"] = hashlib.sha256("\n".join(_build(path, retire=False)).encode()).hexdigest()
    return out


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_same_events_as_before(name: str, tmp_path: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    if CORPORA[name][1] and not _has_benchmarks():
        pytest.skip("../shared/benchmarks is absent")
    got = _hashes(name, tmp_path)
    if got["features"] != golden["features"]:
        pytest.skip(f"{name}: the features differ from the golden run's (the analysis changed); regenerate")
    assert got == golden


def main() -> None:
    """Write the golden file with the code on ``sys.path`` (the old build)."""
    import tempfile

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (_make, needs) in sorted(CORPORA.items()):
            if needs and not _has_benchmarks():
                raise SystemExit(f"{name} needs {BENCHMARKS}")
            out[name] = _hashes(name, Path(tmp))
            print(name, out[name], flush=True)
    GOLDEN.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
