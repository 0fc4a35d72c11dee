"""The documentation site builds without warnings, and documents what exists."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("mkdocs") is None and not (Path(sys.prefix) / "bin" / "mkdocs").exists(),
                    reason="mkdocs not installed (pip install -e '.[docs]')")
def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    exe = shutil.which("mkdocs") or str(Path(sys.prefix) / "bin" / "mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([exe, "build", "--strict", "-d", str(tmp_path / "site")], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "Run (or resume) the pipeline" in api
    # Sphinx roles are rendered as cross-references (tools/griffe_sphinx_roles.py),
    # never printed literally, and every documented object has its own heading.
    assert not re.search(r":(?:class|meth|func|mod|attr|data|exc):", api)
    assert 'href="#newscorpus.config.PipelineConfig"><code>PipelineConfig</code></a>' in api
    for name in ("newscorpus.pipeline.Pipeline", "newscorpus.pipeline.Pipeline.run", "newscorpus.config.ComponentSpec"):
        assert re.search(rf'<h[2-6] id="{re.escape(name)}"', api), name


def test_every_nav_page_exists_and_is_not_empty() -> None:
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    for entry in nav:
        (page,) = entry.values()
        path = ROOT / "docs" / page
        assert path.exists() and path.stat().st_size > 200, page


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci and "pytest" in (ROOT / "README.md").read_text(encoding="utf-8")
