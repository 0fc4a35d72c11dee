"""Contract checks and hypothesis strategies for the tests of plugin authors.

A component keeps the contract its base class documents (:class:`~newscorpus.cleaners.Cleaner`,
:class:`~newscorpus.parsers.Parser`, :class:`~newscorpus.readers.Reader`,
:class:`~newscorpus.exporters.Exporter`); this module checks it, so a plugin's own
tests can say so in one line:

```python
from newscorpus.testing import check_cleaner, check_options

def test_adverts_keeps_the_contract():
    check_options(AdvertCleaner)
    check_cleaner(AdvertCleaner)          # 100 generated batches of articles
```

Every ``check_*`` function raises :class:`AssertionError` with a message naming the
component, the input and the rule it broke, and returns what the component produced,
for further assertions. The checkers that take generated input (``check_cleaner``,
``check_parser``) accept concrete inputs, a hypothesis strategy, or nothing (the
default strategy of this module); with a strategy they run a hypothesis property
of their own, so call them with concrete inputs from inside a ``@given`` test
(hypothesis does not nest ``@given``).

The strategies build what a run hands a component: :func:`articles` (valid
Articles in Indonesian, Malay and English, with odd Unicode, boilerplate lines,
repeated ledes, with or without dates, URLs and parser removals),
:func:`paragraphs`, :func:`raw_documents` (plain text, HTML, structured records
and hostile bytes) and :func:`events`.

hypothesis is an optional dependency: ``pip install 'newscorpus[testing]'``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import html
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

try:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "newscorpus.testing needs hypothesis: pip install 'newscorpus[testing]' (or pip install hypothesis)"
    ) from exc

from .cleaners.base import Cleaner
from .cleaners.explain import original_fields
from .dedup.base import Deduplicator
from .errors import DocumentError
from .events.base import EventBuilder
from .executors.base import Executor
from .exporters.base import DuplicateRow, ExportContext, Exporter
from .models import Article, Credit, Event, EventDate, Provenance, Removal, Timestamp
from .options import FRAMEWORK_KEYS, declared_options, options_table, parse_options
from .parsers.base import Parser
from .readers.base import InputUnit, Limits, RawDocument, Reader
from .readers.jsonl import RECORD_MEDIA_TYPE
from .serialize import article_from_dict, article_to_dict, event_to_dict
from .workdir import dumps_json

__all__ = [
    "articles",
    "check_cleaner",
    "check_exporter",
    "check_options",
    "check_parser",
    "check_reader",
    "events",
    "paragraphs",
    "raw_documents",
]

T = TypeVar("T")

#: Languages the built-in cleaners and language identification know.
LANGUAGES = ("en", "id", "ms")

# -- text ---------------------------------------------------------------------------------------------

# Plain function words and news words of each language, written for these strategies.
_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("the", "government", "said", "on", "Monday", "that", "prices", "rose", "in", "the", "capital",
           "after", "heavy", "rain", "officials", "will", "meet", "residents", "of", "the", "city", "council",
           "minister", "police", "reported", "two", "people", "were", "injured", "market", "school", "road"),
    "id": ("pemerintah", "mengatakan", "bahwa", "harga", "naik", "di", "ibu", "kota", "pada", "hari", "Senin",
           "setelah", "hujan", "deras", "warga", "akan", "bertemu", "dengan", "pejabat", "kepolisian",
           "melaporkan", "dua", "orang", "terluka", "pasar", "sekolah", "jalan", "Jakarta", "Surabaya", "yang"),
    "ms": ("kerajaan", "berkata", "bahawa", "harga", "meningkat", "di", "ibu", "negara", "semalam", "selepas",
           "hujan", "lebat", "penduduk", "akan", "bertemu", "menteri", "polis", "melaporkan", "dua", "orang",
           "cedera", "pasar", "sekolah", "jalan", "Kuala", "Lumpur", "Johor", "Bahru", "ini", "yang"),
}
# Words that break naive text handling: combining marks, zero-width and bidi
# characters, ligatures, case mappings that change length, other scripts, emoji.
_ODD = ("café", "naïve", "e\u0301te", "zero\u200bwidth", "no\u00a0break", "مرحبا", "東京", "서울", "📰", "ﬁnal",
        "so\u00adft", "İstanbul", "Straße", "ＡＢＣ", "\u202eevil\u202c", "Ǆemal", "x\u2028y", "a\ufeffb", "1½",
        "«quoted»", "—", "…", "“smart”", "ĳ", "\U0001f1ee\U0001f1e9")
# Any character but lone surrogates (a run refuses those before cleaning), no whitespace.
_WILD = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8).filter(
    lambda w: w.split() == [w])


@functools.cache
def _sentence(language: str | None) -> st.SearchStrategy[str]:
    """A sentence in ``language`` (words of all three mixed when ``None``), now and
    then with an odd word, any-Unicode word or number in it. Built once per
    language: strategies are immutable, and rebuilding them per draw is slow."""
    common = st.sampled_from(_WORDS[language] if language else tuple(w for ws in _WORDS.values() for w in ws))
    word = st.one_of(*[common] * 10, st.sampled_from(_ODD), _WILD, st.integers(0, 10**6).map(str))
    end = st.sampled_from((".", ".", ".", "!", "?", ":", "", "…", "。"))
    return st.builds(lambda ws, e: (" ".join(ws)[:1].upper() + " ".join(ws)[1:] + e).strip(),
                     st.lists(word, min_size=2, max_size=16), end).filter(bool)


@functools.cache
def _boilerplate() -> tuple[str, ...]:
    """The examples of the built-in rule packs: lines the built-in cleaners cut."""
    from .cleaners.packs import builtin_pack_paths, load_packs

    packs = load_packs([(p, "newscorpus") for p in builtin_pack_paths()])
    return tuple(sorted({ex.strip() for p in packs for r in p.rules for ex in r.examples if ex.strip()}))


def _valid_paragraph(text: str) -> str:
    """``text`` as a body paragraph: stripped, no blank line inside (``Article``'s rule)."""
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def paragraphs(language: str | None = None, *, boilerplate: bool = True) -> st.SearchStrategy[str]:
    """Body paragraphs, each valid for :attr:`Article.body` (non-empty, stripped, no
    blank line): sentences in ``language`` (any of en, id, ms when ``None``) with odd
    Unicode mixed in, paragraphs of two lines, and, with ``boilerplate``, the
    built-in rule packs' examples (share lines, "baca juga", greetings, copyright
    notices), so that cleaners have something to cut."""
    return _paragraphs(language, boilerplate)


@functools.cache
def _paragraphs(language: str | None, boilerplate: bool) -> st.SearchStrategy[str]:
    content = st.lists(_sentence(language), min_size=1, max_size=2).map(" ".join)
    two_lines = st.tuples(_sentence(language), _sentence(language)).map("\n".join)
    options: list[st.SearchStrategy[str]] = [content, content, content, two_lines]
    if boilerplate:
        options.append(st.sampled_from(_boilerplate()))
    return st.one_of(*options).map(_valid_paragraph).filter(bool)


_SLUG = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30)
_OUTLET = st.sampled_from(("Kompas", "Tribunnews", "Berita Harian", "Reuters", "The Star", "Antara", "Bernama",
                           "Valley Courier", "Détik", "日报"))
