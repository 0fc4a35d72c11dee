"""The documented script, without an ``if __name__ == "__main__":`` block, on an input
that makes the run start worker processes: it must finish with the CLI's articles
instead of breaking the pool (spawn workers import the script again)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscorpus.api import write_records
from newscorpus.cli import main
from newscorpus.executors.mainguard import _guarded_lines

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pytest imports test files by path, not as modules
from test_api import synthetic_records

WARNING = "outside an 'if __name__"
#: Two workers and four shards: a pool on any machine, whatever the input size
#: (the default settings start one only from 4 MB; see docs/library.md).
CONFIG = '{"execution": {"workers": 2, "shards": 4}}'


def _script(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _run_script(script: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, str(script)], cwd=script.parent, capture_output=True, text=True,
                          timeout=120, env=env)


def _articles(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    folder = tmp_path_factory.mktemp("guard")
    write_records(synthetic_records(120, seed=5), folder / "records.jsonl")
    result = CliRunner().invoke(main, ["run", str(folder / "records.jsonl"), "-o", str(folder / "cli"),
                                       "-w", "1", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "records.jsonl", _articles(folder / "cli")


def test_an_unguarded_script_runs_in_process_with_a_warning(
        tmp_path: Path, corpus: tuple[Path, list[dict[str, object]]]) -> None:
    records, expected = corpus
    script = _script(tmp_path / "unguarded.py", f"""\
        import newscorpus

        config = newscorpus.config_from_dict({CONFIG})
        report = newscorpus.run([{str(records)!r}], "out", config)
        print(report.accounting["written"])
        """)
    done = _run_script(script)
    assert done.returncode == 0, done.stderr
    assert WARNING in done.stderr
    assert _articles(tmp_path / "out") == expected


def test_without_the_fallback_the_same_script_breaks_the_pool(
        tmp_path: Path, corpus: tuple[Path, list[dict[str, object]]]) -> None:
    """The input above does start workers: with the check turned off the
    script fails the way issue 20 reported."""
    records, _expected = corpus
    script = _script(tmp_path / "unguarded.py", f"""\
        import newscorpus
        import newscorpus.executors.local

        newscorpus.executors.local.unguarded_main = lambda: None  # the check off
        config = newscorpus.config_from_dict({CONFIG})
        newscorpus.run([{str(records)!r}], "out", config)
        """)
    done = _run_script(script)
    assert done.returncode != 0
    assert "BrokenProcessPool" in done.stderr or "bootstrapping phase" in done.stderr


def test_a_guarded_script_uses_the_pool(tmp_path: Path, corpus: tuple[Path, list[dict[str, object]]]) -> None:
    records, expected = corpus
    script = _script(tmp_path / "guarded.py", f"""\
        import newscorpus

        def main():
            config = newscorpus.config_from_dict({CONFIG})
            newscorpus.run([{str(records)!r}], "out", config)

        if __name__ == "__main__":
            main()
        """)
    done = _run_script(script)
    assert done.returncode == 0, done.stderr
    assert WARNING not in done.stderr
    assert _articles(tmp_path / "out") == expected


def test_guard_blocks_are_found_either_way_round(tmp_path: Path) -> None:
    path = _script(tmp_path / "m.py", """\
        x = 1
        if __name__ == "__main__":
            print(x)
        if "__main__" == __name__:
            pass
        if __name__ != "__main__":
            pass
        """)
    assert _guarded_lines(str(path), path.stat().st_mtime_ns) == ((2, 3), (4, 5))
