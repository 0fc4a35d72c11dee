"""The ``sqlite`` and ``duckdb`` exporters (schema: :mod:`newscorpus_sql.schema`)."""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from newscorpus_tabular.flat import article_flat, article_from_flat, event_flat, event_from_flat, removal_rows
from newscorpus_tabular.source import article_dicts, atomic_target, duplicate_dicts, event_dicts

from newscorpus.exporters import ExportContext, Exporter
from newscorpus.models import Article, Event
from newscorpus.options import option
from newscorpus.serialize import article_from_dict, event_from_dict

from .schema import COLUMNS, INDEXES, TABLE_ORDER, ddl

__all__ = ["DuckDbExporter", "SqliteExporter", "read_sql_articles", "read_sql_events"]

BATCH = 5_000


def _value(value: Any) -> Any:
    """A value SQL stores as the JSON exports say it: ``NaN`` and infinities (which
    SQLite would keep as REAL infinities or turn into NULL silently) become NULL,
    lone surrogates (which the driver cannot encode) U+FFFD."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v) for k, v in row.items()}


def _rows(ctx: ExportContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(table, row)`` for every row, referenced tables first. Values are made safe
    for SQL (:func:`_value`): one odd value never stops the export."""
    for data in event_dicts(ctx):
        yield "events", _clean(event_flat(data))
    for ordinal, data in enumerate(article_dicts(ctx)):
        row = _clean(article_flat(data))
        row["ordinal"] = ordinal
        yield "articles", row
        for removal in removal_rows(data):
            yield "removals", _clean(removal)
    for data in duplicate_dicts(ctx):
        yield "duplicates", _clean(dict(data))


class _DatabaseExporter(Exporter):
    """A database written to a temporary file and renamed when complete, so an
    interrupted export never leaves a half-loaded database under the final name."""

    default_path = ""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filename = str(options.get("path", self.default_path))

    def export(self, ctx: ExportContext) -> list[Path]:
        final, tmp = atomic_target(ctx, self.filename)
        con = self._connect(tmp)
        try:
            self._load(con, ctx)
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        ctx.commit(tmp, final)  # fsync, then rename over the final name
        return [final]

    def _connect(self, path: Path) -> Any:
        raise NotImplementedError

    def _load(self, con: Any, ctx: ExportContext) -> None:
        """Create the tables, load every row, build the indexes."""
        raise NotImplementedError


class SqliteExporter(_DatabaseExporter):
    """Writes the corpus into one SQLite database (default ``corpus.sqlite``) with
    tables ``articles``, ``events``, ``removals`` and ``duplicates``, keys and
    indexes. Foreign keys are checked while loading.

    Options:
        path: Database file name inside the output directory.
    """

    name = "sqlite"
    default_path = "corpus.sqlite"

    @attrs.frozen
    class Options:
        """Options of the ``sqlite`` exporter."""

        path: str = option("corpus.sqlite", "Database file name in the output directory.")

    def _connect(self, path: Path) -> Any:
        return sqlite3.connect(path)

    def _load(self, con: Any, ctx: ExportContext) -> None:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA journal_mode = OFF")  # a temporary file: durability comes from the rename
        con.execute("PRAGMA synchronous = OFF")
        for table in TABLE_ORDER:
            con.execute(ddl(table, {"JSON": "TEXT"}))
        inserts = {t: _insert_sql(t, "?") for t in TABLE_ORDER}
        pending: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLE_ORDER}
        names = {t: [n for n, _k in COLUMNS[t]] for t in TABLE_ORDER}
        with con:
            for table, row in _rows(ctx):
                pending[table].append(tuple(row.get(n) for n in names[table]))
                if len(pending[table]) >= BATCH:
                    _flush(con, inserts, pending, upto=table)
            _flush(con, inserts, pending)
            for name, table, column in INDEXES:
                con.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')


def _insert_sql(table: str, mark: str) -> str:
    cols = [n for n, _k in COLUMNS[table]]
    return f'INSERT INTO "{table}" (' + ", ".join(f'"{c}"' for c in cols) + ") VALUES (" + ", ".join(
        mark for _ in cols) + ")"


