"""Language-independent anchors of a news text, for cross-lingual matching.

A translation keeps what does not translate: the names of people and
organisations, numbers, dates, and places (whose names do translate, but CLDR
knows how). :func:`anchors` reads these from a text in a given language and
returns them in order of first mention, each as a ``(kind, value)`` pair whose
``value`` is the same in every language:

* ``number`` - numbers parsed with the language's decimal and group symbols and
  scale words from CLDR (``1.100`` in Indonesian and ``1,100`` in English are
  both 1100; ``1,5 triliun`` and ``1.5 trillion`` both 1.5e12). Numbers below 10
  are left out: they are usually spelled as words and say little.
* ``year`` - whole numbers from 1900 to 2100.
* ``month``, ``weekday`` - CLDR month and day names (``Mei``/``May``, ``Kamis``/``Thursday``).
* ``territory`` - CLDR country and region names in the text's language or English
  (``Suriah``/``Syria``, ``Amerika Serikat``/``United States``), and adjectives
  formed from them (``Syrian``, ``Qatari``); the value is the region code.
* ``city`` - CLDR exemplar cities (time zone cities: ``Damaskus``/``Damascus``);
  the value is the phonetic skeleton of the English name, so that it also
  matches a spelling CLDR does not know (Indonesian ``Moskow``).
* ``name`` - other capitalised words that do not open a sentence (or that
  also appear capitalised inside one), as a phonetic skeleton: accents and case
  dropped, spelling variants folded (``c``/``k``/``q``, ``sh``/``s``, ``oe``/``u``),
  vowels after the first letter dropped; so ``Moscow``, ``Moskow`` and
  ``Moskwa`` all read ``msk``. A skeleton shorter than three letters is replaced
  by the folded word itself.

The tables are built once per language from Babel's CLDR data.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from .text import non_ascii_chars, utf8

__all__ = ["KINDS", "Anchor", "Kind", "anchors", "skeleton"]

Kind = Literal["name", "number", "year", "month", "weekday", "territory", "city"]
#: Anchor kinds in a fixed order: the index of a kind is part of the signature format.
KINDS: tuple[Kind, ...] = ("name", "number", "year", "month", "weekday", "territory", "city")
Anchor = tuple[Kind, str]

# Every upper-case letter of the Basic Multilingual Plane, for a character class:
# the standard ``re`` module has no ``\p{Lu}``.
_UPPER = "".join(sorted({c for c in map(chr, range(0x10000)) if c.isupper() and c.isalpha()}))
_UPPER_CLASS = "[" + re.escape(_UPPER) + "]"
_L = r"[^\W\d_]"
# Only the tokens that can be anchors; lower-case words are skipped by the regex engine.
_TOKEN = re.compile(
    rf"(?<!{_L})(?:"
    rf"(?P<acr>(?:{_L}\.){{2,}})"                              # U.S., P.B.B.
    rf"|(?P<num>\d+(?:[.,]\d+)*)"                              # 150,000  1.100  4,75
    rf"|(?P<word>{_UPPER_CLASS}{_L}*(?:['’\-]{_L}+)*)"          # Putin  Al-Thani  Bangsa-Bangsa
    rf"|(?P<particle>{_L}+(?:['’\-]{_L}+)+)"                    # al-Assad
    r")"
)
# The same tokens found fast. _TOKEN opens with a look-behind, so the regex engine
# tries it at every character (~190 ns a character). _HEAD opens with a character
# class (upper case or digit), which the engine scans for in C, and checks the
# look-behind after it (``(?<!L.)``: the character before the first is no letter);
# its branches then continue _TOKEN's num, acr and word. Tokens that open with another
# letter (acr ``a.m.``, particle ``al-Assad``) hold a separator between two letters,
# which _JOINT finds as fast; :func:`_tokens` merges both as finditer would.
_HEAD = re.compile(
    rf"[{re.escape(_UPPER)}\d](?<!{_L}.)(?:"
    rf"(?<=\d)(?P<num>\d*(?:[.,]\d+)*)"
    rf"|(?P<acr>\.(?:{_L}\.)+)"
    rf"|(?P<word>{_L}*(?:['’\-]{_L}+)*)"
    r")"
)
_JOINT = re.compile(rf"['’\-.](?<={_L}.)(?={_L})")
_UPPER_SET = frozenset(_UPPER)
# ASCII letters stay, other ASCII bytes become spaces; bytes >= 0x80 are left to _word_set.
_LETTERS = bytes(c if c >= 0x80 or chr(c).isalpha() else 0x20 for c in range(256))
_WORD = re.compile(rf"{_L}+")
_SPLIT = re.compile(r"['’\-]")
_SCALE_AFTER = re.compile(rf"[ \xa0]?({_L}+)")
_DIGRAPHS = (("sch", "s"), ("sh", "s"), ("ch", "k"), ("ph", "f"), ("th", "t"), ("kh", "k"), ("gh", "g"),
             ("dh", "d"), ("dj", "j"), ("tj", "k"), ("oe", "u"), ("ck", "k"), ("q", "k"), ("c", "k"),
             ("x", "ks"), ("z", "s"), ("v", "b"))
_DROP = str.maketrans("", "", "aeiouyhw")


@functools.lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    """Lower case, accents removed, letters only."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """Phonetic skeleton of a name: spelling variants across languages coincide."""
    s = _fold(word)
    if not s:
        return ""
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    out = s[0] + s[1:].translate(_DROP)
    collapsed = [ch for i, ch in enumerate(out) if i == 0 or ch != out[i - 1]]
    sk = "".join(collapsed)
    return sk if len(sk) >= 3 else _fold(word)


class _Tables:
    """CLDR-derived lookups for one language."""

    def __init__(self, language: str) -> None:
        try:
            loc = Locale.parse(language.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            loc = Locale("en")
        en = Locale("en")
        symbols = loc.number_symbols.get("latn", {}) if hasattr(loc.number_symbols, "get") else {}
        self.decimal = symbols.get("decimal", ".")
        self.group = symbols.get("group", ",")
        self.places: dict[str, Anchor] = {}
        #: For each word a place name can start with, the most words such a name has.
        self.first_words: dict[str, int] = {}
        for lc in (en, loc):  # the text's own language last: its names win
            for code, name in lc.territories.items():
                if code.isdigit() and code not in ("150", "002", "142", "019", "009"):
                    continue  # sub-regions ("Western Asia") rarely name what a story is about
                self._place(name, ("territory", code))
            for zone, data in lc.time_zones.items():
                city = data.get("city") if hasattr(data, "get") else None
                en_city = en.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
                if city:
                    self._place(city, ("city", skeleton(en_city.replace(" ", ""))))
        for zone in _zone_ids():  # English city names from zone ids (Europe/Moscow)
            name = zone.rsplit("/", 1)[-1].replace("_", " ")
            self._place(name, ("city", skeleton(name.replace(" ", ""))))
        self.territory_stems: dict[str, str] = {}
        self.stem_cache: dict[str, str | None] = {}
        self.words_seen: dict[str, tuple[int, Anchor | None, tuple[tuple[str, str], ...]]] = {}
        for lc in (en, loc):
            for code, name in lc.territories.items():
                if not code.isdigit() and " " not in name and len(name) >= 4:
                    key = _fold(name)
                    self.territory_stems[key] = code
                    if key[-1] in "aeiouy":
                        self.territory_stems.setdefault(key[:-1], code)
        self.calendar: dict[str, Anchor] = {}
        for lc in (en, loc):
            for width in ("wide", "abbreviated"):
                for num, name in lc.months["format"][width].items():
                    self._cal(name, ("month", str(num)), width)
                for num, name in lc.days["format"][width].items():
                    self._cal(name, ("weekday", str(num)), width)
        self.scales: dict[str, float] = {}
        for style in ("long", "short"):
            for forms in loc.compact_decimal_formats.get(style, {}).values():
                for magnitude, pattern in dict(forms).items():
                    text = str(getattr(pattern, "pattern", pattern))
                    zeros = text.count("0")
                    word = _fold(re.sub(r"[0'.\s\xa0]", " ", text).strip())
                    if zeros and len(word) >= 2:  # one-letter forms (K, M) are ambiguous
                        self.scales.setdefault(word, float(magnitude) / 10 ** (zeros - 1))

    def word(self, text: str) -> tuple[int, Anchor | None, tuple[tuple[str, str], ...]]:
        """What a capitalised word can be, memoised: the most words of a place name
        it may open, its calendar or territory anchor, else its name parts as
        ``(skeleton, lower case)``."""
        info = self.words_seen.get(text)
        if info is None:
            limit = self.first_words.get(_key_parts(text)[0], 0)
            folded = _fold(text)
            direct: Anchor | None = self.calendar.get(folded)
            names: tuple[tuple[str, str], ...] = ()
            if direct is None and len(folded) >= 3:
                stem = _territory_stem(folded, self)
                if stem is not None:
                    direct = ("territory", stem)
                else:
                    parts = _SPLIT.split(text) if "-" in text or "'" in text or "’" in text else (text,)
                    names = tuple((skeleton(p), p.lower()) for p in parts if len(p) >= 3 and p[:1].isupper())
            info = (limit, direct, names)
            if len(self.words_seen) < 1 << 17:
                self.words_seen[text] = info
        return info

    def _place(self, name: str, anchor: Anchor) -> None:
        key = " ".join(re.split(r"[\s\-]+", _norm_key(name)))
        if len(key) < 3:
            return
        if anchor[0] == "city" and self.places.get(key, ("city",))[0] == "territory":
            return  # Asia/Qatar, Asia/Singapore: the country wins over its capital's zone
        self.places[key] = anchor
        words = key.split(" ")
        self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))

    def _cal(self, name: str, anchor: Anchor, width: str) -> None:
        key = _fold(name)
        if width == "abbreviated" and len(key) < 3:
            return
        self.calendar.setdefault(key, anchor)


@functools.lru_cache(maxsize=1 << 16)
def _norm_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode("ascii")


@functools.lru_cache(maxsize=1)
def _zone_ids() -> tuple[str, ...]:
    return tuple(z for z in get_global("zone_territories") if "/" in z and not z.startswith("Etc/"))


@functools.lru_cache(maxsize=64)
def _tables(language: str) -> _Tables:
    return _Tables(language or "en")


def _number(text: str, tables: _Tables) -> float | None:
    """Parse a digit run with the language's separators; ``None`` if ambiguous."""
    group, decimal = tables.group, tables.decimal
    parts = re.split(r"([.,])", text)
    digits, seps = parts[0::2], parts[1::2]
    if not seps:
        return float(text)
    # a separator followed by exactly three digits, repeated, is a group separator
    if all(s == group for s in seps) and all(len(d) == 3 for d in digits[1:]):
        return float("".join(digits))
    if seps[-1] == decimal and all(s == group for s in seps[:-1]) and all(len(d) == 3 for d in digits[1:-1]):
        return float("".join(digits[:-1]) + "." + digits[-1])
    if len(seps) == 1:  # the other language's convention (quoted figures, wire copy)
        return float(digits[0] + "." + digits[1]) if len(digits[1]) != 3 else float(digits[0] + digits[1])
    return None


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e18:
        return str(int(value))
    return f"{value:.6g}"


