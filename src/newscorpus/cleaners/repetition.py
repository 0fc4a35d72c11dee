"""Corpus repetition: a body line that recurs across many articles of one source is
that source's boilerplate (its footer, its follow-us line, its app promotion, its
newsletter box), whatever words the outlet chose for it.

Rule packs and the line model judge one article at a time. In a crawl, the
strongest evidence that a line is page furniture is that the same outlet prints it
under many different stories. This module holds the in-memory logic the pipeline's
``repetition`` stages run shard by shard (:mod:`newscorpus.stages.repetition`), and
that notebooks and benchmarks can call directly::

    counts = RepetitionCounts()
    for article in articles:
        counts.add(article)
    repeated = repeated_lines(counts)            # min_count=5, min_fraction=0.1
    cleaned = [apply_repetition(a, repeated) for a in articles]

How a line is compared (:func:`line_key`): case-folded; every token holding a
digit becomes one number mask; every capitalised token after the first becomes a
name mask (runs of masks fold into one, so ``Reported by Ali`` and ``Reported by
Siti Nurhaliza`` compare equal); punctuation and whitespace fold away; the result
is hashed to 64 bits (xxHash64). A line counts once per article (document
frequency), per source (:func:`source_of`: the host of the article's URL, else its
``source`` field).

Guards, all applied by :func:`apply_repetition` (precision first):

* the title, the subtitle and the first body paragraph are never cut;
* a line must recur in at least ``min_count`` articles *and* ``min_fraction`` of
  its source's articles (:func:`repeated_lines`);
* a line that reads as news prose (at least ``prose_words`` words and ending in
  sentence punctuation, :func:`looks_like_prose`) is cut only when it recurs in at
  least ``prose_fraction`` of its source's articles: a recurring background
  sentence of a running story stays, a disclaimer printed under half the site's
  stories goes;
* a line with no word left after masking (a date, a score, a separator) is never
  counted nor cut;
* only the first and last ``edge_lines`` body paragraphs of each article are
  counted and cut: page furniture sits at the head and the tail, and the cap bounds
  the memory of the count at ``2 * edge_lines`` keys per article.
"""

from __future__ import annotations

import io
import json
import re
import struct
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any, Final

import attrs
import numpy as np
import xxhash

from ..models import Article
from ..outlets import domain_of
from .base import Cut, apply_cuts

__all__ = [
    "DEFAULT_EDGE_LINES",
    "DEFAULT_MIN_COUNT",
    "DEFAULT_MIN_FRACTION",
    "DEFAULT_PROSE_FRACTION",
    "DEFAULT_PROSE_WORDS",
    "PLUGIN",
    "RULE",
    "RepeatedLines",
    "RepetitionCounts",
    "apply_repetition",
    "candidate_lines",
    "line_key",
    "looks_like_prose",
    "repeated_lines",
    "repetition_cuts",
    "source_of",
    "source_of_record",
]

#: Rule id of every cut this layer makes (``Removal.rule``).
RULE: Final = "repetition.source"
#: ``Removal.plugin`` of those cuts.
PLUGIN: Final = "repetition"
#: A line must recur in at least this many articles of its source.
DEFAULT_MIN_COUNT: Final = 5
#: ... and in at least this share of its source's articles.
DEFAULT_MIN_FRACTION: Final = 0.1
#: Paragraphs counted and cut at each end of the body (0: every paragraph).
DEFAULT_EDGE_LINES: Final = 5
#: A line of at least this many words that ends like a sentence reads as prose.
DEFAULT_PROSE_WORDS: Final = 15
#: Prose is cut only when it recurs in at least this share of its source's articles.
DEFAULT_PROSE_FRACTION: Final = 0.5

