"""The gazetteer's cache file: what a fresh process loads instead of building."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newscorpus.events import places


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(places.CACHE_ENV, str(tmp_path))
    places.gazetteer.cache_clear()  # as in a new process
    yield tmp_path
    places.gazetteer.cache_clear()


def _built(cache: Path) -> list[Path]:
    return sorted(cache.glob("gazetteer-*.pickle"))


def test_a_second_process_loads_what_the_first_built(cache: Path) -> None:
    first = places.gazetteer()
    (path,) = _built(cache)
    places.gazetteer.cache_clear()
    again = places.gazetteer()
    assert again is not first
    assert again.names == first.names and again.places == first.places
    assert again.raw_names == first.raw_names and again.max_words == first.max_words
    assert again.lookup("Moskau") == first.lookup("Moskau") == places.Place("Europe/Moscow", "city", "RU")
    assert again.display("Europe/Moscow") == "Moscow"
    assert _built(cache) == [path]


def test_a_torn_cache_file_is_built_again_and_replaced(cache: Path) -> None:
    good = places.gazetteer()
    (path,) = _built(cache)
    path.write_bytes(path.read_bytes()[:1000])  # a write cut short
    places.gazetteer.cache_clear()
    rebuilt = places.gazetteer()
    assert rebuilt.names == good.names
    places.gazetteer.cache_clear()
    assert places.gazetteer().names == good.names  # the file is whole again
    assert not list(cache.glob("*.tmp-*"))


def test_an_empty_cache_setting_writes_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(places.CACHE_ENV, "")
    assert places.cache_dir() is None
    assert places.gazetteer().lookup("Rusia") == places.Place("RU", "country", "RU")
    assert not list(cache.iterdir())
