"""The outlet-promotion cleaner: a paragraph in which the outlet talks to the reader
about itself.

Every outlet words its own plugs differently (``Listen to Radio X live on 97.2FM``,
``Dukung X tetap gratis ...``, ``Ada maklumat? Hubungi bilik berita kami ...``,
``Tulis pendapatmu di kolom komentar!``), so no phrase list keeps up with them. What
they share is their *structure*: a sentence or clause opens with a call to act
(an imperative) **and** the line points at the outlet itself (its own name or
handle, its newsroom or comment section, or an exclusive "we" such as *us*, *our*
or *kami* with a channel to reach it), or the call is to pay for reading (a
subscription with a price). A story rarely does both outside reported speech;
reported speech, quotations and paragraphs of more than :data:`MAX_WORDS` words
are never cut, nor a teaser for the outlet's own coverage, so the cleaner needs no
threshold and no position.

Each decision reads the paragraph alone and the article's outlet (its ``source``
and ``url``), so cleaning twice changes nothing. Police, council and charity
appeals with phone numbers point at *their* desks, not the outlet's, and stay.
"""

from __future__ import annotations

import re
from typing import Any, Final

import attrs

from ..models import Article
from ..options import option, positive
from .base import Cleaner, Cut, apply_cuts
from .linemodel import (
    _EMAIL,
    _HANDLE,
    _IMPERATIVE,
    _PLATFORM,
    _QUOTES,
    _REPORTING,
    _scan,
    _words,
    outlet_pattern,
)

__all__ = ["MAX_WORDS", "RULE", "OutletPromotionCleaner", "promotes_outlet"]

#: Rule id of every cut (``Removal.rule``).
RULE: Final = "promotion.outlet"
#: Longer paragraphs are never cut: a plug is a line or two.
MAX_WORDS: Final = 30

# The outlet's own desks and pages, in en/id/ms: a class of nouns, not phrases of
# one outlet. "editor" alone is not here: stories quote editors.
_NEWSROOM = re.compile(
    r"\b(?:news\s?(?:room|desk)s?|editorial\s+(?:team|desk)|redaksi|meja\s+redaksi|bilik\s+berita|"
    r"sidang\s+pengarang|(?:kolom|ruang(?:an)?)\s+(?:komentar|komen)|comments?\s+(?:section|box|below)|"
    r"komen(?:tar)?\s+di\s+bawah)\b",
    re.IGNORECASE,
)
# Calls to act that open a sentence: the line model's imperative class, with the
# verbs of listening, streaming, writing in and chipping in that plugs use.
_CALLS: Final = _IMPERATIVE | _words(
    "keep hear stream upgrade text submit write chip pledge whatsapp tulis tuliskan kirimkan dukung strim laporkan "
    "sampaikan berlangganan langgani tonton dengar have got"
)
# A sentence or clause opens at the start (after an icon or a bullet) or after
# its punctuation.
_OPENERS = re.compile(r"(?:^[^\w\s]*\s*|(?<=[.!?:,—–-])\s+)(\w[\w'’]*)")
# Calls to pay for reading: with a price, or the reading they unlock, a paywall's
# or a subscription's plug, which is always the outlet's.
_SUBSCRIBE: Final = _words("subscribe upgrade langgan langgani berlangganan")
_PAYWALL = re.compile(
    r"(?:[$€£¥₱₹]|\b(?:rm|rp|usd|sgd|aud|idr|myr)\s?)\d|\b(?:keep|continue) reading\b|unlimited access|"
    r"\bterus membaca\b|\bakses penuh\b|\bakses tanpa had\b|\bakses tanpa batas\b",
    re.IGNORECASE,
)
# Calls that point at more of the story itself: a teaser, not a plug.
# (the same verbs in Indonesian and Malay: temukan is find and discover, jelajahi
# explore, pelajari learn, semak and periksa check).
_READING: Final = _words(
    "read see check find discover explore learn view simak baca lihat cek tengok temukan cari jelajahi "
    "terokai pelajari ketahui periksa semak"
)
# Ways to reach the outlet besides its name: an address, a handle, a phone
# number, a broadcast frequency (platform names are the line model's class).
_CHANNELS: Final = (
    _EMAIL,
    _HANDLE,
    re.compile(r"\+?\d[\d\s-]{6,}\d"),
    re.compile(r"\b\d{2,3}(?:[.,]\d)?\s?(?:FM|AM|MHz)\b"),
)
# An exclusive "we": the outlet speaking. Inclusive "kita" and "we" are left out:
# a story's own sentences use them ("we will rebuild").
_EXCLUSIVE_WE: Final = frozenset({"us", "our", "ours", "kami"})


