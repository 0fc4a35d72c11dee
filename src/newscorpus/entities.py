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
is deterministic. Tagging does not go through python-crfsuite, whose hand-off of every
feature string to C++ cost most of the reader's time: the weights are read from the
model file, each word type's features are scored once, and a numba kernel scores the
neighbours and runs crfsuite's Viterbi with the same floating-point operations in
the same order, so the entities are python-crfsuite's exactly
(``tests/test_entities_equivalence.py``; cost in ``benchmarks/entities_bench.py``).

``language`` (``en``, ``id``, ``ms`` or anything else) is used only
to drop one-word spans that are stop words of that language; the model itself is
shared by the three languages.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Literal

import attrs
import numpy as np

__all__ = [
    "KINDS", "MODEL_RESOURCE", "Entity", "decode", "prepare", "read_entities", "read_entities_many",
    "sequence_features", "spans_of", "tokenize",
]  # fmt: skip

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


# -- the model, read from crfsuite's file ----------------------------------------------
#
# Tagging is crfsuite's own arithmetic, re-done here on word types: python-crfsuite
# hands every feature string of every token to C++ (about 0.2 µs each, ~2,100 strings
# an article), which cost more than features and tagging together. The weights are
# read from the model file once; a word type's own features are summed once, in the
# order crfsuite adds them, and a compiled kernel adds the neighbours' features and
# runs crfsuite's Viterbi with the same operations in the same order, so the labels
# are crfsuite's to the bit (tests/test_entities_equivalence.py compares them).

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_CQDB_DATA = 24 + 256 * 8  # a CQDB chunk's header and hash-table references


def _cqdb(buf: bytes, offset: int, count: int) -> dict[str, int]:
    """The string -> id records of one CQDB chunk (crfsuite's string dictionary)."""
    if buf[offset : offset + 4] != b"CQDB":
        raise ValueError("not a crfsuite model: CQDB chunk missing")
    out: dict[str, int] = {}
    pos = offset + _CQDB_DATA
    for _ in range(count):  # records (id, key size, key + NUL) follow the header
        ident, size = struct.unpack_from("<iI", buf, pos)
        out[buf[pos + 8 : pos + 7 + size].decode("utf-8")] = ident
        pos += 8 + size
    return out


