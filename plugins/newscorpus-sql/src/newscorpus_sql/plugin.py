"""newscorpus plugin entry point of ``newscorpus-sql`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.exporters import Exporter
from newscorpus.hookspecs import Register, hookimpl

from .exporters import DuckDbExporter, SqliteExporter


@hookimpl
def register_exporters(register: Register[Exporter]) -> None:
    """Register the SQLite and DuckDB exporters."""
    register(SqliteExporter)
    register(DuckDbExporter)
