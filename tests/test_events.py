"""The default event builder: seeds, hard negatives, persistence, the pipeline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from newscorpus import Pipeline, config_from_dict
from newscorpus.dedup.base import Meta
from newscorpus.errors import ConfigError
from newscorpus.events import EventItem
from newscorpus.events.analysis import analyse_text
from newscorpus.events.default import DefaultEventBuilder, event_id
from newscorpus.events.places import fold
from newscorpus.models import Article, Event, Provenance, Timestamp
from newscorpus.plugins import get_registry
from newscorpus.serialize import read_articles, read_events

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "events"


def items_of(builder: DefaultEventBuilder, articles: list[Article]) -> list[EventItem]:
    return [EventItem(Meta.of(a, 0, i), builder.features(a)) for i, a in enumerate(articles)]


def groups(events: list[Event]) -> set[frozenset[str]]:
    return {frozenset(e.article_ids) for e in events}


def has_name(participants: tuple[str, ...], name: str) -> bool:
    """``name`` is among the participants, spelling aside (Al-Thani = Al Thani)."""
    key = fold(name)
    return any(key in fold(p) for p in participants)


# -- the seeds, through the real parser --------------------------------------------------
@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("events-seeds")
    config = config_from_dict(
        {"execution": {"workers": 1}, "export": {"exporters": ["jsonl", "timeline"]}}
    )
    Pipeline(config).run([str(SEEDS)], out)
    return out


@pytest.fixture(scope="module")
def seed_articles(seeds_run: Path) -> dict[str, Article]:
    arts = {Path(a.provenance.path).name[:3]: a for a in read_articles(seeds_run / "articles.jsonl")}
    assert sorted(arts) == ["000", "001", "002", "003", "004"]
    return arts


def check_seed_events(events: list[Event], arts: dict[str, Article], with_000: bool) -> None:
    by_article = {aid: e for e in events for aid in e.article_ids}
    assert len(events) == 4
    moscow = by_article[arts["002"].id]
    if with_000:
        assert by_article[arts["000"].id] is moscow
    others = {by_article[arts[k].id].id for k in ("001", "003", "004")}
    assert len(others) == 3 and moscow.id not in others
    assert moscow.date.start == moscow.date.end == dt.date(2025, 4, 17)
    assert moscow.date.precision == "day"
    assert moscow.date.method == "relative-weekday"
    assert moscow.location == "Moscow"
    assert has_name(moscow.participants, "Putin")
    assert has_name(moscow.participants, "Tamim bin Hamad Al Thani")
    assert moscow.builder == "default"


def test_seeds_builder_alone_joins_000_and_002(seed_articles: dict[str, Article]) -> None:
    b = DefaultEventBuilder()
    events = list(b.build(items_of(b, list(seed_articles.values()))))
    check_seed_events(events, seed_articles, with_000=True)
    moscow = next(e for e in events if seed_articles["002"].id in e.article_ids)
    assert moscow.languages == ("en", "id")
    # The Indonesian one says "pada hari Kamis"; the English one dates it.
    assert "Tamim bin Hamad Al Thani" in moscow.participants  # the fuller spelling wins a tie


def test_seeds_as_the_pipeline_passes_them(seed_articles: dict[str, Article]) -> None:
    # With 000 linked as a translation of 002, the builder only sees the other four.
    b = DefaultEventBuilder()
    primaries = [a for k, a in sorted(seed_articles.items()) if k != "000"]
    events = list(b.build(items_of(b, primaries)))
    assert len(events) == 4
    moscow = next(e for e in events if seed_articles["002"].id in e.article_ids)
    assert moscow.date.start == dt.date(2025, 4, 17)
    assert moscow.location == "Moscow"
    assert has_name(moscow.participants, "Putin")
    assert has_name(moscow.participants, "Tamim bin Hamad Al Thani")


def test_seeds_pipeline_events_and_timeline(seeds_run: Path, seed_articles: dict[str, Article]) -> None:
    events = list(read_events(seeds_run / "events.jsonl"))
    check_seed_events(events, seed_articles, with_000=True)
    arts = list(read_articles(seeds_run / "articles.jsonl"))
    assert {a.event_id for a in arts} == {e.id for e in events}
    other = next(e for e in events if seed_articles["003"].id in e.article_ids)
    assert other.date.start == dt.date(2025, 2, 4) and other.date.method == "explicit"  # "Senin (4/2/2025)"
    png = (seeds_run / "timeline.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    page = (seeds_run / "timeline.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script src" not in page and "<link" not in page  # self-contained
    for e in events:
        assert e.title.replace("&", "&amp;")[:30] in page
    assert "undated" in page  # 001 and 004 only say a weekday


# -- hard negatives ----------------------------------------------------------------------
def load_group(name: str) -> tuple[list[Article], dict[str, str]]:
    data = yaml.safe_load((DATA / "hard_negatives.yaml").read_text(encoding="utf-8"))[name]
    articles, gold = [], {}
    for a in data:
        articles.append(
            Article(
                id=a["id"],
                provenance=Provenance("tests/data/events/hard_negatives.yaml", a["id"]),
                title=a["title"],
                body=tuple(a["body"]),
                language=a["language"],
                published=Timestamp(str(a["published"]), "day", "header"),
            )
        )
        gold[a["id"]] = a["event"]
    return articles, gold


@pytest.mark.parametrize("group", ["rehab", "ministers", "followup"])
def test_same_kind_is_not_same_event(group: str) -> None:
    articles, gold = load_group(group)
    b = DefaultEventBuilder()
    found = groups(list(b.build(items_of(b, articles))))
    expected = {frozenset(i for i in gold if gold[i] == ev) for ev in set(gold.values())}
    assert found == expected


def test_ministers_without_dates_are_one_event() -> None:
    # The date is what separates the two meetings: without it they are one.
    articles, _gold = load_group("ministers")
    undated = [Article(**{**_fields(a), "published": None}) for a in articles]
    b = DefaultEventBuilder()
    assert len(list(b.build(items_of(b, undated)))) == 1


def _fields(a: Article) -> dict[str, Any]:
    return {f: getattr(a, f) for f in ("id", "provenance", "title", "subtitle", "body", "language", "published")}


def test_pair_scorer_orders_pairs() -> None:
    articles, _ = load_group("rehab")
    b = DefaultEventBuilder()
    score = b.pair_scorer(items_of(b, articles))
    assert score("rehab-a1", "rehab-a2") > 0.5 > 0.2 > score("rehab-a1", "rehab-b1")
    assert score("rehab-a2", "rehab-b1") < b.params.threshold


# -- records, determinism, robustness ----------------------------------------------------------
def test_event_ids_are_stable_and_deterministic(seed_articles: dict[str, Article]) -> None:
    b = DefaultEventBuilder()
    arts = list(seed_articles.values())
    first = list(b.build(items_of(b, arts)))
    second = list(DefaultEventBuilder().build(items_of(b, list(reversed(arts)))))
    assert [(e.id, e.article_ids, e.title, e.participants) for e in first] == [
        (e.id, e.article_ids, e.title, e.participants) for e in second
    ]
    for e in first:
        assert e.id in {event_id(aid) for aid in e.article_ids}


def test_unusable_features_make_an_event_of_their_own() -> None:
    b = DefaultEventBuilder()
    art = Article(id="x", provenance=Provenance("p"), title="Putin meets Tamim in Moscow", language="en")
    items = [*items_of(b, [art]), EventItem(Meta("y", 0, 1), {"v": -1}), EventItem(Meta("z", 0, 2), None)]
    events = list(b.build(items))
    assert groups(events) == {frozenset({"x"}), frozenset({"y"}), frozenset({"z"})}
    assert all(e.date.precision == "unknown" for e in events if e.article_ids != ("x",))


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ValueError, match="treshold"):
        DefaultEventBuilder(treshold=0.3)


def test_features_are_compact_json(seed_articles: dict[str, Article]) -> None:
    b = DefaultEventBuilder()
    for a in seed_articles.values():
        text = json.dumps(b.features(a))
        assert len(text) < 6000
        assert b.analysis_of(json.loads(text)) is not None


def test_builtin_registration() -> None:
    reg = get_registry(entry_points=False)
    assert reg.get("event_builder", "default") is DefaultEventBuilder
    assert reg.get("exporter", "timeline").__name__ == "TimelineExporter"


def test_names_across_spellings() -> None:
    a = analyse_text(
        "Putin meets Qatar's emir",
        ["MOSCOW - Russian President Vladimir Putin met Sheikh Tamim bin Hamad Al-Thani on Thursday.",
         "The talks were held in the Kremlin."],
        language="en", published=None,
    )
    b = analyse_text(
        "Putin bertemu Emir Qatar",
        ["Presiden Rusia Vladimir Putin bertemu Emir Qatar Sheikh Tamim bin Hamad Al Thani di Moskow.",
         "Pembicaraan berlangsung di Kremlin."],
        language="id", published=None,
    )
    assert {"putin", "tamim", "thani", "@RU", "@QA", "@Europe/Moscow"} <= set(a.entities) & set(b.entities)
    names_a = {n.display for n in a.names}
    assert "Vladimir Putin" in names_a and "Tamim bin Hamad Al-Thani" in names_a
    assert not {"The", "Russian", "President", "Sheikh", "Thursday"} & names_a
    assert "Pembicaraan" not in {n.display for n in b.names}


# -- a corpus that grows run by run ---------------------------------------------------------------
def test_state_lets_later_runs_join_earlier_events(tmp_path: Path) -> None:
    articles, gold = load_group("followup")
    state = tmp_path / "events.sqlite"
    b = DefaultEventBuilder(state=str(state))
    run1 = list(b.build(items_of(b, articles[:1])))
    assert len(run1) == 1
    run2 = list(DefaultEventBuilder(state=str(state)).build(items_of(b, articles[1:])))
    by_article = {aid: e for e in run2 for aid in e.article_ids}
    assert by_article["quake-a2"].id == run1[0].id  # joined the earlier run's event
    assert by_article["quake-a2"].extras["earlier_articles"] == 1
    assert by_article["quake-b1"].id != run1[0].id  # the follow-up is another event
    # Running the same articles again puts them back where they were.
    again = list(DefaultEventBuilder(state=str(state)).build(items_of(b, articles)))
    assert {aid: e.id for e in again for aid in e.article_ids} == {
        "quake-a1": run1[0].id, "quake-a2": run1[0].id, "quake-b1": by_article["quake-b1"].id
    }
    assert gold["quake-a1"] == gold["quake-a2"]


def test_state_keeps_the_events_a_long_run_closed(tmp_path: Path, day_story: Callable[..., Article]) -> None:
    # Run 1 spans 80 days: most events close (and are saved) long before it ends.
    state = tmp_path / "events.sqlite"
    start = dt.date(2025, 1, 1)
    first = [day_story(i, start + dt.timedelta(days=i)) for i in range(80)]
    b = DefaultEventBuilder(state=str(state))
    run1 = {aid: e.id for e in b.build(items_of(b, first)) for aid in e.article_ids}
    assert len(set(run1.values())) == 80
    # Run 2 retells a story of day 3 (closed and saved early in run 1) and a story
    # of day 79 (open when run 1 ended), and brings a new one.
    retold = [day_story(i, start + dt.timedelta(days=i), "-again") for i in (3, 79)]
    fresh = day_story(500, start + dt.timedelta(days=90))
    b2 = DefaultEventBuilder(state=str(state))
    run2 = {aid: e for e in b2.build(items_of(b2, [*retold, fresh])) for aid in e.article_ids}
    assert run2["day003-again"].id == run1["day003"]
    assert run2["day003-again"].extras["earlier_articles"] == 1
    assert run2["day079-again"].id == run1["day079"]
    assert run2["day500"].id not in run1.values()
    # Every article of both runs is in the state, in its event.
    import sqlite3

    with sqlite3.connect(state) as conn:
        stored = dict(conn.execute("SELECT id, event_id FROM articles"))
        n_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert stored == {**run1, **{aid: e.id for aid, e in run2.items()}}
    assert n_events == 81


def test_state_of_another_builder_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "events.sqlite"
    articles, _ = load_group("rehab")
    b = DefaultEventBuilder(state=str(state))
    list(b.build(items_of(b, articles)))

    class Other(DefaultEventBuilder):
        name = "other"

    with pytest.raises(ConfigError, match="builder"):
        list(Other(state=str(state)).build(items_of(b, articles)))


def test_items_read_from_files_build_the_same_events_as_items_in_memory(tmp_path: Path) -> None:
    # The events stage keeps offsets, not features; the builder must not notice.
    from newscorpus.events.base import FeatureFile
    from newscorpus.workdir import iter_jsonl_offsets

    b = DefaultEventBuilder()
    articles = [a for group in ("rehab", "ministers", "followup") for a in load_group(group)[0]]
    eager = items_of(b, articles)
    store = FeatureFile(write_features(tmp_path / "features.jsonl", eager))
    lazy = [EventItem(Meta(**rec["meta"]), ref=(store, off, n)) for off, n, rec in iter_jsonl_offsets(Path(store.path))]
    store.close()  # a read after close opens the file again
    assert [it.features for it in lazy] == [it.features for it in eager]
    got = [sorted(e.article_ids) for e in b.build(lazy)]
    want = [sorted(e.article_ids) for e in b.build([EventItem(it.meta, it.features) for it in lazy])]
    assert got == want and len(got) >= 2
    store.close()


def test_ordered_items_hand_out_articles_in_publication_order() -> None:
    from newscorpus.events.base import OrderedItems, publication_order

    metas = [Meta("b", 0, 0, "2025-04-18", 10, "Reuters", "en"), Meta("a", 0, 1, "", 5),
             Meta("c", 1, 0, "2025-04-17T09:00:00+00:00", 7, "Kompas", "id"),
             Meta("a2", 1, 1, "2025-04-18", 3, "Reuters", "en"), Meta("dup", 1, 2, "2025-04-17")]
    table = OrderedItems()
    rows = [table.append(m, ref=None) for m in metas]
    assert [table.meta(r) for r in rows] == metas  # every field kept
    table.select(rows[:4])  # "dup" is in the table but not handed out
    want = sorted(metas[:4], key=publication_order)
    assert [it.meta for it in table] == want == [it.meta for it in table]  # re-iterable
    assert [m.id for m in want] == ["c", "a2", "b", "a"]  # undated last, ties by id
    assert len(table) == 4 and "dup" in table and "zz" not in table
    assert [table.handed_out(table.row(i)) for i in ("a", "dup")] == [True, False]
    assert list(table.rows()) == [table.row(m.id) for m in want]


def test_the_default_builder_reads_ordered_items_as_it_reads_a_list(tmp_path: Path) -> None:
    from newscorpus.events.base import FeatureFile, OrderedItems
    from newscorpus.workdir import iter_jsonl_offsets

    b = DefaultEventBuilder()
    articles = [a for group in ("rehab", "ministers", "followup") for a in load_group(group)[0]]
    eager = items_of(b, articles)
    path = write_features(tmp_path / "features.jsonl", eager[::-1])  # file order is not publication order
    store = FeatureFile(path)
    table = OrderedItems()
    table.select([table.append(Meta(**rec["meta"]), ref=(store, off, n)) for off, n, rec in iter_jsonl_offsets(path)])
    got = [(e.id, e.article_ids, e.title, e.date) for e in b.build(table)]
    want = [(e.id, e.article_ids, e.title, e.date) for e in b.build(eager)]
    store.close()
    assert got == want and len(got) >= 2


def write_features(path: Path, items: list[EventItem]) -> Path:
    """A features file as the parse tasks write it: one ``{"meta", "f"}`` record per item."""
    import attrs

    with open(path, "w", encoding="utf-8") as fh:
        for it in items:
            fh.write(json.dumps({"meta": attrs.asdict(it.meta), "f": it.features}, ensure_ascii=False) + "\n")
    return path


BAD_BUILDERS = '''
from newscorpus.events.default import DefaultEventBuilder
from newscorpus.hookspecs import hookimpl
import attrs


class Twice(DefaultEventBuilder):
    name = "twice"

    def build(self, items):
        events = list(super().build(items))
        yield from events
        yield attrs.evolve(events[0], article_ids=events[-1].article_ids)


class Leaves(DefaultEventBuilder):
    name = "leaves"

    def build(self, items):
        events = list(super().build(items))
        yield from events[1:]


class SameId(DefaultEventBuilder):
    name = "same_id"

    def build(self, items):
        events = list(super().build(items))
        yield from (attrs.evolve(e, id="e-1") for e in events)


class Invents(DefaultEventBuilder):
    name = "invents"

    def build(self, items):
        events = list(super().build(items))
        yield from events
        yield attrs.evolve(events[0], id="e-new", article_ids=("no-such-article",))


@hookimpl
def register_event_builders(register):
    for cls in (Twice, Leaves, SameId, Invents):
        register(cls)
'''


@pytest.mark.parametrize(("builder", "message"), [
    ("twice", "put article .* in two events"),
    ("leaves", "left 1 articles without an event"),
    ("same_id", "yielded event id 'e-1' twice"),
    ("invents", "put article 'no-such-article', which it was not given, in an event"),
])
def test_a_builder_that_breaks_the_contract_fails_the_run_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builder: str, message: str
) -> None:
    (tmp_path / "bad_builders_plugin.py").write_text(BAD_BUILDERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = config_from_dict({"plugins": ["bad_builders_plugin"], "execution": {"workers": 1},
                            "events": {"builder": builder}})
    with pytest.raises(Exception, match=f"event builder '{builder}' {message}"):
        Pipeline(cfg).run([str(SEEDS)], tmp_path / "out")
    assert not list((tmp_path / "out").rglob("built.jsonl.tmp-*"))  # no scratch file left
