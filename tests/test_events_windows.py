"""A windowed events build gives the single pass's events, byte for byte.

The events stage may build time windows in parallel (``execution.event_windows``)
and stitch them (``newscorpus.events.base.stitch_windows``): a window's own events
are kept where its warmed-up state matches the pass's state at its first day, and
the pass is rebuilt through the window otherwise. Both paths must give exactly
what ``DefaultEventBuilder.build`` gives, for any number of windows.
"""

from __future__ import annotations

import itertools
import json
import pickle
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus import Pipeline, config_from_dict
from newscorpus.dedup.base import Meta
from newscorpus.errors import ConfigError
from newscorpus.events import default as default_module
from newscorpus.events.base import FeatureFile, OrderedItems, WindowEnds, stitch_windows
from newscorpus.events.default import DefaultEventBuilder
from newscorpus.executors.local import LocalExecutor
from newscorpus.models import Event
from newscorpus.runtime import Plan
from newscorpus.serialize import event_to_json
from newscorpus.workdir import iter_jsonl_offsets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OrderedItems, Path]]:
    """The synthetic year of events (about four articles each) as the stage's
    feature file and table."""
    from events_bench import synthetic_corpus

    articles = synthetic_corpus(900, seed=11, days=240)[0]
    path = tmp_path_factory.mktemp("windows") / "features.jsonl"
    builder = DefaultEventBuilder()
    with path.open("w", encoding="utf-8") as fh:
        for i, a in enumerate(articles):
            fh.write(json.dumps({"meta": attrs.asdict(Meta.of(a, 0, i)), "f": builder.features(a)}) + "\n")
    store = FeatureFile(path)
    table = OrderedItems()
    rows = [table.append(Meta(**rec["meta"]), ref=(store, off, n)) for off, n, rec in iter_jsonl_offsets(path)]
    table.select(rows)
    yield table, path
    store.close()


def _windowed(table: OrderedItems, count: int, stats: Counter[str]) -> list[str]:
    builder = DefaultEventBuilder()
    bounds = builder.window_bounds(table, count)
    built: list[tuple[WindowEnds, list[Event]]] = []
    for k in range(len(bounds) + 1):
        events: list[Event] = []
        ends = DefaultEventBuilder().build_window(table, bounds, k, events.append)  # a fresh worker each
        built.append((ends, events))
    stitched = stitch_windows(
        builder, table, bounds,
        lambda k: built[k][0],
        lambda k: built[k][1],
        lambda k: built[k][0].state_bytes() or b"",
        stats,
    )
    return [event_to_json(e) for e in stitched]


@pytest.mark.parametrize("count", [2, 3, 7])
def test_windows_give_the_single_pass_events(corpus: tuple[OrderedItems, Path], count: int) -> None:
    table, _ = corpus
    single = [event_to_json(e) for e in DefaultEventBuilder().build(table)]
    assert sum(len(json.loads(e)["article_ids"]) > 1 for e in single) > 50  # events that span days
    stats: Counter[str] = Counter()
    assert _windowed(table, count, stats) == single
    bounds = DefaultEventBuilder().window_bounds(table, count)
    assert len(bounds) == count - 1
    assert stats["windows_joined"] + stats["windows_rebuilt"] == len(bounds)
    assert stats["windows_joined"] >= 1  # the warm-up reaches the pass's state


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count=st.integers(2, 9), seed=st.integers(0, 2**16), keep=st.floats(0.3, 1.0))
def test_any_windows_of_any_subset_give_the_single_pass_events(
    corpus: tuple[OrderedItems, Path], count: int, seed: int, keep: float
) -> None:
    """Property: whatever the number of windows and whichever articles a run has
    (a random share of the corpus), the stitched events are the single pass's."""
    import random

    _, path = corpus
    rng = random.Random(seed)
    store = FeatureFile(path)
    some = OrderedItems()
    rows = [some.append(Meta(**rec["meta"]), ref=(store, off, n))
            for off, n, rec in iter_jsonl_offsets(path) if rng.random() < keep]
    some.select(rows)
    try:
        single = [event_to_json(e) for e in DefaultEventBuilder().build(some)]
        stats: Counter[str] = Counter()
        assert _windowed(some, count, stats) == single
        assert sum(len(json.loads(e)["article_ids"]) for e in single) == len(rows)  # nothing lost
    finally:
        store.close()


