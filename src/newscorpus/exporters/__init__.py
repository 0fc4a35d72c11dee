"""Exporters: write the corpus out (JSONL built in; Parquet, SQL ... as plugins).

Add an exporter: subclass :class:`Exporter`, then register it from a plugin's
``register_exporters`` hook (see ``docs/plugins.md``).
"""

from .base import DuplicateRow, ExportContext, Exporter, safe_output_path

__all__ = ["DuplicateRow", "ExportContext", "Exporter", "safe_output_path"]
