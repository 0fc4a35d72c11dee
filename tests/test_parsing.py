"""The plain-text and record parsers, and the furniture they recognise."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.errors import DocumentError
from newscorpus.models import Article
from newscorpus.parsers.furniture import match_byline, match_dateline, match_header, match_url_line
from newscorpus.parsers.plaintext import PlainTextParser
from newscorpus.parsers.record import RecordParser
from newscorpus.readers.base import InputUnit, RawDocument
from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE, JsonlReader
from newscorpus.readers.text import TextReader

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def parse_file(path: Path) -> Article:
    doc = next(TextReader().read(InputUnit(str(path), str(path.parent))))
    return PlainTextParser().parse(doc, "id")


def seed(n: int) -> Article:
    return parse_file(next(SEEDS.glob(f"{n:03d}_*.txt")))


# -- the seeds -----------------------------------------------------------------------------


def test_seed_titles_are_exact() -> None:
    assert seed(0).title == (
        "Ahmed al-Sharaa, pemimpin baru Suriah, ingin hubungan yang lebih baik dengan Moskow, kata Qatar."
    )
    assert seed(1).title == "Di Rusia, Para Menteri Suriah Bahas Kerja Sama Militer dengan Putin"
    assert seed(2).title == "Putin and Qatari emir discuss Syria and Gaza at Moscow talks"
    assert seed(3).title.startswith("Hamas-Rusia Makin Mesra: Pertemuan Bahas")
    assert seed(4).title == "Syria looks to reshape ties with Russia, al-Sharaa tells Putin in Moscow"


def test_seed_002_date_header_glued_to_title() -> None:
    a = seed(2)
    assert a.published is not None
    assert a.published.value == dt.date(2025, 4, 17)
    assert a.published.signal == "header"
    assert [(r.rule, r.text, r.moved_to) for r in a.removed] == [("parser.header", "date 2025-04-17", "published")]


def test_seed_sources_from_dateline_credit_and_url() -> None:
    assert seed(0).source is None
    assert seed(1).source == "Suarathailand"
    assert seed(2).source == "Reuters"
    assert seed(3).source == "Tribunnews"
    assert seed(4).source == "Al Jazeera"


def test_seed_datelines_stay_in_body() -> None:
    a = seed(2)
    assert a.dateline is not None and (a.dateline.place, a.dateline.source) == ("MOSCOW", "Reuters")
    assert a.body[0].startswith("MOSCOW (Reuters) - Qatar's Emir")
    b = seed(1)
    assert b.dateline is not None and b.dateline.text == "Moskow, Suarathailand-"
    assert b.body[0].startswith("Moskow, Suarathailand- Menteri")
    c = seed(3)
    assert c.dateline is not None and c.dateline.source == "Tribunnews"


def test_seed_004_byline_and_trailing_url() -> None:
    a = seed(4)
    assert a.authors == ("Stephen Quillen",)
    assert ("News Agencies", "agency") in [(c.name, c.role) for c in a.credits]
    assert a.url == "https://www.aljazeera.com/news"
    assert all("aljazeera.com" not in p and not p.startswith("By ") for p in a.body)
    assert a.subtitle.startswith("Assalamu alaykum - Syria")


def test_seed_003_credit_lifted_out_of_body() -> None:
    a = seed(3)
    assert a.authors == ("Garudea Prabawati",)
    assert "(Tribunnews.com/Garudea Prabawati)" not in a.body
    assert a.removed[-1].moved_to == "credits"
    # Subheadings stay in the body.
    assert "Rusia Tetap Dukung Palestina" in a.body and "Hamas: Kami Butuh" in a.body


def test_seed_ledes() -> None:
    assert seed(0).subtitle.startswith("Emir Qatar Sheikh Tamim")
    assert seed(1).subtitle.startswith("Kunjungan ini adalah kunjungan terbaru")
    assert seed(2).subtitle == ""
    assert seed(3).subtitle.startswith("Hamas dan Rusia mengadakan pertemuan")


# -- other outlets and languages -------------------------------------------------------------


def test_wire_story_with_byline_dateline_and_wire_credit() -> None:
    a = parse_file(DATA / "text" / "wire_en.txt")
    assert a.dateline is not None
    assert (a.dateline.place, a.dateline.source, a.dateline.date) == ("LISBON", "Reuters", "March 3")
    assert a.authors == ("Maria Lopez", "Daniel Okafor")
    assert ("Alison Williams", "editor") in [(c.name, c.role) for c in a.credits]
    assert a.body[-1] == "Meteorologists expect the winds to ease by Thursday."


def test_indonesian_outlet_dateline_and_editor_line() -> None:
    a = parse_file(DATA / "text" / "kompas_id.txt")
    assert a.source == "Kompas"
    assert a.dateline is not None and a.dateline.place == "JAKARTA"
    assert [(c.name, c.role) for c in a.credits] == [("Siti Rahmawati", "author"), ("Budi Santoso", "editor")]
    assert a.subtitle.startswith("Hujan deras")


def test_malay_dateline_and_oleh_byline() -> None:
    a = parse_file(DATA / "text" / "bernama_ms.txt")
    assert a.dateline is not None and a.dateline.place == "KUALA LUMPUR"
    assert a.authors == ("Ahmad Faizal",)


def test_header_lines_with_glued_title() -> None:
    a = parse_file(DATA / "text" / "header_glued.txt")
    assert a.title == "Council approves new cycling lanes for the city centre"
    assert a.url == "https://www.example-news.com/local/2024/11/02/cycling-lanes"
    assert a.published is not None and a.published.value == dt.datetime(2024, 11, 2, 14, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "place", "source"),
    [
        ("WASHINGTON (AP) — The Senate voted", "WASHINGTON", "AP"),
        ("Jakarta (ANTARA) - Presiden Joko Widodo", "Jakarta", "ANTARA"),
        ("Liputan6.com, Jakarta - Polisi menangkap", "Jakarta", "Liputan6"),
        ("KUALA LUMPUR: The ringgit opened higher", "KUALA LUMPUR", None),
        ("JAKARTA - Harga emas turun", "JAKARTA", None),
        ("(Reuters) - Oil prices rose", None, "Reuters"),
    ],
)
def test_datelines(text: str, place: str | None, source: str | None) -> None:
    dl = match_dateline(text)
    assert dl is not None and (dl.place, dl.source) == (place, source)


@pytest.mark.parametrize(
    "text",
    [
        "Apple (AAPL) - shares rose sharply",
        "The minister said - in a rare interview - that",
        "In 2019, Reuters - the news agency - reported",
        "Senin, Jakarta - hujan",
        "I - for one - disagree",
    ],
)
def test_sentences_are_not_datelines(text: str) -> None:
    assert match_dateline(text) is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Stephen Quillen and News Agencies", ["Stephen Quillen", "News Agencies"]),
        ("Oleh: Ahmad Faizal", ["Ahmad Faizal"]),
        ("Penulis: Siti Rahmawati | Editor: Budi Santoso", ["Siti Rahmawati", "Budi Santoso"]),
        ("(Reporting by Guy Faulconbridge; Editing by Andrew Osborn)", ["Guy Faulconbridge", "Andrew Osborn"]),
        ("(Tribunnews.com/Garudea Prabawati)", ["Garudea Prabawati"]),
        ("Reporter: Abdullah bin Ahmad", ["Abdullah bin Ahmad"]),
    ],
)
def test_bylines(line: str, names: list[str]) -> None:
    found = match_byline(line)
    assert found is not None and [c.name for c in found[0]] == names


@pytest.mark.parametrize(
    "line",
    [
        "By Thursday the talks had collapsed.",
        "By the end of the year, prices had doubled.",
        "Oleh karena itu, pemerintah menaikkan harga.",
        "Editor's note: this story has been updated.",
        "Reporter covering the trial said the judge was absent for most of the morning session.",
    ],
)
def test_sentences_are_not_bylines(line: str) -> None:
    assert match_byline(line) is None


def test_header_and_url_lines() -> None:
    h = match_header("date 2025-04-17 Putin and Qatari emir")
    assert h is not None and (h.key, h.value, h.rest) == ("published", "2025-04-17", "Putin and Qatari emir")
    assert match_header("Date of the meeting was not set") is None
    assert match_url_line("https://www.aljazeera.com/news") == "https://www.aljazeera.com/news"
    assert match_url_line("See https://example.com for more") is None


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Title\n\xff\xfe broken", "invalid-utf8"),
        (b"Title\n" + b"x" * 300_000, "line-too-long"),
    ],
)
def test_bad_documents_raise_document_error(data: bytes, reason: str) -> None:
    doc = RawDocument("f.txt", 0, "f.txt#0", "text", data=data)
    with pytest.raises(DocumentError) as err:
        PlainTextParser().parse(doc, "id")
    assert err.value.reason == reason


# -- nothing lost -----------------------------------------------------------------------------

line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80)
furniture = st.sampled_from([
    "By Jane Doe", "Oleh: Budi", "https://example.com/a", "date 2024-01-02", "MOSCOW (Reuters) - Talks began.",
    "(Kompas.com/Nama Orang)", "Editor: Rina", "url: https://x.org/y", "Share:", "(Reporting by A B)",
])


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\S+", text))


def _article_tokens(a: Article) -> Counter[str]:
    parts = [a.title, a.subtitle, *a.body, *(r.text for r in a.removed)]
    return _tokens("\n".join(parts))


@settings(max_examples=300, deadline=None)
@given(st.lists(line | furniture, min_size=1, max_size=12), st.booleans())
def test_parser_never_loses_a_non_blank_line(lines: list[str], blank_lines: bool) -> None:
    """Every token of every input line ends up in a field or in ``removed``."""
    text = ("\n\n" if blank_lines else "\n").join(lines)
    if not text.strip():
        return
    doc = RawDocument("f.txt", 0, "f.txt#0", "text", data=text.encode())
    try:
        a = PlainTextParser().parse(doc, "id")
    except DocumentError:
        return
    assert _article_tokens(a) == _tokens(text)


# -- records -------------------------------------------------------------------------------------


def test_jsonl_records_with_field_mapping_and_bad_lines() -> None:
    path = DATA / "records" / "dump.jsonl"
    docs = list(JsonlReader().read(InputUnit(str(path), str(path))))
    assert [d.error.reason if d.error else None for d in docs] == [
        None, None, "invalid-json", None, "invalid-record"]
    parser = RecordParser(fields={"body": "maintext", "published": "date_publish"})
    a = parser.parse(docs[0], "x")
    assert a.title == "Rail strike called off after late-night deal"
    assert a.dateline is not None and a.dateline.source == "dpa"
    assert a.published is not None and a.published.value == dt.datetime(2024, 5, 14, 23, 10)
    assert a.source == "example.org" and a.url == "https://example.org/rail-strike"
    assert a.extras["source_id"] == "a1"
    b = parser.parse(docs[1], "y")
    assert b.authors == ("Dewi Lestari",) and b.published is not None
    with pytest.raises(DocumentError, match="no body"):
        parser.parse(docs[3], "z")


def test_jsonl_split_ranges_cover_every_line_once(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(f'{{"title": "t{i}", "body": "b {i}"}}\n' for i in range(500)))
    ranges = JsonlReader.split(str(path), 1000)
    assert len(ranges) > 5
    seen = []
    for start, end in ranges:
        seen += [d.fields["title"] for d in JsonlReader().read(InputUnit(str(path), str(path), start, end))]
    assert seen == [f"t{i}" for i in range(500)]


def test_record_media_type_constant() -> None:
    assert RecordParser.media_types == (RECORD_MEDIA_TYPE,)
