"""Every file a run writes, through one path guard: atomic writers, the output
lock, clean-up of what a killed run left, and the ``work/`` folder stages hand off
through.

The rules, applied here and nowhere else:

- A path is inside the output directory (:func:`guard`): its folder, with every
  symbolic link followed, must lie under the output directory, and a symbolic
  link already at the name itself is removed, never written through.
- A file is written under a temporary name ``<name>.tmp-<pid>`` created with
  ``O_CREAT | O_EXCL | O_NOFOLLOW`` (a link planted at that name is removed, not
  followed), flushed, fsynced and renamed over the final name (:func:`atomic_write`,
  :class:`AtomicWriter`). A killed or failing write never leaves a half file under
  the final name; disk full leaves the previous file (or none).
- One run at a time per output directory (:class:`OutputLock`).
- JSON lines never hold ``NaN``, ``Infinity``, lone surrogates or integers Python
  cannot print (:func:`dumps_json`): they become ``null`` / U+FFFD and the line is
  flagged.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import IO, Any

import msgspec

from .errors import OutputError

__all__ = [
    "LOCK_NAME",
    "AtomicWriter",
    "OutputLock",
    "WorkDir",
    "atomic_write",
    "clear_outputs",
    "commit_temp",
    "create_new",
    "dumps_json",
    "guard",
    "iter_jsonl",
    "iter_jsonl_offsets",
    "json_safe",
    "loads_json",
    "remove_temp_files",
    "temp_path",
]

#: The lock file of an output directory (hidden: input walks skip it).
LOCK_NAME = ".newscorpus.lock"
#: Temporary files this module creates end so; a resumed run removes leftovers.
_TEMP_RE = re.compile(r"\.tmp-\d+$")
#: Folder old outputs are moved into before deletion on a restart.
_TRASH_PREFIX = ".newscorpus-trash-"
#: Errors that say the file system refuses writes (as opposed to, say, a missing
#: source file read inside an ``atomic_write`` block).
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})
#: What :func:`dumps_json` returns when it changed nothing.
_NO_CHANGES: Mapping[str, int] = MappingProxyType({})
#: Integers with more bits than this have more than 4,300 digits, which Python refuses to print.
_MAX_INT_BITS = 14_000


# -- the path guard ---------------------------------------------------------------------------


def guard(root: str | os.PathLike[str], name: str | os.PathLike[str]) -> Path:
    """``name`` (relative to ``root``, or absolute) as a path inside ``root``.

    The one path guard: the parent folder is resolved (symbolic links followed) and
    must lie inside ``root``; a symbolic link already at the final name is removed
    so that writing there replaces the link instead of following it.

    Raises:
        OutputError: The name is empty, holds a NUL, ends in ``..`` or leaves ``root``.
    """
    base = Path(root).resolve()
    text = os.fspath(name)
    if not text or "\x00" in text:
        raise OutputError(f"invalid output file name {text!r}")
    path = Path(text) if os.path.isabs(text) else base / text
    if path.name in ("", ".", ".."):
        raise OutputError(f"invalid output file name {text!r}")
    parent = path.parent.resolve()
    if parent != base and base not in parent.parents:
        raise OutputError(f"refusing to write {text!r}: it leads outside the output directory {base}")
    target = parent / path.name
    if target.is_symlink():
        target.unlink()
    return target


# -- atomic writes -----------------------------------------------------------------------------


def _tmp_name(final: Path) -> Path:
    return final.with_name(f"{final.name}.tmp-{os.getpid()}")


def temp_path(final: Path) -> Path:
    """The temporary name to write ``final`` under, for libraries that open files by
    name themselves (SQLite, Parquet writers); whatever is at that name is removed
    first. Finish with :func:`commit_temp`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(final)
    tmp.unlink(missing_ok=True)  # removes a planted link itself, never its target
    return tmp


def _open_temp(final: Path) -> tuple[Path, IO[bytes]]:
    tmp = temp_path(final)
    return tmp, _create(tmp)


def _create(path: Path) -> IO[bytes]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise _output_error(exc, path) from exc
    return os.fdopen(fd, "wb")


