"""Smoke test of the coverage-guided fuzz harness (``tools/fuzz/run.py``, atheris):
every target starts from its generated seeds and the inputs that once broke it
(``tests/data/fuzz/TARGET``), runs a bounded number of mutated inputs through its
reader and parser under the shared properties (``fuzz_checks.py``) and exits 0
without writing a crash file. A real campaign runs
minutes per target (docs/reliability.md); this only keeps the harness working.

Skipped when atheris is not installed (it ships Linux wheels only).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

RUN = Path(__file__).resolve().parents[2] / "tools" / "fuzz" / "run.py"
#: Inputs that once broke a target, one folder per target (tests/data/fuzz/README.md).
REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "fuzz"
#: (target, mutated inputs, plugin modules it needs). Fewer runs where every input
#: goes through trafilatura (html, warc) or a forked footer probe (parquet).
TARGETS = [
    ("jsonl", 300, ()),
    ("record", 300, ()),
    ("text", 300, ()),
    ("csv", 200, ("newscorpus_tabular",)),
    ("parquet", 60, ("newscorpus_tabular",)),
    ("feed", 150, ("newscorpus_feeds",)),
    ("html", 60, ("newscorpus_html",)),
    ("warc", 60, ("newscorpus_warc", "newscorpus_html")),
]
#: Wall-clock bound of one target's run, start-up (instrumenting imports) included.
TIME_LIMIT_S = 45


def _fuzz(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, str(RUN), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIME_LIMIT_S, check=False)


@pytest.mark.parametrize(("target", "runs", "needs"), TARGETS, ids=[t[0] for t in TARGETS])
def test_target_runs_clean(tmp_path: Path, target: str, runs: int, needs: tuple[str, ...]) -> None:
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    corpus, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    artifacts.mkdir()
    # The saved regression inputs are a second corpus folder: libFuzzer runs each once first.
    saved = [str(REGRESSIONS / target)] if (REGRESSIONS / target).is_dir() else []
    result = _fuzz([target, f"-runs={runs}", "-seed=1", "-timeout=20", f"-artifact_prefix={artifacts}/",
                    str(corpus), *saved], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {runs} runs" in result.stderr, result.stderr[-2000:]
    # A crash file fails when replayed. The Parquet reader's footer probe is a forked
    # copy of the fuzzing process: where pyarrow throws (and a normal child aborts),
    # libFuzzer's handler in that child writes a crash file while the target process
    # reads the file as invalid-parquet and goes on; such files replay clean.
    for crash in sorted(artifacts.iterdir()):
        replay = _fuzz([target, str(crash)], tmp_path)
        assert replay.returncode == 0, f"{crash.name}: {replay.stderr[-3000:]}"
    seeds = sorted(p.name for p in corpus.iterdir() if p.name.startswith("seed-"))
    assert seeds, "no seed inputs were written into the corpus directory"


def test_a_saved_input_is_replayed(tmp_path: Path) -> None:
    """``run.py TARGET FILE...`` runs each file once, as a crash file is reproduced."""
    cases = sorted(str(p) for p in (REGRESSIONS / "record").iterdir())
    result = _fuzz(["record", *cases], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert all(f"Running: {case}" in result.stderr for case in cases), result.stderr[-2000:]


def test_an_unknown_target_is_refused(tmp_path: Path) -> None:
    result = _fuzz(["nonesuch"], tmp_path)
    assert result.returncode == 2 and "targets: jsonl, record, text" in result.stderr
