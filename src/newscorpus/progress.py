"""Live progress by documents: what a running task has done, and the bar that shows it.

A task cannot call back into the process that drew the bar (it may run in a pool
worker or on a Ray node), so it writes its counts to a small file under
``work/progress/<stage>/`` at most every half second (:class:`TaskProgress`), and
the main process polls those files while the stage runs (:class:`StageProgress`).
Only the files of running tasks are read: a finished task's counts come from its
completion marker, so a document is never counted twice.

The parse stage reports documents read and input bytes done: whole units (a file, or a
byte range of a splittable one), and inside a unit of an uncompressed line-based file
the byte offset of the last record read. The bar shows documents, their rate, the
share of input bytes done and an estimate of the time left from the byte rate. Stages
that report nothing show tasks.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["StageProgress", "TaskProgress", "file_size", "format_eta", "offsets_are_positions", "unit_bytes"]

_BAR = "{desc} {percentage:3.0f}%|{bar}| "

#: Seconds between two writes of a task's counts (and two polls of the bar).
INTERVAL = 0.5


class TaskProgress:
    """Counts of one running task, written to ``path`` at most every :data:`INTERVAL`.

    The write is a rename of a whole small file, so a reader sees the last complete
    counts or none; the cost per document is one clock read.
    """

    def __init__(self, path: Path, interval: float = INTERVAL) -> None:
        self.path = path
        self.documents = 0
        self.bytes = 0  # whole units done
        self.in_unit = 0  # bytes read of the unit being read, when the reader tells
        self._interval = interval
        self._next = time.monotonic() + interval

    def add(self, documents: int = 0, nbytes: int = 0) -> None:
        """Count ``documents`` more documents and ``nbytes`` more input bytes done
        (a whole unit: the position inside the unit starts again at 0)."""
        self.documents += documents
        if nbytes:
            self.bytes += nbytes
            self.in_unit = 0
        self._tick()

    def at(self, position: int, size: int) -> None:
        """Record that the unit being read (``size`` bytes) has been read up to
        ``position`` bytes from its start; positions outside it are ignored."""
        if 0 <= position <= size:
            self.in_unit = max(self.in_unit, position)

    def _tick(self) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self._interval
            self.write()

    def write(self) -> None:
        """Write the counts now. Progress is advisory: a failed write is skipped, and
        never fails the task."""
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            counts = {"documents": self.documents, "bytes": self.bytes + self.in_unit}
            tmp.write_text(json.dumps(counts), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


def format_eta(seconds: float | None) -> str:
    """``1:02:03``, ``4:05``, or ``?`` when there is no estimate yet."""
    if seconds is None or seconds != seconds or seconds < 0 or seconds > 360_000:
        return "?"
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _read_counts(path: Path) -> tuple[int, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return int(data.get("documents", 0)), int(data.get("bytes", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0, 0  # not written yet, or a task on another machine not yet seen


class StageProgress:
    """A stage's progress bar on stderr, by documents when its tasks report them.

    Args:
        stage: Stage name (the bar's label).
        folder: Where the stage's running tasks write their counts
            (``work/progress/<stage>``).
        tasks: Number of tasks in the stage.
        done: Counters of the tasks already finished (an earlier run's, on resume),
            by task index.
        task_bytes: Input bytes of each task, when the stage reads input (parse);
            gives the share done and the estimate of the time left.
        enabled: Draw the bar (``False``: count silently).
    """

    def __init__(self, stage: str, folder: Path, tasks: int, done: Mapping[int, Mapping[str, Any]],
                 task_bytes: Mapping[int, int] | None = None, *, enabled: bool = True) -> None:
        from tqdm import tqdm

        self.stage, self.folder, self.tasks = stage, folder, tasks
        self.task_bytes = dict(task_bytes or {})
        self.total_bytes = sum(self.task_bytes.values())
        self._finished: dict[int, tuple[int, int]] = {}
        for i, stats in done.items():
            self._finished[i] = (int(stats.get("documents", 0)), self.task_bytes.get(i, 0))
        self._start_docs, self._start_bytes = self._totals(live=False)
        self._t0 = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # The bar fills by input bytes when the stage reads input, else by tasks.
        self._bar = tqdm(total=self.total_bytes or tasks, desc=f"{stage:<14}", disable=not enabled,
                         leave=True, dynamic_ncols=True, bar_format=_BAR)
        self._refresh()
        self._thread: threading.Thread | None = None
        if enabled:
            self._thread = threading.Thread(target=self._poll, name=f"progress-{stage}", daemon=True)

    def __enter__(self) -> StageProgress:
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._refresh()
            self._bar.close()

    def task_done(self, index: int, stats: Mapping[str, Any]) -> None:
        """Record that task ``index`` finished with counters ``stats`` (the executor's
        ``on_done``)."""
        with self._lock:
            self._finished[index] = (int(stats.get("documents", 0)), self.task_bytes.get(index, 0))
            self._refresh()

    def _running(self) -> Iterable[tuple[int, int, int]]:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            stem = name.removesuffix(".json")
            if stem == name or not stem.isdigit() or int(stem) in self._finished:
                continue  # a temporary file, or a task whose marker already counts
            yield (int(stem), *_read_counts(self.folder / name))

    def _totals(self, live: bool = True) -> tuple[int, int]:
        """Documents and input bytes done. A running task reports bytes only for
        whole units, so inside a unit its bytes are estimated from its documents at
        the bytes per document of the finished tasks (never past its own size)."""
        docs = sum(d for d, _ in self._finished.values())
        nbytes = sum(b for _, b in self._finished.values())
        per_doc = nbytes / docs if docs else 0.0
        if live:
            for i, d, b in self._running():
                guess = min(d * per_doc, self.task_bytes.get(i, 0))
                docs, nbytes = docs + d, nbytes + max(b, round(guess))
        return docs, nbytes

    def status(self) -> dict[str, Any]:
        """Documents so far, documents per second, share of input bytes done and the
        estimated seconds left (``None`` when unknown)."""
        docs, nbytes = self._totals()
        elapsed = max(time.monotonic() - self._t0, 1e-9)
        rate = (docs - self._start_docs) / elapsed
        fraction = nbytes / self.total_bytes if self.total_bytes else None
        eta = None
        new_bytes = nbytes - self._start_bytes
        # No estimate from the first percent: start-up (models, the first batch) would
        # make it hours long.
        if self.total_bytes and new_bytes >= 0.01 * self.total_bytes:
            eta = (self.total_bytes - nbytes) * elapsed / new_bytes
        return {"documents": docs, "rate": rate, "fraction": fraction, "eta": eta}

    def _refresh(self) -> None:
        s = self.status()
        parts = [f"{len(self._finished)}/{self.tasks} tasks"]
        if s["documents"]:
            parts += [f"{s['documents']:,} docs", f"{s['rate']:,.0f} docs/s"]
        if s["fraction"] is not None:
            parts.append(f"ETA {format_eta(s['eta'])}")
        self._bar.n = round(s["fraction"] * self.total_bytes) if s["fraction"] is not None else len(self._finished)
        # The counts go into the format itself: tqdm's postfix would add a leading ", ".
        self._bar.bar_format = _BAR + ", ".join(parts).replace("{", "{{").replace("}", "}}")
        self._bar.refresh()

    def _poll(self) -> None:
        while not self._stop.wait(INTERVAL):
            with self._lock:
                self._refresh()


def unit_bytes(start: int, end: int | None, file_size: int) -> int:
    """Input bytes of a unit ``[start, end)`` of a file of ``file_size`` bytes
    (``end`` ``None``: to the end of the file)."""
    return max(0, (file_size if end is None else min(end, file_size)) - start)


def file_size(path: str) -> int:
    """Size of ``path`` in bytes, 0 when it cannot be read (progress is advisory)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


#: Suffixes of compressed files: their readers' offsets count decompressed bytes, which
#: say nothing about how much of the file is read.
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip")


def offsets_are_positions(path: str) -> bool:
    """Whether a byte offset a reader gives for a record of ``path`` is a position in
    the file (an uncompressed file), so it can measure progress inside a unit."""
    return not path.lower().endswith(_COMPRESSED)
