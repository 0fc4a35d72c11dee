"""Parquet: the ``parquet`` exporter and the ``parquet`` reader."""

from __future__ import annotations

import datetime as dt
import decimal
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.parquet as pq

from newscorpus.errors import DocumentError
from newscorpus.exporters import ExportContext, Exporter
from newscorpus.models import Article, Event
from newscorpus.options import option, positive
from newscorpus.readers import InputUnit, RawDocument, Reader
from newscorpus.serialize import article_from_dict, event_from_dict
from newscorpus.workdir import commit_temp

from .flat import removal_rows
from .schema import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    EVENT_SCHEMA,
    REMOVAL_SCHEMA,
    article_from_row,
    article_row,
    event_from_row,
    event_row,
)
from .source import article_dicts, atomic_target, duplicate_dicts, event_dicts

__all__ = [
    "RECORD_MEDIA_TYPE",
    "ParquetExporter",
    "ParquetReader",
    "TableWriter",
    "read_parquet_articles",
    "read_parquet_events",
]

#: Media type of structured records, parsed by newscorpus's ``record`` parser.
RECORD_MEDIA_TYPE = "application/x-newscorpus-record"


class TableWriter:
    """Streams rows into Parquet files of at most ``max_rows`` rows each, in row
    groups of ``batch_rows``; files are written under temporary names and renamed
    by :meth:`close`.

    Args:
        paths: Called with a file number, returns ``(final, temporary)`` paths.
        schema: The table's Arrow schema.
        batch_rows: Rows per row group (memory stays at one batch).
        max_rows: Rows per file (``None``: one file).
        compression: Parquet codec.
    """

    def __init__(self, paths: Callable[[int], tuple[Path, Path]], schema: pa.Schema, *, batch_rows: int = 10_000,
                 max_rows: int | None = None, compression: str = "zstd") -> None:
        self.paths, self.schema = paths, schema
        self.batch_rows, self.max_rows, self.compression = batch_rows, max_rows, compression
        self.files: list[tuple[Path, Path]] = []
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._in_file = 0
        self._batch: list[dict[str, Any]] = []

    def _open(self) -> pq.ParquetWriter:
        final, tmp = self.paths(len(self.files))
        self.files.append((final, tmp))
        self._in_file = 0
        return pq.ParquetWriter(tmp, self.schema, compression=self.compression)

    def add(self, row: dict[str, Any]) -> None:
        """Add one row."""
        self._batch.append(row)
        if len(self._batch) >= self.batch_rows or (self.max_rows and self._in_file + len(self._batch) >= self.max_rows):
            self._flush()

    def _flush(self) -> None:
        if not self._batch and self._writer is not None:
            return
        if self._writer is None or (self.max_rows and self._in_file >= self.max_rows):
            if self._writer is not None:
                self._writer.close()
            self._writer = self._open()
        if self._batch:
            self._writer.write_table(pa.Table.from_pylist(self._batch, schema=self.schema))
            self._in_file += len(self._batch)
            self.rows += len(self._batch)
            self._batch = []

    def close(self) -> list[Path]:
        """Finish the files (an empty table still gets one file) and move them into place."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for final, tmp in self.files:
            commit_temp(tmp, final)  # fsync, then rename
        return [final for final, _tmp in self.files]

    def abort(self) -> None:
        """Drop the files written so far."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for _final, tmp in self.files:
            tmp.unlink(missing_ok=True)


