"""One entity reader: persons, organisations and places in English, Indonesian and Malay.

``read_entities(text, language)`` returns the ``PER``/``ORG``/``LOC`` spans of a text
as :class:`Entity` records whose offsets slice the text exactly. It replaces the
capitalisation heuristics that read "Investor Teken" or "Pemerintah" as a name and
an ordinary word as a place.

The model is a linear-chain CRF (python-crfsuite) over cheap per-token features
(the word case-folded, its shape, affixes, case flags, whether it opens a sentence,
and the same for two neighbours each side), trained offline by
``benchmarks/train_entities.py`` on the public NER sets listed in ``docs/events.md``
and shipped as ``newscorpus/data/entities.crfsuite`` (crfsuite's own binary format,
not pickle). A CRF rather than an averaged perceptron: with the same features
and training text, a greedy averaged perceptron scored lower held-out F1 (en 0.528
vs 0.572, id 0.738 vs 0.754, ms 0.110 vs 0.126) at about three times the CPU per
token (9.4 vs 3.0 µs), since crfsuite scores in compiled code
(``python benchmarks/train_entities.py --perceptron``).

The model is loaded lazily, once per process, from the package (no network); tagging
is deterministic. ``language`` (``en``, ``id``, ``ms`` or anything else) is used only
to drop one-word spans that are stop words of that language; the model itself is
shared by the three languages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:  # pragma: no cover
    import pycrfsuite

__all__ = ["KINDS", "MODEL_RESOURCE", "Entity", "decode", "read_entities", "sequence_features", "spans_of", "tokenize"]

#: Entity kinds the reader returns.
KINDS: tuple[str, ...] = ("PER", "ORG", "LOC")
#: File name of the shipped model inside the ``newscorpus.data`` package.
MODEL_RESOURCE = "entities.crfsuite"

Kind = Literal["PER", "ORG", "LOC"]

# A token: an initialism ("U.S."), a word or number with inner hyphens, apostrophes
# or decimal/grouping marks ("Al-Thani", "O'Neill", "1,200"), a possessive ending
# ("Qatar's" is "Qatar" + "'s", as in the training sets), or one other character.
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:(?:[-‑.,]|['’](?![sS]\b))[^\W_]+)*|['’][sS]\b|[^\w\s]|_"
)
_LINE = re.compile(r"[^\n]+")
# Tokens after which the next word opens a sentence or a quotation.
_OPENERS = frozenset({".", "!", "?", ":", ";", '"', "“", "‘", "«", "„", "(", "[", "'", "—", "–", "-", "…"})


@attrs.frozen
class Entity:
    """A named entity in a text.

    Attributes:
        start: Offset of its first character.
        end: Offset just past its last character (``text[start:end]`` is the name).
        kind: ``PER`` (person), ``ORG`` (organisation) or ``LOC`` (place: country,
            region, city, geographic feature).
        text: The name as written.
    """

    start: int
    end: int
    kind: Kind
    text: str


def tokenize(text: str) -> list[tuple[int, int]]:
    """Offsets of the tokens of ``text`` (see the module's token rule)."""
    return [m.span() for m in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=1 << 16)
def _shape(word: str) -> str:
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out[:5])


_Feats = tuple[str, ...]


@functools.lru_cache(maxsize=1 << 16)
def _word(word: str, cased: bool) -> tuple[_Feats, _Feats, _Feats, _Feats, _Feats]:
    """Features of one word: its own, and as the -1, +1, -2, +2 neighbour.

    In a sequence written without capitals (``cased`` false) the shape says nothing
    and is one constant, so lower-case training text (NERP) does not teach that a
    lower-case word is a name where capitals exist. Cached per word (a news
    vocabulary repeats), so a token costs a few tuple concatenations.
    """
    low = word.casefold()
    shape = _shape(word) if cased else "lc"
    own = ["w=" + low, "s=" + shape, "p=" + low[:3], "x=" + low[-3:], "y=" + low[-2:]]
    if word[:1].isupper():
        own.append("T")
        if word.isupper() and len(word) > 1:
            own.append("U")
    if len(low) <= 2:
        own.append("short")
    return (
        tuple(own),
        ("-w=" + low, "-s=" + shape),
        ("+w=" + low, "+s=" + shape),
        ("--w=" + low,),
        ("++w=" + low,),
    )


_BOS = ("-BOS",)
_EOS = ("+EOS",)


def sequence_features(words: Sequence[str]) -> list[tuple[str, ...]]:
    """CRF features of each word of one sequence (training and reading share this)."""
    cased = any(not w.islower() and w.upper() != w.lower() for w in words)
    feats = [_word(w, cased) for w in words]
    n = len(words)
    out: list[tuple[str, ...]] = []
    for i in range(n):
        f = feats[i][0]
        initial = i == 0 or words[i - 1] in _OPENERS
        if initial:
            f = (*f, "I", "I" + feats[i][0][1])
        f += feats[i - 1][1] if i > 0 else _BOS
        f += feats[i + 1][2] if i + 1 < n else _EOS
        if i > 1:
            f += feats[i - 2][3]
        if i + 2 < n:
            f += feats[i + 2][4]
        out.append(f)
    return out


