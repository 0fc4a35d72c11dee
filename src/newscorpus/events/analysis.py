"""Reading an article for event building: names, places, numbers, terms and its date.

Everything here is per article, so it runs in the parse tasks:

* **Names** (people, organisations) in English, Indonesian, Malay (and text of
  unknown language) are the ``PER`` and ``ORG`` spans of the entity reader
  (:mod:`newscorpus.entities`), read on the headline and the lead (the first
  :data:`ENTITY_CHARS` characters of the body): a verb or a common word that opens
  a headline is not a participant. In a title-case headline, where capitals say
  nothing, a span counts only if one of its words is also in a span of the body.
  Participants are chosen among the spans by classes (issue 19): an English
  organisation span takes the rest of its name written before it ("Exchange
  Commission" -> "Securities and Exchange Commission"), a role opening a person
  span is cut ("Producer Mel Gibson"), and works (quoted, or after "film", "game",
  ...), laws, events, geographic features and plural demonyms are no participants.
  In other languages (the model is not trained for them) names are runs of
  capitalised words that are not capitalised merely because they open a sentence
  or a title-case headline (a word the same article also writes in lower case, or
  a stop word of the language). Either way titles ("President", "Menteri",
  "Sheikh") and the CLDR weekday and month names are not names. A name's keys are
  its words transliterated to ASCII and case-folded, so ``Putin``/``Путин``,
  ``Al-Thani``/``Al Thani`` meet.
* **Places** are looked up in the CLDR gazetteer, keyed by territory code or
  time-zone id, so ``Moskow`` and ``Moscow`` are one key. With the entity reader
  only its ``LOC`` spans (and the dateline) are looked up, plus English demonyms
  outside person and organisation spans ("Russian troops"): "Chad" the person or
  "Davis" the minister is no place. A ``LOC`` span the gazetteer does not know
  still adds its words as keys, not as a participant. **Towns** (GeoNames cities of
  15,000 people or more, :mod:`newscorpus.events.places`) are looked up on those
  ``LOC`` spans and on the dateline only, never on other capitalised words, and
  (but at the dateline) never on the cut of a longer name ("New | York"), a span
  naming a venue or feature ("Lansdowne Road"), a word the article writes in lower
  case or in a person's name ("Davis"); a one-word town that is an ordinary word of
  the language (``Reading``, ``Batu``: ``places.town_words``) counts only where the
  article names its country. A name several towns share goes to the dateline's
  country, then a country the article names (or its language's home country), then
  the most populous if it has :data:`LARGE_TOWN` people and outnumbers every other
  town of the name :data:`DOMINANCE`-fold (:meth:`_Reader.resolve_towns`).
* **Numbers** of two or more digits (casualties, amounts, scores), years left out.
* **Terms**: the content words of the article's own language (stop words out,
  truncated to a fixed prefix as a cheap language-independent stemmer), compared
  only between articles of one language.
* **Date**: see :mod:`newscorpus.events.dates`.
* **Sequel signs**: whether the headline or the first paragraph carries a sequel
  cue ("again", "second", "returns", "kembali", "lagi", "semula", "susulan",
  "putaran kedua"; :func:`sequel_cue`), and the latest day the lead names when it
  is later than the story's day ("signed on 10 June ... Bulog said on Friday
  (20/6)": :func:`newest_day`). The clusterer uses both to keep a later
  development of a storyline out of the event it refers back to.

Weights favour the headline (x3) and the lead (x2) over the rest of the body.

**How much is read** (issue 22: the features' cost grew with the whole article).
Everything above comes from the headline and the first :data:`LEAD_CHARS`
characters of the body (:func:`lead_paragraphs`: whole paragraphs, the last one cut
at a sentence end, else a space). The next :data:`TAIL_CHARS` characters add only
terms and one-word name keys, counted per word type in one pass
(:meth:`_Reader.tail`); anything later is not read. The tail's keys are what keeps
apart same-kind events whose leads read alike; the lead alone lost ECB+ precision.
"""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import functools
import itertools
import math
import operator
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

import attrs
import stopwordsiso
import yaml

from ..entities import Entity, read_entities, read_entities_many
from ..models import Article
from ..outlets import agency_name
from .dates import EXPLICIT_WINDOW, ArticleDate, _resolve_weekday, article_date, find_mentions, vocabulary
from .places import Gazetteer, Place, fold, gazetteer, town_words

__all__ = [
    "FEATURES_VERSION",
    "SEQUEL_CUES",
    "Analysis",
    "NameMention",
    "analyse",
    "analyse_text",
    "lead_paragraphs",
    "newest_day",
    "sequel_cue",
]

#: Bumped whenever the features' content changes (persistent states check it).
# 4: clock times ("1400 GMT") are no longer years; 5: names and places from the entity reader;
# 6: an undated article's story date only from a date stamp (see events.dates._undated_date);
# 7: sequel cues and the newest day the lead names (issue 19); 8: every feature from the headline
# and a 1,200-character lead, the next 4,000 characters adding terms and name keys only (issue 22);
# 9: participants: an English organisation span takes the rest of its name written before it, a role
# opening a person span is cut, works, events, geographic features and plural demonyms are no
# participants (issue 19); only the names change, not the keys; 10: places: no Antarctic station ids or
# truncated island zone labels ("Davis", "Christmas"), and names only other scripts give are never looked
# up for Latin text (issue 19); 11: a Latin-script name one language alone gives, only through its accents
# (Frisian "Ålân" folds to "alan"), is not looked up for a name written in plain ASCII (issue 19);
# 12: GeoNames towns on the reader's place spans and the dateline (issue 19); 13: with no evidence of
# its country, a town name many towns share is no place unless the largest outnumbers the others
# tenfold; Malaysian and Indonesian honorifics, ranks and offices are titles (events/names.yaml)
FEATURES_VERSION = 13

# What follows a dateline's place at the start of a paragraph ("JAKARTA, KOMPAS.com -").
_DATELINE_END = re.compile(r"\s*(?:[-–—:]|,\s*[^\W\d_][\w.]*\s*[-–—:]|\(\w+\)\s*[-–—:])")
# The word right before an offset (only a space between) and right after one.
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*) $")
_WORD_AFTER = re.compile(r" ([^\W\d_][\w'’-]*)")
_GAP_END = re.compile(r"[\W\d_]*$")
# A dateline the reader did not tag: up to four capitalised words opening a body
# paragraph, then either written in capitals ("BEKASI -") or followed by an outlet or
# an agency ("Bekasi, Kompas.com -", "Reading (Reuters) -"); a bare "Update:" is none.
_DATELINE_HEAD = re.compile(r"[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,3}")
_DATELINE_SOURCE = re.compile(r"\s*(?:,\s*[^\W\d_][\w.]*\s*[-–—:]|\(\w+\)\s*[-–—:])")

#: Languages whose names and places come from the entity reader ("" = unknown).
ENTITY_LANGUAGES = frozenset({"en", "id", "ms", ""})
#: Characters of the body (after the headline) the features read (:func:`lead_paragraphs`):
#: names, places, numbers, terms, the date and the sequel signs all come from the
#: headline and this lead, so an article's cost no longer grows with its length.
LEAD_CHARS = 1200
#: Characters of the body past the lead read for terms and name keys only
#: (:meth:`_Reader.tail`), cut as the lead is: the most any article costs is bounded.
TAIL_CHARS = 4000
#: Characters of the body (after the headline) the entity reader reads.
ENTITY_CHARS = 1200

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_PARAGRAPHS = 3  # paragraphs after the title weighted as the lead
DATE_PARAGRAPHS = 6  # paragraphs after the title searched for the story's date

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Numbers not glued to a date, a time or a longer number. Written to open with the
# digit itself (the lookbehind then looks past it), so that the regex engine scans for
# digits in C instead of trying both alternatives at every character.
_NUMBER = re.compile(r"\d(?<![\d/.,:-]\d)(?:\d{0,2}(?:[.,]\d{3})+(?![\d/])|\d*(?:[.,]\d+)?(?![\d/:]))")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+|[:;]\s+[\"“‘]|\s[-–—]\s")
_OPENERS = "\"“‘«„(['"
_OPENER = re.compile("[" + re.escape(_OPENERS) + "]")
#: A town of fewer people than this counts only with evidence of its country (issue 19):
#: the dateline, a country the article names or its language's home country
#: (:data:`_HOME_COUNTRIES`); "Bali" in Indonesian text is the island, not a town in India.
LARGE_TOWN = 100_000
_HOME_COUNTRIES: dict[str, frozenset[str]] = {"id": frozenset({"ID"}), "ms": frozenset({"MY", "BN", "SG"})}
#: Without evidence of its country, a town's name is read as the most populous town of
#: that name only when that town has this many times the people of any other
#: (fixed a priori: an order of magnitude).
DOMINANCE = 10