def write_tables(
    ctx: ExportContext, paths: Mapping[str, Callable[[int], tuple[Path, Path]]], *, batch_rows: int,
    max_rows: int | None, compression: str,
) -> dict[str, TableWriter]:
    """Write articles, removals, events and duplicates; one pass over the articles."""
    writers = {
        "articles": TableWriter(paths["articles"], ARTICLE_SCHEMA, batch_rows=batch_rows, max_rows=max_rows,
                                compression=compression),
        "removals": TableWriter(paths["removals"], REMOVAL_SCHEMA, batch_rows=batch_rows * 4, max_rows=max_rows,
                                compression=compression),
        "events": TableWriter(paths["events"], EVENT_SCHEMA, batch_rows=batch_rows, max_rows=max_rows,
                              compression=compression),
        "duplicates": TableWriter(paths["duplicates"], DUPLICATE_SCHEMA, batch_rows=batch_rows * 4,
                                  max_rows=max_rows, compression=compression),
    }
    try:
        for data in article_dicts(ctx):
            writers["articles"].add(article_row(data))
            for row in removal_rows(data):
                writers["removals"].add(row)
        for data in event_dicts(ctx):
            writers["events"].add(event_row(data))
        for data in duplicate_dicts(ctx):
            writers["duplicates"].add(dict(data))
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    return writers


def _int_option(options: dict[str, Any], key: str, default: int | None) -> int | None:
    value = options.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"option {key!r} must be a whole number >= 1, got {value!r}")
    return value


class ParquetExporter(Exporter):
    """Writes ``articles.parquet``, ``events.parquet``, ``removals.parquet`` and
    ``duplicates.parquet`` (schemas in ``docs/io.md``; nested fields typed).

    Options:
        articles, events, removals, duplicates: File names (defaults
            ``<table>.parquet``), inside the output directory.
        compression: Parquet codec (default ``zstd``).
        row_group_rows: Rows per row group (default 10,000; memory holds one).
    """

    name = "parquet"

    @attrs.frozen
    class Options:
        """Options of the ``parquet`` exporter."""

        articles: str = option("articles.parquet", "File name of the articles table.")
        events: str = option("events.parquet", "File name of the events table.")
        removals: str = option("removals.parquet", "File name of the removals table.")
        duplicates: str = option("duplicates.parquet", "File name of the duplicates table.")
        compression: str = option("zstd", "Parquet codec.")
        row_group_rows: int = option(10_000, "Rows per row group (memory holds one).", positive)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.names = {t: str(options.get(t, f"{t}.parquet")) for t in ("articles", "events", "removals", "duplicates")}
        self.compression = str(options.get("compression", "zstd"))
        self.batch_rows = _int_option(options, "row_group_rows", 10_000) or 10_000

    def export(self, ctx: ExportContext) -> list[Path]:
        def single(name: str) -> Callable[[int], tuple[Path, Path]]:
            return lambda _i: atomic_target(ctx, name)

        paths = {t: single(n) for t, n in self.names.items()}
        writers = write_tables(ctx, paths, batch_rows=self.batch_rows, max_rows=None, compression=self.compression)
        out: list[Path] = []
        for table in ("articles", "events", "removals", "duplicates"):
            out += writers[table].close()
        return out


def _rows(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=2048):
        yield from batch.to_pylist()


def read_parquet_articles(path: str | os.PathLike[str]) -> Iterator[Article]:
    """Stream the Articles of an ``articles.parquet`` export."""
    for row in _rows(path):
        yield article_from_dict(article_from_row(row))


def read_parquet_events(path: str | os.PathLike[str]) -> Iterator[Event]:
    """Stream the Events of an ``events.parquet`` export."""
    for row in _rows(path):
        yield event_from_dict(event_from_row(row))