_NAME = st.sampled_from(("Siti Rahmawati", "Ahmad bin Ismail", "Priya Nair", "Budi Santoso", "Nur Aisyah",
                         "José Álvarez", "Tom Ellery", "Lee Wei Ming"))
_DATES = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31))
_TIMES = st.datetimes(min_value=dt.datetime(1995, 1, 1), max_value=dt.datetime(2035, 12, 31),
                      timezones=st.sampled_from((dt.UTC, dt.timezone(dt.timedelta(hours=7)),
                                                 dt.timezone(dt.timedelta(hours=8)))))
_TIMESTAMPS = st.one_of(
    st.builds(Timestamp, _DATES, st.just("day"), st.sampled_from(("header", "url", "text", "field"))),
    st.builds(Timestamp, _TIMES.map(lambda d: d.replace(microsecond=0)), st.just("second"),
              st.sampled_from(("html-meta", "feed", "warc"))),
    st.builds(Timestamp, _TIMES.map(lambda d: d.replace(second=0, microsecond=0, tzinfo=None)), st.just("minute"),
              st.just("header")),
)
_URLS = st.builds(lambda host, d, slug: f"https://{host}.example/{d:%Y/%m/%d}/{slug}",
                  st.sampled_from(("kompas", "berita", "courier", "star", "news")), _DATES, _SLUG)


@functools.cache
def _titles(language: str | None) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), _sentence(language))


@functools.cache
def _subtitles(language: str | None) -> st.SearchStrategy[str]:
    # A lede sentence, or a first line a cleaner may cut (a greeting glued to it, a share line).
    return st.one_of(st.just(""), _sentence(language), paragraphs(language).map(lambda p: p.split("\n")[0]))


@st.composite
def _article(draw: st.DrawFn, languages: Sequence[str], paras: st.SearchStrategy[str] | None,
             max_paragraphs: int) -> Article:
    language = draw(st.sampled_from((*languages, None)))
    para = paras if paras is not None else paragraphs(draw(st.sampled_from(tuple(languages))))
    body = draw(st.lists(para, max_size=max_paragraphs))
    if draw(st.booleans()) and body:  # a lede printed twice, as pages often do
        body.insert(draw(st.integers(0, min(2, len(body)))), body[0])
    title = draw(_titles(language))
    subtitle = draw(_subtitles(language))
    authors = tuple(draw(st.lists(_NAME, max_size=2, unique=True)))
    path = f"{draw(_SLUG)}.{draw(st.sampled_from(('txt', 'html', 'jsonl')))}"
    removed: list[Removal] = []
    if draw(st.booleans()) and authors:  # what a parser lifts: a byline, into ``authors``
        removed.append(Removal(f"By {' and '.join(authors)}", "parser.byline", "plaintext",
                               "a byline, lifted into authors", "body", 1, moved_to="authors"))
    return Article(
        id=draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        provenance=Provenance(path=path, record=draw(st.integers(0, 10**6)), reader="text", parser="plaintext"),
        title=_valid_paragraph(title).replace("\n", " "),
        subtitle=_valid_paragraph(subtitle).replace("\n", " "),
        body=tuple(body),
        language=language,
        published=draw(st.none() | _TIMESTAMPS),
        modified=draw(st.none() | _TIMESTAMPS),
        source=draw(st.none() | _OUTLET),
        authors=authors,
        credits=tuple(Credit(a, "author", f"By {a}") for a in authors),
        url=draw(st.none() | _URLS),
        removed=tuple(removed),
        extras=draw(st.sampled_from(({}, {"test": {"batch": 1, "tags": ["a", "b"]}}))),
    )


def articles(*, languages: Sequence[str] = LANGUAGES, paragraphs: st.SearchStrategy[str] | None = None,
             max_paragraphs: int = 12) -> st.SearchStrategy[Article]:
    """Valid :class:`~newscorpus.models.Article` objects as a run hands them to a
    cleaner: body paragraphs from :func:`paragraphs` (or the strategy given), an
    empty body, title or subtitle sometimes, a lede printed twice, with and without
    publication and modification times (dates, aware and naive datetimes), URL,
    outlet, authors and a parser's byline removal.

    Args:
        languages: Languages of the text and of ``Article.language`` (which is
            also ``None`` sometimes, and sometimes another of these).
        paragraphs: Body paragraphs to use instead of the built-in ones (your
            cleaner's own boilerplate, say).
        max_paragraphs: Most body paragraphs.
    """
    return _article(tuple(languages), paragraphs, max_paragraphs)


def events(article_ids: Sequence[str] = ()) -> st.SearchStrategy[Event]:
    """:class:`~newscorpus.models.Event` objects grouping some of ``article_ids``
    (ids of their own when none are given), with or without dates and places."""
    ids = st.lists(st.sampled_from(tuple(article_ids)), min_size=1, unique=True) if article_ids else \
        st.lists(st.text("0123456789abcdef", min_size=16, max_size=16), min_size=1, max_size=4, unique=True)
    date = st.one_of(st.just(EventDate()),
                     st.builds(lambda d, n: EventDate(d, d + dt.timedelta(days=n), "day" if n == 0 else "range",
                                                      "explicit"), _DATES, st.integers(0, 3)))
    return st.builds(
        lambda i, title, d, place, members, langs, ts: Event(
            id=f"e{i:06d}", title=title, date=d, location=place, participants=("Siti Rahmawati",)[: i % 2],
            article_ids=tuple(members), languages=tuple(sorted(set(langs))), sources=("Antara",),
            first_seen=ts, last_seen=ts, builder="test"),
        st.integers(0, 999_999), _sentence(None), date, st.none() | st.sampled_from(("Jakarta", "Johor Bahru")),
        ids, st.lists(st.sampled_from(LANGUAGES), max_size=3), st.none() | _TIMESTAMPS,
    )


