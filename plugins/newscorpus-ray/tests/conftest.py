"""Paths shared by the Ray executor tests. The core's test data is reused read-only,
so that the Ray executor is checked on exactly the inputs the local executor is."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEEDS = ROOT / "seeds"
CORE_DATA = ROOT / "tests" / "data"