def create_new(path: Path, *, text: bool = False) -> IO[Any]:
    """Open a new scratch file at ``path`` (from :func:`guard`) for writing: whatever
    is at that name is removed first and the file is created with ``O_EXCL |
    O_NOFOLLOW``, so a planted link is never written through. Binary, or UTF-8 text
    when ``text`` is true."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    raw = _create(path)
    if text:
        import io

        return io.TextIOWrapper(raw, encoding="utf-8", newline="")
    return raw


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder; the rename still happened
        pass
    finally:
        os.close(fd)


def commit_temp(tmp: Path, final: Path) -> None:
    """fsync ``tmp`` and rename it over ``final`` (a link at ``final`` is replaced,
    not followed)."""
    try:
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _output_error(exc, final) from exc
    _fsync_dir(final.parent)


def _output_error(exc: OSError, path: Path) -> OutputError:
    """A one-line error naming the file, for the errors a user can act on."""
    what = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
            errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
            errno.EPERM: "permission denied"}.get(exc.errno or 0, exc.strerror or str(exc))
    err = OutputError(f"cannot write {path}: {what}")
    err.errno = exc.errno  # type: ignore[attr-defined]
    return err


@contextmanager
def atomic_write(final: Path, *, text: bool = False) -> Iterator[Any]:
    """Open ``final`` for writing through a temporary file that is renamed over it
    when the block ends without an error (and removed when it raises).

    ``final`` should come from :func:`guard`. Yields a binary file, or a UTF-8 text
    file when ``text`` is true. A full disk or a read-only file system becomes
    :class:`~newscorpus.errors.OutputError` naming the file.
    """
    tmp, raw = _open_temp(final)
    fh: Any = raw
    if text:
        import io

        fh = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    try:
        try:
            yield fh
            fh.flush()
            os.fsync(raw.fileno())
        finally:
            fh.close()
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in _WRITE_ERRNOS:
            raise _output_error(exc, final) from exc
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        os.replace(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _output_error(exc, final) from exc
    _fsync_dir(final.parent)


# -- JSON lines that are always valid JSON ---------------------------------------------------------


def _clean(value: Any, reasons: Counter[str]) -> Any:
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        reasons["non-finite-number"] += 1
        return None
    if isinstance(value, str):
        if any("\ud800" <= c <= "\udfff" for c in value):
            reasons["lone-surrogate"] += 1
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            reasons["huge-integer"] += 1
            return None
        return value
    if isinstance(value, dict):
        return {_clean(str(k), reasons): _clean(v, reasons) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, reasons) for v in value]
    return value


def json_safe(value: Any) -> tuple[Any, Mapping[str, int]]:
    """``value`` with what JSON cannot hold replaced as :func:`dumps_json` replaces
    it (``NaN``/``Infinity`` and huge integers -> ``None``, lone surrogates ->
    U+FFFD), and what was replaced, by reason; for a parser that sanitises a value
    itself, so that its article reads back equal."""
    reasons: Counter[str] = Counter()
    return _clean(value, reasons), reasons


#: msgspec's encoder writes what ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
#: writes for every str, int, bool and None and for the floats :func:`_fast_safe` lets
#: through (tests/test_workdir_json.py checks it); it is ~10x cheaper on an article.
_ENCODE = msgspec.json.Encoder().encode
_DECODE = msgspec.json.decode
#: Floats in [1e-4, 1e16) (and 0) print the same in msgspec and in ``repr``; outside
#: it ``repr`` says ``1e-05``/``1e+16`` where msgspec says ``0.00001``/``1e16``.
_FLOAT_LOW, _FLOAT_HIGH = 1e-4, 1e16


def _fast_safe(value: Any) -> bool:
    """Whether msgspec writes ``value`` byte for byte as the stdlib would: only
    dicts with str keys, lists, tuples, str, bool, None, ints of at most
    ``_MAX_INT_BITS`` bits and floats in msgspec's exact range. A lone surrogate
    makes msgspec raise, so strings need no look here."""
    t = type(value)
    if t is str or value is None or t is bool:
        return True
    if t is dict:
        for k, v in value.items():
            if type(k) is not str:
                return False
            tv = type(v)
            if tv is str or v is None or tv is bool:
                continue
            if not _fast_safe(v):
                return False
        return True
    if t is list or t is tuple:
        for v in value:
            tv = type(v)
            if tv is str or v is None or tv is bool:
                continue
            if not _fast_safe(v):
                return False
        return True
    if t is int:
        return bool(value.bit_length() <= _MAX_INT_BITS)
    if t is float:
        a = abs(value)
        return bool(a == 0.0 or _FLOAT_LOW <= a < _FLOAT_HIGH)  # NaN and inf compare false
    return False


def dumps_json(obj: Any) -> tuple[bytes, Mapping[str, int]]:
    """One JSON line (UTF-8, no newline) and what had to be changed to make it
    valid: ``NaN``/``Infinity`` become ``null`` (``non-finite-number``), lone
    surrogates U+FFFD (``lone-surrogate``), integers of more than 4,300 digits
    ``null`` (``huge-integer``).

    The bytes are always those of ``json.dumps(obj, ensure_ascii=False,
    separators=(",", ":"))``; the common case (plain values, no float outside
    [1e-4, 1e16)) is written by msgspec at a tenth of the cost, anything else by
    the stdlib as before."""
    if _fast_safe(obj):
        try:
            return _ENCODE(obj), _NO_CHANGES  # shared and read-only: a new Counter per line costs ~10%
        except UnicodeEncodeError:  # a lone surrogate: the stdlib path below replaces it
            pass
    try:
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        return line, _NO_CHANGES
    except (ValueError, UnicodeEncodeError):
        reasons: Counter[str] = Counter()
        clean = _clean(obj, reasons)
        if isinstance(obj, dict) and isinstance(clean.get("flags"), list) and "id" in clean:
            # An article (the public schema): the change is visible on the article itself.
            clean["flags"].append({"name": "sanitised_json", "plugin": "newscorpus",
                                   "detail": "values JSON cannot hold were replaced: "
                                   + ", ".join(f"{k} x{v}" for k, v in sorted(reasons.items())),
                                   "positions": []})
        return json.dumps(clean, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8"), reasons


def loads_json(data: bytes | str) -> Any:
    """Parse one JSON value as ``json.loads`` does: msgspec first (exact for ints of
    any size, floats and strings, ~2.5x cheaper), the stdlib for what msgspec
    refuses (``NaN``, ``1e400``, escaped lone surrogates, a byte-order mark), so
    the result and the errors are the stdlib's."""
    try:
        return _DECODE(data)
    except msgspec.DecodeError:
        return json.loads(data)