# -- raw documents ------------------------------------------------------------------------------------

_HOSTILE_BYTES = st.one_of(
    st.just(b""),
    st.just(b"\x00" * 64),
    st.binary(max_size=300),
    st.just(b"\xff\xfe\x00\xd8broken utf-16"),
    st.just("caf\xe9 ol\xe9".encode("latin-1")),
    st.just(b"\xef\xbb\xbf"),
    st.just(b"\n\n  \r\n\t\n"),
)


@st.composite
def _text_page(draw: st.DrawFn, language: str | None) -> str:
    """Title, blank lines (some with spaces, some CRLF) and paragraphs, as a text file is."""
    parts = [draw(_sentence(language))] if draw(st.booleans()) else []
    parts += draw(st.lists(paragraphs(language), max_size=8))
    out = ""
    for p in parts:
        out += p + draw(st.sampled_from(("\n\n", "\n\n\n", "\n \n", "\r\n\r\n", "\n")))
    return out


def _encode(draw: st.DrawFn, text: str) -> bytes:
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


@st.composite
def _html_page(draw: st.DrawFn, language: str | None) -> str:
    esc = html.escape
    title = draw(_sentence(language))
    body = draw(st.lists(paragraphs(language), max_size=8))
    head = [f"<title>{esc(title)} | {esc(draw(_OUTLET))}</title>"]
    if draw(st.booleans()):
        head.append('<meta charset="utf-8">')
    if draw(st.booleans()):
        head.append(f'<meta name="author" content="{esc(draw(_NAME))}">')
    if draw(st.booleans()):
        head.append(f'<meta property="article:published_time" content="{draw(_TIMESTAMPS).isoformat()}">')
    if draw(st.booleans()):
        head.append(f'<link rel="canonical" href="{esc(draw(_URLS))}">')
    paras = [f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in body]
    if draw(st.booleans()):
        paras.insert(draw(st.integers(0, len(paras))), "<p></p><p>   </p>")
    noise = draw(st.lists(st.sampled_from((
        "<script>var x = '<p>not text</p>';</script>", "<!-- a comment -->", "<nav><a href='/'>Home</a></nav>",
        "<div class='share'>Share: <a>Facebook</a> <a>X</a></div>", "<p>&nbsp;&amp;&lt;&#x1F4F0;&bogus;</p>",
        "<div><div><div><span>deep</span></div></div></div>", "<p>unclosed <b>bold", "<style>p{}</style>",
    )), max_size=4))
    lang = f' lang="{language}"' if language and draw(st.booleans()) else ""
    doctype = "<!DOCTYPE html>\n" if draw(st.booleans()) else ""
    article = f"<article><h1>{esc(title)}</h1>{''.join(paras)}</article>"
    return f"{doctype}<html{lang}><head>{''.join(head)}</head><body>{''.join(noise)}{article}</body></html>"


_RECORD_VALUES = st.one_of(st.none(), st.just(float("nan")), st.integers(), st.booleans(), st.just([1, "two"]),
                           st.just({"nested": {"k": "v"}}), _WILD)


@st.composite
def _record(draw: st.DrawFn, language: str | None) -> dict[str, Any]:
    """A structured record as a JSONL, CSV or Parquet reader yields it: usual column
    names, sometimes missing or holding a value of the wrong type."""
    fields: dict[str, Any] = {}
    body = draw(st.lists(paragraphs(language), max_size=8))
    if draw(st.booleans()) or body:
        fields[draw(st.sampled_from(("body", "text", "maintext", "content")))] = "\n\n".join(body)
    if draw(st.booleans()):
        fields[draw(st.sampled_from(("title", "headline")))] = draw(_sentence(language))
    if draw(st.booleans()):
        fields[draw(st.sampled_from(("published", "date_publish", "date")))] = draw(st.one_of(
            _TIMESTAMPS.map(Timestamp.isoformat), st.sampled_from(("5 Maret 2024", "2024-13-45", "yesterday", "")),
            st.integers(0, 2_000_000_000)))
    if draw(st.booleans()):
        fields["url"] = draw(_URLS)
    if draw(st.booleans()):
        fields["authors"] = draw(st.one_of(_NAME, st.lists(_NAME, max_size=3)))
    if draw(st.booleans()):
        fields["language"] = draw(st.sampled_from((*LANGUAGES, "EN-gb", "xx", "")))
    if draw(st.booleans()):  # a column of the wrong type, or an extra column
        fields[draw(st.sampled_from(("title", "body", "source", "extra", "meta")))] = draw(_RECORD_VALUES)
    return fields


@st.composite
def _raw_document(draw: st.DrawFn, media_type: str, fields: st.SearchStrategy[dict[str, Any]] | None,
                  data: st.SearchStrategy[bytes] | None, reader: str) -> RawDocument:
    language = draw(st.sampled_from((*LANGUAGES, None)))
    record = draw(st.integers(0, 10**6))
    ext = {"text/plain": "txt", "text/html": "html", "application/xhtml+xml": "xhtml",
           RECORD_MEDIA_TYPE: "jsonl"}.get(media_type, "bin")
    rel = f"{draw(_SLUG)}.{ext}"
    content: bytes | None = None
    values: dict[str, Any] = {}
    if fields is not None:
        values = draw(fields)
    elif media_type == RECORD_MEDIA_TYPE:
        values = draw(_record(language))
    elif media_type in ("text/html", "application/xhtml+xml") and draw(st.booleans()):
        values = {"url": draw(_URLS), "fetched": draw(_TIMESTAMPS).isoformat()}
    if data is not None:
        content = draw(data)
    elif fields is not None or media_type == RECORD_MEDIA_TYPE:
        content = None  # a structured document: its fields are the content
    elif draw(st.integers(0, 4)) == 0:
        content = draw(_HOSTILE_BYTES)
    elif media_type in ("text/html", "application/xhtml+xml"):
        content = _encode(draw, draw(_html_page(language)))
    elif media_type.startswith("text/"):
        content = _encode(draw, draw(_text_page(language)))
    else:
        content = draw(st.binary(max_size=500))
    return RawDocument(path=f"/input/{rel}", record=record, key=f"{rel}#{record}", reader=reader,
                       media_type=media_type, data=content, fields=values)


