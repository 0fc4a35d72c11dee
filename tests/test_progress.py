"""Progress by documents: task counts written while a task runs, the bar's totals,
rate and time left, and what a run prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscorpus.config import config_from_dict
from newscorpus.pipeline import Pipeline
from newscorpus.progress import StageProgress, TaskProgress, format_eta, offsets_are_positions, unit_bytes


def test_task_counts_are_written_at_most_every_interval(tmp_path: Path) -> None:
    path = tmp_path / "progress" / "parse" / "00003.json"
    live = TaskProgress(path, interval=3600)
    for _ in range(1000):
        live.add(documents=1)
    assert not path.exists()  # no write before the interval: one clock read per document
    live.write()
    assert json.loads(path.read_text()) == {"documents": 1000, "bytes": 0}
    now = TaskProgress(path, interval=0)
    now.add(documents=2, nbytes=50)
    assert json.loads(path.read_text()) == {"documents": 2, "bytes": 50}
    assert [p.name for p in path.parent.iterdir()] == ["00003.json"]  # no temporary left


def test_position_inside_a_unit_counts_until_the_unit_ends(tmp_path: Path) -> None:
    path = tmp_path / "00000.json"
    live = TaskProgress(path, interval=3600)
    live.at(300, 1000)
    live.at(200, 1000)  # an earlier offset never moves it back
    live.at(5000, 1000)  # past the unit (a decompressed offset): ignored
    live.at(-1, 1000)
    live.write()
    assert json.loads(path.read_text()) == {"documents": 0, "bytes": 300}
    live.add(documents=1, nbytes=1000)  # the unit is done: its size, not size + position
    live.write()
    assert json.loads(path.read_text()) == {"documents": 1, "bytes": 1000}


@pytest.mark.parametrize(("name", "positions"), [
    ("a.jsonl", True), ("a.txt", True), ("a.jsonl.gz", False), ("A.JSONL.GZ", False), ("x.warc.zst", False),
])
def test_offsets_of_compressed_files_are_not_positions(name: str, positions: bool) -> None:
    assert offsets_are_positions(name) is positions


def test_a_progress_write_that_fails_never_fails_the_task(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    TaskProgress(blocker / "sub" / "00000.json", interval=0).add(documents=1)  # parent is a file


def _write(folder: Path, index: int, documents: int, nbytes: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{index:05d}.json").write_text(json.dumps({"documents": documents, "bytes": nbytes}))


def test_totals_add_finished_and_running_tasks_once(tmp_path: Path) -> None:
    folder = tmp_path / "parse"
    sizes = {0: 1000, 1: 1000, 2: 2000}
    bar = StageProgress("parse", folder, 3, done={0: {"documents": 10}}, task_bytes=sizes, enabled=False)
    _write(folder, 0, 10, 1000)  # finished in an earlier run: its marker counts, not this file
    _write(folder, 1, 4, 0)  # running, inside its first unit: 4 docs x 100 bytes per doc estimated
    (folder / "00002.json.tmp-77").write_text("{")  # a write in flight is never read
    with bar:
        s = bar.status()
        assert s["documents"] == 14
        assert s["fraction"] == pytest.approx((1000 + 400) / 4000)
        _write(folder, 1, 9, 1000)
        bar.task_done(1, {"documents": 9})
        _write(folder, 2, 5, 0)
        s = bar.status()
        assert s["documents"] == 10 + 9 + 5
        assert s["fraction"] == (2000 + round(5 * 2000 / 19)) / 4000  # 2,000 bytes over 19 docs so far
        assert s["eta"] is not None and s["eta"] > 0
        assert s["rate"] > 0


def test_estimate_never_passes_a_task_size(tmp_path: Path) -> None:
    folder = tmp_path / "parse"
    bar = StageProgress("parse", folder, 2, done={0: {"documents": 1}}, task_bytes={0: 1000, 1: 10}, enabled=False)
    _write(folder, 1, 500, 0)
    assert bar.status()["fraction"] == pytest.approx(1.0)


def test_without_input_sizes_there_is_no_estimate(tmp_path: Path) -> None:
    bar = StageProgress("finalize", tmp_path / "finalize", 4, done={}, enabled=False)
    bar.task_done(0, {"written": 3})
    s = bar.status()
    assert s["fraction"] is None and s["eta"] is None and s["documents"] == 0


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "?"), (float("nan"), "?"), (-1, "?"), (0, "0:00"), (59.6, "1:00"), (125, "2:05"), (3725, "1:02:05"),
])
def test_format_eta(seconds: float | None, text: str) -> None:
    assert format_eta(seconds) == text


@given(start=st.integers(0, 10_000), length=st.one_of(st.none(), st.integers(0, 10_000)), size=st.integers(0, 20_000))
def test_unit_bytes_is_within_the_file(start: int, length: int | None, size: int) -> None:
    end = None if length is None else start + length
    n = unit_bytes(start, end, size)
    assert 0 <= n <= max(0, size - start)


def test_a_run_shows_documents_rate_and_eta(seeds_dir: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = config_from_dict({"execution": {"workers": 1}})
    report = Pipeline(config).run([str(seeds_dir)], tmp_path / "out", progress=True)
    err = capsys.readouterr().err
    parse_lines = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("parse")]
    assert parse_lines and "5 docs" in parse_lines[-1] and "docs/s" in parse_lines[-1]
    assert "ETA 0:00" in parse_lines[-1] and "100%" in parse_lines[-1]
    assert report.accounting["documents"] == 5
