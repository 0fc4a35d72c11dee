"""The default executor: this process for one worker, a process pool for more."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import attrs

from ..options import one_of, option
from .base import Executor, OnDone, TaskFn, TaskSpec
from .mainguard import unguarded_main

__all__ = ["LocalExecutor"]

log = logging.getLogger("newscorpus")

#: How often a pool worker checks that the process that started it is alive.
PARENT_POLL_SECONDS = 1.0


def _init_worker(environ: dict[str, str], driver: int) -> None:
    """Pool initializer: take the driver's environment (a ``forkserver`` worker
    would otherwise have the server's, from when it started), then
    :func:`_exit_with_driver`."""
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)
    _exit_with_driver(driver)


def _alive(pid: int) -> bool:
    """Is process ``pid`` running (a zombie, killed and not yet reaped, is not)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:  # no /proc (macOS): kill(0) is the answer
        return True


def _start_method(name: str) -> str:
    """``auto``: ``forkserver`` where the platform has it (Linux, macOS), else ``spawn``."""
    if name != "auto":
        return name
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _start_warm_server(ctx: Any) -> None:
    """Start this process's forkserver, if it is not running yet, with the
    built-in models loaded (:mod:`newscorpus.preload`), so that every worker forked from it
    shares them. A server already running (started by an earlier run in this
    process, or by other code) is used as it is."""
    from multiprocessing import forkserver

    ctx.set_forkserver_preload(["__main__", "newscorpus._warm_server"])
    forkserver.ensure_running()


def _exit_with_driver(driver: int) -> None:
    """End this worker soon after the driver (the process that made the pool) dies.

    A driver killed by a signal it cannot handle (``kill -9``, an OOM kill, a
    scheduler's SIGTERM) leaves its pool behind, and each worker would run its
    task to the end (minutes on a large shard) for nobody. The work it drops is
    safe: task outputs are committed by rename, and a rerun resumes. The driver
    is watched by its pid, not as this process's parent: a ``forkserver``
    worker's parent is the server, and the server ends only after its workers
    (each holds the descriptor whose closing tells the server to stop).
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent and _alive(driver):
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)  # no cleanup: nothing of this task is committed yet

    threading.Thread(target=watch, name="newscorpus-driver-watch", daemon=True).start()


class LocalExecutor(Executor):
    """Runs tasks in this process (``workers: 1``) or in a pool of ``workers``
    processes. Each worker builds its own plugin manager from entry points
    instead of inheriting the driver's; by default the workers are forked from a
    server process that loaded the built-in models first (:mod:`newscorpus.preload`), so
    they share those models' memory and do not each load them.

    Options:
        start_method: ``auto`` (default: ``forkserver`` where the platform has it,
            else ``spawn``), ``spawn``, ``forkserver`` or ``fork``.
        preload: With ``forkserver``, load the built-in models in the server
            before it forks workers (default true). The server lives as long as
            this process and keeps them (~360 MB) in memory between runs; set it
            false to start workers that load models themselves.
        release_idle: When a stage has fewer tasks than the pool has workers (the
            ``events`` and ``export`` stages have one), start a pool of as many
            fresh workers as tasks, so that idle workers do not hold what the
            stage before left in them (default false: one pool is started per
            run and reused by every stage, so each worker builds the components
            once; with it, a 2-worker run started 4 pools and 6 processes, each
            paying ~2.4 s of CPU before its first task).

    A pool is never started from the top level of a script that lacks an ``if
    __name__ == "__main__":`` block (:mod:`.mainguard`): ``spawn`` workers would
    run the script again and break the pool, so the tasks run in this process,
    with a warning. ``fork`` re-runs nothing and is not affected.
    """

    name = "local"

    @attrs.frozen
    class Options:
        """Options of the ``local`` executor."""

        start_method: str = option("auto", "How pool workers start (auto: forkserver where available, else spawn).",
                                   one_of("auto", "spawn", "forkserver", "fork"))
        preload: bool = option(True, "With forkserver, load the built-in models in the server before workers fork.")
        release_idle: bool = option(False, "Start fresh workers for stages with fewer tasks than workers.")

    def __init__(self, workers: int = 1, **options: Any) -> None:
        super().__init__(workers, **options)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0
        self.release_idle = bool(options.get("release_idle", False))
        self.start_method = _start_method(str(options.get("start_method", "auto")))
        self.preload = bool(options.get("preload", True))
        #: Worker processes started so far in this run (a figure for benchmarks).
        self.started = 0
        self._checked_main = False

    def _get_pool(self, tasks: int) -> ProcessPoolExecutor:
        size = max(1, min(self.workers, tasks)) if self.release_idle else self.workers
        if self._pool is not None and self._pool_size != size:
            self._pool.shutdown()
            self._pool = None
        if self._pool is None:
            ctx = multiprocessing.get_context(self.start_method)
            if self.start_method == "forkserver" and self.preload:
                _start_warm_server(ctx)
            self._pool = ProcessPoolExecutor(
                max_workers=size, mp_context=ctx, initializer=_init_worker, initargs=(dict(os.environ), os.getpid())
            )
            self._pool_size = size
            self.started += size
        return self._pool

    def map(self, fn: TaskFn, tasks: Sequence[TaskSpec], on_done: OnDone) -> None:
        # A lone task (events, export) goes to a pool once there is one, so that
        # the driver never loads the components a second time (~300 MB less).
        if self.workers > 1 and len(tasks) > 1 and self._pool is None and not self._checked_main:
            self._checked_main = True
            script = unguarded_main() if self.start_method != "fork" else None
            if script is not None:
                log.warning("%s starts the run outside an 'if __name__ == \"__main__\":' block, where worker "
                            "processes would run it again: running in this process (put the call under "
                            "that block to use %d workers)", script, self.workers)
                self.workers = 1
        if self.workers == 1 or (len(tasks) <= 1 and self._pool is None):
            for task in tasks:
                on_done(task, fn(task))
            return
        if not tasks:
            return
        pool = self._get_pool(len(tasks))
        pending: dict[Future[dict[str, Any]], TaskSpec] = {}
        queue = list(tasks)
        # Keep a bounded number of tasks in flight so a failure stops the run early.
        while queue or pending:
            while queue and len(pending) < self._pool_size * 2:
                task = queue.pop(0)
                pending[pool.submit(fn, task)] = task
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                on_done(task, fut.result())

    def release_workers(self) -> None:
        """End the pool: the next stage starts new workers (forked from the warm
        server, so the models are shared, not loaded again). A worker that has
        parsed keeps ~0.3-0.7 GB (bounded memos, a fragmented heap) that an
        events window would otherwise add its own peak to."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
