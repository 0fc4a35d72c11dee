"""Source readers: turn input files into raw documents.

Add a reader: subclass :class:`Reader`, then register it from a plugin's
``register_readers`` hook (see ``docs/plugins.md``).
"""

from .base import InputUnit, Limits, RawDocument, Reader
from .text import read_bounded

__all__ = ["InputUnit", "Limits", "RawDocument", "Reader", "read_bounded"]
