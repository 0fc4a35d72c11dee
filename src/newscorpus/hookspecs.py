"""Every hook a newscorpus plugin can implement.

A plugin is any module or object with functions marked ``@hookimpl``. It reaches
newscorpus in one of three ways: it is a built-in (the ``plugin`` module of each
component package, e.g. ``newscorpus.cleaners.plugin``), it is
named by an entry point in the ``newscorpus`` group of an installed distribution,
or it is named by import path in a pipeline's ``plugins:`` list.

Registration hooks (``register_*``) receive a ``register`` callable (a
:class:`Register` of the family's base class); call it once for each component
class the plugin provides. A component class subclasses its family's base class and
carries its ``name`` as a class attribute; two plugins that register the same name
in the same family make plugin loading fail with
:class:`newscorpus.errors.PluginConflictError`. A hook implementation whose name is
not one of these (``register_reader`` for ``register_readers``) makes loading fail
too, naming the closest hook, rather than being silently ignored.

The hooks are grouped by the phase of a run they serve. ``docs/hooks.md`` documents
each of them, and a test fails when a hook here is missing there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pluggy

if TYPE_CHECKING:
    from .report import RunReport

hookspec = pluggy.HookspecMarker("newscorpus")
hookimpl = pluggy.HookimplMarker("newscorpus")

C_contra = TypeVar("C_contra", contravariant=True)


class Register(Protocol[C_contra]):
    """The ``register`` callable handed to a ``register_*`` hook, typed by the
    component family's base class: a plugin annotates its hook as
    ``def register_readers(register: Register[Reader]) -> None`` (the aliases
    :data:`newscorpus.plugins.ReaderRegister` and so on name each family's).

    Registering a class that does not subclass the family's base class, or has no
    ``name``, raises ``TypeError`` when plugins load.
    """

    def __call__(self, component: type[C_contra], /) -> None:
        """Register ``component``."""


# The specs below take ``Register[Any]``: this module is in the base layer and cannot
# name the component families' classes; ``newscorpus.plugins`` gives each family's
# typed alias, and the registry checks every class against its family at load time.

# -- reading: where raw documents come from and how they become Articles -------------


@hookspec
def register_readers(register: Register[Any]) -> None:
    """Register source readers.

    A reader is a :class:`newscorpus.readers.Reader` subclass that turns one input
    file (or a byte range of it) into raw documents: a plain-text file is one
    document, a JSONL file one per line, a WARC file one per response record.
    """


@hookspec
def register_parsers(register: Register[Any]) -> None:
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


@hookspec(firstresult=True)
def identify_languages(texts: list[str]) -> list[str | None] | None:
    """Return one ISO 639-1 code (or ``None``, unknown) per text of ``texts``, in
    order, or ``None`` to pass the whole batch on.

    The batch form of :func:`identify_language`, which the parse stage calls once per
    batch of articles. The first plugin that answers wins the batch; the built-in
    identifier answers last. A plugin that implements only
    :func:`identify_language` is still honoured: the parse stage asks it first, one
    text at a time, and only the texts it passes on reach this hook.
    """


# -- cleaning -------------------------------------------------------------------------


@hookspec
def register_cleaners(register: Register[Any]) -> None:
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
def register_deduplicators(register: Register[Any]) -> None:
    """Register deduplicators.

    A deduplicator is a :class:`newscorpus.dedup.Deduplicator` subclass. It maps an
    article to a compact signature and bucket keys; newscorpus groups articles by
    key across shards, asks the deduplicator to verify candidate pairs, and builds
    clusters from the verified pairs.
    """


@hookspec
def register_event_builders(register: Register[Any]) -> None:
    """Register event builders.

    An event builder is a :class:`newscorpus.events.EventBuilder` subclass that
    groups articles reporting the same real-world happening into
    :class:`~newscorpus.models.Event` records.
    """


@hookspec
def register_exporters(register: Register[Any]) -> None:
    """Register exporters.

    An exporter is a :class:`newscorpus.exporters.Exporter` subclass that writes
    the final articles, events, removals and duplicate clusters in a format, inside
    the run's output directory.
    """


@hookspec
def register_executors(register: Register[Any]) -> None:
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
