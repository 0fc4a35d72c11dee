"""newscorpus: turn messy multilingual news articles into a clean, deduplicated,
event-grouped corpus.

The public API:

* records: :class:`Article`, :class:`Event` and their parts (:mod:`newscorpus.models`);
* running: :class:`Pipeline`, :func:`run`, :class:`PipelineConfig`, :func:`load_config`;
* in memory: :func:`process`, :func:`clean`, :func:`deduplicate`, :func:`group_events`
  (:mod:`newscorpus.api`, the same stages as a run);
* JSON: :func:`article_to_json`, :func:`article_from_json` and friends;
* language: :func:`identify_language` (the built-in identifier);
* entities: :func:`read_entities` and :class:`Entity` (persons, organisations and
  places in en/id/ms, :mod:`newscorpus.entities`);
* plugins: :data:`hookimpl` and the component base classes in
  :mod:`newscorpus.readers`, :mod:`newscorpus.parsers`, :mod:`newscorpus.cleaners`,
  :mod:`newscorpus.dedup`, :mod:`newscorpus.events`, :mod:`newscorpus.exporters`,
  :mod:`newscorpus.executors`.
"""

from __future__ import annotations

import importlib.metadata as _md

from .api import Result, clean, deduplicate, group_events, process
from .config import PipelineConfig, config_from_dict, load_config
from .entities import Entity, read_entities
from .errors import ConfigError, DocumentError, NewscorpusError, PluginConflictError, RunStateError
from .hookspecs import hookimpl
from .language import identify_language
from .models import Article, Credit, Dateline, Event, EventDate, Flag, Provenance, Removal, Timestamp
from .pipeline import Pipeline, run
from .report import RunReport
from .serialize import (
    article_from_dict,
    article_from_json,
    article_to_dict,
    article_to_json,
    event_from_dict,
    event_from_json,
    event_to_dict,
    event_to_json,
    read_articles,
    read_events,
)

try:
    __version__ = _md.version("newscorpus")
except _md.PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "Article",
    "ConfigError",
    "Credit",
    "Dateline",
    "DocumentError",
    "Entity",
    "Event",
    "EventDate",
    "Flag",
    "NewscorpusError",
    "Pipeline",
    "PipelineConfig",
    "PluginConflictError",
    "Provenance",
    "Removal",
    "Result",
    "RunReport",
    "RunStateError",
    "Timestamp",
    "__version__",
    "article_from_dict",
    "article_from_json",
    "article_to_dict",
    "article_to_json",
    "clean",
    "config_from_dict",
    "deduplicate",
    "event_from_dict",
    "event_from_json",
    "event_to_dict",
    "event_to_json",
    "group_events",
    "hookimpl",
    "identify_language",
    "load_config",
    "process",
    "read_articles",
    "read_entities",
    "read_events",
    "run",
]
