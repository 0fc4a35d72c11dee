"""newscorpus plugin entry point of ``newscorpus-tabular`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.hookspecs import Register, hookimpl

from .csvfiles import CsvExporter, CsvReader
from .hf import HuggingFaceExporter
from .parquet import ParquetExporter, ParquetReader


@hookimpl
def register_readers(register: Register) -> None:
    """Register the CSV and Parquet dump readers."""
    register(CsvReader)
    register(ParquetReader)


@hookimpl
def register_exporters(register: Register) -> None:
    """Register the Parquet, CSV and Hugging Face exporters."""
    register(ParquetExporter)
    register(CsvExporter)
    register(HuggingFaceExporter)
