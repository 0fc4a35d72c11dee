"""Parsers: raw documents to Articles.

Add a parser: subclass :class:`Parser`, then register it from a plugin's
``register_parsers`` hook (see ``docs/plugins.md``).
"""

from .base import Parser, provenance_of
from .plaintext import ParsedText, analyse_paragraphs, split_paragraphs

__all__ = ["ParsedText", "Parser", "analyse_paragraphs", "provenance_of", "split_paragraphs"]
