"""Parquet: the ``parquet`` exporter and the ``parquet`` reader."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import os
import select
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newscorpus.errors import DocumentError
from newscorpus.exporters import ExportContext, Exporter
from newscorpus.models import Article, Event
from newscorpus.options import option, positive
from newscorpus.readers import InputUnit, Limits, RawDocument, Reader
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


#: Decoded bytes one batch of rows may take (about): the batch size of a row group is
#: this divided by its mean uncompressed bytes per row, so a 26 KB file whose row group
#: inflates to gigabytes is decoded a row or two at a time instead of whole.
BATCH_BYTES = 32 * 1024 * 1024
#: Inflated bytes a column chunk may reach before its compression ratio is judged.
RATIO_GRACE_BYTES = 16 * 1024 * 1024


def value_sizes(arr: pa.Array) -> list[int]:
    """Bytes each value of ``arr`` holds (text and binary by length, nested values
    summed, fixed-width values 8), computed on the Arrow data without building Python
    objects, so a row can be measured before it is converted."""
    t = arr.type
    n = len(arr)
    if pa.types.is_dictionary(t):
        sizes = value_sizes(arr.dictionary)
        return [0 if j is None else sizes[j] for j in arr.indices.to_pylist()]
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t) \
            or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return [0 if v is None else int(v) for v in pc.binary_length(arr).to_pylist()]
    if pa.types.is_map(t):
        child = [k + v for k, v in zip(value_sizes(arr.keys), value_sizes(arr.items), strict=True)]
        return _summed(child, arr.offsets.to_pylist())
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _summed(value_sizes(arr.values), arr.offsets.to_pylist())
    if pa.types.is_fixed_size_list(t):
        child, width = value_sizes(arr.flatten()), t.list_size
        return [sum(child[i * width:(i + 1) * width]) for i in range(n)]
    if pa.types.is_struct(t):
        sizes = [0] * n
        for k in range(t.num_fields):
            sizes = [a + b for a, b in zip(sizes, value_sizes(arr.field(k)), strict=True)]
        return sizes
    return [8] * n


def _summed(child: list[int], offsets: list[int | None]) -> list[int]:
    prefix = [0]
    for size in child:
        prefix.append(prefix[-1] + size)
    return [prefix[int(b or 0)] - prefix[int(a or 0)] for a, b in itertools.pairwise(offsets)]


@attrs.frozen
class Footer:
    """What the reader needs from a Parquet file's footer, as plain values.

    Attributes:
        offsets: Byte offset at which each row group starts.
        rows: Rows of each row group.
        chunks: Per row group, each column chunk's ``(column path, uncompressed
            bytes, stored bytes)``.
    """

    offsets: tuple[int, ...]
    rows: tuple[int, ...]
    chunks: tuple[tuple[tuple[str, int, int], ...], ...]


class FooterError(Exception):
    """The footer cannot be read; the message says why (the file is quarantined)."""


def _read_footer(path: str) -> Footer:
    """Read the footer in this process. pyarrow parses a column chunk's metadata
    when it is first asked for, and some damaged footers make that parse throw a
    C++ exception its Python binding does not catch: the process aborts. Call
    through :func:`read_footer`, which runs this where an abort costs nothing."""
    meta = pq.ParquetFile(path).metadata
    offsets, rows, chunks = [], [], []
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        cols = []
        for j in range(group.num_columns):
            col = group.column(j)
            cols.append((str(col.path_in_schema), int(col.total_uncompressed_size or 0),
                         int(col.total_compressed_size or 0)))
            if j == 0:
                starts = [o for o in (col.dictionary_page_offset, col.data_page_offset) if o is not None and o > 0]
                offsets.append(min(starts) if starts else 4)
        if not cols:
            offsets.append(4)
        rows.append(int(group.num_rows))
        chunks.append(tuple(cols))
    return Footer(tuple(offsets), tuple(rows), tuple(chunks))


#: Seconds a footer probe may take before it is killed and the file refused.
FOOTER_TIMEOUT = 60.0
_FOOTERS: dict[tuple[str, int, int], Footer | str] = {}


def read_footer(path: str) -> Footer:
    """The footer of ``path``, read in a forked child process, so that a footer that
    aborts pyarrow (found by fuzzing: "Definition level histogram size mismatch")
    costs this file, never the run. A fork costs a few milliseconds per Parquet
    file, small beside reading one; where ``os.fork`` does not exist the footer is
    read in-process. Raises :class:`FooterError`. Cached per file and mtime."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise FooterError(f"not a readable Parquet file: {exc}") from exc
    key = (path, st.st_size, st.st_mtime_ns)
    cached = _FOOTERS.get(key)
    if cached is None:
        cached = _probe(path)
        if len(_FOOTERS) > 256:
            _FOOTERS.clear()
        _FOOTERS[key] = cached
    if isinstance(cached, str):
        raise FooterError(cached)
    return cached


