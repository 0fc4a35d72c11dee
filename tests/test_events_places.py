"""The gazetteer's cache file: what a fresh process loads instead of building."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscorpus.events import places


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(places.CACHE_ENV, str(tmp_path))
    places.gazetteer.cache_clear()  # as in a new process
    yield tmp_path
    places.gazetteer.cache_clear()


def _built(cache: Path) -> list[Path]:
    return sorted(cache.glob("gazetteer-*.json"))


def test_a_second_process_loads_what_the_first_built(cache: Path) -> None:
    first = places.gazetteer()
    (path,) = _built(cache)
    places.gazetteer.cache_clear()
    again = places.gazetteer()
    assert again is not first
    assert again.names == first.names and again.places == first.places
    assert again.raw_names == first.raw_names and again.max_words == first.max_words
    assert again.other_names == first.other_names and again.weak_names == first.weak_names
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


class _Planted:
    """A pickle that creates a file when unpickled: what an attacker would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "ran"))


def test_a_planted_pickle_under_the_cache_name_never_runs(cache: Path) -> None:
    marker = cache / "code-ran"
    path = cache / f"gazetteer-{places._cache_key()}.json"
    for name in (path, path.with_suffix(".pickle")):
        name.write_bytes(pickle.dumps(_Planted(marker)))
    assert places._load_cached(path) is None
    assert not marker.exists()


def _signed(state: dict[str, Any]) -> bytes:
    payload = json.dumps(state).encode()
    return places._MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


@pytest.mark.parametrize("state", [
    {"places": [["RU", "country", "RU"]], "names": {"russia": "XX"}, "other_names": {}, "weak_names": {},
     "raw_names": {},
     "max_words": 1, "english": {}},  # a name pointing at no place
    {"places": [["RU", "country", "RU"]], "names": {}, "other_names": {"rossiia": "XX"}, "weak_names": {},
     "raw_names": {},
     "max_words": 1, "english": {}},  # another script's name pointing at no place
    {"places": [["RU", "country"]], "names": {}, "raw_names": {}, "max_words": 1, "english": {}},
    {"places": [], "names": {"a": 1}, "raw_names": {}, "max_words": 1, "english": {}},
    {"places": [], "names": {}, "raw_names": {"en": []}, "max_words": "1", "english": {}},
    {"places": [["RU", "country", "RU"]], "names": {}, "other_names": {}, "weak_names": {}, "raw_names": {},
     "max_words": 1, "english": {}},  # a file of the format before the towns (issue 19)
    {"places": [["RU", "country", "RU"]], "names": {}, "other_names": {}, "weak_names": {}, "raw_names": {},
     "max_words": 1, "english": {}, "town_names": {"bekasi": ["geonames:1"]}, "towns": {}},  # not a str map
    [],
])
def test_a_cache_file_that_verifies_but_has_the_wrong_shape_is_refused(state: Any) -> None:
    assert places._load(_signed(state)) is None


def test_a_cache_file_whose_checksum_does_not_match_is_refused() -> None:
    state = {"places": [["RU", "country", "RU"]], "names": {"russia": "RU"}, "other_names": {}, "weak_names": {},
             "raw_names": {},
             "max_words": 1, "english": {"RU": "Russia"}, "town_names": {}, "towns": {}}
    good = _signed(state)
    gaz = places._load(good)
    assert gaz is not None and gaz.lookup("Russia") == places.Place("RU", "country", "RU")
    assert places._load(good.replace(b'"Russia"', b'"Prussia"')) is None  # same shape, wrong digest


def test_ordinary_latin_words_are_not_places_read_from_other_scripts_or_station_ids(cache: Path) -> None:
    gaz = places.gazetteer()
    # Antarctic research stations and a truncated island label ("Indian/Christmas")
    # are not towns; in English text these are surnames and a holiday.
    for word in ("Davis", "Palmer", "Casey", "Mawson", "Christmas"):
        assert gaz.lookup(word) is None, word
    # Keys that only transliterations from other scripts give ("balaw", a reading
    # of Palau's name in another script) are never looked up for Latin text...
    assert "balaw" in gaz.other_names and gaz.lookup("Balaw") is None
    # ...nor keys one Latin-script language alone gives through its accents: Frisian
    # "Ålân" is Åland, "Alan" in English text is a given name.
    assert gaz.lookup("Alan") is None and gaz.lookup("Ålân") == places.Place("AX", "country", "AX")
    assert gaz.lookup_demonym("Turkish") == places.Place("TR", "country", "TR")
    # ...while names in their own script, and Latin names, are still found.
    assert gaz.lookup("Москва") == places.Place("Europe/Moscow", "city", "RU")
    found = {w: (gaz.lookup(w).id if gaz.lookup(w) else None) for w in
             ("Christmas Island", "Palau", "Chad", "Jakarta", "Kuala Lumpur", "Sao Paulo", "Moskau", "Åland")}
    assert found == {"Christmas Island": "CX", "Palau": "PW", "Chad": "TD", "Jakarta": "Asia/Jakarta",
                     "Kuala Lumpur": "Asia/Kuala_Lumpur", "Sao Paulo": "America/Sao_Paulo",
                     "Moskau": "Europe/Moscow", "Åland": "AX"}
