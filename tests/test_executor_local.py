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


def test_released_workers_are_replaced_by_fresh_ones() -> None:
    """``release_workers`` (before a stage of FRESH_WORKER_STAGES) ends the pool: the
    next stage runs in new processes, and the pool after it serves on as before."""
    ex = LocalExecutor(2)
    try:
        run(ex, "parse", 4)
        parse_pool = pool_pids(ex)
        ex.release_workers()
        assert ex._pool is None
        windows = run(ex, "events-window", 2)
        window_pool = pool_pids(ex)
        events = run(ex, "events", 1)
        ex.release_workers()
        ex.release_workers()  # nothing to release: no error, nothing started
    finally:
        ex.close()
    assert not window_pool & parse_pool and len(window_pool) == 2
    assert set(windows.values()) <= window_pool and events[0] in window_pool
    assert ex.started == 4


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


PRELOAD_DRIVER = '''
import json, os, sys
from newscorpus.executors.base import TaskSpec
from newscorpus.executors.local import LocalExecutor

def state(task):
    """What a worker holds before it has run anything of newscorpus's itself."""
    from newscorpus import entities, language
    from newscorpus.events import places
    return {"pid": os.getpid(), "parent": os.getppid(), "env": os.environ.get("NEWSCORPUS_TEST_MARK"),
            "models": [f.cache_info().currsize for f in (language._identifier, entities._model, places.gazetteer)],
            "plugins": sorted(m for m in sys.modules if m.startswith("newscorpus_"))}

if __name__ == "__main__":
    got = []
    for mark in ("first", "second"):  # the second pool reuses the server the first started
        os.environ["NEWSCORPUS_TEST_MARK"] = mark
        ex = LocalExecutor(2, **json.loads(sys.argv[1]))
        try:
            ex.map(state, [TaskSpec("/nowhere", "parse", i) for i in range(2)], lambda t, r: got.append(r))
        finally:
            ex.close()
    print(json.dumps({"driver": os.getpid(), "results": got}))
'''


def _preload_run(tmp_path: Any, options: dict[str, Any]) -> dict[str, Any]:
    import json
    import subprocess
    import sys

    script = tmp_path / "driver.py"
    script.write_text(PRELOAD_DRIVER)
    out = subprocess.run([sys.executable, str(script), json.dumps(options)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="the platform has no forkserver")
def test_workers_fork_from_a_server_that_loaded_the_models(tmp_path: Any) -> None:
    got = _preload_run(tmp_path, {})
    results = got["results"]
    assert len(results) == 4
    for r in results:
        assert r["models"] == [1, 1, 1]  # loaded before the worker's first task, in the server
        assert r["plugins"] == []  # only newscorpus's own code is imported there
        assert r["parent"] != got["driver"]  # forked from the server, not from the driver
    # Each worker has the driver's environment of when its pool started, not the server's.
    assert [r["env"] for r in results] == ["first", "first", "second", "second"]
    assert len({r["parent"] for r in results}) == 1  # one server for every pool of the process


def test_without_preload_workers_start_cold(tmp_path: Any) -> None:
    for options in ({"preload": False, "start_method": "forkserver"}, {"start_method": "spawn"}):
        if options["start_method"] not in __import__("multiprocessing").get_all_start_methods():
            continue
        got = _preload_run(tmp_path, options)
        assert [r["models"] for r in got["results"]] == [[0, 0, 0]] * 4, options
        assert [r["env"] for r in got["results"]] == ["first", "first", "second", "second"]


def test_warm_failure_is_logged_not_raised(monkeypatch: Any, caplog: Any) -> None:
    import newscorpus.api
    from newscorpus import preload

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no models today")

    monkeypatch.setattr(newscorpus.api, "process", broken)
    before = os.environ.get("NEWSCORPUS_PLUGINS")
    with caplog.at_level("WARNING", logger="newscorpus"):
        assert preload.warm() >= 0
    assert "no models today" in caplog.text and "each worker loads them itself" in caplog.text
    assert os.environ.get("NEWSCORPUS_PLUGINS") == before  # the allow-list warming set is undone
