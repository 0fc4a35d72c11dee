"""The properties every fuzz target checks, shared by the hypothesis targets
(``test_fuzz_core.py``, ``test_fuzz_plugins.py``) and the coverage-guided atheris
harness (``tools/fuzz/run.py``), so that both fuzzers hold readers and parsers to
the same oracle:

* a reader raises nothing: a bad record is yielded with ``RawDocument.error`` set
  to a ``DocumentError`` with a reason and a detail, so the records after it are
  read; every document it yields has a key of its own;
* the JSONL reader yields every non-blank line once, whole or from the byte ranges
  of ``split``, as JSON data or as an error;
* a parser raises nothing but the ``DocumentError`` (reason and detail) that
  quarantines one document, and every Article it builds is writable as it stands:
  its JSON line needs no sanitising (no lone surrogate, NaN, infinity or huge
  integer), except inside ``extras`` of structured records, where the writer's
  documented ``NaN``-to-``null`` applies; a record the record parser builds has a
  title or a body;
* ``transcode`` gives UTF-8 or refuses with ``invalid-encoding``.

A broken property is an ``AssertionError``: a failing example for hypothesis, a
crash for atheris.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from hypothesis import event
from hypothesis.control import currently_in_test_context

from newscorpus.errors import DocumentError
from newscorpus.models import Article
from newscorpus.readers.base import InputUnit, Limits, RawDocument, Reader
from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE, JsonlReader
from newscorpus.readers.text import transcode
from newscorpus.serialize import article_to_dict
from newscorpus.workdir import dumps_json

#: Limits of the core targets: small, so that over-long lines and documents are met often.
CORE_LIMITS = Limits(max_document_bytes=300, max_line_chars=120)
#: Limits of the plugin targets: small, so that over-long rows, pages and paragraphs are met often.
PLUGIN_LIMITS = Limits(max_document_bytes=20_000, max_line_chars=2_000)
#: Why the Parquet reader may refuse a record of a damaged file.
PARQUET_READ_REASONS = frozenset({"invalid-parquet", "too-large", "bad-value", "too-deep"})
#: The article id every target parses with.
ARTICLE_ID = "0" * 16


def note(message: str) -> None:
    """Hypothesis's ``event`` (statistics of what the inputs reach, shown by
    ``--hypothesis-show-statistics``); nothing outside a hypothesis test."""
    if currently_in_test_context():
        event(message)


def expected_lines(data: bytes) -> int:
    """Non-blank lines of a JSONL file, as the reader counts them."""
    return sum(1 for line in data.split(b"\n") if line.strip())


def read_checked(reader: Reader, path: str) -> list[RawDocument]:
    """Every document ``reader`` yields for ``path`` (the whole file): it must not
    raise, keys are unique, and errors are ``DocumentError`` with reason and detail."""
    docs = list(reader.read(InputUnit(path, path)))
    assert len({d.key for d in docs}) == len(docs), [d.key for d in docs]
    for d in docs:
        if d.error is not None:
            assert isinstance(d.error, DocumentError) and d.error.reason and d.error.detail, d.error
            note(f"read error: {d.error.reason}")
    return docs


def check_jsonl(path: str, data: bytes, limits: Limits) -> list[RawDocument]:
    """Read the JSONL file ``path`` (holding ``data``, uncompressed): one document
    per non-blank line, keys unique, each a JSON record or an error."""
    docs = read_checked(JsonlReader(limits), path)
    assert len(docs) == expected_lines(data), (len(docs), expected_lines(data))
    for d in docs:
        if d.error is None:
            assert d.media_type == RECORD_MEDIA_TYPE and isinstance(d.fields, dict)
            json.dumps(d.fields)  # what was yielded is plain JSON data
    return docs


def check_jsonl_split(path: str, data: bytes, limits: Limits, chunk: int = 64) -> None:
    """The byte ranges of ``JsonlReader.split`` yield every non-blank line of the
    file once between them."""
    reader = JsonlReader(limits)
    docs = [d for a, b in JsonlReader.split(path, chunk) for d in reader.read(InputUnit(path, path, a, b))]
    assert len(docs) == expected_lines(data), (len(docs), expected_lines(data))
    assert len({d.record for d in docs}) == len(docs)


def check_fields_json(doc: RawDocument) -> None:
    """What a reader hands on in ``fields`` is writable JSON data: no NaN or
    infinity, no lone surrogate (the feed reader's promise)."""
    for value in doc.fields.values():
        json.dumps(value, allow_nan=False).encode("utf-8")


def parse_checked(parser: Any, doc: RawDocument, *, nan_in_extras: bool = False) -> Article | None:
    """The parser's article, or ``None`` when it refused the document with a
    ``DocumentError``; the article must be writable without sanitising (outside
    ``extras`` when ``nan_in_extras``: structured records keep their other columns
    there, and the writer turns ``NaN`` into ``null`` by design)."""
    try:
        article = parser.parse(doc, ARTICLE_ID)
    except DocumentError as exc:
        assert exc.reason and exc.detail, exc
        note(f"refused: {exc.reason}")
        return None
    assert isinstance(article, Article), type(article)
    note("article built")
    record = article_to_dict(article)
    _line, changes = dumps_json({k: v for k, v in record.items() if k != "extras"} if nan_in_extras else record)
    assert not changes, (dict(changes), record)
    return article


def parse_record_checked(parser: Any, doc: RawDocument) -> Article | None:
    """:func:`parse_checked` for the record parser (``NaN`` allowed in ``extras``),
    and an article it builds has a title or a body: a record whose body is only
    lines lifted into other fields (a bare URL) is refused, not written empty."""
    article = parse_checked(parser, doc, nan_in_extras=True)
    assert article is None or article.title or article.body, article
    return article


def check_transcode(data: bytes) -> None:
    """``transcode(data, "auto")`` gives UTF-8 (unless NUL bytes say binary) or
    refuses with ``invalid-encoding``."""
    try:
        out, used = transcode(data, "auto")
    except DocumentError as exc:
        assert exc.reason == "invalid-encoding", exc
        return
    if b"\x00" not in data[:8192]:
        out.decode("utf-8")
    assert used is None or out != data


def warc_record(uri: str, page: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    """One WARC/1.1 ``response`` record holding ``page`` served as ``content_type``
    (the input both fuzzers build WARC files from)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (content_type.encode(), len(page))
    block = http + page
    head = ("WARC/1.1\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>\r\n"
            "WARC-Date: 2024-04-25T16:24:44Z\r\n"
            f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"
