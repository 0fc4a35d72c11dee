"""The exporter interface and the context exporters write through."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, ClassVar

import attrs

from ..models import Article, Event
from ..workdir import atomic_write, commit_temp, guard, temp_path

__all__ = ["DuplicateRow", "ExportContext", "Exporter", "safe_output_path"]


def safe_output_path(output_dir: str | os.PathLike[str], name: str) -> Path:
    """``output_dir / name``, refusing any name that would leave ``output_dir``
    (:func:`newscorpus.workdir.guard`, the one path guard of a run).

    Exporters build every file name through this, so that no id, URL or title can
    make them write elsewhere; a symbolic link already at the name is removed, not
    written through.

    Raises:
        OutputError: (a ``ValueError``) the name leaves ``output_dir``.
    """
    return guard(output_dir, name)


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
    ``report`` holds the run's figures as ``report.json`` will (accounting,
    ``articles.languages``, quarantine, dedup, events, config) for every stage
    before export; ``exports``, ``execution`` and timings are added after.
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

    def open(self, name: str, *, text: bool = False) -> AbstractContextManager[Any]:
        """Write ``name`` atomically: a file (binary, or UTF-8 text) under a temporary
        name, fsynced and renamed over ``name`` when the block ends, removed if it
        raises. Disk full never leaves a truncated file under ``name``."""
        return atomic_write(self.path(name), text=text)

    def temp(self, name: str) -> tuple[Path, Path]:
        """``(final, temporary)`` paths for a library that writes a file by name
        (SQLite, Parquet); finish with :meth:`commit`."""
        final = self.path(name)
        return final, temp_path(final)

    def commit(self, tmp: Path, final: Path) -> None:
        """fsync ``tmp`` and rename it over ``final``."""
        commit_temp(tmp, final)


class Exporter(ABC):
    """Base class of exporters. Subclass, set ``name``, implement :meth:`export`,
    and register the class with the ``register_exporters`` hook.

    The pipeline constructs an exporter as ``Cls(**options)`` (``options`` checked
    against :attr:`Options`) and calls :meth:`export` once, at the end of a run.
    An exporter writes only inside ``ctx.output_dir`` and only through the
    context: :meth:`ExportContext.open` (a file written atomically) or
    :meth:`ExportContext.temp` and :meth:`ExportContext.commit` (for a library
    that writes a file by name), so that a failed or interrupted export never
    leaves a truncated file under a final name. It returns every file it wrote.
    :func:`newscorpus.testing.check_exporter` checks the contract.

    Attributes:
        name: Component name used in configs.
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.
    """

    name: ClassVar[str]
    Options: ClassVar[type | None] = None

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def export(self, ctx: ExportContext) -> list[Path]:
        """Write the export; return the files written."""
