"""One run per output folder (a second fails fast, a dead run's lock is taken
over), and Ctrl-C ends a run with exit 130 and a message, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscorpus.workdir import LOCK_NAME, OutputLock

from .conftest import TIME_LIMIT_S, assert_bounded, read_report, run_cli
from .corpus import FAST_CONFIG, article, cli_args, write_config, write_inputs

#: Bound on start-up and on a whole resumed run of this file's 3,000 documents.
START_LIMIT_S = 3 * TIME_LIMIT_S


def test_a_second_run_on_a_locked_output_fails_fast(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    cfg = write_config(tmp_path / "p.yaml")
    assert run_cli(cli_args(inputs, out, cfg)).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != LOCK_NAME}
    with OutputLock(out):  # a live run holds the folder (this process)
        for extra in ((), ("--restart",)):
            result = run_cli(cli_args(inputs, out, cfg, *extra))
            assert_bounded(result)
            assert result.returncode == 2, result.stderr
            (line,) = result.stderr.strip().splitlines()
            assert f"in use by another newscorpus run (pid {os.getpid()})" in line
    # Neither the run nor the restart touched anything.
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != LOCK_NAME} == before


def test_the_lock_of_a_dead_run_is_taken_over(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK_NAME).write_text(f"{dead.pid}\n")  # left by a run killed with -9
    result = run_cli(cli_args(inputs, out, write_config(tmp_path / "p.yaml")))
    assert result.returncode == 0, result.stderr
    read_report(out)
    assert (out / LOCK_NAME).read_text().strip() not in ("", str(dead.pid))


def _sigint_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_exits_130_with_a_message_and_the_run_resumes(tmp_path: Path, workers: str) -> None:
    # Enough documents that parsing is still going when the signal comes.
    inputs = write_inputs(tmp_path / "in", [article(i) for i in range(3000)])
    out = tmp_path / "out"
    cfg = write_config(tmp_path / "p.yaml", FAST_CONFIG + "execution:\n  shards: 8\n")
    args = [*cli_args(inputs, out, cfg), "--workers", workers]
    # A terminal's foreground command takes Ctrl-C. The suite itself may run as a
    # background job of a non-interactive shell (`cmd &`, as CI scripts do), whose
    # children inherit SIGINT ignored, and Python keeps an inherited ignore: the run
    # would rightly never see the signal (that was the exit 0 seen before).
    proc = subprocess.Popen([sys.executable, "-m", "newscorpus.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_sigint_as_at_a_terminal)
    try:
        # Start-up is not what is tested: a fresh clone on 2 busy cores (cold file cache,
        # pool workers loading their models) has needed most of 10 s before a shard ended.
        deadline = time.monotonic() + START_LIMIT_S
        while not (out / "work" / "_done" / "parse").exists() and proc.poll() is None:
            assert time.monotonic() < deadline, "the run never started its shards"
            time.sleep(0.02)
        # Say which way it went if the exit is not 130: the run ended before a shard
        # was seen, or the signal came and was not acted on.
        ended = proc.poll()
        assert ended is None, f"the run ended (exit {ended}) before a parse shard was seen"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        signalled = time.monotonic()
        _out, err = proc.communicate(timeout=TIME_LIMIT_S)  # the bound that is tested: exit after Ctrl-C
        assert time.monotonic() - signalled < TIME_LIMIT_S
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = err.decode()
    said = f"stdout: {_out.decode()[-500:]}; stderr: {stderr}"
    assert proc.returncode == 130, f"exit {proc.returncode} after SIGINT; {said}"
    assert "Traceback" not in stderr and "interrupted" in stderr
    if workers != "1":
        return  # resuming is the same path for any number of workers; one is cheaper
    # The resumed run parses most of 3,000 documents and runs every later stage: a whole
    # run, bounded like start-up, not like one hostile case.
    result = run_cli(args, timeout=START_LIMIT_S)
    assert_bounded(result, timeout=START_LIMIT_S)
    assert result.returncode == 0, result.stderr
    assert read_report(out)["accounting"]["documents"] == 3000
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
