"""newscorpus plugin entry point of ``newscorpus-warc`` (entry-point group ``newscorpus``)."""

from __future__ import annotations

from newscorpus.hookspecs import Register, hookimpl
from newscorpus.readers import Reader

from .reader import WarcReader


@hookimpl
def register_readers(register: Register[Reader]) -> None:
    """Register the WARC reader."""
    register(WarcReader)
