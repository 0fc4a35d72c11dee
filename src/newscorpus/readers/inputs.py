"""Finding input files: a streamed walk that takes regular files only.

Everything the walk does not take is counted with a reason (``report.json``,
``inputs.skipped``), never dropped silently:

* ``not-a-regular-file``: a FIFO, a device (``/dev/zero``), a socket -- reading
  one could block forever or never end;
* ``symlink-not-followed``: a symbolic link met while walking a folder or matching
  a glob (``read.follow_symlinks: true`` follows them; a link named on the command
  line is always followed, the user named it);
* ``dangling-symlink``, ``symlink-loop``: links that lead nowhere;
* ``undecodable-file-name``: a name that is not valid UTF-8 (it could not be
  written into ``provenance.path`` or the report);
* ``inside-output``: files in the run's own output folder;
* ``no-reader``: no reader claims the file and its media type is a known text
  type other than plain text (``README.md`` is ``text/markdown``, ``x.py``
  ``text/x-python``): documentation or code beside the corpus, not articles; map
  a pattern to a reader in ``read.readers`` to read it. Binary files nobody claims
  still go to the text reader, which quarantines them as ``binary``;
* ``not-included``, ``excluded``: files in a folder or glob that match none of
  ``read.include`` or one of ``read.exclude`` (globs on the path under the input
  folder or on the file name; a file named on the command line is always read);
* ``over-max-files``: files beyond ``read.max_files`` (counted, not examined).
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import mimetypes
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..errors import ConfigError

__all__ = ["InputFile", "SkipLog", "display_path", "walk_inputs"]

#: Skipped files named one by one in the report (the rest are only counted).
MAX_EXAMPLES = 20



@attrs.frozen
class InputFile:
    """A regular file the run will read.

    Attributes:
        path: The path as found (under ``root``).
        root: The input argument it was found under.
        size: Size in bytes.
        mtime_ns: Modification time, to detect changed input on resume.
    """

    path: str
    root: str
    size: int
    mtime_ns: int


@attrs.define
class SkipLog:
    """What the walk did not take, by reason, with the first few paths.

    Attributes:
        counts: Skipped files by reason.
        examples: Up to :data:`MAX_EXAMPLES` ``{"path", "reason", "detail"}`` dicts.
    """

    counts: Counter[str] = attrs.field(factory=Counter)
    examples: list[dict[str, str]] = attrs.field(factory=list)

    def add(self, path: str, reason: str, detail: str, n: int = 1) -> None:
        """Count ``n`` files skipped for ``reason``; keep the first few paths."""
        self.counts[reason] += n
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append({"path": display_path(path), "reason": reason, "detail": detail})

    def to_dict(self) -> dict[str, Any]:
        """``{"count", "by_reason", "examples"}`` for ``report.json``."""
        return {"count": sum(self.counts.values()), "by_reason": dict(sorted(self.counts.items())),
                "examples": list(self.examples)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SkipLog:
        """Reverse :meth:`to_dict` (plans written before skips were kept have none)."""
        data = data or {}
        return cls(Counter({str(k): int(v) for k, v in (data.get("by_reason") or {}).items()}),
                   [dict(e) for e in data.get("examples") or []])


def display_path(path: str) -> str:
    """``path`` as valid UTF-8 text: undecodable bytes of a file name become ``\\xNN``."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _matches(path: str, root: str, patterns: Sequence[str]) -> str | None:
    """The first of ``patterns`` matching ``path``'s name or its path under ``root``."""
    base = os.path.basename(path)
    rel = os.path.relpath(path, root).replace(os.sep, "/") if root != path else base
    return next((p for p in patterns if fnmatch.fnmatch(base, p) or fnmatch.fnmatch(rel, p)), None)


