"""newscorpus plugin entry point of ``newscorpus-html`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.hookspecs import Register, hookimpl
from newscorpus.parsers import Parser
from newscorpus.readers import Reader

from .parser import HtmlParser
from .reader import HtmlReader


@hookimpl
def register_readers(register: Register[Reader]) -> None:
    """Register the HTML page reader."""
    register(HtmlReader)


@hookimpl
def register_parsers(register: Register[Parser]) -> None:
    """Register the trafilatura-based HTML parser."""
    register(HtmlParser)
