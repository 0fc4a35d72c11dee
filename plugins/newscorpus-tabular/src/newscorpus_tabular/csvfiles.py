"""CSV: the ``csv`` exporter (flat tables) and the ``csv`` reader (dumps)."""

from __future__ import annotations

import codecs
import collections
import csv
import functools
import gzip
import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from newscorpus.errors import DocumentError
from newscorpus.exporters import ExportContext, Exporter
from newscorpus.models import Article, Event
from newscorpus.options import option
from newscorpus.readers import InputUnit, RawDocument, Reader
from newscorpus.serialize import article_from_dict, event_from_dict
from newscorpus.workdir import commit_temp

from .flat import (
    ARTICLE_COLUMNS,
    DUPLICATE_COLUMNS,
    EVENT_COLUMNS,
    REMOVAL_COLUMNS,
    article_flat,
    article_from_flat,
    column_names,
    event_flat,
    event_from_flat,
    removal_rows,
)
from .parquet import RECORD_MEDIA_TYPE
from .source import article_dicts, atomic_target, duplicate_dicts, event_dicts

__all__ = ["CsvExporter", "CsvReader", "read_csv_articles", "read_csv_events"]


class CsvExporter(Exporter):
    """Writes ``articles.csv``, ``events.csv``, ``removals.csv`` and
    ``duplicates.csv``: flat tables (see :mod:`newscorpus_tabular.flat` and
    ``docs/io.md`` for the flattening), UTF-8, RFC 4180 quoting, a header row.

    Options:
        articles, events, removals, duplicates: File names (defaults ``<table>.csv``).
        delimiter: Field separator (default ``,``).
    """

    name = "csv"

    @attrs.frozen
    class Options:
        """Options of the ``csv`` exporter."""

        articles: str = option("articles.csv", "File name of the articles table.")
        events: str = option("events.csv", "File name of the events table.")
        removals: str = option("removals.csv", "File name of the removals table.")
        duplicates: str = option("duplicates.csv", "File name of the duplicates table.")
        delimiter: str = option(",", "Field separator.")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.names = {t: str(options.get(t, f"{t}.csv")) for t in ("articles", "events", "removals", "duplicates")}
        self.delimiter = str(options.get("delimiter", ","))
        if len(self.delimiter) != 1:
            raise ValueError(f"csv exporter option 'delimiter' must be one character, got {self.delimiter!r}")

    def export(self, ctx: ExportContext) -> list[Path]:
        targets = {t: atomic_target(ctx, n) for t, n in self.names.items()}
        columns = {"articles": ARTICLE_COLUMNS, "removals": REMOVAL_COLUMNS, "events": EVENT_COLUMNS,
                   "duplicates": DUPLICATE_COLUMNS}
        handles = {t: open(tmp, "w", encoding="utf-8", newline="") for t, (_f, tmp) in targets.items()}  # noqa: SIM115
        try:
            writers = {}
            for t, fh in handles.items():
                w = csv.DictWriter(fh, fieldnames=column_names(columns[t]), delimiter=self.delimiter,
                                   extrasaction="ignore")
                w.writeheader()
                writers[t] = w
            for data in article_dicts(ctx):
                writers["articles"].writerow(article_flat(data))
                writers["removals"].writerows(removal_rows(data))
            for data in event_dicts(ctx):
                writers["events"].writerow(event_flat(data))
            for data in duplicate_dicts(ctx):
                writers["duplicates"].writerow(data)
        except BaseException:
            for fh in handles.values():
                fh.close()
            for _final, tmp in targets.values():
                tmp.unlink(missing_ok=True)
            raise
        for fh in handles.values():
            fh.close()
        for final, tmp in targets.values():
            commit_temp(tmp, final)  # fsync, then rename
        return [final for final, _tmp in targets.values()]


def _big_fields() -> None:
    # A body is one CSV field; the csv module's default cap is 128 KiB.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv_articles(articles: str | os.PathLike[str], removals: str | os.PathLike[str] | None = None,
                      *, delimiter: str = ",") -> Iterator[Article]:
    """Stream the Articles of a CSV export (``removals.csv`` restores ``removed``).

    The removals file is read into memory grouped by article id: it is small
    beside the articles.
    """
    _big_fields()
    by_article: dict[str, list[dict[str, str]]] = {}
    if removals is not None:
        with open(removals, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter=delimiter):
                by_article.setdefault(row["article_id"], []).append(row)
    with open(articles, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=delimiter):
            yield article_from_dict(article_from_flat(row, by_article.get(row["id"], ())))


def read_csv_events(path: str | os.PathLike[str], *, delimiter: str = ",") -> Iterator[Event]:
    """Stream the Events of an ``events.csv`` export."""
    _big_fields()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=delimiter):
            yield event_from_dict(event_from_flat(row))


