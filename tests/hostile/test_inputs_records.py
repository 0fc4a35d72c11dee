"""Hostile record values: wrong types are refused with the column named (never
written as a Python repr), dates in words are read or kept and counted, and a
text file that is not UTF-8 is quarantined with its byte offset unless an
encoding is given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newscorpus.parsers.record import parse_record_date

from .conftest import assert_bounded, run_cli, run_on_files
from .corpus import FAST_CONFIG, article, cli_args, write_config

DATA = Path(__file__).resolve().parent.parent / "data" / "encoding"


def _run(tmp_path: Path, rows: list[dict[str, Any]] | None = None, config: str = FAST_CONFIG,
         files: dict[str, bytes] | None = None) -> tuple[Path, dict[str, Any], list[dict[str, Any]], list[Any]]:
    """Run the CLI on ``rows`` (as ``news.jsonl``) and ``files`` (see :func:`run_on_files`)."""
    if rows is not None:
        files = {"news.jsonl": "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"), **(files or {})}
    run = run_on_files(tmp_path, files, config)
    return run.out, run.report, run.quarantine, run.articles


#: name -> (record overrides, quarantine reason, words the detail must hold)
WRONG = {
    "title-as-object": ({"title": {"a": 1}}, "bad-field-type", ("'title'", "an object")),
    "title-as-boolean": ({"title": True}, "bad-field-type", ("'title'", "a boolean")),
    "nested-list-body": ({"body": [["one", "two"], ["three"]]}, "bad-field-type", ("'body'", "a list")),
    "list-repr-body": ({"body": "['First paragraph.', 'Second paragraph.']"}, "list-as-text", ("'body'",)),
    "authors-as-number-list": ({"authors": [1, 2]}, "bad-field-type", ("'authors'",)),
    "date-as-list": ({"published": ["2024", "05"]}, "bad-field-type", ("'published'",)),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_field_type_is_refused_with_the_column_named(tmp_path: Path, case: str) -> None:
    override, reason, words = WRONG[case]
    rows = [article(i) for i in range(3)] + [{**article(3), **override}] + [article(i) for i in range(4, 6)]
    out, report, q, _articles = _run(tmp_path, rows)
    assert report["accounting"]["written"] == 5
    assert [r["reason"] for r in q] == [reason], q
    assert q[0]["path"].endswith("news.jsonl") and isinstance(q[0]["record"], int)
    assert all(w in q[0]["detail"] for w in words), q[0]["detail"]
    text = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert "{'a': 1}" not in text and "[['one'" not in text


DATES = {
    "Senin, 4 Februari 2025 10:00 WIB": ("2025-02-04T10:00:00+07:00", "minute"),
    "January 10, 2025": ("2025-01-10", "day"),
    "Isnin, 3 Mac 2025": ("2025-03-03", "day"),
    "Khamis, 12 Disember 2024 08:15 MYT": ("2024-12-12T08:15:00+08:00", "minute"),
    "2025-02-04T10:00:00Z": ("2025-02-04T10:00:00+00:00", "second"),
}
UNREAD = ("sometime last week", "03/04/2025", "kemarin")


def test_dates_in_words_are_read_and_unreadable_ones_kept_and_counted(tmp_path: Path) -> None:
    values = [*DATES, *UNREAD]
    rows = [{**article(i), "published": v} for i, v in enumerate(values)]
    _out, report, q, articles = _run(tmp_path, rows)
    assert q == [] and report["accounting"]["written"] == len(values)
    by_title = {a["title"]: a for a in articles}
    for i, value in enumerate(values):
        a = by_title[rows[i]["title"]]
        if value in DATES:
            assert (a["published"]["value"], a["published"]["precision"]) == DATES[value], value
            assert a["published"]["signal"] == "field"
        else:
            assert a["published"] is None
            assert a["extras"]["unparsed"] == {"published": value}
            assert [f["name"] for f in a["flags"]] == ["unparsed_date"]
    assert report["articles"]["flags"]["unparsed_date"] == len(UNREAD)


@pytest.mark.parametrize("value", ["yesterday", "2 days ago", "Mei 2025", "12/11/2024", "x" * 200, ""])
def test_dates_that_depend_on_the_day_or_are_ambiguous_are_not_guessed(value: str) -> None:
    assert parse_record_date(value) is None


def test_cp1252_text_is_quarantined_by_default_with_the_byte_offset(tmp_path: Path) -> None:
    src = DATA / "cp1252_article.txt"
    data = src.read_bytes()
    _out, report, q, _articles = _run(tmp_path, [article(0)], files={"cafe.txt": data})
    assert report["accounting"]["written"] == 1
    assert [r["reason"] for r in q] == ["invalid-utf8"], q
    first_bad = next(i for i, b in enumerate(data) if b >= 0x80)
    assert q[0]["path"].endswith("cafe.txt") and f"byte {first_bad}" in q[0]["detail"], q[0]


@pytest.mark.parametrize("encoding", ["auto", "cp1252"])
def test_cp1252_text_is_read_with_the_encoding_option(tmp_path: Path, encoding: str) -> None:
    config = FAST_CONFIG + f"read:\n  options:\n    text:\n      encoding: {encoding}\n"
    _out, report, q, articles = _run(tmp_path, files={"cafe.txt": (DATA / "cp1252_article.txt").read_bytes()},
                                     config=config)
    assert q == [] and report["accounting"]["written"] == 1
    (a,) = articles
    assert a["title"] == "Café owners welcome the council’s “fair rent” plan"
    assert "Zoë Müller" in a["body"] and "naïve" in a["body"]


def test_unknown_encoding_is_a_config_error(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("Title\n\nBody text of a story.\n", encoding="utf-8")
    cfg = write_config(tmp_path / "run.yaml", FAST_CONFIG + "read:\n  options:\n    text:\n      encoding: klingon\n")
    result = run_cli(cli_args(inp, tmp_path / "out", cfg))
    assert_bounded(result)
    assert result.returncode == 2, (result.returncode, result.stderr[-1500:])
    assert "klingon" in result.stderr and "Traceback" not in result.stderr
