"""Files that stages hand off through: atomic JSONL writers, readers and task markers.

A task writes each output under a temporary name and renames it into place only
when complete, then writes its marker; a killed task leaves no half file behind
that a resumed run could mistake for finished output.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["AtomicWriter", "WorkDir", "iter_jsonl"]


class AtomicWriter:
    """Write lines to ``path`` through a temporary file renamed on :meth:`commit`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        self._fh: IO[str] | None = open(self.tmp, "w", encoding="utf-8")  # noqa: SIM115
        self.count = 0

    def write_json(self, obj: Any) -> None:
        """Write ``obj`` as one JSON line."""
        self.write_line(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))

    def write_line(self, line: str) -> None:
        """Write one line (without its newline)."""
        assert self._fh is not None
        self._fh.write(line)
        self._fh.write("\n")
        self.count += 1

    def commit(self) -> None:
        """Flush, fsync and move the file into place."""
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Drop the temporary file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def iter_jsonl(path: Path) -> Iterator[Any]:
    """Yield each JSON line of ``path``; nothing when it does not exist."""
    for _offset, _length, record in iter_jsonl_offsets(path):
        yield record


def iter_jsonl_offsets(path: Path) -> Iterator[tuple[int, int, Any]]:
    """``(byte offset, byte length, record)`` of each JSON line of ``path``, so a
    caller can read one record again later (``os.pread``) instead of keeping it."""
    if not path.exists():
        return
    offset = 0
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield offset, len(line), json.loads(line)
            offset += len(line)


class WorkDir:
    """The ``work/`` folder of a run: stage outputs and completion markers."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.root = output / "work"

    def path(self, *parts: str) -> Path:
        """A path under ``work/``."""
        return self.root.joinpath(*parts)

    def marker(self, stage: str, index: int) -> Path:
        """The completion marker of task ``index`` of ``stage``."""
        return self.root / "_done" / stage / f"{index:05d}.json"

    def is_done(self, stage: str, index: int) -> bool:
        """Whether the task finished in this or an earlier run."""
        return self.marker(stage, index).exists()

    def mark_done(self, stage: str, index: int, stats: dict[str, Any]) -> None:
        """Record that the task finished, with its counters."""
        w = AtomicWriter(self.marker(stage, index))
        w.write_json(stats)
        w.commit()

    def stats(self, stage: str, index: int) -> dict[str, Any]:
        """The counters a finished task recorded."""
        return json.loads(self.marker(stage, index).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def clear(self) -> None:
        """Delete all work files (a restart)."""
        shutil.rmtree(self.root, ignore_errors=True)
