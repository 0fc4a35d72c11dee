"""Articles as input: the reader and parser that let :mod:`newscorpus.api` hand
:class:`~newscorpus.models.Article` objects to a run as they are.

The in-memory API writes Articles one JSON object a line
(:func:`~newscorpus.serialize.article_to_dict`) into a file the ``articles`` reader
is told to read; the reader marks each line as an Article (not a raw record) and
the ``article`` parser turns it back into the same Article, its id included. From
there on the run's own stages take over (language, cleaners, dedup, events):
nothing here re-implements them.

The module is a plugin (listed in a run's ``plugins:`` by the in-memory API), so
pool workers load it the way they load any plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import attrs

from .errors import DocumentError
from .hookspecs import Register, hookimpl
from .models import Article
from .parsers.base import Parser
from .readers.base import InputUnit, RawDocument, Reader
from .readers.jsonl import JsonlReader
from .serialize import article_from_dict

__all__ = ["ARTICLE_MEDIA_TYPE", "ArticleParser", "ArticleReader"]

#: Media type of a document that already is an Article in its JSON form.
ARTICLE_MEDIA_TYPE = "application/x-newscorpus-article"


class ArticleReader(JsonlReader):
    """Lines of Articles in their JSON form. Claims no file by name: a run reads a
    file with it only when ``read.readers`` says so."""

    name = "articles"
    patterns: ClassVar[tuple[str, ...]] = ()  # type: ignore[assignment]  # claims no file

    @attrs.frozen
    class Options:
        """The ``articles`` reader has no options."""

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        for doc in super().read(unit):
            yield doc if doc.error is not None else attrs.evolve(doc, media_type=ARTICLE_MEDIA_TYPE)


class ArticleParser(Parser):
    """An Article's JSON form back to the Article, unchanged (its own id kept)."""

    name = "article"
    media_types = (ARTICLE_MEDIA_TYPE,)

    @attrs.frozen
    class Options:
        """The ``article`` parser has no options."""

    def __init__(self, limits: Any = None, **options: Any) -> None:
        super().__init__(**options)

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        try:
            return article_from_dict(doc.fields)
        except (KeyError, TypeError, ValueError) as exc:
            raise DocumentError("bad-article", f"not an Article in its JSON form: {exc}") from None


@hookimpl
def register_readers(register: Register[Reader]) -> None:
    """Register the ``articles`` reader."""
    register(ArticleReader)


@hookimpl
def register_parsers(register: Register[Parser]) -> None:
    """Register the ``article`` parser."""
    register(ArticleParser)