_NUMBER: Final = "\x01"
_NAME: Final = "\x02"
# Runs of letters and digits, as (token holding a digit, token of letters only):
# everything else (punctuation, symbols, spaces) folds away.
_TOKEN: Final = re.compile(r"([^\W_]*\d[^\W_]*)|([^\W\d_]+)")
# Sentence-final punctuation, then optional closing quotes or brackets.
_SENTENCE_END: Final = re.compile(r"[.!?…。！？؟।](?:[\"'”’»)\]]*)$")


# The same for ASCII lines (most lines), as bytes, in a few passes of C code
# instead of a Python loop over tokens: non-alphanumerics to spaces, tokens holding
# a digit to the number mask, capitalised tokens after the first to the name mask,
# runs of one mask folded. NFKC leaves ASCII unchanged. ``tests/test_repetition.py``
# checks that both paths give the same form.
_ASCII_SPACES: Final = bytes(c if chr(c).isalnum() else 32 for c in range(256))
_ASCII_DIGIT: Final = re.compile(rb"[0-9]")
_ASCII_NAME: Final = re.compile(rb" [A-Z][^ ]*")
_ASCII_WORD: Final = re.compile(rb"[^\x01\x02 ]")
_MASK_RUN: Final = re.compile(rb"([\x01\x02])(?: \1)+")


def _mask_numbers(text: bytes) -> bytes:
    """Each space-separated token of ``text`` holding a digit replaced by the number mask."""
    m = _ASCII_DIGIT.search(text)
    if m is None:
        return text
    parts: list[bytes] = []
    last = 0
    while m is not None:
        start = text.rfind(b" ", 0, m.start()) + 1
        end = text.find(b" ", m.start())
        end = len(text) if end < 0 else end
        parts += (text[last:start], b"\x01")
        last = end
        m = _ASCII_DIGIT.search(text, end)
    parts.append(text[last:])
    return b"".join(parts)


def _normal_bytes(line: str) -> tuple[bytes, bool]:
    """:func:`_normal` as UTF-8 bytes (what is hashed)."""
    if line.isascii():
        spaced = b" ".join(line.encode("ascii").translate(_ASCII_SPACES).split())
        text = _ASCII_NAME.sub(b" \x02", _mask_numbers(spaced))
        return _MASK_RUN.sub(rb"\1", text).lower(), _ASCII_WORD.search(text) is not None
    text_u, words = _normal_unicode(line)
    return text_u.encode("utf-8"), words


def _normal(line: str) -> tuple[str, bool]:
    """The normalised form of ``line`` (see :func:`line_key`), and whether a word
    is left in it after masking."""
    text, words = _normal_bytes(line)
    return text.decode("utf-8"), words


def _normal_unicode(line: str) -> tuple[str, bool]:
    """:func:`_normal` of any line, token by token (the reference the ASCII path follows)."""
    out: list[str] = []
    words = False
    for i, (number, word) in enumerate(_TOKEN.findall(unicodedata.normalize("NFKC", line))):
        if number:
            part = _NUMBER
        elif i and word[0].isupper():
            part = _NAME
        else:
            part, words = word, True
        if out and part == out[-1] and part in (_NUMBER, _NAME):
            continue  # "Datuk Seri Anwar Ibrahim" is one name, "6.25" one number
        out.append(part)
    # One case-fold of the joined form (the masks are unchanged by it).
    return " ".join(out).casefold(), words


def _key(line: str) -> int | None:
    """The key of ``line``, or ``None`` when no word is left after masking."""
    text, words = _normal_bytes(line)
    return xxhash.xxh64_intdigest(text) if words else None


def line_key(line: str) -> int:
    """The 64-bit key lines are compared by: case-folded (after NFKC), each token
    holding a digit masked as one number, each capitalised token after the first
    masked as a name (runs of masks fold into one), punctuation and whitespace
    folded away, hashed with xxHash64.

    >>> line_key("Follow Majoriti on Telegram!") == line_key("follow  Kosmo on Telegram")
    True
    >>> line_key("Posted on 3 May 2023") == line_key("Posted on 12 June 2024")
    True
    """
    return xxhash.xxh64_intdigest(_normal_bytes(line)[0])


