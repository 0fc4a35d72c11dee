"""Fuzz targets for the first-party plugins' readers and parsers (hypothesis), as
``test_fuzz_core.py`` does for the core: CSV and Parquet (``newscorpus-tabular``,
through the ``record`` parser), feeds (``feed`` reader, ``feed-item`` parser),
HTML pages (``html``) and WARC (``warc``, through the ``html`` parser).

Properties (``fuzz_checks.py``, shared with the atheris harness
``tools/fuzz/run.py``), whatever the bytes: a reader raises nothing (a bad record is yielded
with its error, so the records after it are read), every document it yields has
its own key, a parser raises nothing but the ``DocumentError`` that quarantines
one document, and every Article built is writable as it stands: its JSON line
needs no sanitising (no lone surrogate, NaN or infinity), except inside
``extras`` of structured records, where the writer's documented ``NaN``-to-``null``
applies.

``NEWSCORPUS_FUZZ_EXAMPLES`` sets the examples per cheap target (default 60, as in
``test_fuzz_core.py``); the HTML and WARC targets, which run trafilatura on every
page, get a third of it. Damaged Parquet files are fuzzed too: the reader reads
a footer in a forked child (a footer found by fuzzing made pyarrow abort the
process) and validates every decoded batch before reading a value.
"""

from __future__ import annotations

import base64
import gzip
import importlib
import json
import os
import zlib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.parsers.record import RecordParser
from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE

from .conftest import assert_bounded, read_quarantine, read_report, run_cli
from .corpus import article, cli_args, write_config
from .fuzz_checks import (
    PARQUET_READ_REASONS,
    check_fields_json,
    parse_checked,
    parse_record_checked,
    read_checked,
    warc_record,
)
from .fuzz_checks import PLUGIN_LIMITS as LIMITS


