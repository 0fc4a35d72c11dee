"""The ``huggingface`` exporter: a folder that ``datasets.load_dataset`` loads.

Layout (inside the output directory, folder name configurable)::

    hf/
      README.md                              dataset card, with the configs in its YAML header
      data/articles/train-00000-of-00002.parquet
      data/articles/train-00001-of-00002.parquet
      data/events/train-00000-of-00001.parquet
      data/removals/train-00000-of-00001.parquet
      data/duplicates/train-00000-of-00001.parquet

Load it with ``datasets.load_dataset("path/to/hf")`` (the ``articles`` config is the
default) or ``load_dataset("path/to/hf", "events")``; push it with
``huggingface_hub.upload_folder``. The Parquet files have the schemas of the
``parquet`` exporter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from newscorpus.exporters import ExportContext, Exporter
from newscorpus.options import option, positive

from .parquet import write_tables
from .schema import ARTICLE_SCHEMA, EVENT_SCHEMA
from .source import atomic_target

__all__ = ["HuggingFaceExporter"]

TABLES = ("articles", "events", "removals", "duplicates")

_DESCRIPTIONS = {
    "articles": "one row per article: text, metadata, provenance and every removal (`removed`)",
    "events": "one row per event: the articles reporting the same real-world happening",
    "removals": "one row per text taken out of an article, with the rule and reason",
    "duplicates": "one row per duplicate or translation link (`article_id` → `canonical_id`)",
}


def _card(counts: dict[str, int], files: dict[str, int], report: dict[str, Any], options: dict[str, Any]) -> str:
    lines = ["---", "configs:"]
    for table in TABLES:
        lines += [f"- config_name: {table}", "  data_files:", "  - split: train",
                  f"    path: data/{table}/train-*.parquet"]
        if table == "articles":
            lines.append("  default: true")
    langs = sorted((report.get("articles") or {}).get("languages") or {})
    if langs:
        lines.append("language:")
        lines += [f"- {lang}" for lang in langs if lang and lang != "und"]
    lines += [f"license: {options.get('license', 'other')}", "tags:", "- news", "- newscorpus", "---", ""]
    title = str(options.get("title", "News corpus built with newscorpus"))
    lines += [f"# {title}", "", str(options.get("description", "")).strip(), "",
              "Built with [newscorpus](https://github.com/newscorpus/newscorpus): parsed, cleaned, "
              "deduplicated and grouped into events. Every text removed from an article is kept with "
              "the rule that removed it.", "", "## Configs", "",
              "| config | rows | files | content |", "|---|---|---|---|"]
    for table in TABLES:
        lines.append(f"| `{table}` | {counts[table]:,} | {files[table]} | {_DESCRIPTIONS[table]} |")
    lines += ["", "```python", "from datasets import load_dataset", "",
              'articles = load_dataset("PATH_OR_REPO", split="train")            # the default config',
              'events = load_dataset("PATH_OR_REPO", "events", split="train")', "```", "",
              "## Articles schema", "", "```", ARTICLE_SCHEMA.to_string(show_schema_metadata=False), "```", "",
              "## Events schema", "", "```", EVENT_SCHEMA.to_string(show_schema_metadata=False), "```", "",
              "Timestamps keep their ISO text and the signal they came from; `extras` is JSON text. "
              "The JSON schema of the same records is newscorpus's `docs/schema.md`.", ""]
    return "\n".join(lines)


class HuggingFaceExporter(Exporter):
    """Writes a Hugging Face ``datasets`` folder: Parquet shards per table and a
    dataset card whose YAML header declares one config per table.

    Options:
        directory: Folder inside the output directory (default ``hf``).
        max_rows_per_file: Rows per Parquet shard (default 100,000).
        title, description, license: Dataset card text (license default ``other``:
            the corpus's licence is the sources', which newscorpus cannot know).
    """

    name = "huggingface"

    @attrs.frozen
    class Options:
        """Options of the ``huggingface`` exporter."""

        directory: str = option("hf", "Folder of the dataset in the output directory.")
        max_rows_per_file: int = option(100_000, "Rows per Parquet file.", positive)
        license: str = option("other", "Licence in the dataset card.")
        title: str = option("News corpus built with newscorpus", "Title of the dataset card.")
        description: str = option("", "Description in the dataset card.")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.directory = str(options.get("directory", "hf")).strip("/") or "hf"
        value = options.get("max_rows_per_file", 100_000)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"huggingface option 'max_rows_per_file' must be a whole number >= 1, got {value!r}")
        self.max_rows = value

    def export(self, ctx: ExportContext) -> list[Path]:
        base = self.directory

        def paths(table: str) -> Any:
            return lambda i: atomic_target(ctx, f"{base}/data/{table}/part-{i:05d}.parquet")

        for stale in ctx.path(base).glob("data/*/train-*.parquet"):
            stale.unlink()  # a rerun may write fewer shards
        writers = write_tables(ctx, {t: paths(t) for t in TABLES}, batch_rows=min(10_000, self.max_rows),
                               max_rows=self.max_rows, compression="zstd")
        out: list[Path] = []
        counts, files = {}, {}
        for table in TABLES:
            written = writers[table].close()
            total = len(written)
            for i, path in enumerate(written):
                final = ctx.path(f"{base}/data/{table}/train-{i:05d}-of-{total:05d}.parquet")
                path.replace(final)
                out.append(final)
            counts[table], files[table] = writers[table].rows, total
        card, tmp = atomic_target(ctx, f"{base}/README.md")
        tmp.write_text(_card(counts, files, ctx.report, self.options), encoding="utf-8")
        ctx.commit(tmp, card)
        return [*out, card]
