"""SQLite and DuckDB exports: keys, round trips with the JSONL export, confinement."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import duckdb
import pytest
from newscorpus_sql import DuckDbExporter, SqliteExporter, read_sql_articles, read_sql_events

from newscorpus.config import config_from_dict
from newscorpus.exporters import DuplicateRow, ExportContext
from newscorpus.models import Article, Event, EventDate, Provenance, Removal, Timestamp
from newscorpus.pipeline import Pipeline
from newscorpus.plugins import get_registry
from newscorpus.serialize import read_articles, read_events

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def corpus() -> tuple[list[Article], list[Event], list[DuplicateRow]]:
    event = Event(id="ev-1", title="Harbour reopens", date=EventDate(dt.date(2024, 3, 12), dt.date(2024, 3, 12), "day",
                                                                      "published"),
                  article_ids=("../../etc/x", "b"), languages=("en",))
    arts = [
        Article(id="../../etc/x", provenance=Provenance("in/a.html", 0, "html", "html", "https://x.example/a"),
                title="Title with '; DROP TABLE articles; --", body=("First.", "Second."),
                published=Timestamp(dt.datetime(2024, 3, 12, 9, 30, tzinfo=dt.UTC), "second", "html-meta"),
                url="file:///etc/passwd", event_id="ev-1",
                removed=(Removal("Share:", "footer.share", "footers", "a share line", "body", 2),
                         Removal("By X", "parser.byline", "plaintext", moved_to="credits")),
                extras={"html": {"keywords": ["a", "b"]}}),
        Article(id="b", provenance=Provenance("in/b.jsonl", 120, "jsonl", "record"), title="B", body=("Body.",),
                event_id="ev-1", duplicate_of="../../etc/x"),
    ]
    dups = [DuplicateRow("b", "../../etc/x", "duplicate", "exact", 1.0),
            DuplicateRow("dropped-one", "../../etc/x", "duplicate", "near", 0.91)]  # not exported (drop mode)
    return arts, [event], dups


def context(out: Path) -> ExportContext:
    arts, events, dups = corpus()
    return ExportContext(output_dir=out, articles=lambda: iter(arts), events=lambda: iter(events),
                         duplicates=lambda: iter(dups), report={})


@pytest.mark.parametrize("exporter", [SqliteExporter, DuckDbExporter])
def test_round_trip_and_keys(tmp_path: Path, exporter: type) -> None:
    (db,) = exporter().export(context(tmp_path))
    assert db.parent == tmp_path and sorted(p.name for p in tmp_path.iterdir()) == [db.name]
    arts, events, _ = corpus()
    assert list(read_sql_articles(db)) == arts
    assert list(read_sql_events(db)) == events
    con = sqlite3.connect(db) if db.suffix == ".sqlite" else duckdb.connect(str(db), read_only=True)
    tables = {"articles": 2, "events": 1, "removals": 2, "duplicates": 2}
    for table, n in tables.items():
        assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == n
    # Keys hold: a second article with the same id, or a removal of an unknown article, is refused.
    if db.suffix == ".sqlite":
        con.execute("PRAGMA foreign_keys = ON")
        errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
    else:
        con.close()
        con = duckdb.connect(str(db))
        errors = (duckdb.ConstraintException,)
    with pytest.raises(errors):
        con.execute("INSERT INTO articles (id, ordinal) VALUES ('b', 9)")
    with pytest.raises(errors):
        con.execute("INSERT INTO removals (article_id, seq) VALUES ('nobody', 0)")
    with pytest.raises(errors):
        con.execute("INSERT INTO articles (id, ordinal, event_id) VALUES ('new', 10, 'no-such-event')")
    con.close()


def test_json_columns_are_queryable(tmp_path: Path) -> None:
    (db,) = SqliteExporter().export(context(tmp_path))
    con = sqlite3.connect(db)
    assert con.execute("SELECT json_extract(extras, '$.html.keywords[1]') FROM articles WHERE id='../../etc/x'"
                       ).fetchone() == ("b",)
    (ddb,) = DuckDbExporter(path="x.duckdb").export(context(tmp_path))
    con2 = duckdb.connect(str(ddb), read_only=True)
    assert con2.execute("SELECT extras->>'$.html.keywords[0]' FROM articles WHERE id='b' OR id LIKE '../%' "
                        "ORDER BY ordinal LIMIT 1").fetchone() == ("a",)


@pytest.mark.parametrize("exporter", [SqliteExporter, DuckDbExporter])
def test_database_path_cannot_leave_the_output_directory(tmp_path: Path, exporter: type) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="outside the output directory"):
        exporter(path="../evil.db").export(context(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not present")
def test_pipeline_export_round_trips_with_jsonl(tmp_path: Path) -> None:
    config = config_from_dict({"export": {"exporters": ["jsonl", "sqlite", "duckdb"]}})
    report = Pipeline(config).run([str(SEEDS)], str(tmp_path / "out"))
    out = tmp_path / "out"
    assert report.accounting["balanced"]
    reference = list(read_articles(out / "articles.jsonl"))
    events = sorted(read_events(out / "events.jsonl"), key=lambda e: e.id)
    for name in ("corpus.sqlite", "corpus.duckdb"):
        assert list(read_sql_articles(out / name)) == reference
        assert list(read_sql_events(out / name)) == events


def test_plugin_registers_exporters() -> None:
    registry = get_registry()
    assert registry.get("exporter", "sqlite") is SqliteExporter
    assert registry.get("exporter", "duckdb") is DuckDbExporter
