"""Running a pipeline: plan the shards, run each stage's tasks on an executor,
resume what an earlier run finished, and account for every document.

>>> from newscorpus import Pipeline
>>> report = Pipeline().run(["seeds"], "out")          # doctest: +SKIP
>>> report.accounting["balanced"]                      # doctest: +SKIP
True
"""

from __future__ import annotations

import fnmatch
import json
import logging
import math
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from .config import PipelineConfig, load_config
from .errors import ConfigError, OutputError, RunStateError
from .executors.base import Executor, TaskSpec
from .plugins import Registry, get_registry
from .progress import StageProgress, unit_bytes
from .readers.base import InputUnit
from .readers.inputs import InputFile, SkipLog, walk_inputs
from .report import RunReport
from .runtime import Plan, Runtime, forget_runtime, register_runtime, runtime_for
from .stages.dedup import run_buckets, run_cluster, run_verify
from .stages.events import run_event_window, run_events
from .stages.export import run_export
from .stages.finalize import run_finalize
from .stages.parse import run_parse
from .stages.repetition import run_repetition_count, run_repetition_table
from .stages.summary import stage_plan, summarise
from .workdir import AtomicWriter, OutputLock, WorkDir, atomic_write, clear_outputs, guard, remove_temp_files

__all__ = ["FRESH_WORKER_STAGES", "STAGES", "Pipeline", "build_plan", "expand_inputs", "run", "run_task"]

log = logging.getLogger("newscorpus")

#: Task functions by stage name, in run order.
STAGES: dict[str, Callable[[Runtime, int], dict[str, Any]]] = {
    "parse": run_parse,
    "dedup-buckets": run_buckets,
    "dedup-verify": run_verify,
    "dedup-cluster": run_cluster,
    "events-window": run_event_window,
    "events": run_events,
    "repetition-count": run_repetition_count,
    "repetition-table": run_repetition_table,
    "finalize": run_finalize,
    "export": run_export,
}

#: Stages whose tasks start in new workers (see :meth:`Executor.release_workers`):
#: an events window holds the run's largest state (its open events), and a worker
#: that has parsed would add to it what the parse left in its heap.
FRESH_WORKER_STAGES = frozenset({"events-window"})

#: Inputs smaller than this run as one shard: splitting them costs more than it saves.
SMALL_INPUT_BYTES = 4 * 1024 * 1024


def run_task(spec: TaskSpec) -> dict[str, Any]:
    """Run one task anywhere: rebuild (or reuse) the run's runtime, run the stage
    function, record the task as done. Module-level so that workers can import it."""
    rt = runtime_for(spec.run_dir)
    stats = STAGES[spec.stage](rt, spec.index)
    rt.work.mark_done(spec.stage, spec.index, stats)
    return stats


# -- planning ------------------------------------------------------------------------------


def expand_inputs(inputs: Sequence[str], exclude: Path | None = None, *,
                  follow_symlinks: bool = False) -> list[tuple[str, str]]:
    """``(file, root)`` for every regular file named by ``inputs`` (files,
    directories, globs), in a stable order, skipping hidden files and ``exclude``
    (see :func:`newscorpus.readers.inputs.walk_inputs`)."""
    return [(f.path, f.root) for f in walk_inputs(inputs, exclude=exclude, follow_symlinks=follow_symlinks)]


def _choose_reader(path: str, config: PipelineConfig, registry: Registry) -> str:
    base = os.path.basename(path)
    for pattern, name in config.read.readers.items():
        if fnmatch.fnmatch(base, pattern) or fnmatch.fnmatch(path, pattern):
            return name
    best, best_len = "text", 0
    for name, cls in registry.items("reader"):
        n = cls.claims(path)
        if n > best_len:
            best, best_len = name, n
    return best


def _input_files(config: PipelineConfig, registry: Registry, output: Path,
                 skipped: SkipLog | None = None) -> Iterator[InputFile]:
    def claimed(path: str) -> bool:
        base = os.path.basename(path)
        return any(fnmatch.fnmatch(base, p) or fnmatch.fnmatch(path, p) for p in config.read.readers) or any(
            cls.claims(path) for _name, cls in registry.items("reader"))

    return walk_inputs(config.inputs, exclude=output, follow_symlinks=config.read.follow_symlinks,
                       max_files=config.read.max_files, claimed=claimed, skipped=skipped,
                       include=config.read.include, exclude_globs=config.read.exclude)