def _plugin(module: str) -> Any:
    """The module, or ``None`` when its plugin is not installed (its targets skip)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


tabular, feeds, html, warc = (_plugin(f"newscorpus_{name}") for name in ("tabular", "feeds", "html", "warc"))
pa: Any = _plugin("pyarrow") if tabular is not None else None  # comes with newscorpus-tabular
pq: Any = _plugin("pyarrow.parquet") if tabular is not None else None


def needs(module: Any, plugin: str) -> pytest.MarkDecorator:
    """Skip a target whose plugin is not installed."""
    return pytest.mark.skipif(module is None, reason=f"{plugin} is not installed")


EXAMPLES = int(os.environ.get("NEWSCORPUS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW_FUZZ = settings(max_examples=max(5, EXAMPLES // 3), deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Pieces that have broken readers: references to no character, entities, markup
#: that does not close, NUL and noncharacters, numbers JSON and Python disagree on.
HOSTILE = ["&#xD800;", "&#55296;", "&#0;", "&#x110000;", "&#99999999999;", "&#xDC00", "&amp;#xD800;", "&lol9;",
           "&nbsp;", "&bogus;", "<![CDATA[", "]]>", "<!--", "-->", "<", ">", "&", "\x00", "\ufffe", "\ufdd0",
           "\u202e", "\r\n", "\n\n", '"', "'", ",", "\t", "NaN", "Infinity", "9" * 4_400, "é", "日本",
           "&#" + "0" * 4_400 + "65;"]
words = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
fragments = st.lists(words | st.sampled_from(HOSTILE), max_size=8).map("".join)


def _write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def _mutate(data: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    """``data`` with each (position, bytes) written over it; an empty patch cuts the
    file there."""
    out = bytearray(data)
    for pos, patch in cuts:
        at = pos % (len(out) + 1)
        if not patch:
            del out[at:]
        else:
            out[at:at + len(patch)] = patch
    return bytes(out)


mutations = st.lists(st.tuples(st.integers(0, 1 << 20), st.binary(max_size=12)), max_size=3)


# --- CSV -------------------------------------------------------------------------

COLUMNS = ["title", "body", "text", "url", "date", "published", "authors", "language", "x"]
cells = fragments | st.sampled_from(['"unclosed', 'a "quoted" word', "['a', 'b']", "{'a': 1}", "", "1e309"])


@needs(tabular, "newscorpus-tabular")
@FUZZ
@given(header=st.lists(st.sampled_from(COLUMNS) | words, min_size=1, max_size=5),
       rows=st.lists(st.lists(cells, max_size=6), max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252"]),
       gz=st.booleans(), cuts=mutations)
def test_csv_reader_and_record_parser(tmp_path_factory: Any, header: list[str], rows: list[list[str]], encoding: str,
                                      gz: bool, cuts: list[tuple[int, bytes]]) -> None:
    text = "\n".join(",".join(row) for row in [header, *rows]) + "\n"
    data = _mutate(text.encode(encoding, errors="replace"), cuts)
    path = _write(tmp_path_factory.mktemp("csv"), "x.csv.gz" if gz else "x.csv",
                  gzip.compress(data) if gz else data)
    parser = RecordParser(LIMITS)
    for doc in read_checked(tabular.CsvReader(LIMITS), path):
        if doc.error is None:
            assert doc.media_type == RECORD_MEDIA_TYPE
            parse_record_checked(parser, doc)


# --- Parquet ---------------------------------------------------------------------

floats = st.floats(allow_nan=True, allow_infinity=True)
#: (arrow type, values) of one column.
parquet_columns = st.nothing() if pa is None else st.one_of(
    st.lists(st.none() | fragments, min_size=1, max_size=4).map(lambda v: (pa.string(), v)),
    st.lists(st.none() | st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=4).map(lambda v: (pa.int64(), v)),
    st.lists(st.none() | floats, min_size=1, max_size=4).map(lambda v: (pa.float64(), v)),
    st.lists(st.none() | st.booleans(), min_size=1, max_size=4).map(lambda v: (pa.bool_(), v)),
    st.lists(st.none() | st.binary(max_size=20), min_size=1, max_size=4).map(lambda v: (pa.binary(), v)),
    st.lists(st.none() | st.lists(st.none() | fragments, max_size=3), min_size=1, max_size=4)
    .map(lambda v: (pa.list_(pa.string()), v)),
    st.lists(st.none() | st.fixed_dictionaries({"a": st.none() | st.integers(0, 9), "b": st.none() | fragments}),
             min_size=1, max_size=4).map(lambda v: (pa.struct([("a", pa.int64()), ("b", pa.string())]), v)),
    st.lists(st.none() | st.integers(-(2**40), 2**40), min_size=1, max_size=4)
    .map(lambda v: (pa.timestamp("s"), v)),
)


@needs(tabular, "newscorpus-tabular")
@FUZZ
@given(columns=st.dictionaries(st.sampled_from(COLUMNS), parquet_columns, min_size=1, max_size=4))
def test_parquet_reader_and_record_parser(tmp_path_factory: Any, columns: dict[str, tuple[Any, list[Any]]]) -> None:
    """Well-formed files of any column types; damaged files are the cases below."""
    rows = min(len(values) for _type, values in columns.values())
    table = pa.table({name: pa.array(values[:rows], type=kind) for name, (kind, values) in columns.items()})
    folder = tmp_path_factory.mktemp("parquet")
    pq.write_table(table, folder / "x.parquet")
    docs = read_checked(tabular.ParquetReader(LIMITS), str(folder / "x.parquet"))
    assert len(docs) == rows  # one document per row, read or refused
    parser = RecordParser(LIMITS)
    for doc in docs:
        if doc.error is None:
            parse_record_checked(parser, doc)


def _small_parquet() -> bytes:
    buf = pa.BufferOutputStream()
    pq.write_table(pa.table({"title": ["A title", "Another", "Third"], "body": ["Some body text. " * 20, "More.", "x"],
                             "n": [1, 2, 3]}), buf, row_group_size=2)
    return bytes(buf.getvalue().to_pybytes())


@needs(tabular, "newscorpus-tabular")
@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255), st.booleans()),
                      min_size=1, max_size=4))
def test_damaged_parquet_costs_only_its_own_records(tmp_path_factory: Any,
                                                     flips: list[tuple[float, int, bool]]) -> None:
    """Bytes of a valid file overwritten, most of them in the footer (where a
    damaged byte aborted pyarrow before the footer was read apart): the reader
    raises nothing and every document is read or refused with a reason."""
    data = bytearray(_small_parquet())
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    for where, value, in_footer in flips:
        lo, hi = (footer, len(data) - 8) if in_footer else (0, len(data))
        data[lo + int(where * (hi - lo))] = value
    path = _write(tmp_path_factory.mktemp("damaged"), "x.parquet", bytes(data))
    docs = read_checked(tabular.ParquetReader(LIMITS), path)
    parser = RecordParser(LIMITS)
    for doc in docs:
        if doc.error is None:
            parse_record_checked(parser, doc)
        else:
            assert doc.error.reason in PARQUET_READ_REASONS, doc.error


@needs(tabular, "newscorpus-tabular")
def test_parquet_footer_with_a_broken_column_name_is_a_read_error(tmp_path: Path) -> None:
    """Found by fuzzing: one byte of a column's path in the footer made invalid UTF-8."""
    buf = pa.BufferOutputStream()
    pq.write_table(pa.table({"title": ["A title", "Another"], "body": ["Some body text. " * 20, "More."]}), buf)
    data = bytearray(buf.getvalue().to_pybytes())
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    data[data.index(b"title", footer) + 3] = 0x80
    path = _write(tmp_path, "x.parquet", bytes(data))
    docs = read_checked(tabular.ParquetReader(LIMITS), path)
    assert [d.error.reason for d in docs if d.error is not None]


