"""The built-in parser for structured records (JSONL lines, CSV or Parquet rows)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..errors import DocumentError
from ..models import Article, Credit, Timestamp
from ..readers.base import Limits, RawDocument
from ..readers.jsonl import RECORD_MEDIA_TYPE
from .base import Parser
from .furniture import parse_timestamp
from .plaintext import analyse_paragraphs, build_article, split_paragraphs

__all__ = ["DEFAULT_FIELDS", "RecordParser"]

#: Column names tried for each Article field when ``read.fields`` does not say
#: (covers newscorpus's own export, news-please and common dataset dumps).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "subtitle": ("subtitle", "description", "lede", "standfirst", "summary"),
    "body": ("body", "text", "maintext", "content", "article", "story"),
    "published": ("published", "date_publish", "published_at", "pubdate", "date", "publish_date"),
    "modified": ("modified", "date_modify", "updated", "updated_at"),
    "url": ("url", "link", "href"),
    "source": ("source", "source_domain", "outlet", "site_name", "publisher"),
    "authors": ("authors", "author", "byline"),
    "language": ("language", "lang"),
    "id": ("id", "doc_id", "uuid"),
}


def _get(fields: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        cur: Any = fields
        for part in name.split("."):  # dotted names reach into nested objects
            cur = cur.get(part) if isinstance(cur, Mapping) else None
        if cur not in (None, ""):
            return cur
    return None


def _timestamp(value: Any, signal: str) -> Timestamp | str | None:
    if value is None:
        return None
    if isinstance(value, Mapping) and "value" in value:  # newscorpus's own export
        return Timestamp(value["value"], value.get("precision", "day"), value.get("signal", signal))
    if isinstance(value, int | float):
        import datetime as dt

        return Timestamp(dt.datetime.fromtimestamp(value, tz=dt.UTC), "second", signal)
    parsed = parse_timestamp(str(value), signal)
    return parsed if parsed is not None else str(value)


class RecordParser(Parser):
    """Builds Articles from structured records.

    Fields come from the columns named by ``read.fields`` (``body: maintext``),
    else from the first present of :data:`DEFAULT_FIELDS`. The body text then goes
    through the same analysis as plain text (datelines, bylines, trailing URL), with
    the title taken from its column. Columns not mapped are kept in
    ``extras["record"]`` so that nothing the record held is lost.

    Options:
        fields: Article field → column name (dotted names reach nested objects).
        keep_unmapped: Keep unmapped columns in extras (default ``true``).
    """

    name = "record"
    media_types = (RECORD_MEDIA_TYPE,)

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or Limits()
        mapping: dict[str, str] = dict(options.get("fields") or {})
        unknown = set(mapping) - set(DEFAULT_FIELDS)
        if unknown:
            from ..errors import ConfigError

            raise ConfigError(
                f"unknown Article field(s) {sorted(unknown)}; mappable: {sorted(DEFAULT_FIELDS)}",
                key="read.fields",
            )
        self.columns = {k: ((mapping[k],) if k in mapping else v) for k, v in DEFAULT_FIELDS.items()}
        self.keep_unmapped = bool(options.get("keep_unmapped", True))

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        f = doc.fields
        body_value = _get(f, self.columns["body"])
        if isinstance(body_value, list):
            body_value = "\n".join(str(p) for p in body_value)
        body_text = str(body_value or "")
        title = str(_get(f, self.columns["title"]) or "").strip()
        if not body_text.strip() and not title:
            raise DocumentError("no-text", f"record has no body ({', '.join(self.columns['body'])}) and no title")
        parsed = analyse_paragraphs(split_paragraphs(body_text, self.limits), has_title=False)
        subtitle = str(_get(f, self.columns["subtitle"]) or "").strip()
        extras: dict[str, Any] = {}
        if parsed.unparsed:
            extras["unparsed"] = dict(parsed.unparsed)
        published = _timestamp(_get(f, self.columns["published"]), "field") or parsed.published
        modified = _timestamp(_get(f, self.columns["modified"]), "field")
        for key, value in (("published", published), ("modified", modified)):
            if isinstance(value, str):
                extras.setdefault("unparsed", {})[key] = value
        authors_value = _get(f, self.columns["authors"])
        if isinstance(authors_value, str):
            authors_value = [a.strip() for a in authors_value.split(",") if a.strip()]
        credits = [Credit(str(a), "author") for a in authors_value or []] + parsed.credits
        authors = tuple(dict.fromkeys([str(a) for a in authors_value or []] + list(parsed.authors)))
        used = {c for names in self.columns.values() for c in names}
        if self.keep_unmapped:
            rest = {k: v for k, v in f.items() if k not in used}
            if rest:
                extras["record"] = json.loads(json.dumps(rest, default=str))
        record_id = _get(f, self.columns["id"])
        if record_id is not None:
            extras["source_id"] = str(record_id)
        language = _get(f, self.columns["language"])
        url = _get(f, self.columns["url"])
        source = _get(f, self.columns["source"])
        return build_article(
            parsed, doc, article_id, self.name,
            title=title,
            subtitle=subtitle or parsed.subtitle,
            language=str(language).lower() if language else None,
            published=published if isinstance(published, Timestamp) else None,
            modified=modified if isinstance(modified, Timestamp) else None,
            source=str(source) if source else parsed.source,
            authors=authors,
            credits=tuple(credits),
            url=str(url) if url else parsed.url,
            extras=extras,
            provenance={
                "url": str(url) if url else None,
                "fetched": None,
                # The raw line when the reader kept it (JSONL); else the record's canonical JSON.
                "sha1": hashlib.sha1(
                    doc.data if doc.data is not None else json.dumps(f, sort_keys=True, default=str).encode()
                ).hexdigest(),
            },
        )
