"""Tabular inputs and outputs for newscorpus.

Readers: ``csv`` (``*.csv``, ``*.tsv``, gzip too) and ``parquet`` (``*.parquet``)
yield structured records that newscorpus's ``record`` parser maps to Articles
(``read.fields`` in the pipeline file, e.g. ``body: maintext``).

Exporters: ``parquet`` (typed, nested), ``csv`` (flat) and ``huggingface`` (a
``datasets``-loadable folder). ``read_parquet_articles`` and ``read_csv_articles``
read the exports back into Articles.
"""

from .csvfiles import CsvExporter, CsvReader, read_csv_articles, read_csv_events
from .hf import HuggingFaceExporter
from .parquet import ParquetExporter, ParquetReader, read_parquet_articles, read_parquet_events

__all__ = [
    "CsvExporter",
    "CsvReader",
    "HuggingFaceExporter",
    "ParquetExporter",
    "ParquetReader",
    "read_csv_articles",
    "read_csv_events",
    "read_parquet_articles",
    "read_parquet_events",
]
__version__ = "0.1.0"
