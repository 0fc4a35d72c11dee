"""The local executor's pool: every task once, one pool per run by default, and no idle
workers kept for lone tasks when ``release_idle`` is set."""

from __future__ import annotations

import os
from typing import Any

import pytest

from newscorpus.executors.base import TaskSpec
from newscorpus.executors.local import LocalExecutor


def pid_of(task: TaskSpec) -> dict[str, Any]:
    """A task that tells which process ran it (module level: spawn pickles it by name)."""
    return {"pid": os.getpid(), "index": task.index}


def run(ex: LocalExecutor, stage: str, n: int) -> dict[int, int]:
    got: dict[int, int] = {}

    def on_done(task: TaskSpec, result: dict[str, Any]) -> None:
        assert task.index not in got and result["index"] == task.index
        got[task.index] = result["pid"]

    ex.map(pid_of, [TaskSpec("/nowhere", stage, i) for i in range(n)], on_done)
    assert sorted(got) == list(range(n))
    return got


def pool_pids(ex: LocalExecutor) -> set[int]:
    """The processes of the executor's current pool. Not the pids that ran tasks: a
    pool may start a worker that an idle sibling beats to every task, so "ran a
    parse task" is not the same as "belongs to the parse pool"."""
    pool = ex._pool
    return set(pool._processes or {}) if pool is not None else set()  # type: ignore[attr-defined]


@pytest.mark.parametrize("release", [True, False])
def test_a_lone_task_after_a_pooled_stage(release: bool) -> None:
    ex = LocalExecutor(2, release_idle=release)
    try:
        parse = run(ex, "parse", 6)
        parse_pool = pool_pids(ex)
        events = run(ex, "events", 1)
        finalize = run(ex, "finalize", 4)
    finally:
        ex.close()
    assert os.getpid() not in {*parse.values(), *events.values(), *finalize.values()}
    assert set(parse.values()) <= parse_pool
    if release:
        # The lone task ran in a fresh process: the parse workers were let go.
        assert events[0] not in parse_pool
        assert not set(finalize.values()) & {*parse_pool, *events.values()}
    else:
        assert events[0] in parse_pool
        assert set(finalize.values()) <= parse_pool


def test_by_default_one_pool_serves_every_stage() -> None:
    ex = LocalExecutor(2)
    try:
        parse = run(ex, "parse", 4)
        first = pool_pids(ex)
        for stage, n in (("dedup-cluster", 1), ("events", 1), ("finalize", 3), ("export", 1)):
            assert set(run(ex, stage, n).values()) <= first
            assert pool_pids(ex) == first
    finally:
        ex.close()
    assert set(parse.values()) <= first and len(first) == 2
    assert ex.started == 2  # the workers started in the whole run


def test_release_idle_starts_a_pool_per_task_count() -> None:
    ex = LocalExecutor(2, release_idle=True)
    try:
        for stage, n in (("parse", 4), ("events", 1), ("finalize", 3), ("export", 1)):
            run(ex, stage, n)
    finally:
        ex.close()
    assert ex.started == 2 + 1 + 2 + 1


def test_one_worker_and_a_first_lone_task_run_in_this_process() -> None:
    assert set(run(LocalExecutor(1), "parse", 3).values()) == {os.getpid()}
    ex = LocalExecutor(2)
    try:
        assert run(ex, "events", 1) == {0: os.getpid()}
        assert run(ex, "parse", 0) == {}
    finally:
        ex.close()


DRIVER = '''
import os, sys, time
from newscorpus.executors.base import TaskSpec
from newscorpus.executors.local import LocalExecutor

def stall(task):
    with open(os.path.join(sys.argv[1], f"{os.getpid()}.pid"), "w"):
        pass
    time.sleep(120)  # a long task: the driver is killed before it ends
    return {}

if __name__ == "__main__":
    ex = LocalExecutor(2)
    ex.map(stall, [TaskSpec("/nowhere", "parse", i) for i in range(2)], lambda task, result: None)
'''


def _alive(pid: int) -> bool:
    # A zombie has ended, only not yet been reaped by its new parent.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process states from /proc")
def test_workers_end_when_the_driver_is_killed(tmp_path: Any) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    pids = tmp_path / "pids"
    pids.mkdir()
    driver = subprocess.Popen([sys.executable, str(script), str(pids)])
    try:
        deadline = time.monotonic() + 60
        while len(list(pids.iterdir())) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            assert driver.poll() is None, "the driver ended early"
            time.sleep(0.1)
        workers = [int(p.stem) for p in pids.iterdir()]
        assert all(_alive(pid) for pid in workers)
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "a worker outlived its driver by 10 s"
            time.sleep(0.1)
    finally:
        if driver.poll() is None:
            driver.kill()
