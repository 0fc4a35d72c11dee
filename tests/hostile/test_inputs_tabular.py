"""Hostile tabular input (``newscorpus-tabular``): a Parquet file that inflates to
gigabytes, a CSV row with an unclosed quote, UTF-16 CSV with CRLF, and columns of the
wrong type. Each is a real bounded CLI run: the bad record is quarantined naming the
file and the record, the rest is written, the report balances, nothing escapes
``--output``."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("newscorpus_tabular")

import pyarrow as pa
import pyarrow.parquet as pq

from .conftest import CliResult, run_on_files
from .corpus import FAST_CONFIG, article


def _run(tmp_path: Path, files: dict[str, bytes] | None = None, config: str = FAST_CONFIG,
         write: Any = None) -> tuple[CliResult, Path, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the CLI on ``files`` and what ``write`` generates (see :func:`run_on_files`)."""
    run = run_on_files(tmp_path, files, config, write)
    return run.result, run.out, run.report, run.quarantine, run.articles


def _titles(articles: list[dict[str, Any]]) -> set[str]:
    return {a["title"] for a in articles}


# --- Parquet ---------------------------------------------------------------------

#: Writes row groups of 5 articles, then 128 rows of one 4 MiB string (512 MiB
#: decoded, a few KB stored: past the 500 MB bound if decoded whole), then 5 more
#: articles. Run in a child process: a forked CLI inherits the peak RSS of its
#: parent, which building the table raises (to about 1.2 GB: a 32 MiB string made
#: the same file at 4 GiB decoded but took 8.7 GB to write, too much for a CI runner).
_BOMB = """
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
rows = json.loads(sys.argv[2])
big = "a" * (4 << 20)
schema = pa.schema([("title", pa.string()), ("body", pa.string())])
with pq.ParquetWriter(sys.argv[1], schema, compression="zstd", use_dictionary=False) as w:
    w.write_table(pa.table({"title": [r["title"] for r in rows[:5]], "body": [r["body"] for r in rows[:5]]}))
    w.write_table(pa.table({"title": [f"Bomb {i}" for i in range(128)], "body": [big] * 128}))
    w.write_table(pa.table({"title": [r["title"] for r in rows[5:]], "body": [r["body"] for r in rows[5:]]}))
"""


def _parquet_bomb(path: Path) -> None:
    rows = [article(i) for i in range(10)]
    subprocess.run([sys.executable, "-c", _BOMB, str(path), json.dumps(rows)], check=True, timeout=120)


def test_parquet_row_group_inflating_to_gigabytes_is_refused_undecoded(tmp_path: Path) -> None:
    # Before the fix: 4.1 GB peak RSS (the whole row group decoded), or the file lost
    # as one record when memory ran out.
    result, _out, report, q, articles = _run(tmp_path, write=lambda inp: _parquet_bomb(inp / "dump.parquet"))
    assert (tmp_path / "in" / "dump.parquet").stat().st_size < 200_000
    assert result.peak_rss_mb < 500
    assert _titles(articles) == {article(i)["title"] for i in range(10)}
    assert report["accounting"]["written"] == 10
    (bad,) = q
    assert bad["reason"] == "too-large" and bad["path"].endswith("dump.parquet") and bad["record"] == 5
    assert "rows 5-132" in bad["detail"] and "'body'" in bad["detail"], bad["detail"]


def test_parquet_repeated_huge_dictionary_value_is_read_once(tmp_path: Path) -> None:
    """A 2 MiB value kept in the dictionary and repeated in 2,000 rows (4 GiB if each
    row were decoded): read as a dictionary, each row measured on the Arrow data and
    quarantined over a 1 MiB limit without becoming Python text."""
    big = "b" * (2 << 20)
    good = [article(i) for i in range(4)]
    titles = [r["title"] for r in good[:2]] + [f"Big {i}" for i in range(2000)] + [r["title"] for r in good[2:]]
    # Dictionary-encoded as written: values are good bodies 0-3 and the big one (4).
    bodies = pa.DictionaryArray.from_arrays(pa.array([0, 1] + [4] * 2000 + [2, 3], pa.int32()),
                                            pa.array([r["body"] for r in good] + [big]))

    def write(inp: Path) -> None:
        pq.write_table(pa.table({"title": titles, "body": bodies}), inp / "dict.parquet", compression="zstd",
                       dictionary_pagesize_limit=64 << 20)
        meta = pq.ParquetFile(inp / "dict.parquet").metadata.row_group(0).column(1)
        assert "RLE_DICTIONARY" in meta.encodings and meta.total_uncompressed_size < 16 << 20

    config = FAST_CONFIG + "read:\n  limits: {max_document_bytes: 1048576}\n"
    _result, _out, report, q, articles = _run(tmp_path, write=write, config=config)
    assert _titles(articles) == {r["title"] for r in good}
    assert len(q) == 2000 and {r["reason"] for r in q} == {"too-large"}
    assert sorted(r["record"] for r in q) == list(range(2, 2002))
    assert report["accounting"]["documents"] == 2004


