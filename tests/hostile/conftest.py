"""Helpers for the hostile-input matrix: run the real CLI in a child process that is
bounded in time and measured in memory, then check the run's promises (the report
balances, nothing was written outside ``--output``).

Every case runs ``newscorpus`` as a user would, in its own process group, so a hang
is killed whole (pool workers included) and reported as a failure rather than
stalling CI.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from .corpus import FAST_CONFIG, cli_args, write_config, write_inputs

#: Wall-clock bound of one case (the issue's 10 s).
TIME_LIMIT_S = 10.0
#: Peak resident memory of the largest process of one case (the issue's 500 MB).
MEMORY_LIMIT_MB = 500.0


@pytest.fixture(scope="session", autouse=True)
def _warm_installation(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One unbounded run before the bounded cases. The first run of a fresh clone
    builds the installation's one-off caches (Python's bytecode for the editable
    sources, numba's compiled tagging kernel next to them): seconds that belong to
    installing, not to any input, and that put the first bounded case at the edge
    of its 10 s in a clean-clone CI. The bound is about what an input does to a run."""
    folder = tmp_path_factory.mktemp("warm")
    inputs = write_inputs(folder / "in")
    config = write_config(folder / "pipeline.yaml")
    subprocess.run(
        [sys.executable, "-m", "newscorpus.cli", *cli_args(inputs, folder / "out", config)],
        capture_output=True,
        timeout=600,
        check=False,
    )


@attrs.frozen
class CliResult:
    """What one bounded ``newscorpus`` run did.

    Attributes:
        returncode: Exit status (negative: killed by that signal).
        stdout: Captured standard output.
        stderr: Captured standard error.
        seconds: Wall-clock time until exit (or until killed).
        peak_rss_mb: Largest resident set of the process or any child it waited for
            (``ru_maxrss`` from ``wait4``), in MiB.
        timed_out: Whether the time limit killed it.
    """

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    timed_out: bool


def run_cli(args: Sequence[str], *, cwd: Path | None = None, timeout: float = TIME_LIMIT_S,
            env: dict[str, str] | None = None, stdin: bytes | None = None) -> CliResult:
    """Run ``python -m newscorpus.cli ARGS`` bounded by ``timeout`` seconds (see
    :func:`run_bounded`)."""
    return run_bounded([sys.executable, "-m", "newscorpus.cli", *args], cwd=cwd, timeout=timeout, env=env, stdin=stdin)


def run_bounded(cmd: Sequence[str], *, cwd: Path | None = None, timeout: float = TIME_LIMIT_S,
                env: dict[str, str] | None = None, stdin: bytes | None = None) -> CliResult:
    """Run ``cmd`` bounded by ``timeout`` seconds.

    The child gets its own session, so on time-out the whole group (pool workers too)
    is killed. Peak memory comes from ``os.wait4`` on the child.
    """
    full_env = {**os.environ, **(env or {})}
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    out: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        out[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(n, s), daemon=True)
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for t in threads:
        t.start()
    if stdin is not None and proc.stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    killed = threading.Event()

    def on_timeout() -> None:
        killed.set()
        _kill_group(proc.pid)

    timer = threading.Timer(timeout, on_timeout)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    _kill_group(proc.pid)  # any worker left behind by a crash
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join(5)
    return CliResult(
        returncode=proc.returncode,
        stdout=out.get("stdout", b"").decode("utf-8", "replace"),
        stderr=out.get("stderr", b"").decode("utf-8", "replace"),
        seconds=time.monotonic() - start,
        peak_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports KiB
        timed_out=killed.is_set(),
    )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def assert_bounded(result: CliResult, *, timeout: float = TIME_LIMIT_S, memory_mb: float = MEMORY_LIMIT_MB) -> None:
    """The case finished in time and within memory."""
    assert not result.timed_out, f"killed after {timeout} s\nstderr:\n{result.stderr[-2000:]}"
    assert result.seconds < timeout, f"took {result.seconds:.1f} s"
    assert result.peak_rss_mb < memory_mb, f"peak RSS {result.peak_rss_mb:.0f} MiB"


def read_report(output: Path) -> dict[str, Any]:
    """``report.json`` of a finished run, checked to balance:
    ``documents == written + dropped_duplicates + quarantined``."""
    report: dict[str, Any] = json.loads((output / "report.json").read_text(encoding="utf-8"))
    acc = report["accounting"]
    assert acc["documents"] == acc["written"] + acc["dropped_duplicates"] + acc["quarantined"], acc
    assert acc["balanced"] is True, acc
    return report


def read_quarantine(output: Path) -> list[dict[str, Any]]:
    """The records of ``quarantine.jsonl`` (each names path, record, stage, reason)."""
    path = output / "quarantine.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    seen: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in [*filenames, *dirnames]:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            seen[p] = (st.st_mtime_ns, st.st_size)
    return seen


class WriteWatch:
    """Files created or changed under ``root`` outside an output folder.

    Make it after writing the inputs, then call :meth:`outside` after the run: the
    list must be empty (nothing escapes ``--output``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.before = _snapshot(root)

    def outside(self, output: Path) -> list[str]:
        """Paths under ``root`` created or changed since the snapshot, not inside ``output``."""
        out = str(output.resolve())
        changed = (p for p, sig in _snapshot(self.root).items() if self.before.get(p) != sig)
        return sorted(p for p in changed if not (os.path.realpath(p) + os.sep).startswith(out + os.sep))


@attrs.frozen
class InputRun:
    """One CLI run on a folder of hostile input files (see :func:`run_on_files`).

    Attributes:
        result: The bounded run.
        out: The ``--output`` folder.
        report: ``report.json``.
        quarantine: The lines of ``quarantine.jsonl``.
        articles: The lines of ``articles.jsonl``.
    """

    result: CliResult
    out: Path
    report: dict[str, Any]
    quarantine: list[dict[str, Any]]
    articles: list[dict[str, Any]]


def run_on_files(tmp_path: Path, files: dict[str, bytes] | None = None, config: str | None = None,
                 write: Callable[[Path], None] | None = None) -> InputRun:
    """Write ``files`` into ``tmp_path/in`` (and let ``write`` add generated ones),
    run the CLI on it with ``config`` (default: the fast config), and check what
    every hostile-input case promises: exit status 0, within the time and memory
    bounds, nothing written outside ``--output``, no lone surrogate in
    ``articles.jsonl``."""
    inp = tmp_path / "in"
    inp.mkdir()
    for name, data in (files or {}).items():
        (inp / name).write_bytes(data)
    if write is not None:
        write(inp)
    cfg = write_config(tmp_path / "run.yaml", FAST_CONFIG if config is None else config)
    out = tmp_path / "out"
    watch = WriteWatch(tmp_path)
    result = run_cli(cli_args(inp, out, cfg))
    assert result.returncode == 0, result.stderr[-2000:]
    assert_bounded(result)
    assert watch.outside(out) == []
    text = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert "\\ud8" not in text.lower() and "\\udc" not in text.lower()  # no lone surrogate reached the file
    articles = [json.loads(line) for line in text.splitlines()]
    return InputRun(result, out, read_report(out), read_quarantine(out), articles)
