"""The exporter interface and the context exporters write through."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs

from ..models import Article, Event

__all__ = ["DuplicateRow", "ExportContext", "Exporter", "safe_output_path"]


def safe_output_path(output_dir: str | os.PathLike[str], name: str) -> Path:
    """``output_dir / name``, refusing any name that would leave ``output_dir``.

    Exporters build every file name through this, so that no id, URL or title can
    make them write elsewhere.
    """
    root = Path(output_dir).resolve()
    if not name or "\x00" in name:
        raise ValueError(f"invalid output file name {name!r}")
    target = (root / name).resolve()
    if target != root and root not in target.parents:
        raise ValueError(f"refusing to write {name!r} outside the output directory {root}")
    return target


@attrs.frozen
class DuplicateRow:
    """One member of a duplicate or translation cluster.

    Attributes:
        article_id: The member.
        canonical_id: The cluster's canonical article.
        relation: ``duplicate`` or ``translation``.
        method: Deduplicator that linked it.
        score: The verify score of the link.
    """

    article_id: str
    canonical_id: str
    relation: str
    method: str
    score: float


@attrs.frozen
class ExportContext:
    """What an exporter can read and where it may write.

    The iterators stream from the run's work files; each call starts again from
    the beginning, so an exporter may make several passes. ``article_files``,
    ``event_file`` and ``duplicate_file`` are those work files themselves (JSON
    Lines in the public schema), for exporters that can copy rather than re-encode.
    """

    output_dir: Path
    articles: Callable[[], Iterator[Article]]
    events: Callable[[], Iterator[Event]]
    duplicates: Callable[[], Iterator[DuplicateRow]]
    report: dict[str, Any]
    article_files: tuple[Path, ...] = ()
    event_file: Path | None = None
    duplicate_file: Path | None = None

    def path(self, name: str) -> Path:
        """A path inside the output directory (see :func:`safe_output_path`)."""
        return safe_output_path(self.output_dir, name)


class Exporter(ABC):
    """Base class of exporters. Subclass, set ``name``, implement :meth:`export`,
    and register the class with the ``register_exporters`` hook."""

    name: ClassVar[str]

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def export(self, ctx: ExportContext) -> list[Path]:
        """Write the export; return the files written."""