def raw_documents(media_type: str = "text/plain", *, fields: st.SearchStrategy[dict[str, Any]] | None = None,
                  data: st.SearchStrategy[bytes] | None = None, reader: str = "test") -> st.SearchStrategy[RawDocument]:
    """:class:`~newscorpus.readers.RawDocument` objects of ``media_type``, as a
    reader yields them to a parser.

    * ``text/*``: a page of paragraphs in UTF-8 (with or without BOM), UTF-16,
      cp1252 or Latin-1, with blank lines of spaces and CRLF;
    * ``text/html``, ``application/xhtml+xml``: a page with head metadata (title,
      author, publication time, canonical link), an ``<article>``, empty
      paragraphs, scripts, navigation, share widgets, entities and unclosed tags;
      ``fields`` sometimes hold the ``url`` and ``fetched`` time a crawl gives;
    * ``application/x-newscorpus-record``: ``fields`` as a JSONL/CSV/Parquet
      reader gives (usual column names; missing values, ``NaN``, wrong types);
    * any other type: random bytes, unless ``data`` or ``fields`` say otherwise.

    One document in five of a byte type is hostile instead (empty, NUL bytes,
    random binary, broken UTF-16, a lone BOM, blank lines only).

    Args:
        media_type: The media type to build.
        fields: Strategy for ``RawDocument.fields`` (a plugin's own media type).
        data: Strategy for ``RawDocument.data``.
        reader: ``RawDocument.reader``.
    """
    return _raw_document(media_type, fields, data, reader)


# -- constructing components --------------------------------------------------------------------------

_FAMILIES: tuple[tuple[type, str], ...] = (
    (Reader, "reader"), (Parser, "parser"), (Cleaner, "cleaner"), (Deduplicator, "deduplicator"),
    (EventBuilder, "event_builder"), (Exporter, "exporter"), (Executor, "executor"),
)


def _family(cls: type) -> str:
    for base, family in _FAMILIES:
        if issubclass(cls, base):
            return family
    raise TypeError(f"{cls.__qualname__} subclasses none of the component base classes")


@functools.cache
def _registered_packs() -> tuple[tuple[str, str], ...]:
    from .plugins import get_registry

    return tuple(get_registry().rule_packs)


def _framework_arguments(family: str) -> dict[str, Any]:
    """What the pipeline passes to a constructor besides the options (see
    :data:`newscorpus.options.FRAMEWORK_KEYS`), at its defaults."""
    if family in ("reader", "parser"):
        return {"limits": Limits()}
    if family == "cleaner":
        return {"rule_packs": (), "registered_packs": _registered_packs()}
    if family == "executor":
        return {"workers": 1}
    return {}


def _instance(component: object, base: type) -> Any:
    """``component`` itself, or an instance built as the pipeline builds one with no options."""
    if isinstance(component, type):
        if not issubclass(component, base):
            raise AssertionError(f"{component.__qualname__} is not a subclass of {base.__qualname__}")
        instance = component(**_framework_arguments(_family(component)))
    else:
        instance = component
    if not isinstance(instance, base):
        raise AssertionError(f"{instance!r} is not a {base.__qualname__}")
    name = getattr(instance, "name", None)
    if not isinstance(name, str) or not name:
        raise AssertionError(f"{type(instance).__qualname__} has no 'name' (configs and records name it)")
    return instance