def test_a_window_without_warm_up_is_rebuilt_to_the_same_events(
    corpus: tuple[OrderedItems, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows that start cold disagree with the pass at their first day (events
    are open there): the stitch rebuilds them from the previous window's end state."""
    table, _ = corpus
    single = [event_to_json(e) for e in DefaultEventBuilder().build(table)]
    monkeypatch.setattr(default_module, "WARMUP_HORIZONS", 0)
    stats: Counter[str] = Counter()
    assert _windowed(table, 4, stats) == single
    assert stats["windows_rebuilt"] + stats["windows_joined_late"] == 3 and not stats["windows_joined"]


@pytest.mark.parametrize("first", [0.5, 1, 2])
def test_a_rebuilt_window_joins_at_a_checkpoint_to_the_same_events(
    corpus: tuple[OrderedItems, Path], monkeypatch: pytest.MonkeyPatch, first: float
) -> None:
    """Cold windows disagree at their first day, but once the stories open there
    have closed the rebuilt pass meets a window's checkpoint: from there the
    window's own events are kept, still the single pass's."""
    table, _ = corpus
    single = [event_to_json(e) for e in DefaultEventBuilder().build(table)]
    monkeypatch.setattr(default_module, "WARMUP_HORIZONS", 0)
    monkeypatch.setattr(default_module, "FIRST_CHECKPOINT_HORIZONS", first)
    stats: Counter[str] = Counter()
    assert _windowed(table, 3, stats) == single
    assert stats["windows_joined_late"] >= 1 and not stats["windows_joined"]


@pytest.mark.parametrize("count", [2, 3])
def test_a_window_built_from_its_part_is_the_window_built_from_the_table(
    corpus: tuple[OrderedItems, Path], count: int
) -> None:
    """The events stage gives a window only its part of the run's table (its
    warm-up included) and the run's document frequencies: the same events, ends
    and saved state as the window built over the whole table."""
    table, _ = corpus
    builder = DefaultEventBuilder()
    bounds = builder.window_bounds(table, count)
    context = builder.window_context(table)
    for k in range(len(bounds) + 1):
        whole: list[Event] = []
        ends = DefaultEventBuilder().build_window(table, bounds, k, whole.append)
        start, stop = builder.window_span(table, bounds, k)
        part = table.part(start, stop)
        assert part.first_rank == start and len(part) == stop - start < len(table)
        assert list(part.ids) == [table.ids[r] for r in list(table.rows())[start:stop]]
        alone: list[Event] = []
        ends_part = DefaultEventBuilder().build_window(part, bounds, k, alone.append, context)
        assert [event_to_json(e) for e in alone] == [event_to_json(e) for e in whole]
        saved = attrs.evolve(ends_part, state=ends_part.state_bytes())
        assert saved == attrs.evolve(ends, state=ends.state_bytes())


def test_a_part_of_a_part_keeps_its_place_in_the_order(corpus: tuple[OrderedItems, Path]) -> None:
    table, _ = corpus
    part = table.part(100, 400).part(50, 120)
    assert part.first_rank == 150 and len(part) == 70
    rows = list(table.rows())
    assert [part.meta(r) for r in part.rows()] == [table.meta(r) for r in rows[150:220]]
    assert [it.features for it in part][:3] == [table.item(r).features for r in rows[150:153]]


@given(st.lists(st.text(), max_size=30))
def test_a_text_column_gives_back_what_it_was_given(values: list[str]) -> None:
    from newscorpus.events.base import TextColumn

    column = TextColumn(values)
    assert len(column) == len(values) and list(column) == values
    assert [column[i] for i in range(len(values))] == values
    if values:
        assert column[-1] == values[-1]
    with pytest.raises(IndexError):
        column[len(values)]


def test_checkpoints_come_often_after_the_first_day_then_less_often(
    corpus: tuple[OrderedItems, Path]
) -> None:
    """Checkpoints at half a horizon after a window's first day, then at gaps that
    double: a rebuilt pass that meets the window ``t`` days in stops within ``2t``
    days and half a horizon, and a long window records only a few."""
    table, _ = corpus
    builder = DefaultEventBuilder()
    bounds = builder.window_bounds(table, 2)
    ends = builder.build_window(table, bounds, 1, lambda e: None)
    days = [day for day, _print, _n in ends.checkpoints]
    gap = round(default_module.FIRST_CHECKPOINT_HORIZONS * builder.horizon())
    assert len(days) >= 2, "the fixture's second window spans several horizons"
    assert gap <= days[0] - bounds[0] < builder.horizon()
    for i, (a, b) in enumerate(itertools.pairwise(days)):
        assert b - a >= gap * 2 ** (i + 1)
    closed = [n for _day, _print, n in ends.checkpoints]
    assert closed == sorted(closed)


def test_a_saved_state_goes_on_as_the_live_one(corpus: tuple[OrderedItems, Path], tmp_path: Path) -> None:
    table, _ = corpus
    builder = DefaultEventBuilder()
    bounds = builder.window_bounds(table, 2)
    first: list[Event] = []
    ends = builder.build_window(table, bounds, 0, first.append)
    saved = ends.state_bytes()
    assert saved is not None and ends.end is not None
    loaded = default_module._Stream.load(saved)
    loaded.attach(builder, builder._window_vectoriser(table))
    assert loaded.fingerprint() == ends.end
    # The stage writes the state into a file as it pickles and resumes from the file.
    path = tmp_path / "00000.state"
    with path.open("wb") as fh:
        ends.write_state(fh)
    assert path.read_bytes() == saved
    rest: list[Event] = []
    end, state, met = builder.resume_window(table, bounds, 1, path, rest.append)
    assert end is None and state is None and met is None  # the last window closes every event
    single = [event_to_json(e) for e in DefaultEventBuilder().build(table)]
    assert [event_to_json(e) for e in first + rest] == single


def test_unreadable_and_missing_dates_stay_in_their_place(
    corpus: tuple[OrderedItems, Path]
) -> None:
    """An article whose date cannot be read sorts among the dated ones (by its
    string) and closes nothing; undated ones come last: windows keep both where
    the single pass has them."""
    _, path = corpus
    store = FeatureFile(path)
    odd = OrderedItems()
    rows = []
    for i, (off, n, rec) in enumerate(iter_jsonl_offsets(path)):
        meta = Meta(**rec["meta"])
        if i % 37 == 0:  # day 32 of its month: sorts in among the dated, reads as no day
            meta = attrs.evolve(meta, published=meta.published[:8] + "32" + meta.published[10:])
        elif i % 41 == 0:
            meta = attrs.evolve(meta, published="")
        rows.append(odd.append(meta, ref=(store, off, n)))
    odd.select(rows)
    try:
        assert any(odd.published[r][8:10] == "32" for r in list(odd.rows())[100:-100])
        single = [event_to_json(e) for e in DefaultEventBuilder().build(odd)]
        assert _windowed(odd, 3, Counter()) == single
    finally:
        store.close()


class _Shell:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return (os.system, ("echo owned",))


def test_a_saved_state_may_name_only_what_a_state_holds(corpus: tuple[OrderedItems, Path]) -> None:
    """A work folder is not trusted to run code: a planted state is refused."""
    table, _ = corpus
    builder = DefaultEventBuilder()
    bounds = builder.window_bounds(table, 2)
    for planted in (pickle.dumps(_Shell()), pickle.dumps(getattr)):
        with pytest.raises(pickle.UnpicklingError, match="may not name"):
            builder.resume_window(table, bounds, 1, planted, lambda e: None)


def test_window_bounds_split_the_dated_articles(corpus: tuple[OrderedItems, Path]) -> None:
    table, _ = corpus
    builder = DefaultEventBuilder()
    assert builder.window_bounds(table, 1) == []
    bounds = builder.window_bounds(table, 4)
    assert bounds == sorted(set(bounds)) and len(bounds) == 3
    assert builder.supports_windows
    assert not DefaultEventBuilder(retire=False).supports_windows
    assert not DefaultEventBuilder(state="events.sqlite").supports_windows


def _dated_corpus(path: Path) -> None:
    """Stories told over several days by several outlets, a year of them."""
    from events_bench import synthetic_corpus

    articles = synthetic_corpus(240, seed=5, days=150)[0]
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            assert a.published is not None
            fh.write(json.dumps({"id": a.id, "title": a.title, "body": "\n\n".join(a.body),
                                 "published": str(a.published.value), "source": a.source,
                                 "language": a.language}) + "\n")


def test_the_pipeline_builds_windows_and_exports_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = tmp_path / "news.jsonl"
    _dated_corpus(inp)
    # The executor is asked for fresh workers right before the windows, only then.
    calls: list[str] = []
    real_map = LocalExecutor.map
    monkeypatch.setattr(LocalExecutor, "release_workers", lambda self: calls.append("release"))
    monkeypatch.setattr(LocalExecutor, "map", lambda self, fn, tasks, done: (
        calls.append(tasks[0].stage), real_map(self, fn, tasks, done))[-1])
    reports = {}
    for windows in (1, 3):
        calls.clear()
        cfg = config_from_dict({"execution": {"workers": 1, "event_windows": windows}})
        reports[windows] = Pipeline(cfg).run([str(inp)], tmp_path / f"w{windows}")
        if windows > 1:
            assert calls[calls.index("release") + 1] == "events-window" and calls.count("release") == 1
        else:
            assert "release" not in calls and "events-window" not in calls
    for name in ("articles.jsonl", "events.jsonl", "duplicates.jsonl"):
        assert (tmp_path / "w3" / name).read_bytes() == (tmp_path / "w1" / name).read_bytes(), name
    one = json.loads((tmp_path / "w1" / "report.json").read_text())
    three = json.loads((tmp_path / "w3" / "report.json").read_text())
    assert "events-window" in three["timings_seconds"] and "events-window" not in one["timings_seconds"]
    assert three["events"]["windows"] == 3 and one["events"]["windows"] == 1
    assert three["events"]["events"] == one["events"]["events"] > 0
    assert three["events"]["windows_joined"] + three["events"].get("windows_rebuilt", 0) == 2
    assert reports[3].balanced


def test_event_windows_config_and_plan() -> None:
    cfg = config_from_dict({"execution": {"event_windows": 4}})
    assert cfg.execution.event_windows == 4
    with pytest.raises(ConfigError, match="event_windows"):
        config_from_dict({"execution": {"event_windows": -1}})
    plan = Plan(shards=((),), readers={}, partitions=1, files=(), event_windows=3)
    assert Plan.from_dict(plan.to_dict()) == plan
    old = plan.to_dict()
    del old["event_windows"]  # a plan written before windows: one pass
    assert Plan.from_dict(old).event_windows == 1


def test_only_members_that_joined_an_event_keep_their_vectors(corpus: tuple[OrderedItems, Path]) -> None:
    """An event's founder keeps no vectors (most events keep one article); the
    articles that join it do, and a grown event's founder is read again when its
    title is chosen: the events are the single pass's all the same."""
    table, _ = corpus
    builder = DefaultEventBuilder()
    stream = default_module._Stream(builder, builder._window_vectoriser(table), None)
    for rank, row in enumerate(table.rows()):
        stream.feed(rank, table.item(row))
        if rank == len(table) // 2:
            break
    clusterer = stream.clusterer
    founded = {c.id for c in clusterer.clusters.values()} | set(clusterer.absorbed)  # ids come from founders
    kept = [(m.vectors is not None, default_module.event_id(m.item.meta.id) in founded)
            for members in stream.run.members.values() for m in members if m.title is not None]
    assert all(has != founder for has, founder in kept)
    assert any(has for has, _ in kept) and any(founder for _, founder in kept)
    grown = [ms for ms in stream.run.members.values() if len(ms) > 1]
    assert grown  # events whose founder is read again at close
