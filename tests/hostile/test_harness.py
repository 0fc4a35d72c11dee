"""The harness itself: a clean run is bounded, balanced and writes only under --output."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from .conftest import WriteWatch, assert_bounded, read_quarantine, read_report, run_bounded, run_cli


def test_seeds_run_is_bounded_and_balanced(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    inputs = tmp_path / "in"
    shutil.copytree(seeds, inputs)
    out = tmp_path / "out"
    watch = WriteWatch(tmp_path)
    result = run_cli(["run", str(inputs), "--output", str(out), "--workers", "1", "--no-progress"], timeout=60)
    assert result.returncode == 0, result.stderr
    assert_bounded(result, timeout=60)
    report = read_report(out)
    assert report["accounting"]["documents"] == 5
    assert read_quarantine(out) == []
    assert watch.outside(out) == []


def test_time_limit_kills_the_whole_group(tmp_path: Path) -> None:
    # A child that starts a grandchild and hangs: both must be gone after the limit.
    pidfile = tmp_path / "grandchild.pid"
    code = ("import subprocess, sys, time; "
            "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
            f"open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    result = run_bounded([sys.executable, "-c", code], timeout=2)
    assert result.timed_out
    assert result.seconds < 10
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
