"""SQL outputs for newscorpus: the ``sqlite`` and ``duckdb`` exporters write the
corpus as tables ``articles``, ``events``, ``removals`` and ``duplicates`` with
keys (schema in :mod:`newscorpus_sql.schema` and ``docs/io.md``);
:func:`read_sql_articles` reads an export back into Articles.
"""

from .exporters import DuckDbExporter, SqliteExporter, read_sql_articles, read_sql_events

__all__ = ["DuckDbExporter", "SqliteExporter", "read_sql_articles", "read_sql_events"]
__version__ = "0.1.0"
