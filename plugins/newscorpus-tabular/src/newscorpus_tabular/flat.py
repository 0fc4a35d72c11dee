"""Flat rows: the corpus as tables of scalar columns (CSV, SQL).

The flattening, column by column (``docs/io.md`` documents it for users):

* scalar fields keep their name (``id``, ``title``, ``body``, ``language`` ...);
  ``body`` is the public-schema string (paragraphs separated by a blank line);
* a timestamp becomes three columns: ``published`` (ISO 8601 text),
  ``published_precision``, ``published_signal`` (same for ``modified``,
  ``first_seen``, ``last_seen``); an event's ``date`` becomes ``date_start``,
  ``date_end``, ``date_precision``, ``date_method``;
* ``provenance`` becomes ``provenance_path``, ``provenance_record`` ...;
* lists and objects that have no natural scalar form (``authors``, ``credits``,
  ``dateline``, ``flags``, ``extras``, an event's ``participants`` ...) are JSON
  text in one column;
* ``removed`` is not a column of ``articles``: each removal is a row of the
  ``removals`` table (``article_id``, ``seq`` = its index in ``removed``).

A missing value is an empty cell in CSV and ``NULL`` in SQL. Reading back
(:func:`article_from_flat`) reverses every step, so a CSV or SQL export
round-trips to the same Articles as the JSONL export.

Only the standard library is used here, so SQL exporters can share it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "ARTICLE_COLUMNS",
    "DUPLICATE_COLUMNS",
    "EVENT_COLUMNS",
    "REMOVAL_COLUMNS",
    "article_flat",
    "article_from_flat",
    "event_flat",
    "event_from_flat",
    "removal_rows",
]

#: Columns of the ``articles`` table, in order, with their SQL type.
ARTICLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "TEXT"), ("title", "TEXT"), ("subtitle", "TEXT"), ("body", "TEXT"), ("language", "TEXT"),
    ("published", "TEXT"), ("published_precision", "TEXT"), ("published_signal", "TEXT"),
    ("modified", "TEXT"), ("modified_precision", "TEXT"), ("modified_signal", "TEXT"),
    ("source", "TEXT"), ("authors", "JSON"), ("credits", "JSON"), ("url", "TEXT"), ("dateline", "JSON"),
    ("flags", "JSON"), ("duplicate_of", "TEXT"), ("translation_of", "TEXT"), ("event_id", "TEXT"),
    ("provenance_path", "TEXT"), ("provenance_record", "TEXT"), ("provenance_reader", "TEXT"),
    ("provenance_parser", "TEXT"), ("provenance_url", "TEXT"), ("provenance_fetched", "TEXT"),
    ("provenance_sha1", "TEXT"), ("extras", "JSON"),
)
#: Columns of the ``events`` table.
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "TEXT"), ("title", "TEXT"), ("date_start", "TEXT"), ("date_end", "TEXT"),
    ("date_precision", "TEXT"), ("date_method", "TEXT"), ("location", "TEXT"), ("participants", "JSON"),
    ("article_ids", "JSON"), ("languages", "JSON"), ("sources", "JSON"),
    ("first_seen", "TEXT"), ("first_seen_precision", "TEXT"), ("first_seen_signal", "TEXT"),
    ("last_seen", "TEXT"), ("last_seen_precision", "TEXT"), ("last_seen_signal", "TEXT"),
    ("builder", "TEXT"), ("extras", "JSON"),
)
#: Columns of the ``removals`` table.
REMOVAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_id", "TEXT"), ("seq", "INTEGER"), ("text", "TEXT"), ("rule", "TEXT"), ("plugin", "TEXT"),
    ("reason", "TEXT"), ("field", "TEXT"), ("position", "INTEGER"), ("pack", "TEXT"), ("moved_to", "TEXT"),
    ("partial", "INTEGER"),
)
#: Columns of the ``duplicates`` table.
DUPLICATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_id", "TEXT"), ("canonical_id", "TEXT"), ("relation", "TEXT"), ("method", "TEXT"),
    ("score", "REAL"),
)

_TIMESTAMPS_ARTICLE = ("published", "modified")
_TIMESTAMPS_EVENT = ("first_seen", "last_seen")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))


def _loads(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    return json.loads(value) if isinstance(value, str) else value


def _opt(value: Any) -> Any:
    """Empty cell → None (CSV cannot tell them apart; optional fields are never "")."""
    return None if value is None or value == "" else value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _put_timestamp(row: dict[str, Any], name: str, ts: Mapping[str, Any] | None) -> None:
    row[name] = ts["value"] if ts else None
    row[f"{name}_precision"] = ts["precision"] if ts else None
    row[f"{name}_signal"] = ts["signal"] if ts else None


def _get_timestamp(row: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = _opt(row.get(name))
    if value is None:
        return None
    return {"value": str(value), "precision": _text(row.get(f"{name}_precision")) or "day",
            "signal": _text(row.get(f"{name}_signal"))}


def record_to_text(record: int | str) -> str:
    """A provenance record locator as text (integers in decimal)."""
    return str(record)


def record_from_text(text: Any) -> int | str:
    """Reverse :func:`record_to_text`: a locator of digits only is an integer offset."""
    if isinstance(text, int):
        return text
    s = _text(text)
    return int(s) if s.isdigit() else s


def article_flat(data: Mapping[str, Any]) -> dict[str, Any]:
    """One ``articles`` row from an article's public JSON dict."""
    row: dict[str, Any] = {
        "id": data["id"], "title": data.get("title", ""), "subtitle": data.get("subtitle", ""),
        "body": data.get("body", ""), "language": data.get("language"),
    }
    for name in _TIMESTAMPS_ARTICLE:
        _put_timestamp(row, name, data.get(name))
    prov = data.get("provenance") or {}
    row.update({
        "source": data.get("source"),
        "authors": _dumps(list(data.get("authors") or [])),
        "credits": _dumps(list(data.get("credits") or [])),
        "url": data.get("url"),
        "dateline": _dumps(data["dateline"]) if data.get("dateline") else None,
        "flags": _dumps(list(data.get("flags") or [])),
        "duplicate_of": data.get("duplicate_of"),
        "translation_of": data.get("translation_of"),
        "event_id": data.get("event_id"),
        "provenance_path": prov.get("path", ""),
        "provenance_record": record_to_text(prov.get("record", 0)),
        "provenance_reader": prov.get("reader", ""),
        "provenance_parser": prov.get("parser", ""),
        "provenance_url": prov.get("url"),
        "provenance_fetched": prov.get("fetched"),
        "provenance_sha1": prov.get("sha1"),
        "extras": _dumps(data.get("extras") or {}),
    })
    return row