#: A 1,702-byte Parquet file (three bytes of a pyarrow 26 file changed by fuzzing),
#: zlib + base64. Reading its footer's column metadata makes pyarrow throw a C++
#: exception nothing catches: the process aborts (SIGABRT).
ABORTING_PARQUET = (
    "eNrVVU9PE0EUn5ldtis2sSWZyW7SmA2hG4yAgJY0piTMAi1qjdCkGL21ZVMIpa3tSlvDRT8CMcYD8UD8DB49c+Bi4ifwK2g8GufN"
    "bv9Ay4Ejk+2b2Te/93tvfvOy3eS5BapSi05lxYQmEIqkQgihguXteRUXi2WbIjpB2QzVaET8tNgSmcZtIxRAolGBuWURYZUxrBBB"
    "c6rQlS7dD/zoTGwVazsdy3PbnvVvHInn7ziKAHlxBPkZ7qNv9srAxUF5FF+eC2KDCDBIMF/Ww9C7O4bexTIyPcI7ItNdOpkVLJDp"
    "ThJwBak5mJJINEntGaoP3GrJwAVJE12RNLoC9jciyhSiqnmUQIbWLO26BwWqIxqOE2NM9kAcZWNQezh+ZKhw/K5DFRBcRQlhK5RQ"
    "LZsS3oRqqJW9pkeJzxFyK+6BW/WCIKaZMTNroxgNmwmkRcwgCSVMYx8xO8H2hq0Pd6E5A6ICKRJHIijFIqZm2kQVnINsskBJdhJi"
    "31X7A7G/4iv6Ln7FDb+/CX03LMixckERNVAEV6Uc55j9xPapZv8au17bDSW6N0L3JK7IW+/etkips0+YfcH2n5D9LTTYgMOVC0KN"
    "mGmRXoNKjm8zzdbZuY7MmBHmudyLl4/9xjQ+Kw9gdMoO53yL++MZ5y3ulHma8zJfLUufIwDPYbHK+RPp6M9B6Jrc3weTlkHrYLY3"
    "BX8LIK08vGd6eD9UgqR1mrDKAf7hO2GS4E/LfafPx3vxTn0ns+3J1wzg7+/DUSTvrvSW+vXx3rIoqcp8TdZfgvMEIy3tYq/e/Nal"
    "evskmaeHrzfkSXkH8G0ZLfhecafl67TeD3Kc3Mh6ZMKdTGW+mMn3Qvz95WVkWPVC481b15st1euzhUaj1rIO3UZzr1a1Fpfm5ucW"
    "TPgC9B7kiR7aFP9Q/wGOQHV6"
)


