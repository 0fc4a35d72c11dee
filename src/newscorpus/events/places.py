"""A multilingual gazetteer of countries and cities, built from Babel's CLDR data.

CLDR names every territory and every time-zone city in several hundred languages
(``Rusia``/``Russia``/``Россия`` → ``RU``; ``Moskow``/``Moscow``/``Moskau`` →
``Europe/Moscow``). Mapping each place mention to that language-independent id lets
articles in different languages share place keys. The table is built once per process
from the CLDR files Babel ships (under a second) and needs no download.
"""

from __future__ import annotations

import collections
import functools
import re
import unicodedata

import attrs
from anyascii import anyascii
from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers

__all__ = ["Gazetteer", "Place", "fold", "gazetteer"]

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
        raw: dict[str, dict[str, set[str]]] = collections.defaultdict(lambda: collections.defaultdict(set))
        self.places: dict[str, Place] = {}
        for ident in locale_identifiers():
            if "_" in ident:  # regional variants repeat their language's names
                continue
            try:
                loc = Locale.parse(ident)
            except (ValueError, KeyError):  # pragma: no cover - broken locale data
                continue
            for code, name in loc.territories.items():
                if len(code) != 2 or code in _SKIP_TERRITORIES:
                    continue
                kind = "organisation" if code in _ORGANISATIONS else "country"
                self.places.setdefault(code, Place(code, kind, code))
                self._add(votes, raw, ident, name, code)
            for zone, data in loc.time_zones.items():
                city = data.get("city")
                if city and zone in zone_country:
                    self.places.setdefault(zone, Place(zone, "city", zone_country[zone]))
                    self._add(votes, raw, ident, city, zone)
        # English city names default to the zone id (CLDR only stores exceptions).
        for zone, country in zone_country.items():
            if zone.startswith("Etc/"):
                continue
            self.places.setdefault(zone, Place(zone, "city", country))
            self._add(votes, raw, "en", _city_from_zone(zone), zone)
        self.names: dict[str, str] = {}
        for key, counter in votes.items():
            ranked = sorted(
                counter.items(), key=lambda kv: (self.places[kv[0]].kind != "country", -kv[1], kv[0])
            )
            self.names[key] = ranked[0][0]
        # Names as written, per language, for scripts without spaces between words.
        self.raw_names: dict[str, dict[str, str]] = {
            lang: {name: sorted(ids)[0] for name, ids in names.items()} for lang, names in raw.items()
        }
        self.max_words = max((k.count(" ") + 1 for k in self.names), default=1)
        en = Locale("en")
        self._english: dict[str, str] = {}
        for code, name in en.territories.items():
            self._english[code] = name
        for zone in zone_country:
            city = en.time_zones.get(zone, {}).get("city")
            self._english[zone] = city or _city_from_zone(zone)

    @staticmethod
    def _add(
        votes: dict[str, collections.Counter[str]],
        raw: dict[str, dict[str, set[str]]],
        lang: str,
        name: str,
        place: str,
    ) -> None:
        name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()  # "Myanmar (Burma)"
        key = fold(name)
        if len(key) < 3:
            return
        votes[key][place] += 1
        raw[lang][name].add(place)

    def lookup(self, name: str) -> Place | None:
        """The place ``name`` (any language, any case) names, or ``None``."""
        ident = self.names.get(fold(name))
        return self.places[ident] if ident else None

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
                ident = self.names.get(stem + back)
                if ident and self.places[ident].kind == "country":
                    return self.places[ident]
        return None

    def display(self, ident: str) -> str:
        """English name of a place id (``Europe/Moscow`` → ``Moscow``)."""
        return self._english.get(ident, ident)

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


@functools.cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first use)."""
    return Gazetteer()
