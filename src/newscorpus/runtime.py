"""What one process needs to run tasks: the config, the plan, the plugin registry
and the instantiated components, rebuilt from the run directory.

The driver builds a :class:`Runtime` directly; a worker process builds its own from
``work/run.json`` and ``work/plan.json`` (plugins from entry points, never pickled)
the first time it is handed a task of that run.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import attrs

from .cleaners.base import Cleaner
from .config import ComponentSpec, PipelineConfig, check_components, config_from_dict
from .dedup.base import Deduplicator
from .events.base import EventBuilder
from .exporters.base import Exporter
from .parsers.base import Parser
from .plugins import Registry, get_registry
from .readers.base import InputUnit, Reader
from .workdir import WorkDir

__all__ = ["Plan", "Runtime", "runtime_for"]


@attrs.frozen
class Plan:
    """How the input is split: the units of each shard, and the number of
    partitions dedup keys are spread over.

    Attributes:
        shards: For each shard, its input units in order.
        readers: Reader name for each input file.
        partitions: Dedup bucket partitions.
        files: ``(path, size, mtime_ns)`` of every input file, to detect changed input
            on resume.
        skipped: Input files not read, by reason, with examples
            (:meth:`newscorpus.readers.inputs.SkipLog.to_dict`).
        event_windows: Time windows of the events stage (when the builder
            supports them; see ``ExecutionConfig.event_windows``).
    """

    shards: tuple[tuple[InputUnit, ...], ...]
    readers: dict[str, str]
    partitions: int
    files: tuple[tuple[str, int, int], ...]
    skipped: dict[str, Any] = attrs.field(factory=dict)
    event_windows: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``plan.json``."""
        return {
            "shards": [[attrs.asdict(u) for u in shard] for shard in self.shards],
            "readers": self.readers,
            "partitions": self.partitions,
            "files": [list(f) for f in self.files],
            "skipped": self.skipped,
            "event_windows": self.event_windows,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Read ``plan.json`` data."""
        return cls(
            shards=tuple(tuple(InputUnit(**u) for u in shard) for shard in data["shards"]),
            readers=dict(data["readers"]),
            partitions=int(data["partitions"]),
            files=tuple((f[0], int(f[1]), int(f[2])) for f in data["files"]),
            skipped=dict(data.get("skipped") or {}),
            event_windows=int(data.get("event_windows", 1)),
        )


class Runtime:
    """Config, plan, registry and components of one run, in one process."""

    def __init__(self, config: PipelineConfig, output: Path, registry: Registry, plan: Plan | None = None):
        self.config = config
        self.output = output
        self.work = WorkDir(output)
        self.registry = registry
        self.plan = plan

    # -- components -------------------------------------------------------------------

    def _make(self, family: str, spec: ComponentSpec, **extra: Any) -> Any:
        cls = self.registry.get(family, spec.name)
        return cls(**{**spec.options, **extra})

    @functools.cached_property
    def readers(self) -> dict[str, Reader]:
        """Reader instances by name (all registered readers, built lazily once)."""
        opts = self.config.read.options
        return {
            name: cls(limits=self.config.read.limits, **opts.get(name, {}))
            for name, cls in self.registry.items("reader")
        }

    @functools.cached_property
    def parsers(self) -> dict[str, Parser]:
        """Parser instance for each media type a registered parser handles."""
        by_type: dict[str, str] = {}
        for name, cls in self.registry.items("parser"):
            for media_type in cls.media_types:
                by_type.setdefault(media_type, name)
        by_type.update(self.config.read.parsers)
        instances: dict[str, Parser] = {}
        out: dict[str, Parser] = {}
        for media_type, name in by_type.items():
            if name not in instances:
                opts = dict(self.config.read.options.get(name, {}))
                if self.config.read.fields:
                    opts.setdefault("fields", self.config.read.fields)
                instances[name] = self.registry.get("parser", name)(limits=self.config.read.limits, **opts)
            out[media_type] = instances[name]
        return out

    @functools.cached_property
    def cleaners(self) -> list[Cleaner]:
        """Cleaners in the order they run."""
        specs = self.config.clean.cleaners
        if specs is None:
            defaults = [(cls.order, name) for name, cls in self.registry.items("cleaner") if cls.default]
            specs = tuple(ComponentSpec(name) for _order, name in sorted(defaults))
        packs = {
            "rule_packs": tuple(self.config.clean.rule_packs),
            "registered_packs": tuple(self.registry.rule_packs),
        }
        return [self._make("cleaner", spec, **packs) for spec in specs]

    @functools.cached_property
    def deduplicators(self) -> list[Deduplicator]:
        """Deduplicators in config order."""
        specs = self.config.dedup.methods
        if specs is None:
            specs = tuple(
                ComponentSpec(name)
                for name, cls in self.registry.items("deduplicator")
                if getattr(cls, "default", False)
            )
        return [self._make("deduplicator", spec) for spec in specs]

    @functools.cached_property
    def event_builder(self) -> EventBuilder | None:
        """The event builder, or ``None`` when events are off."""
        spec = self.config.events.builder
        return None if spec is None else self._make("event_builder", spec)

    @functools.cached_property
    def exporters(self) -> list[Exporter]:
        """Exporters in config order."""
        return [self._make("exporter", spec) for spec in self.config.export.exporters]

    def reader_for(self, path: str) -> Reader:
        """The reader the plan chose for ``path``."""
        assert self.plan is not None
        return self.readers[self.plan.readers[path]]

    def validate(self) -> None:
        """Check the config's component names and options against the registry
        (:func:`newscorpus.config.check_components`), then build every component
        now, so a bad config fails before any work."""
        check_components(self.config, self.registry)
        _ = self.readers, self.parsers, self.cleaners, self.deduplicators, self.event_builder, self.exporters


_CACHE: dict[str, Runtime] = {}


def runtime_for(run_dir: str) -> Runtime:
    """The runtime of the run in ``run_dir``: the driver's own if it registered one
    in this process, else one rebuilt from the files the driver wrote."""
    rt = _CACHE.get(run_dir)
    if rt is None:
        work = WorkDir(Path(run_dir))
        config = config_from_dict(json.loads(work.path("run.json").read_text(encoding="utf-8"))["config"])
        plan = Plan.from_dict(json.loads(work.path("plan.json").read_text(encoding="utf-8")))
        rt = Runtime(config, Path(run_dir), get_registry(config.plugins), plan)
        _CACHE[run_dir] = rt
    return rt


def register_runtime(run_dir: str, rt: Runtime) -> None:
    """Make ``rt`` the runtime of ``run_dir`` in this process (the driver's)."""
    _CACHE[run_dir] = rt


def forget_runtime(run_dir: str) -> None:
    """Drop the cached runtime of ``run_dir``."""
    _CACHE.pop(run_dir, None)
