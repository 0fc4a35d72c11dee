"""The UCI headline-stories section of ``benchmarks/events_uci.py`` (and through it
``events_bench.py --only uci``) runs on a tiny made-up file in the UCI format.

``tests/data/events/uci_tiny.csv``: 13 invented headlines of four invented stories
(two in each half of the frozen split) and a cut-off last row, as the real file has.
No UCI data is in the repository.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "events" / "uci_tiny.csv"
sys.path.insert(0, str(ROOT / "benchmarks"))

pytest.importorskip("scipy")


@pytest.fixture()
def uci_root(tmp_path: Path) -> Path:
    import events_uci

    path = tmp_path / events_uci.FILE
    path.parent.mkdir(parents=True)
    with gzip.open(path, "wb") as fh:
        fh.write(FIXTURE.read_bytes())
    return tmp_path


def test_loads_the_rows_and_drops_the_cut_off_one(uci_root: Path) -> None:
    import events_uci

    articles, gold, category = events_uci.load_uci(uci_root)
    assert len(articles) == 13 and len(set(gold.values())) == 4
    assert all(a.body == () and a.language == "en" and a.published is not None for a in articles)
    assert set(category.values()) == {"b", "t", "e"}


def test_the_split_is_frozen() -> None:
    import events_uci

    # sha256("uci:<story>") first 8 hex digits, even = dev: fixed once and for all.
    halves = {s: events_uci.story_half(s) for s in
              ("dTinyBananaMerger01", "dTinyFlightSearch02", "dTinySpaceLaunch04", "dTinyQuakeAlert06")}
    assert halves == {"dTinyBananaMerger01": "dev", "dTinyFlightSearch02": "dev",
                      "dTinySpaceLaunch04": "blind", "dTinyQuakeAlert06": "blind"}
    assert events_uci.SPLIT_FROZEN == "2026-12-06"


def test_section_scores_the_whole_set_and_both_halves(uci_root: Path) -> None:
    import events_uci

    md, figures = events_uci.section(uci_root)
    assert "newscorpus `default` (current defaults)" in md and "peer: TF-IDF average-link" in md
    assert "dev, **not blind**" in md and "**BLIND**" in md
    for key in ("uci_b3_f1", "uci_dev_b3_f1", "uci_blind_b3_f1", "uci_dev_peer_b3_f1", "uci_blind_peer_b3_f1"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["uci_events"] >= 4


def test_a_dev_run_measures_the_dev_half_only(uci_root: Path) -> None:
    import events_uci

    md, figures = events_uci.section(uci_root, ("dev",))
    assert "BLIND" not in md and "uci_blind_b3_f1" not in figures and "uci_b3_f1" not in figures
    assert "uci_dev_b3_f1" in figures


def test_events_bench_runs_the_uci_section_alone(uci_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import events_bench

    events_bench.main([str(uci_root), "--only", "uci", "--no-write"])
    out = capsys.readouterr().out
    assert "uci_blind_b3_f1" in out and "ECB+" not in out


def test_events_bench_refuses_unknown_sections(uci_root: Path) -> None:
    import events_bench

    with pytest.raises(SystemExit):
        events_bench.main([str(uci_root), "--only", "uci,everything", "--no-write"])


def test_parts_not_rerun_are_kept_and_marked(tmp_path: Path) -> None:
    import events_bench

    page = tmp_path / "events.md"
    page.write_text(
        "# x\n\n<!-- BEGIN events-figures -->\n## Measured\n\nhead\n\n### ECB+ event clustering\n\n| a |\n\n"
        "### Throughput\n\n| 100,000 | 2,495 |\n\nRun at a quiet moment.\n<!-- END events-figures -->\n",
        encoding="utf-8",
    )
    kept = events_bench.kept_part(str(page), "events-figures", "### Throughput", "2026-12-06")
    assert kept is not None
    assert kept.startswith("### Throughput\n\n*Not rerun on 2026-12-06*")
    assert "| 100,000 | 2,495 |" in kept and "Run at a quiet moment." in kept and "ECB+" not in kept
    # Kept again: one mark, not two.
    page.write_text(page.read_text(encoding="utf-8").replace("### Throughput\n", kept.split("\n\n| 100")[0] + "\n"),
                    encoding="utf-8")
    again = events_bench.kept_part(str(page), "events-figures", "### Throughput", "2026-12-07")
    assert again is not None and again.count("*Not rerun") == 1 and "2026-12-07" in again
    assert events_bench.kept_part(str(page), "events-figures", "### Nothing", "2026-12-06") is None
