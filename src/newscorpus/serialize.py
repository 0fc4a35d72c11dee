"""JSON (de)serialisation of the records in :mod:`newscorpus.models`.

One cattrs converter defines the public JSON schema (``docs/schema.md``): every
field is always present, tuples become lists, dates become ISO 8601 strings and an
article's ``body`` is one string whose paragraphs are separated by a blank line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from .models import Article, Event, Timestamp, _parse_when

__all__ = [
    "SCHEMA_VERSION",
    "article_from_dict",
    "article_from_json",
    "article_to_dict",
    "article_to_json",
    "converter",
    "event_from_dict",
    "event_from_json",
    "event_to_dict",
    "event_to_json",
    "read_articles",
    "read_events",
]

#: Bumped on any incompatible change of the JSON form.
SCHEMA_VERSION = 1

T = TypeVar("T")

converter = cattrs.Converter()

converter.register_unstructure_hook(dt.datetime, lambda v: v.isoformat())
converter.register_unstructure_hook(dt.date, lambda v: v.isoformat())
converter.register_structure_hook(dt.date, lambda v, _t: dt.date.fromisoformat(v))
converter.register_structure_hook(dt.datetime, lambda v, _t: dt.datetime.fromisoformat(v))
converter.register_structure_hook_func(
    lambda t: t == (dt.date | dt.datetime), lambda v, _t: _parse_when(v)
)
converter.register_unstructure_hook_func(
    lambda t: t == (dt.date | dt.datetime), lambda v: v.isoformat()
)
converter.register_structure_hook_func(
    lambda t: t == tuple[tuple[int, int], ...],
    lambda v, _t: tuple((int(a), int(b)) for a, b in v),
)
# extras and provenance.record are free-form JSON: keep them as they are.
converter.register_structure_hook_func(lambda t: t == dict[str, Any], lambda v, _t: dict(v))
converter.register_structure_hook_func(lambda t: t == (int | str), lambda v, _t: v)

_ts_unstructure = make_dict_unstructure_fn(Timestamp, converter)
converter.register_unstructure_hook(Timestamp, _ts_unstructure)

_article_unstructure = make_dict_unstructure_fn(Article, converter)
_article_structure = make_dict_structure_fn(Article, converter)


def _unstructure_article(article: Article) -> dict[str, Any]:
    data = _article_unstructure(article)
    data["body"] = article.text
    return data


def _structure_article(data: dict[str, Any], _type: type) -> Article:
    data = dict(data)
    body = data.get("body", "")
    if isinstance(body, str):
        data["body"] = [p for p in body.split("\n\n") if p] if body else []
    return _article_structure(data, Article)


converter.register_unstructure_hook(Article, _unstructure_article)
converter.register_structure_hook(Article, _structure_article)


def article_to_dict(article: Article) -> dict[str, Any]:
    """The article as a JSON-ready dict in the public schema."""
    return converter.unstructure(article)  # type: ignore[no-any-return]


def article_from_dict(data: dict[str, Any]) -> Article:
    """Build an article from its public JSON dict."""
    return converter.structure(data, Article)


def article_to_json(article: Article) -> str:
    """One line of ``articles.jsonl``."""
    return json.dumps(article_to_dict(article), ensure_ascii=False, sort_keys=False)


def article_from_json(line: str | bytes) -> Article:
    """Parse one line of ``articles.jsonl``."""
    return article_from_dict(json.loads(line))


def read_articles(path: str | os.PathLike[str]) -> Iterator[Article]:
    """Stream the articles of an ``articles.jsonl`` file (e.g. a run's output)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield article_from_json(line)


def read_events(path: str | os.PathLike[str]) -> Iterator[Event]:
    """Stream the events of an ``events.jsonl`` file."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield event_from_json(line)


def event_to_dict(event: Event) -> dict[str, Any]:
    """The event as a JSON-ready dict in the public schema."""
    return converter.unstructure(event)  # type: ignore[no-any-return]


def event_from_dict(data: dict[str, Any]) -> Event:
    """Build an event from its public JSON dict."""
    return converter.structure(data, Event)


def event_to_json(event: Event) -> str:
    """One line of ``events.jsonl``."""
    return json.dumps(event_to_dict(event), ensure_ascii=False)


def event_from_json(line: str | bytes) -> Event:
    """Parse one line of ``events.jsonl``."""
    return event_from_dict(json.loads(line))