@needs(tabular, "newscorpus-tabular")
def test_damaged_parquet_footer_does_not_kill_the_run(tmp_path: Path) -> None:
    """A real bounded CLI run: the damaged file must cost itself only."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "bad.parquet").write_bytes(zlib.decompress(base64.b64decode("".join(ABORTING_PARQUET))))
    (inp / "good.jsonl").write_text(json.dumps(article(0)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(cli_args(inp, out, write_config(tmp_path / "fast.yaml")))
    assert_bounded(result)
    assert result.returncode == 0, result.stderr[-500:]
    assert [r["reason"] for r in read_quarantine(out)] and read_report(out)["accounting"]["written"] == 1


# --- Feeds -----------------------------------------------------------------------

BODY = " ".join(f"word{i}" for i in range(60))  # long enough to be an article, not a teaser

rss_items = st.lists(st.tuples(fragments, fragments | st.just(BODY), fragments), max_size=4)


def _rss(items: list[tuple[str, str, str]], doctype: str) -> bytes:
    xml = "".join(f"<item><title>{t}</title><link>https://e.org/{i}</link><description>{d} {BODY}</description>"
                  f"<pubDate>{p}</pubDate></item>" for i, (t, d, p) in enumerate(items))
    return f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>F</title>{xml}</channel></rss>'.encode()


def _atom(items: list[tuple[str, str, str]], doctype: str) -> bytes:
    xml = "".join(f"<entry><title>{t}</title><id>{i}</id><updated>{p}</updated><content type=\"html\">{d} {BODY}"
                  "</content></entry>" for i, (t, d, p) in enumerate(items))
    return f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom">{xml}</feed>'.encode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | floats | fragments,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(fragments, inner, max_size=3),
    max_leaves=10,
)
#: Stands for an integer of 5,000 digits (which Python's json cannot write).
HUGE_INT = "HUGE-INTEGER"
JSONFEED_KEYS = ["id", "url", "external_url", "title", "content_html", "content_text", "summary", "date_published",
                 "date_modified", "authors", "author", "tags", "language"]
json_items = st.dictionaries(st.sampled_from(JSONFEED_KEYS), json_values | st.just(HUGE_INT), max_size=6).map(
    lambda d: {"content_text": BODY, **d})


def _jsonfeed(top: dict[str, Any], items: list[Any], surrogate: bool, deep: int) -> bytes:
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", **top, "items": items}).encode()
    data = data.replace(f'"{HUGE_INT}"'.encode(), b"9" * 5_000)
    if surrogate:
        data = data.replace(b"word1 ", b"\\ud800 ", 1)
    if deep:
        data = data.replace(b'"version"', b'"deep": ' + b"[" * deep + b"]" * deep + b', "version"', 1)
    return data


feed_files = st.one_of(
    st.builds(_rss, rss_items, st.sampled_from(["", '<!DOCTYPE rss [<!ENTITY lol9 "lol">]>'])),
    st.builds(_atom, rss_items, st.just("")),
    st.builds(_jsonfeed, st.dictionaries(st.sampled_from(["title", "language", "home_page_url", "authors"]),
                                         json_values, max_size=2),
              st.lists(json_items | json_values, max_size=4), st.booleans(), st.sampled_from([0, 0, 50, 5_000])),
    st.binary(max_size=300),
)


@needs(feeds, "newscorpus-feeds")
@FUZZ
@given(data=feed_files, cuts=mutations, name=st.sampled_from(["x.rss", "x.json", "x.xml"]))
def test_feed_reader_and_item_parser(tmp_path_factory: Any, data: bytes, cuts: list[tuple[int, bytes]],
                                     name: str) -> None:
    path = _write(tmp_path_factory.mktemp("feed"), name, _mutate(data, cuts))
    parser = feeds.FeedItemParser(LIMITS)
    for doc in read_checked(feeds.FeedReader(LIMITS), path):
        if doc.error is None:
            check_fields_json(doc)
            parse_checked(parser, doc)


@needs(feeds, "newscorpus-feeds")
@pytest.mark.parametrize(("data", "reasons", "articles"), [
    (b"<rs:s>'", {"not-a-feed"}, 0),
    (b"<rdf:RDF><item><title>T</title><link>https://e.org/1</link><description>" + BODY.encode()
     + b"</description></item></rdf:RDF>", set(), 1),
    # The entry before the break is kept (a link to fetch, no text: no article here).
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.org/a</loc><a:b>x</a:b>'
     b"</url></urlset>", {"invalid-sitemap"}, 0),
], ids=["root", "rdf", "sitemap"])
def test_undeclared_namespace_prefix_is_read_or_refused(tmp_path: Path, data: bytes, reasons: set[str],
                                                        articles: int) -> None:
    """Found by the atheris harness: an element whose prefix no ``xmlns`` declares
    (``<rs:s>``, ``<rdf:RDF>`` without its namespace) made the feed reader raise
    lxml's ``ValueError``; now it is read by its local name (an RSS 1.0 feed is
    read leniently) or refused."""
    docs = read_checked(feeds.FeedReader(LIMITS), _write(tmp_path, "x.xml", data))
    assert {d.error.reason for d in docs if d.error is not None} == reasons
    built = [parse_checked(feeds.FeedItemParser(LIMITS), d) for d in docs if d.error is None]
    assert sum(a is not None for a in built) == articles


@needs(feeds, "newscorpus-feeds")
@pytest.mark.parametrize("date", ["00", "Mon, 02 Feb 2025 10:00:00 +07000111111111"], ids=["year-99", "offset"])
def test_a_date_out_of_range_is_unread(tmp_path: Path, date: str) -> None:
    """Found by the atheris harness: feedparser reads ``<pubDate>00</pubDate>`` as
    the year -99 (building the datetime raised ``ValueError`` out of the reader),
    and an offset of 14 digits made ``email.utils`` raise ``OverflowError``; the
    item is read, with feedparser's reading of the date if it has one."""
    data = _rss([("Judul", BODY, date)], "")
    (doc,) = read_checked(feeds.FeedReader(LIMITS), _write(tmp_path, "x.xml", data))
    assert doc.error is None
    assert date != "00" or doc.fields["published"] is None
    assert parse_checked(feeds.FeedItemParser(LIMITS), doc) is not None


