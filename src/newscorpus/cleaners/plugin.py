"""Built-in cleaners plugin: registers newscorpus's own cleaners and rule packs
through the same hooks third-party plugins use."""

from __future__ import annotations

from collections.abc import Callable

from ..hookspecs import Register, hookimpl
from .base import Cleaner
from .damage import DamageFlagger
from .lede import RepeatedLedeCleaner
from .linemodel import LineModelCleaner
from .packs import builtin_pack_paths
from .promotion import OutletPromotionCleaner
from .rules import FooterCleaner, GreetingCleaner, LegalCleaner, RelatedCleaner, SignoffCleaner

#: The built-in cleaners, in the order they run by default.
BUILTIN_CLEANERS = (
    LineModelCleaner,
    RepeatedLedeCleaner,
    RelatedCleaner,
    LegalCleaner,
    FooterCleaner,
    OutletPromotionCleaner,
    SignoffCleaner,
    GreetingCleaner,
    DamageFlagger,
)


@hookimpl
def register_cleaners(register: Register[Cleaner]) -> None:
    """Register the built-in cleaners."""
    for cls in BUILTIN_CLEANERS:
        register(cls)


@hookimpl
def register_rule_packs(register: Callable[[str], None]) -> None:
    """Register the built-in rule packs (``en``, ``id``, ``ms`` and ``xx``)."""
    for path in builtin_pack_paths():
        register(path)