def looks_like_prose(line: str, prose_words: int = DEFAULT_PROSE_WORDS) -> bool:
    """Whether ``line`` reads as a news sentence: at least ``prose_words``
    whitespace-separated words holding a letter, and sentence-final punctuation
    (``. ! ? …`` and their CJK, Arabic and Devanagari forms, optionally followed by
    closing quotes or brackets). Language-independent on purpose: it looks at the
    shape of the line, not at its words."""
    words = sum(1 for w in line.split() if any(c.isalpha() for c in w))
    return words >= prose_words and _SENTENCE_END.search(line.rstrip()) is not None


def source_of(article: Article) -> str | None:
    """The source whose template printed ``article``: the registered domain of its
    URL (or of the URL its container recorded), else its ``source`` field
    case-folded; ``None`` when nothing names it.

    The host comes first because boilerplate belongs to a site's template: a wire
    story carries ``source: Reuters`` from its dateline on every outlet that runs
    it, but each outlet prints its own footer under it.
    """
    for url in (article.url, article.provenance.url):
        if url:
            domain = domain_of(url)
            if domain:
                return domain
    name = (article.source or "").strip().casefold()
    return name or None


def source_of_record(data: Mapping[str, Any]) -> str | None:
    """:func:`source_of` on an article's JSON form (``article_to_dict``), without
    building the :class:`Article`."""
    prov = data.get("provenance") or {}
    for url in (data.get("url"), prov.get("url") if isinstance(prov, Mapping) else None):
        if isinstance(url, str) and url:
            domain = domain_of(url)
            if domain:
                return domain
    name = data.get("source")
    name = name.strip().casefold() if isinstance(name, str) else ""
    return name or None


def candidate_lines(body: Sequence[str], edge_lines: int = DEFAULT_EDGE_LINES) -> Iterator[tuple[int, str]]:
    """``(index, paragraph)`` of the body paragraphs this layer counts and may
    cut: never the first, and only the first and last ``edge_lines`` of the body
    (all of them when ``edge_lines`` is 0)."""
    n = len(body)
    for i in range(1, n):
        if not edge_lines or i <= edge_lines or i >= n - edge_lines:
            yield i, body[i]


def _article_keys(body: Sequence[str], edge_lines: int) -> set[int]:
    keys = set()
    for _i, line in candidate_lines(body, edge_lines):
        key = _key(line)
        if key is not None:
            keys.add(key)
    return keys


_MAGIC: Final = b"NCREP1\n"
_HEAD: Final = struct.Struct("<Q")


