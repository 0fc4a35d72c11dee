"""newscorpus plugin entry point of ``newscorpus-feeds`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.hookspecs import Register, hookimpl
from newscorpus.parsers import Parser
from newscorpus.readers import Reader

from .parser import FeedItemParser
from .reader import FeedReader


@hookimpl
def register_readers(register: Register[Reader]) -> None:
    """Register the feed and sitemap reader."""
    register(FeedReader)


@hookimpl
def register_parsers(register: Register[Parser]) -> None:
    """Register the feed item parser."""
    register(FeedItemParser)
