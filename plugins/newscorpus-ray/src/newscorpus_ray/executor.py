"""The ``ray`` executor: the tasks of each stage as Ray remote tasks.

The executor adds no logic of its own to a run. It ships each
:class:`~newscorpus.executors.TaskSpec` (run directory, stage, index) to a Ray
worker, which calls the same module-level task function the local executor calls
(:func:`newscorpus.pipeline.run_task`). That function rebuilds the run's runtime
from ``OUTPUT/work/run.json`` and ``plan.json``, with the plugin manager built from
entry points inside the worker, so nothing but the small task spec is pickled.
Stages hand off through files, so the output directory must be on a filesystem
every node mounts at the same path.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from newscorpus.errors import ConfigError, NewscorpusError
from newscorpus.executors.base import Executor, OnDone, TaskFn, TaskSpec
from newscorpus.options import at_least, option, positive
from newscorpus.plugins import ALLOW_ENV
from newscorpus.runtime import forget_runtime

if TYPE_CHECKING:
    from ray import ObjectRef

__all__ = ["RayExecutor", "RayTaskFailedError"]

log = logging.getLogger("newscorpus.ray")

#: Object store size when this executor starts Ray itself. Tasks only exchange
#: task specs and counters (a few KB), so Ray's default of 30% of RAM would only
#: reserve shared memory the run never uses.
LOCAL_OBJECT_STORE_BYTES = 128 * 1024 * 1024


class RayTaskFailedError(NewscorpusError):
    """A task could not finish on Ray: its worker or node died and Ray's retries
    ran out. Files of finished tasks are kept; rerunning resumes the run."""


# -- worker side ------------------------------------------------------------------------------

#: Run directories whose runtime this worker process has cached, and the id of
#: the pipeline run (one executor instance) they belong to.
_WORKER_RUN: dict[str, str] = {}


def _run_in_worker(fn: TaskFn, spec: TaskSpec, run_id: str, cwd: str | None) -> dict[str, Any]:
    """Body of every Ray task: prepare this worker for ``spec``'s run, call ``fn``."""
    # Input paths in the plan may be relative to the driver's working directory,
    # as they are for the local executor's pool processes (which inherit it).
    if cwd and os.getcwd() != cwd and os.path.isdir(cwd):
        os.chdir(cwd)
    # Ray reuses worker processes across runs of one driver. A runtime cached by an
    # earlier run (perhaps of the same directory with another config) must not be
    # reused: drop every runtime that belongs to another run, as a fresh local pool would.
    if _WORKER_RUN.get(spec.run_dir) != run_id:
        for run_dir in [d for d, r in _WORKER_RUN.items() if r != run_id or d == spec.run_dir]:
            forget_runtime(run_dir)
            del _WORKER_RUN[run_dir]
        _WORKER_RUN[spec.run_dir] = run_id
    return fn(spec)


# -- driver side ------------------------------------------------------------------------------

_OPTIONS = {
    "address": "Ray cluster to connect to ('auto', 'ray://head:10001', 'host:6379'); default: "
               "RAY_ADDRESS if set, else start a local Ray instance with num_cpus = workers",
    "num_cpus": "CPUs Ray reserves for each task (default 1)",
    "memory": "bytes of memory Ray reserves for each task (default: none)",
    "resources": "custom Ray resources each task needs, e.g. {'newscorpus': 1}",
    "runtime_env": "Ray runtime environment of the tasks (pip, env_vars, working_dir ...)",
    "max_retries": "how often Ray reruns a task whose worker died (default 3; tasks are idempotent)",
    "max_in_flight": "tasks submitted at a time (default: twice the task slots)",
    "namespace": "Ray namespace to join",
    "init": "extra keyword arguments for ray.init()",
}


def _check_options(options: Mapping[str, Any]) -> None:
    for key, value in options.items():
        if key not in _OPTIONS:
            known = ", ".join(sorted(_OPTIONS))
            raise ConfigError(f"unknown option {key!r} of the ray executor; known: {known}",
                              key=f"execution.executor.{key}")
        if key in ("runtime_env", "resources", "init") and not isinstance(value, Mapping):
            raise ConfigError(f"{key} must be a mapping", key=f"execution.executor.{key}")
        if key in ("num_cpus", "memory", "max_retries", "max_in_flight") and value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
            raise ConfigError(f"{key} must be a non-negative number", key=f"execution.executor.{key}")
        if key in ("address", "namespace") and value is not None and not isinstance(value, str):
            raise ConfigError(f"{key} must be a string", key=f"execution.executor.{key}")


