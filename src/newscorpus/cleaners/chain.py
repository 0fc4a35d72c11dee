"""Running several cleaners in order: what the pipeline does per batch, for use in
scripts, notebooks and tests."""

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
    """Cleaners applied one after the other.

    Args:
        cleaners: The cleaners, in the order they run; the defaults when ``None``.
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