def test_parquet_columns_of_the_wrong_type_are_refused_with_the_column_named(tmp_path: Path) -> None:
    good = [article(i) for i in range(3)]
    body = pa.list_(pa.list_(pa.string()))

    def write(inp: Path) -> None:
        pq.write_table(pa.table({"title": [r["title"] for r in good], "body": [[[r["body"]]] for r in good[:2]]
                                 + [[["nested"], ["lists"]]]}, schema=pa.schema([("title", pa.string()),
                                                                                   ("body", body)])),
                       inp / "nested.parquet")
        pq.write_table(pa.table({"title": [{"a": 1}], "body": ["Some body text " * 20]}), inp / "struct.parquet")
        # A list of strings is a body of paragraphs, joined, not its Python repr.
        pq.write_table(pa.table({"title": ["Paragraph list"], "body": [["First paragraph here.", "Second one."]]}),
                       inp / "paragraphs.parquet")

    _result, out, report, q, articles = _run(tmp_path, write=write)
    reasons = {(Path(r["path"]).name, r["record"]): r for r in q}
    assert set(reasons) == {("nested.parquet", 0), ("nested.parquet", 1), ("nested.parquet", 2),
                            ("struct.parquet", 0)}, q
    assert all(r["reason"] == "bad-field-type" for r in q)
    assert "'body'" in reasons["nested.parquet", 0]["detail"] and "a list" in reasons["nested.parquet", 0]["detail"]
    assert "'title'" in reasons["struct.parquet", 0]["detail"]
    text = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert "{'a': 1}" not in text and "[['" not in text and "['First" not in text
    (para,) = articles
    assert para["body"] == "First paragraph here.\n\nSecond one."
    assert report["accounting"]["written"] == 1


# --- CSV -------------------------------------------------------------------------

def _csv(rows: list[dict[str, Any]], newline: str = "\n") -> str:
    lines = ["title,body,url"] + [f'{r["title"]},{r["body"]},{r["url"]}' for r in rows]  # no commas inside
    return newline.join(lines) + newline


def test_csv_unclosed_quote_costs_one_row_and_bounded_memory(tmp_path: Path) -> None:
    """A stray quote in row 3 opens a field that never closes. With a 64 KiB limit the
    row is quarantined once the record passes it, and the lines it swallowed are read
    again as rows: every other article is written."""
    rows = [article(i, body=article(i)["body"] * 20) for i in range(40)]
    text = _csv(rows)
    lines = text.splitlines(keepends=True)
    # The body's quote opens and is never closed (no later line holds a quote), so
    # without a bound the rest of the file is this one field.
    lines[3] = f'{rows[2]["title"]},"He said no and left,{rows[2]["url"]}\n'
    config = FAST_CONFIG + "read:\n  limits: {max_document_bytes: 65536}\n"
    _result, _out, report, q, articles = _run(tmp_path, {"news.csv": "".join(lines).encode()}, config)
    assert len(text) > 3 * 65536  # the open quote would swallow more than the limit
    (bad,) = q
    assert bad["reason"] == "too-large" and bad["path"].endswith("news.csv") and bad["record"] == 3
    assert "from line 4" in bad["detail"] and "unclosed quote" in bad["detail"]
    assert _titles(articles) == {r["title"] for i, r in enumerate(rows) if i != 2}
    assert report["accounting"]["written"] == 39


def test_csv_in_utf16_with_crlf_and_a_bom_is_read(tmp_path: Path) -> None:
    rows = [article(i, title=f"Überschrift {i} — café") for i in range(4)]
    data = codecs.BOM_UTF16_LE + _csv(rows, "\r\n").encode("utf-16-le")
    _result, _out, report, q, articles = _run(tmp_path, {"news.csv": data})
    assert q == []
    assert _titles(articles) == {r["title"] for r in rows}
    assert all("\r" not in a["url"] for a in articles)
    assert report["accounting"]["written"] == 4


def test_csv_in_utf16_with_a_broken_surrogate_loses_that_row_only(tmp_path: Path) -> None:
    rows = [article(i) for i in range(4)]
    data = bytearray(codecs.BOM_UTF16_BE + _csv(rows, "\r\n").encode("utf-16-be"))
    # A lone high surrogate in the second data row's title.
    at = data.index(rows[1]["title"].encode("utf-16-be"))
    data[at:at + 2] = b"\xd8\x00"
    _result, _out, report, q, articles = _run(tmp_path, {"news.csv": bytes(data)})
    (bad,) = q
    assert bad["reason"] == "invalid-encoding" and bad["record"] == 2 and "utf-16" in bad["detail"]
    assert _titles(articles) == {rows[i]["title"] for i in (0, 2, 3)}
    assert report["accounting"]["written"] == 3


def test_csv_list_column_written_as_text_is_refused(tmp_path: Path) -> None:
    rows = [article(i) for i in range(3)]
    text = _csv(rows) + "\"Listed\",\"['First paragraph.', 'Second paragraph.']\",https://example.com/l\n"
    _result, out, _report, q, articles = _run(tmp_path, {"news.csv": text.encode()})
    (bad,) = q
    assert bad["reason"] == "list-as-text" and bad["record"] == 4 and "'body'" in bad["detail"]
    assert len(articles) == 3 and "['First" not in (out / "articles.jsonl").read_text(encoding="utf-8")