def _footer_or_reason(path: str) -> Footer | str:
    try:
        return _read_footer(path)
    except (OSError, pa.ArrowException, RecursionError, UnicodeDecodeError, ValueError) as exc:
        return f"not a readable Parquet file: {exc}"


def _probe(path: str) -> Footer | str:
    if not hasattr(os, "fork"):
        return _footer_or_reason(path)
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, leave without running the parent's clean-up
        try:
            os.close(rfd)
            found = _footer_or_reason(path)
            payload = json.dumps(found if isinstance(found, str) else attrs.asdict(found)).encode("utf-8")
            with os.fdopen(wfd, "wb") as fh:
                fh.write(payload)
        finally:
            os._exit(0)
    os.close(wfd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + FOOTER_TIMEOUT
    with os.fdopen(rfd, "rb", buffering=0) as fh:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fh], [], [], max(0.0, left))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return f"reading the Parquet footer took more than {FOOTER_TIMEOUT:.0f} s"
            data = fh.read(1 << 16)
            if not data:
                break
            chunks.append(data)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return (f"its footer makes the Parquet library abort (signal {os.WTERMSIG(status)}): "
                "damaged metadata")
    try:
        data = json.loads(b"".join(chunks))
    except ValueError:
        return "reading the Parquet footer failed"
    if isinstance(data, str):
        return data
    return Footer(tuple(data["offsets"]), tuple(data["rows"]),
                  tuple(tuple((str(n), int(u), int(c)) for n, u, c in g) for g in data["chunks"]))


def bomb_column(chunks: Iterable[tuple[str, int, int]], limits: Limits, columns: Any = None) -> str | None:
    """Why a row group must not be decoded, or ``None``: a column chunk that inflates
    past ``limits.max_compression_ratio`` times its stored size (beyond the first 16 MiB)
    or past ``limits.max_decompressed_bytes``. One Parquet page is decompressed whole,
    so such a chunk would cost its full inflated size however few rows are asked for;
    the footer states both sizes, so this is known before reading a byte of data."""
    wanted = set(columns) if columns else None
    for name, raw, stored in chunks:
        if wanted is not None and name.split(".")[0] not in wanted:
            continue
        if raw > limits.max_decompressed_bytes or raw > max(RATIO_GRACE_BYTES, limits.max_compression_ratio * stored):
            return (f"column {name!r} inflates from {stored:,} to {raw:,} bytes (over "
                    f"read.limits.max_compression_ratio, {limits.max_compression_ratio}x, or "
                    f"read.limits.max_decompressed_bytes): a decompression bomb")
    return None


