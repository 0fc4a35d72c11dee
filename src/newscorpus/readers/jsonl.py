"""Reading JSON Lines dumps: one structured record per line."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from typing import IO, cast

from ..errors import DocumentError
from .base import InputUnit, RawDocument, Reader

__all__ = ["RECORD_MEDIA_TYPE", "JsonlReader"]

#: Media type of structured records (JSONL lines, CSV rows, Parquet rows).
RECORD_MEDIA_TYPE = "application/x-newscorpus-record"


def _open(path: str) -> IO[bytes]:
    if path.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    if path.endswith(".zst"):
        import zstandard  # type: ignore[import-not-found,unused-ignore]  # optional: .zst dumps only

        raw = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"))  # noqa: SIM115
        return cast(IO[bytes], io.BufferedReader(raw))
    return open(path, "rb")


class JsonlReader(Reader):
    """One record per line of ``*.jsonl`` / ``*.ndjson`` (also ``.gz``, ``.zst``).

    Each line must be a JSON object; its keys become the record's fields, mapped
    to Article fields by the ``record`` parser (see ``read.fields``). The record
    locator is the line's byte offset, so ids do not depend on how the file is
    split into shards. Uncompressed files are splittable.
    """

    name = "jsonl"
    patterns = ("*.jsonl", "*.ndjson", "*.jsonl.gz", "*.ndjson.gz", "*.jsonl.zst")
    splittable = True

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        limit = self.limits.max_document_bytes
        rel = unit.relpath
        try:
            fh = _open(unit.path)
        except OSError as exc:
            yield RawDocument(unit.path, 0, f"{rel}#0", self.name, error=DocumentError("unreadable", str(exc)))
            return
        with fh:
            offset = 0
            if unit.start:
                fh.seek(unit.start)
                offset = unit.start
            reader = fh
            total = 0
            while unit.end is None or offset < unit.end:
                try:
                    line = reader.readline(limit + 1)
                except (OSError, EOFError) as exc:
                    err = DocumentError("bad-compression", f"stream broken after byte {offset}: {exc}")
                    yield RawDocument(unit.path, offset, f"{rel}#{offset}", self.name, error=err)
                    return
                if not line:
                    break
                start, size = offset, len(line)
                offset += size
                total += size
                if total > self.limits.max_decompressed_bytes:
                    err = DocumentError("too-large", "decompressed input exceeds read.limits.max_decompressed_bytes")
                    yield RawDocument(unit.path, start, f"{rel}#{start}", self.name, error=err)
                    return
                key = f"{rel}#{start}"
                if size > limit and not line.endswith(b"\n"):
                    # Skip the rest of the over-long line without holding it in memory.
                    while line and not line.endswith(b"\n"):
                        line = reader.readline(1 << 20)
                        offset += len(line)
                    err = DocumentError("too-large", f"line longer than read.limits.max_document_bytes ({limit:,})")
                    yield RawDocument(unit.path, start, key, self.name, error=err)
                    continue
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    err = DocumentError("invalid-json", f"line at byte {start}: {exc}")
                    yield RawDocument(unit.path, start, key, self.name, error=err)
                    continue
                if not isinstance(obj, dict):
                    kind = type(obj).__name__
                    err = DocumentError("invalid-record", f"line at byte {start} is a JSON {kind}, not an object")
                    yield RawDocument(unit.path, start, key, self.name, error=err)
                    continue
                yield RawDocument(unit.path, start, key, self.name, media_type=RECORD_MEDIA_TYPE, data=line, fields=obj)

    @staticmethod
    def split(path: str, target_bytes: int) -> list[tuple[int, int | None]]:
        """Byte ranges of about ``target_bytes`` that start and end on line boundaries."""
        if path.endswith((".gz", ".zst")):
            return [(0, None)]
        size = os.path.getsize(path)
        if size <= target_bytes:
            return [(0, None)]
        bounds = [0]
        with open(path, "rb") as fh:
            pos = target_bytes
            while pos < size:
                fh.seek(pos)
                fh.readline()
                pos = fh.tell()
                if pos >= size:
                    break
                bounds.append(pos)
                pos += target_bytes
        return [(a, b) for a, b in zip(bounds, [*bounds[1:], None], strict=True)]
