"""Text normalisation and token hashing shared by the deduplicators.

Normalisation is Unicode NFKC (full-width digits, ligatures, compatibility forms),
then case folding, then punctuation and whitespace folding: a text becomes the
sequence of its ``\\w+`` tokens. Two texts that differ only in case, quotes,
dashes, spacing or compatibility characters normalise to the same tokens.

Tokenising is done on bytes rather than with a ``\\w+`` regular expression (which
costs about 60 ns a character): the text is encoded once, its few distinct
non-ASCII non-word characters are replaced by spaces and a byte table turns every
ASCII non-word byte into a space. The tokens are then the runs of non-space bytes,
exactly the ``\\w+`` matches of the normalised text (a test checks this against
the regular expression).
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from ..models import Article
from .minhash import fmix64

__all__ = ["article_text", "hash_tokens", "joined_tokens", "normalize", "token_bytes", "tokens"]

# ASCII bytes: upper case to lower case (ASCII case folding), other non-word bytes to
# spaces; bytes >= 0x80 belong to multi-byte characters, which token_bytes folds itself.
_TABLE = bytes(ord(chr(c).lower()) if c < 0x80 and chr(c).isalnum() else c if c >= 0x80 or c == 0x5F else 0x20
               for c in range(256))
_ASCII = bytes(range(0x80))
_SPACE = np.uint8(0x20)
_BASE = np.uint64(0x100000001B3)  # odd (FNV prime): the powers never vanish mod 2**64
_LEN = np.uint64(0x9E3779B97F4A7C15)


def normalize(text: str) -> str:
    """NFKC and case folding (punctuation is folded by :func:`tokens`)."""
    if not text.isascii():  # NFKC leaves ASCII unchanged: skip the pass for it
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


# Memo of the last texts, bounded by their size: in a parse task `exact` and `near`
# read the same batch of texts, so the second one finds them normalised (the key is
# the text itself, so a hit is always right).
_MEMO: OrderedDict[str, bytes] = OrderedDict()
_MEMO_SIZE = [0]
_MEMO_CHARS = 1 << 23  # ~8M characters: a few thousand articles, tens of MB at most


def token_bytes(text: str) -> bytes:
    """UTF-8 of the normalised ``text`` with every non-word character replaced by
    a space: its tokens are the runs of non-space bytes (runs of spaces remain)."""
    out = _MEMO.get(text)
    if out is None:
        out = _MEMO[text] = _token_bytes(text)
        _MEMO_SIZE[0] += len(text)
        while _MEMO_SIZE[0] > _MEMO_CHARS and _MEMO:
            _MEMO_SIZE[0] -= len(_MEMO.popitem(last=False)[0])
    return out


def _token_bytes(text: str) -> bytes:
    if text.isascii():  # NFKC leaves ASCII alone; the byte table folds its case
        return text.encode("ascii").translate(_TABLE)
    if not unicodedata.is_normalized("NFKC", text):  # the check is ~6x cheaper than NFKC
        text = unicodedata.normalize("NFKC", text)
    raw = text.encode("utf-8", "surrogatepass")
    # Case folding maps each character on its own (no context), so the few distinct
    # non-ASCII characters are folded one by one and ASCII by the byte table: str.casefold
    # on a non-ASCII text costs ~15x more. The characters come from the non-ASCII bytes
    # alone, at C speed; UTF-8 is self-synchronising, so replacing a character's bytes is exact.
    chars = non_ascii_chars(raw)
    folded = False
    for ch in chars:
        low = ch.casefold()
        if low != ch:
            raw, folded = raw.replace(utf8(ch), utf8(low)), True
    for ch in non_ascii_chars(raw) if folded else chars:
        if not ch.isalnum():  # what `\w` means for a non-ASCII character (quotes, dashes)
            raw = raw.replace(utf8(ch), b" ")
    return raw.translate(_TABLE)


def non_ascii_chars(raw: bytes) -> set[str]:
    """The distinct non-ASCII characters of UTF-8 ``raw``, found from its non-ASCII bytes
    alone (UTF-8 is self-synchronising, so replacing a character's bytes is exact)."""
    return set(raw.translate(None, _ASCII).decode("utf-8", "surrogatepass"))


def utf8(ch: str) -> bytes:
    """``ch`` as UTF-8, lone surrogates included."""
    return ch.encode("utf-8", "surrogatepass")


def tokens(text: str) -> list[str]:
    """The normalised word tokens of ``text`` (the ``\\w+`` runs of :func:`normalize`)."""
    # the only whitespace left is the space, so str.split() splits exactly at the gaps
    return token_bytes(text).decode("utf-8", "surrogatepass").split()


def joined_tokens(text: str) -> tuple[bytes, int]:
    """The normalised tokens joined by single spaces (UTF-8), and their number."""
    parts = token_bytes(text).split()
    return b" ".join(parts), len(parts)


def article_text(article: Article, fields: str = "body") -> str:
    """The text a deduplicator reads: ``body`` (falling back to the title when the
    body is empty) or ``full`` (title, subtitle and body)."""
    if fields == "full":
        return article.full_text
    return article.text or article.title


#: Bytes of text whose tokens are hashed together: bounds the temporary arrays.
_CHUNK = 1 << 20
_POWERS: list[np.ndarray] = [np.ones(1, dtype=np.uint64)]


def _powers(n: int) -> np.ndarray:
    """``_BASE ** i`` for ``i < n`` (mod 2**64), grown on demand and kept."""
    if len(_POWERS[0]) < n:
        with np.errstate(over="ignore"):
            pw = np.cumprod(np.full(max(n, 64), _BASE, dtype=np.uint64))
        _POWERS[0] = np.concatenate(([np.uint64(1)], pw[:-1]))
    return _POWERS[0]


def hash_tokens(texts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the tokens of :func:`token_bytes` outputs, for a batch.

    Each token's hash is a polynomial over its UTF-8 bytes plus its length, put
    through MurmurHash3's finaliser. All tokens of a batch are hashed together in
    NumPy: no Python object per token (one ``xxh3`` call per token cost ~6x more).

    Returns:
        ``(hashes, counts)``: the ``uint64`` hashes of every token of the batch in
        order, and the number of tokens of each text.
    """
    out: list[np.ndarray] = []
    counts = np.zeros(len(texts), dtype=np.int64)
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and (j == i or size + len(texts[j]) < _CHUNK):
            size += len(texts[j]) + 1
            j += 1
        hashes, per_text = _hash_chunk(texts[i:j])
        out.append(hashes)
        counts[i:j] = per_text
        i = j
    return (np.concatenate(out) if out else np.zeros(0, dtype=np.uint64)), counts


def _hash_chunk(texts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    buf = np.frombuffer(b" ".join(texts), dtype=np.uint8)
    # token boundaries: where a run of non-space bytes starts and ends (the space
    # between two texts keeps their tokens apart)
    space = np.ones(len(buf) + 2, dtype=bool)
    np.equal(buf, _SPACE, out=space[1:-1])
    edges = np.flatnonzero(space[1:] != space[:-1])
    starts, ends = edges[0::2], edges[1::2]
    lens = ends - starts
    text_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    per_text = np.diff(np.append(np.searchsorted(starts, text_starts), len(starts)))
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), per_text
    pos = np.flatnonzero(~space[1:-1])  # every byte of every token, in order
    power = _powers(int(lens.max()))[np.repeat(ends - 1, lens) - pos]  # Horner's powers
    with np.errstate(over="ignore"):
        terms = buf[pos].astype(np.uint64) * power
        poly = np.add.reduceat(terms, np.cumsum(lens) - lens)
        hashes = fmix64(poly + lens.astype(np.uint64) * _LEN)
    return hashes, per_text
