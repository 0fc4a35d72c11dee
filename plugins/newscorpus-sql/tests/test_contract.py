"""The SQLite and DuckDB exporters keep the exporter contract (:mod:`newscorpus.testing`):
on generated corpora they write only inside the output directory, through the export
context's temporary names, leave nothing behind and return the database they wrote."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newscorpus_sql import DuckDbExporter, SqliteExporter

from newscorpus.exporters import DuplicateRow, Exporter
from newscorpus.models import Article, Event
from newscorpus.testing import articles, check_exporter, check_options, events


@pytest.mark.parametrize("component", [SqliteExporter, DuckDbExporter])
def test_options_are_declared_documented_and_build(component: type) -> None:
    check_options(component)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Article], list[Event], list[DuplicateRow]]:
    arts = draw(st.lists(articles(max_paragraphs=5), max_size=6, unique_by=lambda a: a.id))
    evs = draw(st.lists(events([a.id for a in arts]), max_size=3, unique_by=lambda e: e.id)) if arts else []
    dups = [DuplicateRow(a.id, arts[0].id, "duplicate", "exact", 1.0) for a in arts[1:2]]
    return arts, evs, dups


@pytest.mark.parametrize(("exporter", "name"), [(SqliteExporter(), "corpus.sqlite"),
                                                (DuckDbExporter(), "corpus.duckdb"),
                                                (SqliteExporter(path="db/news.sqlite"), "db/news.sqlite")],
                         ids=["sqlite", "duckdb", "sqlite-in-a-folder"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpora())
def test_exporters_keep_the_contract(exporter: Exporter, name: str,
                                     corpus: tuple[list[Article], list[Event], list[DuplicateRow]]) -> None:
    arts, evs, dups = corpus
    assert check_exporter(exporter, arts, evs, duplicates=dups) == [name]
