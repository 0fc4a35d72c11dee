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
    """

    name = "local"

    def __init__(self, workers: int = 1, **options: Any) -> None:
        super().__init__(workers, **options)
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context(self.options.get("start_method", "spawn"))
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def map(self, fn: TaskFn, tasks: Sequence[TaskSpec], on_done: OnDone) -> None:
        # A lone task (events, export) goes to the pool once it runs: its workers
        # already hold the components, and the driver stays small (~300 MB less).
        if self.workers == 1 or (len(tasks) <= 1 and self._pool is None):
            for task in tasks:
                on_done(task, fn(task))
            return
        pool = self._get_pool()
        pending: dict[Future[dict[str, Any]], TaskSpec] = {}
        queue = list(tasks)
        # Keep a bounded number of tasks in flight so a failure stops the run early.
        while queue or pending:
            while queue and len(pending) < self.workers * 2:
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