def _flush(con: Any, inserts: dict[str, str], pending: dict[str, list[tuple[Any, ...]]],
           upto: str | None = None) -> None:
    # Referenced tables are flushed before the tables that reference them.
    for table in TABLE_ORDER:
        if pending[table]:
            con.executemany(inserts[table], pending[table])
            pending[table] = []
        if table == upto:
            break


class DuckDbExporter(_DatabaseExporter):
    """Writes the corpus into one DuckDB database (default ``corpus.duckdb``):
    same tables, keys and indexes as ``sqlite``, JSON columns typed ``JSON``.
    Rows are loaded through Arrow batches (DuckDB's fast path).

    Options:
        path: Database file name inside the output directory.
    """

    name = "duckdb"
    default_path = "corpus.duckdb"

    @attrs.frozen
    class Options:
        """Options of the ``duckdb`` exporter."""

        path: str = option("corpus.duckdb", "Database file name in the output directory.")

    def _connect(self, path: Path) -> Any:
        import duckdb

        return duckdb.connect(str(path))

    def _load(self, con: Any, ctx: ExportContext) -> None:
        import pyarrow as pa

        names = {t: [n for n, _k in COLUMNS[t]] for t in TABLE_ORDER}
        arrow_types = {"TEXT": pa.string(), "JSON": pa.string(), "INTEGER": pa.int64(), "REAL": pa.float64()}
        schemas = {t: pa.schema([(n, arrow_types[k]) for n, k in COLUMNS[t]]) for t in TABLE_ORDER}
        pending: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLE_ORDER}

        def flush(upto: str | None = None) -> None:
            for table in TABLE_ORDER:
                if pending[table]:
                    batch = pa.Table.from_pylist(pending[table], schema=schemas[table])
                    con.register("batch_rows", batch)
                    cols = ", ".join(f'"{c}"' for c in names[table])
                    con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM batch_rows')
                    con.unregister("batch_rows")
                    pending[table] = []
                if table == upto:
                    break

        for table in TABLE_ORDER:
            con.execute(ddl(table, {"JSON": "JSON", "TEXT": "VARCHAR", "REAL": "DOUBLE", "INTEGER": "BIGINT"}))
        con.execute("BEGIN TRANSACTION")
        for table, row in _rows(ctx):
            pending[table].append(row)
            if len(pending[table]) >= BATCH * 4:
                flush(upto=table)
        flush()
        for name, table, column in INDEXES:
            con.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
        con.execute("COMMIT")


def _connect(path: str | os.PathLike[str]) -> Any:
    if str(path).endswith(".duckdb"):
        import duckdb

        return duckdb.connect(str(path), read_only=True)
    return sqlite3.connect(f"file:{os.fspath(path)}?mode=ro", uri=True)


def _dicts(con: Any, sql: str) -> Iterator[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    while True:
        rows = cur.fetchmany(1000)
        if not rows:
            return
        for row in rows:
            yield dict(zip(cols, row, strict=True))


def read_sql_articles(path: str | os.PathLike[str]) -> Iterator[Article]:
    """Stream the Articles of a ``sqlite`` or ``duckdb`` export, in export order,
    with ``removed`` rebuilt from the ``removals`` table."""
    con = _connect(path)
    try:
        removals: dict[str, list[dict[str, Any]]] = {}
        for row in _dicts(con, 'SELECT * FROM "removals" ORDER BY article_id, seq'):
            removals.setdefault(row["article_id"], []).append(row)
        for row in _dicts(con, 'SELECT * FROM "articles" ORDER BY ordinal'):
            yield article_from_dict(article_from_flat(row, removals.get(row["id"], ())))
    finally:
        con.close()


def read_sql_events(path: str | os.PathLike[str]) -> Iterator[Event]:
    """Stream the Events of a ``sqlite`` or ``duckdb`` export."""
    con = _connect(path)
    try:
        for row in _dicts(con, 'SELECT * FROM "events" ORDER BY id'):
            yield event_from_dict(event_from_flat(row))
    finally:
        con.close()
