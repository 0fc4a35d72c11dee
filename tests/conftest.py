"""Shared fixtures: paths to the sample corpus and test data, and a pipeline
config that runs in-process (fast, deterministic)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newscorpus.models import Article, Provenance, Timestamp

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


def _day_story(i: int, day: dt.date, suffix: str = "") -> Article:
    # Names, places and words generated from ``i`` so that no two stories share a
    # word: each is an event of its own.
    syl = ["ka", "lo", "mi", "ren", "to", "sa", "vi", "du", "pe", "ran"]

    def word(salt: int) -> str:
        return "".join(syl[int(d)] for d in f"{(i * 7919 + salt * 104729) % 10_000:04d}").capitalize()

    who, town = f"{word(1)} {word(2)}", word(3)
    return Article(
        id=f"day{i:03d}{suffix}",
        provenance=Provenance("generated", i),
        title=f"{who} {word(5).lower()} {word(4).lower()} {town}",
        body=(f"{who} {word(6).lower()} {word(4).lower()} {word(7).lower()} {town} on {day:%A}.",),
        language="en",
        published=Timestamp(day, "day", "header"),
    )


@pytest.fixture
def day_story() -> Callable[..., Article]:
    """``day_story(i, day, suffix="")``: story number ``i``, published on ``day``,
    sharing no word with any other number's."""
    return _day_story


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Cached tables (the gazetteer) go to a folder of this test session, not ~/.cache."""
    from newscorpus.events.places import CACHE_ENV

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
        yield
