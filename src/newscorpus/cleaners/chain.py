"""Running several cleaners in order, in this process: for scripts, notebooks and
tests that want the cleaners alone.

:class:`CleanerChain` runs the cleaners it is given, and by default newscorpus's own
default cleaners (:func:`default_cleaners`), not the chain a run builds: this module
is a component and does not load plugins (``tests/test_layering.py``), so cleaners
and rule packs that plugins register are not in its default. For the run's chain, use
:func:`newscorpus.api.clean` (see ``docs/library.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Article
from .base import Cleaner

__all__ = ["CleanerChain", "default_cleaners"]


def default_cleaners(
    *, rule_packs: Sequence[str] = (), registered_packs: Sequence[tuple[str, str]] | None = None, **options: Any
) -> list[Cleaner]:
    """Instances of the built-in default cleaners, in their declared order.

    Args:
        rule_packs: Extra rule packs (paths), as in ``clean.rule_packs``.
        registered_packs: ``(path, plugin)`` pairs; the built-in packs when ``None``.
        options: Options given to every cleaner (e.g. ``disable=["footer.*"]``).
    """
    from .plugin import BUILTIN_CLEANERS

    classes = sorted((c for c in BUILTIN_CLEANERS if c.default), key=lambda c: c.order)
    return [c(rule_packs=rule_packs, registered_packs=registered_packs, **options) for c in classes]


class CleanerChain:
    """Cleaners applied one after the other, in this process.

    It runs exactly the cleaners it is given. Without any, it runs the built-in
    default cleaners with the built-in rule packs (:func:`default_cleaners`) and
    nothing else: not the cleaners or rule packs registered by installed plugins,
    not a config's ``clean`` section, and not the steps a run adds around
    cleaning (language identification before it, corpus repetition after it).
    A component cannot load plugins (``tests/test_layering.py``), so the default
    cannot come from the registry here. For what a run does, call
    :func:`newscorpus.api.clean`, which cleans through the pipeline with the
    config's cleaners, plugin cleaners and packs included. To run a plugin's
    cleaner here, build it and pass it::

        chain = CleanerChain([*default_cleaners(), AdvertCleaner()])

    Args:
        cleaners: The cleaners, in the order they run; the built-in defaults when
            ``None``.
    """

    def __init__(self, cleaners: Sequence[Cleaner] | None = None) -> None:
        self.cleaners = list(cleaners) if cleaners is not None else default_cleaners()

    def clean(self, article: Article) -> Article:
        """``article`` after every cleaner."""
        for cleaner in self.cleaners:
            article = cleaner.clean(article)
        return article

    def clean_batch(self, articles: Sequence[Article]) -> list[Article]:
        """A batch after every cleaner (each cleaner sees the whole batch)."""
        out = list(articles)
        for cleaner in self.cleaners:
            out = cleaner.clean_batch(out)
        return out
