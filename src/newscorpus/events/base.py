"""The event builder interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs

from ..dedup.base import Meta
from ..models import Article, Event

__all__ = ["EventBuilder", "EventItem"]


@attrs.frozen
class EventItem:
    """One primary article as an event builder sees it.

    Attributes:
        meta: Id, position, date, source and language of the article.
        features: What :meth:`EventBuilder.features` computed for it.
    """

    meta: Meta
    features: Any


class EventBuilder(ABC):
    """Base class of event builders. Subclass, set ``name``, implement both
    methods, and register the class with the ``register_event_builders`` hook.

    :meth:`features` runs in parallel in the parse tasks. :meth:`build` runs once
    over the primary articles (neither duplicates nor translations) in publication
    order; newscorpus then adds each duplicate and translation to the event of
    its canonical article and fills ``languages`` and ``sources`` from all members.
    """

    name: ClassVar[str]

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def features(self, article: Article) -> Any:
        """JSON-serialisable features of ``article`` that :meth:`build` needs."""

    @abstractmethod
    def build(self, items: Iterable[EventItem]) -> Iterator[Event]:
        """Group ``items`` into events. Every item must belong to exactly one
        yielded event (a one-article event is fine)."""