def batch_rows_for(rows: int, chunks: Iterable[tuple[str, int, int]], cap: int, budget: int = BATCH_BYTES) -> int:
    """Rows per batch for one row group: ``budget`` over its mean uncompressed bytes
    per row (from the footer, before anything is decoded), at least 1, at most ``cap``."""
    if rows <= 0:
        return cap
    total = sum(raw for _name, raw, _stored in chunks)
    per_row = max(1, -(-int(total) // int(rows)))
    return max(1, min(cap, budget // per_row))


class ParquetReader(Reader):
    """One structured record per row of ``*.parquet`` files (news-please,
    datatrove or newscorpus's own Parquet export).

    Rows become ``application/x-newscorpus-record`` documents; the ``record``
    parser maps columns to Article fields (``read.fields``). The record locator
    is the row's index in the file. Splittable: a big file is split between row
    groups, by the byte offset at which each row group starts.

    Memory stays bounded whatever the file claims: a row group holding a column chunk
    that inflates past ``read.limits.max_compression_ratio`` (beyond 16 MiB) or
    ``max_decompressed_bytes`` is quarantined as one ``too-large`` record naming its rows,
    undecoded (the footer says so before any page is read); other rows are decoded in batches of
    about 32 MiB (sized from the footer's uncompressed sizes), text columns are read
    as dictionaries (a value repeated a thousand times is held once), every row is
    measured on the Arrow data first and a row over ``read.limits.max_document_bytes``
    is quarantined as ``too-large`` without being turned into Python text. A batch
    that cannot be decoded costs the rows of its row group from there on (one
    ``invalid-parquet`` record); the next row group is read.

    Options:
        columns: Read only these columns (default: all).
        batch_rows: Most rows decoded at a time (default 1,024; fewer when rows are big).
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
    def split(path: str, target_bytes: int) -> list[tuple[int, int | None]]:
        """Byte ranges of about ``target_bytes``, each holding whole row groups."""
        try:
            offsets = list(read_footer(path).offsets)
        except FooterError:
            return [(0, None)]  # the reader quarantines it
        if len(offsets) < 2 or os.path.getsize(path) <= target_bytes:
            return [(0, None)]
        bounds = [0]
        for off in offsets[1:]:
            if off - bounds[-1] >= target_bytes:
                bounds.append(off)
        return [(a, b) for a, b in zip(bounds, [*bounds[1:], None], strict=True)]

    def _error(self, path: str, rel: str, row_no: int, reason: str, detail: str) -> RawDocument:
        return RawDocument(path, row_no, f"{rel}#{row_no}", self.name, media_type=RECORD_MEDIA_TYPE,
                           error=DocumentError(reason, detail))

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        rel = unit.relpath
        columns = self.options.get("columns")
        batch_rows = int(self.options.get("batch_rows", 1024))
        try:
            footer = read_footer(unit.path)  # first: a footer that aborts pyarrow is read apart
            schema = pq.ParquetFile(unit.path).schema_arrow
            # Text read as dictionaries: a huge value repeated in many rows (a few KB
            # compressed) is decoded once, not once per row.
            text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                    or pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]
            pf = pq.ParquetFile(unit.path, read_dictionary=text)
        except FooterError as exc:
            yield self._error(unit.path, rel, 0, "invalid-parquet", str(exc))
            return
        except (OSError, pa.ArrowException, RecursionError, UnicodeDecodeError) as exc:
            yield self._error(unit.path, rel, 0, "invalid-parquet", f"not a readable Parquet file: {exc}")
            return
        first_row = 0
        for group, (offset, nrows, chunks) in enumerate(zip(footer.offsets, footer.rows, footer.chunks, strict=True)):
            inside = offset >= unit.start and (unit.end is None or offset < unit.end)
            bomb = bomb_column(chunks, self.limits, columns) if inside else None
            if bomb is not None:
                last = first_row + nrows - 1
                yield self._error(unit.path, rel, first_row, "too-large",
                                  f"row group {group} (rows {first_row}-{last}, {nrows:,} rows) not read: {bomb}")
            elif inside:
                rows = batch_rows_for(nrows, chunks, batch_rows)
                yield from self._read_group(pf, unit.path, group, first_row, rel, columns, rows)
            first_row += nrows

    def _read_group(self, pf: pq.ParquetFile, path: str, group: int, first_row: int, rel: str, columns: Any,
                    batch_rows: int) -> Iterator[RawDocument]:
        limit = self.limits.max_document_bytes
        row_no = first_row
        batches = pf.iter_batches(batch_size=batch_rows, row_groups=[group], columns=columns, use_threads=False)
        while True:
            try:
                batch = next(batches, None)
                if batch is None:
                    return
                # Damaged pages can decode to arrays that break Arrow's invariants
                # (dictionary indices out of range): refuse them before any value is
                # read, since reading them is undefined behaviour in C++.
                batch.validate(full=True)
                sizes = [0] * batch.num_rows
                for col in batch.columns:
                    sizes = [a + b for a, b in zip(sizes, value_sizes(col), strict=True)]
            except (OSError, pa.ArrowException, RecursionError, IndexError, ValueError) as exc:
                yield self._error(path, rel, row_no, "invalid-parquet",
                                  f"row group {group} cannot be read from row {row_no}: {exc}")
                return
            for i, size in enumerate(sizes):
                yield self._row(batch, i, size, limit, path, rel, row_no)
                row_no += 1

    def _row(self, batch: pa.RecordBatch, i: int, size: int, limit: int, path: str, rel: str,
             row_no: int) -> RawDocument:
        if size > limit:
            return self._error(path, rel, row_no, "too-large", f"row {row_no} holds {size:,} bytes, more than "
                               f"read.limits.max_document_bytes ({limit:,})")
        try:
            row = batch.slice(i, 1).to_pylist()[0]
            fields = {str(k): jsonable(v) for k, v in row.items()}
        except RecursionError:
            return self._error(path, rel, row_no, "too-deep", f"row {row_no} holds values nested too deeply")
        except (pa.ArrowException, ValueError, OverflowError) as exc:
            return self._error(path, rel, row_no, "bad-value", f"row {row_no} cannot be converted: {exc}")
        return RawDocument(path, row_no, f"{rel}#{row_no}", self.name, media_type=RECORD_MEDIA_TYPE, fields=fields)