def _run_property(check: Callable[[T], None], strategy: st.SearchStrategy[T], max_examples: int) -> None:
    """Run ``check`` as a hypothesis property over ``strategy`` (the user's profile
    decides the rest: database, derandomisation, verbosity)."""

    # No explain phase: it re-runs the failing example many times over to mark
    # lines, which costs more than the shrinking and shows hypothesis's own lines.
    phases = [p for p in settings().phases if p is not Phase.explain]

    @settings(max_examples=max_examples, deadline=None, phases=phases,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(strategy)
    def prop(value: T) -> None:
        check(value)

    prop()


def _show(text: str, n: int = 80) -> str:
    return repr(text if len(text) <= n else text[: n - 1] + "…")


# -- cleaners -----------------------------------------------------------------------------------------


def _check_clean_one(cleaner: Cleaner, article: Article) -> Article | None:
    """Check one ``clean`` call; ``None`` when the cleaner refused the article."""
    who = f"cleaner {cleaner.name!r} on article {article.id!r}"
    before = copy.deepcopy(article)
    try:
        out = cleaner.clean(article)
    except DocumentError:
        return None
    except Exception as exc:
        raise AssertionError(f"{who} raised {type(exc).__name__}: {exc} (a cleaner refuses an article with "
                             "DocumentError only; anything else is a bug, which a run quarantines as "
                             "cleaner-error)") from exc
    if article != before:
        raise AssertionError(f"{who} changed its input in place (extras?): return a new Article instead")
    if not isinstance(out, Article):
        raise AssertionError(f"{who} returned {type(out).__name__}, not an Article")
    if (out.id, out.provenance) != (article.id, article.provenance):
        raise AssertionError(f"{who} changed the id or provenance")
    if out.removed[: len(article.removed)] != article.removed:
        raise AssertionError(f"{who} changed or dropped removals made before it; append new ones only")
    new = out.removed[len(article.removed):]
    for r in new:
        if r.plugin != cleaner.name or not r.rule or r.rule.startswith("parser."):
            raise AssertionError(f"{who}: the removal of {_show(r.text)} names rule {r.rule!r} and plugin "
                                 f"{r.plugin!r}; a cleaner's removal names a rule id of its own (not parser.*) "
                                 f"and the cleaner ({cleaner.name!r}): use apply_cuts(article, cuts, self.name)")
        if not r.text or r.field not in ("title", "subtitle", "body"):
            raise AssertionError(f"{who}: a removal of {_show(r.text)} from field {r.field!r}; removals take "
                                 "non-empty text from title, subtitle or body")
    kept_others = tuple(f for f in out.flags if f.plugin != cleaner.name)
    if kept_others != tuple(f for f in article.flags if f.plugin != cleaner.name):
        raise AssertionError(f"{who} changed or dropped flags raised by other components")
    # Nothing lost: undoing this cleaner's removals (newest first) gives back its input.
    probe = attrs.evolve(out, removed=new, provenance=Provenance(path=""), extras={})
    title, subtitle, body = original_fields(probe)
    if (title, subtitle, body) != (article.title, article.subtitle, article.body):
        had = Counter(p for p in (article.title, article.subtitle, *article.body) if p)
        undone = Counter(p for p in (title, subtitle, *body) if p)
        lost, added = list((had - undone).elements()), list((undone - had).elements())
        raise AssertionError(
            f"{who} lost or rewrote text: its output plus its {len(new)} new removal(s) do not give back the "
            f"input (missing: {', '.join(map(_show, lost[:3])) or 'none'}; not in the input: "
            f"{', '.join(map(_show, added[:3])) or 'none'}). "
            "Cut whole paragraphs (or a prefix) with apply_cuts, which records each cut as a Removal")
    try:
        again = cleaner.clean(out)
    except Exception as exc:
        raise AssertionError(f"{who}: cleaning its own output raised {type(exc).__name__}: {exc}") from exc
    if again != out:
        more = again.removed[len(out.removed):]
        raise AssertionError(f"{who} is not idempotent: cleaning its output again changed it"
                             + (f" (removed {', '.join(_show(r.text) for r in more[:3])})" if more else ""))
    return out


def _check_clean_batch(cleaner: Cleaner, batch: Sequence[Article]) -> list[Article]:
    outs = [_check_clean_one(cleaner, a) for a in batch]
    cleaned = [o for o in outs if o is not None]
    if len(cleaned) == len(batch):
        try:
            together = cleaner.clean_batch(list(batch))
        except Exception as exc:
            raise AssertionError(f"cleaner {cleaner.name!r}: clean_batch raised {type(exc).__name__}: {exc} on a "
                                 "batch that clean() took one by one") from exc
        if list(together) != cleaned:
            raise AssertionError(f"cleaner {cleaner.name!r}: clean_batch of {len(batch)} articles differs from "
                                 "clean() of each (a run cleans in batches, explain and tests one by one)")
    return cleaned


def check_cleaner(cleaner: Cleaner | type[Cleaner],
                  articles: Iterable[Article] | st.SearchStrategy[Article] | None = None, *,
                  max_examples: int = 100) -> list[Article]:
    """Check that a cleaner keeps the :class:`~newscorpus.cleaners.Cleaner` contract.

    For every article: ``clean`` returns an Article (or raises
    :class:`~newscorpus.errors.DocumentError`, nothing else) without touching its
    input; id, provenance, earlier removals and other components' flags are kept;
    every new removal names the cleaner and a rule of its own; nothing is lost
    (undoing the new removals, newest first, gives back the input's title,
    subtitle and body exactly, so kept text was never rewritten); cleaning the
    output again changes nothing; and ``clean_batch`` of the batch equals
    ``clean`` of each.

    Args:
        cleaner: An instance, or a class built as the pipeline builds it with no
            options (``rule_packs`` and the registered packs passed).
        articles: The articles; a strategy of articles (checked in batches of up to
            five); or ``None`` for :func:`articles`.
        max_examples: Batches hypothesis tries when ``articles`` is a strategy or
            ``None``.

    Returns:
        The cleaned articles, in order (those the cleaner refused left out); for
        generated input, those of every batch tried.

    Raises:
        AssertionError: The first broken rule, naming the article.
    """
    instance: Cleaner = _instance(cleaner, Cleaner)
    if articles is None:
        articles = _article(LANGUAGES, None, 12)
    if isinstance(articles, st.SearchStrategy):
        seen: list[Article] = []
        _run_property(lambda batch: seen.extend(_check_clean_batch(instance, batch)),
                      st.lists(articles, min_size=1, max_size=5), max_examples)
        return seen
    return _check_clean_batch(instance, list(articles))


# -- parsers ------------------------------------------------------------------------------------------


def _check_parse_one(parser: Parser, doc: RawDocument, article_id: str) -> Article | DocumentError:
    who = f"parser {parser.name!r} on {doc.key!r} ({doc.media_type}, {len(doc.data or b'')} bytes)"
    before = copy.deepcopy(doc.fields)
    try:
        article = parser.parse(doc, article_id)
    except DocumentError as exc:
        if not exc.reason or not isinstance(exc.reason, str):
            raise AssertionError(f"{who} raised a DocumentError without a reason") from exc
        return exc
    except Exception as exc:
        raise AssertionError(f"{who} raised {type(exc).__name__}: {exc}; a document that is not an article is "
                             "refused with DocumentError(reason, detail), anything else is a parser bug") from exc
    if _nan_safe(doc.fields) != _nan_safe(before):
        raise AssertionError(f"{who} changed the document's fields in place")
    if not isinstance(article, Article):
        raise AssertionError(f"{who} returned {type(article).__name__}, not an Article")
    if article.id != article_id:
        raise AssertionError(f"{who} returned id {article.id!r}, not the id it was given ({article_id!r})")
    prov = article.provenance
    expected = (doc.path, doc.record, doc.reader, parser.name)
    if (prov.path, prov.record, prov.reader, prov.parser) != expected:
        raise AssertionError(f"{who}: provenance {(prov.path, prov.record, prov.reader, prov.parser)} should be "
                             f"{expected}; build it with newscorpus.parsers.provenance_of(doc, self.name)")
    long = [p for p in (article.title, article.subtitle, *article.body) if len(p) > parser.limits.max_line_chars]
    if long:
        raise AssertionError(f"{who} kept a paragraph of {len(long[0]):,} characters, over limits.max_line_chars "
                             f"({parser.limits.max_line_chars:,}): refuse it with DocumentError('line-too-long')")
    text = (article.title, article.subtitle, article.full_text, article.source or "", article.url or "",
            "".join(article.authors))
    if not all(_valid_unicode(t) for t in text):
        # As a run does: it refuses such an article as invalid-unicode after parsing.
        return DocumentError("invalid-unicode", "the article's text holds a lone surrogate")
    line, changes = dumps_json(article_to_dict(article))
    if changes:
        raise AssertionError(f"{who}: the article cannot be written as JSON as it is ({dict(changes)}): lone "
                             "surrogates, NaN or infinite numbers, or huge integers in its fields or extras")
    try:
        back = article_from_dict(json.loads(line))
    except Exception as exc:
        raise AssertionError(f"{who}: the article's JSON does not read back ({type(exc).__name__}: {exc}); "
                             "extras must hold JSON values only") from exc
    if back != article:
        diff = [f.name for f in attrs.fields(Article) if getattr(back, f.name) != getattr(article, f.name)]
        raise AssertionError(f"{who}: the article changes through its JSON form (fields {diff}); extras must hold "
                             "JSON values only (lists, not tuples; str keys)")
    try:
        twice = parser.parse(doc, article_id)
    except Exception as exc:
        raise AssertionError(f"{who}: parsing the same document again raised {type(exc).__name__}: {exc}") from exc
    if twice != article:
        raise AssertionError(f"{who}: parsing the same document twice gave different articles (a resumed run "
                             "must get what the first run got)")
    return article


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _nan_safe(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def check_parser(parser: Parser | type[Parser],
                 documents: Iterable[RawDocument] | st.SearchStrategy[RawDocument] | None = None, *,
                 max_examples: int = 100) -> list[Article | DocumentError]:
    """Check that a parser keeps the :class:`~newscorpus.parsers.Parser` contract.

    For every document: ``parse`` returns an Article or raises
    :class:`~newscorpus.errors.DocumentError` (with a reason), nothing else; the
    Article has the id it was given and the provenance of the document
    (:func:`~newscorpus.parsers.provenance_of`); no paragraph is longer than
    ``limits.max_line_chars``; it is written as JSON unchanged and reads back equal
    (:mod:`newscorpus.serialize`); the document is not changed; and parsing it
    again gives the same article.

    Args:
        parser: An instance, or a class built with the default limits.
        documents: The documents; a strategy of documents; or ``None`` for
            :func:`raw_documents` of each of the parser's ``media_types``.
        max_examples: Documents hypothesis tries for generated input.

    Returns:
        The article or the error of each document, in order (for generated
        input, of every document tried).
    """
    instance: Parser = _instance(parser, Parser)
    if documents is None:
        if not instance.media_types:
            raise AssertionError(f"parser {instance.name!r} declares no media_types: it would never be chosen")
        documents = st.one_of(*(raw_documents(m) for m in instance.media_types))
    if isinstance(documents, st.SearchStrategy):
        seen: list[Article | DocumentError] = []
        _run_property(lambda doc: seen.append(_check_parse_one(instance, doc, "a" * 16)), documents, max_examples)
        return seen
    return [_check_parse_one(instance, doc, f"{i:016x}") for i, doc in enumerate(documents)]


# -- readers ------------------------------------------------------------------------------------------


def _read_all(reader: Reader, unit: InputUnit) -> list[RawDocument]:
    who = f"reader {reader.name!r} on {unit.path!r}"
    out: list[RawDocument] = []
    try:
        for doc in reader.read(unit):
            out.append(doc)
    except Exception as exc:
        raise AssertionError(f"{who} raised {type(exc).__name__}: {exc} after {len(out)} document(s); a broken "
                             "record is yielded with RawDocument.error set, so the records after it are read") from exc
    return out


def _doc_summary(doc: RawDocument) -> tuple[Any, ...]:
    return (doc.key, doc.record, doc.media_type, doc.data, _nan_safe(doc.fields),
            None if doc.error is None else doc.error.reason)


def check_reader(reader: Reader | type[Reader], unit: InputUnit | str | os.PathLike[str]) -> list[RawDocument]:
    """Check that a reader keeps the :class:`~newscorpus.readers.Reader` contract on one input.

    ``read`` yields only :class:`~newscorpus.readers.RawDocument` objects and never
    raises (a broken record is a document with ``error`` set to a
    :class:`~newscorpus.errors.DocumentError`); every document names the reader and
    the input file, has a key of its own that starts with the input's relative path
    (``relpath#record``: ids hash it) and a media type; a document read whole holds
    no more than ``limits.max_document_bytes``; reading again yields the same
    documents; and a splittable reader yields the same documents from the byte
    ranges of :meth:`~newscorpus.readers.Reader.split` as from the whole file.

    Args:
        reader: An instance, or a class built with the default limits.
        unit: The input: an :class:`~newscorpus.readers.InputUnit`, or a file path
            (its folder is the root).

    Returns:
        The documents read.
    """
    instance: Reader = _instance(reader, Reader)
    if not isinstance(unit, InputUnit):
        path = os.fspath(unit)
        unit = InputUnit(path, os.path.dirname(os.path.abspath(path)) or ".")
    who = f"reader {instance.name!r} on {unit.path!r}"
    docs = _read_all(instance, unit)
    keys: dict[str, int] = {}
    for i, doc in enumerate(docs):
        if not isinstance(doc, RawDocument):
            raise AssertionError(f"{who} yielded {type(doc).__name__} (item {i}), not a RawDocument")
        if doc.reader != instance.name or doc.path != unit.path:
            raise AssertionError(f"{who}: document {doc.key!r} names reader {doc.reader!r} and path {doc.path!r}, "
                                 f"not {instance.name!r} and {unit.path!r}")
        if doc.key in keys:
            raise AssertionError(f"{who}: documents {keys[doc.key]} and {i} share the key {doc.key!r} (ids hash it: "
                                 "they would get the same article id)")
        keys[doc.key] = i
        if not doc.key.startswith(f"{unit.relpath}#"):
            raise AssertionError(f"{who}: key {doc.key!r} does not start with the input-relative path "
                                 f"{unit.relpath + '#'!r}; ids would change with where the corpus lives")
        if not isinstance(doc.media_type, str) or not doc.media_type:
            raise AssertionError(f"{who}: document {doc.key!r} has no media type")
        if doc.error is not None and not (isinstance(doc.error, DocumentError) and doc.error.reason):
            raise AssertionError(f"{who}: document {doc.key!r} has error {doc.error!r}; errors are "
                                 "DocumentError(reason, detail)")
        if doc.data is not None and not isinstance(doc.data, bytes):
            raise AssertionError(f"{who}: document {doc.key!r} holds {type(doc.data).__name__} data, not bytes")
        if not isinstance(doc.fields, dict):
            raise AssertionError(f"{who}: document {doc.key!r} has fields of type {type(doc.fields).__name__}")
        if doc.error is None and doc.data is not None and len(doc.data) > instance.limits.max_document_bytes:
            raise AssertionError(f"{who}: document {doc.key!r} of {len(doc.data):,} bytes is over "
                                 "limits.max_document_bytes: yield it with error DocumentError('too-large', ...)")
    again = [_doc_summary(d) for d in _read_all(instance, unit)]
    if again != [_doc_summary(d) for d in docs]:
        raise AssertionError(f"{who}: reading the same input twice yielded different documents (a resumed run "
                             "reads its units again)")
    if instance.splittable and unit.start == 0 and unit.end is None and os.path.isfile(unit.path):
        size = os.path.getsize(unit.path)
        ranges = type(instance).split(unit.path, max(1, size // 4))
        parts = [d for start, end in ranges
                 for d in _read_all(instance, attrs.evolve(unit, start=start, end=end))]
        if [d.key for d in parts] != [d.key for d in docs]:
            raise AssertionError(f"{who}: the {len(ranges)} byte ranges of split() yield {len(parts)} documents, "
                                 f"the whole file {len(docs)} (every record must come from exactly one range)")
    return docs


# -- exporters ----------------------------------------------------------------------------------------

_TEMP = re.compile(r"\.tmp-\d+")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@attrs.define
class _Watch:
    """What the audit hook records while an export runs: writes outside the output
    directory, and files written in it under their final names (not through the
    context's temporary names)."""

    output: Path
    allowed: tuple[Path, ...]
    problems: list[str] = attrs.Factory(list)


_WATCHES: list[_Watch] = []
_HOOK_LOCK = threading.Lock()
_HOOKED = False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _resolve(value: Any) -> Path | None:
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, str | os.PathLike):
        return None  # a file descriptor
    path = Path(os.path.abspath(os.fspath(value)))
    try:
        return path.parent.resolve() / path.name
    except OSError:
        return path


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCHES:
        return
    watch = _WATCHES[-1]
    if event == "open":
        path, mode, flags = (*args, None, None)[:3]
        writing = bool(flags & _WRITE_FLAGS) if isinstance(flags, int) else (
            isinstance(mode, str) and any(c in mode for c in "wax+"))
        if writing:
            _record_write(watch, _resolve(path), "opened for writing", final_ok=False)
    elif event == "sqlite3.connect" and args and str(args[0]) not in ("", ":memory:"):
        _record_write(watch, _resolve(args[0]), "opened as a database", final_ok=False)
    elif event == "os.rename" and len(args) >= 2:
        _record_write(watch, _resolve(args[1]), "renamed onto", final_ok=True)
    elif event == "os.mkdir" and args:
        path = _resolve(args[0])
        if path is not None and not path.exists():  # makedirs(exist_ok=True) of a folder that is there is no write
            _record_write(watch, path, "created the folder", final_ok=True)
    elif event in ("os.remove", "os.rmdir", "os.truncate", "shutil.rmtree") and args:
        _record_write(watch, _resolve(args[0]), event, final_ok=True)
    elif event in ("os.symlink", "os.link") and len(args) >= 2:
        _record_write(watch, _resolve(args[1]), "linked", final_ok=False)


def _record_write(watch: _Watch, path: Path | None, what: str, *, final_ok: bool) -> None:
    if path is None or "__pycache__" in path.parts or any(_inside(path, a) for a in watch.allowed):
        return  # lazy imports write bytecode caches
    if not _inside(path, watch.output):
        watch.problems.append(f"{what} {path}, outside the output directory {watch.output}")
    elif not final_ok and not _TEMP.search(path.name):
        watch.problems.append(f"{what} {path.relative_to(watch.output)} under its final name: write through "
                              "ctx.open(name) or ctx.temp(name) + ctx.commit(), so that a failed export never "
                              "leaves a truncated file")


@contextlib.contextmanager
def _watching(output: Path, allowed: tuple[Path, ...]) -> Iterator[_Watch]:
    global _HOOKED
    with _HOOK_LOCK:
        if not _HOOKED:  # an audit hook cannot be removed: one for the process, idle unless watching
            sys.addaudithook(_audit)
            _HOOKED = True
    watch = _Watch(output, allowed)
    _WATCHES.append(watch)
    try:
        yield watch
    finally:
        _WATCHES.remove(watch)


def _snapshot(folder: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for path in folder.rglob("*"):
        if skip is not None and _inside(path, skip):
            continue
        st_ = path.lstat()
        out[path.relative_to(folder).as_posix()] = (st_.st_size, st_.st_mtime_ns)
    return out


def _write_lines(path: Path, records: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for rec in records:
            fh.write(dumps_json(rec)[0] + b"\n")


def _context(output: Path, arts: Sequence[Article], evs: Sequence[Event], dups: Sequence[DuplicateRow],
             report: Mapping[str, Any]) -> ExportContext:
    """A context like the export stage's: iterators and the work files (in ``work/``
    of the output directory, where a run keeps them)."""
    work = output / "work"
    final, ev_file, dup_file = work / "final" / "00000.jsonl", work / "events" / "events.jsonl", \
        work / "dedup" / "duplicates.jsonl"
    _write_lines(final, (article_to_dict(a) for a in arts))
    _write_lines(ev_file, (event_to_dict(e) for e in evs))
    _write_lines(dup_file, (attrs.asdict(d) for d in dups))
    return ExportContext(output_dir=output, articles=lambda: iter(arts), events=lambda: iter(evs),
                         duplicates=lambda: iter(dups), report=dict(report), article_files=(final,),
                         event_file=ev_file, duplicate_file=dup_file)


def _default_report(arts: Sequence[Article]) -> dict[str, Any]:
    langs: dict[str, int] = {}
    for a in arts:
        langs[a.language or "unknown"] = langs.get(a.language or "unknown", 0) + 1
    n = len(arts)
    return {"accounting": {"documents": n, "written": n, "dropped_duplicates": 0, "quarantined": 0,
                           "balanced": True}, "articles": {"languages": langs}}


def _export_once(exporter: Exporter, base: Path, ctx: ExportContext, allowed: tuple[Path, ...]) -> list[str]:
    output = ctx.output_dir
    who = f"exporter {exporter.name!r}"
    work = output / "work"
    outside_before = _snapshot(base, skip=output)
    inside_before = _snapshot(output, skip=work)
    with _watching(output.resolve(), allowed) as watch:
        try:
            files = exporter.export(ctx)
        except Exception as exc:
            raise AssertionError(f"{who} raised {type(exc).__name__}: {exc}") from exc
    if watch.problems:
        raise AssertionError(f"{who} wrote outside the context's rules: " + "; ".join(dict.fromkeys(watch.problems)))
    outside_after = _snapshot(base, skip=output)
    if outside_after != outside_before:
        moved = sorted(n for n in {*outside_before, *outside_after} if outside_before.get(n) != outside_after.get(n))
        raise AssertionError(f"{who} wrote outside the output directory {output}: {moved[:5]} changed next to it")
    after = _snapshot(output, skip=work)
    left = sorted(n for n in after if _TEMP.search(n.rsplit("/", 1)[-1]))
    if left:
        raise AssertionError(f"{who} left temporary files behind: {left} (commit every ctx.temp() file, "
                             "or remove it)")
    links = sorted(n for n in after if (output / n).is_symlink())
    if links:
        raise AssertionError(f"{who} left symbolic links in the output directory: {links}")
    if not isinstance(files, list | tuple):
        raise AssertionError(f"{who} returned {type(files).__name__}, not the list of files it wrote")
    real = output.resolve()
    names: list[str] = []
    for f in files:
        path = _resolve(f)
        if path is None or not _inside(path, real):
            raise AssertionError(f"{who} returned {f!r}, which is not inside the output directory")
        if not path.exists():
            raise AssertionError(f"{who} returned {f!r}, which does not exist")
        names.append(path.relative_to(real).as_posix())
    changed = [n for n, v in after.items() if inside_before.get(n) != v and (output / n).is_file()]
    unlisted = [n for n in changed if not any(n == m or n.startswith(m.rstrip("/") + "/") for m in names)]
    if unlisted:
        raise AssertionError(f"{who} wrote {sorted(unlisted)} but did not return them (export() returns every "
                             "file it wrote)")
    return sorted(names)


def check_exporter(exporter: Exporter | type[Exporter], articles: Iterable[Article],
                   events: Iterable[Event] = (), *, duplicates: Iterable[DuplicateRow] = (),
                   report: Mapping[str, Any] | None = None,
                   allow_writes_under: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    """Check that an exporter keeps the :class:`~newscorpus.exporters.Exporter` contract.

    The export runs into a fresh output directory inside a temporary folder, with
    the work files a run keeps (``work/``) and a context like the export stage's.
    While it runs, an audit hook (:func:`sys.addaudithook`) sees every file Python
    opens for writing, renames, links or removes. The export must not write outside
    the output directory (nor next to it), must write files in it only under the
    context's temporary names (:meth:`ExportContext.open`, or
    :meth:`ExportContext.temp` and :meth:`ExportContext.commit`), must leave no
    ``*.tmp-*`` file or symbolic link behind, and must return every file it wrote,
    each existing and inside the output directory. It is then run again into the
    same directory (a resumed run exports again) and must return the same files.

    Writes that native code makes itself (a C library writing a path it was given)
    are not seen by the audit hook; the files around the output directory are
    compared before and after instead.

    Args:
        exporter: An instance, or a class built with no options.
        articles: The articles (ids unique, as in a run).
        events: The events.
        duplicates: The duplicate rows.
        report: ``ExportContext.report``; a small balanced report by default.
        allow_writes_under: Folders the exporter may also write (a library's cache).

    Returns:
        The files written, relative to the output directory, sorted.

    Raises:
        AssertionError: The first broken rule.
        ValueError: ``articles`` hold an id twice.
    """
    instance: Exporter = _instance(exporter, Exporter)
    arts, evs, dups = list(articles), list(events), list(duplicates)
    ids = [a.id for a in arts]
    if len(set(ids)) != len(ids):
        raise ValueError("check_exporter needs articles with unique ids, as a run writes them")
    allowed = tuple(Path(os.path.abspath(p)).resolve() for p in allow_writes_under)
    with tempfile.TemporaryDirectory(prefix="newscorpus-check-") as tmp:
        base = Path(tmp).resolve()
        (base / "sibling").mkdir()
        (base / "sibling" / "keep.txt").write_text("not the exporter's\n", encoding="utf-8")
        output = base / "out"
        output.mkdir()
        ctx = _context(output, arts, evs, dups, report if report is not None else _default_report(arts))
        first = _export_once(instance, base, ctx, allowed)
        second = _export_once(instance, base, ctx, allowed)
        if first != second:
            raise AssertionError(f"exporter {instance.name!r}: exporting again into the same directory returned "
                                 f"{second}, the first export {first}")
        shutil.rmtree(output / "work")
    return first


# -- options ------------------------------------------------------------------------------------------


def check_options(component: type) -> Any:
    """Check that a component class declares its options (:mod:`newscorpus.options`).

    ``Options`` is an attrs class; it builds with no arguments (every option has a
    default that passes its validator); every option has a one-line doc; no option
    is named after what the pipeline passes itself (a parser's ``limits``); the
    empty config parses; and the component builds with every option given at its
    default, as a config that spells them all out would build it.

    Returns:
        The default ``Options`` instance.
    """
    family = _family(component)
    name = getattr(component, "name", component.__qualname__)
    opts = declared_options(component)
    if opts is None:
        raise AssertionError(f"{family} {name!r} declares no Options (an attrs class of option() fields): its "
                             "options are passed unchecked and undocumented")
    try:
        default = opts()
    except Exception as exc:
        raise AssertionError(f"{family} {name!r}: Options() with no arguments raised {type(exc).__name__}: {exc}; "
                             "every option needs a default that passes its validator") from exc
    fields = attrs.fields(attrs.resolve_types(opts))
    undocumented = [f.name for f in fields if not str(f.metadata.get("doc", "")).strip()]
    if undocumented:
        raise AssertionError(f"{family} {name!r}: options {undocumented} have no doc; declare them with "
                             "newscorpus.options.option(default, doc)")
    reserved = sorted({f.name for f in fields} & FRAMEWORK_KEYS.get(family, frozenset()))
    if reserved:
        raise AssertionError(f"{family} {name!r} declares {reserved} as options; the pipeline passes them itself")
    parse_options(component, {}, family)
    options_table(component)
    values = {f.name: getattr(default, f.name) for f in fields}
    try:
        built = component(**_framework_arguments(family), **values)
    except Exception as exc:
        raise AssertionError(f"{family} {name!r} does not build with its options at their defaults "
                             f"({type(exc).__name__}: {exc}): its __init__ must accept every declared option") from exc
    close = getattr(built, "close", None)
    if callable(close):
        close()  # what it started (an executor's pool or cluster) must not outlive the check
    return default