def _dominant(gaz: Gazetteer, cands: list[Place]) -> Place | None:
    """The town a name means with no evidence of its country (see :data:`DOMINANCE`):
    the most populous of ``cands``, if it is a large town (or CLDR's city) and no other
    town of that name comes within a tenth of it; else ``None``."""
    if not cands:
        return None
    top = gaz.population(cands[0].id)  # None: CLDR's city, a large one
    if top is not None and top < LARGE_TOWN:
        return None
    others = [gaz.population(c.id) for c in cands[1:] if c.id != cands[0].id]
    if not others:
        return cands[0]
    if top is None:
        # CLDR's city against GeoNames towns of the same name (CLDR names the world's
        # large cities): it wins unless another CLDR city shares the name.
        return cands[0] if all(p is not None for p in others) else None
    return cands[0] if all(p is not None and top >= DOMINANCE * p for p in others) else None


# A word that may stand right before a town's name without making it part of a longer
# name ("Kota Bekasi", "Kabupaten Bogor", "Greater Manchester"); see _Reader._fragment.
_TOWN_OPENERS = frozenset({
    "kota", "kabupaten", "kab", "kecamatan", "kelurahan", "desa", "provinsi", "bandar", "daerah", "negeri",
    "pulau", "city", "town", "greater", "downtown", "central", "northern", "southern", "eastern", "western",
    # and directions, which also follow one ("Bekasi Timur", "Bandung Barat")
    "north", "south", "east", "west", "utara", "selatan", "timur", "barat", "tengah", "raya",
})
# Heads of a venue or a building: a place span with one ("Causeway Stadium", "Stadion
# Bukit Jalil") names no town, whatever town its words name (with _PLACE_LAST, _PLACE_FIRST).
_VENUE_LAST = frozenset({
    "stadium", "park", "arena", "hall", "centre", "center", "college", "university", "school", "hospital",
    "station", "prison", "court", "hotel", "cathedral", "church", "mosque", "palace", "club", "ground",
})
_VENUE_FIRST = frozenset({
    "stadion", "gelora", "bandara", "pelabuhan", "stasiun", "terminal", "masjid", "gereja", "hotel", "universitas",
    "kampus", "rumah", "rs", "rsud", "gedung", "istana", "lapas", "tol", "kantor", "pasar", "kompleks",
    "perumahan", "apartemen", "taman", "lapangan", "university", "lake", "mount",
})
# Prepositions that put what follows on the map ("in Moscow", "di Moskow"): a place
# after one is where things happen, not only what they are about.
_LOCATIVES: dict[str, frozenset[str]] = {
    "en": frozenset({"in", "at"}),
    "id": frozenset({"di"}),
    "ms": frozenset({"di"}),
    "de": frozenset({"in", "im"}),
    "fr": frozenset({"à", "a", "en"}),
    "es": frozenset({"en"}),
    "it": frozenset({"a", "in"}),
    "pt": frozenset({"em", "no", "na"}),
    "nl": frozenset({"in", "te"}),
}
LOCATIVE_WEIGHT = 2.0
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


