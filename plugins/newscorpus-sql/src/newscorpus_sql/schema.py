"""The relational schema shared by the SQLite and DuckDB exporters.

Four tables, with keys:

* ``articles`` -- ``id`` primary key; ``event_id`` references ``events(id)``;
  ``ordinal`` is the article's position in the export (the JSONL order);
* ``events`` -- ``id`` primary key;
* ``removals`` -- primary key ``(article_id, seq)``; ``article_id`` references
  ``articles(id)``; ``seq`` is the removal's index in the article's ``removed``;
* ``duplicates`` -- primary key ``(article_id, relation)``; ``canonical_id``
  references ``articles(id)``. ``article_id`` has no foreign key: with
  ``dedup.mode: drop`` the duplicates themselves are not exported.

``articles.duplicate_of`` and ``translation_of`` name other articles but carry no
foreign key (a table referencing itself would make load order matter); they are
indexed. Columns follow :mod:`newscorpus_tabular.flat`: nested values without a
scalar form are JSON text (``JSON`` type in DuckDB, ``TEXT`` in SQLite, where the
``json_*`` functions read them).
"""

from __future__ import annotations

from collections.abc import Sequence

from newscorpus_tabular.flat import ARTICLE_COLUMNS, DUPLICATE_COLUMNS, EVENT_COLUMNS, REMOVAL_COLUMNS

__all__ = ["COLUMNS", "INDEXES", "TABLE_ORDER", "ddl"]

#: Columns per table (articles gain ``ordinal``).
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "events": EVENT_COLUMNS,
    "articles": (*ARTICLE_COLUMNS, ("ordinal", "INTEGER")),
    "removals": REMOVAL_COLUMNS,
    "duplicates": DUPLICATE_COLUMNS,
}
#: Load order: referenced tables first.
TABLE_ORDER = ("events", "articles", "removals", "duplicates")

_KEYS = {
    "events": ["PRIMARY KEY (id)"],
    "articles": ["PRIMARY KEY (id)", "FOREIGN KEY (event_id) REFERENCES events (id)"],
    "removals": ["PRIMARY KEY (article_id, seq)", "FOREIGN KEY (article_id) REFERENCES articles (id)"],
    "duplicates": ["PRIMARY KEY (article_id, relation)", "FOREIGN KEY (canonical_id) REFERENCES articles (id)"],
}
#: Secondary indexes: ``(name, table, columns)``.
INDEXES: tuple[tuple[str, str, str], ...] = (
    ("articles_event", "articles", "event_id"),
    ("articles_duplicate_of", "articles", "duplicate_of"),
    ("articles_translation_of", "articles", "translation_of"),
    ("articles_language", "articles", "language"),
    ("articles_published", "articles", "published"),
    ("removals_rule", "removals", "rule"),
    ("duplicates_canonical", "duplicates", "canonical_id"),
)


def ddl(table: str, types: dict[str, str], not_null: Sequence[str] = ("id", "article_id", "seq")) -> str:
    """``CREATE TABLE`` for ``table``, mapping the generic column types through ``types``."""
    cols = [
        f'"{name}" {types.get(kind, kind)}' + (" NOT NULL" if name in not_null else "")
        for name, kind in COLUMNS[table]
    ]
    return f'CREATE TABLE "{table}" (\n  ' + ",\n  ".join([*cols, *_KEYS[table]]) + "\n)"
