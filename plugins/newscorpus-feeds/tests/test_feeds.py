"""The feed reader and feed-item parser: formats, rejections, hostile XML, fetching."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

import pytest
from newscorpus_feeds import FeedItemParser, FeedReader, Fetched, FetchError, fragment_paragraphs, sniff
from newscorpus_feeds.parser import source_from_feed_title

from newscorpus.errors import DocumentError
from newscorpus.models import Article
from newscorpus.plugins import get_registry
from newscorpus.readers import InputUnit, Limits, RawDocument

DATA = Path(__file__).parent / "data"
FIXTURES = Path(os.environ.get("NEWSCORPUS_BENCHMARKS", Path(__file__).resolve().parents[4] / "shared" / "benchmarks"))


def read(path: Path, **options: Any) -> list[RawDocument]:
    return list(FeedReader(**options).read(InputUnit(str(path), str(path.parent))))


def parse_all(docs: list[RawDocument]) -> list[Article | DocumentError]:
    parser = FeedItemParser()
    out: list[Article | DocumentError] = []
    for i, doc in enumerate(docs):
        if doc.error is not None:
            out.append(doc.error)
            continue
        try:
            out.append(parser.parse(doc, f"a{i}"))
        except DocumentError as exc:
            out.append(exc)
    return out


def test_rss_items_become_articles_or_fetch_records() -> None:
    docs = read(DATA / "news.rss")
    assert [d.record for d in docs] == [0, 1, 2]
    assert [d.key for d in docs] == ["news.rss#0", "news.rss#1", "news.rss#2"]
    mill, landslip, note = parse_all(docs)
    assert isinstance(mill, Article)
    assert mill.title == "Council votes to restore the old mill"
    assert mill.url == mill.provenance.url == "https://courier.example/2024/04/02/old-mill"
    assert mill.published is not None and mill.published.signal == "feed"
    assert mill.published.value == dt.datetime(2024, 4, 2, 14, 20, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert mill.authors == ("Priya Nair",)
    assert mill.language == "en"
    assert mill.source == "Valley Courier"
    assert len(mill.body) == 3 and not any("track()" in p for p in mill.body)
    assert [r.rule for r in mill.removed] == ["parser.byline"]  # "By Priya Nair" lifted, not lost
    assert mill.extras["feed"]["keywords"] == ["Heritage"]
    # A teaser-only item is a record with a URL to fetch; an item with nothing is rejected.
    assert isinstance(landslip, DocumentError) and landslip.reason == "needs-fetch"
    assert "https://courier.example/2024/04/02/landslip" in landslip.detail
    assert isinstance(note, DocumentError) and note.reason == "no-text"


def test_atom_and_json_feed() -> None:
    (entry,) = parse_all(read(DATA / "updates.atom"))
    assert isinstance(entry, Article)
    assert entry.language == "de" and entry.authors == ("Lena Hofer",)
    assert entry.published is not None and entry.modified is not None
    assert entry.published.value < entry.modified.value
    ferry, market = parse_all(read(DATA / "items.feed.json"))
    assert isinstance(ferry, Article) and ferry.authors == ("Ola Berg",) and len(ferry.body) == 2
    assert ferry.published is not None and ferry.published.value == dt.datetime(2024, 10, 2, 7, tzinfo=dt.UTC)
    assert isinstance(market, DocumentError) and market.reason == "needs-fetch"


def test_sitemaps_give_fetch_records() -> None:
    docs = read(DATA / "sitemap-news.xml")
    assert [d.fields["url"] for d in docs] == ["https://daily.example/2024/06/01/budget",
                                                "https://daily.example/2024/06/01/weather"]
    assert docs[0].fields["title"] == "Budget talks resume"
    assert docs[0].fields["source"] == "Daily Example"
    assert all(isinstance(r, DocumentError) and r.reason == "needs-fetch" for r in parse_all(docs))
    (index,) = parse_all(read(DATA / "sitemap-index.xml"))
    assert isinstance(index, DocumentError) and index.reason == "sitemap-index"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body><p>hello</p></body></html>", "not-a-feed"),
        (b"<head><title>Moved</title></head><body>gone</body>", "not-a-feed"),
        (b'<?xml version="1.0"?><catalog><book>x</book></catalog>', "not-a-feed"),
        (b'{"name": "not a feed"}', "not-a-feed"),
        (b'{"broken": ', "invalid-json"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><', "invalid-feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>', "no-items"),
        (b"\x00\x01\x02 binary \xff\xfe", "not-a-feed"),
    ],
)
def test_files_that_are_not_feeds_are_rejected_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "input.xml"
    path.write_bytes(content)
    (doc,) = read(path)
    assert doc.error is not None and doc.error.reason == reason and doc.error.detail


def test_truncated_feed_keeps_what_came_through(tmp_path: Path) -> None:
    path = tmp_path / "cut.rss"
    path.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>Cut here')
    (result,) = parse_all(read(path))  # feedparser reads leniently; the stub item has no text
    assert isinstance(result, DocumentError) and result.reason == "no-text"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
"""


