"""CSV: the ``csv`` exporter (flat tables) and the ``csv`` reader (dumps)."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
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


class CsvReader(Reader):
    """One structured record per row of ``*.csv`` / ``*.tsv`` files (also ``.gz``).

    The first row names the columns; every later row becomes an
    ``application/x-newscorpus-record`` document whose fields are the row's
    non-empty cells, mapped to Article fields by the ``record`` parser
    (``read.fields``). The record locator is the 1-based data row number. A row
    with more cells than the header, or a broken encoding, is quarantined and
    reading goes on.

    Options:
        delimiter: Field separator (default: tab for ``.tsv``, else ``,``).
        encoding: Text encoding (default ``utf-8``; a UTF-8 BOM is skipped).
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

        def error(record: int, reason: str, detail: str) -> RawDocument:
            return RawDocument(unit.path, record, f"{rel}#{record}", self.name, media_type=RECORD_MEDIA_TYPE,
                               error=DocumentError(reason, detail))

        # Lines are decoded one by one so that a bad byte costs one row, not the file,
        # and read at most ``limit`` bytes at a time so that one huge line cannot fill memory.
        state = {"bad": False, "long": False}

        def lines(raw: IO[bytes]) -> Iterator[str]:
            while True:
                line = raw.readline(limit + 1)
                if not line:
                    return
                if len(line) > limit and not line.endswith(b"\n"):
                    state["long"] = True
                    while line and not line.endswith(b"\n"):
                        line = raw.readline(1 << 20)
                    yield "\n"
                    continue
                try:
                    yield line.decode(encoding)
                except UnicodeDecodeError:
                    state["bad"] = True
                    yield line.decode(encoding, errors="replace")

        try:
            raw: IO[bytes] = open(unit.path, "rb")  # noqa: SIM115
            if lower.endswith(".gz"):
                raw = io.BufferedReader(_Bounded(gzip.open(raw, "rb"), self.limits.max_decompressed_bytes))  # noqa: SIM115
        except OSError as exc:
            yield error(0, "unreadable", str(exc))
            return
        with raw:
            reader = csv.reader(lines(raw), delimiter=delimiter)
            row_no = 0
            try:
                header = next(reader, None)
                if header is None:
                    yield error(0, "empty", "the CSV file holds no header row")
                    return
                header = [h.strip() for h in header]
                while True:
                    state["bad"] = state["long"] = False
                    try:
                        cells = next(reader)
                    except StopIteration:
                        break
                    except csv.Error as exc:
                        row_no += 1
                        yield error(row_no, "bad-row", f"CSV row {row_no} is malformed: {exc}")
                        continue
                    row_no += 1
                    if state["long"]:
                        yield error(row_no, "too-large",
                                    f"row {row_no} has a line longer than read.limits.max_document_bytes ({limit:,})")
                        continue
                    if state["bad"]:
                        yield error(row_no, "invalid-encoding",
                                    f"row {row_no} is not valid {codecs.lookup(encoding).name} "
                                    "(set read.options.csv.encoding)")
                        continue
                    if not any(c.strip() for c in cells):
                        continue
                    if len(cells) > len(header):
                        yield error(row_no, "bad-row",
                                    f"row {row_no} has {len(cells)} cells but the header names {len(header)}")
                        continue
                    size = sum(len(c) for c in cells)
                    if size > limit:
                        yield error(row_no, "too-large",
                                    f"row {row_no} holds {size:,} characters, more than read.limits.max_document_bytes")
                        continue
                    fields = {h: c for h, c in zip(header, cells, strict=False) if h and c != ""}
                    yield RawDocument(unit.path, row_no, f"{rel}#{row_no}", self.name,
                                      media_type=RECORD_MEDIA_TYPE, fields=fields)
            except DocumentError as exc:
                yield error(row_no + 1, exc.reason, exc.detail)
            except (OSError, EOFError) as exc:
                yield error(row_no + 1, "bad-compression", f"stream broken after row {row_no}: {exc}")
