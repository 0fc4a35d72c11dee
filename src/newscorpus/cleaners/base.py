"""The cleaner interface and the helper every cleaner uses to cut text.

Cleaners never edit inside text they keep. They cut *whole paragraphs* of a field,
or, for one narrow case, a *prefix* of a paragraph: a greeting glued to the first
sentence of a lede (``Assalamu alaykum - Syria's interim leader said ...``), where
the greeting goes and the sentence stays, untouched.

Every cut becomes a :class:`~newscorpus.models.Removal`, and the removals of an
article can be undone in reverse order to give back the text the cleaners started
from (:func:`newscorpus.cleaners.explain.reconstruct` does it). For that to hold:

* a whole-paragraph removal's ``position`` is the paragraph's index in its field at
  the moment it was removed; :func:`apply_cuts` records the cuts of one call in
  descending index order, so that index is also the index before the call;
* a prefix removal keeps its paragraph in place: it has ``partial=True``,
  ``position`` is the paragraph's index, ``text`` the removed prefix, and the
  original paragraph was ``text + " " + kept paragraph``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from ..models import Article, Removal

__all__ = ["EXTRAS_KEY", "Cleaner", "Cut", "apply_cuts", "partial_removals"]

#: Key under which articles written before ``Removal.partial`` existed kept the
#: indices of partial removals in ``Article.extras`` (read by :func:`partial_removals`).
EXTRAS_KEY = "cleaning"


@attrs.frozen
class Cut:
    """A decision to remove one whole paragraph of a field, or a prefix of it.

    Attributes:
        field: ``body``, ``subtitle`` or ``title``.
        index: Paragraph index in the field (always 0 for title and subtitle).
        rule: Rule id.
        reason: Why the text is not content.
        pack: Rule pack the rule came from.
        moved_to: Field that now holds the information, if it was lifted.
        prefix: 0 to cut the whole paragraph. Otherwise the number of leading
            characters to cut: the paragraph must continue with exactly one space
            and then the text that stays (the prefix ends on a non-space
            character), so the cut can be undone exactly.
    """

    field: str
    index: int
    rule: str
    reason: str = ""
    pack: str | None = None
    moved_to: str | None = None
    prefix: int = 0


def _check_prefix(text: str, cut: Cut) -> None:
    n = cut.prefix
    if not (0 < n < len(text) - 1) or text[n] != " " or text[n - 1].isspace() or text[n + 1].isspace():
        raise ValueError(
            f"prefix cut {cut.rule!r} of {cut.field}[{cut.index}] at {n} does not end on a single "
            f"space before kept text: {text[: n + 2]!r}"
        )


def apply_cuts(article: Article, cuts: Iterable[Cut], plugin: str) -> Article:
    """Remove the paragraphs (or paragraph prefixes) named by ``cuts`` and record
    each as a Removal.

    A cleaner never rewrites inside text it keeps: a cut takes a whole paragraph,
    or a prefix that ends where the kept text begins (see :class:`Cut`). Cuts of
    the same paragraph after the first whole-paragraph cut are ignored; a prefix
    cut of a paragraph that is cut whole is ignored too.

    Raises:
        ValueError: A prefix cut does not end on a single space before kept text.
    """
    whole: dict[tuple[str, int], Cut] = {}
    prefix: dict[tuple[str, int], Cut] = {}
    for cut in cuts:
        paras = _paragraphs(article, cut.field)
        if not 0 <= cut.index < len(paras):
            continue
        key = (cut.field, cut.index)
        if cut.prefix:
            _check_prefix(paras[cut.index], cut)
            prefix.setdefault(key, cut)
        else:
            whole.setdefault(key, cut)
    for key in whole:
        prefix.pop(key, None)
    if not whole and not prefix:
        return article

    fields = {f: list(_paragraphs(article, f)) for f in ("title", "subtitle", "body")}
    removals: list[Removal] = []
    # Prefix cuts first: they keep their paragraph, so indices do not move.
    for (field, index), cut in sorted(prefix.items()):
        text = fields[field][index]
        removals.append(_removal(text[: cut.prefix], cut, plugin, index, partial=True))
        fields[field][index] = text[cut.prefix + 1 :]
    # Whole paragraphs in descending index order: each position is then both the
    # index before this call and the index at the moment of removal.
    for (field, index), cut in sorted(whole.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        removals.append(_removal(fields[field].pop(index), cut, plugin, index))
    return attrs.evolve(
        article,
        title=fields["title"][0] if fields["title"] else "",
        subtitle=fields["subtitle"][0] if fields["subtitle"] else "",
        body=tuple(fields["body"]),
        removed=(*article.removed, *removals),
    )


def _paragraphs(article: Article, field: str) -> Sequence[str]:
    if field == "body":
        return article.body
    if field == "title":
        return (article.title,) if article.title else ()
    if field == "subtitle":
        return (article.subtitle,) if article.subtitle else ()
    raise ValueError(f"cannot cut field {field!r}: cleaners cut title, subtitle or body")


def partial_removals(article: Article) -> frozenset[int]:
    """Indices into ``article.removed`` of the removals that took only a prefix of
    their paragraph (the rest of the paragraph stayed in the article).

    These are the removals with ``partial=True``. Articles written by versions
    before :attr:`Removal.partial` existed recorded the indices in
    ``extras["cleaning"]["partial"]`` instead; those are read too.
    """
    found = {i for i, r in enumerate(article.removed) if r.partial}
    legacy = article.extras.get(EXTRAS_KEY)
    if isinstance(legacy, Mapping):
        found.update(int(i) for i in legacy.get("partial", ()) if 0 <= int(i) < len(article.removed))
    return frozenset(found)


def _removal(text: str, cut: Cut, plugin: str, position: int, *, partial: bool = False) -> Removal:
    return Removal(
        text=text,
        rule=cut.rule,
        plugin=plugin,
        reason=cut.reason,
        field=cut.field,
        position=position,
        pack=cut.pack,
        moved_to=cut.moved_to,
        partial=partial,
    )


class Cleaner(ABC):
    """Base class of cleaners. Subclass, set ``name``, implement :meth:`clean`, and
    register the class with the ``register_cleaners`` hook.

    A cleaner removes whole paragraphs (use :func:`apply_cuts`) or raises flags;
    it never edits text it keeps, and it must be idempotent: cleaning a cleaned
    article changes nothing.

    The pipeline constructs every cleaner as ``Cls(**options, rule_packs=...,
    registered_packs=...)``: ``rule_packs`` are the paths of the config's
    ``clean.rule_packs`` and ``registered_packs`` the ``(path, plugin)`` pairs of
    every pack registered through ``register_rule_packs``. Cleaners that use no
    rule packs simply ignore them (they land in :attr:`options`).

    Attributes:
        name: Component name used in configs and in ``Removal.plugin``.
        default: Whether the cleaner runs when a config does not list cleaners.
        order: Position among default cleaners (lower runs first).
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.

    :func:`newscorpus.testing.check_cleaner` checks the contract: idempotence,
    nothing lost (the removals undo the cleaning), kept text never edited.
    """

    name: ClassVar[str]
    default: ClassVar[bool] = False
    order: ClassVar[int] = 100
    Options: ClassVar[type | None] = None

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def clean(self, article: Article) -> Article:
        """Return the cleaned article (the same object when nothing changes)."""

    def clean_batch(self, articles: Sequence[Article]) -> list[Article]:
        """Clean a batch; override when a batch can be cleaned faster than one by one."""
        return [self.clean(a) for a in articles]
