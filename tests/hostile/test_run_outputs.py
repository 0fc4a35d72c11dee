"""Runs that meet a hostile output folder: planted links, leftovers of killed runs,
restarts, a full disk, a read-only folder. Nothing is written outside ``--output``,
no truncated file is left under a final name, no old file is left looking current."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from newscorpus import Pipeline
from newscorpus.cli import main
from newscorpus.config import ComponentSpec, PipelineConfig
from newscorpus.errors import ConfigError, OutputError
from newscorpus.workdir import AtomicWriter, atomic_write

from .conftest import WriteWatch, assert_bounded, run_cli
from .corpus import cli_args, write_config, write_inputs

FAST = PipelineConfig()
FAST = attrs.evolve(
    FAST,
    clean=attrs.evolve(FAST.clean, cleaners=()),
    export=attrs.evolve(FAST.export, exporters=(ComponentSpec("jsonl"),)),
    execution=attrs.evolve(FAST.execution, workers=1),
)


def _run(inputs: Path, out: Path, config: PipelineConfig = FAST, **kw: Any) -> Any:
    return Pipeline(config).run([str(inputs)], out, **kw)


def _leftovers(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if ".tmp" in p.name or "trash" in p.name)


# -- planted links -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "report.json", "report.json.tmp", "report.json.tmp-{pid}", "quarantine.jsonl", "quarantine.jsonl.tmp-{pid}",
    "articles.jsonl", "articles.jsonl.tmp-{pid}", "events.jsonl", "timeline.html", "timeline.png.tmp-{pid}",
    "work",
])
def test_a_planted_link_never_makes_the_run_write_outside(tmp_path: Path, name: str) -> None:
    # The run is in this process: "{pid}" makes the exact temporary name it will use.
    name = name.format(pid=os.getpid())
    inputs = write_inputs(tmp_path / "in")
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "victim-dir").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(tmp_path / ("victim-dir" if name == "work" else "victim"))
    watch = WriteWatch(tmp_path)
    config = attrs.evolve(FAST, export=attrs.evolve(
        FAST.export, exporters=(ComponentSpec("jsonl"), ComponentSpec("timeline"))))
    report = _run(inputs, out, config)
    assert report.balanced and report.written == 3
    assert victim.read_text() == "precious\n" and not list((tmp_path / "victim-dir").iterdir())
    assert watch.outside(out) == []
    if not name.endswith(".tmp"):  # a name the run writes: the link was replaced, not followed
        assert not (out / name).is_symlink()


def test_a_work_folder_linked_outside_on_resume_is_refused(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    _run(inputs, out)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "work" / "final", elsewhere)
    (out / "work" / "final").symlink_to(elsewhere)
    shutil.rmtree(out / "work" / "_done" / "finalize")  # finalize must write again, into the link
    before = sorted(p.name for p in elsewhere.iterdir())
    with pytest.raises(OutputError, match="outside the output directory"):
        _run(inputs, out)
    assert sorted(p.name for p in elsewhere.iterdir()) == before


def test_export_names_leaving_the_output_are_refused_with_exit_2(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    cfg = write_config(tmp_path / "p.yaml", "clean:\n  cleaners: []\nexport:\n  exporters:\n"
                       "    - {name: jsonl, articles: ../escaped.jsonl}\n")
    out = tmp_path / "out"
    result = run_cli(cli_args(inputs, out, cfg))
    assert_bounded(result)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "outside the output directory" in result.stderr
    assert not (tmp_path / "escaped.jsonl").exists()


# -- leftovers, restart ------------------------------------------------------------------------------


def test_leftover_temporary_files_are_removed_on_resume(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    _run(inputs, out)
    # What kill -9 at various moments leaves: temporary files of every kind, a trash folder.
    for rel in ("articles.jsonl.tmp-4242", "report.json.tmp-1", "work/final/00000.jsonl.tmp-99999",
                "work/events/built.jsonl.tmp-31337", ".newscorpus-trash-77/old/report.json"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("half")
    report = _run(inputs, out)
    assert report.balanced and report.written == 3
    assert _leftovers(out) == []


def test_an_input_folder_inside_the_output_keeps_its_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    inputs = write_inputs(out / "in")
    (inputs / "notes.tmp-123").write_text("a user's file, not a leftover")
    # Whether such an input is read or refused is the input walk's business; the
    # clean-up of leftovers, which runs first, must not touch it either way.
    with contextlib.suppress(ConfigError):
        _run(inputs, out)
    assert (inputs / "notes.tmp-123").exists()


def test_restart_leaves_no_old_export_beside_the_new_ones(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    renamed = attrs.evolve(FAST, export=attrs.evolve(FAST.export, exporters=(
        ComponentSpec("jsonl", {"articles": "old-articles.jsonl", "events": "sub/old-events.jsonl"}),)))
    _run(inputs, out, renamed)
    assert (out / "old-articles.jsonl").exists() and (out / "sub" / "old-events.jsonl").exists()
    (out / "notes.txt").write_text("mine")  # not a run's file: left alone
    _run(inputs, out, FAST, restart=True)
    assert not (out / "old-articles.jsonl").exists() and not (out / "sub" / "old-events.jsonl").exists()
    assert (out / "articles.jsonl").exists() and (out / "notes.txt").read_text() == "mine"
    assert _leftovers(out) == []


def test_a_failed_restart_leaves_no_old_report_looking_current(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    cfg = write_config(tmp_path / "p.yaml", "clean:\n  cleaners: []\nexport:\n  exporters:\n"
                       "    - {name: jsonl, articles: old-articles.jsonl}\n")
    assert run_cli(cli_args(inputs, out, cfg)).returncode == 0
    assert (out / "report.json").exists() and (out / "old-articles.jsonl").exists()
    bad = write_config(tmp_path / "bad.yaml", "clean:\n  cleaners: []\nexport:\n  exporters:\n"
                       "    - {name: jsonl, events: ../../escaped.jsonl}\n")
    result = run_cli(cli_args(inputs, out, bad, "--restart"))
    assert_bounded(result)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert not (out / "report.json").exists()
    assert not (out / "old-articles.jsonl").exists()  # the old export went before anything new


def test_a_tampered_report_cannot_make_restart_delete_outside(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    _run(inputs, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    report = json.loads((out / "report.json").read_text())
    report["exports"] = {"jsonl": ["../victim.txt", str(victim), "/etc/hostname"]}
    (out / "report.json").write_text(json.dumps(report))
    _run(inputs, out, restart=True)
    assert victim.read_text() == "keep"


# -- disk full, read-only ---------------------------------------------------------------------------------


def _enospc_after(limit: int) -> Any:
    """A ``shutil.copyfileobj`` that writes ``limit`` bytes, then finds the disk full."""
    def copy(src: Any, dst: Any, length: int = 0) -> None:
        dst.write(src.read(limit))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return copy


def test_disk_full_during_export_leaves_no_truncated_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    monkeypatch.setattr("newscorpus.exporters.jsonl.shutil.copyfileobj", _enospc_after(100))
    with pytest.raises(OutputError, match=r"articles\.jsonl: the disk is full"):
        _run(inputs, out)
    assert not (out / "articles.jsonl").exists() and not (out / "report.json").exists()
    assert _leftovers(out) == []
    monkeypatch.undo()  # space freed: the same command resumes and completes
    report = _run(inputs, out)
    assert report.balanced and len((out / "articles.jsonl").read_text().splitlines()) == 3


def test_an_output_error_raised_in_a_worker_reaches_the_driver_whole() -> None:
    err = OutputError("cannot write x: the disk is full")
    err.errno = errno.ENOSPC  # type: ignore[attr-defined]
    back = pickle.loads(pickle.dumps(err))  # how a pool worker hands it over
    assert type(back) is OutputError and str(back) == str(err) and back.errno == errno.ENOSPC


def test_disk_full_keeps_the_previous_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "events.jsonl"
    target.write_bytes(b"old, whole\n")

    def full(*_a: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError, match="disk is full"), atomic_write(target) as fh:
        fh.write(b"new and partial")
        full()
    assert target.read_bytes() == b"old, whole\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


def test_disk_full_in_a_work_file_names_it_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "work" / "parse" / "00000.articles.jsonl"
    writer = AtomicWriter(target)
    writer.write_json({"id": "a"})

    class Full:
        def write(self, _data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self) -> None:
            pass

    real, writer._open = writer._open, Full()  # type: ignore[assignment]
    assert real is not None
    real.close()
    with pytest.raises(OutputError, match=r"00000\.articles\.jsonl: the disk is full"):
        writer.write_json({"id": "b"})
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_disk_full_is_one_line_and_exit_2_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = write_inputs(tmp_path / "in")
    cfg = write_config(tmp_path / "p.yaml", "clean:\n  cleaners: []\nexport:\n  exporters: [jsonl]\n"
                       "execution:\n  workers: 1\n")
    monkeypatch.setattr("newscorpus.exporters.jsonl.shutil.copyfileobj", _enospc_after(10))
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(tmp_path / "out"), "-c", str(cfg)])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("newscorpus: error: cannot write ") and "articles.jsonl: the disk is full" in line


def test_a_read_only_output_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated (EROFS on every create): root ignores permission bits, a real
    # read-only mount needs privileges; the chmod case below runs when not root.
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    real_open = os.open

    def read_only(path: Any, flags: int, *a: Any, **kw: Any) -> int:
        if str(path).startswith(str(out)) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr("newscorpus.workdir.os.open", read_only)
    cfg = write_config(tmp_path / "p.yaml", "clean:\n  cleaners: []\nexecution:\n  workers: 1\n")
    result = CliRunner().invoke(main, ["run", str(inputs), "-o", str(out), "-c", str(cfg)])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "the file system is read-only" in line and ".newscorpus.lock" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_exits_2(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run_cli(cli_args(inputs, out, write_config(tmp_path / "p.yaml")))
    finally:
        out.chmod(0o755)
    assert_bounded(result)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "permission denied" in result.stderr
