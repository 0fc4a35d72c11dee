"""The ``html`` reader: one saved page per file (``.html``, ``.htm``, gzip-compressed too)."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from newscorpus.errors import DocumentError
from newscorpus.readers import InputUnit, RawDocument, Reader, read_bounded

__all__ = ["HtmlReader", "read_bounded"]


class HtmlReader(Reader):
    """Reads one HTML page per file into a ``text/html`` raw document.

    Claims ``*.html``, ``*.htm``, ``*.xhtml``, ``*.shtml`` and their ``.gz`` forms.
    Files larger than ``read.limits.max_document_bytes`` (after decompression) are
    quarantined unread.
    """

    name = "html"

    @attrs.frozen
    class Options:
        """The ``html`` reader has no options (``read.options.html`` configures the parser)."""

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