# --- HTML ------------------------------------------------------------------

TAGS = ["p", "div", "article", "span", "b", "a href='/x'", "h1", "li", "ul", "table", "tr", "td", "script", "style",
        "meta charset='utf-8'", "meta charset='windows-1251'", "meta charset='bogus'", "br", "title", "time"]
html_tokens = st.one_of(
    fragments,
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t.split()[0]}>"),
    st.sampled_from([2, 10, 255, 300]).map(lambda n: "<div>" * n),  # libxml2 stops at depth 256
    st.just(f"<p>{BODY}</p>"),
)


def _html(tokens: list[str], encoding: str) -> bytes:
    return f"<html><head><title>T</title></head><body>{''.join(tokens)}</body></html>".encode(encoding, "replace")


html_files = st.builds(_html, st.lists(html_tokens, max_size=12),
                       st.sampled_from(["utf-8", "cp1252", "utf-16", "shift_jis"])) | st.binary(max_size=300)


@needs(html, "newscorpus-html")
@SLOW_FUZZ
@given(data=html_files, cuts=mutations, gz=st.booleans())
def test_html_reader_and_parser(tmp_path_factory: Any, data: bytes, cuts: list[tuple[int, bytes]], gz: bool) -> None:
    data = _mutate(data, cuts)
    path = _write(tmp_path_factory.mktemp("html"), "x.html.gz" if gz else "x.html",
                  gzip.compress(data) if gz else data)
    (doc,) = read_checked(html.HtmlReader(LIMITS), path)
    if doc.error is None:
        parse_checked(html.HtmlParser(LIMITS), doc)


