"""The cleaner interface and the helper every cleaner uses to cut text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from ..models import Article, Removal

__all__ = ["Cleaner", "Cut", "apply_cuts"]


@attrs.frozen
class Cut:
    """A decision to remove one whole paragraph of a field.

    Attributes:
        field: ``body``, ``subtitle`` or ``title``.
        index: Paragraph index in the field (always 0 for title and subtitle).
        rule: Rule id.
        reason: Why the text is not content.
        pack: Rule pack the rule came from.
        moved_to: Field that now holds the information, if it was lifted.
    """

    field: str
    index: int
    rule: str
    reason: str = ""
    pack: str | None = None
    moved_to: str | None = None


def apply_cuts(article: Article, cuts: Iterable[Cut], plugin: str) -> Article:
    """Remove the paragraphs named by ``cuts`` and record each as a Removal.

    Whole paragraphs only: a cleaner never rewrites inside text it keeps. Cuts of
    the same paragraph after the first are ignored.
    """
    body_drop: dict[int, Cut] = {}
    removals: list[Removal] = []
    title, subtitle = article.title, article.subtitle
    for cut in cuts:
        if cut.field == "body":
            if 0 <= cut.index < len(article.body):
                body_drop.setdefault(cut.index, cut)
            continue
        text = title if cut.field == "title" else subtitle if cut.field == "subtitle" else ""
        if not text:
            continue
        removals.append(_removal(text, cut, plugin, 0))
        if cut.field == "title":
            title = ""
        else:
            subtitle = ""
    if not body_drop and not removals:
        return article
    for i in sorted(body_drop):
        removals.append(_removal(article.body[i], body_drop[i], plugin, i))
    body = tuple(p for i, p in enumerate(article.body) if i not in body_drop)
    return attrs.evolve(
        article, title=title, subtitle=subtitle, body=body, removed=(*article.removed, *removals)
    )


def _removal(text: str, cut: Cut, plugin: str, position: int) -> Removal:
    return Removal(
        text=text,
        rule=cut.rule,
        plugin=plugin,
        reason=cut.reason,
        field=cut.field,
        position=position,
        pack=cut.pack,
        moved_to=cut.moved_to,
    )


class Cleaner(ABC):
    """Base class of cleaners. Subclass, set ``name``, implement :meth:`clean`, and
    register the class with the ``register_cleaners`` hook.

    A cleaner removes whole paragraphs (use :func:`apply_cuts`) or raises flags;
    it never edits text it keeps, and it must be idempotent: cleaning a cleaned
    article changes nothing.

    Attributes:
        name: Component name used in configs and in ``Removal.plugin``.
        default: Whether the cleaner runs when a config does not list cleaners.
        order: Position among default cleaners (lower runs first).
    """

    name: ClassVar[str]
    default: ClassVar[bool] = False
    order: ClassVar[int] = 100

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def clean(self, article: Article) -> Article:
        """Return the cleaned article (the same object when nothing changes)."""

    def clean_batch(self, articles: Sequence[Article]) -> list[Article]:
        """Clean a batch; override when a batch can be cleaned faster than one by one."""
        return [self.clean(a) for a in articles]
