"""Exceptions raised by newscorpus.

Errors about one input document (:class:`DocumentError`) never stop a run: the
document is quarantined with the error's reason and the run goes on. Errors about
the run itself (configuration, plugins, the output directory) stop it.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DocumentError",
    "NewscorpusError",
    "OutputError",
    "PluginConflictError",
    "RunStateError",
    "UnknownComponentError",
]


class NewscorpusError(Exception):
    """Base class of every newscorpus error."""


class ConfigError(NewscorpusError):
    """A pipeline configuration is invalid.

    Attributes:
        key: Dotted path of the offending key (``dedup.0.threshold``), if known.
        line: 1-based line in the YAML file, if the config came from one.
        source: The YAML file's path, if any.
    """

    def __init__(
        self, message: str, *, key: str | None = None, line: int | None = None, source: str | None = None
    ) -> None:
        self.key, self.line, self.source, self.message = key, line, source, message
        where = []
        if source:
            where.append(f"{source}" + (f":{line}" if line else ""))
        elif line:
            where.append(f"line {line}")
        if key:
            where.append(f"key '{key}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class PluginConflictError(NewscorpusError):
    """Two plugins registered a component of the same family under the same name."""


class UnknownComponentError(NewscorpusError, KeyError):
    """A configuration names a component no loaded plugin registered."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class OutputError(NewscorpusError, ValueError):
    """The run cannot write its output safely: a path would leave the output
    directory, another run holds the directory's lock, or the directory cannot be
    written (read-only, full). A ``ValueError`` too, as path refusals were before."""


class RunStateError(NewscorpusError):
    """The output directory holds a run that cannot be resumed with this config."""


class DocumentError(NewscorpusError):
    """One input document cannot be processed; it is quarantined, the run goes on.

    Attributes:
        reason: Short machine-friendly reason (``invalid-utf8``, ``empty``).
        detail: Human sentence naming what is wrong.
    """

    def __init__(self, reason: str, detail: str) -> None:
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}")