@needs(html, "newscorpus-html")
@pytest.mark.parametrize("url", ["http://[x]/a", "http://[news.example.org/1", "https://a]b/"])
def test_a_url_with_a_broken_bracketed_host_is_no_parser_error(tmp_path: Path, url: str) -> None:
    """Found by the atheris harness (through a WARC capture): ``urlsplit`` raises
    ``ValueError`` on a bracketed host that is no IP address, and the HTML parser
    raised it, from the page's canonical link or from the capture's URL. Now such a
    link is no URL and such a capture URL has no host; the page is an article."""
    page = f'<html><head><link rel="canonical" href="{url}"></head><body><article><p>{BODY}</p></article></body></html>'
    path = _write(tmp_path, "x.html", page.encode())
    (doc,) = read_checked(html.HtmlReader(LIMITS), path)
    for fields in ({}, {"url": url}):
        article = parse_checked(html.HtmlParser(LIMITS), attrs.evolve(doc, fields=fields))
        assert article is not None and article.body


# --- WARC ------------------------------------------------------------------------


@needs(warc, "newscorpus-warc")
@pytest.mark.parametrize("page", [b"WARC/1.", b"WARC/1.0", b"<p>x</p>\nWARC/1.1\n<p>y</p>"])
def test_a_page_quoting_a_warc_header_is_one_capture(tmp_path: Path, page: bytes) -> None:
    """Found by the hypothesis test below: a capture whose payload starts a line with
    ``WARC/1.`` was read, and then the scan for records FastWARC did not reach tried
    that line as a record start, failed, and quarantined a 'lost' gap that was the
    payload. A start inside a record read whole that reads as nothing is payload (one
    that reads as a record is still read: a wrong Content-Length can swallow real
    records, which the scan exists to recover)."""
    path = _write(tmp_path, "x.warc", warc_record("http://news.example.org/a", page))
    docs = read_checked(warc.WarcReader(LIMITS), path)
    assert len(docs) == 1 and docs[0].error is None


@needs(warc, "newscorpus-warc")
@needs(html, "newscorpus-html")
@SLOW_FUZZ
@given(pages=st.lists(html_files, min_size=1, max_size=3),
       content_type=st.sampled_from(["text/html; charset=utf-8", "text/html; charset=bogus", "text/html",
                                     "application/xhtml+xml", "image/png"]),
       gz=st.booleans(), cuts=mutations)
def test_warc_reader_and_html_parser(tmp_path_factory: Any, pages: list[bytes], content_type: str, gz: bool,
                                     cuts: list[tuple[int, bytes]]) -> None:
    records = [warc_record(f"http://news.example.org/{i}", page, content_type) for i, page in enumerate(pages)]
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    path = _write(tmp_path_factory.mktemp("warc"), "x.warc.gz" if gz else "x.warc", _mutate(data, cuts))
    docs = read_checked(warc.WarcReader(LIMITS), path)
    if not cuts:
        assert len(docs) == len(pages)  # every capture comes out, read or refused
    parser = html.HtmlParser(LIMITS)
    for doc in docs:
        if doc.error is None and doc.media_type in parser.media_types:
            parse_checked(parser, doc)

