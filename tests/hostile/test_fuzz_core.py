"""Fuzz targets for the core readers and parsers (hypothesis): whatever the bytes
or JSON values, nothing raises out of a reader or a parser except the
``DocumentError`` that quarantines one document, and every input record comes out
once, as a document or as a quarantined error."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.errors import DocumentError
from newscorpus.models import Article
from newscorpus.parsers.plaintext import PlainTextParser
from newscorpus.parsers.record import DEFAULT_FIELDS, RecordParser, parse_record_date
from newscorpus.readers.base import InputUnit, Limits, RawDocument
from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE, JsonlReader
from newscorpus.readers.text import TextReader, transcode
from newscorpus.serialize import article_to_dict
from newscorpus.workdir import dumps_json

#: Examples per target: modest for CI; ``NEWSCORPUS_FUZZ_EXAMPLES=5000`` for a longer campaign.
EXAMPLES = int(os.environ.get("NEWSCORPUS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Small limits, so that over-long lines and documents are met often.
LIMITS = Limits(max_document_bytes=300, max_line_chars=120)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=15,
)
#: Lines a dump may hold: JSON objects (NaN and surrogates included), other JSON,
#: deep nesting, huge numbers, raw bytes.
json_lines = st.one_of(
    st.dictionaries(st.sampled_from(["title", "body", "text", "date", "authors", "url", "x"]) | st.text(max_size=6),
                    json_values, max_size=6).map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 3_000).map(lambda n: b'{"a": ' + b"[" * n + b"]" * n + b"}"),
    st.integers(4_301, 5_000).map(lambda n: b'{"n": ' + b"9" * n + b"}"),
    st.binary(max_size=400),
)


def _expected_lines(data: bytes) -> int:
    """Non-blank lines, as the reader counts them."""
    return sum(1 for line in data.split(b"\n") if line.strip())


def _write(tmp: Path, name: str, data: bytes) -> str:
    path = tmp / name
    path.write_bytes(data)
    return str(path)


@FUZZ
@given(lines=st.lists(json_lines, max_size=12), gz=st.booleans())
def test_jsonl_reader_yields_every_line_once(tmp_path_factory: Any, lines: list[bytes], gz: bool) -> None:
    data = b"\n".join(lines)
    folder = tmp_path_factory.mktemp("jsonl")
    path = _write(folder, "x.jsonl.gz" if gz else "x.jsonl", gzip.compress(data) if gz else data)
    docs = list(JsonlReader(LIMITS).read(InputUnit(path, path)))
    assert len(docs) == _expected_lines(data)
    assert len({d.key for d in docs}) == len(docs)
    for d in docs:
        if d.error is None:
            assert d.media_type == RECORD_MEDIA_TYPE and isinstance(d.fields, dict)
            json.dumps(d.fields)  # what was yielded is plain JSON data
        else:
            assert d.error.reason and d.error.detail


@FUZZ
@given(data=st.binary(max_size=2_000), lines=st.lists(json_lines, max_size=6))
def test_jsonl_reader_split_ranges_cover_every_line_once(tmp_path_factory: Any, data: bytes,
                                                         lines: list[bytes]) -> None:
    blob = data + b"\n" + b"\n".join(lines)
    path = _write(tmp_path_factory.mktemp("split"), "x.jsonl", blob)
    reader = JsonlReader(Limits(max_document_bytes=10_000))
    docs = [d for a, b in JsonlReader.split(path, 64) for d in reader.read(InputUnit(path, path, a, b))]
    assert len(docs) == _expected_lines(blob)
    assert len({d.record for d in docs}) == len(docs)


def _parse(parser: Any, doc: RawDocument) -> Article | None:
    """The parser's article, or ``None`` when it refused the document; whatever
    it returns must be writable as JSON."""
    try:
        article = parser.parse(doc, "0" * 16)
    except DocumentError as exc:
        assert exc.reason and exc.detail
        return None
    assert isinstance(article, Article)
    dumps_json(article_to_dict(article))
    return article


record_fields = st.dictionaries(
    st.sampled_from(sorted({c for names in DEFAULT_FIELDS.values() for c in names})) | st.text(max_size=6),
    json_values | st.text(max_size=300) | st.sampled_from(
        ["Senin, 4 Februari 2025 10:00 WIB", "2025-02-30", "03/04/2025", "9999-99-99T99:99", "1e309", "NaN"]),
    max_size=8,
)


@FUZZ
@given(fields=record_fields)
def test_record_parser_builds_or_refuses(fields: dict[str, Any]) -> None:
    doc = RawDocument("x.jsonl", 0, "x.jsonl#0", "jsonl", media_type=RECORD_MEDIA_TYPE, fields=fields)
    article = _parse(RecordParser(LIMITS), doc)
    if article is not None:
        assert article.title or article.body


@FUZZ
@given(data=st.binary(max_size=600) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
       encoding=st.sampled_from(["utf-8", "auto", "cp1252", "latin-1"]))
def test_text_reader_and_plaintext_parser_one_document_per_file(tmp_path_factory: Any, data: bytes,
                                                                encoding: str) -> None:
    path = _write(tmp_path_factory.mktemp("text"), "x.txt", data)
    (doc,) = TextReader(LIMITS, encoding=encoding).read(InputUnit(path, path))
    if doc.error is None:
        _parse(PlainTextParser(LIMITS), doc)


@FUZZ
@given(data=st.binary(max_size=400))
def test_transcode_gives_utf8_or_refuses(data: bytes) -> None:
    try:
        out, used = transcode(data, "auto")
    except DocumentError as exc:
        assert exc.reason == "invalid-encoding"
        return
    if b"\x00" not in data[:8192]:
        out.decode("utf-8")
    assert used is None or out != data


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=st.text(max_size=60) | st.sampled_from(["4 Februari 2025", "31 Februari 2025", "Isnin, 3 Mac 2025"]))
def test_record_date_is_a_timestamp_or_none(value: str) -> None:
    stamp = parse_record_date(value)
    assert stamp is None or stamp.signal == "field"