class AtomicWriter:
    """Write lines to ``path`` through a temporary file renamed on :meth:`commit`.

    Attributes:
        count: Lines written.
        size: Bytes written (the offset the next line starts at).
        sanitised: What :func:`dumps_json` replaced, by reason.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp, self._fh = _open_temp(path)
        self._open: IO[bytes] | None = self._fh
        self.count = 0
        self.size = 0
        self.sanitised: Counter[str] = Counter()

    def write_json(self, obj: Any) -> None:
        """Write ``obj`` as one JSON line (see :func:`dumps_json`)."""
        data, reasons = dumps_json(obj)
        if reasons:
            self.sanitised.update(reasons)
        self._write(data)

    def write_line(self, line: str) -> None:
        """Write one line (without its newline); lone surrogates become U+FFFD."""
        try:
            data = line.encode("utf-8")
        except UnicodeEncodeError:
            data = _clean(line, self.sanitised).encode("utf-8")
        self._write(data)

    def _write(self, data: bytes) -> None:
        assert self._open is not None
        try:
            self._open.write(data + b"\n")
        except OSError as exc:
            self.abort()
            raise _output_error(exc, self.path) from exc
        self.count += 1
        self.size += len(data) + 1

    def commit(self) -> None:
        """Flush, fsync and move the file into place."""
        if self._open is None:
            return
        fh, self._open = self._open, None
        try:
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            os.replace(self.tmp, self.path)
        except OSError as exc:
            fh.close()
            self.tmp.unlink(missing_ok=True)
            raise _output_error(exc, self.path) from exc

    def abort(self) -> None:
        """Drop the temporary file."""
        if self._open is not None:
            fh, self._open = self._open, None
            with contextlib.suppress(OSError):  # the close of a file on a full disk may fail too
                fh.close()
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
                yield offset, len(line), loads_json(line)
            offset += len(line)


# -- the output directory: lock, leftovers, restart ---------------------------------------------------


class OutputLock:
    """An exclusive lock on an output directory, held for a whole run.

    The lock is an ``flock`` on ``<output>/.newscorpus.lock``, which holds the pid
    of the run. The kernel drops it when the process ends however it ends, so the
    lock of a killed run is taken over by the next run, while a second run started
    beside a live one fails at once.
    """

    def __init__(self, output: Path) -> None:
        self.path = output / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            OutputError: Another live run holds it, or the directory cannot be written.
        """
        import fcntl

        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise _output_error(exc, self.path) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise OutputError(
                f"{self.path.parent} is in use by another newscorpus run (pid {holder}); "
                "wait for it to finish, or use another --output"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        """Release the lock (the file stays, holding the last run's pid)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def remove_temp_files(output: Path, skip: Iterable[str | os.PathLike[str]] = ()) -> int:
    """Delete what killed runs left in ``output``: ``*.tmp-<pid>`` files and trash
    folders of an interrupted restart. Call it holding the :class:`OutputLock`.
    Symbolic links are not followed, and folders in ``skip`` (the run's inputs, if
    one lies inside ``output``) are left alone. Returns the number of entries removed."""
    removed = 0
    for entry in list(os.scandir(output)):
        if entry.name.startswith(_TRASH_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
    skipped = {os.path.realpath(p) for p in skip}
    for dirpath, dirnames, filenames in os.walk(output, followlinks=False):
        dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) not in skipped]
        for name in [*filenames, *dirnames]:
            if _TEMP_RE.search(name):
                p = os.path.join(dirpath, name)
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    os.unlink(p)
                removed += 1
    return removed


def clear_outputs(output: Path, names: list[str]) -> None:
    """Remove a finished run's outputs before a new run writes its own.

    ``report.json`` goes first, so a folder whose clearing or next run fails never
    holds a report that looks current; then each of ``names`` (relative paths, each
    checked by :func:`guard`) and ``work/``. Each is renamed into one trash folder,
    which is then deleted (a killed clear leaves only that folder, removed by
    :func:`remove_temp_files` on the next start).
    """
    _trash(output, ["report.json", "quarantine.jsonl", *names, "work"])


def _trash(output: Path, order: list[str]) -> None:
    trash = output / f"{_TRASH_PREFIX}{os.getpid()}"
    seen: set[str] = set()
    for i, name in enumerate(order):
        if name in seen:
            continue
        seen.add(name)
        try:
            path = guard(output, name)
        except OutputError:
            continue  # a tampered list of exports: never touch anything outside
        if not os.path.lexists(path):
            continue
        trash.mkdir(exist_ok=True)
        try:
            os.replace(path, trash / f"{i:05d}")
        except OSError as exc:
            raise _output_error(exc, path) from exc
    shutil.rmtree(trash, ignore_errors=True)


class WorkDir:
    """The ``work/`` folder of a run: stage outputs and completion markers."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.root = output / "work"

    def path(self, *parts: str) -> Path:
        """A path under ``work/``, checked by :func:`guard`."""
        return guard(self.output, os.path.join("work", *parts))

    def marker(self, stage: str, index: int) -> Path:
        """The completion marker of task ``index`` of ``stage``."""
        return self.root / "_done" / stage / f"{index:05d}.json"

    def is_done(self, stage: str, index: int) -> bool:
        """Whether the task finished in this or an earlier run."""
        return self.marker(stage, index).exists()

    def mark_done(self, stage: str, index: int, stats: dict[str, Any]) -> None:
        """Record that the task finished, with its counters."""
        w = AtomicWriter(self.path("_done", stage, f"{index:05d}.json"))
        w.write_json(stats)
        w.commit()

    def stats(self, stage: str, index: int) -> dict[str, Any]:
        """The counters a finished task recorded."""
        return loads_json(self.marker(stage, index).read_bytes())  # type: ignore[no-any-return]

    def clear(self) -> None:
        """Delete all work files (a restart): renamed away first, so that no later
        reader sees a half-deleted folder."""
        _trash(self.output, ["work"])
