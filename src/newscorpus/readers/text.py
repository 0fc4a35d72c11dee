"""Reading one-document files: plain text (optionally gzip-compressed)."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator

from ..errors import DocumentError
from .base import InputUnit, RawDocument, Reader

__all__ = ["TextReader", "read_bounded"]


def read_bounded(path: str, limit: int, setting: str = "read.limits.max_document_bytes") -> bytes:
    """Read ``path`` whole, decompressing ``.gz``, refusing more than ``limit`` bytes.

    A decompression bomb stops after ``limit + 1`` bytes instead of filling memory.
    Readers of every plugin share this, so a limit error reads the same everywhere.

    Args:
        path: the file.
        limit: most bytes accepted (after decompression).
        setting: the configuration key that sets ``limit``, named in the error.

    Raises:
        DocumentError: ``too-large`` when the (decompressed) file exceeds ``limit``,
            ``bad-compression`` when the compressed stream is broken.
    """
    if path.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise DocumentError("bad-compression", f"cannot decompress: {exc}") from None
        if len(data) > limit:
            raise DocumentError("too-large", f"more than {setting} ({limit:,} bytes) once decompressed")
        return data
    size = os.path.getsize(path)
    if size > limit:
        raise DocumentError("too-large", f"{size:,} bytes exceeds {setting} ({limit:,})")
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # the file grew while we read it
        raise DocumentError("too-large", f"more than {setting} ({limit:,} bytes)")
    return data


class TextReader(Reader):
    """One plain-text article per file (``*.txt``, ``*.text``, ``*.txt.gz``).

    It is also the fallback for files no other reader claims: a binary or
    undecodable file then ends up quarantined with a reason instead of ignored.
    """

    name = "text"
    patterns = ("*.txt", "*.text", "*.txt.gz")

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        key = f"{unit.relpath}#0"
        try:
            data = read_bounded(unit.path, self.limits.max_document_bytes)
        except DocumentError as exc:
            yield RawDocument(unit.path, 0, key, self.name, error=exc)
            return
        except OSError as exc:
            yield RawDocument(unit.path, 0, key, self.name, error=DocumentError("unreadable", str(exc)))
            return
        yield RawDocument(unit.path, 0, key, self.name, media_type="text/plain", data=data)
