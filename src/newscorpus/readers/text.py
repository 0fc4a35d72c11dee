"""Reading one-document files: plain text (optionally gzip-compressed)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator

from ..errors import DocumentError
from .base import InputUnit, RawDocument, Reader

__all__ = ["TextReader", "read_bounded"]


def read_bounded(path: str, limit: int) -> bytes:
    """Read ``path`` whole, decompressing ``.gz``, refusing more than ``limit`` bytes.

    Raises:
        DocumentError: ``too-large`` when the (decompressed) file exceeds ``limit``,
            ``bad-gzip`` when the compressed stream is broken.
    """
    if path.endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise DocumentError("bad-gzip", f"cannot decompress: {exc}") from None
    else:
        size = os.path.getsize(path)
        if size > limit:
            raise DocumentError(
                "too-large",
                f"{size:,} bytes exceeds read.limits.max_document_bytes ({limit:,})",
            )
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(
            "too-large", f"more than read.limits.max_document_bytes ({limit:,}) once decompressed"
        )
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
