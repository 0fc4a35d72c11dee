"""The in-memory API: run the pipeline on Python objects, get Python objects back.

>>> import newscorpus
>>> result = newscorpus.process([{"title": "...", "body": "..."}])   # doctest: +SKIP
>>> result.articles, result.events, result.report.accounting          # doctest: +SKIP

There is one orchestration. Every function here writes its input to a temporary
folder, runs :class:`~newscorpus.pipeline.Pipeline` on it with the same stages,
plugins and executor as ``newscorpus run``, and reads the run's final files back.
So ``process(records)`` gives the articles and events the CLI gives on the same
records written as ``records.jsonl`` (ids included: they hash the file name and
the line's byte offset). Records become articles through the ``record`` parser;
:class:`~newscorpus.models.Article` objects go in unchanged (their own ids kept,
:mod:`newscorpus.inmemory`) and only the later stages touch them.

Small inputs run in this process (one shard); see ``docs/library.md`` for when a
pool is used and why a script without a ``__main__`` guard is safe.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .config import ComponentSpec, PipelineConfig, config_from_dict
from .dedup.base import Deduplicator
from .dedup.index import DedupIndex
from .events.base import EventBuilder
from .models import Article, Event
from .pipeline import Pipeline
from .report import RunReport
from .serialize import article_from_dict, article_to_dict, event_from_dict
from .workdir import WorkDir, iter_jsonl

__all__ = [
    "RECORDS_FILE",
    "DedupResult",
    "Result",
    "clean",
    "deduplicate",
    "group_events",
    "process",
    "to_records",
    "write_records",
]

#: The file name records are written under; ids hash ``records.jsonl#<byte offset>``.
RECORDS_FILE = "records.jsonl"
_ARTICLES_FILE = "newscorpus-articles.jsonl"
_PLUGIN = "newscorpus.inmemory"

#: What the in-memory functions accept: Articles, mappings (one record each, keys
#: as in a JSONL dump), a data frame or table, or paths of input files.
Items = Iterable[Article] | Iterable[Mapping[str, Any]] | Iterable[os.PathLike[str]] | Any


@attrs.frozen
class Result:
    """What :func:`process` returns.

    Attributes:
        articles: The articles written, in input order, with ``duplicate_of``,
            ``translation_of`` and ``event_id`` set (duplicates left out under
            ``dedup.mode: drop``).
        events: The events.
        report: The run report: the same accounting as a file run
            (``documents == written + dropped_duplicates + quarantined``).
        quarantined: One record per document refused, with its reason
            (the lines of a run's ``quarantine.jsonl``).
        duplicates: Rows of the ``duplicates`` export (each linked article, its
            canonical, the method and score).
    """

    articles: list[Article]
    events: list[Event]
    report: RunReport
    quarantined: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]


@attrs.frozen
class DedupResult:
    """What :func:`deduplicate` found.

    Attributes:
        links: ``duplicate_of``/``translation_of`` (and how each was found) by
            article id, for linked articles only; ``seen`` marks an article whose
            id an earlier run already indexed.
        rows: Rows of the ``duplicates`` export.
        stats: The run's dedup counters (candidate pairs, verified pairs, clusters).
    """

    links: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]
    stats: Counter[str]

    def apply(self, articles: Iterable[Article]) -> list[Article]:
        """``articles`` with ``duplicate_of`` and ``translation_of`` set."""
        out = []
        for a in articles:
            link = self.links.get(a.id)
            out.append(a if link is None else attrs.evolve(
                a, duplicate_of=link.get("duplicate_of"), translation_of=link.get("translation_of")))
        return out


# -- input -----------------------------------------------------------------------------


def to_records(data: Any) -> Iterable[Any]:
    """The rows of ``data`` as an iterable: a pandas DataFrame
    (``to_dict("records")``), a pyarrow Table (``to_pylist``), a polars DataFrame
    (``to_dicts``), or any other iterable as it is. No data-frame library is
    imported here."""
    if hasattr(data, "to_pylist"):
        return data.to_pylist()  # type: ignore[no-any-return]
    if hasattr(data, "to_dicts"):
        return data.to_dicts()  # type: ignore[no-any-return]
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        return data.to_dict("records")  # type: ignore[no-any-return]
    if isinstance(data, str | bytes | Mapping):
        raise TypeError("give an iterable of records, Articles or paths, not a single "
                        f"{type(data).__name__}")
    return data  # type: ignore[no-any-return]


def _json_default(value: Any) -> Any:
    """JSON for the values data frames hold: timestamps as ISO 8601, numpy
    scalars and arrays as Python numbers and lists."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # pandas.Timestamp
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy scalar or array
        return value.tolist()
    raise TypeError(f"a record holds a {type(value).__name__}, which has no JSON form")


def write_records(records: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> int:
    """Write ``records`` one compact JSON object a line (the file :func:`process`
    runs on), so a file run of it gives the same ids; return how many."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            if not isinstance(rec, Mapping):
                raise TypeError(f"record {n} is a {type(rec).__name__}, not a mapping")
            fh.write(json.dumps(dict(rec), ensure_ascii=False, default=_json_default) + "\n")
            n += 1
    return n


def _write_inputs(items: Items, folder: Path) -> tuple[list[str], dict[str, str]]:
    """Write ``items`` under ``folder``; return the run's inputs and the
    ``read.readers`` entries they need."""
    rows = list(to_records(items))
    kinds = {"article" if isinstance(r, Article) else "path" if isinstance(r, os.PathLike)
             else "record" for r in rows}
    if len(kinds) > 1:
        raise TypeError("give Articles, records or paths, not a mix of them")
    if kinds == {"path"}:
        return [os.fspath(r) for r in rows], {}
    folder.mkdir()
    if kinds == {"article"}:
        path = folder / _ARTICLES_FILE
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            for a in rows:
                fh.write(json.dumps(article_to_dict(a), ensure_ascii=False) + "\n")
        # The full path as the pattern: a user's file of the same name is not read as Articles.
        return [str(path)], {str(path): "articles"}
    path = folder / RECORDS_FILE
    write_records(rows, path)
    return [str(path)], {}


# -- the one run ---------------------------------------------------------------------------


def _config(config: PipelineConfig | Mapping[str, Any] | None) -> PipelineConfig:
    if config is None:
        return PipelineConfig()
    if isinstance(config, PipelineConfig):
        return config
    return config_from_dict(dict(config))


@attrs.frozen
class _Run:
    report: RunReport
    work: WorkDir
    output: Path


def _run(items: Items, config: PipelineConfig, tmp: Path, components: Mapping[str, Any] | None = None) -> _Run:
    """Run the pipeline on ``items`` in ``tmp``: the in-memory functions' one path."""
    inputs, readers = _write_inputs(items, tmp / "input")
    plugins = config.plugins if _PLUGIN in config.plugins else (*config.plugins, _PLUGIN)
    config = attrs.evolve(
        config,
        inputs=tuple(inputs),
        output=str(tmp / "output"),
        plugins=plugins,
        read=attrs.evolve(config.read, readers={**config.read.readers, **readers}),
        export=attrs.evolve(config.export, exporters=()),  # the caller gets objects, not files
    )
    pipeline = Pipeline(config)
    pipeline._components.update(components or {})
    report = pipeline.run()
    out = Path(report.data["output"])
    return _Run(report, WorkDir(out), out)


def _shards(run: _Run) -> int:
    return int(run.report.data["execution"]["shards"])


def _articles(run: _Run) -> list[Article]:
    return [article_from_dict(d) for s in range(_shards(run))
            for d in iter_jsonl(run.work.path("final", f"{s:05d}.jsonl"))]


def _events(run: _Run) -> list[Event]:
    return [event_from_dict(d) for d in iter_jsonl(run.work.path("events", "events.jsonl"))]


def process(records: Items, config: PipelineConfig | Mapping[str, Any] | None = None) -> Result:
    """Clean, deduplicate and group ``records`` into events, as ``newscorpus run``
    would, and return the result as objects.

    Args:
        records: Articles; mappings (one record each, fields as in a JSONL dump,
            mapped by ``read.fields``); a pandas, polars or pyarrow table; or paths
            of input files (:class:`os.PathLike`), read as a run reads them.
        config: A :class:`PipelineConfig` or the mapping a pipeline file holds;
            ``inputs``, ``output`` and ``export`` are ignored (nothing is written
            beyond a temporary folder, removed on return).

    Raises:
        TypeError: ``records`` mixes kinds, or a record is not a mapping.
        ConfigError: The config is invalid.
    """
    with tempfile.TemporaryDirectory(prefix="newscorpus-") as tmp:
        run = _run(records, _config(config), Path(tmp))
        return Result(
            articles=_articles(run),
            events=_events(run),
            report=run.report,
            quarantined=list(iter_jsonl(run.output / "quarantine.jsonl")),
            duplicates=list(iter_jsonl(run.work.path("dedup", "duplicates.jsonl"))),
        )


def clean(articles: Items, config: PipelineConfig | Mapping[str, Any] | None = None) -> list[Article]:
    """The cleaned articles: the config's cleaners (plugin cleaners included),
    language identification and corpus repetition, as a run does them, without
    dedup or events. Documents refused are left out (see :func:`process` for the
    quarantine)."""
    cfg = _config(config)
    cfg = attrs.evolve(cfg, dedup=attrs.evolve(cfg.dedup, methods=()),
                       events=attrs.evolve(cfg.events, builder=None))
    with tempfile.TemporaryDirectory(prefix="newscorpus-") as tmp:
        return _articles(_run(articles, cfg, Path(tmp)))


def _one_step(cfg: PipelineConfig) -> PipelineConfig:
    """``cfg`` with cleaning off: a one-step function leaves the text alone."""
    return attrs.evolve(cfg, clean=attrs.evolve(cfg.clean, cleaners=(),
                                                repetition=attrs.evolve(cfg.clean.repetition, enabled=False)))


def deduplicate(articles: Sequence[Article], methods: Sequence[Deduplicator | str] | None = None, *,
                config: PipelineConfig | Mapping[str, Any] | None = None,
                index: DedupIndex | str | os.PathLike[str] | None = None) -> DedupResult:
    """Find duplicates and translations among ``articles`` with the run's dedup
    stages (no cleaning, no events).

    Args:
        articles: The articles (ids should be unique); they are not changed:
            :meth:`DedupResult.apply` sets the links.
        methods: Deduplicator instances or registered names; default: the
            config's ``dedup.methods``. Instances run in this process only.
        config: For ``dedup.canonical``, ``prefer_sources`` and the executor.
        index: A persistent index (or its path) to dedup against; this run's
            articles are added to it.
    """
    cfg = _one_step(_config(config))
    cfg = attrs.evolve(cfg, events=attrs.evolve(cfg.events, builder=None))
    components: dict[str, Any] = {}
    if methods is not None:
        if all(isinstance(m, str) for m in methods):
            cfg = attrs.evolve(cfg, dedup=attrs.evolve(cfg.dedup, methods=tuple(ComponentSpec(str(m))
                                                                                  for m in methods)))
        else:
            components["deduplicators"] = [m for m in methods if isinstance(m, Deduplicator)]
            if len(components["deduplicators"]) != len(methods):
                raise TypeError("give deduplicator instances or names, not a mix of them")
    if index is not None:
        path = index.path if isinstance(index, DedupIndex) else Path(index)
        cfg = attrs.evolve(cfg, dedup=attrs.evolve(cfg.dedup, index=str(path)))
    with tempfile.TemporaryDirectory(prefix="newscorpus-") as tmp:
        run = _run(articles, cfg, Path(tmp), components)
        links: dict[str, dict[str, Any]] = {}
        for s in range(_shards(run)):
            ids = [d["id"] for d in iter_jsonl(run.work.path("parse", f"{s:05d}.articles.jsonl"))]
            for rec in iter_jsonl(run.work.path("dedup", "assign", f"{s:05d}.jsonl")):
                links[ids[rec.pop("pos")]] = rec
        rows = list(iter_jsonl(run.work.path("dedup", "duplicates.jsonl")))
        return DedupResult(links, rows, Counter(run.report.data["dedup"]))


def group_events(articles: Sequence[Article], builder: EventBuilder | str | None = None, *,
                 config: PipelineConfig | Mapping[str, Any] | None = None) -> list[Event]:
    """Group ``articles`` into events with the run's events stage (no cleaning,
    no dedup: every article is primary).

    Args:
        articles: The articles.
        builder: An event builder instance (runs in this process only) or a
            registered name; default: the config's ``events.builder``.
        config: For the builder's options and the executor.
    """
    cfg = _one_step(_config(config))
    cfg = attrs.evolve(cfg, dedup=attrs.evolve(cfg.dedup, methods=()))
    components: dict[str, Any] = {}
    if isinstance(builder, str):
        cfg = attrs.evolve(cfg, events=attrs.evolve(cfg.events, builder=ComponentSpec(builder)))
    elif builder is not None:
        components["event_builder"] = builder
        cfg = attrs.evolve(cfg, events=attrs.evolve(cfg.events, builder=ComponentSpec(builder.name)))
    elif cfg.events.builder is None:
        raise ValueError("events are off in this config (events.builder is null): give a builder")
    with tempfile.TemporaryDirectory(prefix="newscorpus-") as tmp:
        return _events(_run(articles, cfg, Path(tmp), components))
