"""Writers never write invalid JSON or odd values into SQL and never raise on one
document; the timeline never reads article text as markup and is byte-identical
from run to run."""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscorpus import Pipeline
from newscorpus.config import ComponentSpec, PipelineConfig
from newscorpus.workdir import dumps_json

from .conftest import assert_bounded, read_quarantine, read_report, run_cli
from .corpus import article, cli_args, write_config, write_inputs


def _strict(line: bytes) -> Any:
    """Parse one line as RFC 8259 JSON: UTF-8, no NaN or Infinity."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")
    return json.loads(line.decode("utf-8"), parse_constant=refuse)


# -- JSON lines -----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_dumps_json_always_writes_valid_json(value: Any) -> None:
    line, reasons = dumps_json(value)
    back = _strict(line)
    if not reasons:  # nothing replaced: the value comes back as it was
        assert back == json.loads(json.dumps(value))
    else:
        assert set(reasons) <= {"non-finite-number", "lone-surrogate", "huge-integer"}


@pytest.mark.parametrize(("value", "reason"), [
    (math.nan, "non-finite-number"), (math.inf, "non-finite-number"), (-math.inf, "non-finite-number"),
    (10 ** 5000, "huge-integer"), ("a\ud800b", "lone-surrogate"),
], ids=["nan", "inf", "-inf", "huge-int", "surrogate"])
def test_what_json_cannot_hold_is_replaced_and_flagged_on_an_article(value: Any, reason: str) -> None:
    doc = {"id": "x", "title": "t", "flags": [], "extras": {"jsonl": {"score": value}}}
    line, reasons = dumps_json(doc)
    back = _strict(line)
    assert reasons == Counter({reason: 1})
    assert back["extras"]["jsonl"]["score"] in (None, "a\ufffdb")
    (flag,) = back["flags"]
    assert flag["name"] == "sanitised_json" and reason in flag["detail"]


def test_nan_and_infinity_never_reach_jsonl_or_sqlite(tmp_path: Path) -> None:
    pytest.importorskip("newscorpus_sql")
    records = [article(0, score=math.nan), article(1, score=math.inf, weights=[1.0, -math.inf]),
               article(2, note="lone \ud800 surrogate"), article(3)]
    inputs = tmp_path / "in"
    inputs.mkdir()
    # json.dumps writes NaN, Infinity and the lone surrogate as a hostile dump would.
    (inputs / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    cfg = write_config(tmp_path / "p.yaml", "clean:\n  cleaners: []\nexport:\n  exporters: [jsonl, sqlite]\n")
    out = tmp_path / "out"
    result = run_cli(cli_args(inputs, out, cfg))
    assert_bounded(result)
    assert result.returncode == 0, result.stderr
    report = read_report(out)
    lines = [_strict(line) for line in (out / "articles.jsonl").read_bytes().splitlines()]
    quarantined = read_quarantine(out)
    # The surrogate document is either written with U+FFFD or quarantined by its reader.
    assert len(lines) + len(quarantined) == 4 and len(lines) >= 3
    flagged = [a for a in lines if any(f["name"] == "sanitised_json" for f in a["flags"])]
    assert len(flagged) == report["articles"]["sanitised"] >= 2
    for path in out.glob("*.jsonl"):
        for line in path.read_bytes().splitlines():
            _strict(line)
    con = sqlite3.connect(out / "corpus.sqlite")
    try:
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    assert not (isinstance(value, float) and not math.isfinite(value)), (table, row)
                    assert not (isinstance(value, str) and ("NaN" in value or "Infinity" in value)), (table, value)
    finally:
        con.close()


# -- the timeline --------------------------------------------------------------------------------

MARKUP_TITLES = [
    "He paid $5 for a #1 hit now worth $10",
    r"$\frac{1}{0}$ and $$ and \$ and $x^{2}_{3}$",
    "Price $ 5 vs $",
    "<script>alert(1)</script> & \"quotes\"",
]


def test_headlines_that_look_like_markup_are_drawn_as_text_and_every_run_is_identical(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    records = [article(i, title=t) for i, t in enumerate(MARKUP_TITLES)]
    inputs = write_inputs(tmp_path / "in", records)
    cfg = write_config(tmp_path / "p.yaml", "clean:\n  cleaners: []\nexport:\n  exporters: [jsonl, timeline]\n")
    first = tmp_path / "first"
    result = run_cli(cli_args(inputs, first, cfg))
    assert_bounded(result)
    assert result.returncode == 0, result.stderr
    assert read_report(first)["accounting"]["written"] == len(MARKUP_TITLES)
    page = (first / "timeline.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page and "<script>" not in page
    # A second run, in another process and folder: the same bytes.
    config = PipelineConfig()
    config = attrs.evolve(config, clean=attrs.evolve(config.clean, cleaners=()),
                          export=attrs.evolve(config.export, exporters=(ComponentSpec("jsonl"),
                                                                        ComponentSpec("timeline"))),
                          execution=attrs.evolve(config.execution, workers=1))
    second = tmp_path / "second"
    Pipeline(config).run([str(inputs)], second)
    for name in ("timeline.html", "timeline.png", "articles.jsonl", "events.jsonl"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