class RepetitionCounts:
    """How many articles of each source carry each line key (document frequency),
    and how many articles each source has.

    Args:
        edge_lines: Body paragraphs counted at each end of an article (0: all);
            see :func:`candidate_lines`. Counts of different ``edge_lines`` cannot
            be merged.

    Attributes:
        articles: Articles counted, by source.
        lines: For each source, line key -> number of its articles holding the line.
    """

    def __init__(self, edge_lines: int = DEFAULT_EDGE_LINES) -> None:
        if edge_lines < 0:
            raise ValueError(f"edge_lines must be >= 0, got {edge_lines}")
        self.edge_lines = edge_lines
        self.articles: Counter[str] = Counter()
        self.lines: dict[str, Counter[int]] = {}

    def add(self, article: Article) -> None:
        """Count ``article`` (nothing when its source is unknown)."""
        self.add_lines(source_of(article), article.body)

    def add_lines(self, source: str | None, body: Sequence[str]) -> None:
        """Count one article given as its source and body paragraphs."""
        if source is None:
            return
        self.articles[source] += 1
        keys = _article_keys(body, self.edge_lines)
        if keys:
            self.lines.setdefault(source, Counter()).update(keys)

    def update(self, other: RepetitionCounts) -> None:
        """Add ``other``'s counts to these, in place."""
        if other.edge_lines != self.edge_lines:
            raise ValueError(f"cannot merge counts of edge_lines {other.edge_lines} into {self.edge_lines}")
        self.articles.update(other.articles)
        for source, counts in other.lines.items():
            self.lines.setdefault(source, Counter()).update(counts)

    def merge(self, other: RepetitionCounts) -> RepetitionCounts:
        """A new count holding both (associative and commutative)."""
        out = RepetitionCounts(self.edge_lines)
        out.update(self)
        out.update(other)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RepetitionCounts):
            return NotImplemented
        return (self.edge_lines == other.edge_lines and +self.articles == +other.articles
                and {s: +c for s, c in self.lines.items() if +c} == {s: +c for s, c in other.lines.items() if +c})

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n = sum(len(c) for c in self.lines.values())
        return f"RepetitionCounts({sum(self.articles.values())} articles, {len(self.articles)} sources, {n} keys)"

    # -- the file form ------------------------------------------------------------------

    def write(self, fh: IO[bytes], partitions: int = 1) -> None:
        """Write the counts to a binary file: a magic line, the length of a JSON
        header, the header (sources, their article counts, edge_lines, and where
        each block is), then blocks of sorted little-endian ``uint64`` keys and
        ``uint32`` counts, one block per (partition, source); a key lies in
        partition ``key % partitions``. About 12 bytes a key; no pickle."""
        names = sorted(self.articles)
        blocks: list[tuple[int, int, int, int]] = []  # partition, source index, offset, n
        data = io.BytesIO()
        for s, name in enumerate(names):
            counts = self.lines.get(name)
            if not counts:
                continue
            keys = np.fromiter(counts.keys(), dtype=np.uint64, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.uint32, count=len(counts))
            order = np.argsort(keys, kind="stable")
            keys, values = keys[order], values[order]
            parts = keys % np.uint64(partitions)
            for p in range(partitions):
                sel = parts == p
                n = int(sel.sum())
                if n:
                    blocks.append((p, s, data.tell(), n))
                    data.write(keys[sel].astype("<u8").tobytes())
                    data.write(values[sel].astype("<u4").tobytes())
        blocks.sort()
        header = json.dumps({"edge_lines": self.edge_lines, "partitions": partitions, "sources": names,
                             "articles": [self.articles[n] for n in names], "blocks": blocks},
                            ensure_ascii=False).encode("utf-8")
        fh.write(_MAGIC + _HEAD.pack(len(header)) + header)
        fh.write(data.getbuffer())

    @classmethod
    def read(cls, fh: IO[bytes], partition: int | None = None) -> RepetitionCounts:
        """Read counts :meth:`write` wrote; with ``partition``, only the keys of that
        partition (every source's article count is always read).

        Raises:
            ValueError: The file is not a counts file.
        """
        if fh.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a repetition counts file")
        (size,) = _HEAD.unpack(fh.read(_HEAD.size))
        header = json.loads(fh.read(size))
        base = len(_MAGIC) + _HEAD.size + size
        out = cls(int(header["edge_lines"]))
        names: list[str] = header["sources"]
        out.articles.update({n: int(c) for n, c in zip(names, header["articles"], strict=True) if c})
        for p, s, offset, n in header["blocks"]:
            if partition is not None and p != partition:
                continue
            fh.seek(base + offset)
            keys = np.frombuffer(fh.read(8 * n), dtype="<u8")
            values = np.frombuffer(fh.read(4 * n), dtype="<u4")
            out.lines.setdefault(names[s], Counter()).update(dict(zip(keys.tolist(), values.tolist(), strict=True)))
        return out

    def to_bytes(self, partitions: int = 1) -> bytes:
        """The file form as bytes (see :meth:`write`)."""
        buf = io.BytesIO()
        self.write(buf, partitions)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, partition: int | None = None) -> RepetitionCounts:
        """Counts from :meth:`to_bytes` output."""
        return cls.read(io.BytesIO(data), partition)