class _Walker:
    def __init__(self, exclude: Path | None, follow_symlinks: bool, max_files: int,
                 claimed: Callable[[str], bool] | None, include_globs: Sequence[str] = (),
                 exclude_globs: Sequence[str] = ()) -> None:
        self.include_globs = tuple(include_globs)
        self.exclude_globs = tuple(exclude_globs)
        self.excluded = str(exclude.resolve()) if exclude else None
        self.follow = follow_symlinks
        self.max_files = max_files
        self.claimed = claimed
        self.skipped = SkipLog()
        self.seen: set[str] = set()
        self.skipped_paths: set[str] = set()
        self.taken = 0

    def skip(self, path: str, reason: str, detail: str) -> None:
        """Count ``path`` as skipped once, however many inputs lead to it."""
        key = os.path.abspath(path)
        if key not in self.skipped_paths:
            self.skipped_paths.add(key)
            self.skipped.add(path, reason, detail)

    def _inside_output(self, real: str) -> bool:
        ex = self.excluded
        return ex is not None and (real == ex or real.startswith(ex.rstrip(os.sep) + os.sep))

    def _stat(self, path: str, follow: bool) -> os.stat_result | None:
        """``stat`` of ``path`` (through a link when ``follow``), or ``None`` after
        recording why it is skipped."""
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                # A dangling link or a loop is named as such even when links are not followed.
                try:
                    target = os.stat(path)
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        self.skip(path, "symlink-loop", "the symbolic link loops back on itself")
                    else:
                        self.skip(path, "dangling-symlink",
                                         f"the symbolic link points to nothing ({display_path(os.readlink(path))})")
                    return None
                if not follow:
                    self.skip(path, "symlink-not-followed", "a symbolic link (to "
                                     f"{display_path(os.path.realpath(path))}); set read.follow_symlinks: true "
                                     "to read it")
                    return None
                st = target
        except OSError as exc:
            self.skip(path, "unreadable", str(exc.strerror or exc))
            return None
        return st

    def file(self, path: str, root: str, *, named: bool) -> Iterator[InputFile]:
        """The file at ``path`` if it is taken (``named``: given on the command line)."""
        if self.taken >= self.max_files:
            self.skip(path, "over-max-files", f"more than read.max_files ({self.max_files:,}) input files")
            return
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            self.skip(path, "undecodable-file-name", "the file name is not valid UTF-8; rename it to read it")
            return
        if not named and self.include_globs and _matches(path, root, self.include_globs) is None:
            self.skip(path, "not-included", f"matches none of read.include {list(self.include_globs)}")
            return
        if not named and (pattern := _matches(path, root, self.exclude_globs)) is not None:
            self.skip(path, "excluded", f"matches read.exclude pattern {pattern!r}")
            return
        st = self._stat(path, follow=named or self.follow)
        if st is None:
            return
        if not stat.S_ISREG(st.st_mode):
            self.skip(path, "not-a-regular-file", f"{_kind(st.st_mode)}: only regular files are read")
            return
        real = os.path.realpath(path)
        if self._inside_output(real):
            self.skip(path, "inside-output", "the file is inside the run's --output folder")
            return
        if real in self.seen:
            return  # the same file named twice (overlapping inputs) is read once
        if self.claimed is not None and not self.claimed(path):
            media, _enc = mimetypes.guess_type(path, strict=False)
            if media is not None and media.startswith("text/") and media != "text/plain":
                self.skip(path, "no-reader", f"no reader handles media type {media!r}; map the file "
                                 "pattern to a reader in read.readers to read it")
                return
        self.seen.add(real)
        self.taken += 1
        yield InputFile(path, root, st.st_size, st.st_mtime_ns)

    def tree(self, top: str, root: str) -> Iterator[InputFile]:
        """Files under directory ``top``, depth first, each directory's files in name
        order before its subdirectories (the order ``os.walk`` gave)."""
        visited: set[tuple[int, int]] = set()
        stack = [top]
        while stack:
            current = stack.pop()
            try:
                st = os.stat(current)
                if (st.st_dev, st.st_ino) in visited:
                    self.skip(current, "symlink-loop", "a symbolic link leads back to a folder already read")
                    continue
                visited.add((st.st_dev, st.st_ino))
                if self._inside_output(os.path.realpath(current)):
                    self.skip(current, "inside-output", "the folder is inside the run's --output folder "
                                     "(its files are not read)")
                    continue
                with os.scandir(current) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.skip(current, "unreadable", f"cannot list the folder: {exc.strerror or exc}")
                continue
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_link = entry.is_symlink()
                except OSError:
                    is_dir = is_link = False
                if is_dir or (is_link and self.follow and os.path.isdir(entry.path)):
                    subdirs.append(entry.path)
                else:
                    yield from self.file(entry.path, root, named=False)
            stack.extend(reversed(subdirs))


def walk_inputs(inputs: Sequence[str], *, exclude: Path | None = None, follow_symlinks: bool = False,
                max_files: int = 1_000_000, claimed: Callable[[str], bool] | None = None,
                skipped: SkipLog | None = None, include: Sequence[str] = (),
                exclude_globs: Sequence[str] = ()) -> Iterator[InputFile]:
    """Stream the regular files named by ``inputs`` (files, directories, globs) in a
    stable order, hidden files aside; record every other file met in ``skipped``.

    Args:
        inputs: Files, directories or globs.
        exclude: The output folder: nothing under it is read.
        follow_symlinks: Follow symbolic links met in folders and globs.
        max_files: Take at most this many files; the rest are counted.
        claimed: Whether some reader claims a path; files nobody claims go to
            the text reader only if their media type is plain text or unknown.
        skipped: Where skipped files are counted (a new log if ``None``).
        include: Globs; when given, a file found in a folder or by a glob is read
            only if its name or its path under the input matches one.
        exclude_globs: Globs; such a file matching one is not read.

    Raises:
        ConfigError: An input does not exist or a glob matches nothing.
    """
    walker = _Walker(exclude, follow_symlinks, max_files, claimed, include, exclude_globs)
    if skipped is not None:
        walker.skipped = skipped
    for item in inputs:
        if os.path.isdir(item):
            yield from walker.tree(item, item)
        elif os.path.lexists(item) and not glob.has_magic(item):
            yield from walker.file(item, item, named=True)
        elif glob.has_magic(item):
            matches = sorted(glob.iglob(item, recursive=True))
            if not matches:
                raise ConfigError(f"input glob {item!r} matches no file", key="inputs")
            root = item.split("*")[0].split("?")[0].split("[")[0]
            root = root if os.path.isdir(root) else os.path.dirname(root) or "."
            for p in matches:
                if not os.path.isdir(p) or os.path.islink(p):
                    yield from walker.file(p, root, named=False)
        else:
            raise ConfigError(f"input {item!r} does not exist", key="inputs")
