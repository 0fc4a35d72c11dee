"""The parser interface: raw documents to Articles."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..models import Article
from ..readers.base import RawDocument

__all__ = ["Parser"]


class Parser(ABC):
    """Base class of parsers. Subclass, set ``name`` and ``media_types``, implement
    :meth:`parse`, and register the class with the ``register_parsers`` hook.

    Attributes:
        name: Component name used in configs and in ``Provenance.parser``.
        media_types: Media types of :class:`RawDocument` it parses. The first
            registered parser for a type is the default; a config can pick another.
    """

    name: ClassVar[str]
    media_types: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def parse(self, doc: RawDocument, article_id: str) -> Article:
        """Turn ``doc`` into an article with id ``article_id``.

        Raise :class:`newscorpus.errors.DocumentError` when the document is not an
        article (empty, binary, undecodable): it is quarantined with that reason.
        Everything the document held must end up in a field or in ``removed``.
        """
