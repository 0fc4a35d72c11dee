"""The html parser and reader: fields, signals, structure rules, hostile input."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newscorpus_html import HtmlParser, HtmlReader
from newscorpus_html.extract import Block
from newscorpus_html.metadata import clean_authors, language_code, parse_date
from newscorpus_html.structure import apply_structure, is_date_line, title_variants

from newscorpus.errors import DocumentError
from newscorpus.plugins import get_registry
from newscorpus.readers import InputUnit, Limits, RawDocument

DATA = Path(__file__).parent / "data"


def parse(name: str, **fields: object) -> object:
    data = (DATA / name).read_bytes()
    doc = RawDocument(str(DATA / name), 0, f"{name}#0", "html", media_type="text/html", data=data, fields=fields)
    return HtmlParser().parse(doc, "a1")


def test_structured_page_fields_and_signals() -> None:
    a = parse("harbour.html", url="https://coastline.example/news/2024/03/harbour-reopens?ref=rss",
              fetched="2024-03-13T10:00:00Z")
    assert a.title == "Harbour reopens after storm repairs"
    assert a.authors == ("Mira Okafor", "Tom Ellery")
    assert a.source == "Coastline Gazette"
    # The declaration is kept; the pipeline identifies the language from the text
    # unless the parser is told to trust declarations.
    assert a.language is None and a.extras["html"]["declared_language"] == "en"  # lang="en-GB"
    data = (DATA / "harbour.html").read_bytes()
    declared = HtmlParser(language="declared").parse(RawDocument("h", 0, "h#0", "html", data=data), "a2")
    assert declared.language == "en"
    # Published and modified are kept apart, each with its signal and precision.
    assert a.published.value == dt.datetime(2024, 3, 12, 9, 30, tzinfo=dt.UTC)
    assert (a.published.signal, a.published.precision) == ("html-meta", "second")
    assert a.modified.value == dt.datetime(2024, 3, 12, 17, 5, tzinfo=dt.UTC)
    # The canonical link, resolved against the capture URL, is the article URL;
    # the capture URL and time stay in provenance.
    assert a.url == "https://coastline.example/news/2024/03/harbour-reopens"
    assert a.provenance.url == "https://coastline.example/news/2024/03/harbour-reopens?ref=rss"
    assert a.provenance.fetched == "2024-03-13T10:00:00Z"
    assert a.provenance.parser == "html" and a.provenance.sha1
    assert a.body[0].startswith("Fishing boats returned")
    assert any(p.startswith('"We were told') for p in a.body)
    assert a.extras["html"]["section"] == "Local"
    rules = {r.rule: r for r in a.removed}
    assert rules["html.title"].moved_to == "title"
    assert rules["html.date-line"].text == "12 March 2024, 09:30"
    assert rules["html.link-line"].text.startswith("Read more:")
    # Nothing the page's main text held is lost: each line is in the body or removed.
    assert not any(r.text in a.body for r in a.removed)


def test_plain_page_date_from_url_and_title_from_markup() -> None:
    a = parse("plain-page.html", url="https://roads.example/2024/05/17/bridge-cracks")
    assert a.title == "Bridge inspection finds cracks in pillars"
    assert a.published is not None
    assert (a.published.value, a.published.signal, a.published.precision) == (dt.date(2024, 5, 17), "url", "day")
    assert a.modified is None
    assert len(a.body) == 3


def test_feed_hint_date_when_the_page_has_none() -> None:
    a = parse("plain-page.html", published="2024-05-20T08:00:00+02:00")
    assert a.published.signal == "feed"
    assert a.published.value == dt.datetime(2024, 5, 20, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_declared_charset_is_used() -> None:
    a = parse("cafe-1252.html")
    assert a.title == "Café réouvre"
    assert "habitués étaient déjà là" in a.body[0]
    # The container's charset wins over sniffing.
    b = parse("cafe-1252.html", content_type="text/html; charset=windows-1252")
    assert b.body == a.body


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="favor"):
        HtmlParser(favor="speed")
    with pytest.raises(ValueError, match="language"):
        HtmlParser(language="guess")
    with pytest.raises(TypeError, match="structure"):
        HtmlParser(structure="yes")


def test_structure_off_keeps_every_line() -> None:
    data = (DATA / "harbour.html").read_bytes()
    doc = RawDocument("h", 0, "h#0", "html", media_type="text/html", data=data)
    on = HtmlParser().parse(doc, "a")
    off = HtmlParser(structure=False).parse(doc, "a")
    assert not [r for r in off.removed if r.plugin == "html"]
    assert len(off.body) > len(on.body)


# -- hostile and broken input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (bytes(range(256)) * 40, None),
        (b"<html><head><script>var page = 1;</script></head><body><img src=\"a.png\"></body></html>", "no-text"),
    ],
)
def test_bad_pages_raise_document_errors(data: bytes, reason: str | None) -> None:
    doc = RawDocument("x", 0, "x#0", "html", media_type="text/html", data=data)
    with pytest.raises(DocumentError) as info:
        HtmlParser().parse(doc, "a")
    if reason:
        assert info.value.reason == reason


def test_deeply_nested_markup_is_bounded() -> None:
    depth = 100_000
    body = "<div>" * depth + "<p>" + "deep text " * 50 + "</p>" + "</div>" * depth
    data = f"<html><body>{body}</body></html>".encode()
    doc = RawDocument("x", 0, "x#0", "html", media_type="text/html", data=data)
    t0 = time.perf_counter()
    with contextlib.suppress(DocumentError):  # quarantined is fine; any other exception fails the test
        HtmlParser().parse(doc, "a")
    assert time.perf_counter() - t0 < 30


def test_oversized_page_is_quarantined_by_parser_and_reader(tmp_path: Path) -> None:
    limits = Limits(max_document_bytes=10_000)
    doc = RawDocument("x", 0, "x#0", "html", media_type="text/html", data=b"<p>" + b"a" * 20_000)
    with pytest.raises(DocumentError, match="too-large"):
        HtmlParser(limits).parse(doc, "a")
    # A 100 MB page on disk (sparse) is refused without being read.
    big = tmp_path / "huge.html"
    with open(big, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    docs = list(HtmlReader().read(InputUnit(str(big), str(tmp_path))))
    assert len(docs) == 1 and docs[0].error is not None and docs[0].error.reason == "too-large"
    assert docs[0].data is None


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb") as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(64):  # 64 MiB of zeros, ~64 KiB on disk
            fh.write(chunk)
    assert bomb.stat().st_size < 1 << 20
    reader = HtmlReader(Limits(max_document_bytes=4 * 1024 * 1024))
    (doc,) = reader.read(InputUnit(str(bomb), str(tmp_path)))
    assert doc.error is not None and doc.error.reason == "too-large"


def test_reader_reads_plain_and_gzip_and_reports_broken_gzip(tmp_path: Path) -> None:
    page = (DATA / "plain-page.html").read_bytes()
    (tmp_path / "a.html").write_bytes(page)
    with gzip.open(tmp_path / "b.htm.gz", "wb") as fh:
        fh.write(page)
    (tmp_path / "c.html.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    reader = HtmlReader()
    docs = {p.name: list(reader.read(InputUnit(str(p), str(tmp_path)))) for p in sorted(tmp_path.iterdir())}
    assert docs["a.html"][0].data == page and docs["a.html"][0].key == "a.html#0"
    assert docs["b.htm.gz"][0].data == page
    assert docs["c.html.gz"][0].error is not None and docs["c.html.gz"][0].error.reason == "bad-compression"
    assert HtmlReader.claims("x/story.html.gz") > HtmlReader.claims("x/story.html") > 0


# -- markup rules --------------------------------------------------------------------------------


def _blocks(*specs: tuple[str, str, float]) -> list[Block]:
    return [Block(text, kind, share, False, i) for i, (text, kind, share) in enumerate(specs)]


def test_link_lists_and_their_heading_go_but_data_tables_and_cited_urls_stay() -> None:
    blocks = [
        *_blocks(
            ("A long paragraph of the story that says what happened in the town.", "p", 0.0),
            ("| Product A | 370 € | yes |", "row", 0.9),
            ("| Product B | 350 € | yes |", "row", 0.9),
            ("More on this story", "head", 0.0),
            ("- First related headline about something", "item", 1.0),
            ("- Second related headline about another thing", "item", 1.0),
            ("The last paragraph of the story, which ends the article text.", "p", 0.0),
        ),
        Block("https://petition.example/sign", "p", 1.0, True, 9),
    ]
    result = apply_structure(blocks, title=None)
    removed = [r.text for r in result.removed]
    assert removed == ["More on this story", "- First related headline about something",
                       "- Second related headline about another thing"]
    kept = [t for _, t in result.kept]
    assert "| Product A | 370 € | yes |" in kept and "https://petition.example/sign" in kept


def test_dangling_tail_goes_but_never_the_whole_text() -> None:
    blocks = _blocks(
        ("The story itself, a full sentence with enough words to be content.", "p", 0.0),
        ("You may also like:", "p", 0.0),
        ("Weather warning for the weekend", "head", 0.0),
    )
    result = apply_structure(blocks, title=None)
    assert [r.rule for r in result.removed] == ["html.dangling-heading", "html.dangling-heading"]
    only_headings = _blocks(("Opening times", "head", 0.0), ("Contact:", "p", 0.0))
    assert apply_structure(only_headings, title=None).removed == ()


def test_title_repeat_uses_the_title_without_site_name() -> None:
    assert "Harbour reopens" in title_variants("Harbour reopens | Coastline Gazette")
    blocks = _blocks(("Harbour reopens", "head", 0.0), ("Body text of the story goes here.", "p", 0.0))
    result = apply_structure(blocks, title="Harbour reopens | Coastline Gazette")
    assert [(r.rule, r.moved_to) for r in result.removed] == [("html.title", "title")]
    # A section heading that merely shares words with the title is kept.
    blocks = _blocks(("Bee Simulator multiplayer", "head", 0.0), ("Body text of the story.", "p", 0.0))
    assert apply_structure(blocks, title="Bee Simulator").removed == ()


@pytest.mark.parametrize(
    "line",
    ["12 March 2024, 09:30", "Stand: 03.05.2024 14:00 Uhr", "Senin, 14 April 2025 09:00 WIB",
     "Published on 2024-03-12", "Updated: March 12, 2024 at 5:05 p.m. ET", "23.10.2018", "mardi 5 mars 2024"],
)
def test_date_lines(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    ["The vote on 12 March 2024 was postponed.", "Stand up for your rights", "2024 was a hard year for farmers",
     "Monday", "Page 3 of 12"],
)
def test_not_date_lines(line: str) -> None:
    assert not is_date_line(line)


_line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).map(
    lambda s: s.strip() or "x")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_line, st.sampled_from(["p", "head", "item", "row", "other"]),
                          st.sampled_from([0.0, 0.5, 1.0])), max_size=25),
       st.one_of(st.none(), _line))
def test_structure_loses_no_line(specs: list[tuple[str, str, float]], title: str | None) -> None:
    blocks = _blocks(*specs)
    result = apply_structure(blocks, title=title, authors=["Jane Doe"])
    kept = dict(result.kept)
    for r in result.removed:
        assert r.position not in kept and blocks[r.position].text == r.text and r.plugin == "html"
    assert sorted([*kept, *(r.position for r in result.removed)]) == list(range(len(blocks)))


# -- metadata helpers ------------------------------------------------------------------------------


def test_clean_authors() -> None:
    assert clean_authors(["By Jane Doe and John Roe"]) == ("Jane Doe", "John Roe")
    assert clean_authors(["https://example.com/staff/jane", "@janedoe", "jane@example.com", "Staff 2"]) == ()
    assert clean_authors(["Associated Press"]) == ("Associated Press",)
    assert clean_authors(["Jane Doe", "Example News"], site_name="Example News") == ("Jane Doe",)
    assert clean_authors(["Von Max Muster"]) == ("Max Muster",)


def test_parse_date_and_language_code() -> None:
    ts = parse_date("2024-03-12", "html-meta")
    assert ts is not None and ts.value == dt.date(2024, 3, 12) and ts.precision == "day"
    ts = parse_date("Tue, 12 Mar 2024 09:30 GMT", "html-meta")
    assert ts is not None and ts.precision == "minute"
    assert parse_date("2999-01-01", "html-meta") is None  # implausible future
    assert parse_date("1850-01-01", "html-meta") is None
    assert parse_date("not a date", "html-meta") is None
    not_after = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert parse_date("2021-06-01", "html-meta", not_after=not_after) is None
    assert language_code("en-US") == "en" and language_code("de_DE") == "de" and language_code("x") is None


def test_plugin_is_discovered_through_its_entry_point() -> None:
    registry = get_registry()
    assert registry.get("parser", "html") is HtmlParser
    assert registry.get("reader", "html") is HtmlReader
    info = {p.name: p for p in registry.plugins()}["html"]
    assert info.distribution == "newscorpus-html"
    assert ("parser", "html") in info.components


def test_bare_years_do_not_date_an_article() -> None:
    assert parse_date("1988", "html-meta") is None  # e.g. itemprop=datePublished of a cited paper
    ts = parse_date("2017/01", "html-meta")
    assert ts is not None and (ts.value, ts.precision) == (dt.date(2017, 1, 1), "month")


def test_pipeline_run_on_pages(tmp_path: Path) -> None:
    from newscorpus.config import config_from_dict
    from newscorpus.pipeline import Pipeline
    from newscorpus.serialize import read_articles

    src = tmp_path / "pages"
    src.mkdir()
    for name in ("harbour.html", "plain-page.html"):
        (src / name).write_bytes((DATA / name).read_bytes())
    with gzip.open(src / "cafe.html.gz", "wb") as fh:
        fh.write((DATA / "cafe-1252.html").read_bytes())
    (src / "empty.html").write_bytes(b"")
    out = tmp_path / "out"
    report = Pipeline(config_from_dict({"events": {"builder": None}})).run([str(src)], str(out))
    assert report.accounting["balanced"] and report.accounting["documents"] == 4
    articles = {a.provenance.path.rsplit("/", 1)[-1]: a for a in read_articles(out / "articles.jsonl")}
    assert set(articles) == {"harbour.html", "plain-page.html", "cafe.html.gz"}
    assert all(a.provenance.parser == "html" for a in articles.values())
    assert articles["cafe.html.gz"].language == "fr"  # identified by the pipeline from the text
    assert articles["harbour.html"].language == "en"
    assert report.data["quarantine"]["by_reason"] == {"empty": 1}
