"""newscorpus plugin entry point of ``newscorpus-tabular`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.exporters import Exporter
from newscorpus.hookspecs import Register, hookimpl
from newscorpus.readers import Reader

from .csvfiles import CsvExporter, CsvReader
from .hf import HuggingFaceExporter
from .parquet import ParquetExporter, ParquetReader


@hookimpl
def register_readers(register: Register[Reader]) -> None:
    """Register the CSV and Parquet dump readers."""
    register(CsvReader)
    register(ParquetReader)


@hookimpl
def register_exporters(register: Register[Exporter]) -> None:
    """Register the Parquet, CSV and Hugging Face exporters."""
    register(ParquetExporter)
    register(CsvExporter)
    register(HuggingFaceExporter)