def _opens_sentence(para: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or the paragraph)."""
    k = start - 1
    while k >= 0 and para[k] in " \t\"'“”‘’([«»":
        k -= 1
    if k < 0:
        return True
    ch = para[k]
    return ch in ".!?:;" or (ch in "-–—" and k > 0 and para[k - 1] == " ")


def anchors(paragraphs: Iterable[str], language: str) -> list[Anchor]:
    """Anchors of ``paragraphs`` (text in ``language``), in order of first mention."""
    tables = _tables((language or "en").split("-")[0].lower())
    raw: list[tuple[Anchor, bool]] = []  # (anchor, is a name at a sentence start)
    capital_inside: set[str] = set()
    # NFKC leaves ASCII unchanged (isascii is O(1)): skip the pass for it
    paragraphs = [p if p.isascii() else unicodedata.normalize("NFKC", p) for p in paragraphs]
    # A capitalised word that the text also writes in lower case is a common word in
    # title case or opening a sentence ("The", Indonesian "Presiden"), not a name.
    present = _word_set("\n".join(paragraphs))
    words = tables.words_seen
    raw_append = raw.append
    for para in paragraphs:
        toks = _tokens(para)
        headline = False
        if len(para) < 250 and not para.rstrip().endswith((".", "!", "?", '"', "”")):
            # In a title-cased headline every word is capitalised: each may open a sentence.
            para_words = _WORD.findall(para)
            headline = 3 <= len(para_words) <= 25 and sum(
                1 for w in para_words if w[0].isupper()) > 0.6 * len(para_words)
        i, n_toks = 0, len(toks)
        while i < n_toks:
            m = toks[i]
            kind = m.lastgroup
            if kind == "word":
                text = m.group()
                info = words.get(text)
                if info is None:
                    info = tables.word(text)
                limit, direct, names = info
                if limit:  # the longest run of capitalised words that names a place
                    hit, used = _place_run(toks, i, para, limit, tables)
                    if hit is not None:
                        raw_append((hit, False))
                        i += used
                        continue
                # _add_word inlined: this branch runs for ~90 words an article
                if direct is not None:
                    raw_append((direct, False))
                elif names:
                    initial = headline or _opens_sentence(para, m.start())
                    for sk, low in names:
                        if low not in present:
                            raw_append((("name", sk), initial))
                            if not initial:
                                capital_inside.add(sk)
            elif kind == "num":
                text = m.group()
                value = _number(text, tables)
                scaled = False
                if value is not None:
                    after = _SCALE_AFTER.match(para, m.end())
                    scale = tables.scales.get(_fold(after.group(1))) if after else None
                    if scale:
                        value, scaled = value * scale, True
                if value is not None and (value >= 10 or value != int(value)):
                    year = not scaled and text.isdigit() and 1900 <= value <= 2100
                    raw_append(((("year" if year else "number"), _fmt(value)), False))
            elif kind == "particle":  # al-Assad: a lower-case particle before a capitalised name
                parts = tuple((skeleton(p), p.lower()) for p in _SPLIT.split(m.group())[1:]
                              if len(p) >= 3 and p[:1].isupper())
                _add_word(None, parts, headline, m.start(), para, raw, capital_inside, present)
            else:  # an acronym with dots: U.S.
                _limit, direct, names = tables.word(m.group().replace(".", ""))
                _add_word(direct, names, headline, m.start(), para, raw, capital_inside, present)
            i += 1
    out: dict[Anchor, None] = {}
    for anchor, initial in raw:
        if initial and anchor[1] not in capital_inside:
            continue  # a capitalised sentence opener is only a name if it is one elsewhere
        out.setdefault(anchor, None)
    return list(out)


def _is_letter(ch: str) -> bool:
    """Whether ``ch`` matches ``[^\\W\\d_]`` (``\\w`` is alphanumeric or ``_``, ``\\d`` decimal)."""
    return ch.isalnum() and not ch.isdecimal()


def _tokens(para: str) -> list[re.Match[str]]:
    """``list(_TOKEN.finditer(para))``, several times faster (see :data:`_HEAD`)."""
    lows: list[re.Match[str]] = []  # matches that open with a letter other than upper case
    last = -1
    for joint in _JOINT.finditer(para):
        start = joint.start()
        while start > 0 and (ch := para[start - 1]).isalnum() and not ch.isdecimal():  # _is_letter
            start -= 1
        if start == last or para[start] in _UPPER_SET:
            continue
        last = start
        low = _TOKEN.match(para, start)
        if low is not None:
            lows.append(low)
    if not lows:  # the common case: _TOKEN can match only where _HEAD does
        return list(_HEAD.finditer(para))
    # merge as finditer would: next is the earliest match at or after the last one's end
    heads = list(_HEAD.finditer(para))
    out: list[re.Match[str]] = []
    pos = k = h = 0
    while True:
        while k < len(lows) and lows[k].start() < pos:
            k += 1
        while h < len(heads) and heads[h].start() < pos:  # inside the last (low) match
            if heads[h].end() > pos:  # it hid heads after that match: scan again from there (rare)
                heads, h = list(_HEAD.finditer(para, pos)), 0
                break
            h += 1
        head = heads[h] if h < len(heads) else None
        low = lows[k] if k < len(lows) else None
        if head is None and low is None:
            return out
        if low is None or (head is not None and head.start() < low.start()):
            assert head is not None
            out.append(head)
            pos = head.end()
            h += 1
        else:
            out.append(low)
            pos = low.end()
            k += 1


def _word_set(text: str) -> set[str]:
    """``set(_WORD.findall(text))`` (the maximal runs of letters), ~4x faster: bytes
    are translated and split at C speed, as in :func:`.text.token_bytes`."""
    raw = text.encode("utf-8", "surrogatepass")
    if not text.isascii():
        for ch in non_ascii_chars(raw):
            if not _is_letter(ch):
                raw = raw.replace(utf8(ch), b" ")
    return set(raw.translate(_LETTERS).decode("utf-8", "surrogatepass").split())


def _place_run(toks: list[re.Match[str]], i: int, para: str, limit: int,
               tables: _Tables) -> tuple[Anchor | None, int]:
    """The longest place name starting at token ``i``: ``(anchor, tokens used)``."""
    hit, used = None, 0
    key_parts: list[str] = []
    j = i
    while j < len(toks) and toks[j].lastgroup == "word":
        if j > i and para[toks[j - 1].end():toks[j].start()].strip(" -"):
            break
        key_parts += _key_parts(toks[j].group())
        if len(key_parts) > limit:
            break
        anchor = tables.places.get(" ".join(key_parts))
        if anchor is not None:
            hit, used = anchor, j - i + 1
        j += 1
    return hit, used


def _add_word(direct: Anchor | None, names: tuple[tuple[str, str], ...], headline: bool, start: int,
              para: str, raw: list[tuple[Anchor, bool]], inside: set[str], present: set[str]) -> None:
    """Record what the capitalised word at ``start`` of ``para`` is: its calendar or
    place anchor, else its name parts (``(skeleton, lower case)``), flagged when
    the word may open a sentence (in a title-cased headline, every word may)."""
    if direct is not None:
        raw.append((direct, False))
        return
    if not names:
        return
    initial = headline or _opens_sentence(para, start)
    for sk, low in names:
        # A capitalised word the text also writes in lower case is a common word in
        # title case or opening a sentence ("The", Indonesian "Presiden"), not a name.
        if low not in present:
            raw.append((("name", sk), initial))
            if not initial:
                inside.add(sk)


@functools.lru_cache(maxsize=1 << 16)
def _key_parts(word: str) -> list[str]:
    return _norm_key(word).replace("-", " ").split() or [""]


def _territory_stem(folded: str, tables: _Tables) -> str | None:
    """Region code of an adjective formed from a country name (``syrian``, ``qatari``)."""
    cache = tables.stem_cache
    if folded in cache:
        return cache[folded]
    code = tables.territory_stems.get(folded)
    for cut in range(1, 4):
        if code is not None or len(folded) - cut < 4:
            break
        code = tables.territory_stems.get(folded[:-cut])
    if len(cache) < 1 << 16:
        cache[folded] = code
    return code
