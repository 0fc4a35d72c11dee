"""The learned line model: a cleaner that scores each body paragraph as boilerplate
or content from signals that do not depend on the literal wording.

Rule packs cut what someone wrote a rule for; every outlet words its greetings,
footers and app prompts differently. The line model scores a paragraph from its
*form*: where it sits (from the head and from the tail), how long it is, whether
it reads as a sentence (finite and reporting verbs, quotations, numbers with
units), whether it talks to the reader (second person, vocatives such as
*pembaca*, *sobat*, *netizen*, *everyone*), greets or thanks at its edge, opens
a sentence with an imperative or itself with a short label and a colon, names
platforms and apps, holds URLs or handles, separators or a trailing colon or
arrow, how title-cased it is (a linked headline), its stop-word density and its
overlap with the article's title, plus hashed character n-grams. The word lists
below name *classes* (pronouns, platforms, reporting verbs), never phrases.

Precision comes first, in five layers:

* a paragraph that reads as news prose is **guarded** and never scored: reported
  speech, a quotation, a sentence that does not talk to the reader, an all-caps
  in-story subheading, the story's own short exclamation (:func:`guarded`);
* a paragraph is scored only with a sign of boilerplate beyond its place and
  shape (reader address, a greeting or thanks, an imperative, platform, link,
  separator, trailing colon; never a dateline standing alone):
  place, length and title case alone also describe a subheading;
* the lede (the first body paragraph of :data:`LEDE_WORDS` words or more) is
  never cut, nor are the title and the subtitle (the model cuts body paragraphs);
* only the edges: a paragraph between two paragraphs of prose (the lede or a
  guarded paragraph) is the story's own unless a rule pack knows its form; the
  model cuts before the first or after the last (``edges_only``);
* the threshold, per language, was chosen on scores cross-validated by source
  so that no content line of any training source is cut by a model that never
  saw that source, then raised to a margin fitted to the upper tail of those
  content scores (``benchmarks/train_line_model.py``); a language where no
  threshold does that would get one above 1, and its articles would not be
  scored at all (English until 2026-12-06).

A paragraph that a rule of the packs matches is left to the rules, so every line
the packs cut keeps its precise rule id; the model takes only what the packs do
not know. The model runs before the rule cleaners and scores the article as it
was *before any cleaning* (cuts undone with :func:`~.explain.reconstruct`): its
decisions are the same in every pass, so cleaning twice changes nothing, and the
rule cleaners' head and tail windows see the same text in every pass.

The model ships as ``newscorpus/data/line_model.json`` (weights as JSON, n-gram
weights as base64 float32; no pickle), is loaded lazily once per process, and
scores a batch with a few NumPy operations.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ..models import Article
from ..options import option
from ..outlets import domain_of
from .base import Cleaner, Cut, apply_cuts
from .explain import is_parser_removal, reconstruct
from .rules import CompiledRules, compile_rules, match_prefix, resolve_packs

__all__ = [
    "FEATURES",
    "LEDE_WORDS",
    "RULE",
    "LineModel",
    "LineModelCleaner",
    "candidates",
    "dense_features",
    "guarded",
    "load_model",
    "ngram_rows",
    "outlet_pattern",
]

#: Rule id of every cut the model makes (``Removal.rule``).
RULE: Final = "model.line"
#: Format tag of the model file; a file of another format is refused.
FORMAT: Final = "newscorpus-line-model/1"
#: The lede is the first body paragraph with at least this many words; never cut.
LEDE_WORDS: Final = 10
#: Paragraphs with at least this many words are never cut, whatever they say.
LONG_WORDS: Final = 40
#: A sentence with a finite verb and at least this many words is news prose.
PROSE_WORDS: Final = 12
#: A sentence that does not talk to the reader is news prose too, from this many
#: words with a finite verb ...
VERB_SENTENCE_WORDS: Final = 5
#: ... or from this many words when it names no platform or page furniture.
SENTENCE_WORDS: Final = 6

# -- word classes (classes, not phrases) ------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SECOND_PERSON = _words(
    "you your yours yourself yourselves you're you've you'll ya anda kamu kalian awak korang engkau kau lu loe dikau mu"
)
_FIRST_PLURAL = _words("we our us ours we're we've we'd kami kita")
_VOCATIVE = _words(
    "readers reader pembaca sobat sahabat warga netizen netizens warganet fans everyone everybody folks guys "
    "pemirsa penonton pendengar listeners viewers followers pengikut kawan kawan-kawan rakan teman semua "
    "subscribers pelanggan"
)
#: Verbs of calls to action that open a line addressed to the reader (imperatives).
_IMPERATIVE = _words(
    "click tap subscribe follow share like download sign join read watch listen get visit check see scroll "
    "register log login continue tune stay find discover explore learn contact send email call tell let help "
    "support donate try buy shop order book save view comment leave enjoy don't dont never remember "
    "klik ikuti simak baca tonton saksikan dengarkan unduh dapatkan kunjungi jangan yuk ayo mari silakan "
    "silahkan sila jom langgan kongsi bagikan daftar cek lihat temukan hubungi kirim gabung geser tekan "
    "pastikan nantikan tunggu kunjungilah ikutilah bacalah install instal "
    "hit grab forward pass become bookmark tick scan turn "
    "muat layari imbas tekan rujuk sertai kongsikan dapatkanlah"
)
_PLATFORM = _words(
    "facebook fb twitter instagram ig tiktok youtube whatsapp wa telegram linkedin pinterest snapchat threads "
    "reddit spotify podcast podcasts android ios iphone ipad appstore playstore app apps aplikasi aplikasinya "
    "google apple mastodon bluesky wechat discord twitch soundcloud flipboard newsletter newsletters buletin "
    "rss youtube.com"
)
#: Nouns of page furniture: links, ads, sign-ups, media widgets.
_FURNITURE = _words(
    "link links tautan pautan website situs laman portal web homepage channel kanal saluran email e-mail "
    "inbox notifikasi notification notifications iklan advertisement advertisements advertising ad ads "
    "sponsored promo promosi update updates berita artikel article articles video videos foto photo photos "
    "galeri gallery komentar comments comment subscription langganan akun akaun account premium gratis "
    "percuma free cookies cookie browser javascript login klik click here sini"
)
#: Greetings, thanks and farewells: at the edge of a line they open or close an
#: address to the reader (``Hai ...``, ``..., thanks for reading``).
_SALUTE = _words(
    "hi hello hey hai halo hallo helo greetings welcome morning evening afternoon selamat salam "
    "assalamualaikum thanks thank terima makasih cheers bye goodbye jumpa wassalam"
)
_REPORTING = _words(
    "said says say told tells added explained stated noted according asked announced claimed warned "
    "reported insisted argued confirmed declared urged described wrote testified acknowledged "
    "kata katanya ujar ujarnya ucap ucapnya jelas jelasnya tutur tuturnya ungkap ungkapnya tambah tambahnya "
    "menurut menurutnya mengatakan menyatakan menjelaskan mengungkapkan menambahkan menegaskan berkata "
    "memberitahu sebut sebutnya terang terangnya imbuh imbuhnya lanjut lanjutnya papar paparnya tegas "
    "tegasnya mendakwa memaklumkan dilaporkan pesan pesannya imbau imbaunya pinta pintanya harap harapnya ajak "
    "ajaknya seru serunya tanya tanyanya advised pleaded demanded replied responded recalled admitted denied "
    "suggested"
)
_FINITE = _words(
    "is are was were has have had will would can could may might must should shall did does do am been "
    "isn't aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't couldn't didn't doesn't "
    "adalah ialah merupakan akan telah sudah sedang masih pernah dapat bisa harus perlu mahu mau ingin "
    "boleh tidak tak belum "
    # English irregular past tenses (a closed class).
    "arose awoke became began bit blew broke brought built bought caught chose came cost crept dealt dug did "
    "drew drank drove ate fell fed felt fought found fled flew forbade forgot forgave froze got gave went "
    "ground grew hung heard hid hit held hurt kept knelt knew laid led leapt left lent let lay lit lost made "
    "meant met paid put quit rang rose ran sought sold sent set shook shone shot showed shut sang sank sat "
    "slept slid spoke spent spun split spread sprang stood stole stuck stung struck swore swept swam swung "
    "took taught tore thought threw understood woke wore won wound withdrew wrote"
)
_UNITS = _words(
    "% percent per cent persen peratus km kg m cm mm ton tonnes tons juta ribu miliar milyar bilion billion "
    "million trillion triliun rp rm usd us$ $ € £ yen yuan ringgit rupiah dollars dolar euro hectares hektar "
    "hektare mw gw kwh years tahun bulan months days hari jam hours minutes menit minit orang people"
)

_C_SECOND, _C_FIRST_PL, _C_VOC, _C_IMP, _C_PLAT, _C_FURN, _C_REP, _C_FIN, _C_UNIT, _C_SAL = (
    1 << k for k in range(10)
)


@functools.cache
def _classes() -> dict[str, int]:
    table: dict[str, int] = {}
    for words, bit in (
        (_SECOND_PERSON, _C_SECOND),
        (_FIRST_PLURAL, _C_FIRST_PL),
        (_VOCATIVE, _C_VOC),
        (_IMPERATIVE, _C_IMP),
        (_PLATFORM, _C_PLAT),
        (_FURNITURE, _C_FURN),
        (_REPORTING, _C_REP),
        (_FINITE, _C_FIN),
        (_UNITS, _C_UNIT),
        (_SALUTE, _C_SAL),
    ):
        for w in words:
            table[w] = table.get(w, 0) | bit
    return table


@functools.cache
def _stopwords(language: str | None) -> frozenset[str]:
    import stopwordsiso

    langs = [language] if language in ("en", "id", "ms") else ["en", "id", "ms"]
    return frozenset(w.casefold() for lang in langs for w in stopwordsiso.stopwords(lang))


#: A domain ending; searched in case-folded text (a literal first character is fast).
_DOMAIN = re.compile(r"\.(?:com|co|id|my|net|org|news|tv|io|ly)\b")


def _has_url(text: str) -> bool:
    folded = text.casefold()
    return "http" in folded or "www." in folded or _DOMAIN.search(folded) is not None


_NONWORD = re.compile(r"[^\w\s]")
_DIGITS = re.compile(r"\d+")
_HANDLE = re.compile(r"(?<![\w.])@\w{2,}")
_HASHTAG = re.compile(r"(?<![\w&])#\w{2,}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_QUOTES = re.compile(r"[\"“”„«»‹›「」『』‘]")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")
_SEPARATORS = tuple("|•·»›/▪►▶◆■●")
_ARROWS = ("→", "»", ">", "›", "▶", "►", "...", "…", ">>")
_SENTENCE_END = ".!?\"”’')]"
_WRAPS = {"[": "]", "(": ")", "{": "}", "<": ">", "【": "】"}

#: Names of the dense features, in the order of :func:`dense_features`' columns.
FEATURES: Final[tuple[str, ...]] = (
    "pos_head",
    "pos_tail",
    "first",
    "last",
    "rel_pos",
    "log_lines",
    "log_chars",
    "log_words",
    "words_le3",
    "words_le8",
    "len_vs_median",
    "ends_stop",
    "ends_excl",
    "ends_quote",
    "ends_colon",
    "ends_arrow",
    "starts_upper",
    "finite_verb",
    "verb_morph",
    "reporting_verb",
    "quote",
    "num_unit",
    "digits",
    "sentences",
    "commas",
    "second_person",
    "first_plural",
    "vocative",
    "imperative_first",
    "imperative_morph",
    "platform",
    "furniture",
    "url",
    "handle",
    "email",
    "hashtag",
    "separators",
    "bracket_wrapped",
    "bullet_start",
    "title_case",
    "all_caps",
    "stopwords",
    "title_overlap",
    "emoji",
    "nonword",
    "short_at_head",
    "short_at_tail",
    "prev_short",
    "next_short",
    "prev_colon",
    "salute",
    "commands",
    "label_colon",
    "question",
    "lang_en",
    "lang_id",
    "lang_ms",
    "names_outlet",
)


#: Punctuation turned into spaces before splitting into words (hyphens stay:
#: ``kawan-kawan``, ``follow-up``).
_SPACES = str.maketrans({c: " " for c in "!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~“”‘’„«»‹›…–—•·▪►▶→「」『』【】"})
#: Indonesian and Malay verb prefixes (me-, ber-, di-, ter-) and the English -ed: a cheap sign of a verb.
#: A finite verb of a statement: Indonesian and Malay meN- verbs, the English -ed.
_STATES = re.compile(r"\b(?:me[mnr]|meng|meny)[a-z]{3}|[a-z]{3}ed\b")
_MORPH = re.compile(r"\b(?:me[mnr]|meng|meny|ber|di|ter)[a-z]{3}|[a-z]{3}ed\b")


class _Line:
    """A paragraph, split into case-folded words on first use; what the guard
    needs comes from set lookups, the rest only for the paragraphs the model scores."""

    __slots__ = ("_tokens", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens: list[str] | None = None

    @property
    def long(self) -> bool:
        """At least :data:`LONG_WORDS` words (told from the spaces, without splitting)."""
        return self.text.count(" ") + 1 >= LONG_WORDS

    @property
    def folded(self) -> str:
        return self.text.casefold()

    @property
    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = self.folded.translate(_SPACES).split()
        return self._tokens

    @property
    def words(self) -> int:
        return len(self.tokens)

    def has(self, words: frozenset[str]) -> bool:
        return not words.isdisjoint(self.tokens)

    def addresses(self) -> bool:
        """A vocative where one addresses the reader: among the first two words or
        last (``Hai sobat``, ``..., everyone!``); elsewhere ``warga`` or ``fans``
        are the people the news is about."""
        t = self.tokens
        if not t:
            return False
        if t[-1] in _VOCATIVE:
            return True
        # At the start, a vocative is set off by punctuation ("Sobat Detak, ..."):
        # "Pembaca setia harian itu kini beralih ..." is a subject.
        head = " ".join(self.text.split()[:4])
        return not _VOCATIVE.isdisjoint(t[:2]) and (len(t) <= 4 or any(c in head for c in ",!?"))

    def salutes(self) -> bool:
        """A greeting, thanks or farewell among the first two words or last
        (``Hai ...``, ``Good evening, ...``, ``..., cheers``)."""
        t = self.tokens
        return bool(t) and not _SALUTE.isdisjoint((*t[:2], t[-1]))

    def commands(self) -> bool:
        """Some sentence of the line opens with an imperative (``Like this? Share
        it``): a call to act, where a news sentence opens with its subject."""
        if not self.tokens:
            return False
        if self.tokens[0] in _IMPERATIVE:
            return True
        pieces = _SENTENCE_SPLIT.split(self.folded)[1:]
        return any((w := _first_word(p)) is not None and w in _IMPERATIVE for p in pieces)

    def labelled(self) -> bool:
        """The line opens with a short label and a colon and does not end as a
        sentence does (``Read more: <headline>``, ``Baca juga: ...``): a pointer.
        ``Foto: <a sentence>.`` is a caption, guarded as any sentence is."""
        return _LABEL.match(self.text) is not None and not self.text.rstrip().endswith(".")

    def verb(self) -> bool:
        return self.has(_FINITE) or _MORPH.search(self.folded) is not None

    def counts(self) -> list[int]:
        table = _classes()
        counts = [0] * 10
        for t in self.tokens:
            c = table.get(t, 0)
            k = 0
            while c:
                if c & 1:
                    counts[k] += 1
                c >>= 1
                k += 1
        return counts


_scan = _Line

#: Verbs of acting on a page or an app, or of reading, watching or listening on
#: (a class): a capitalised line that opens with one is a button or a pointer
#: ("SCROLL TO CONTINUE ...", "READ MORE ..."), not a subheading.
_PAGE_ACTIONS = _words(
    "click tap scroll swipe subscribe download install sign log login register share comment "
    "read watch listen see view continue "
    "klik tekan geser unduh instal daftar langgan kongsi bagikan muat baca simak tonton saksikan lihat dengarkan"
)

#: A dateline standing alone (``PARIS (Agency) -``), or an outlet's host standing as
#: one (``Suara.com -``, ``JAKARTA, KOMPAS.com -``): the parser's, never boilerplate.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .,'’-]{1,40}(?:\([^()]{1,40}\))?"
    r"|(?:[A-Z][A-Za-z .'’-]{1,40},\s*)?[A-Za-z][\w-]*(?:\.[A-Za-z]{2,}){1,2})\s*[-–—:]$"
)
#: Where a sentence inside a line ends (a question, an exclamation, a stop, a colon).
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?:])\s+")
#: One to three words (no digits) and a colon opening a line, something after it.
_LABEL = re.compile(r"^\W{0,2}[^\W\d]+(?:[ '’-][^\W\d]+){0,2}\s?:\s*\S")


def _first_word(piece: str) -> str | None:
    words = piece.translate(_SPACES).split()
    return words[0] if words else None


def _ends_sentence(text: str) -> bool:
    return bool(text) and text.rstrip()[-1:] in _SENTENCE_END


def guarded(text: str) -> bool:
    """Whether ``text`` reads as news prose, which the model never cuts: reported
    speech, a quotation, a sentence of :data:`PROSE_WORDS` words with a finite
    verb that does not talk to the reader (nor is a command about a platform,
    page furniture or "us" with no finite verb after it), a shorter sentence
    that neither talks to the reader, exclaims a greeting or thanks nor has a
    colon and has a finite verb (:data:`VERB_SENTENCE_WORDS` words) or names no
    platform or page furniture (:data:`SENTENCE_WORDS` words), or any paragraph
    of :data:`LONG_WORDS` words or more; and, whatever their words, an all-caps
    in-story subheading (:func:`_caps_subheading`) and the story's own short
    exclamation (:func:`_exclamation`). A line opening with a short label and a
    colon (``Read more: <headline>``, :meth:`_Line.labelled`) is a pointer,
    guarded only when long."""
    return _guarded(_scan(text))


def _guarded(line: _Line) -> bool:
    if line.long:
        return True
    n = line.words
    if n >= LONG_WORDS:
        return True
    if _caps_subheading(line) or _exclamation(line):
        return True
    # A headline behind a label may hold a reporting verb or a quote; it is no
    # sentence of the story.
    if line.labelled():
        return False
    if n >= 5 and line.has(_REPORTING):
        return True
    if n >= 6 and _QUOTES.search(line.text):
        return True
    if n < VERB_SENTENCE_WORDS or not _ends_sentence(line.text):
        return False
    # Talking to the reader, a link, or a command about a platform, a page or
    # "us" is what a long sign-up pitch does. A command or a greeting alone is
    # not enough: "Daftar nama calon ..." and "Salam tempel ..." are news.
    rest = line.tokens[1:]  # "click" is both an imperative and page furniture
    aside = not (_PLATFORM.isdisjoint(rest) and _FURNITURE.isdisjoint(rest) and _FIRST_PLURAL.isdisjoint(rest))
    # ... and a command states nothing: a finite verb after it ("Klik kanan pada
    # tautan itu ternyata membuka situs ...") makes the line a statement.
    aside = aside and _FINITE.isdisjoint(rest) and _STATES.search(" ".join(rest)) is None
    pitch = (
        line.has(_SECOND_PERSON)
        or _has_url(line.text)
        or "@" in line.text
        or (aside and line.commands())
    )
    if n >= PROSE_WORDS and line.verb():
        return not pitch
    # A shorter sentence is news unless it has a sign of boilerplate's classes,
    # a greeting or thanks that exclaims, or a label before a colon.
    if pitch or ": " in line.text or line.has(_FIRST_PLURAL) or line.addresses():
        return False
    if line.salutes() and line.text.rstrip().endswith("!"):
        return False
    # With a finite verb it states something; without one, it must be longer and
    # name no platform or page furniture either.
    if line.verb():
        return True
    return n >= SENTENCE_WORDS and not (line.has(_PLATFORM) or line.has(_FURNITURE))


#: Words of the classes that make a line talk to the reader or point at the page.
_ASIDE = _SECOND_PERSON | _FIRST_PLURAL | _VOCATIVE | _PLATFORM | _FURNITURE


def _caps_subheading(line: _Line) -> bool:
    """The class of **all-caps in-story subheadings** (``NEVER SAY GOODBYE``):
    three to eight words, every letter a capital, ending in a letter or a question
    mark, with no digit, no word of the reader-address, platform or page-furniture
    classes, no URL, handle, hashtag, emoji, colon or separator, and not opening
    with a verb of acting on a page (``SCROLL TO CONTINUE``). An imperative or a
    greeting inside one is a headline's wording ("never", "goodbye"), not a call
    to act; such a line is never cut."""
    text = line.text.strip()
    if not text.isupper() or not 3 <= line.words <= 8 or not (text[-1].isalpha() or text[-1] == "?"):
        return False
    if any(c.isdigit() for c in text) or any(c in text for c in (*_SEPARATORS, ":", "@", "#", " - ")):
        return False
    if _has_url(text) or _EMOJI.search(text) is not None or line.has(_ASIDE):
        return False
    return line.tokens[0] not in _PAGE_ACTIONS


def _exclamation(line: _Line) -> bool:
    """The class of **the story's own short exclamations** (``Jangan risau!``,
    ``Yuk, segera agendakan!``): two to four words ending with ``!``, with no word
    of the reader-address, platform or page-furniture classes, no greeting or
    thanks, no URL, handle, hashtag or emoji, and not opening with a verb of
    acting on a page. A call to act on the page names the page, the platform,
    the reader or the action (``Yuk, follow kami!``, ``Subscribe now!``); an
    exhortation that names none of them belongs to the story; it is never cut."""
    text = line.text.strip()
    if not text.endswith("!") or not 2 <= line.words <= 4:
        return False
    if line.has(_ASIDE) or line.salutes() or _has_url(text) or "@" in text or "#" in text:
        return False
    return _EMOJI.search(text) is None and line.tokens[0] not in _PAGE_ACTIONS


def _evidence(line: _Line, outlet: re.Pattern[str] | None = None) -> bool:
    """Whether the paragraph shows a sign of boilerplate beyond its place and
    shape: it talks to the reader (second person, a vocative), greets or thanks
    at its edge, opens a sentence with an imperative (not a short line ending as
    a statement), names a platform or page furniture, holds a URL,
    handle, hashtag, emoji or separator, ends with a colon or an arrow, or names the
    article's own outlet (:func:`outlet_pattern`). A short line
    without one (a subheading, a quoted headline, "What we know so far") is never
    cut: place, length and title case alone are also what a subheading looks
    like."""
    text = line.text.strip()
    if not text or _DATELINE.match(text):
        return False
    if line.has(_SECOND_PERSON) or line.has(_VOCATIVE) or line.has(_PLATFORM) or line.has(_FURNITURE):
        return True
    if line.salutes() or (outlet is not None and outlet.search(text) is not None):
        return True
    tokens = line.tokens
    # An imperative alone, in a short line that ends as a statement does
    # ("Baca ancace anba anhe."), is too weak a sign: a name or a foreign word.
    weak = line.words < VERB_SENTENCE_WORDS and text.endswith(".")
    if not weak and (line.commands() or (text[:1].isupper() and tokens[0].endswith(("lah", "kan")))):
        return True
    if _has_url(text) or "@" in text or "#" in text or _EMOJI.search(text) is not None:
        return True
    if any(c in text for c in _SEPARATORS) or " - " in text:
        return True
    return text.endswith((":", "：", *_ARROWS)) or (text[0] in _WRAPS and text[-1] == _WRAPS[text[0]])


def _lede(lines: Sequence[_Line]) -> int:
    return next((i for i, ln in enumerate(lines) if ln.long or ln.words >= LEDE_WORDS), -1)


def _candidates(lines: Sequence[_Line], edges: bool, outlet: re.Pattern[str] | None = None) -> list[int]:
    lede = _lede(lines)
    if edges:
        # Greetings, credits-like chrome, sign-offs and footers sit before the
        # story's first paragraph of prose or after its last; a line between two
        # paragraphs of prose is the story's own (a subheading, a short quote, a
        # question) unless a rule pack knows its form. No prose at all: no edges.
        # The prose test runs from each end until it finds prose, not over the
        # middle of the article: no line there can be a candidate.
        n = len(lines)
        first = next((i for i in range(n) if i == lede or _guarded(lines[i])), n)
        if first == n:
            return []  # no prose at all: no edges
        last = next(i for i in range(n - 1, first - 1, -1) if i == lede or _guarded(lines[i]))
        return [i for i in (*range(first), *range(last + 1, n)) if lines[i].words and _evidence(lines[i], outlet)]
    prose = [i == lede or _guarded(ln) for i, ln in enumerate(lines)]
    return [i for i, ln in enumerate(lines) if not prose[i] and ln.words and _evidence(ln, outlet)]


def candidates(body: Sequence[str], *, edges: bool = False, outlet: re.Pattern[str] | None = None) -> list[int]:
    """Indices of the body paragraphs the model may cut: not blank, not the lede,
    not guarded, and showing a sign of boilerplate (:func:`_evidence`; ``outlet``:
    :func:`outlet_pattern` of the article); with ``edges``, only those before the
    first or after the last paragraph of news prose (the lede or a guarded
    paragraph), as the cleaner cuts by default."""
    return _candidates([_scan(p) for p in body], edges, outlet)


#: A name this short, or a domain label this short, is too often an ordinary word.
_OUTLET_MIN = 4
#: Last words of outlet names that say what kind of outlet it is, not which.
_GENERIC_OUTLET_WORDS = _words(
    "news online fm am tv radio daily weekly digital media network net com id my today live portal berita "
    "harian mingguan"
)
_HOSTLIKE = re.compile(r"^(?:www\.)?([a-z0-9][a-z0-9-]*)(?:\.[a-z]{2,})+$")


def outlet_pattern(source: str | None, url: str | None = None, *, short: bool = False) -> re.Pattern[str] | None:
    """How a line names the article's own outlet: its name as written (``The
    Harbourside Courier`` -> ``Harbourside Courier``, case-sensitive, whole words),
    or its domain label inside an address, handle or path (``@puankita``,
    ``suarakenyalang.com.my``, ``t.me/straitspulse``), the label taken from the
    URL's registered domain, a host-like source, or the name's letters run
    together. Page furniture names the outlet that prints it (follow, support,
    download, copyright, "this article first appeared in"); a story names its own
    outlet mostly as a source of reported speech, which the guard keeps. A label is
    never matched as a bare word: ``tempo`` or ``majoriti`` are also words.

    With ``short``, a name of three words or more also matches without its last
    word when that word is generic (``Radio Tāwhiti News`` -> ``Radio Tāwhiti``,
    ``Suara Kinabalu FM``), and a name of two words or more as "the" and its last
    distinctive word (``The Harbour Ledger`` -> ``the Ledger``): outlets name
    themselves so in their own plugs. The line model reads the names as it was
    trained, without this."""
    return _outlet_pattern(source, domain_of(url) if url else None, short)


@functools.lru_cache(maxsize=4096)  # one per outlet of the run (by domain: every article has its own URL)
def _outlet_pattern(source: str | None, domain: str | None, short: bool = False) -> re.Pattern[str] | None:
    names: set[str] = set()
    labels: set[str] = set()
    src = (source or "").strip()
    host = _HOSTLIKE.match(src.casefold())
    if host:
        labels.add(host.group(1).replace("-", ""))
    elif src:
        name = re.sub(r"^the\s+", "", src, flags=re.IGNORECASE)
        if sum(c.isalpha() for c in name) >= _OUTLET_MIN:
            names.add(name)
        words = name.split()
        if short and len(words) >= 3 and words[-1].casefold() in _GENERIC_OUTLET_WORDS:
            names.add(" ".join(words[:-1]))
            words = words[:-1]
        if short and len(words) >= 2 and len(words[-1]) >= 4 and words[-1][:1].isupper():
            # "The Harbour Ledger" calls itself "the Ledger".
            names.add("the " + words[-1])
            names.add("The " + words[-1])
        labels.add(re.sub(r"[^a-z0-9]", "", name.casefold()))
    if domain:
        labels.add(domain.split(".", 1)[0].replace("-", ""))
    labels = {lb for lb in labels if len(lb) > _OUTLET_MIN}
    parts = [r"(?<!\w)" + re.escape(n) + r"(?!\w)" for n in sorted(names)]
    parts += [
        r"(?i:(?<![\w-])" + re.escape(lb) + r"(?=\.[a-z]{2,})|(?<=[@/])" + re.escape(lb) + r"(?!\w))"
        for lb in sorted(labels)
    ]
    return re.compile("|".join(parts)) if parts else None


def _features(
    lines: Sequence[_Line],
    i: int,
    title: frozenset[str],
    stop: frozenset[str],
    lang: str | None,
    median_chars: float,
    outlet: re.Pattern[str] | None = None,
) -> list[float]:
    ln = lines[i]
    n = len(lines)
    text = ln.text.strip()
    words = ln.words
    counts = ln.counts()
    from_tail = n - 1 - i
    last = text[-1:] if text else ""
    first_tok = ln.tokens[0] if ln.tokens else ""
    raw = text.translate(_SPACES).split()
    first_raw = raw[0] if raw else ""
    caps = [t for t in raw[1:] if t[:1].isalpha()]
    title_case = sum(t[0].isupper() for t in caps) / len(caps) if caps else 0.0
    content = [t for t in ln.tokens if t not in stop]
    short = words <= 8
    prev = lines[i - 1] if i > 0 else None
    nxt = lines[i + 1] if i + 1 < n else None
    nonword = len(_NONWORD.findall(text)) / max(1, len(text))
    named = float(outlet is not None and outlet.search(text) is not None)
    return [
        min(i, 8) / 8,
        min(from_tail, 8) / 8,
        float(i == 0),
        float(from_tail == 0),
        i / max(1, n - 1),
        math.log1p(n) / 4,
        math.log1p(len(text)) / 6,
        math.log1p(words) / 4,
        float(words <= 3),
        float(short),
        max(-3.0, min(3.0, math.log((len(text) + 1) / (median_chars + 1)))),
        float(last == "."),
        float(last in "!?"),
        float(last in "\"”’'"),
        float(last in ":：" or text.endswith((": ", ":-"))),
        float(text.endswith(_ARROWS)),
        float(text[:1].isupper()),
        float(bool(counts[7])),
        float(_MORPH.search(ln.folded) is not None),
        float(bool(counts[6])),
        float(bool(_QUOTES.search(text))),
        float(bool(counts[8] or "%" in text or "$" in text) and _DIGITS.search(text) is not None),
        min(1.0, len(_DIGITS.findall(text)) / max(1, words)),
        min(3, text.count(". ") + text.count("! ") + text.count("? ") + _ends_sentence(text)) / 3,
        min(4, text.count(",")) / 4,
        min(1.0, counts[0] / 2),
        min(1.0, counts[1] / 2),
        float(bool(counts[2])),
        float(bool(_classes().get(first_tok, 0) & _C_IMP)),
        float(lang in ("id", "ms", None) and first_raw[:1].isupper() and first_tok.endswith(("lah", "kan"))),
        min(1.0, counts[4] / 2),
        min(1.0, counts[5] / 3),
        float(_has_url(text)),
        float("@" in text and _HANDLE.search(text) is not None),
        float("@" in text and _EMAIL.search(text) is not None),
        float("#" in text and _HASHTAG.search(text) is not None),
        min(3, sum(text.count(c) for c in _SEPARATORS) + text.count(" - ")) / 3,
        float(len(text) > 1 and text[0] in _WRAPS and text[-1] == _WRAPS[text[0]]),
        float(bool(text) and not text[0].isalnum() and text[0] not in "\"“‘'(["),
        title_case,
        float(text.isupper() and words >= 1 and len(text) >= 3),
        (words - len(content)) / max(1, words),
        len(set(content) & title) / max(1, len(content)),
        float(bool(_EMOJI.search(text))),
        nonword,
        float(short and i < 2),
        float(short and from_tail < 3),
        float(prev is not None and prev.words <= 8),
        float(nxt is not None and nxt.words <= 8),
        float(prev is not None and prev.text.rstrip().endswith((":", "："))),
        float(ln.salutes()),
        float(ln.commands()),
        float(ln.labelled()),
        float("?" in text),
        float(lang == "en"),
        float(lang == "id"),
        float(lang == "ms"),
        named,
    ]


def dense_features(
    body: Sequence[str],
    title: str,
    language: str | None,
    rows: Sequence[int] | None = None,
    *,
    edges: bool = False,
    outlet: re.Pattern[str] | None = None,
) -> tuple[list[int], npt.NDArray[np.float64]]:
    """The candidate paragraphs of ``body`` and their dense features.

    Args:
        body: The body paragraphs as they were before cleaning.
        title: The article's title.
        language: The article's language, if known.
        rows: Score these paragraphs (default: :func:`candidates`).
        edges: With the default ``rows``, only the candidates outside the
            article's prose (see :func:`candidates`). Training reads every
            candidate, so the model learns from the middle of articles too.
        outlet: How a line names the article's own outlet (:func:`outlet_pattern`).

    Returns:
        The paragraph indices and a ``len(indices) x len(FEATURES)`` matrix.
    """
    lines = [_scan(p) for p in body]
    if rows is None:
        rows = _candidates(lines, edges, outlet)
    if not rows:
        return [], np.zeros((0, len(FEATURES)))
    stop = _stopwords(language)
    title_words = frozenset(title.casefold().translate(_SPACES).split()) - stop
    lengths = sorted(len(p) for p in body)
    median = float(lengths[len(lengths) // 2])
    out = np.array([_features(lines, i, title_words, stop, language, median, outlet) for i in rows], dtype=np.float64)
    return list(rows), out


_MULT: Final = np.uint64(1099511628211)
_MIX: Final = np.uint64(0x9E3779B97F4A7C15)


def ngram_rows(texts: Sequence[str], orders: Sequence[int], bits: int) -> tuple[npt.NDArray[np.int64], ...]:
    """Hashed character n-grams of ``texts`` (case-folded UTF-8 bytes, spaces
    normalised, one space of padding at each end), computed for all texts at once.

    Returns:
        ``(rows, buckets, counts)``: for every n-gram, the index of its text and
        its bucket in ``[0, 2**bits)``; and the number of n-grams of each text.
    """
    encoded = [(" " + " ".join(t.casefold().split()) + " ").encode("utf-8") for t in texts]
    buf = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    newline = buf == 10
    row = np.cumsum(newline)
    all_rows, all_buckets = [], []
    shift = np.uint64(64 - bits)
    for n in orders:
        m = len(buf) - n + 1
        if m <= 0:
            continue
        valid = (row[:m] == row[n - 1 : n - 1 + m]) & ~newline[:m]
        h = np.full(m, n, dtype=np.uint64)
        for k in range(n):
            h = h * _MULT + buf[k : k + m].astype(np.uint64)
        all_rows.append(row[:m][valid])
        all_buckets.append(((h[valid] * _MIX) >> shift).astype(np.int64))
    rows = np.concatenate(all_rows) if all_rows else np.zeros(0, dtype=np.int64)
    buckets = np.concatenate(all_buckets) if all_buckets else np.zeros(0, dtype=np.int64)
    counts = np.bincount(rows, minlength=len(texts)).astype(np.int64)
    return rows.astype(np.int64), buckets, counts


@attrs.frozen(eq=False)
class LineModel:
    """A trained line model: a logistic regression over standardised dense features
    and L1-normalised hashed character n-gram counts.

    Why this learner: at run time it is one NumPy dot product (no dependency,
    deterministic, a 94 KB file), and gradient-boosted trees measured no better
    beyond the noise of the grouped folds (``train_line_model.py --compare``).

    Attributes:
        weights: One weight per name of :data:`FEATURES`.
        mean, scale: Standardisation of the dense features.
        bias: Intercept.
        ngram_weights: One weight per n-gram bucket (``2**ngram_bits``).
        ngram_orders: The n-gram lengths, in bytes.
        thresholds: Paragraphs scoring at least this are cut, by article
            language; ``*`` for any other language (the highest of them).
        info: What the training script recorded (data, figures).
    """

    weights: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    bias: float
    ngram_weights: npt.NDArray[np.float64]
    ngram_orders: tuple[int, ...]
    thresholds: dict[str, float]
    info: dict[str, Any] = attrs.field(factory=dict)

    def threshold(self, language: str | None) -> float:
        """The threshold for articles in ``language``."""
        return self.thresholds.get(language or "*", self.thresholds["*"])

    @property
    def ngram_bits(self) -> int:
        """Bits of the n-gram hash."""
        return int(self.ngram_weights.size).bit_length() - 1

    def score(self, texts: Sequence[str], dense: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Boilerplate probability of each paragraph, from its text and its row of
        :func:`dense_features`."""
        if not len(texts):
            return np.zeros(0)
        z = ((dense - self.mean) / self.scale) @ self.weights + self.bias
        rows, buckets, counts = ngram_rows(texts, self.ngram_orders, self.ngram_bits)
        sums = np.bincount(rows, weights=self.ngram_weights[buckets], minlength=len(texts))
        z = z + sums / np.maximum(counts, 1)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON object of the model file."""
        blob = base64.b64encode(self.ngram_weights.astype("<f4").tobytes()).decode("ascii")
        return {
            "format": FORMAT,
            "features": list(FEATURES),
            "weights": [_f32(w) for w in self.weights],
            "mean": [_f32(m) for m in self.mean],
            "scale": [_f32(s) for s in self.scale],
            "bias": _f32(self.bias),
            "ngram_orders": list(self.ngram_orders),
            "ngram_weights_f32_base64": blob,
            "thresholds": dict(sorted(self.thresholds.items())),
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        """Read a model written by :meth:`to_json`.

        Raises:
            ValueError: The file is of another format or for other features.
        """
        if data.get("format") != FORMAT:
            raise ValueError(f"not a line model of format {FORMAT!r}: {data.get('format')!r}")
        if tuple(data["features"]) != FEATURES:
            raise ValueError("the line model was trained on other features; retrain it")
        ngram = np.frombuffer(base64.b64decode(data["ngram_weights_f32_base64"]), dtype="<f4").astype(np.float64)
        if ngram.size & (ngram.size - 1):
            raise ValueError("the line model's n-gram table is not a power of two")
        return cls(
            weights=np.array(data["weights"], dtype=np.float64),
            mean=np.array(data["mean"], dtype=np.float64),
            scale=np.array(data["scale"], dtype=np.float64),
            bias=float(data["bias"]),
            ngram_weights=ngram,
            ngram_orders=tuple(int(n) for n in data["ngram_orders"]),
            thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
            info=dict(data.get("info", {})),
        )

    def dumps(self) -> str:
        """The model file's text (stable: the same model gives the same bytes)."""
        return json.dumps(self.to_json(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _f32(x: float) -> float:
    return float(np.float32(x))


#: Name of the shipped model file in ``newscorpus.data``.
MODEL_FILE: Final = "line_model.json"


@functools.cache
def load_model(path: str | None = None) -> LineModel:
    """The shipped line model (or the one at ``path``), read once per process."""
    if path is None:
        text = resources.files("newscorpus.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return LineModel.from_json(json.loads(text))


class LineModelCleaner(Cleaner):
    """Cuts body paragraphs that the learned line model scores as boilerplate
    (rule ``model.line``; the score is in the reason).

    Options:
        threshold: Cut at or above this score (default: the model's threshold
            for the article's language, chosen for precision first). Above 1 the
            cleaner cuts nothing.
        model: Path of another model file (default: the shipped one).
        defer_to_rules: Leave paragraphs that a rule of the packs matches to the
            rule cleaners (default ``True``; ``False`` measures the model alone).
        edges_only: Cut only paragraphs before the article's first paragraph of
            news prose or after its last (default ``True``); ``False`` lets the
            model cut between paragraphs of prose too.
        rule_packs, registered_packs: As for the rule cleaners.
    """

    name = "linemodel"
    default = True
    order = 5

    @attrs.frozen
    class Options:
        """Options of ``linemodel``."""

        threshold: float | None = option(
            None, "Cut at or above this score (default: the model's per-language threshold; above 1 cuts nothing).")
        model: str | None = option(None, "Path of another model file (default: the shipped one).")
        defer_to_rules: bool = option(True, "Leave paragraphs a rule of the packs matches to the rule cleaners.")
        edges_only: bool = option(
            True, "Cut only before the article's first or after its last paragraph of news prose.")

    def __init__(
        self,
        *,
        threshold: float | None = None,
        model: str | None = None,
        defer_to_rules: bool = True,
        edges_only: bool = True,
        rule_packs: Sequence[str] | None = None,
        registered_packs: Sequence[tuple[str, str]] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)):
            raise ValueError("cleaner 'linemodel': option 'threshold' must be a number")
        self.model_path = model
        self._threshold = None if threshold is None else float(threshold)
        self.defer_to_rules = bool(defer_to_rules)
        self.edges_only = bool(edges_only)
        self.packs = resolve_packs(rule_packs, registered_packs) if defer_to_rules else ()
        self._compiled: dict[str | None, CompiledRules] = {}

    @property
    def model(self) -> LineModel:
        """The model (loaded on first use)."""
        return load_model(self.model_path)

    def threshold(self, language: str | None) -> float:
        """The score at or above which a paragraph of an article in ``language`` is cut."""
        return self.model.threshold(language) if self._threshold is None else self._threshold

    def _rules(self, language: str | None) -> CompiledRules:
        compiled = self._compiled.get(language)
        if compiled is None:
            packs = [p for p in self.packs if p.runs_on(language)]
            compiled = compile_rules([r for p in packs for r in p.rules], [m for p in packs for m in p.speech_markers])
            self._compiled[language] = compiled
        return compiled

    def _ruled(self, text: str, language: str | None) -> bool:
        rules = self._rules(language)
        if any(rules.paragraph(text, zone) is not None for zone in ("anywhere", "head", "tail", "between")):
            return True
        return match_prefix(text, rules) is not None or match_prefix(text, rules, rules.any_prefixes) is not None

    def clean(self, article: Article) -> Article:
        return self.clean_batch([article])[0]

    def clean_batch(self, articles: Sequence[Article]) -> list[Article]:
        """Score the candidate paragraphs of the whole batch at once, then cut."""
        plans: list[tuple[int, list[tuple[int, int]]]] = []  # article, (candidate row, current index)
        texts: list[str] = []
        blocks: list[npt.NDArray[np.float64]] = []
        for k, article in enumerate(articles):
            # A threshold above 1 cuts nothing: the article is not even scored.
            if not article.body or self.threshold(article.language) > 1.0:
                continue
            title, body, kept = _original(article)
            outlet = outlet_pattern(article.source, article.url)
            rows, dense = dense_features(body, title, article.language, edges=self.edges_only, outlet=outlet)
            pairs = []
            for r, i in enumerate(rows):
                index = kept[i]
                if index is not None:
                    pairs.append((len(texts), index))
                    texts.append(body[i])
                    blocks.append(dense[r])
            if pairs:
                plans.append((k, pairs))
        if not texts:
            return list(articles)
        scores = self.model.score(texts, np.vstack(blocks))
        out = list(articles)
        for k, pairs in plans:
            article = out[k]
            t = self.threshold(article.language)
            cuts = [
                Cut("body", index, RULE, f"line model: boilerplate score {_shown(scores[row])}")
                for row, index in pairs
                if scores[row] >= t and not (self.defer_to_rules and self._ruled(texts[row], article.language))
            ]
            if cuts:
                out[k] = apply_cuts(article, cuts, self.name)
        return out


def _shown(score: float) -> str:
    # Rounded down, so a shown score is never above the one compared with the threshold.
    return f"{math.floor(float(score) * 1000) / 1000:.3f}"


def _original(article: Article) -> tuple[str, list[str], list[int | None]]:
    """Title and body before any cleaner ran, and each original paragraph's index in
    the current body (``None``: already removed)."""
    if not any(not is_parser_removal(article, r) for r in article.removed):
        return article.title, list(article.body), list(range(len(article.body)))
    fields = reconstruct(article)
    title = " ".join(line.text for line in fields["title"])
    lines = fields["body"]
    return title, [line.text for line in lines], [line.kept_index for line in lines]


def score_body(
    body: Iterable[str], title: str = "", language: str | None = None, source: str | None = None
) -> list[float]:
    """Scores of every paragraph of ``body`` (0 for guarded paragraphs and the lede)
    of an article of outlet ``source``; for inspection and tests."""
    paras = list(body)
    rows, dense = dense_features(paras, title, language, outlet=outlet_pattern(source))
    out = [0.0] * len(paras)
    if rows:
        for i, s in zip(rows, load_model().score([paras[i] for i in rows], dense), strict=True):
            out[i] = float(s)
    return out
