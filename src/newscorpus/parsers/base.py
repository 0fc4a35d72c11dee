"""The parser interface: raw documents to Articles."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..models import Article, Provenance
from ..readers.base import Limits, RawDocument

__all__ = ["Parser", "provenance_of"]


def provenance_of(doc: RawDocument, parser: str, **overrides: Any) -> Provenance:
    """The :class:`~newscorpus.models.Provenance` of an article parsed from ``doc``:
    its path, record and reader, ``parser``, the ``url`` and ``fetched`` its reader
    found (``doc.fields``) and the SHA-1 of its bytes; ``overrides`` replace any of
    these (a ``url`` the parser found in the page)."""
    values: dict[str, Any] = {
        "url": doc.fields.get("url"),
        "fetched": doc.fields.get("fetched"),
        "sha1": hashlib.sha1(doc.data).hexdigest() if doc.data is not None else None,
        **overrides,
    }
    return Provenance(path=doc.path, record=doc.record, reader=doc.reader, parser=parser, **values)


class Parser(ABC):
    """Base class of parsers. Subclass, set ``name`` and ``media_types``, implement
    :meth:`parse`, and register the class with the ``register_parsers`` hook.

    The pipeline constructs a parser as ``Cls(limits=..., fields=..., **options)``:

    * ``limits`` is the run's :class:`~newscorpus.readers.Limits` (``read.limits``);
      a parser quarantines a paragraph longer than ``limits.max_line_chars``
      (``DocumentError("line-too-long", ...)``);
    * ``fields`` is passed only when the config has ``read.fields``: the mapping of
      Article field to record column (``{body: maintext}``) that parsers of
      structured records (``application/x-newscorpus-record``) use; other parsers
      ignore it;
    * ``options`` are ``read.options.<name>``, checked against :attr:`Options`.

    ``limits`` and ``fields`` are not options: a parser never declares them.

    The article a parser returns has ``id`` ``article_id`` and a provenance built by
    :func:`provenance_of`; everything the document held ends up in a field, in
    ``removed`` (with ``moved_to`` when it was lifted into a field) or in
    ``extras``. :func:`newscorpus.testing.check_parser` checks this contract.

    Attributes:
        name: Component name used in configs and in ``Provenance.parser``.
        media_types: Media types of :class:`RawDocument` it parses. The first
            registered parser for a type is the default; a config can pick another.
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.
    """

    name: ClassVar[str]
    media_types: ClassVar[tuple[str, ...]] = ()
    Options: ClassVar[type | None] = None

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        self.limits = limits or Limits()
        self.options = options

    @abstractmethod
    def parse(self, doc: RawDocument, article_id: str) -> Article:
        """Turn ``doc`` into an article with id ``article_id``.

        Raise :class:`newscorpus.errors.DocumentError` when the document is not an
        article (empty, binary, undecodable): it is quarantined with that reason.
        Everything the document held must end up in a field or in ``removed``.
        """
