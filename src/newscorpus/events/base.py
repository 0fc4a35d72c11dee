"""The event builder interface."""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs

from ..dedup.base import Meta
from ..models import Article, Event

__all__ = ["EventBuilder", "EventItem", "FeatureFile"]


class FeatureFile:
    """A JSONL file of ``{"meta": ..., "f": features}`` records, read by offset.

    The events stage keeps only offsets into these files, so its memory holds no
    copy of every article's features (2.9 GB of dicts at 100k articles).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._fd: int | None = None

    def read(self, offset: int, length: int) -> Any:
        """The features of the record at ``offset`` (``length`` bytes)."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        return json.loads(os.pread(self._fd, length, offset))["f"]

    def close(self) -> None:
        """Close the file (a later read opens it again)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@attrs.frozen
class EventItem:
    """One primary article as an event builder sees it.

    Attributes:
        meta: Id, position, date, source and language of the article.
        features: What :meth:`EventBuilder.features` computed for it. Items of a
            pipeline run read it from the stage's files on each access, so a
            builder that needs it again later should keep what it needs.
    """

    meta: Meta
    _features: Any = attrs.field(default=None, alias="features")
    _ref: tuple[FeatureFile, int, int] | None = attrs.field(default=None, alias="ref", repr=False, eq=False)

    @property
    def features(self) -> Any:
        """The item's features (read from its file when it has one)."""
        if self._ref is not None:
            store, offset, length = self._ref
            return store.read(offset, length)
        return self._features


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