class RayExecutor(Executor):
    """Runs each stage's tasks as Ray remote tasks, on a local Ray instance or an
    existing cluster.

    Options (``execution: {executor: {name: ray, ...}}``):
        address: Cluster to connect to (``auto``, ``ray://head:10001``,
            ``head:6379``). Without it the executor joins the Ray session this
            process already has (``ray.init`` called by the user), else the cluster
            in ``RAY_ADDRESS``, else starts a local instance with ``num_cpus`` equal
            to ``execution.workers`` and shuts it down at the end of the run.
        num_cpus: CPUs reserved per task (default 1).
        memory: Bytes reserved per task, for Ray's scheduler (default: none).
        resources: Custom resources per task (``{"newscorpus": 1}`` pins tasks to
            nodes that declare that resource).
        runtime_env: Ray runtime environment for the tasks (``pip``,
            ``env_vars`` ...). ``NEWSCORPUS_PLUGINS`` is passed on when set.
        max_retries: Reruns of a task whose worker or node died (default 3).
            Safe because a task only publishes complete files.
        max_in_flight: Tasks submitted at once (default twice the task slots).
        namespace: Ray namespace.
        init: Extra keyword arguments for ``ray.init``.

    The output directory (and the inputs) must be on storage every node mounts at
    the same path: stages hand off through files there.
    """

    name: ClassVar[str] = "ray"

    @attrs.frozen
    class Options:
        """Options of the ``ray`` executor."""

        address: str | None = option(None, "Cluster to join (default: a local Ray).")
        namespace: str | None = option(None, "Ray namespace.")
        runtime_env: dict[str, Any] = option({}, "Ray runtime environment of the workers.")
        init: dict[str, Any] = option({}, "More keyword arguments of `ray.init`.")
        num_cpus: float = option(1.0, "CPUs per task.", at_least(0))
        max_retries: int = option(3, "Retries of a task whose worker died.", at_least(0))
        memory: int | None = option(None, "Bytes of memory per task.", positive)
        resources: dict[str, float] = option({}, "Custom Ray resources per task.")
        max_in_flight: int | None = option(None, "Most tasks submitted at once (default: twice the slots).",
                                           positive)

    def __init__(self, workers: int = 1, **options: Any) -> None:
        _check_options(options)
        super().__init__(workers, **options)
        self._started = False  # this executor started Ray and must shut it down
        self._ready = False
        self._slots = self.workers
        # One id per pipeline run: workers drop runtimes cached by other runs.
        self._run_id = uuid.uuid4().hex
        # Connect now, not in the first map(): Ray's start-up is then not counted
        # in the first stage's time in report.json.
        self._connect()

    # -- connection --------------------------------------------------------------------

    def _runtime_env(self) -> dict[str, Any] | None:
        env = dict(self.options.get("runtime_env") or {})
        allow = os.environ.get(ALLOW_ENV)
        if allow is not None:
            # Workers must load the same plugins as the driver.
            env["env_vars"] = {ALLOW_ENV: allow, **dict(env.get("env_vars") or {})}
        return env or None

    def _connect(self) -> None:
        if self._ready:
            return
        import ray

        init_opts: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING,
                                     **dict(self.options.get("init") or {})}
        if self.options.get("namespace"):
            init_opts["namespace"] = self.options["namespace"]
        address = self.options.get("address")
        if ray.is_initialized():
            if address:
                log.warning("Ray is already initialised in this process; ignoring address %r", address)
        elif address or os.environ.get("RAY_ADDRESS"):
            init_opts.pop("include_dashboard", None)  # only valid when starting a cluster
            ray.init(address=address, **init_opts)
        else:
            init_opts.setdefault("object_store_memory", LOCAL_OBJECT_STORE_BYTES)
            ray.init(num_cpus=self.workers, **init_opts)
            self._started = True
        per_task = float(self.options.get("num_cpus", 1)) or 1.0
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        cluster_cpus = float(resources.get("CPU", self.workers))
        # On a bigger cluster keep every CPU busy, whatever the driver's core count.
        self._slots = max(self.workers, int(cluster_cpus // per_task))
        self._ready = True

    # -- running -----------------------------------------------------------------------

    def _remote_options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {
            "num_cpus": self.options.get("num_cpus", 1),
            "max_retries": int(self.options.get("max_retries", 3)),
            "retry_exceptions": False,  # a task's own error is deterministic: fail fast
        }
        if self.options.get("memory"):
            opts["memory"] = int(self.options["memory"])
        if self.options.get("resources"):
            opts["resources"] = dict(self.options["resources"])
        env = self._runtime_env()
        if env:
            opts["runtime_env"] = env
        return opts

    def map(self, fn: TaskFn, tasks: Sequence[TaskSpec], on_done: OnDone) -> None:
        """Run ``fn`` on every task as a Ray task; call ``on_done`` here as each finishes."""
        if not tasks:
            return
        self._connect()
        import ray
        from ray.exceptions import RayError, RayTaskError

        remote = ray.remote(_run_in_worker).options(**self._remote_options())
        env = self._runtime_env() or {}
        cwd = None if "working_dir" in env else os.getcwd()
        limit = int(self.options.get("max_in_flight") or 2 * self._slots)
        queue = deque(tasks)
        pending: dict[ObjectRef[dict[str, Any]], TaskSpec] = {}
        try:
            while queue or pending:
                # A bounded number of tasks in flight: a failure stops the run early.
                while queue and len(pending) < limit:
                    task = queue.popleft()
                    pending[remote.remote(fn, task, self._run_id, cwd)] = task
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    task = pending.pop(ref)
                    try:
                        result = ray.get(ref)
                    except RayTaskError as exc:
                        # Raise what the task raised, as the local executor does;
                        # the Ray error (with the remote traceback) is its cause.
                        cause = exc.cause
                        if isinstance(cause, BaseException):
                            raise cause from exc
                        raise
                    except RayError as exc:
                        raise RayTaskFailedError(
                            f"task {task.stage}#{task.index} failed on Ray: {exc}; "
                            "finished tasks are kept, rerun the same command to resume"
                        ) from exc
                    on_done(task, result)
        finally:
            for ref in pending:
                ray.cancel(ref)

    def close(self) -> None:
        """Shut Ray down if this executor started it."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False
        self._ready = False
