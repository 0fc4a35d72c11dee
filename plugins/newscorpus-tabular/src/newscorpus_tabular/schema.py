"""Arrow schemas of the Parquet export, and rows to and from the public JSON form.

Nested records stay nested and typed (``published`` is a struct, ``authors`` a
list of strings, ``removed`` a list of structs), so a Parquet reader (pandas,
DuckDB, Spark, Hugging Face ``datasets``) sees the Article's structure. Three
values cannot be typed without losing information and are kept as text:

* a timestamp's ``value`` (ISO 8601: a date, a naive or an aware datetime may
  sit in one column); ``published_date``/``modified_date`` add the calendar day
  as a typed ``date32`` for filtering (derived, ignored when reading back);
* ``provenance.record`` (an integer offset or a string locator; integers in
  decimal);
* ``extras`` (free-form plugin data): JSON text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from .flat import record_from_text, record_to_text

__all__ = [
    "ARTICLE_SCHEMA",
    "DUPLICATE_SCHEMA",
    "EVENT_SCHEMA",
    "REMOVAL_SCHEMA",
    "article_from_row",
    "article_row",
    "event_from_row",
    "event_row",
]

TIMESTAMP = pa.struct([("value", pa.string()), ("precision", pa.string()), ("signal", pa.string())])
CREDIT = pa.struct([("name", pa.string()), ("role", pa.string()), ("text", pa.string())])
DATELINE = pa.struct([("text", pa.string()), ("place", pa.string()), ("source", pa.string()),
                      ("date", pa.string())])
FLAG = pa.struct([("name", pa.string()), ("plugin", pa.string()), ("detail", pa.string()),
                  ("positions", pa.list_(pa.list_(pa.int64())))])
REMOVAL = pa.struct([("text", pa.string()), ("rule", pa.string()), ("plugin", pa.string()),
                     ("reason", pa.string()), ("field", pa.string()), ("position", pa.int64()),
                     ("pack", pa.string()), ("moved_to", pa.string()), ("partial", pa.bool_())])
PROVENANCE = pa.struct([("path", pa.string()), ("record", pa.string()), ("reader", pa.string()),
                        ("parser", pa.string()), ("url", pa.string()), ("fetched", pa.string()),
                        ("sha1", pa.string())])

#: The ``articles`` table.
ARTICLE_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    ("title", pa.string()), ("subtitle", pa.string()), ("body", pa.string()), ("language", pa.string()),
    ("published", TIMESTAMP), ("published_date", pa.date32()),
    ("modified", TIMESTAMP), ("modified_date", pa.date32()),
    ("source", pa.string()), ("authors", pa.list_(pa.string())), ("credits", pa.list_(CREDIT)),
    ("url", pa.string()), ("dateline", DATELINE), ("flags", pa.list_(FLAG)), ("removed", pa.list_(REMOVAL)),
    ("duplicate_of", pa.string()), ("translation_of", pa.string()), ("event_id", pa.string()),
    ("provenance", PROVENANCE), ("extras", pa.string()),
], metadata={"newscorpus.schema": "articles", "newscorpus.schema_version": "2"})

EVENT_DATE = pa.struct([("start", pa.date32()), ("end", pa.date32()), ("precision", pa.string()),
                        ("method", pa.string())])
#: The ``events`` table.
EVENT_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),
    ("title", pa.string()), ("date", EVENT_DATE), ("location", pa.string()),
    ("participants", pa.list_(pa.string())), ("article_ids", pa.list_(pa.string())),
    ("languages", pa.list_(pa.string())), ("sources", pa.list_(pa.string())),
    ("first_seen", TIMESTAMP), ("last_seen", TIMESTAMP), ("builder", pa.string()), ("extras", pa.string()),
], metadata={"newscorpus.schema": "events", "newscorpus.schema_version": "1"})

#: The ``removals`` table: one row per removal, ``seq`` its index in ``removed``.
REMOVAL_SCHEMA = pa.schema([
    pa.field("article_id", pa.string(), nullable=False), pa.field("seq", pa.int32(), nullable=False),
    ("text", pa.string()), ("rule", pa.string()), ("plugin", pa.string()), ("reason", pa.string()),
    ("field", pa.string()), ("position", pa.int64()), ("pack", pa.string()), ("moved_to", pa.string()),
    ("partial", pa.int8()),
], metadata={"newscorpus.schema": "removals", "newscorpus.schema_version": "2"})

#: The ``duplicates`` table: one row per cluster member other than the canonical.
DUPLICATE_SCHEMA = pa.schema([
    pa.field("article_id", pa.string(), nullable=False), pa.field("canonical_id", pa.string(), nullable=False),
    ("relation", pa.string()), ("method", pa.string()), ("score", pa.float64()),
], metadata={"newscorpus.schema": "duplicates", "newscorpus.schema_version": "1"})


def _day(ts: Mapping[str, Any] | None) -> dt.date | None:
    if not ts:
        return None
    try:
        return dt.date.fromisoformat(str(ts["value"])[:10])
    except ValueError:
        return None


def article_row(data: Mapping[str, Any]) -> dict[str, Any]:
    """An ``articles`` row from an article's public JSON dict."""
    prov = dict(data.get("provenance") or {})
    prov["record"] = record_to_text(prov.get("record", 0))
    row = dict(data)
    row["provenance"] = prov
    row["published_date"] = _day(data.get("published"))
    row["modified_date"] = _day(data.get("modified"))
    row["extras"] = json.dumps(data.get("extras") or {}, ensure_ascii=False)
    return row


def article_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An article's public JSON dict from an ``articles`` row."""
    data = {k: v for k, v in row.items() if k not in ("published_date", "modified_date")}
    prov = dict(data.get("provenance") or {})
    prov["record"] = record_from_text(prov.get("record", "0"))
    data["provenance"] = prov
    data["extras"] = json.loads(data["extras"]) if data.get("extras") else {}
    for key in ("authors", "credits", "flags", "removed"):
        data[key] = list(data.get(key) or [])
    data["flags"] = [{**f, "positions": [list(p) for p in f.get("positions") or []]} for f in data["flags"]]
    return data


def event_row(data: Mapping[str, Any]) -> dict[str, Any]:
    """An ``events`` row from an event's public JSON dict."""
    row = dict(data)
    date = dict(data.get("date") or {})
    for key in ("start", "end"):
        date[key] = dt.date.fromisoformat(date[key]) if date.get(key) else None
    row["date"] = date
    row["extras"] = json.dumps(data.get("extras") or {}, ensure_ascii=False)
    return row


def event_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An event's public JSON dict from an ``events`` row."""
    data = dict(row)
    date = dict(data.get("date") or {})
    for key in ("start", "end"):
        date[key] = date[key].isoformat() if date.get(key) else None
    data["date"] = date
    data["extras"] = json.loads(data["extras"]) if data.get("extras") else {}
    for key in ("participants", "article_ids", "languages", "sources"):
        data[key] = list(data.get(key) or [])
    return data
