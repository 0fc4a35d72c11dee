"""End to end: ``newscorpus run`` on each input benchmark folder, with every I/O
plugin installed, and a check that the report's counts add up.

For each folder the table shows what ``report.json`` says: documents read, articles
written, duplicates (marked, still written), documents quarantined and the main
reasons, and whether ``documents == written + dropped duplicates + quarantined``.
Exporters: JSONL plus the plugins' Parquet, CSV, SQLite, DuckDB and Hugging Face
layouts, whose article counts are checked against ``articles.jsonl``.

Usage::

    python benchmarks/io_e2e.py [BENCHMARKS_DIR] [--workers 2] [--sets a,b] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section

SETS = ("article-extraction-benchmark", "trafilatura-eval", "fundus-parser-testdata", "feed-fixtures",
        "warc-samples")

PIPELINE = """\
export:
  exporters: [jsonl, parquet, csv, sqlite, duckdb, huggingface]
"""


def _count_exports(out: Path) -> dict[str, int]:
    import duckdb
    import pyarrow.parquet as pq

    counts = {
        "jsonl": sum(1 for line in (out / "articles.jsonl").open(encoding="utf-8") if line.strip()),
        "parquet": pq.ParquetFile(out / "articles.parquet").metadata.num_rows,
        "csv": sum(1 for _ in _csv_rows(out / "articles.csv")),
        "hf": sum(pq.ParquetFile(p).metadata.num_rows for p in (out / "hf/data/articles").glob("*.parquet")),
    }
    with sqlite3.connect(out / "corpus.sqlite") as con:
        counts["sqlite"] = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con2 = duckdb.connect(str(out / "corpus.duckdb"), read_only=True)
    counts["duckdb"] = con2.execute("SELECT count(*) FROM articles").fetchone()[0]
    con2.close()
    return counts


def _csv_rows(path: Path) -> object:
    import csv

    csv.field_size_limit(2**31 - 1)
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    exe = shutil.which("newscorpus") or str(Path(sys.executable).parent / "newscorpus")
    rows, ok = [], True
    with tempfile.TemporaryDirectory(prefix="nc-io-e2e-") as tmp:
        config = Path(tmp) / "pipeline.yaml"
        config.write_text(PIPELINE, encoding="utf-8")
        for name in args.sets.split(","):
            src = Path(args.benchmarks) / name
            if not src.is_dir():
                print(f"skipping {name}: not found", file=sys.stderr)
                continue
            out = Path(tmp) / name
            t0 = time.perf_counter()
            proc = subprocess.run([exe, "run", str(src), "--output", str(out), "--config", str(config),
                                   "--workers", str(args.workers), "--quiet"], capture_output=True, text=True)
            secs = time.perf_counter() - t0
            if proc.returncode != 0:
                ok = False
                rows.append([name, "run failed", "", "", "", "", "", proc.stderr.strip()[-200:], f"{secs:.0f}"])
                continue
            report = json.loads((out / "report.json").read_text(encoding="utf-8"))
            acc = report["accounting"]
            reasons = report["quarantine"]["by_reason"]
            top = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])[:4])
            exports = _count_exports(out)
            same = len(set(exports.values())) == 1 and exports["jsonl"] == acc["written"]
            ok = ok and acc["balanced"] and same
            rows.append([name, acc["documents"], acc["written"], report["articles"].get("marked_duplicates", 0),
                         acc["quarantined"], "yes" if acc["balanced"] else "NO", "yes" if same else f"NO {exports}",
                         top, f"{secs:.0f}"])
    md = "\n".join([
        "## End to end on the benchmark folders (`benchmarks/io_e2e.py`)",
        "",
        f"`newscorpus run FOLDER --output OUT --workers {args.workers}` with exporters jsonl, parquet, csv, "
        "sqlite, duckdb and huggingface. Every file of a folder is read: pages and feeds by the plugins, the "
        "folders' gold files (`*.json`) are rejected by the feed reader as not feeds, `SOURCE.md` and other text "
        "files go to the built-in text reader.",
        "",
        table(["folder", "documents", "written", "marked duplicates", "quarantined", "counts add up",
               "all exports hold the written articles", "top quarantine reasons", "seconds"], rows),
        "",
        machine_line(["newscorpus-html", "newscorpus-feeds", "newscorpus-warc", "newscorpus-tabular",
                      "newscorpus-sql"]),
    ])
    print(md)
    if not args.no_write:
        write_section("io-end-to-end", md, page="docs/io.md")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
