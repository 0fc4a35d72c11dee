"""Executors: run a stage's tasks here, in a process pool, or on a cluster.

Add an executor: subclass :class:`Executor`, then register it from a plugin's
``register_executors`` hook (the Ray executor in ``plugins/`` is one).
"""

from .base import Executor, OnDone, TaskFn, TaskSpec
from .local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "OnDone", "TaskFn", "TaskSpec"]