@attrs.frozen
class _Model:
    """The weights of a crfsuite linear-chain CRF (``lCRF``/``FOMC`` file).

    ``weights`` holds one row of label weights per attribute, then an all-zero row
    (index ``len(attributes)``, for a feature the model does not know), then the
    transition matrix (row: previous label, column: next label).
    """

    labels: tuple[str, ...]
    attributes: dict[str, int]
    weights: np.ndarray
    #: Rows of ``I``, ``-BOS``, ``+EOS`` and of the first transition.
    specials: np.ndarray = attrs.field(init=False)
    #: Per label: 0 outside, 1 ``B-``, 2 ``I-`` (as :func:`decode` reads it), and its kind's index in ``kinds``.
    codes: np.ndarray = attrs.field(init=False)
    kinds: tuple[str, ...] = attrs.field(init=False)
    #: Rows of the attributes :func:`_word` gives whatever the word: ``s=lc``, ``-s=lc``,
    #: ``+s=lc``, ``Is=lc`` (a sequence without capitals), ``T``, ``U``, ``short``.
    fixed_rows: tuple[int, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        zero = len(self.attributes)
        fixed = ("s=lc", "-s=lc", "+s=lc", "Is=lc", "T", "U", "short")
        object.__setattr__(self, "fixed_rows", tuple(self.row(a) for a in fixed))
        rows = [self.row("I"), self.row("-BOS"), self.row("+EOS"), zero + 1]
        object.__setattr__(self, "specials", np.array(rows, np.int64))
        parts = [label.partition("-") for label in self.labels]
        kinds = tuple(dict.fromkeys(k for _t, _s, k in parts))
        codes = [({"B": 1, "I": 2}.get(t, 0), kinds.index(k)) for t, _s, k in parts]
        object.__setattr__(self, "codes", np.array(codes, np.int64))
        object.__setattr__(self, "kinds", kinds)

    @property
    def zero(self) -> int:
        return len(self.attributes)

    def row(self, attribute: str) -> int:
        """Row of an attribute's weights (the zero row if the model does not know it)."""
        return self.attributes.get(attribute, len(self.attributes))

    @classmethod
    def parse(cls, buf: bytes) -> _Model:
        """Read crfsuite's model format (lib/crf/src/crf1d_model.c): header, label and
        attribute dictionaries, features ``(type, source, destination, weight)``."""
        magic, _size, kind, _version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs, _lr, _ar = (
            _HEADER.unpack_from(buf, 0)
        )
        if magic != b"lCRF" or kind != b"FOMC" or buf[off_feat : off_feat + 4] != b"FEAT":
            raise ValueError("not a crfsuite first-order CRF model")
        names = _cqdb(buf, off_labels, n_labels)
        labels = tuple(sorted(names, key=names.__getitem__))
        attributes = _cqdb(buf, off_attrs, n_attrs)
        (count,) = struct.unpack_from("<I", buf, off_feat + 8)
        feats = np.frombuffer(buf, dtype=_FEATURE, count=count, offset=off_feat + 12)
        weights = np.zeros((n_attrs + 1 + n_labels, n_labels))
        state, trans = feats[feats["type"] == 0], feats[feats["type"] == 1]
        weights[state["src"], state["dst"]] = state["weight"]
        weights[n_attrs + 1 + trans["src"].astype(np.int64), trans["dst"]] = trans["weight"]
        return cls(labels, attributes, weights)


@functools.cache
def _model() -> _Model:
    data = resources.files("newscorpus.data").joinpath(MODEL_RESOURCE).read_bytes()
    return _Model.parse(data)


# Columns of a word type's attribute rows (per variant: 0 = sequence without capitals,
# 1 = with): "I" + its shape (when it opens a sentence), its word and shape as the
# previous and the next word, its word two before and two after; and two flags.
_IS, _MW, _MS, _PW, _PS, _MMW, _PPW, _CASED, _OPENS = range(9)


class _Vocabulary:
    """Word types met so far: their own summed weights and their attribute rows.

    Rows are filled once per word type (a news vocabulary repeats); the tables
    double when full. :func:`_vocabulary` starts a fresh one past ``_MAX_TYPES``
    types, so memory stays bounded on a stream of new names.
    """

    def __init__(self, model: _Model, capacity: int = 4096) -> None:
        self.model = model
        self.ids: dict[str, int] = {}
        n_labels = len(model.labels)
        self.own = np.zeros((capacity, 2, n_labels))
        self.rows = np.zeros((capacity, 2, 9), np.int32)
        self.lock = threading.Lock()

    def add(self, word: str) -> int:
        """The row of ``word``, filled if new."""
        self.add_many([word])
        return self.ids[word]

    def add_many(self, words: Sequence[str]) -> None:
        """Fill the rows of the words of ``words`` not met before, in the order they come.

        A word type's own weights are summed as crfsuite sums them: from 0.0, one
        attribute after another in its order, one IEEE addition per label. Here the
        new words are summed together, one NumPy addition per attribute position, an
        attribute the model does not know adding the all-zero row (``x + 0.0`` is
        ``x``: a sum started at +0.0 is never -0.0), so the sums are the same bits.
        """
        with self.lock:
            new = [w for w in dict.fromkeys(words) if w not in self.ids]
            if not new:
                return
            first = len(self.ids)
            end = first + len(new)
            if end > len(self.own):  # new arrays, so a kernel running on the old ones is unaffected
                size = max(1, len(self.own))
                while size < end:
                    size *= 2
                grown = np.zeros((size, *self.own.shape[1:]))
                grown[:first] = self.own[:first]
                grown_rows = np.zeros((size, *self.rows.shape[1:]), np.int32)
                grown_rows[:first] = self.rows[:first]
                self.own, self.rows = grown, grown_rows
            model = self.model
            get, zero = model.attributes.get, model.zero
            # The rows _word's features name, looked up once per word: both variants
            # share every attribute but the shape's four ("lc" without capitals).
            lc_s, lc_ms, lc_ps, lc_is, row_t, row_u, row_short = model.fixed_rows
            attributes: list[list[int]] = []  # per word and variant: rows of its own attributes
            table: list[tuple[int, ...]] = []
            for word in new:
                cased_mark = not word.islower() and word.upper() != word.lower()
                opener = word in _OPENERS
                low = word.casefold()
                shape = _shape(word)
                w, p = get("w=" + low, zero), get("p=" + low[:3], zero)
                x, y = get("x=" + low[-3:], zero), get("y=" + low[-2:], zero)
                flags: list[int] = []  # as _word appends them
                if word[:1].isupper():
                    flags.append(row_t)
                    if word.isupper() and len(word) > 1:
                        flags.append(row_u)
                if len(low) <= 2:
                    flags.append(row_short)
                mw, pw = get("-w=" + low, zero), get("+w=" + low, zero)
                mmw, ppw = get("--w=" + low, zero), get("++w=" + low, zero)
                attributes.append([w, lc_s, p, x, y, *flags])
                attributes.append([w, get("s=" + shape, zero), p, x, y, *flags])
                table.append((lc_is, mw, lc_ms, pw, lc_ps, mmw, ppw, cased_mark, opener))
                table.append((
                    get("Is=" + shape, zero), mw, get("-s=" + shape, zero), pw, get("+s=" + shape, zero), mmw, ppw,
                    cased_mark, opener,
                ))  # fmt: skip
            width = max(map(len, attributes))
            index = np.array([rs + [zero] * (width - len(rs)) for rs in attributes], np.int64)
            weights = model.weights
            total = np.zeros((len(attributes), weights.shape[1]))
            for j in range(width):  # crfsuite's order of addition, from 0.0
                total += weights[index[:, j]]
            self.own[first:end] = total.reshape(len(new), 2, -1)
            self.rows[first:end] = np.array(table, np.int32).reshape(len(new), 2, -1)
            for i, word in enumerate(new, first):
                self.ids[word] = i


_MAX_TYPES = 1 << 17
_FLOAT_MAX = sys.float_info.max  # crfsuite's FLOAT_MAX (DBL_MAX)
_vocab: list[_Vocabulary] = []


def _vocabulary() -> _Vocabulary:
    if not _vocab or len(_vocab[0].ids) >= _MAX_TYPES:
        _vocab[:] = [_Vocabulary(_model())]
    return _vocab[0]


def _tag_lines(
    types: np.ndarray, bounds: np.ndarray, own: np.ndarray, rows: np.ndarray, weights: np.ndarray,
    specials: np.ndarray, codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The decoded spans of each line ``types[bounds[n]:bounds[n + 1]]`` (word type ids).

    Returns rows ``(line, first, last + 1, kind index)`` (:func:`decode` on the
    labels, ``codes`` as in :class:`_Model`) and, per line, whether it has capitals.
    ``specials`` as in :class:`_Model`. A token's state score is summed in
    :func:`sequence_features`' attribute order (the word's own, ``I`` and its shape,
    the previous word's, the next's, two before, two after), as crfsuite sums an
    item; then crfsuite's Viterbi (crf1d_context.c), where a strict ``<`` lets the
    lowest label id win a tie. Compiled by numba at first use (:func:`_kernel`).
    """
    n_labels = own.shape[2]
    i_row, bos, eos, trans = specials[0], specials[1], specials[2], specials[3]
    spans = np.empty((types.shape[0], 4), np.int64)
    cased = np.zeros(bounds.shape[0] - 1, np.uint8)
    m = 0
    for line in range(bounds.shape[0] - 1):
        a, b = bounds[line], bounds[line + 1]
        n = b - a
        c = 0
        for t in range(a, b):
            if rows[types[t], 0, _CASED]:
                c = 1
                break
        cased[line] = c
        score = np.empty((n, n_labels))
        for i in range(n):
            k = types[a + i]
            for y in range(n_labels):
                score[i, y] = own[k, c, y]
            if i == 0 or rows[types[a + i - 1], 0, _OPENS]:
                for r in (np.int64(i_row), np.int64(rows[k, c, _IS])):
                    for y in range(n_labels):
                        score[i, y] += weights[r, y]
            if i > 0:
                p = types[a + i - 1]
                for r in (np.int64(rows[p, c, _MW]), np.int64(rows[p, c, _MS])):
                    for y in range(n_labels):
                        score[i, y] += weights[r, y]
            else:
                for y in range(n_labels):
                    score[i, y] += weights[bos, y]
            if i + 1 < n:
                q = types[a + i + 1]
                for r in (np.int64(rows[q, c, _PW]), np.int64(rows[q, c, _PS])):
                    for y in range(n_labels):
                        score[i, y] += weights[r, y]
            else:
                for y in range(n_labels):
                    score[i, y] += weights[eos, y]
            if i > 1:
                r = rows[types[a + i - 2], c, _MMW]
                for y in range(n_labels):
                    score[i, y] += weights[r, y]
            if i + 2 < n:
                r = rows[types[a + i + 2], c, _PPW]
                for y in range(n_labels):
                    score[i, y] += weights[r, y]
        alpha = np.empty((n, n_labels))
        back = np.zeros((n, n_labels), np.int64)
        for y in range(n_labels):
            alpha[0, y] = score[0, y]
        for t in range(1, n):
            for y in range(n_labels):
                best = -_FLOAT_MAX
                arg = -1
                for x in range(n_labels):
                    s = alpha[t - 1, x] + weights[trans + x, y]
                    if best < s:
                        best = s
                        arg = x
                if arg >= 0:
                    back[t, y] = arg
                alpha[t, y] = best + score[t, y]
        best = -_FLOAT_MAX
        last = 0
        for y in range(n_labels):
            if best < alpha[n - 1, y]:
                best = alpha[n - 1, y]
                last = y
        path = np.empty(n, np.int64)
        path[n - 1] = last
        for t in range(n - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        start, kind = -1, -1
        for i in range(n + 1):  # decode(), with "O" after the last label
            tag = codes[path[i], 0] if i < n else 0
            k = codes[path[i], 1] if i < n else -1
            if start >= 0 and (tag != 2 or k != kind):
                spans[m, 0], spans[m, 1], spans[m, 2], spans[m, 3] = line, start, i, kind
                m += 1
                start = -1
            if tag == 1 or (tag == 2 and start < 0):
                start, kind = i, k
    return spans[:m], cased


@functools.cache
def _kernel() -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """:func:`_tag_lines` compiled by numba.

    Compiling costs ~1.7 s of CPU; numba's on-disk cache (``__pycache__`` beside this
    file, else the user's cache folder) brings a later process's first call to
    ~0.5 s, which every pool worker of every run pays. Where no cache folder is
    writable, numba refuses ``cache=True`` and the kernel is compiled per process.
    """
    import numba

    try:
        return numba.njit(nogil=True, cache=True)(_tag_lines)  # type: ignore[no-any-return]
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(_tag_lines)  # type: ignore[no-any-return]


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


_STOPWORDS: list[Callable[[str | None], frozenset[str]]] = []  # events.analysis.stopwords, once imported


def _stopwords(language: str | None) -> frozenset[str]:
    if not _STOPWORDS:  # imported on first use (events imports this module), not on every call
        from .events.analysis import stopwords

        _STOPWORDS.append(stopwords)
    return _STOPWORDS[0](language)


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
    return _refine(words, decode(labels), stop, cased)


def _refine(
    words: Sequence[str], decoded: Sequence[tuple[int, int, str]], stop: frozenset[str], cased: bool
) -> list[tuple[int, int, str]]:
    """:func:`spans_of` on spans already decoded (``cased``: the sequence has capitals)."""
    out: list[tuple[int, int, str]] = []
    for first, last, kind in decoded:
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


def prepare() -> None:
    """Load the model and compile the tagging kernel now rather than at the first
    :func:`read_entities` call (~2 s of CPU when numba's cache is cold, ~0.5 s warm): call it
    before forking workers so that they share the compiled code."""
    read_entities("Joko Widodo", "en")


def read_entities(text: str, language: str | None = None) -> tuple[Entity, ...]:
    """The person, organisation and place names of ``text``, in order.

    Each line is one sequence for the model; spans never overlap and
    ``text[e.start:e.end] == e.text`` (see :func:`spans_of` for the precision
    rules applied to the model's labels).
    """
    if not text:
        return ()
    return read_entities_many((text,), language)[0]


def read_entities_many(texts: Sequence[str], language: str | None = None) -> list[tuple[Entity, ...]]:
    """:func:`read_entities` of each of ``texts``, in one pass: the same entities as
    one call per text (lines are independent sequences for the model), with one
    kernel call and one vocabulary update for all of them, which is what a call
    costs beyond its tokens (an article's headline and lead paragraphs are read
    so)."""
    out: list[tuple[Entity, ...]] = [()] * len(texts)
    vocab = _vocabulary()
    lines: list[tuple[int, int, str, list[str]]] = []  # (text index, offset of the line, line, its tokens)
    bounds = [0]
    tokens: list[str] = []
    findall = _TOKEN.findall
    for n, text in enumerate(texts):
        base = 0
        for line_text in text.split("\n"):  # the lines _LINE finds, with their offsets
            words = findall(line_text) if line_text else None
            if words:
                tokens += words
                bounds.append(len(tokens))
                lines.append((n, base, line_text, words))
            base += len(line_text) + 1
    if not lines:
        return out
    types: list[int | None] = list(map(vocab.ids.get, tokens))
    if None in types:  # new word types: their rows filled together
        vocab.add_many([w for w, i in zip(tokens, types, strict=True) if i is None])
        types = list(map(vocab.ids.get, tokens))
    model = vocab.model
    found, cased = _kernel()(
        np.array(types, np.int32), np.array(bounds, np.int64), vocab.own, vocab.rows, model.weights,
        model.specials, model.codes,
    )  # fmt: skip
    if not len(found):
        return out
    stop = _stopwords(language)
    kinds = model.kinds
    per_text: dict[int, list[Entity]] = {}
    for line, group in itertools.groupby(found.tolist(), key=operator.itemgetter(0)):
        n, base, line_text, words = lines[line]
        decoded = [(first, last, kinds[k]) for _n, first, last, k in group]
        spans = _refine(words, decoded, stop, bool(cased[line]))
        if spans:
            text = texts[n]
            got = per_text.setdefault(n, [])
            starts = _starts(line_text, words)
            for first, last, kind in spans:
                start, end = base + starts(first), base + starts(last - 1) + len(words[last - 1])
                got.append(Entity(start, end, kind, text[start:end]))  # type: ignore[arg-type]
    for n, got in per_text.items():
        out[n] = tuple(got)
    return out


def _starts(line: str, words: list[str]) -> Callable[[int], int]:
    """The offset in ``line`` of its token ``k``, as a function of ``k``.

    Tokens cover every character but whitespace, so where words are separated by
    single spaces token ``k`` starts after the characters of the tokens before it
    and one space per space-separated chunk before it (found by bisection);
    otherwise the tokenizer's own offsets are used.
    """
    chunks = line.split()
    if " ".join(chunks) != line:
        offsets = tokenize(line)
        return lambda k: offsets[k][0]
    ends = list(itertools.accumulate(map(len, chunks)))
    before = list(itertools.accumulate(map(len, words), initial=0))
    return lambda k: before[k] + bisect.bisect_right(ends, before[k])