@attrs.frozen
class RepeatedLines:
    """The line keys that recur in enough articles of their source.

    Attributes:
        articles: Articles counted, by source.
        lines: For each source, repeated key -> number of its articles holding it.
        edge_lines: The ``edge_lines`` the counts were made with; cuts use the same.
    """

    articles: dict[str, int]
    lines: dict[str, dict[int, int]]
    edge_lines: int = DEFAULT_EDGE_LINES

    def keys_for(self, source: str | None) -> Mapping[int, int]:
        """The repeated keys of ``source`` (empty for an unknown source)."""
        return self.lines.get(source, {}) if source is not None else {}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (keys as integers)."""
        return {"edge_lines": self.edge_lines, "articles": dict(self.articles),
                "lines": {s: sorted(k.items()) for s, k in self.lines.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepeatedLines:
        """Read :meth:`to_dict` data."""
        return cls(articles={str(s): int(n) for s, n in data["articles"].items()},
                   lines={str(s): {int(k): int(c) for k, c in pairs} for s, pairs in data["lines"].items()},
                   edge_lines=int(data["edge_lines"]))

    def union(self, other: RepeatedLines) -> RepeatedLines:
        """The keys of both (tables of disjoint key partitions of one count)."""
        lines = {s: dict(k) for s, k in self.lines.items()}
        for s, k in other.lines.items():
            lines.setdefault(s, {}).update(k)
        return RepeatedLines({**self.articles, **other.articles}, lines, self.edge_lines)


def repeated_lines(counts: RepetitionCounts, min_count: int = DEFAULT_MIN_COUNT,
                   min_fraction: float = DEFAULT_MIN_FRACTION) -> RepeatedLines:
    """The keys of each source carried by at least ``min_count`` of its articles
    and at least ``min_fraction`` of them."""
    if min_count < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}")
    if not 0.0 <= min_fraction <= 1.0:
        raise ValueError(f"min_fraction must be between 0 and 1, got {min_fraction}")
    lines: dict[str, dict[int, int]] = {}
    for source, keys in counts.lines.items():
        floor = max(min_count, min_fraction * counts.articles[source])
        kept = {k: c for k, c in keys.items() if c >= floor}
        if kept:
            lines[source] = kept
    return RepeatedLines(dict(counts.articles), lines, counts.edge_lines)


def repetition_cuts(source: str | None, body: Sequence[str], repeated: RepeatedLines,
                    prose_words: int = DEFAULT_PROSE_WORDS,
                    prose_fraction: float = DEFAULT_PROSE_FRACTION) -> list[Cut]:
    """The cuts :func:`apply_repetition` would make in an article of ``source``
    with ``body`` (empty when the source has no repeated line)."""
    keys = repeated.keys_for(source)
    if not keys:
        return []
    assert source is not None
    total = repeated.articles.get(source, 0)
    cuts = []
    for i, line in candidate_lines(body, repeated.edge_lines):
        key = _key(line)
        count = keys.get(key, 0) if key is not None else 0
        if not count:
            continue
        if total and count < prose_fraction * total and looks_like_prose(line, prose_words):
            continue
        cuts.append(Cut("body", i, RULE, f"the line (numbers and names masked) recurs in {count} of the "
                        f"{total} articles of {source}: that source's boilerplate"))
    return cuts


def apply_repetition(article: Article, repeated: RepeatedLines, *, prose_words: int = DEFAULT_PROSE_WORDS,
                     prose_fraction: float = DEFAULT_PROSE_FRACTION) -> Article:
    """Cut the body paragraphs of ``article`` whose key is repeated in its source,
    each recorded as a :class:`~newscorpus.models.Removal` (rule
    :data:`RULE`, plugin :data:`PLUGIN`) whose reason says how many articles of
    the source carry the line. The guards are in the module docstring. Returns
    the same object when nothing is cut."""
    cuts = repetition_cuts(source_of(article), article.body, repeated, prose_words, prose_fraction)
    return apply_cuts(article, cuts, PLUGIN) if cuts else article