def jsonable(value: Any) -> Any:
    """A Parquet cell as JSON-compatible data (dates as ISO text, bytes as UTF-8)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        if isinstance(value, list) and all(isinstance(x, tuple) and len(x) == 2 for x in value):
            return {str(k): jsonable(v) for k, v in value}  # Arrow map type
        return [jsonable(v) for v in value]
    return str(value)


class ParquetReader(Reader):
    """One structured record per row of ``*.parquet`` files (news-please,
    datatrove or newscorpus's own Parquet export).

    Rows become ``application/x-newscorpus-record`` documents; the ``record``
    parser maps columns to Article fields (``read.fields``). The record locator
    is the row's index in the file. Splittable: a big file is split between row
    groups, by the byte offset at which each row group starts.

    Options:
        columns: Read only these columns (default: all).
        batch_rows: Rows decoded at a time (default 1,024).
    """

    name = "parquet"

    @attrs.frozen
    class Options:
        """Options of the ``parquet`` reader."""

        columns: tuple[str, ...] | None = option(None, "Read only these columns (default: all).")
        batch_rows: int = option(1024, "Most rows decoded at a time (fewer when rows are big).", positive)
    patterns = ("*.parquet", "*.pq")
    splittable = True

    @staticmethod
    def _group_offsets(meta: pq.FileMetaData) -> list[int]:
        offsets = []
        for i in range(meta.num_row_groups):
            col = meta.row_group(i).column(0)
            starts = [o for o in (col.dictionary_page_offset, col.data_page_offset) if o is not None and o > 0]
            offsets.append(min(starts) if starts else 4)
        return offsets

    @staticmethod
    def split(path: str, target_bytes: int) -> list[tuple[int, int | None]]:
        """Byte ranges of about ``target_bytes``, each holding whole row groups."""
        try:
            meta = pq.ParquetFile(path).metadata
        except (OSError, pa.ArrowException):
            return [(0, None)]
        offsets = ParquetReader._group_offsets(meta)
        if len(offsets) < 2 or os.path.getsize(path) <= target_bytes:
            return [(0, None)]
        bounds = [0]
        for off in offsets[1:]:
            if off - bounds[-1] >= target_bytes:
                bounds.append(off)
        return [(a, b) for a, b in zip(bounds, [*bounds[1:], None], strict=True)]

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        rel = unit.relpath
        columns = self.options.get("columns")
        batch_rows = int(self.options.get("batch_rows", 1024))
        try:
            pf = pq.ParquetFile(unit.path)
            meta = pf.metadata
        except (OSError, pa.ArrowException) as exc:
            err = DocumentError("invalid-parquet", f"not a readable Parquet file: {exc}")
            yield RawDocument(unit.path, 0, f"{rel}#0", self.name, media_type=RECORD_MEDIA_TYPE, error=err)
            return
        offsets = self._group_offsets(meta)
        first_row = 0
        for group, offset in enumerate(offsets):
            n_rows = meta.row_group(group).num_rows
            inside = offset >= unit.start and (unit.end is None or offset < unit.end)
            if inside:
                yield from self._read_group(pf, unit.path, group, first_row, rel, columns, batch_rows)
            first_row += n_rows

    def _read_group(self, pf: pq.ParquetFile, path: str, group: int, first_row: int, rel: str, columns: Any,
                    batch_rows: int) -> Iterator[RawDocument]:
        limit = self.limits.max_document_bytes
        row_no = first_row
        try:
            table = pf.read_row_group(group, columns=columns)
        except (OSError, pa.ArrowException) as exc:
            err = DocumentError("invalid-parquet", f"row group {group} cannot be read: {exc}")
            yield RawDocument(path, row_no, f"{rel}#{row_no}", self.name, media_type=RECORD_MEDIA_TYPE, error=err)
            return
        for batch in table.to_batches(max_chunksize=batch_rows):
            for row in batch.to_pylist():
                key = f"{rel}#{row_no}"
                fields = {str(k): jsonable(v) for k, v in row.items()}
                size = sum(len(v) for v in fields.values() if isinstance(v, str))
                if size > limit:
                    err = DocumentError("too-large", f"row {row_no} holds {size:,} characters of text, more than "
                                        f"read.limits.max_document_bytes ({limit:,})")
                    yield RawDocument(path, row_no, key, self.name, media_type=RECORD_MEDIA_TYPE, error=err)
                else:
                    yield RawDocument(path, row_no, key, self.name, media_type=RECORD_MEDIA_TYPE,
                                      fields=fields)
                row_no += 1