def promotes_outlet(text: str, outlet: re.Pattern[str] | None = None, max_words: int = MAX_WORDS) -> bool:
    """Whether ``text`` is the outlet talking to the reader about itself.

    Args:
        text: One paragraph.
        outlet: How a line names the article's outlet
            (:func:`~.linemodel.outlet_pattern` with ``short=True``), if known.
        max_words: Longer paragraphs are never cut.
    """
    # Cheap tests first: most paragraphs are long, or open no sentence with a call.
    if text.count(" ") >= max_words * 2:
        return False
    calls = _calls(text)
    if not calls:
        return False
    line = _scan(text)
    n = line.words
    if not n or n > max_words:
        return False
    # Reported speech and quotations are the story's (the line model's guard);
    # unlike it, a plain sentence is not guarded: the two signs below are the evidence.
    if (n >= 5 and _reported(line.tokens)) or (n >= 6 and _QUOTES.search(text)):
        return False
    if _NEWSROOM.search(text) is not None or (not calls.isdisjoint(_SUBSCRIBE) and _PAYWALL.search(text)):
        return True
    channel = line.has(_PLATFORM) or any(p.search(text) for p in _CHANNELS)
    if outlet is not None and outlet.search(text) is not None:
        # "Simak liputannya di <outlet>": a teaser for the outlet's own story is
        # the story's; a call to listen, follow, subscribe or pay is a plug.
        return channel or not calls <= _READING
    return channel and not _EXCLUSIVE_WE.isdisjoint(line.tokens)


# The reader's own say is no reported speech ("have your say"). Asking the reader's
# opinion ("menurut kamu ...?") stays guarded: IndoSum labels such prompts the story's.
_READERS: Final = _words("your our")


def _reported(tokens: list[str]) -> bool:
    """A reporting word that reports someone: not the noun of "your say"."""
    return any(t in _REPORTING and not (t == "say" and i and tokens[i - 1] in _READERS) for i, t in enumerate(tokens))


def _calls(text: str) -> frozenset[str]:
    """The calls to act that open a sentence or clause of ``text``."""
    return frozenset(w for m in _OPENERS.finditer(text) if (w := m.group(1).casefold()) in _CALLS)


class OutletPromotionCleaner(Cleaner):
    """Removes body paragraphs in which the outlet addresses the reader about
    itself: its apps, broadcasts, channels, newsletters, donations, tip lines and
    comment section (see the module's docstring). Rule id ``promotion.outlet``."""

    name = "promotion"
    default = True
    order = 45

    @attrs.frozen
    class Options:
        """Options of ``promotion``."""

        max_words: int = option(MAX_WORDS, "Paragraphs of more words are never cut.", positive)

    def __init__(self, *, max_words: int = MAX_WORDS, **options: Any) -> None:
        super().__init__(**options)
        if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
            raise ValueError("cleaner 'promotion': option 'max_words' must be a positive integer")
        self.max_words = max_words

    def clean(self, article: Article) -> Article:
        """``article`` without the paragraphs of its body that promote its outlet."""
        outlet = outlet_pattern(article.source, article.url, short=True)
        cuts = [
            Cut("body", i, RULE, "the outlet addresses the reader about itself")
            for i, para in enumerate(article.body)
            if promotes_outlet(para, outlet, self.max_words)
        ]
        return apply_cuts(article, cuts, self.name) if cuts else article
