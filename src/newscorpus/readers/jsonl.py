"""Reading JSON Lines dumps: one structured record per line."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

import attrs

from ..errors import DocumentError
from .base import InputUnit, RawDocument, Reader

__all__ = ["RECORD_MEDIA_TYPE", "JsonlReader", "iter_lines", "parse_json_record"]

#: Media type of structured records (JSONL lines, CSV rows, Parquet rows).
RECORD_MEDIA_TYPE = "application/x-newscorpus-record"


#: Bytes read at a time by :func:`iter_lines`.
CHUNK_BYTES = 1 << 20
_BLANK = b" \t\r\n"


#: Decompressed bytes read before the compression ratio is checked.
RATIO_GRACE_BYTES = 16 * 1024 * 1024


def iter_lines(fh: IO[bytes], start: int, end: int | None, max_line: int, max_total: int | None,
               compressed_pos: Callable[[], int] | None = None,
               max_ratio: int = 100) -> Iterator[tuple[int, bytes | DocumentError]]:
    """``(offset, line)`` for every non-blank line of ``fh`` from byte ``start``
    (the stream is already there) until a line starts at or after ``end``.

    Bounded whatever the input: a line longer than ``max_line`` bytes is skipped
    without being held (``(offset, DocumentError("too-large"))``), runs of blank
    lines are skipped at memory speed (a gzip file of newlines expands a
    thousandfold), and once more than ``max_total`` bytes were read (the
    decompressed size, for compressed files) one ``too-large`` error ends the file,
    and so does expanding more than ``max_ratio`` times the compressed bytes read
    (``compressed_pos()``). A broken compressed stream ends it with ``bad-compression``.
    """

    def over(consumed: int) -> DocumentError | None:
        if max_total is not None and consumed > max_total:
            return _over_total(max_total)
        if compressed_pos is not None and consumed > RATIO_GRACE_BYTES:
            packed = max(1, compressed_pos())
            if consumed > max_ratio * packed:
                return DocumentError("too-large", f"{packed:,} compressed bytes expand to more than {consumed:,} "
                                     f"(over read.limits.max_compression_ratio, {max_ratio}x): a decompression "
                                     "bomb? The rest of the file is not read")
        return None

    buf = b""
    pos = start  # offset of buf[0]
    eof = False
    consumed = 0
    while True:
        if end is not None and pos >= end:
            return
        if buf[:1] in (b"\n", b"\r", b" ", b"\t") and buf:
            # Jump over a run of blank lines: to just after its last newline.
            rest = buf.lstrip(_BLANK)
            k = buf.rfind(b"\n", 0, len(buf) - len(rest))
            if k >= 0:
                buf = buf[k + 1:]
                pos += k + 1
                continue
        nl = buf.find(b"\n")
        if nl >= 0 or (eof and buf):
            line, buf = (buf[:nl + 1], buf[nl + 1:]) if nl >= 0 else (buf, b"")
            line_start, pos = pos, pos + len(line)
            if len(line) > max_line:
                yield line_start, DocumentError("too-large", f"line longer than read.limits.max_document_bytes "
                                                f"({max_line:,})")
            elif line.strip():
                yield line_start, line
            continue
        if eof:
            return
        if len(buf) > max_line:
            # An over-long line: drop what we hold and read on to its end, holding nothing.
            line_start = pos
            pos += len(buf)
            buf = b""
            while True:
                try:
                    chunk = fh.read(CHUNK_BYTES)
                except (OSError, EOFError, ValueError) as exc:
                    yield pos, DocumentError("bad-compression", f"stream broken after byte {pos}: {exc}")
                    return
                consumed += len(chunk)
                if (err := over(consumed)) is not None:
                    yield line_start, err
                    return
                nl = chunk.find(b"\n")
                if not chunk or nl >= 0:
                    break
                pos += len(chunk)
            yield line_start, DocumentError("too-large", f"line longer than read.limits.max_document_bytes "
                                            f"({max_line:,})")
            if nl >= 0:
                pos += nl + 1
                buf = chunk[nl + 1:]
            else:
                eof = True
            continue
        try:
            chunk = fh.read(CHUNK_BYTES)
        except (OSError, EOFError, ValueError) as exc:
            yield pos, DocumentError("bad-compression", f"stream broken after byte {pos}: {exc}")
            return
        consumed += len(chunk)
        if (err := over(consumed)) is not None:
            yield pos, err
            return
        if chunk:
            buf += chunk
        else:
            eof = True


def _over_total(max_total: int) -> DocumentError:
    return DocumentError("too-large", f"the file expands to more than read.limits.max_decompressed_bytes "
                         f"({max_total:,} bytes); the rest of it is not read")


def _lone_surrogate(obj: Any) -> str | None:
    """The dotted path of the first string in ``obj`` holding a lone surrogate
    (``"\\ud800"`` escapes decode to one; no UTF-8 text can hold it), or ``None``."""
    stack: list[tuple[str, Any]] = [("", obj)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"{where or 'value'} (character {exc.start})"
        elif isinstance(value, dict):
            stack.extend((f"{where}.{k}" if where else str(k), v) for k, v in value.items())
            stack.extend(("key", k) for k in value)
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value))
    return None


def parse_json_record(line: bytes, start: int) -> tuple[dict[str, Any], None] | tuple[None, DocumentError]:
    """One JSON object from ``line`` (at byte ``start``), or the reason it is not one:
    ``invalid-json`` (syntax, encoding, an integer of more than 4,300 digits),
    ``too-deep`` (nesting deeper than the parser's recursion limit),
    ``invalid-unicode`` (a lone surrogate escape) or ``invalid-record`` (not an object)."""
    try:
        obj = json.loads(line)
    except RecursionError:
        return None, DocumentError("too-deep", f"line at byte {start} is JSON nested too deeply to parse")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, the int-digits limit
        return None, DocumentError("invalid-json", f"line at byte {start}: {exc}")
    if not isinstance(obj, dict):
        kind = type(obj).__name__
        return None, DocumentError("invalid-record", f"line at byte {start} is a JSON {kind}, not an object")
    if b"\\u" in line:  # only escapes can make a lone surrogate; raw UTF-8 cannot
        where = _lone_surrogate(obj)
        if where is not None:
            return None, DocumentError("invalid-unicode", f"line at byte {start}: a lone surrogate escape in "
                                       f"{where} (not valid Unicode text)")
    return obj, None


def _open(path: str) -> tuple[IO[bytes], IO[bytes]]:
    """The decompressed stream of ``path`` and the file under it (whose position
    is the compressed bytes read)."""
    raw = open(path, "rb")  # noqa: SIM115
    try:
        if path.endswith(".gz"):
            return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")), raw
        if path.endswith(".zst"):
            import zstandard  # type: ignore[import-not-found,unused-ignore]  # optional: .zst dumps only

            return cast(IO[bytes], io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))), raw
    except BaseException:
        raw.close()
        raise
    return raw, raw


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

    @attrs.frozen
    class Options:
        """The ``jsonl`` reader has no options (``read.fields`` maps its columns)."""

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        rel = unit.relpath
        limits = self.limits
        compressed = unit.path.endswith((".gz", ".zst"))
        try:
            fh, raw = _open(unit.path)
        except OSError as exc:
            yield RawDocument(unit.path, 0, f"{rel}#0", self.name, error=DocumentError("unreadable", str(exc)))
            return
        with fh, raw:
            if unit.start:
                fh.seek(unit.start)
            # The cap on a compressed file counts every decompressed byte, the skipped
            # parts of over-long lines and blank runs included.
            cap = limits.max_decompressed_bytes if compressed else None
            lines = iter_lines(fh, unit.start, unit.end, limits.max_document_bytes, cap,
                               raw.tell if compressed else None, limits.max_compression_ratio)
            for start, line in lines:
                key = f"{rel}#{start}"
                if isinstance(line, DocumentError):
                    yield RawDocument(unit.path, start, key, self.name, error=line)
                    continue
                obj, err = parse_json_record(line, start)
                if obj is None:
                    yield RawDocument(unit.path, start, key, self.name, data=line[:1024], error=err)
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
