"""Every hook a newscorpus plugin can implement.

A plugin is any module or object with functions marked ``@hookimpl``. It reaches
newscorpus in one of three ways: it is a built-in (the ``plugin`` module of each
component package, e.g. ``newscorpus.cleaners.plugin``), it is
named by an entry point in the ``newscorpus`` group of an installed distribution,
or it is named by import path in a pipeline's ``plugins:`` list.

Registration hooks (``register_*``) receive a ``register`` callable; call it once
for each component class the plugin provides. A component class carries its
``name`` as a class attribute; two plugins that register the same name in the same
family make plugin loading fail with :class:`newscorpus.errors.PluginConflictError`.

The hooks are grouped by the phase of a run they serve. ``docs/hooks.md`` documents
each of them, and a test fails when a hook here is missing there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .report import RunReport

hookspec = pluggy.HookspecMarker("newscorpus")
hookimpl = pluggy.HookimplMarker("newscorpus")

#: The ``register`` callable handed to every ``register_*`` hook.
Register = Callable[[type], None]

# -- reading: where raw documents come from and how they become Articles -------------


@hookspec
def register_readers(register: Register) -> None:
    """Register source readers.

    A reader is a :class:`newscorpus.readers.Reader` subclass that turns one input
    file (or a byte range of it) into raw documents: a plain-text file is one
    document, a JSONL file one per line, a WARC file one per response record.
    """


@hookspec
def register_parsers(register: Register) -> None:
    """Register parsers.

    A parser is a :class:`newscorpus.parsers.Parser` subclass that turns a raw
    document of the media types it declares into an :class:`~newscorpus.models.Article`.
    """


@hookspec(firstresult=True)
def identify_language(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or ``None`` to pass.

    The first plugin that answers wins; the built-in identifier (py3langid) runs
    last, so a plugin can replace it for the languages it knows better.
    """


# -- cleaning -------------------------------------------------------------------------


@hookspec
def register_cleaners(register: Register) -> None:
    """Register cleaners.

    A cleaner is a :class:`newscorpus.cleaners.Cleaner` subclass that removes
    whole lines of boilerplate from an article, recording each cut as a
    :class:`~newscorpus.models.Removal`, or raises flags without editing.
    """


@hookspec
def register_rule_packs(register: Callable[[str], None]) -> None:
    """Register cleaning rule packs.

    Call ``register(path)`` with the path of a YAML rule pack (see
    ``docs/cleaning.md``). Packs are data: a plugin for a new outlet or language
    can ship patterns without code.
    """


# -- corpus-level stages ----------------------------------------------------------------


@hookspec
def register_deduplicators(register: Register) -> None:
    """Register deduplicators.

    A deduplicator is a :class:`newscorpus.dedup.Deduplicator` subclass. It maps an
    article to a compact signature and bucket keys; newscorpus groups articles by
    key across shards, asks the deduplicator to verify candidate pairs, and builds
    clusters from the verified pairs.
    """


@hookspec
def register_event_builders(register: Register) -> None:
    """Register event builders.

    An event builder is a :class:`newscorpus.events.EventBuilder` subclass that
    groups articles reporting the same real-world happening into
    :class:`~newscorpus.models.Event` records.
    """


@hookspec
def register_exporters(register: Register) -> None:
    """Register exporters.

    An exporter is a :class:`newscorpus.exporters.Exporter` subclass that writes
    the final articles, events, removals and duplicate clusters in a format, inside
    the run's output directory.
    """


@hookspec
def register_executors(register: Register) -> None:
    """Register executors.

    An executor is a :class:`newscorpus.executors.Executor` subclass that runs the
    tasks of a pipeline stage: in this process, in a process pool, or on a cluster.
    """


# -- run lifecycle ----------------------------------------------------------------------


@hookspec
def run_started(config: dict[str, Any]) -> None:
    """Called once in the driver process before the first stage, with the run's
    configuration as plain data."""


@hookspec
def run_finished(report: RunReport) -> None:
    """Called once in the driver process after ``report.json`` is written."""
