"""Shared fixtures: paths to the sample corpus and test data, and a pipeline
config that runs in-process (fast, deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seeds_dir() -> Path:
    """The five sample articles."""
    return SEEDS


@pytest.fixture
def data_dir() -> Path:
    """tests/data."""
    return DATA
