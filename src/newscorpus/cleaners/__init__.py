"""Cleaners: remove boilerplate lines from articles, recording every cut.

Add a cleaner: subclass :class:`Cleaner`, then register it from a plugin's
``register_cleaners`` hook (see ``docs/plugins.md``). Add patterns without code:
write a YAML rule pack (see ``docs/cleaning.md``).
"""

from .base import Cleaner, Cut, apply_cuts

__all__ = ["Cleaner", "Cut", "apply_cuts"]
