"""The tabular readers and exporters keep the component contracts
(:mod:`newscorpus.testing`): exporters write only inside the output directory through
the export context and return every file; readers yield only raw documents, refuse
broken rows as documents with an error, and the record parser takes what they yield."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newscorpus_tabular import CsvExporter, CsvReader, HuggingFaceExporter, ParquetExporter, ParquetReader

from newscorpus.errors import DocumentError
from newscorpus.exporters import Exporter
from newscorpus.models import Article, Event
from newscorpus.parsers.record import RecordParser
from newscorpus.readers import Limits, RawDocument
from newscorpus.testing import articles, check_exporter, check_options, check_parser, check_reader, events, paragraphs

SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.mark.parametrize("component", [CsvReader, ParquetReader, CsvExporter, ParquetExporter, HuggingFaceExporter])
def test_options_are_declared_documented_and_build(component: type) -> None:
    check_options(component)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Article], list[Event]]:
    arts = draw(st.lists(articles(max_paragraphs=5), max_size=6, unique_by=lambda a: a.id))
    evs = draw(st.lists(events([a.id for a in arts]), max_size=3, unique_by=lambda e: e.id)) if arts else []
    return arts, evs


EXPORTERS: list[tuple[Exporter, set[str]]] = [
    (ParquetExporter(), {"articles.parquet", "events.parquet", "removals.parquet", "duplicates.parquet"}),
    (CsvExporter(), {"articles.csv", "events.csv", "removals.csv", "duplicates.csv"}),
    (HuggingFaceExporter(max_rows_per_file=2), {"hf/README.md"}),
]


@pytest.mark.parametrize(("exporter", "expected"), EXPORTERS, ids=[e.name for e, _ in EXPORTERS])
@SLOW
@given(corpus=corpora())
def test_exporters_keep_the_contract(exporter: Exporter, expected: set[str],
                                     corpus: tuple[list[Article], list[Event]]) -> None:
    arts, evs = corpus
    files = check_exporter(exporter, arts, evs)
    assert expected <= set(files)


# -- readers ----------------------------------------------------------------------------------------

_cell = st.one_of(paragraphs(), st.sampled_from(["", "2024-03-05", "2024-03-05T09:30:00+07:00", "5 Maret 2024",
                                                 "https://berita.example/a", "Siti Rahmawati"]))
_rows = st.lists(st.fixed_dictionaries({"title": _cell, "text": st.lists(paragraphs(), max_size=4).map("\n\n".join),
                                        "date": _cell, "url": _cell, "extra": _cell}), min_size=1, max_size=8)


def _parse_all(docs: list[RawDocument]) -> list[Article | DocumentError]:
    return check_parser(RecordParser, [d for d in docs if d.error is None])


@SLOW
@given(rows=_rows)
def test_csv_reader_keeps_the_contract_and_the_record_parser_takes_its_rows(tmp_path_factory: Any,
                                                                            rows: list[dict[str, str]]) -> None:
    path = tmp_path_factory.mktemp("csv") / "dump.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    docs = check_reader(CsvReader, path)
    assert [d.record for d in docs] == list(range(1, len(rows) + 1))
    _parse_all(docs)


@SLOW
@given(rows=_rows)
def test_parquet_reader_keeps_the_contract_across_row_groups(tmp_path_factory: Any,
                                                             rows: list[dict[str, str]]) -> None:
    path = tmp_path_factory.mktemp("parquet") / "dump.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=3)
    docs = check_reader(ParquetReader, path)  # splittable: its row-group ranges are read too
    assert len(docs) == len(rows)
    _parse_all(docs)


def test_readers_keep_the_contract_on_broken_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b'title,text\nok,fine\n"unclosed,quote\nCaf\xe9,latin-1\na,b,one too many\n')
    docs = check_reader(CsvReader(Limits(max_document_bytes=64)), broken)
    assert any(d.error is not None for d in docs) and any(d.error is None for d in docs)
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(b"title,text\n" + b"a" * (1 << 20))
    assert check_reader(CsvReader(Limits(max_decompressed_bytes=1 << 16)), bomb)[-1].error is not None
    truncated = tmp_path / "truncated.parquet"
    pq.write_table(pa.table({"title": ["a", "b"]}), truncated)
    truncated.write_bytes(truncated.read_bytes()[:-20])
    (doc,) = check_reader(ParquetReader, truncated)
    assert doc.error is not None