class _Bounded(io.RawIOBase):
    """A byte stream that fails once more than ``limit`` bytes were read (a
    decompression bomb stops there instead of filling the disk or memory)."""

    def __init__(self, raw: Any, limit: int) -> None:
        self.raw, self.limit, self.count = raw, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise DocumentError("too-large", f"the file expands to more than read.limits.max_decompressed_bytes "
                                f"({self.limit:,} bytes)")
        buffer[: len(data)] = data
        return len(data)


#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SURROGATE = re.compile("[\ud800-\udfff]")


def _ends_line(line: bytes | str) -> bool:
    return line.endswith(b"\n") if isinstance(line, bytes) else line.endswith("\n")


def _mark_bad(exc: UnicodeError) -> tuple[str, int]:
    """Decode error handler: an undecodable span becomes a lone surrogate, which no
    decoded text holds, so :class:`_Lines` can tell the line is broken."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "\ud800", exc.end


_MARK_BAD = "newscorpus-csv-mark-bad"
codecs.register_error(_MARK_BAD, _mark_bad)


class _OverlongError(Exception):
    """A record ran past the size limit (an unclosed quote swallowing the lines after it)."""


class _Lines:
    """The lines of a CSV file, each decoded on its own and bounded, for ``csv.reader``.

    A bad byte costs one row (``bad``), a line longer than ``limit`` bytes is skipped
    to its end (``long``), and a record whose lines add up to more than ``limit``
    raises :class:`_OverlongError`: an unclosed quote cannot gather the rest of the file.
    The lines of that record after its first are then read again (once: lines read
    again never are a second time), so the rows a stray quote swallowed are kept.
    """

    def __init__(self, stream: IO[bytes] | IO[str], encoding: str | None, limit: int) -> None:
        self.stream, self.encoding, self.limit = stream, encoding, limit
        self.bad = self.long = False
        self.line_no = 0  # physical line of the last line handed out
        self.record: list[tuple[int, str, bool]] = []  # the current record's (line, text, read again)
        self.size = 0
        self.pending: collections.deque[tuple[int, str, bool]] = collections.deque()

    def start_record(self) -> None:
        """Forget the previous record (called before each row)."""
        self.bad = self.long = False
        self.record, self.size = [], 0

    def replay(self) -> bool:
        """Queue the lines of an overlong record after its first to be read again;
        ``False`` when they were read again already."""
        rest = self.record[1:]
        if any(again for _n, _t, again in self.record):
            return False
        self.pending.extendleft((n, t, True) for n, t, _again in reversed(rest))
        return True

    def _next(self) -> tuple[int, str, bool] | None:
        if self.pending:
            return self.pending.popleft()
        raw = self.stream.readline(self.limit + 1)
        if not raw:
            return None
        self.line_no += 1
        if len(raw) > self.limit and not _ends_line(raw):
            self.long = True
            while raw and not _ends_line(raw):
                raw = self.stream.readline(1 << 20)
            return self.line_no, "\n", False
        if isinstance(raw, bytes):
            try:
                text = raw.decode(self.encoding or "utf-8")
            except UnicodeDecodeError:
                self.bad = True
                text = raw.decode(self.encoding or "utf-8", errors="replace")
        elif _SURROGATE.search(raw):  # text streams mark undecodable bytes with a lone surrogate
            self.bad = True
            text = _SURROGATE.sub("\ufffd", raw)
        else:
            text = raw
        return self.line_no, text, False

    # An iterator, not a generator: a generator that raised is finished, and
    # ``csv.reader`` must go on reading after an overlong record.
    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        item = self._next()
        if item is None:
            raise StopIteration
        self.record.append(item)
        self.size += len(item[1])
        if self.size > self.limit:
            raise _OverlongError
        return item[1]

    @property
    def first_line(self) -> int:
        """Physical line on which the current record began."""
        return self.record[0][0] if self.record else self.line_no + 1


def _open_text(raw: IO[bytes], encoding: str) -> tuple[IO[bytes] | IO[str], str | None, str]:
    """``(stream, byte encoding, name)``: the file as bytes with the encoding to decode
    each line with, or, for an encoding in which a newline is not the byte 0x0A
    (UTF-16, UTF-32: chosen by the option or by a byte-order mark), as text."""
    head = raw.peek(4)[:4] if isinstance(raw, io.BufferedReader) else b""
    for bom, name in _BOMS:
        if head.startswith(bom):
            encoding = name
            break
    if "\n".encode(encoding) == b"\n":
        return raw, encoding, codecs.lookup(encoding).name
    text = io.TextIOWrapper(raw, encoding=encoding, errors=_MARK_BAD, newline="")
    return text, None, codecs.lookup(encoding).name


class CsvReader(Reader):
    """One structured record per row of ``*.csv`` / ``*.tsv`` files (also ``.gz``).

    The first row names the columns; every later row becomes an
    ``application/x-newscorpus-record`` document whose fields are the row's
    non-empty cells, mapped to Article fields by the ``record`` parser
    (``read.fields``). The record locator is the 1-based data row number. A row
    with more cells than the header, or a broken encoding, is quarantined and
    reading goes on.

    Memory is bounded by ``read.limits.max_document_bytes``: a longer line is
    skipped, and a row running past it (an unclosed quote) is quarantined as
    ``too-large`` naming the line it began on; the lines it swallowed are then read
    again as rows of their own. A byte-order mark selects UTF-8, UTF-16 or UTF-32.

    Options:
        delimiter: Field separator (default: tab for ``.tsv``, else ``,``).
        encoding: Text encoding (default ``utf-8``; a byte-order mark wins).
    """

    name = "csv"

    @attrs.frozen
    class Options:
        """Options of the ``csv`` reader."""

        delimiter: str | None = option(None, "Field separator (default: tab for `.tsv`, else `,`).")
        encoding: str = option("utf-8-sig", "Text encoding (a byte-order mark wins).")
    patterns = ("*.csv", "*.tsv", "*.csv.gz", "*.tsv.gz")

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        _big_fields()
        rel = unit.relpath
        lower = unit.path.lower()
        delimiter = str(self.options.get("delimiter") or ("\t" if ".tsv" in lower else ","))
        encoding = str(self.options.get("encoding", "utf-8-sig"))
        limit = self.limits.max_document_bytes
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ValueError(f"csv reader option 'encoding': {exc}") from exc

        error = functools.partial(self._error, unit.path, rel)
        try:
            raw: IO[bytes] = open(unit.path, "rb")  # noqa: SIM115
            if lower.endswith(".gz"):
                raw = io.BufferedReader(_Bounded(gzip.open(raw, "rb"), self.limits.max_decompressed_bytes))  # noqa: SIM115
        except OSError as exc:
            yield error(0, "unreadable", str(exc))
            return
        row_no = 0
        with raw:
            try:
                stream, line_encoding, encoding_name = _open_text(raw, encoding)
                lines = _Lines(stream, line_encoding, limit)
                reader = csv.reader(lines, delimiter=delimiter)
                header = next(reader, None)
                if header is None:
                    yield error(0, "empty", "the CSV file holds no header row")
                    return
                header = [h.strip() for h in header]
                while True:
                    lines.start_record()
                    try:
                        cells = next(reader)
                    except StopIteration:
                        break
                    except _OverlongError:
                        row_no += 1
                        again = lines.replay()
                        yield error(row_no, "too-large",
                                    f"row {row_no} (from line {lines.first_line}) runs past "
                                    f"read.limits.max_document_bytes ({limit:,}): an unclosed quote?"
                                    + (" The lines after its first are read again." if again else ""))
                        continue
                    except csv.Error as exc:
                        row_no += 1
                        yield error(row_no, "bad-row", f"CSV row {row_no} is malformed: {exc}")
                        continue
                    row_no += 1
                    doc = self._row(unit.path, rel, row_no, header, cells, lines, encoding_name, limit)
                    if doc is not None:
                        yield doc
            except DocumentError as exc:
                yield error(row_no + 1, exc.reason, exc.detail)
            except _OverlongError:  # the header row itself
                yield error(0, "too-large", f"the header row runs past read.limits.max_document_bytes ({limit:,})")
            except (OSError, EOFError) as exc:
                yield error(row_no + 1, "bad-compression", f"stream broken after row {row_no}: {exc}")

    def _error(self, path: str, rel: str, record: int, reason: str, detail: str) -> RawDocument:
        """Record ``record`` of ``path`` refused with ``reason`` (quarantined by the run)."""
        return RawDocument(path, record, f"{rel}#{record}", self.name, media_type=RECORD_MEDIA_TYPE,
                           error=DocumentError(reason, detail))

    def _row(self, path: str, rel: str, row_no: int, header: list[str], cells: list[str], lines: _Lines,
             encoding: str, limit: int) -> RawDocument | None:
        error = functools.partial(self._error, path, rel, row_no)
        if lines.long:
            return error("too-large", f"row {row_no} has a line longer than read.limits.max_document_bytes "
                         f"({limit:,})")
        if lines.bad:
            return error("invalid-encoding", f"row {row_no} (line {lines.first_line}) is not valid {encoding} "
                         "(set read.options.csv.encoding)")
        if not any(c.strip() for c in cells):
            return None
        if len(cells) > len(header):
            return error("bad-row", f"row {row_no} has {len(cells)} cells but the header names {len(header)}")
        fields = {h: c for h, c in zip(header, cells, strict=False) if h and c != ""}
        return RawDocument(path, row_no, f"{rel}#{row_no}", self.name, media_type=RECORD_MEDIA_TYPE, fields=fields)