@functools.cache
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    text = resources.files("newscorpus.events").joinpath("names.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return frozenset(map(fold, data["titles"])), frozenset(map(fold, data["particles"]))


_OWN_READER = read_entities


def _read_texts(texts: Sequence[str], lang: str) -> list[tuple[Entity, ...]]:
    """The entity reader's spans of each text: the library's reader reads them all in
    one call (one call per text costs a kernel call each); a reader put in place of
    this module's ``read_entities`` (a test's stub) is called per text."""
    if read_entities is _OWN_READER:
        return read_entities_many(texts, lang)
    return [read_entities(text, lang) for text in texts]


@functools.cache
def _date_names(lang: str) -> frozenset[str]:
    # Built once per language, not per article (three frozensets of every date name).
    return vocabulary(lang).names()


@functools.cache
def _locatives(lang: str) -> frozenset[str]:
    return _LOCATIVES.get(lang, frozenset()) | _LOCATIVES["en"]


@functools.cache
def stopwords(lang: str | None) -> frozenset[str]:
    """Stop words of ``lang`` (stopwords-iso), case-folded; empty when unknown."""
    if not lang or not stopwordsiso.has_lang(lang):
        return frozenset()
    return frozenset(w.casefold() for w in stopwordsiso.stopwords(lang))


@attrs.frozen
class NameMention:
    """A name an article gives, with the weight of its mentions.

    Attributes:
        display: The longest form the article writes (``Vladimir Putin``).
        keys: Folded words of that form, particles out (``("vladimir", "putin")``).
        weight: Summed mention weights (headline and lead count more).
    """

    display: str
    keys: tuple[str, ...]
    weight: float


@attrs.frozen
class Analysis:
    """What the default event builder knows of one article (its ``features``).

    Attributes:
        language: Article language, or ``""``.
        published: Publication day, if known.
        date: The story's date as far as the article tells.
        title: Headline (for the event's representative title).
        entities: Language-independent keys (name words, ``@place``, ``#number``)
            to weight.
        terms: Content-word stems of the article's language to weight.
        names: Names that are not places, heaviest first.
        places: Place ids to weight, heaviest first.
        dateline: Place id of the dateline, if the gazetteer knows it.
        sequel: The headline or first paragraph carries a sequel cue
            (:func:`sequel_cue`).
        newest: The latest day the lead names, when later than ``date.day``
            (:func:`newest_day`), else ``None``.
    """

    language: str
    published: dt.date | None
    date: ArticleDate
    title: str
    entities: dict[str, float]
    terms: dict[str, float]
    names: tuple[NameMention, ...]
    places: tuple[tuple[str, float], ...]
    dateline: str | None = None
    sequel: bool = False
    newest: dt.date | None = None

    def to_data(self) -> dict[str, Any]:
        """Compact JSON form (what :meth:`DefaultEventBuilder.features` returns)."""
        return {
            "v": FEATURES_VERSION,
            "lang": self.language,
            "pub": self.published.isoformat() if self.published else None,
            "date": self.date.to_data(),
            "title": self.title,
            "ent": _pack(self.entities),
            "term": _pack(self.terms),
            "names": [[n.display, list(n.keys), round(n.weight, 3)] for n in self.names],
            "places": [[p, round(w, 3)] for p, w in self.places],
            "dl": self.dateline,
            "sq": int(self.sequel),
            "nw": self.newest.isoformat() if self.newest else None,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Analysis:
        """Inverse of :meth:`to_data`."""
        return cls(
            language=data["lang"],
            published=dt.date.fromisoformat(data["pub"]) if data["pub"] else None,
            date=ArticleDate.from_data(data["date"]),
            title=data["title"],
            entities=_unpack(data["ent"]),
            terms=_unpack(data["term"]),
            names=tuple(NameMention(d, tuple(k), w) for d, k, w in data["names"]),
            places=tuple((p, w) for p, w in data["places"]),
            dateline=data.get("dl"),
            sequel=bool(data.get("sq")),
            newest=dt.date.fromisoformat(data["nw"]) if data.get("nw") else None,
        )


def _pack(weights: dict[str, float]) -> str:
    # One string, "key weight key weight ...", instead of a JSON object: a few
    # hundred bytes per article where a dict of floats takes kilobytes, both on
    # disk and in the memory of whoever holds every article's features.
    # f"{v:.3f}" rounds as round(v, 3) does; stripped, it is the shortest form of
    # that value (and twice as fast as repr(round(...))).
    if _SPACE.search("\x00".join(weights)) is not None:  # a key with whitespace (\s: str.split's set)
        return " ".join(f"{'_'.join(k.split())} {f'{v:.3f}'.rstrip('0').rstrip('.')}" for k, v in weights.items())
    # Positive weights are remembered by value (an article's weights take few values:
    # ~30 over 2,000 articles); the others are formatted each time (0.0 and -0.0 are
    # one key but are written differently).
    text = _weight_text
    return " ".join([f"{k} {text(v) if v > 0 else f'{v:.3f}'.rstrip('0').rstrip('.')}" for k, v in weights.items()])


_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=1 << 12)
def _weight_text(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def packed_keys(packed: str | dict[str, float]) -> list[str]:
    """The keys of a :func:`_pack` string (or dict), without parsing the weights."""
    return list(packed) if isinstance(packed, dict) else packed.split()[::2]


def _unpack(packed: str | dict[str, float]) -> dict[str, float]:
    if isinstance(packed, dict):
        return dict(packed)
    parts = packed.split()
    return {sys.intern(k): float(w) for k, w in zip(parts[::2], parts[1::2], strict=True)}


@attrs.define
class _Token:
    text: str
    start: int
    end: int
    initial: bool  # opens a sentence or a quote, or sits in a title-case headline
    word: str  # text without a possessive ending ("Putin's" -> "Putin")
    low: str  # word, case-folded


# The words of _WORD with the text between them: split() gives [gap, word, gap, ...,
# word, gap], so one C-level pass yields every word, its offsets and the gap before it.
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")


# A possessive ending ("'s") on a word of a NUL-joined list, with at least two
# characters before it (what _strip_possessive takes off: words never end in a bare
# apostrophe, _WORD needs a letter after one).
_POSSESSIVE_END = re.compile("(?<=[^\x00]{2})['’]s(?=\x00|$)")


def _lows(words: list[str]) -> list[str]:
    """Each word without its possessive ending, case-folded, in three C-level passes
    over the joined words instead of two calls per word: case folding maps each
    character on its own and NUL to itself, so folding the joined words folds each."""
    if not words:
        return []
    joined = "\x00".join(words)
    if "'s" in joined or "’s" in joined:
        joined = _POSSESSIVE_END.sub("", joined)
    return joined.casefold().split("\x00")


@functools.lru_cache(maxsize=1 << 12)  # gaps repeat (" ", ", ", ". ")
def _opens(gap: str) -> bool:
    """Whether the word after ``gap`` (the text since the previous word) opens a
    sentence or a quote. A sentence end never contains a letter, so it always lies
    inside one gap: searching the gap alone finds what a search of the whole
    paragraph finds there."""
    return gap != " " and (_SENTENCE_END.search(gap) is not None or _OPENER.search(gap) is not None)


class _Para:
    """One paragraph split into words once; a word's :class:`_Token` is built only
    when something looks at it (most words are only counted, per word type)."""

    __slots__ = ("ends", "gaps", "lows", "starts", "text", "title_case", "toks", "upper", "weight", "words")

    def __init__(self, text: str, weight: float, title_case: bool) -> None:
        parts = _WORD_SPLIT.split(text)
        offsets = list(itertools.accumulate(map(len, parts)))
        self.text = text
        self.weight = weight
        self.title_case = title_case
        self.words: list[str] = parts[1::2]
        self.gaps: list[str] = parts[0:-1:2]  # gaps[k]: the text before words[k]
        self.starts: list[int] = offsets[0:-1:2]
        self.ends: list[int] = offsets[1::2]
        self.lows: list[str] = _lows(self.words)  # _Token.low of each word
        self.upper: list[int] = []  # indices of the words that open with a capital (set by the reader)
        self.toks: dict[int, _Token] = {}

    def tok(self, k: int) -> _Token:
        """The token of word ``k``."""
        t = self.toks.get(k)
        if t is None:
            text = self.words[k]
            initial = self.title_case or k == 0 or _opens(self.gaps[k])
            word = _strip_possessive(text)
            t = self.toks[k] = _Token(text, self.starts[k], self.ends[k], initial, word, self.lows[k])
        return t


def _joins(gap: str) -> bool:
    """Whether two words separated by ``gap`` can belong to one name."""
    return gap in (" ", "-", "‑", "'", "’") or (gap.strip() == "." and len(gap) <= 2)


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _strip_possessive(word: str) -> str:
    if word[-1:] not in ("s", "'", "’"):  # most words: skip the suffix loop (hot, ~3x per token)
        return word
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def _title_case(title: str) -> bool:
    words = [w for w in _WORD.findall(title) if len(w) > 3]
    return len(words) >= 3 and sum(_is_cap(w) for w in words) >= 0.8 * len(words)


_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


@functools.lru_cache(maxsize=1 << 14)
def _number_key(text: str) -> str | None:
    # "1,200" / "1.200" group thousands; "2,5" is a decimal comma.
    value = text.replace(",", "").replace(".", "") if _GROUPED.fullmatch(text) else text.replace(",", ".")
    try:
        number = float(value)
    except ValueError:  # pragma: no cover - the regex only passes numbers
        return None
    if number < 10 or (1900 <= number <= 2100 and "." not in value):
        return None  # small counts are everywhere; years are dates, handled apart
    return "#" + (str(int(number)) if number.is_integer() else f"{number:g}")


# A short lower-case particle glued by a hyphen before a name ("al-" in "al-Sharaa").
_GLUED = re.compile(r"(?:^|(?<=\s))([a-z]{1,3})[-‑]$")


# -- which reader spans are participants (issue 19) -------------------------------------
# fmt: off
# Classes of names that are not actors, each told by its head noun (the last word,
# or the first word of a place written head first) or by where the name stands.
#: A work before its title ("the reality TV show The Osbournes", "the game Manhunt",
#: "lagu Bento"): a name right after one of these nouns is the work's title.
_WORK_NOUNS = frozenset({
    "film", "films", "movie", "album", "single", "song", "track", "show", "series", "sitcom", "programme",
    "program", "documentary", "drama", "game", "novel", "book", "play", "musical", "opera", "ballad",
    "lagu", "filem", "sinetron", "buku", "permainan", "rancangan", "siri",
})
#: Last words of a law or a bill ("Crossrail Link Bill", "Terrorism Act"): a work.
_LAW_HEADS = frozenset({"bill", "act"})
#: Last words of an event ("Commonwealth Games", "MTV Europe Awards", "Davis Cup").
_EVENT_HEADS = frozenset({
    "games", "olympics", "awards", "award", "prize", "prizes", "cup", "championship", "championships",
    "tournament", "festival", "marathon", "grand prix", "summit", "trophy",
})
#: Heads of a geographic feature or a thoroughfare: last words ("Canary Wharf", "Oxford
#: Street") or, as several languages write them, first words ("River Thames", "Sungai Musi").
_PLACE_LAST = frozenset({
    "river", "lake", "sea", "ocean", "island", "islands", "bay", "gulf", "strait", "valley", "mountain",
    "mountains", "street", "road", "avenue", "lane", "square", "bridge", "wharf", "airport", "canal",
})
_PLACE_FIRST = frozenset({
    "river", "lake", "mount", "mt", "sungai", "danau", "gunung", "pulau", "selat", "teluk", "jalan", "jl",
})
#: Demonyms of continents and regions, which the gazetteer (countries and cities) lacks.
_REGION_DEMONYMS = frozenset({"european", "american", "asian", "african", "arab", "latino", "westerner"})
#: Words that join the words of one organisation's name ("Securities and Exchange
#: Commission", "Office for National Statistics", "Bank of England").
_NAME_JOINERS = frozenset({"and", "of", "for", "&"})
_ARTICLES = frozenset({"the", "a", "an"})
_BRACKET_ACRONYM = re.compile(r"\s*\((\w{2,8})\)")
# Quotation marks around a title ("the game "Manhunt"", "lagu 'Bento'").
_QUOTE_OPEN = "\"“‘'«„"
_QUOTE_CLOSE = "\"”’'»“"
# fmt: on


@functools.cache
def _role_words() -> frozenset[str]:
    """One-word role nouns of the credit parser (``credit_roles.yaml``: producer,
    reporter, photographer, wartawan, ...): before a person's name they are a role
    ("Producer Mel Gibson"), not part of the name."""
    from ..parsers.furniture import credit_roles

    return frozenset(fold(w) for w in credit_roles() if " " not in w)


class _Reader:
    """Reads the names, places, numbers and terms of one article."""

    def __init__(
        self, lang: str, exclude: Iterable[str], stem: int, place_weight: float, entity_chars: int | None
    ) -> None:
        self.lang = lang
        self.entity_chars = entity_chars
        self.gaz = gazetteer()
        self.titles, self.particles = _word_lists()
        self.stop = stopwords(lang)
        self.date_names = _date_names(lang)
        self.exclude = {fold(e) for e in exclude if e}
        self.stem = stem
        self.place_weight = place_weight
        self.locatives = _locatives(lang)
        self.entities: dict[str, float] = collections.defaultdict(float)
        self.terms: dict[str, float] = collections.defaultdict(float)
        self._term_lows: list[str] = []  # words whose terms count_terms adds (once per weight unit)
        self.places: dict[str, float] = collections.defaultdict(float)
        self.mentions: list[tuple[str, tuple[str, ...], float]] = []
        # Towns found on place spans, placed once the article's countries are known
        # (resolve_towns): (folded name, weight, locative, at the dateline, needs its country).
        self.towns: list[tuple[str, float, bool, bool, bool]] = []
        self._found: Sequence[tuple[Any, tuple[Entity, ...]]] = ()  # the reader's spans per paragraph (set by read)
        self._person_words: set[str] | None = None  # their person spans' words, built when first asked for
        self.lower_seen: set[str] = set()  # words the lead writes in lower case (set by read)
        self.unspaced = False  # the text is written without spaces (set by read)
        # The reader's spans of the paragraph read and its word starts; the words of
        # those spans with their kind, built when first asked for (_span_kind).
        self._here: tuple[tuple[Entity, ...], list[int]] = ((), [])
        self._span_words: dict[int, str] | None = None
        self._read_text = ""  # the texts the reader read (headline and lead)

    # -- names and places ---------------------------------------------------------
    def read(self, paragraphs: list[tuple[str, float]], title_case_title: bool) -> None:
        paras: list[_Para] = []
        for i, (para, weight) in enumerate(paragraphs):
            # Title-case lines: the headline, and short subheadings inside the body.
            title_case = title_case_title if i == 0 else (len(para) < 90 and _title_case(para))
            paras.append(_Para(para, weight, title_case))
        # What the article writes in lower case, and how often it capitalises a
        # word: counted per word type, not per token.
        lower_seen: set[str] = set()
        self.cap_count: collections.Counter[str] = collections.Counter()
        self.cap_seen: set[str] = set()  # capitalised where capitals mean a name
        for p in paras:
            words, gaps, lows = p.words, p.gaps, p.lows
            firsts = "".join(map(operator.itemgetter(0), words))  # C-level passes over the first letters
            lower = list(map(str.islower, firsts))
            lower_seen.update(itertools.compress(lows, lower))
            capped = list(itertools.compress(range(len(words)), map(operator.not_, lower)))
            self.cap_count.update(map(lows.__getitem__, capped))
            p.upper = list(itertools.compress(range(len(words)), map(str.isupper, firsts)))  # a subset of capped
            if not p.title_case:
                self.cap_seen.update(lows[k] for k in capped if k and not _opens(gaps[k]))
        self.has_body = len(paragraphs) > 1
        self.lower_seen = lower_seen
        self.unspaced = unspaced = bool(_UNSPACED.search("".join(p for p, _w in paragraphs[:2])))
        model = self.entity_chars is not None and not unspaced and self.lang in ENTITY_LANGUAGES
        placed = self._entities(paras, title_case_title, lower_seen) if model else {}
        for n, p in enumerate(paras):
            # With the reader, capitalised runs still give matching keys (recall:
            # the reader misses names the runs catch), never participants or places.
            self._names(p, lower_seen, placed.get(n, set()) if model else None)
            self._numbers(p.text, p.weight)
            if unspaced:
                self._unspaced(p.text, p.weight)
            else:
                self._terms(p)

    # -- names and places from the entity reader -----------------------------------------
    def _entities(self, paras: list[_Para], title_case_title: bool, lower_seen: set[str]) -> dict[int, set[int]]:
        """Participants and places from the reader; returns, per paragraph, the
        tokens read as places (the runs skip them). A one-word person or
        organisation the article also writes in lower case ("Gold", "City") is a
        common word."""
        # The first paragraph (the headline) whole, then the lead of the rest.
        texts = [paras[0].text, *lead_paragraphs([p.text for p in paras[1:]], self.entity_chars)] if paras else []
        self._read_text = "\n".join(texts)
        found: list[tuple[_Para, tuple[Entity, ...]]] = list(
            zip(paras, _read_texts(texts[: len(paras)], self.lang), strict=False)
        )
        if title_case_title and len(found) > 1:
            body_words = {w for _p, ents in found[1:] for e in ents for w in fold(e.text).split()}
            p, ents = found[0]
            found[0] = (p, tuple(e for e in ents if set(fold(e.text).split()) & body_words))
        placed: dict[int, set[int]] = {}
        self._found, self._person_words = found, None
        for n, (p, ents) in enumerate(found):
            para, weight, starts = p.text, p.weight, p.starts
            inside: set[int] = set()
            placed[n] = set()
            self._here = (ents, starts)
            self._span_words = None
            if n > 0 and para[:1].isupper() and not (ents and ents[0].start == 0):
                self._untagged_dateline(p, placed[n], inside)
            k = 0
            for e in ents:
                kind = e.kind
                at_dateline = n > 0 and e.start == 0 and _DATELINE_END.match(para, e.end) is not None
                if at_dateline:
                    kind = "LOC"  # "MOSCOW -", "KUALA LUMPUR:": a dateline names a place
                # The span's tokens: from the first starting at or after its start to
                # the last starting before its end ("Qatar's": the span ends before "'s").
                k = bisect.bisect_left(starts, e.start, k)
                j = bisect.bisect_left(starts, e.end, k)
                first = k  # index of run[0]
                run = [p.tok(x) for x in range(k, j)]
                inside.update(range(k, j))
                while run and self._not_name(run[-1]):
                    run = run[:-1]
                titled = False
                while run:  # "Qatar Sheikh Tamim ...": a title or (before a person) a place opens it
                    if self._not_name(run[0]):
                        run, titled, first = run[1:], True, first + 1
                        continue
                    lead = None
                    # A place after a title ("Presiden Rusia Vladimir Putin", "Emir Qatar")
                    # or before one ("Qatar Sheikh Tamim"); "Chad Smith" stays a name.
                    if kind == "PER" and (titled or (len(run) > 1 and self._not_name(run[1]))):
                        lead = self._own_name(run[0].word) or (
                            self.gaz.lookup_demonym(run[0].word) if self.lang in ("en", "") else None
                        )
                    if lead is None or lead.kind == "organisation":
                        break
                    self._place(lead, weight)
                    placed[n].add(first)
                    run, first = run[1:], first + 1
                if not run:
                    continue
                if kind == "PER" and len(run) > 1 and self._role_word(run[0]):
                    run, first = run[1:], first + 1  # "Producer Mel Gibson": a role opens it
                # In English only: Indonesian and Malay capitalise roles and offices
                # ("Pengerusi PN", "Ketua Polis"), so a capital there says less.
                if kind == "ORG" and self.lang == "en" and not p.title_case:
                    # "Exchange Commission" -> "Securities and Exchange Commission"
                    ext = self._extend_left(p, first, first + len(run) - 1)
                    if ext < first:
                        run = [p.tok(x) for x in range(ext, first)] + run
                        inside.update(range(ext, first))
                        first = ext
                if kind != "LOC" and self._country(run, kind):
                    kind = "LOC"  # "Britain", "Czechs", "the UK" read as actors: countries are places
                if kind == "LOC":
                    placed[n].update(range(k, j))
                    # a place span: no demonym rule; towns looked up unless it names a feature or venue
                    self._run(para, run, weight, mention=False, towns=not self._venue(run), dateline=at_dateline)
                    continue
                if self._not_actor(p, run, first):
                    continue  # a work, an event or a place read as a person or organisation
                place = self.gaz.lookup(e.text)
                if place is not None and place.kind == "organisation":  # EU, UN: one key across languages
                    self._place(place, weight)
                elif not (len(run) == 1 and run[0].low in lower_seen and not run[0].word.isupper()):
                    self._segment(para, run, list(range(len(run))), weight, add_keys=False)  # runs give keys
            for idx in p.upper if self.lang in ("en", "") else ():  # "Russian troops": English demonyms
                if idx not in inside:
                    word = _strip_possessive(p.words[idx])
                    if len(word) >= 5:
                        demonym = self.gaz.lookup_demonym(word)
                        if demonym is not None:
                            self._place(demonym, weight)
                            placed[n].add(idx)
        return placed

    def _untagged_dateline(self, p: _Para, placed: set[int], inside: set[int]) -> None:
        """A dateline the reader did not tag ("BEKASI, KOMPAS.com -"): its words are
        looked up as a place span's are, as the dateline (see :data:`_DATELINE_HEAD`)."""
        m = _DATELINE_HEAD.match(p.text)
        if m is None or not (
            _DATELINE_SOURCE.match(p.text, m.end()) or (m.group().isupper() and _DATELINE_END.match(p.text, m.end()))
        ):
            return
        j = bisect.bisect_left(p.starts, m.end())
        if not j:
            return
        placed.update(range(j))
        inside.update(range(j))
        self._run(p.text, [p.tok(x) for x in range(j)], p.weight, mention=False, towns=True, dateline=True)

    def _own_name(self, name: str) -> Place | None:
        # A place as the article's language or English writes it: the folded
        # all-language table also holds "Alan" (Åland somewhere), which must not
        # turn "Secretary Alan Milburn" or a lone "Alan" into a place.
        return self.gaz.raw_lookup(self.lang, name) or self.gaz.raw_lookup("en", name)

    def _country(self, run: list[_Token], kind: str) -> bool:
        # A person span only by the name its own language or English gives a country
        # ("Alan" is no Åland); an organisation span ("Britain" acting) by any.
        name = " ".join(t.word for t in run)
        place = self._own_name(name) if kind == "PER" else self.gaz.lookup(name)
        place = place or (self.gaz.lookup_demonym(name) if len(run) == 1 and self.lang in ("en", "") else None)
        return place is not None and place.kind == "country"

    def _not_name(self, tok: _Token) -> bool:
        key = fold(tok.word)
        return not key or key in self.titles or key in self.date_names

    def _role_word(self, tok: _Token) -> bool:
        """Whether ``tok``, opening a person span, is a role and not a name: a role
        noun of the credit parser, or a word capitalised only because it opens a
        sentence (the article writes it in lower case elsewhere: "Rapper Eminem")."""
        if tok.word.isupper():
            return False
        return fold(tok.word) in _role_words() or (tok.initial and tok.low in self.lower_seen)

    def _extend_left(self, p: _Para, first: int, last: int) -> int:
        """The first word of the longer name an organisation span is the end of: the
        capitalised words (and ``of``/``for``/``and`` between them) written right
        before it in the same sentence, mid-sentence capitals being part of a name
        ("the Securities and Exchange Commission", "the Office for National
        Statistics", "the World Anti-Doping Agency"). Not over a possessive, a title,
        a weekday or month, a stop word, a word that opens a sentence and is written
        in lower case elsewhere, nor over ``and`` to another name the reader found
        ("Microsoft and Google" are two)."""
        start = x = first
        while x > 0 and p.gaps[x] == " ":
            tok = p.tok(x - 1)
            if tok.low in _NAME_JOINERS:
                if x - 1 == 0 or p.gaps[x - 1] != " ":
                    break
                before = p.tok(x - 2)
                if (
                    not self._name_word(before)
                    or before.initial  # "Bosses of Deutsche Boerse"
                    or self._span_kind(x - 2) == "PER"
                    # "Microsoft and Yahoo" are two: over "and" only to a span of two or
                    # more words from a word no span of the reader holds ("Securities and
                    # Exchange Commission"), or when the article's own acronym spells the
                    # whole ("the Health and Safety Executive (HSE)")
                    or (
                        tok.low in ("and", "&")
                        and (self._span_kind(x - 2) is not None or last - first < 1)
                        and not self._acronym(p, x - 2, last)
                    )
                    or self._apart(p, x - 2, x, last)
                ):
                    break
                x -= 2
                start = x
                continue
            if not self._name_word(tok) or self._span_kind(x - 1) == "PER":
                break
            x -= 1
            start = x
        return start

    def _acronym(self, p: _Para, left: int, last: int) -> bool:
        """Whether words ``left`` to ``last`` are followed by a bracketed acronym of
        their capitalised words ("Securities and Exchange Commission (SEC)")."""
        m = _BRACKET_ACRONYM.match(p.text, p.ends[last])
        if m is None:
            return False
        initials = "".join(w[0] for w in p.words[left : last + 1] if w[:1].isupper())
        return m.group(1).casefold() == initials.casefold()

    def _span_kind(self, x: int) -> str | None:
        """The kind of the reader's span word ``x`` of the paragraph read is in, if any."""
        if self._span_words is None:
            ents, starts = self._here
            self._span_words = {
                k: e.kind
                for e in ents
                for k in range(bisect.bisect_left(starts, e.start), bisect.bisect_left(starts, e.end))
            }
        return self._span_words.get(x)

    def _apart(self, p: _Para, left: int, right: int, last: int) -> bool:
        """Whether the words before a joiner (``left``) or the name after it
        (``right`` to ``last``) stand alone elsewhere in what the reader read more
        often than the whole (``left`` to ``last``): then they are two names
        ("Kostas Kenteris and Katerina Thanou ... Kenteris"), not one."""
        whole = p.text[p.starts[left] : p.ends[last]]
        n = self._read_text.count(whole)
        return (
            self._read_text.count(p.text[p.starts[left] : p.ends[right - 2]]) > n
            or self._read_text.count(p.text[p.starts[right] : p.ends[last]]) > n
        )

    def _name_word(self, tok: _Token) -> bool:
        # A word that can continue a name leftwards (see _extend_left).
        word = tok.word
        if not word[:1].isupper() or word != tok.text:  # lower case, or a possessive ("Japan's")
            return False
        key = fold(word)
        if not key or key in self.titles or key in self.date_names or key in self.particles:
            return False
        # Mid-sentence, a capital says name even on a stop word ("the Home Office",
        # "the World Anti-Doping Agency"); an article never belongs to one.
        return not (key in _ARTICLES or (tok.initial and (tok.low in self.stop or tok.low in self.lower_seen)))

    def _not_actor(self, p: _Para, run: list[_Token], first: int) -> bool:
        """Whether a person or organisation span names no actor: a work (the title
        after a work noun or inside quotation marks, a law), an event, a geographic
        feature or street, or a plural demonym ("Czechs", "Europeans")."""
        words = [fold(t.word) for t in run]
        last = words[-1]
        if len(run) > 1 and (
            last in _LAW_HEADS
            or last in _EVENT_HEADS
            or " ".join(words[-2:]) in _EVENT_HEADS
            or last in _PLACE_LAST
            or words[0] in _PLACE_FIRST
        ):
            return True  # "Crossrail Link Bill", "Commonwealth Games", "River Thames"
        k = first - 1
        if k > 0 and p.lows[k] in _ARTICLES and p.gaps[k] == " ":
            k -= 1  # "show The Osbournes": the reader's span lost its "The"
        if k >= 0 and p.gaps[k + 1].strip() in ("", ":") and p.lows[k] in _WORK_NOUNS:
            return True  # "the game Manhunt", "the reality TV show The Osbournes"
        text = p.text
        i, j = run[0].start, run[-1].end
        while i > 0 and text[i - 1] == " ":
            i -= 1
        while j < len(text) and text[j] == " ":
            j += 1
        if i > 0 and j < len(text) and text[i - 1] in _QUOTE_OPEN and text[j] in _QUOTE_CLOSE:
            return True  # a quoted title
        if len(run) == 1 and last.endswith("s") and len(last) > 4 and run[0].word[:1].isupper():
            single = last[:-1]
            if single in _REGION_DEMONYMS or self.gaz.lookup_demonym(single) is not None:
                return True  # "Czechs", "Europeans": peoples, not actors
        return False

    def _name_token(self, tok: _Token, lower_seen: set[str]) -> bool:
        word = tok.word
        if not word[:1].isupper():  # most words: no fold needed
            return False
        key = fold(word)
        if (
            not key
            or key in self.titles
            or key in self.date_names
            or key in self.particles
        ):
            return False
        if word.isupper() and len(word) >= 2:
            return True  # acronyms and shouted datelines: NATO, SANA, MOSCOW
        low = tok.low
        if low in self.stop or len(key) < 2:
            return False
        return not (tok.initial and low in lower_seen)

    def _names(self, p: _Para, lower_seen: set[str], placed: set[int] | None = None) -> None:
        """Capitalised runs: names and places, or (``placed`` given: the entity
        reader ran) matching keys only, the tokens in ``placed`` left out."""
        upper = p.upper
        if not upper:
            return
        para, weight, gaps, n = p.text, p.weight, p.gaps, len(p.words)
        run: list[_Token] = []
        particles = self.particles
        keys_only = placed is not None
        # Only a capitalised word, or any word while a run is open, can change the
        # run: the others (most words) are never looked at.
        i = upper[0]
        while True:
            if keys_only and i in placed:  # type: ignore[operator]
                if run:
                    self._run(para, run, weight, not keys_only, keys_only)
                run = []
            else:
                tok = p.tok(i)
                if run and not _joins(gaps[i]):  # gaps[i]: the text after run[-1], word i - 1
                    self._run(para, run, weight, not keys_only, keys_only)
                    run = []
                if self._name_token(tok, lower_seen) or (  # a name word, or a particle between two
                    run
                    and fold(tok.text) in particles
                    and i + 1 < n
                    and _joins(gaps[i + 1])
                    and self._name_token(p.tok(i + 1), lower_seen)
                ):
                    run.append(tok)
                elif run:
                    self._run(para, run, weight, not keys_only, keys_only)
                    run = []
            if run:  # the next word, whatever its case
                i += 1
                if i == n:
                    break
            else:  # the next capitalised word
                nxt = bisect.bisect_right(upper, i)
                if nxt == len(upper):
                    break
                i = upper[nxt]
        if run:
            self._run(para, run, weight, not keys_only, keys_only)

    def _run(
        self,
        para: str,
        run: list[_Token],
        weight: float,
        mention: bool = True,
        keys_only: bool = False,
        towns: bool = False,
        dateline: bool = False,
    ) -> None:
        """A run of name words: places looked up (unless ``keys_only``), the rest names.
        ``towns``: the run is a place span (or the dateline), where towns are looked up too."""
        if keys_only:
            self._segment(para, run, list(range(len(run))), weight, mention=False)
            return
        # Callers pass non-empty runs only (the check is theirs: once per word).
        words = [fold(t.word) for t in run]
        i = 0
        segment: list[int] = []
        while i < len(run):
            if towns:
                place, width, town = self._span_place_at(words, i)
            else:
                (place, width), town = self._place_at(run, words, i, demonyms=mention), None
            if place is not None or town is not None:
                before = para[: run[i].start].rstrip().rsplit(None, 1)
                locative = bool(before) and before[-1].casefold() in self.locatives
                if town is not None:
                    if not dateline and (self._fragment(para, run, i, width) or self._not_town(town, run[i], width)):
                        # part of a longer name ("New York", "Wang Liping"), a person's name or a word
                        segment.extend(range(i, i + width))
                        i += width
                        continue
                    needs_country = not dateline and self._common_town(town, run[i], width)
                    self.towns.append((town, weight, locative, dateline, needs_country))
                    if needs_country:  # a word unless the article names the town's country: its keys stay
                        segment.extend(range(i, i + width))
                        i += width
                        continue
                self._segment(para, run, segment, weight, mention)
                segment = []
                if place is not None:
                    self._place(place, weight, locative)
                i += width
            else:
                segment.append(i)
                i += 1
        self._segment(para, run, segment, weight, mention)

    def _span_place_at(self, words: list[str], i: int) -> tuple[Place | None, int, str | None]:
        """On a place span: the longest name from word ``i`` that CLDR or, failing it,
        the towns know, as (CLDR place, width, town key)."""
        gaz = self.gaz
        for width in range(min(max(gaz.max_words, gaz.town_max_words), len(words) - i), 0, -1):
            name = " ".join(words[i : i + width])
            if not name:
                continue
            place = gaz.lookup(name) if width <= gaz.max_words else None
            if place is not None:
                return place, width, None
            if name in gaz.town_names:
                return None, width, name
        return None, 1, None

    def _venue(self, run: list[_Token]) -> bool:
        """Whether a place span names a geographic feature, a street or a venue
        ("Lansdowne Road", "Causeway Stadium", "Stadion Bukit Jalil"), not a town."""
        if len(run) < 2:
            return False
        first, last = fold(run[0].word), fold(run[-1].word)
        return last in _PLACE_LAST or last in _VENUE_LAST or first in _PLACE_FIRST or first in _VENUE_FIRST

    def _fragment(self, para: str, run: list[_Token], i: int, width: int) -> bool:
        """Whether a town's words are the cut of a longer name: right after or right
        before a capitalised word outside the span ("New | York", "Wang | Liping",
        "Leicester | City", "St | Mary's", "Gubernur | Bengkulu"), unless that word is a
        weekday or month, an administrative word (:data:`_TOWN_OPENERS`: "Kota Bekasi")
        or a stop word capitalised because it opens the sentence ("Di Bekasi")."""
        if i > 0 and self._joined(run[i - 1].word, False):
            return True  # inside the span: "Metro | Bekasi" (but "Kota Bekasi")
        if i + width < len(run) and self._joined(run[i + width].word, False):
            return True  # "Virginia | Madsen" read as one place span (but "Bekasi Timur")
        if i == 0:
            start = run[0].start
            m = _WORD_BEFORE.search(para[max(0, start - 40) : start])
            if m is not None:
                before = para[: start - len(m.group())]
                gap = _GAP_END.search(before[-12:])
                opens = not before.strip() or (gap is not None and _opens(gap.group()))
                if self._joined(m.group(1), opens):
                    return True
        if i + width == len(run):
            m = _WORD_AFTER.match(para, run[-1].end)
            if m is not None and self._joined(m.group(1), False):
                return True
        return False

    def _joined(self, word: str, opens: bool) -> bool:
        # A capitalised neighbour that makes a town's name part of a longer name.
        if not word[:1].isupper():
            return False
        key = fold(word)
        return not (
            key in _TOWN_OPENERS
            or key in self.date_names
            or (opens and word.casefold() in self.stop)
        )

    def _not_town(self, key: str, tok: _Token, width: int) -> bool:
        """Whether one word on a place span is, by the article's own evidence, no town:
        it writes the word in lower case ("sakura") or in a person's name ("Gordon
        Hayward", "Virginia Madsen", "Alicia Markova")."""
        if width > 1:
            return False
        if self._person_words is None:
            self._person_words = {
                w for _p, ents in self._found for e in ents if e.kind == "PER" for w in fold(e.text).split()
            }
        return tok.low in self.lower_seen or key in self._person_words

    def _common_town(self, key: str, tok: _Token, width: int) -> bool:
        """Whether a town name needs more evidence than a place span: one word that is
        an ordinary word of the language (``places.town_words``: ``Reading``, ``Batu``;
        a stop word)."""
        return width == 1 and (key in town_words() or tok.low in self.stop)

    def resolve_towns(self, dateline: Place | None) -> None:
        """Places the towns found (:meth:`_run`): a name several towns share goes to
        the dateline's country, then to a country the article names (a CLDR place it
        names, or a town placed before it), then to the most populous if it dominates
        (:func:`_dominant`); a town that needs its country (:meth:`_common_town`)
        counts only when one of those is its country."""
        if not self.towns:
            return
        gaz = self.gaz
        home = _HOME_COUNTRIES.get(self.lang, frozenset())
        named = self.named_countries()
        first: list[str] = [dateline.country] if dateline is not None else []
        # Datelines first (they set the country), then the towns that need no country
        # (each adds its own), then those that do.
        mentions = sorted(self.towns, key=lambda t: (not t[3], t[4]))
        for key, weight, locative, at_dateline, needs_country in mentions:
            cands = [c for i in gaz.town_candidates(key) if (c := gaz.place(i)) is not None]
            pick = next((c for c in cands if c.country in first), None) or next(
                (c for c in cands if c.country in named), None
            )
            # No evidence: the most populous, if it is a large town (or CLDR's city) that
            # outnumbers every other town of that name tenfold (a name many places share
            # is not guessed: "Valencia" without Spain or Venezuela named is no place),
            # and never abroad in a language with home countries (Indonesian "Bali").
            if pick is None and not needs_country and not home:
                pick = _dominant(gaz, cands)
            if pick is None:
                continue
            if at_dateline and pick.country not in first:
                first.append(pick.country)
            named.add(pick.country)
            self._place(pick, weight, locative)
        self.towns = []

    def named_countries(self) -> set[str]:
        """The countries of the places read so far, and the language's home countries."""
        named = {known.country for pid in self.places if (known := self.gaz.place(pid)) is not None}
        return named | _HOME_COUNTRIES.get(self.lang, frozenset())

    def _lone_word(self, tok: _Token) -> bool:
        # One capitalised word opening a sentence or in a title-case line, seen once
        # and nowhere else capitalised: more likely a word than a name.
        low = tok.low
        return (
            tok.initial
            and self.has_body
            and not tok.text.isupper()
            and low not in self.cap_seen
            and self.cap_count[low] < 2
        )

    def _place_at(
        self, run: list[_Token], words: list[str], i: int, demonyms: bool = True
    ) -> tuple[Place | None, int]:
        for width in range(min(self.gaz.max_words, len(run) - i), 0, -1):
            name = " ".join(words[i : i + width])
            place = self.gaz.lookup(name) if name else None
            if place is not None:
                return place, width
        if demonyms and len(run) - i >= 1:
            demonym = self.gaz.lookup_demonym(words[i])
            if demonym is not None:
                return demonym, 1
        return None, 1

    def _place(self, place: Place, weight: float, locative: bool = False) -> None:
        if place.kind == "organisation":
            self.entities["@" + place.id] += weight
            self.mentions.append((self.gaz.display(place.id), ("@" + place.id,), weight))
            return
        self.places[place.id] += weight * (LOCATIVE_WEIGHT if locative else 1.0)
        self.entities["@" + place.id] += self.place_weight * weight
        if place.kind == "city" and place.country != place.id:
            self.places[place.country] += 0.5 * weight
            self.entities["@" + place.country] += 0.5 * self.place_weight * weight

    def _segment(
        self, para: str, run: list[_Token], idx: list[int], weight: float, mention: bool = True, add_keys: bool = True
    ) -> None:
        while idx and fold(run[idx[0]].text) in self.particles:
            idx = idx[1:]
        while idx and fold(run[idx[-1]].text) in self.particles:
            idx = idx[:-1]
        if not idx:
            return
        if len(idx) == 1 and self._lone_word(run[idx[0]]):
            return
        first, last = run[idx[0]], run[idx[-1]]
        start = first.start
        # "al-Sharaa": keep a particle glued to the name by a hyphen in the display.
        m = _GLUED.search(para[max(0, start - 5) : start]) if para[start - 1 : start] in ("-", "‑") else None
        if m and fold(m.group(1)) in self.particles:
            start -= len(m.group(0))
        display = _strip_possessive(para[start : last.end]).strip(" -‑")
        keys = tuple(
            k
            for k in (fold(run[j].word) for j in idx)
            if k and k not in self.particles and len(k) >= 2
        )
        if not keys or fold(display) in self.exclude or any(k in self.exclude for k in keys):
            return
        if len(keys) == 1 and agency_name(display) is not None:
            return  # "cited by Reuters and AFP": a wire agency reports, it does not act
        if add_keys:
            for k in keys:
                self.entities[k] += weight
        if mention:
            self.mentions.append((display, keys, weight))

    def _unspaced(self, para: str, weight: float) -> None:
        pattern = self.gaz.unspaced_pattern(self.lang)
        if pattern is not None:
            for m in pattern.finditer(para):
                place = self.gaz.raw_lookup(self.lang, m.group())
                if place is not None:
                    self._place(place, weight)
        chars = [c for c in para if _UNSPACED.match(c)]
        for a, b in itertools.pairwise(chars):
            self.terms[a + b] += weight

    # -- numbers and terms -------------------------------------------------------
    def _numbers(self, para: str, weight: float) -> None:
        if _DIGIT.search(para) is None:  # most paragraphs: one scan in C
            return
        for m in _NUMBER.finditer(para):
            key = _number_key(m.group())
            if key:
                self.entities[key] += 0.5 * weight

    def _terms(self, p: _Para) -> None:
        weight = p.weight
        if weight > 0 and float(weight).is_integer():
            # Counted once for the article (count_terms): a word of weight w counted w
            # times, the same whole-number sum as weight * count per paragraph.
            self._term_lows += p.lows * int(weight)
        else:
            self._count_terms(collections.Counter(p.lows), weight)

    def count_terms(self) -> None:
        """Add the terms of the words the lead and the tail left to count, in one pass
        per word type for the whole article rather than one per paragraph."""
        if self._term_lows:
            self._count_terms(collections.Counter(self._term_lows), 1.0)
            self._term_lows = []

    def _count_terms(self, counts: collections.Counter[str], weight: float) -> None:
        # Per folded word type: the weights are whole numbers, so weight * count is
        # exactly the sum the tokens one by one would give, in any order.
        stop, terms, stem = self.stop, self.terms, self.stem
        # NUL is a starter that composes with nothing: if the joined words are NFC,
        # so is each word (one C-level check instead of one call per word).
        nfc = unicodedata.is_normalized("NFC", "\x00".join(counts))
        for low, count in counts.items():
            if len(low) >= 3 and low not in stop:
                terms[(low if nfc else unicodedata.normalize("NFC", low))[:stem]] += weight * count

    # -- the body past the lead ---------------------------------------------------------
    def tail(self, text: str) -> None:
        """The body past the lead, in one pass per word type rather than per token:
        its content words add terms and its capitalised words name keys, at body
        weight. Nothing else: no participants, places, numbers or dates.

        A capitalised word is a key unless the article also writes it in lower case
        (a sentence opener such as "Officials"), it is a stop word, a title, a
        weekday or month name, a particle, or the outlet's or an author's name. Its
        keys are one word each, as the capitalised runs of the lead give them. They
        keep apart same-kind events whose leads read alike (two DUI arrests of two
        players): the people and teams a story names past its lead.
        """
        if self.unspaced:
            return
        words = _WORD.findall(text)
        lows = _lows(words)
        self._term_lows += lows  # counted by count_terms, at body weight
        firsts = "".join(map(operator.itemgetter(0), words))  # C-level passes from here on
        capped = collections.Counter(itertools.compress(lows, map(str.isupper, firsts)))
        if not capped:
            return
        lower = self.lower_seen.union(itertools.compress(lows, map(str.islower, firsts)))
        for low, n in capped.items():
            if low in lower or low in self.stop:
                continue
            key = low if low.isascii() and low.isalpha() else fold(low)  # fold of [a-z]+ is itself
            if len(key) < 2 or key in self.titles or key in self.date_names or key in self.particles:
                continue
            if key not in self.exclude:
                self.entities[key] += n

    # -- names, merged -------------------------------------------------------------
    def names(self) -> tuple[NameMention, ...]:
        # A mention whose keys are all in a longer mention's keys is that name
        # ("Putin" in "Vladimir Putin"); it goes to the heaviest such longer name.
        by_keys: dict[tuple[str, ...], list[Any]] = {}
        for display, keys, weight in self.mentions:
            entry = by_keys.setdefault(keys, [collections.Counter(), 0.0])
            entry[0][display] += 1
            entry[1] += weight
        order = sorted(by_keys, key=lambda k: (-len(k), -by_keys[k][1], k))
        merged: dict[tuple[str, ...], list[Any]] = {}
        key_sets: list[tuple[frozenset[str], tuple[str, ...]]] = []  # of merged, in insertion order
        for keys in order:
            display_counts, weight = by_keys[keys]
            own = frozenset(keys)
            targets = [m for ks, m in key_sets if own < ks]
            if targets:
                best = max(targets, key=lambda m: (merged[m][1], m))
                merged[best][1] += weight
                continue
            display = sorted(display_counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
            merged[keys] = [display, weight]
            key_sets.append((own, keys))
        out = [NameMention(d, k, w) for k, (d, w) in merged.items()]
        out.sort(key=lambda n: (-n.weight, n.display))
        return tuple(out)


# -- sequel signs ------------------------------------------------------------------------
#: Words that say a happening repeats, resumes or follows an earlier one of the same
#: storyline ("floods hit Demak again", "BI kembali turunkan", "dibuka semula"), per
#: language, case-folded. Indonesian and Malay ordinals ("kedua", "ketiga") are in
#: :data:`_ORDINALS` instead: before a noun they mean "both"/"the three" ("kedua
#: menteri"), which says nothing of a sequel.
SEQUEL_CUES: dict[str, frozenset[str]] = {
    "en": frozenset(
        {
            "again", "another", "second", "third", "return", "returns", "returned", "returning",
            "resume", "resumes", "resumed", "resuming", "renewed", "reopen", "reopens", "reopened",
            "aftershock", "aftershocks", "runoff", "rematch",
        }
    ),
    "id": frozenset({"kembali", "lagi", "susulan", "lanjutan", "ulang", "ulangan"}),
    "ms": frozenset({"kembali", "semula", "lagi", "susulan", "lanjutan", "ulang", "ulangan"}),
}
# Two-word cues the tokeniser splits ("run-off", "once more").
_SEQUEL_PAIRS: dict[str, frozenset[tuple[str, str]]] = {
    "en": frozenset({("run", "off"), ("once", "more")}),
}
_ORDINALS: dict[str, frozenset[str]] = {
    "id": frozenset({"kedua", "ketiga"}),
    "ms": frozenset({"kedua", "ketiga"}),
}
# Nouns an ordinal follows as "the second <noun>" whatever comes next ("putaran
# kedua pilpres", "kali kedua dalam sebulan").
_ORDINAL_CARRIERS = frozenset({"kali", "putaran", "pusingan", "leg", "babak", "gelombang", "tahap", "ronde", "siri"})
# Words after which "lagi" means "(no) longer", not "again": "tidak lagi dipidana".
_NEGATIONS = frozenset({"tidak", "tak", "bukan", "belum", "tiada", "takkan"})
# Words after which "ulang" is no repeat: "ulang tahun" (birthday).
_NOT_AFTER_ULANG = frozenset({"tahun"})
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]\"“”]")


@functools.cache
def _cue_screen(lang: str) -> re.Pattern[str]:
    # Any word that may start a cue: the cues, the first words of pairs, the ordinals.
    words = set(SEQUEL_CUES.get(lang, ())) | {a for a, _b in _SEQUEL_PAIRS.get(lang, ())}
    words |= _ORDINALS.get(lang, frozenset())
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def sequel_cue(text: str, lang: str | None) -> bool:
    """Whether ``text`` (a headline and first paragraph) carries a sequel cue of
    ``lang`` (:data:`SEQUEL_CUES`; languages without a list: never).

    An Indonesian or Malay ordinal counts after its noun ("putaran kedua", "banjir
    kedua dalam sebulan"), not before one ("kedua menteri", "menteri kedua negara"):
    it needs a word before it in its clause and, unless that word is a carrier such
    as "kali" or "putaran", nothing, a clause break or a stop word after it.
    """
    lang = lang or ""
    cues = SEQUEL_CUES.get(lang)
    if cues is None:
        return False
    screen = _cue_screen(lang)
    if screen.search(text) is None:  # most texts: no candidate word, one regex pass
        return False
    pairs = _SEQUEL_PAIRS.get(lang, frozenset())
    ordinals = _ORDINALS.get(lang, frozenset())
    stop = stopwords(lang)
    matches = list(_WORD.finditer(text))
    words = [m.group().casefold() for m in matches]
    for i, w in enumerate(words):
        prev = words[i - 1] if i and not _CLAUSE_BREAK.search(text, matches[i - 1].end(), matches[i].start()) else None
        nxt = (
            words[i + 1]
            if i + 1 < len(words) and not _CLAUSE_BREAK.search(text, matches[i].end(), matches[i + 1].start())
            else None
        )
        if w in cues:
            if w == "lagi" and prev in _NEGATIONS:
                continue
            if w == "ulang" and nxt in _NOT_AFTER_ULANG:
                continue
            return True
        if nxt is not None and (w, nxt) in pairs:
            return True
        if (
            w in ordinals
            and prev is not None
            and (prev in _ORDINAL_CARRIERS or (prev not in stop and (nxt is None or nxt in stop)))
        ):
            return True
    return False


#: Story days at most this many days before the publication day are not searched
#: for a newer day (the lead's first date is then close enough to the news).
NEWEST_MIN_LAG = 2


def newest_day(lead: str, lang: str | None, published: dt.date | None, story: dt.date | None) -> dt.date | None:
    """The latest day ``lead`` names, if later than the story's day ``story``.

    A sequel's lead often opens on the earlier happening it follows ("the rice deal
    signed in Hanoi on 10 June") and names its own day later ("Bulog said on Friday
    (20/6/2025)"); the story's date (:func:`~newscorpus.events.dates.article_date`,
    the first resolvable mention) is then the earlier one. Mentions resolve as
    there: explicit dates within ``EXPLICIT_WINDOW`` of ``published``, weekdays to
    the past six days, "yesterday"/"today" by offset; days after the publication
    day (plus one) are ignored. Searched only when ``story`` lies more than
    :data:`NEWEST_MIN_LAG` days before ``published``, so that most articles pay
    nothing.
    """
    if published is None or story is None or (published - story).days <= NEWEST_MIN_LAG:
        return None
    latest = story
    last_ok = published + dt.timedelta(days=1)
    for m in find_mentions(lead, lang):
        day: dt.date | None = None
        if m.kind == "explicit":
            y, mo, d = m.value
            year = y or published.year
            try:
                day = dt.date(year, mo, d)
                if not y and day > published + dt.timedelta(days=7):
                    day = dt.date(year - 1, mo, d)
            except ValueError:  # 29 February of another year
                continue
            if abs(day - published) > EXPLICIT_WINDOW:
                continue
        elif m.kind == "weekday":
            day = _resolve_weekday(m.value, published)
        elif m.kind == "relative":
            day = published + dt.timedelta(days=m.value)
        if day is not None and latest < day <= last_ok:
            latest = day
    return latest if latest > story else None


# Where a lead may end: a sentence's closing punctuation (with any closing quote or
# bracket) before a space, or an ideographic full stop.
_LEAD_END = re.compile(r"[.!?…][\"”’')\]]*(?=\s)|[。！？][」』”’)）]*")


def lead_paragraphs(paragraphs: Sequence[str], chars: int | None = LEAD_CHARS) -> list[str]:
    """The first ``chars`` characters of a body: whole paragraphs, then the sentences
    of the paragraph that crosses the limit which end within it.

    If that paragraph has no sentence end within the limit, it is cut at its last
    space there (text written without spaces, such as Chinese, at the limit itself):
    a word is never cut in half. ``None`` keeps every paragraph.
    """
    if chars is None:
        return list(paragraphs)
    out: list[str] = []
    left = chars
    for para in paragraphs:
        if len(para) <= left:
            out.append(para)
            left -= len(para)
            continue
        cut = 0
        for m in _LEAD_END.finditer(para, 0, left + 1):  # +1: the space after a stop at the limit
            if m.end() <= left:
                cut = m.end()
        if not cut:
            cut = max(para.rfind(" ", 0, left + 1), para.rfind("\n", 0, left + 1), 0)
            if not cut and _UNSPACED.search(para, 0, left):
                cut = left
        text = para[:cut].rstrip()
        if text:
            out.append(text)
        break
    return out


def _rest(body: Sequence[str], lead: Sequence[str]) -> str:
    """The text of ``body`` past its lead ``lead`` (what :func:`lead_paragraphs` kept)."""
    n = len(lead)
    if n and lead[-1] != body[n - 1]:  # the lead ends inside paragraph n - 1
        return "\n".join([body[n - 1][len(lead[-1]) :], *body[n:]])
    return "\n".join(body[n:])


def analyse_text(
    title: str,
    paragraphs: list[str],
    *,
    language: str | None,
    published: dt.date | None,
    dateline_place: str | None = None,
    exclude: Iterable[str] = (),
    max_entities: int = 48,
    max_terms: int = 64,
    max_names: int = 12,
    stem: int = 6,
    place_weight: float = 0.5,
    entity_chars: int | None = ENTITY_CHARS,
    lead_chars: int | None = LEAD_CHARS,
    read_tail: bool = True,
) -> Analysis:
    """Analyse an article given as a title and paragraphs (see :func:`analyse`).

    The headline and the :func:`lead_paragraphs` of ``lead_chars`` characters of the
    body (``None``: the whole body) give every feature; the rest of the body, unless
    ``read_tail`` is false, adds only terms and name keys in one cheap pass
    (:meth:`_Reader.tail`). ``entity_chars`` is how much of the lead the entity
    reader reads for names and places; ``None`` uses the capitalisation rules
    instead, in every language.
    """
    lang = language or ""
    body = paragraphs
    paragraphs = lead_paragraphs(body, lead_chars)
    weighted: list[tuple[str, float]] = []
    if title:
        weighted.append((title, TITLE_WEIGHT))
    for i, para in enumerate(paragraphs):
        weighted.append((para, LEAD_WEIGHT if i < LEAD_PARAGRAPHS - 1 else 1.0))
    reader = _Reader(lang, exclude, stem, place_weight, entity_chars)
    reader.read(weighted, _title_case(title))
    if read_tail and lead_chars is not None:
        rest = _rest(body, paragraphs)
        if rest:
            reader.tail(" ".join(lead_paragraphs([rest], TAIL_CHARS)))
    reader.count_terms()
    dateline = None
    if dateline_place:
        place = reader.gaz.lookup(dateline_place)
        if place is None:  # a town (no span needed): of a country the text names, else the most populous
            named = reader.named_countries()
            towns = [t for i in reader.gaz.town_candidates(dateline_place) if (t := reader.gaz.place(i))]
            place = next((t for t in towns if t.country in named), towns[0] if towns else None)
        if place is not None and place.kind != "organisation":
            dateline = place.id
            # The dateline says where the story is told from: with the entity reader
            # (which reads only the lead's places) it weighs as a headline "in X".
            factor = LOCATIVE_WEIGHT if entity_chars is not None and lang in ENTITY_LANGUAGES else 1.0
            reader.places[place.id] += TITLE_WEIGHT * factor
    reader.resolve_towns(reader.gaz.place(dateline) if dateline else None)
    lead = "\n".join([title, *paragraphs[:DATE_PARAGRAPHS]])
    date = article_date(lead, language, published)

    def top(counter: dict[str, float], n: int) -> dict[str, float]:
        # Heaviest first, then by key: sorted by key, then stably by weight (a sort
        # with reverse=True keeps equal weights in key order), both in C. The keys
        # alone, not (key, weight) pairs: a list of strings sorts faster.
        ranked = sorted(counter)
        ranked.sort(key=counter.__getitem__, reverse=True)
        del ranked[n:]
        return {k: 1.0 + math.log(v) if (v := counter[k]) >= 1 else v for k in ranked}

    places = tuple(sorted(reader.places.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
    sequel = sequel_cue(f"{title}\n{paragraphs[0]}" if paragraphs else title, lang)
    return Analysis(
        language=lang,
        published=published,
        date=date,
        title=title,
        entities=top(reader.entities, max_entities),
        terms=top(reader.terms, max_terms),
        names=reader.names()[:max_names],
        places=places,
        dateline=dateline,
        sequel=sequel,
        newest=newest_day(lead, language, published, date.day if date.method != "published" else None),
    )


def _published_day(article: Article) -> dt.date | None:
    if article.published is None or article.published.precision in ("year", "month"):
        return None
    value = article.published.value
    return value.date() if isinstance(value, dt.datetime) else value


def analyse(article: Article, **options: Any) -> Analysis:
    """Analyse ``article`` for event building.

    The article's own outlet, its dateline's agency and its credited people are
    left out of the names: they say who reported, not who took part.
    """
    exclude: list[str] = [article.source or "", *article.authors, *(c.name for c in article.credits)]
    if article.dateline is not None and article.dateline.source:
        exclude.append(article.dateline.source)
    paragraphs = [p for p in (article.subtitle, *article.body) if p]
    return analyse_text(
        article.title,
        paragraphs,
        language=article.language,
        published=_published_day(article),
        dateline_place=article.dateline.place if article.dateline else None,
        exclude=exclude,
        **options,
    )