def build_plan(config: PipelineConfig, registry: Registry, output: Path, workers: int) -> Plan:
    """Split the inputs into shards of whole files or line-aligned byte ranges."""
    skipped = SkipLog()
    found = list(_input_files(config, registry, output, skipped))
    for reason, count in sorted(skipped.counts.items()):
        example = next((e for e in skipped.examples if e["reason"] == reason), None)
        log.warning("%d input file(s) not read (%s)%s", count, reason,
                    f", e.g. {example['path']}: {example['detail']}" if example else "")
    if not found:
        why = ", ".join(f"{n} {r}" for r, n in sorted(skipped.counts.items()))
        raise ConfigError("the inputs hold no files to read" + (f" (skipped: {why})" if why else ""), key="inputs")
    files = [(f.path, f.root) for f in found]
    readers: dict[str, str] = {}
    units: list[tuple[InputUnit, int]] = []
    stats = [(f.path, f.size, f.mtime_ns) for f in found]
    total = sum(size for _path, size, _mtime in stats)
    n = config.execution.shards
    if n == 0:
        n = max(1, math.ceil(total / config.execution.shard_bytes))
        if workers > 1 and total >= SMALL_INPUT_BYTES:
            n = max(n, workers * 2)
    # Split splittable files finely enough for n shards: one 30 MB JSONL file with
    # 2 workers must still make 4 shards, not one that leaves a core idle.
    target = max(1, min(config.execution.shard_bytes, math.ceil(total / n)))
    for (path, root), (_path, size, _mtime) in zip(files, stats, strict=True):
        name = readers[path] = _choose_reader(path, config, registry)
        cls = registry.get("reader", name)
        ranges = cls.split(path, target) if cls.splittable else [(0, None)]
        for start, end in ranges:
            units.append((InputUnit(path, root, start, end), (end if end is not None else size) - start))
    n = max(1, min(n, len(units)))
    # Contiguous runs of units with about equal bytes: output keeps input order. A
    # unit goes to the shard its middle byte falls in, but never skips a shard and
    # leaves enough units for the shards after it, so there are exactly n shards
    # (a start-byte rule put 2 files of 1.5 and 1.6 MB in one shard).
    shards: list[list[InputUnit]] = [[] for _ in range(n)]
    acc, idx = 0, 0
    for i, (unit, size) in enumerate(units):
        target = int((acc + size / 2) * n / total) if total else 0
        idx = min(idx + 1, n - 1, max(idx, target, n - len(units) + i)) if i else 0
        shards[idx].append(unit)
        acc += size
    shards = [s for s in shards if s] or [[]]
    return Plan(
        shards=tuple(tuple(s) for s in shards),
        readers=readers,
        partitions=max(1, min(256, len(shards))),
        files=tuple(stats),
        skipped=skipped.to_dict(),
        event_windows=config.execution.event_windows
        or (workers if workers > 1 and total >= SMALL_INPUT_BYTES else 1),
    )


# -- the pipeline ------------------------------------------------------------------------------


def _fingerprint(config: PipelineConfig) -> dict[str, Any]:
    """The parts of a config that change output (not how many workers run it)."""
    data = config.to_dict()
    data.pop("execution", None)
    data.pop("output", None)
    return data