def removal_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``removals`` rows of one article's public JSON dict."""
    return [
        {"article_id": data["id"], "seq": i, "text": r["text"], "rule": r["rule"], "plugin": r["plugin"],
         "reason": r.get("reason", ""), "field": r.get("field", "body"), "position": r.get("position", -1),
         "pack": r.get("pack"), "moved_to": r.get("moved_to"), "partial": int(bool(r.get("partial")))}
        for i, r in enumerate(data.get("removed") or [])
    ]


def _flag(value: Any) -> bool:
    # 0/1 from SQL and Parquet, "0"/"1" (or "True"/"False") from CSV, absent in files written before the column.
    return str(value).strip().lower() in ("1", "true")


def article_from_flat(row: Mapping[str, Any], removals: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """An article's public JSON dict from its ``articles`` row and its ``removals`` rows."""
    removed = [
        {"text": _text(r["text"]), "rule": _text(r["rule"]), "plugin": _text(r["plugin"]),
         "reason": _text(r.get("reason")), "field": _text(r.get("field")) or "body",
         "position": int(str(r.get("position"))) if r.get("position") not in (None, "") else -1,
         "pack": _opt(r.get("pack")), "moved_to": _opt(r.get("moved_to")), "partial": _flag(r.get("partial"))}
        for r in sorted(removals, key=lambda r: int(r["seq"]))
    ]
    return {
        "id": _text(row["id"]),
        "provenance": {
            "path": _text(row.get("provenance_path")),
            "record": record_from_text(row.get("provenance_record", 0)),
            "reader": _text(row.get("provenance_reader")),
            "parser": _text(row.get("provenance_parser")),
            "url": _opt(row.get("provenance_url")),
            "fetched": _opt(row.get("provenance_fetched")),
            "sha1": _opt(row.get("provenance_sha1")),
        },
        "title": _text(row.get("title")),
        "subtitle": _text(row.get("subtitle")),
        "body": _text(row.get("body")),
        "language": _opt(row.get("language")),
        "published": _get_timestamp(row, "published"),
        "modified": _get_timestamp(row, "modified"),
        "source": _opt(row.get("source")),
        "authors": _loads(row.get("authors"), []),
        "credits": _loads(row.get("credits"), []),
        "url": _opt(row.get("url")),
        "dateline": _loads(row.get("dateline"), None),
        "flags": _loads(row.get("flags"), []),
        "removed": removed,
        "duplicate_of": _opt(row.get("duplicate_of")),
        "translation_of": _opt(row.get("translation_of")),
        "event_id": _opt(row.get("event_id")),
        "extras": _loads(row.get("extras"), {}),
    }


def event_flat(data: Mapping[str, Any]) -> dict[str, Any]:
    """One ``events`` row from an event's public JSON dict."""
    date = data.get("date") or {}
    row: dict[str, Any] = {
        "id": data["id"], "title": data.get("title", ""),
        "date_start": date.get("start"), "date_end": date.get("end"),
        "date_precision": date.get("precision", "unknown"), "date_method": date.get("method", ""),
        "location": data.get("location"),
        "participants": _dumps(list(data.get("participants") or [])),
        "article_ids": _dumps(list(data.get("article_ids") or [])),
        "languages": _dumps(list(data.get("languages") or [])),
        "sources": _dumps(list(data.get("sources") or [])),
    }
    for name in _TIMESTAMPS_EVENT:
        _put_timestamp(row, name, data.get(name))
    row["builder"] = data.get("builder", "")
    row["extras"] = _dumps(data.get("extras") or {})
    return row


def event_from_flat(row: Mapping[str, Any]) -> dict[str, Any]:
    """An event's public JSON dict from its ``events`` row."""
    return {
        "id": _text(row["id"]),
        "title": _text(row.get("title")),
        "date": {"start": _opt(row.get("date_start")), "end": _opt(row.get("date_end")),
                 "precision": _text(row.get("date_precision")) or "unknown",
                 "method": _text(row.get("date_method"))},
        "location": _opt(row.get("location")),
        "participants": _loads(row.get("participants"), []),
        "article_ids": _loads(row.get("article_ids"), []),
        "languages": _loads(row.get("languages"), []),
        "sources": _loads(row.get("sources"), []),
        "first_seen": _get_timestamp(row, "first_seen"),
        "last_seen": _get_timestamp(row, "last_seen"),
        "builder": _text(row.get("builder")),
        "extras": _loads(row.get("extras"), {}),
    }


def column_names(columns: Sequence[tuple[str, str]]) -> list[str]:
    """The names of a column list."""
    return [name for name, _type in columns]
