"""Tabular readers and exporters: round trips with the JSONL export, field
mappings, bounded and hostile input, output confinement."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newscorpus_tabular import (
    CsvExporter,
    CsvReader,
    HuggingFaceExporter,
    ParquetExporter,
    ParquetReader,
    read_csv_articles,
    read_csv_events,
    read_parquet_articles,
    read_parquet_events,
)

from newscorpus.config import config_from_dict
from newscorpus.exporters import DuplicateRow, ExportContext
from newscorpus.models import Article, Credit, Dateline, Event, EventDate, Flag, Provenance, Removal, Timestamp
from newscorpus.pipeline import Pipeline
from newscorpus.plugins import get_registry
from newscorpus.readers import InputUnit, Limits
from newscorpus.serialize import read_articles, read_events

SEEDS = Path(__file__).resolve().parents[3] / "seeds"

# -- strategies: articles using every field -------------------------------------------------------

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_word = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)
_para = st.lists(_word, min_size=1, max_size=6).map(" ".join)
_opt_text = st.one_of(st.none(), _word)
_timestamp = st.one_of(
    st.none(),
    st.builds(Timestamp, st.dates(min_value=dt.date(1990, 1, 1)), st.just("day"), st.sampled_from(["feed", "url"])),
    st.builds(Timestamp, st.datetimes(min_value=dt.datetime(1990, 1, 1), timezones=st.sampled_from(
        [dt.UTC, dt.timezone(dt.timedelta(hours=7))])).map(lambda d: d.replace(microsecond=0)),
        st.just("second"), st.just("html-meta")),
)
_removal = st.builds(Removal, _text, _word, _word, _text, st.sampled_from(["body", "title"]),
                     st.integers(-1, 50), _opt_text, _opt_text)
_extras = st.dictionaries(_word, st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), _text),
                                              lambda c: st.lists(c, max_size=3) | st.dictionaries(_word, c, max_size=3),
                                              max_leaves=6), max_size=3)
HOSTILE = ["../../etc/x", "/etc/passwd", "..\\..\\win", "a\x00b", "con", "x" * 300]


@st.composite
def articles(draw: Any) -> Article:
    return Article(
        id=draw(st.one_of(_word, st.sampled_from(HOSTILE))),
        provenance=Provenance(draw(_text), draw(st.one_of(st.integers(0, 10**9), _word.map(lambda w: "k" + w))),
                              draw(_word), draw(_word), draw(_opt_text), draw(_opt_text), draw(_opt_text)),
        title=draw(_text),
        subtitle=draw(_text),
        body=tuple(draw(st.lists(_para, max_size=4))),
        language=draw(st.one_of(st.none(), st.sampled_from(["en", "id", "ms"]))),
        published=draw(_timestamp),
        modified=draw(_timestamp),
        source=draw(_opt_text),
        authors=tuple(draw(st.lists(_word, max_size=3))),
        credits=tuple(draw(st.lists(st.builds(Credit, _word, st.sampled_from(["author", "editor"]), _text),
                                    max_size=2))),
        url=draw(st.one_of(st.none(), st.just("https://x.example/../../etc/passwd"), _word)),
        dateline=draw(st.one_of(st.none(), st.builds(Dateline, _word, _opt_text, _opt_text, _opt_text))),
        flags=tuple(draw(st.lists(st.builds(Flag, _word, _word, _text, st.lists(
            st.tuples(st.integers(0, 99), st.integers(0, 999)), max_size=2)), max_size=2))),
        removed=tuple(draw(st.lists(_removal, max_size=3))),
        duplicate_of=draw(_opt_text),
        translation_of=draw(_opt_text),
        event_id=draw(_opt_text),
        extras=draw(_extras),
    )


_event = st.builds(
    Event, _word, _text,
    st.builds(EventDate, st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.dates()),
              st.sampled_from(["day", "range", "unknown"]), _word),
    _opt_text, st.lists(_word, max_size=3).map(tuple), st.lists(_word, max_size=3).map(tuple),
    st.lists(_word, max_size=2).map(tuple), st.lists(_word, max_size=2).map(tuple), _timestamp, _timestamp, _word,
    _extras,
)


def context(out: Path, arts: list[Article], events: list[Event] = (), dups: list[DuplicateRow] = ()) -> ExportContext:
    return ExportContext(output_dir=out, articles=lambda: iter(arts), events=lambda: iter(events),
                         duplicates=lambda: iter(dups), report={"articles": {"languages": {"en": 1}}})


def unique(arts: list[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for a in arts:
        seen.setdefault(a.id, a)
    return list(seen.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(articles(), max_size=6), st.lists(_event, max_size=3, unique_by=lambda e: e.id))
def test_parquet_and_csv_round_trip_every_field(
    tmp_path_factory: Any, arts: list[Article], events: list[Event]
) -> None:
    out = tmp_path_factory.mktemp("export")
    dups = [DuplicateRow(a.id, "canon", "duplicate", "exact", 1.0) for a in arts[:1]]
    ctx = context(out, arts, events, dups)
    ParquetExporter().export(ctx)
    CsvExporter().export(ctx)
    assert list(read_parquet_articles(out / "articles.parquet")) == arts
    assert list(read_csv_articles(out / "articles.csv", out / "removals.csv")) == unique(arts) or \
        len({a.id for a in arts}) < len(arts)
    assert list(read_parquet_events(out / "events.parquet")) == events
    assert list(read_csv_events(out / "events.csv")) == events
    assert pq.read_table(out / "duplicates.parquet").to_pylist() == [
        {"article_id": d.article_id, "canonical_id": d.canonical_id, "relation": d.relation, "method": d.method,
         "score": d.score} for d in dups]
    # Nothing was written outside the output directory, whatever the ids held.
    assert {p.parent for p in out.rglob("*")} <= {out}


def test_parquet_schema_is_typed_and_nested(tmp_path: Path) -> None:
    a = Article(id="a1", provenance=Provenance("in.txt", 7), title="T", body=("P one", "P two"),
                published=Timestamp(dt.date(2024, 3, 1), "day", "feed"), authors=("A",),
                removed=(Removal("Share:", "footer.share", "footers"),), extras={"k": [1, {"x": None}]})
    ParquetExporter().export(context(tmp_path, [a]))
    schema = pq.read_schema(tmp_path / "articles.parquet")
    assert schema.field("published").type == pa.struct([("value", pa.string()), ("precision", pa.string()),
                                                        ("signal", pa.string())])
    assert schema.field("published_date").type == pa.date32()
    assert schema.field("authors").type == pa.list_(pa.string())
    assert pa.types.is_list(schema.field("removed").type)
    assert schema.field("provenance").type.field("record").type == pa.string()
    row = pq.read_table(tmp_path / "articles.parquet").to_pylist()[0]
    assert row["body"] == "P one\n\nP two" and row["published_date"] == dt.date(2024, 3, 1)
    assert json.loads(row["extras"]) == {"k": [1, {"x": None}]}
    removals = pq.read_table(tmp_path / "removals.parquet").to_pylist()
    assert removals == [{"article_id": "a1", "seq": 0, "text": "Share:", "rule": "footer.share", "plugin": "footers",
                         "reason": "", "field": "body", "position": -1, "pack": None, "moved_to": None, "partial": 0}]


@pytest.mark.parametrize("exporter", [ParquetExporter, CsvExporter])
@pytest.mark.parametrize("name", ["../escape.out", "/tmp/abs.out", "sub/../../escape.out"])
def test_file_names_cannot_leave_the_output_directory(tmp_path: Path, exporter: Any, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="outside the output directory"):
        exporter(articles=name).export(context(out, [Article(id="a", provenance=Provenance("p"))]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(ValueError, match="outside the output directory"):
        HuggingFaceExporter(directory="../hf").export(context(out, []))


def test_huggingface_layout_loads(tmp_path: Path) -> None:
    arts = [Article(id=f"a{i}", provenance=Provenance("p", i), title=f"T{i}", body=(f"Body {i}",), language="en")
            for i in range(5)]
    files = HuggingFaceExporter(max_rows_per_file=2).export(context(tmp_path, arts, [Event(id="e1", title="E")]))
    shards = sorted(p.name for p in (tmp_path / "hf/data/articles").iterdir())
    assert shards == ["train-00000-of-00003.parquet", "train-00001-of-00003.parquet", "train-00002-of-00003.parquet"]
    card = (tmp_path / "hf/README.md").read_text()
    assert card.startswith("---\nconfigs:") and "config_name: events" in card and "default: true" in card
    assert tmp_path / "hf/README.md" in files
    try:
        import datasets
    except ImportError:  # verify with pyarrow what datasets would read
        table = pa.concat_tables([pq.read_table(tmp_path / "hf/data/articles" / s) for s in shards])
        assert table.column("id").to_pylist() == [a.id for a in arts]
        return
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    ds = datasets.load_dataset(str(tmp_path / "hf"), split="train", cache_dir=str(tmp_path / "cache"))
    assert ds["id"] == [a.id for a in arts] and ds.num_rows == 5
    ev = datasets.load_dataset(str(tmp_path / "hf"), "events", split="train", cache_dir=str(tmp_path / "cache"))
    assert ev["id"] == ["e1"]


# -- readers ----------------------------------------------------------------------------------------


def test_csv_dump_with_a_field_mapping_through_the_pipeline(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    body = ("The port authority said on Monday that container traffic rose by a tenth last year, "
            "driven by new routes to the east.\nIt expects growth to slow this year.")
    with open(src / "dump.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("headline,maintext,date_publish,source_domain,extra\n")
        fh.write(f'Port traffic rises,"{body}",2024-02-05 09:00:00,port.example,kept\n')
        fh.write('Broken,"row",2024-01-01,x,y,one too many\n')
        fh.write(",,,,\n")
    config = config_from_dict({
        "read": {"fields": {"title": "headline", "body": "maintext", "published": "date_publish",
                            "source": "source_domain"}},
        "export": {"exporters": ["jsonl"]}, "events": {"builder": None},
    })
    report = Pipeline(config).run([str(src)], str(tmp_path / "out"))
    assert report.accounting["balanced"]
    (article,) = read_articles(tmp_path / "out/articles.jsonl")
    assert article.title == "Port traffic rises" and article.source == "port.example"
    assert article.body[0].startswith("The port authority") and len(article.body) == 2
    assert article.published is not None and article.published.value == dt.datetime(2024, 2, 5, 9, 0)
    assert article.extras["record"] == {"extra": "kept"}
    quarantine = [json.loads(x) for x in (tmp_path / "out/quarantine.jsonl").read_text().splitlines()]
    assert [q["reason"] for q in quarantine] == ["bad-row"]


def test_csv_reader_bounds(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(b"title,text\n")
        for _ in range(40):
            fh.write(b"a" * (1 << 20))
    reader = CsvReader(Limits(max_decompressed_bytes=8 * 1024 * 1024))
    docs = list(reader.read(InputUnit(str(bomb), str(tmp_path))))
    assert docs[-1].error is not None and docs[-1].error.reason == "too-large"
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("title,text\nok,fine\nCaf\xe9,bad\n".encode("latin-1"))
    docs = list(CsvReader().read(InputUnit(str(bad), str(tmp_path))))
    assert docs[0].fields == {"title": "ok", "text": "fine"}
    assert docs[-1].error is not None and docs[-1].error.reason == "invalid-encoding"
    latin = list(CsvReader(encoding="latin-1").read(InputUnit(str(bad), str(tmp_path))))
    assert latin[-1].fields["title"] == "Café"


def test_parquet_reader_splits_on_row_groups(tmp_path: Path) -> None:
    rows = [{"title": f"T{i}", "maintext": f"Text number {i} of the dump.",
             "date_publish": dt.datetime(2024, 1, 1 + i % 28),
             "authors": ["A", "B"], "meta": {"lang": "en"}} for i in range(100)]
    path = tmp_path / "dump.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=10)
    ranges = ParquetReader.split(str(path), 200)
    assert len(ranges) > 1 and ranges[0][0] == 0 and ranges[-1][1] is None
    reader = ParquetReader()
    docs = [d for start, end in ranges for d in reader.read(InputUnit(str(path), str(tmp_path), start, end))]
    assert [d.record for d in docs] == list(range(100))  # every row once, in order
    assert docs[3].fields == {"title": "T3", "maintext": "Text number 3 of the dump.",
                              "date_publish": "2024-01-04T00:00:00", "authors": ["A", "B"], "meta": {"lang": "en"}}
    (broken,) = reader.read(InputUnit(str(tmp_path / "dump.parquet") + ".missing", str(tmp_path)))
    assert broken.error is not None and broken.error.reason == "invalid-parquet"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not present")
def test_pipeline_exports_round_trip_with_jsonl(tmp_path: Path) -> None:
    config = config_from_dict({"export": {"exporters": ["jsonl", "parquet", "csv", "huggingface"]}})
    report = Pipeline(config).run([str(SEEDS)], str(tmp_path / "out"))
    out = tmp_path / "out"
    assert report.accounting["balanced"]
    reference = list(read_articles(out / "articles.jsonl"))
    assert reference and list(read_parquet_articles(out / "articles.parquet")) == reference
    assert list(read_csv_articles(out / "articles.csv", out / "removals.csv")) == reference
    events = list(read_events(out / "events.jsonl"))
    assert list(read_parquet_events(out / "events.parquet")) == events
    assert list(read_csv_events(out / "events.csv")) == events
    shards = sorted((out / "hf/data/articles").glob("*.parquet"))
    assert [a for s in shards for a in read_parquet_articles(s)] == reference
    # The exporters see the run's report (not an empty one): the card declares the
    # languages the run found, the same ones report.json lists.
    card = (out / "hf/README.md").read_text(encoding="utf-8")
    header = card.split("---")[1]
    languages = sorted(lang for lang in report.data["articles"]["languages"] if lang != "und")
    assert languages and all(f"\n- {lang}\n" in header for lang in languages)


def test_plugin_registers_readers_and_exporters() -> None:
    registry = get_registry()
    assert {"csv", "parquet"} <= set(registry.names("reader"))
    assert {"parquet", "csv", "huggingface"} <= set(registry.names("exporter"))
