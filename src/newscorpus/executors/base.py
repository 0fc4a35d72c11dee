"""The executor interface: how the tasks of a stage are run."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import attrs

__all__ = ["Executor", "OnDone", "TaskFn", "TaskSpec"]


@attrs.frozen
class TaskSpec:
    """One task of one stage. Small and picklable: a worker rebuilds everything
    else (config, plugins) from the run directory.

    Attributes:
        run_dir: The run's output directory.
        stage: Stage name (``parse``, ``dedup-buckets`` ...).
        index: Task index within the stage.
    """

    run_dir: str
    stage: str
    index: int


#: A task function: runs one task, returns its counters.
TaskFn = Callable[[TaskSpec], dict[str, Any]]
#: What an executor calls in the driver with each finished task and its counters.
OnDone = Callable[[TaskSpec, dict[str, Any]], None]


class Executor(ABC):
    """Base class of executors. Subclass, set ``name``, implement :meth:`map`, and
    register the class with the ``register_executors`` hook.

    An executor must call ``fn`` exactly once for every task not yet done, in any
    order and anywhere (``fn`` is a module-level function, importable by workers),
    and report each result through ``on_done`` in the driver process. A task that
    raises makes the whole run fail; per-document problems never raise.

    The pipeline constructs it as ``Cls(workers=..., **options)``: ``workers`` comes
    from ``execution.workers`` and is not an option.

    Attributes:
        name: Component name used in configs.
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.
    """

    name: ClassVar[str]
    Options: ClassVar[type | None] = None

    def __init__(self, workers: int = 1, **options: Any) -> None:
        self.workers = max(1, int(workers))
        self.options = options

    @abstractmethod
    def map(self, fn: TaskFn, tasks: Sequence[TaskSpec], on_done: OnDone) -> None:
        """Run ``fn`` on every task and call ``on_done(task, result)`` for each."""

    def release_workers(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Called before a stage whose tasks should not start in workers that hold
        what earlier stages left in them (the pipeline's
        :data:`~newscorpus.pipeline.FRESH_WORKER_STAGES`): an executor that keeps
        worker processes between stages may end them here, so that the next
        :meth:`map` starts new ones. The default does nothing."""

    def close(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Release workers. Called once at the end of a run."""
