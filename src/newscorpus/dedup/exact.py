"""Exact duplicates: the same text once normalised."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import xxhash

from ..models import Article
from ..options import one_of, option
from .base import Candidate, Deduplicator
from .text import article_text, joined_tokens

__all__ = ["ExactDeduplicator"]


class ExactDeduplicator(Deduplicator):
    """Articles whose texts are equal after normalisation are duplicates.

    The signature is the 128-bit xxh3 hash of the normalised token sequence
    (NFKC, case folded, punctuation and whitespace folded; see
    :mod:`newscorpus.dedup.text`), as 32 hex digits; it is also the only bucket key.

    Options:
        fields: ``body`` (default: the body, or the title when there is no body)
            or ``full`` (title, subtitle and body).
        min_tokens: Texts with fewer tokens get no signature: two stubs reading
            "Photo: Reuters" are not the same article (default 8).
    """

    name = "exact"
    default = True
    signature_version = 1
    signature_options = ("fields", "min_tokens")
    # A bucket is a set of identical texts: any member can stand for the others.
    max_bucket = 50

    @attrs.frozen
    class Options:
        """Options of ``exact``."""

        fields: str = option("body", "`body` (the body, or the title without one) or `full` (title, subtitle, body).",
                             one_of("body", "full"))
        min_tokens: int = option(8, "Texts with fewer tokens get no signature.")

    def __init__(self, fields: str = "body", min_tokens: int = 8, **options: Any) -> None:
        super().__init__(fields=fields, min_tokens=min_tokens, **options)
        if fields not in ("body", "full"):
            raise ValueError(f"fields must be 'body' or 'full', got {fields!r}")
        self.fields = fields
        self.min_tokens = int(min_tokens)

    def signature(self, article: Article) -> str | None:
        """Hex digest of the normalised text, or ``None`` for a too short text."""
        joined, count = joined_tokens(article_text(article, self.fields))
        if count < self.min_tokens:
            return None
        return xxhash.xxh3_128_hexdigest(joined)

    def keys(self, signature: Any) -> Iterable[str]:
        """The digest itself."""
        return (str(signature),)

    def verify(self, a: Candidate, b: Candidate) -> float | None:
        """``1.0`` when the digests are equal."""
        return 1.0 if a.signature == b.signature else None