@pytest.mark.parametrize(
    "body",
    [b'<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
     b"<description>&lol9;</description></item></channel></rss>",
     b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>'],
)
def test_entity_expansion_bombs_do_not_expand(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "bomb.xml"
    path.write_bytes(BILLION_LAUGHS + body)
    t0 = time.perf_counter()
    docs = read(path)
    results = parse_all(docs)
    assert time.perf_counter() - t0 < 10
    for doc in docs:
        for value in doc.fields.values():
            assert len(str(value)) < 100_000
    assert results


def test_oversized_and_bomb_files(tmp_path: Path) -> None:
    big = tmp_path / "big.rss"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    (doc,) = read(big)
    assert doc.error is not None and doc.error.reason == "too-large"
    import gzip

    bomb = tmp_path / "bomb.xml.gz"
    with gzip.open(bomb, "wb") as fh:
        for _ in range(80):
            fh.write(b" " * (1 << 20))
    (doc,) = read(bomb, max_bytes=8 * 1024 * 1024)
    assert doc.error is not None and doc.error.reason == "too-large"


def test_fetching_items_without_text_with_a_fake_fetcher() -> None:
    calls: list[str] = []

    def fetcher(url: str) -> Fetched:
        calls.append(url)
        if url.endswith("landslip"):
            return Fetched(url, b"<html><body><p>page</p></body></html>", "text/html; charset=utf-8",
                           "2024-04-02T10:00:00+00:00")
        raise FetchError(f"{url}: 404")

    docs = read(DATA / "news.rss", fetch=True, fetcher=fetcher)
    assert calls == ["https://courier.example/2024/04/02/landslip"]  # only the item without text
    landslip = docs[1]
    assert landslip.media_type == "text/html" and landslip.data is not None
    assert landslip.fields["url"] == "https://courier.example/2024/04/02/landslip"
    assert landslip.fields["fetched"] == "2024-04-02T10:00:00+00:00"
    assert landslip.fields["title"] == "Road closed after landslip"
    assert landslip.fields["published"].startswith("2024-04-02T09:00:00")
    assert docs[0].media_type == "application/x-newscorpus-feed-item"
    _ferry, market = read(DATA / "items.feed.json", fetch=True, fetcher=fetcher)
    assert market.error is not None and market.error.reason == "fetch-failed"


def test_fragment_paragraphs_and_source_names() -> None:
    html = "<div><p>One <b>bold</b> line.</p>Loose text<br>after a break<ul><li>item</li></ul><style>x{}</style></div>"
    assert fragment_paragraphs(html) == ["One bold line.", "Loose text", "after a break", "item"]
    assert fragment_paragraphs("plain text\n\nsecond") == ["plain text", "second"]
    assert source_from_feed_title("Reuters: Most Read Articles") == "Reuters"
    assert source_from_feed_title("BBC News - Home") == "BBC News"
    assert source_from_feed_title(None) is None


def test_sniff() -> None:
    assert sniff(b"\xef\xbb\xbf  {}")[0] == "json"
    assert sniff(b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>') == ("feed", "feed")
    assert sniff(b"<urlset/>") == ("sitemap", "urlset")


def test_plugin_registers_reader_and_parser() -> None:
    registry = get_registry()
    assert registry.get("reader", "feed") is FeedReader
    assert registry.get("parser", "feed-item") is FeedItemParser


@pytest.mark.skipif(not (FIXTURES / "feed-fixtures").is_dir(), reason="shared feed fixtures not present")
def test_every_fixture_is_read_or_rejected_with_a_reason() -> None:
    root = FIXTURES / "feed-fixtures"
    reader, parser = FeedReader(Limits()), FeedItemParser()
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and FeedReader.claims(str(p))]
    assert len(files) > 100
    articles = 0
    for path in files:
        docs = list(reader.read(InputUnit(str(path), str(root))))
        assert docs, path
        for doc in docs:
            if doc.error is not None:
                assert doc.error.reason and doc.error.detail
                continue
            try:
                parser.parse(doc, "x")
                articles += 1
            except DocumentError as exc:
                assert exc.reason and exc.detail
    assert articles > 50


def _urlset(body: str) -> bytes:
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'.encode()


def test_bad_character_reference_costs_one_sitemap_entry(tmp_path: Path) -> None:
    urls = "".join(f"<url><loc>https://daily.example/{i}</loc></url>" for i in range(3))
    path = tmp_path / "sitemap.xml"
    path.write_bytes(_urlset(urls + "<url><loc>https://daily.example/&#xD800;</loc></url>" + urls))
    docs = read(path)
    assert [d.error.reason for d in docs if d.error is not None] == ["invalid-unicode"]
    assert docs[3].error is not None and "link" in docs[3].error.detail and len(docs) == 7


def test_sitemap_broken_half_way_keeps_the_entries_read_before(tmp_path: Path) -> None:
    # lxml delivers entries a block (32 KiB) at a time: those of the blocks before the
    # break are kept, the break is one entry, the rest is lost.
    urls = "".join(f"<url><loc>https://daily.example/{i}</loc></url>" for i in range(2000))
    path = tmp_path / "sitemap.xml"
    path.write_bytes(_urlset(urls + "<url><loc>broken</url>" + urls))
    docs = read(path)
    good = [d for d in docs if d.error is None]
    (bad,) = [d for d in docs if d.error is not None]
    assert bad.error is not None and bad.error.reason == "invalid-sitemap" and bad.record == len(good)
    assert 1000 < len(good) < 2000
    assert [d.fields["url"] for d in good] == [f"https://daily.example/{i}" for i in range(len(good))]


def test_bad_reference_marker_is_a_noncharacter_absent_from_the_file() -> None:
    from newscorpus_feeds import mark_bad_references

    fine = b"<rss>&#xD7FF; &#65; &#x10FFFF; &#" + b"0" * 5_000 + b"65;</rss>"  # int() refuses 4,300+ digits
    assert mark_bad_references(fine) == (fine, "")
    data = "<rss>\ufdd0 &#xfdd1; &#xDC00; &#0; &#x110000; &#99999999999;</rss>".encode()
    marked, marker = mark_bad_references(data)
    assert marker == "\ufdd2"
    assert marked == "<rss>\ufdd0 &#xfdd1; &#xFDD2; &#xFDD2; &#xFDD2; &#xFDD2;</rss>".encode()