@functools.cache
def _tagger() -> pycrfsuite.Tagger:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    with resources.as_file(resources.files("newscorpus.data").joinpath(MODEL_RESOURCE)) as path:
        tagger.open(str(path))  # crfsuite memory-maps or reads the file at once
    return tagger


def decode(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans ``(first, last + 1, kind)`` of a BIO label sequence (a stray ``I-`` opens a span)."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, label in enumerate((*labels, "O")):
        tag, _, k = label.partition("-")
        if start >= 0 and (tag != "I" or k != kind):
            spans.append((start, i, kind))
            start = -1
        if tag == "B" or (tag == "I" and start < 0):
            start, kind = i, k
    return spans


def _stopwords(language: str | None) -> frozenset[str]:
    from .events.analysis import stopwords  # lazy: events imports this module

    return stopwords(language)


def _plain(word: str) -> bool:
    """A word with letters and no capital ("told", "of"; not "al-Sharaa", "1999")."""
    return word.islower()


_NAME_PARTICLES = frozenset({"bin", "binti", "bt", "bte", "ibn", "van", "von", "der", "de", "del", "da", "dos"})
_CUTS = frozenset({"'s", "’s", "'S", "’S", ",", ";", ":", "!", "?", '"', "“", "”", "(", ")", "[", "]"})


def _breaks(words: Sequence[str], i: int, cased: bool) -> bool:
    """Whether the word at ``i`` cannot be inside a name: a possessive ending
    ("Yahoo's Yonca Brunini"), punctuation, a full stop after a word that is not an
    initial ("Tim Burton. Depp"; "George W. Bush" stays), or, in cased text, a
    lower-case word of four or more letters."""
    w = words[i]
    if w in _CUTS:
        return True
    if w == ".":
        return i > 0 and len(words[i - 1]) > 1
    return cased and _plain(w) and len(w) >= 4


def spans_of(
    words: Sequence[str], labels: Sequence[str], stop: frozenset[str] = frozenset()
) -> list[tuple[int, int, str]]:
    """The reader's spans ``(first, last + 1, kind)`` from the CRF's labels of ``words``.

    Precision rules on top of the model (training and evaluation apply them too):
    a span is cut at possessive endings and punctuation (see :func:`_breaks`) and,
    in a sequence that has capitals, at a lower-case word of four or more letters
    ("Sheikh Tamim ... told Russian President Vladimir Putin"); it loses stop words
    of the language at its start ("The"), lower-case words at its edges, and needs a
    capitalised word or a digit where capitals exist. Two person spans with a name
    particle between them ("Tamim bin Hamad") are one.
    """
    cased = any(not _plain(w) and w.upper() != w.lower() for w in words)
    out: list[tuple[int, int, str]] = []
    for first, last, kind in decode(labels):
        if kind not in KINDS:  # pragma: no cover - the model knows only these
            continue
        pieces = []
        a = first
        for i in range(first, last + 1):
            if i == last or _breaks(words, i, cased):
                pieces.append((a, i))
                a = i + 1
        for a, b in pieces:
            while b - a > 1 and words[a].casefold() in stop:  # "The UK Film Council"
                a += 1
            if cased:
                while a < b and _plain(words[a]):
                    a += 1
                while a < b and _plain(words[b - 1]):
                    b -= 1
                if not any(w[:1].isupper() or w[:1].isdigit() for w in words[a:b]):
                    continue
            if b <= a or (b - a == 1 and words[a].casefold() in stop):
                continue
            out.append((a, b, kind))
    # "Tamim bin Hamad", "Ludwig van Beethoven": a name particle between two person
    # spans joins them (the Indonesian sets leave "bin" out of names).
    merged: list[tuple[int, int, str]] = []
    for span in out:
        if (
            merged
            and span[2] == merged[-1][2] == "PER"
            and span[0] == merged[-1][1] + 1
            and words[merged[-1][1]].casefold() in _NAME_PARTICLES
        ):
            merged[-1] = (merged[-1][0], span[1], "PER")
        else:
            merged.append(span)
    return merged


def read_entities(text: str, language: str | None = None) -> tuple[Entity, ...]:
    """The person, organisation and place names of ``text``, in order.

    Each line is one sequence for the model; spans never overlap and
    ``text[e.start:e.end] == e.text`` (see :func:`spans_of` for the precision
    rules applied to the model's labels).
    """
    if not text:
        return ()
    tagger = _tagger()
    stop = _stopwords(language)
    out: list[Entity] = []
    for line in _LINE.finditer(text):
        base = line.start()
        line_text = line.group()
        spans = tokenize(line_text)
        if not spans:
            continue
        words = [line_text[a:b] for a, b in spans]
        for first, last, kind in spans_of(words, tagger.tag(sequence_features(words)), stop):
            start, end = base + spans[first][0], base + spans[last - 1][1]
            out.append(Entity(start, end, kind, text[start:end]))  # type: ignore[arg-type]
    return tuple(out)
