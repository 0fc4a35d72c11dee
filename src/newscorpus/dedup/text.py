"""Text normalisation and token hashing shared by the deduplicators.

Normalisation is Unicode NFKC (full-width digits, ligatures, compatibility forms),
then case folding, then punctuation and whitespace folding: a text becomes the
sequence of its ``\\w+`` tokens. Two texts that differ only in case, quotes,
dashes, spacing or compatibility characters normalise to the same tokens.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import xxhash

from ..models import Article

__all__ = ["TokenHasher", "article_text", "normalize", "tokens"]

_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """NFKC and case folding (punctuation is folded by :func:`tokens`)."""
    if not text.isascii():  # NFKC leaves ASCII unchanged: skip the pass for it
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def tokens(text: str) -> list[str]:
    """The normalised word tokens of ``text``."""
    return _WORD.findall(normalize(text))


def article_text(article: Article, fields: str = "body") -> str:
    """The text a deduplicator reads: ``body`` (falling back to the title when the
    body is empty) or ``full`` (title, subtitle and body)."""
    if fields == "full":
        return article.full_text
    return article.text or article.title


class TokenHasher:
    """64-bit xxh3 hashes of tokens, memoised for the most common tokens.

    Hashing each token costs an ``encode`` and a call; news vocabularies are
    Zipfian, so a bounded cache of the first ``cache_size`` distinct tokens seen
    answers most lookups from a dict at C speed.
    """

    def __init__(self, cache_size: int = 1 << 18) -> None:
        self.cache_size = cache_size
        self._cache: dict[str, int] = {}

    def __call__(self, toks: Sequence[str]) -> np.ndarray:
        """Hashes of ``toks`` as a ``uint64`` array."""
        cache = self._cache
        if len(toks) > 1:
            try:  # one C-level lookup of every token: the common case once the cache is warm
                return np.array(operator.itemgetter(*toks)(cache), dtype=np.uint64)
            except KeyError:
                pass
        get = cache.get
        out = [get(t) for t in toks]
        h = xxhash.xxh3_64_intdigest
        room = self.cache_size - len(cache)
        for i, v in enumerate(out):
            if v is None:
                t = toks[i]
                v = out[i] = h(t.encode("utf-8"))
                if room > 0:
                    cache[t] = v
                    room -= 1
        return np.array(out, dtype=np.uint64)
