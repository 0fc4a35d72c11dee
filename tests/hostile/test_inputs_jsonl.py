"""Hostile JSON Lines: one bad line costs that record only (quarantined with a
reason naming the file and the line's byte offset), compressed files are cut at
their caps in bounded time and memory, and the report balances."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_on_files
from .corpus import article

GOOD = 4  # good records on each side of the bad one


def _lines(bad: bytes) -> bytes:
    """``GOOD`` records, the bad line, ``GOOD`` more."""
    before = [json.dumps(article(i)).encode() for i in range(GOOD)]
    after = [json.dumps(article(i)).encode() for i in range(GOOD, 2 * GOOD)]
    return b"\n".join([*before, bad, *after]) + b"\n"


def _deep() -> bytes:
    depth = 100_000
    return b'{"title": "Deep", "body": ' + b"[" * depth + b"]" * depth + b"}"


def _surrogate() -> bytes:
    return b'{"title": "Lone \\ud800 surrogate", "body": "A body that reads well enough to keep."}'


def _huge_int() -> bytes:
    return b'{"title": "Big number", "body": "Text.", "views": ' + b"7" * 4_500 + b"}"


#: name -> (bad line, expected quarantine reason)
LINES: dict[str, tuple[Callable[[], bytes], str]] = {
    "nested-100k-deep": (_deep, "too-deep"),
    "lone-surrogate": (_surrogate, "invalid-unicode"),
    "int-over-4300-digits": (_huge_int, "invalid-json"),
}


def _run(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, dict[str, Any], list[dict[str, Any]]]:
    """Run the CLI on ``files`` (see :func:`run_on_files`)."""
    run = run_on_files(tmp_path, files)
    return run.out, run.report, run.quarantine


@pytest.mark.parametrize("case", sorted(LINES))
def test_one_bad_line_is_quarantined_and_the_rest_written(tmp_path: Path, case: str) -> None:
    make, reason = LINES[case]
    data = _lines(make())
    _out, report, q = _run(tmp_path, {"news.jsonl": data})
    assert report["accounting"]["documents"] == 2 * GOOD + 1
    assert report["accounting"]["written"] == 2 * GOOD
    assert [r["reason"] for r in q] == [reason], q
    offset = data.index(make()[:20])  # the bad line's byte offset is its record locator
    assert q[0]["path"].endswith("news.jsonl") and q[0]["record"] == offset, q[0]
    assert q[0]["detail"]


def _members(payload: bytes, count: int) -> bytes:
    """``count`` gzip members each inflating to ``payload`` (concatenated members
    are one valid gzip stream; compressing once keeps generation instant)."""
    return gzip.compress(payload, compresslevel=9) * count


def test_gzip_of_newlines_finishes_in_seconds(tmp_path: Path) -> None:
    # ~4 MB compressed, ~4 GiB of newlines inflated: blank runs are skipped at
    # memory speed and the compression-ratio cap ends the file.
    head = gzip.compress(b"".join(json.dumps(article(i)).encode() + b"\n" for i in range(GOOD)))
    blanks = _members(b"\n" * (1 << 20), 4_000)
    assert len(blanks) > 3_000_000
    _out, report, q = _run(tmp_path, {"blank.jsonl.gz": head + blanks})
    assert report["accounting"]["written"] == GOOD
    assert [r["reason"] for r in q] == ["too-large"], q
    assert "max_compression_ratio" in q[0]["detail"] and q[0]["path"].endswith("blank.jsonl.gz")


def test_one_over_long_line_in_gzip_is_cut_by_the_cap(tmp_path: Path) -> None:
    # One line that never ends: ~3 MB compressed, ~3 GiB inflated. Reading it must
    # stop at the cap without holding the line.
    head = gzip.compress(b"".join(json.dumps(article(i)).encode() + b"\n" for i in range(GOOD)))
    line = gzip.compress(b'{"title": "Bomb", "body": "') + _members(b"a" * (1 << 20), 3_000)
    assert len(line) > 2_000_000
    _out, report, q = _run(tmp_path, {"bomb.jsonl.gz": head + line})
    assert report["accounting"]["written"] == GOOD
    assert [r["reason"] for r in q] == ["too-large"], q
    assert q[0]["path"].endswith("bomb.jsonl.gz")


def test_nan_and_infinity_never_reach_the_output(tmp_path: Path) -> None:
    rows = [json.dumps(article(i)).encode() for i in range(GOOD)]
    rows.append(json.dumps({**article(GOOD), "score": float("nan"), "reach": float("inf")}).encode())
    rows.append(json.dumps({**article(GOOD + 1), "title": float("nan")}).encode())  # pandas' missing value
    rows.append(json.dumps({**article(GOOD + 2), "title": float("-inf")}).encode())
    assert b"NaN" in rows[GOOD] and b"Infinity" in rows[GOOD]
    out, report, q = _run(tmp_path, {"nan.jsonl": b"\n".join(rows) + b"\n"})
    assert report["accounting"]["written"] == GOOD + 2
    assert [r["reason"] for r in q] == ["bad-field-type"] and "'title'" in q[0]["detail"], q
    text = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    written = {a["provenance"]["record"]: a for a in map(json.loads, text.splitlines())}
    nan_row = written[sum(len(r) + 1 for r in rows[:GOOD])]
    assert nan_row["extras"]["record"] == {"score": None, "reach": None}
    assert any(f["name"] == "sanitised_json" for f in nan_row["flags"])
    assert written[sum(len(r) + 1 for r in rows[:GOOD + 1])]["title"] == ""