class Pipeline:
    """A configured pipeline. Build it from a :class:`PipelineConfig` (made by
    :func:`~newscorpus.config.config_from_dict` from a plain mapping) or from a YAML
    file (:meth:`from_yaml`), then :meth:`run` it. Settings are not keyword arguments:
    change one on the config with ``attrs.evolve``, e.g.
    ``Pipeline(attrs.evolve(config, dedup=attrs.evolve(config.dedup, mode="drop")))``.

    Args:
        config: The pipeline; defaults apply where it is silent.
        plugins: Plugin objects to register in this process only. Worker processes
            cannot see them, so a run with such plugins executes in-process.
    """

    def __init__(self, config: PipelineConfig | None = None, *, plugins: Iterable[object] = ()) -> None:
        self.config = config or PipelineConfig()
        self._objects = tuple(plugins)
        # Component instances the in-memory API hands over (``deduplicators``,
        # ``cleaners`` ...: Runtime attribute -> value); like plugin objects, only
        # this process has them.
        self._components: dict[str, Any] = {}

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str], *, plugins: Iterable[object] = ()) -> Pipeline:
        """A pipeline from a YAML file (see ``docs/configuration.md``)."""
        return cls(load_config(path), plugins=plugins)

    def registry(self) -> Registry:
        """The registry of components this pipeline's plugins provide."""
        return get_registry(self.config.plugins, objects=self._objects)

    def run(
        self,
        inputs: Sequence[str] | None = None,
        output: str | os.PathLike[str] | None = None,
        *,
        progress: bool = False,
        restart: bool = False,
    ) -> RunReport:
        """Run (or resume) the pipeline.

        Args:
            inputs: Files, directories or globs; default: the config's.
            output: Output directory; default: the config's.
            progress: Show a progress bar per stage on stderr.
            restart: Discard an earlier unfinished or different run in ``output``
                instead of resuming it.

        Raises:
            ConfigError: The config or inputs are invalid.
            RunStateError: ``output`` holds a run made with another config or
                other input files (pass ``restart=True`` to discard it).
            OutputError: ``output`` is locked by another run, cannot be written
                (read-only, full), or a file name would leave it.
            KeyboardInterrupt: Ctrl-C; the work done so far is kept, a later run
                resumes it.
        """
        config = self.config
        if inputs is not None:
            config = attrs.evolve(config, inputs=tuple(str(i) for i in inputs))
        if output is not None:
            config = attrs.evolve(config, output=str(output))
        if not config.inputs:
            raise ConfigError("no inputs given", key="inputs")
        if not config.output:
            raise ConfigError("no output directory given", key="output")
        out = Path(config.output).resolve()
        registry = get_registry(config.plugins, objects=self._objects)
        rt = Runtime(config, out, registry)
        rt.__dict__.update(self._components)  # preset the cached components
        rt.validate()
        workers = config.execution.workers or os.cpu_count() or 1
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output directory {out}: {exc.strerror}") from exc
        # One run per output directory; the lock is held until the report is written.
        with OutputLock(out):
            return self._run_locked(rt, registry, workers, progress, restart)

    def _run_locked(self, rt: Runtime, registry: Registry, workers: int, progress: bool,
                    restart: bool) -> RunReport:
        config, out = rt.config, rt.output
        guard(out, "work")  # a link planted as work/ is removed here, never followed
        removed = remove_temp_files(out, skip=config.inputs)  # what killed runs left: *.tmp-<pid>, trash
        if removed:
            log.info("removed %d temporary files left by an interrupted run", removed)
        plan = self._prepare(rt, workers, restart)
        rt.plan = plan
        run_dir = str(out)
        register_runtime(run_dir, rt)
        exspec = config.execution.executor
        if (self._objects or self._components) and exspec.name == "local" and workers > 1:
            log.warning("in-process plugin objects given: running in this process only")
            workers = 1
        executor: Executor = registry.get("executor", exspec.name)(workers=workers, **exspec.options)
        registry.pm.hook.run_started(config=config.to_dict())
        timings: dict[str, float] = {}
        try:
            for stage, n in stage_plan(rt):
                t0 = time.perf_counter()
                self._run_stage(executor, run_dir, stage, n, progress, rt)
                timings[stage] = round(time.perf_counter() - t0, 3)
        finally:
            executor.close()
            forget_runtime(run_dir)
        report = self._report(rt, timings, workers).write(guard(out, "report.json"))
        registry.pm.hook.run_finished(report=report)
        return report

    def _prepare(self, rt: Runtime, workers: int, restart: bool) -> Plan:
        work = rt.work
        run_file, plan_file = work.path("run.json"), work.path("plan.json")
        if restart:
            # Old report, quarantine, exports and work files go before anything new
            # is written: never old exports beside new ones, never an old report.json
            # left looking current if this run fails.
            clear_outputs(rt.output, _previous_exports(rt.output))
        fingerprint = _fingerprint(rt.config)
        if run_file.exists() and plan_file.exists():
            previous = json.loads(run_file.read_text(encoding="utf-8"))
            if previous.get("fingerprint") != fingerprint:
                raise RunStateError(
                    f"{rt.output} holds a run made with a different configuration; "
                    "use another --output, or --restart to discard it"
                )
            plan = Plan.from_dict(json.loads(plan_file.read_text(encoding="utf-8")))
            current = {(f.path, f.size, f.mtime_ns) for f in _input_files(rt.config, rt.registry, rt.output)}
            if current != set(plan.files):
                raise RunStateError(
                    f"the input files changed since the run in {rt.output} started; "
                    "use another --output, or --restart to start over"
                )
            # The config may have changed where it does not affect output (workers):
            # keep the plan but record the config now in force.
        else:
            clear_outputs(rt.output, _previous_exports(rt.output))
            plan = build_plan(rt.config, rt.registry, rt.output, workers)
            with AtomicWriter(plan_file) as w:
                w.write_line(json.dumps(plan.to_dict()))
        with AtomicWriter(run_file) as w:
            w.write_line(json.dumps({"config": rt.config.to_dict(), "fingerprint": fingerprint}))
        return plan

    def _run_stage(self, executor: Executor, run_dir: str, stage: str, n: int, progress: bool,
                   rt: Runtime) -> None:
        pending = [TaskSpec(run_dir, stage, i) for i in range(n) if not rt.work.is_done(stage, i)]
        if not pending:
            return
        # Documents, rate and time left: parse tasks write their counts under
        # work/progress/ while they run (newscorpus.progress), the bar polls them.
        done = {i: rt.work.stats(stage, i) for i in range(n) if rt.work.is_done(stage, i)}
        task_bytes = None
        if stage == "parse" and rt.plan is not None:
            sizes = {f[0]: f[1] for f in rt.plan.files}
            task_bytes = {i: sum(unit_bytes(u.start, u.end, sizes.get(u.path, 0)) for u in units)
                          for i, units in enumerate(rt.plan.shards)}
        if stage in FRESH_WORKER_STAGES:
            executor.release_workers()
        with StageProgress(stage, rt.work.path("progress", stage), n, done, task_bytes, enabled=progress) as bar:
            executor.map(run_task, pending, lambda task, stats: bar.task_done(task.index, stats))

    def _report(self, rt: Runtime, timings: dict[str, float], workers: int) -> RunReport:
        assert rt.plan is not None
        # Quarantine records of every shard, in shard order, in one file.
        with atomic_write(guard(rt.output, "quarantine.jsonl")) as dst:
            for i in range(len(rt.plan.shards)):
                src = rt.work.path("parse", f"{i:05d}.quarantine.jsonl")
                if src.exists():
                    with open(src, "rb") as fh:
                        shutil.copyfileobj(fh, dst)
        data = summarise(rt)
        config = data.pop("config")
        data["exports"] = rt.work.stats("export", 0).get("files", {})
        data["execution"] = {"executor": rt.config.execution.executor.name, "workers": workers,
                             "shards": len(rt.plan.shards), "partitions": rt.plan.partitions,
                             "python": platform.python_version()}
        data["timings_seconds"] = timings
        data["config"] = config
        return RunReport(data)


def _previous_exports(output: Path) -> list[str]:
    """The files an earlier run in ``output`` exported (relative paths), from its
    export marker or its report; every one is checked by the path guard before it
    is removed."""
    names: list[str] = []
    for source, key in ((WorkDir(output).marker("export", 0), "files"),
                        (output / "report.json", "exports")):
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        files = data.get(key) if isinstance(data, dict) else None
        if isinstance(files, dict):
            names += [str(n) for group in files.values() if isinstance(group, list) for n in group]
    return names


def run(inputs: Sequence[str], output: str | os.PathLike[str], config: PipelineConfig | None = None,
        **kwargs: Any) -> RunReport:
    """Run a pipeline (default config unless given) on ``inputs`` into ``output``."""
    return Pipeline(config).run(inputs, output, **kwargs)
