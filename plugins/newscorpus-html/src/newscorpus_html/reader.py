"""The ``html`` reader: one saved page per file (``.html``, ``.htm``, gzip-compressed too)."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator

from newscorpus.errors import DocumentError
from newscorpus.readers import InputUnit, RawDocument, Reader

__all__ = ["HtmlReader", "read_bounded"]


def read_bounded(path: str, limit: int) -> bytes:
    """The bytes of ``path`` (gunzipped when it ends in ``.gz``), at most ``limit``.

    Raises :class:`DocumentError` ``too-large`` when the file, or what it expands
    to, is larger than ``limit``: a decompression bomb stops after ``limit + 1``
    bytes instead of filling memory.
    """
    if path.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise DocumentError("bad-compression", f"cannot gunzip the file: {exc}") from exc
        if len(data) > limit:
            raise DocumentError(
                "too-large", f"the file expands to more than read.limits.max_document_bytes ({limit:,} bytes)"
            )
        return data
    size = os.path.getsize(path)
    if size > limit:
        raise DocumentError(
            "too-large", f"file of {size:,} bytes exceeds read.limits.max_document_bytes ({limit:,})"
        )
    with open(path, "rb") as fh:
        return fh.read(limit + 1)


class HtmlReader(Reader):
    """Reads one HTML page per file into a ``text/html`` raw document.

    Claims ``*.html``, ``*.htm``, ``*.xhtml``, ``*.shtml`` and their ``.gz`` forms.
    Files larger than ``read.limits.max_document_bytes`` (after decompression) are
    quarantined unread.
    """

    name = "html"
    patterns = (
        "*.html", "*.htm", "*.xhtml", "*.shtml",
        "*.html.gz", "*.htm.gz", "*.xhtml.gz", "*.shtml.gz",
    )

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        key = f"{unit.relpath}#0"
        media_type = "application/xhtml+xml" if ".xhtml" in unit.path.lower() else "text/html"
        try:
            data = read_bounded(unit.path, self.limits.max_document_bytes)
        except DocumentError as exc:
            yield RawDocument(unit.path, 0, key, self.name, media_type=media_type, error=exc)
            return
        except OSError as exc:
            err = DocumentError("unreadable", f"{exc.strerror or exc}")
            yield RawDocument(unit.path, 0, key, self.name, media_type=media_type, error=err)
            return
        yield RawDocument(unit.path, 0, key, self.name, media_type=media_type, data=data)
