"""newscorpus plugin entry point of ``newscorpus-html`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.hookspecs import Register, hookimpl

from .parser import HtmlParser
from .reader import HtmlReader


@hookimpl
def register_readers(register: Register) -> None:
    """Register the HTML page reader."""
    register(HtmlReader)


@hookimpl
def register_parsers(register: Register) -> None:
    """Register the trafilatura-based HTML parser."""
    register(HtmlParser)
