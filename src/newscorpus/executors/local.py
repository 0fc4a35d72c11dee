"""The default executor: this process for one worker, a process pool for more."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from .base import Executor, OnDone, TaskFn, TaskSpec

__all__ = ["LocalExecutor"]


class LocalExecutor(Executor):
    """Runs tasks in this process (``workers: 1``) or in a pool of ``workers``
    processes started with ``spawn``, so that each worker builds its own plugin
    manager from entry points instead of inheriting the driver's.

    Options:
        start_method: ``spawn`` (default), ``forkserver`` or ``fork``.
        release_idle: When a stage has fewer tasks than the pool has workers (the
            ``events`` and ``export`` stages have one), start a pool of as many
            fresh workers as tasks, so that idle workers do not hold what the
            stage before left in them (default true; a restart costs about a
            second).
    """

    name = "local"

    def __init__(self, workers: int = 1, **options: Any) -> None:
        super().__init__(workers, **options)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0
        self.release_idle = bool(options.get("release_idle", True))

    def _get_pool(self, tasks: int) -> ProcessPoolExecutor:
        size = max(1, min(self.workers, tasks)) if self.release_idle else self.workers
        if self._pool is not None and self._pool_size != size:
            self._pool.shutdown()
            self._pool = None
        if self._pool is None:
            ctx = multiprocessing.get_context(self.options.get("start_method", "spawn"))
            self._pool = ProcessPoolExecutor(max_workers=size, mp_context=ctx)
            self._pool_size = size
        return self._pool

    def map(self, fn: TaskFn, tasks: Sequence[TaskSpec], on_done: OnDone) -> None:
        # A lone task (events, export) goes to a pool once there is one, so that
        # the driver never loads the components a second time (~300 MB less).
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

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
