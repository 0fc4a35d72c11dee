"""The reader interface: input files to raw documents."""

from __future__ import annotations

import fnmatch
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs

from ..errors import DocumentError

__all__ = ["InputUnit", "Limits", "RawDocument", "Reader"]


@attrs.frozen
class Limits:
    """Bounds that keep one huge or hostile document from hurting a run.

    Attributes:
        max_document_bytes: A document larger than this is quarantined unread.
        max_line_chars: A paragraph longer than this is quarantined (a 50 MB line
            is not an article).
        max_decompressed_bytes: Ceiling for a compressed input's expanded size.
        max_compression_ratio: A compressed input expanding more than this many
            times its compressed size (past its first 16 MiB) is a bomb, not a
            dump: news text compresses 3-15 times, a gzip file of newlines 1,000
            times, so reading stops there instead of inflating gigabytes.
    """

    max_document_bytes: int = 8 * 1024 * 1024
    max_line_chars: int = 200_000
    max_decompressed_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: int = 100


@attrs.frozen
class InputUnit:
    """A slice of input given to one reader call: a whole file or a byte range.

    Attributes:
        path: The file, as found from the run's inputs.
        root: The input argument it was found under (a directory, or the file
            itself); ids are derived from ``path`` relative to it, so the same
            corpus gives the same ids wherever it lives.
        start: First byte of the slice (splittable readers only).
        end: Byte after the slice, or ``None`` for the end of the file.
    """

    path: str
    root: str
    start: int = 0
    end: int | None = None

    @property
    def relpath(self) -> str:
        """``path`` relative to ``root`` (its file name when root is the file)."""
        if os.path.abspath(self.root) == os.path.abspath(self.path):
            return os.path.basename(self.path)
        return os.path.relpath(self.path, self.root).replace(os.sep, "/")


@attrs.frozen
class RawDocument:
    """One document as a reader found it, before parsing.

    Attributes:
        path: Input file it came from.
        record: Locator inside the file (0 for one-document files, a byte offset
            for line-based files, a record offset for WARC).
        key: Input-relative locator (``relpath#record``) that stable ids hash.
        reader: Name of the reader.
        media_type: What ``data`` holds (``text/plain``, ``text/html``) or
            ``application/x-newscorpus-record`` for structured ``fields``.
        data: The raw bytes, for byte-oriented media types.
        fields: Structured values the container knew (url, date, title, text ...).
        error: Set when the reader could not get this record out whole; the
            pipeline quarantines it with this reason.
    """

    path: str
    record: int | str
    key: str
    reader: str
    media_type: str = "text/plain"
    data: bytes | None = None
    fields: dict[str, Any] = attrs.field(factory=dict)
    error: DocumentError | None = None


class Reader(ABC):
    """Base class of source readers. Subclass, set ``name`` and ``patterns``,
    implement :meth:`read`, and register the class with the ``register_readers`` hook.

    Attributes:
        name: Component name used in configs.
        patterns: File-name globs (``*.jsonl``) this reader claims. When several
            readers match, the longest pattern wins (``*.warc.gz`` beats ``*.gz``).
        splittable: Whether :meth:`read` accepts byte ranges that start and end on
            record boundaries (line-based formats), so one big file can be split
            across shards.
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.

    The pipeline constructs a reader as ``Cls(limits=..., **options)``: ``limits``
    is the run's :class:`Limits` (``read.limits``, not an option), ``options`` are
    ``read.options.<name>``. :func:`newscorpus.testing.check_reader` checks the
    contract of :meth:`read`.
    """

    name: ClassVar[str]
    patterns: ClassVar[tuple[str, ...]] = ()
    splittable: ClassVar[bool] = False
    Options: ClassVar[type | None] = None

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        self.limits = limits or Limits()
        self.options = options

    @abstractmethod
    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        """Yield every document in ``unit``. A broken record is yielded with
        ``error`` set, never raised, so that the documents after it are read."""

    @staticmethod
    def split(path: str, target_bytes: int) -> list[tuple[int, int | None]]:
        """Byte ranges of ``path`` for a splittable reader; the whole file by default."""
        return [(0, None)]

    @classmethod
    def claims(cls, path: str) -> int:
        """Length of the longest of this reader's patterns matching ``path``, or 0."""
        base = os.path.basename(path).lower()
        return max((len(p) for p in cls.patterns if fnmatch.fnmatch(base, p)), default=0)
