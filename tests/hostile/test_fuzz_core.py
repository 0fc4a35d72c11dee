"""Fuzz targets for the core readers and parsers (hypothesis): whatever the bytes
or JSON values, nothing raises out of a reader or a parser except the
``DocumentError`` that quarantines one document, and every input record comes out
once, as a document or as a quarantined error. The properties are
``fuzz_checks.py``'s, shared with the atheris harness ``tools/fuzz/run.py``."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.errors import DocumentError
from newscorpus.parsers.plaintext import PlainTextParser
from newscorpus.parsers.record import DEFAULT_FIELDS, RecordParser, parse_record_date
from newscorpus.readers.base import InputUnit, Limits, RawDocument
from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE
from newscorpus.readers.text import TextReader

from .fuzz_checks import CORE_LIMITS as LIMITS
from .fuzz_checks import check_jsonl, check_jsonl_split, check_transcode, parse_checked, parse_record_checked

#: Examples per target: modest for CI; ``NEWSCORPUS_FUZZ_EXAMPLES=5000`` for a longer campaign.
EXAMPLES = int(os.environ.get("NEWSCORPUS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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
    check_jsonl(path, data, LIMITS)  # data as written before compression: the lines the reader must find


@FUZZ
@given(data=st.binary(max_size=2_000), lines=st.lists(json_lines, max_size=6))
def test_jsonl_reader_split_ranges_cover_every_line_once(tmp_path_factory: Any, data: bytes,
                                                         lines: list[bytes]) -> None:
    blob = data + b"\n" + b"\n".join(lines)
    path = _write(tmp_path_factory.mktemp("split"), "x.jsonl", blob)
    check_jsonl_split(path, blob, Limits(max_document_bytes=10_000))


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
    parse_record_checked(RecordParser(LIMITS), doc)


def test_record_of_a_bare_url_is_refused() -> None:
    """Found by the atheris harness: a body of only a URL (lifted into ``url``) and
    no title built an article with no text at all."""
    for fields in ({"body": "https://e.org/a"}, {"text": "Https://e.org/a", "x": [0, 2.5, None]}):
        doc = RawDocument("x.jsonl", 0, "x.jsonl#0", "jsonl", media_type=RECORD_MEDIA_TYPE, fields=fields)
        with pytest.raises(DocumentError) as err:
            RecordParser(LIMITS).parse(doc, "0" * 16)
        assert err.value.reason == "no-text"
    doc = RawDocument("x.jsonl", 0, "x.jsonl#0", "jsonl", media_type=RECORD_MEDIA_TYPE,
                      fields={"title": "A title", "body": "https://e.org/a"})
    article = RecordParser(LIMITS).parse(doc, "0" * 16)
    assert (article.title, article.body, article.url) == ("A title", (), "https://e.org/a")


@FUZZ
@given(data=st.binary(max_size=600) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
       encoding=st.sampled_from(["utf-8", "auto", "cp1252", "latin-1"]))
def test_text_reader_and_plaintext_parser_one_document_per_file(tmp_path_factory: Any, data: bytes,
                                                                encoding: str) -> None:
    path = _write(tmp_path_factory.mktemp("text"), "x.txt", data)
    (doc,) = TextReader(LIMITS, encoding=encoding).read(InputUnit(path, path))
    if doc.error is None:
        parse_checked(PlainTextParser(LIMITS), doc)


@FUZZ
@given(data=st.binary(max_size=400))
def test_transcode_gives_utf8_or_refuses(data: bytes) -> None:
    check_transcode(data)


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=st.text(max_size=60) | st.sampled_from(["4 Februari 2025", "31 Februari 2025", "Isnin, 3 Mac 2025"]))
def test_record_date_is_a_timestamp_or_none(value: str) -> None:
    stamp = parse_record_date(value)
    assert stamp is None or stamp.signal == "field"
