"""Cleaners: remove boilerplate lines from articles, recording every cut.

The built-in cleaners (run in this order by default):

* ``linemodel`` - boilerplate in wordings no rule pack holds, scored by the learned line model;
* ``lede`` - a lede or title repeated as a body paragraph (keeps the longer form);
* ``related`` - read-also and related-article lines (``Baca juga: ...``);
* ``legal`` - copyright, legal, disclosure and newsletter lines;
* ``footers`` - share / follow / subscribe footers, social-network lists, clutter;
* ``promotion`` - the outlet addressing the reader about itself (its app, channel, donations, tip line);
* ``signoffs`` - closing sign-offs, prayers, wishes, thanks for reading;
* ``greetings`` - opening greetings, also when glued to the lede's first sentence;
* ``damage`` - flags (never edits) text whose linked names were lost.

Add a cleaner: subclass :class:`Cleaner`, then register it from a plugin's
``register_cleaners`` hook (see ``docs/plugins.md``). Add patterns without code:
write a YAML rule pack (see ``docs/cleaning.md``). See what cleaning did to an
article with :func:`newscorpus.cleaners.explain.render`.
"""

from .base import Cleaner, Cut, apply_cuts, partial_removals
from .chain import CleanerChain, default_cleaners
from .damage import DamageFlagger
from .lede import RepeatedLedeCleaner
from .packs import Rule, RulePack, RulePackError, load_pack, load_packs
from .promotion import OutletPromotionCleaner
from .rules import (
    FooterCleaner,
    GreetingCleaner,
    LegalCleaner,
    RelatedCleaner,
    RuleCleaner,
    SignoffCleaner,
)

__all__ = [
    "Cleaner",
    "CleanerChain",
    "Cut",
    "DamageFlagger",
    "FooterCleaner",
    "GreetingCleaner",
    "LegalCleaner",
    "OutletPromotionCleaner",
    "RelatedCleaner",
    "RepeatedLedeCleaner",
    "Rule",
    "RuleCleaner",
    "RulePack",
    "RulePackError",
    "SignoffCleaner",
    "apply_cuts",
    "default_cleaners",
    "load_pack",
    "load_packs",
    "partial_removals",
]
