"""The warc reader keeps the reader contract (:mod:`newscorpus.testing`) on generated
crawls (plain and per-record gzip, chunked and gzip-encoded bodies, error statuses,
non-HTML records, truncation), and the html parser takes what it yields."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newscorpus_html import HtmlParser
from newscorpus_warc import WarcReader

from newscorpus.readers import Limits
from newscorpus.testing import check_options, check_parser, check_reader, raw_documents


def _builders() -> ModuleType:
    """The WARC record builders of test_warc_reader.py (pytest's importlib mode does
    not put tests/ on sys.path)."""
    spec = importlib.util.spec_from_file_location("warc_builders", Path(__file__).parent / "test_warc_reader.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


W = _builders()


def test_options_are_declared_documented_and_build() -> None:
    check_options(WarcReader)


_pages = raw_documents("text/html").map(lambda d: d.data or b"")
_record = st.one_of(
    st.builds(lambda body, i: W.record("response", f"https://news.example/{i}", W.http_response(body)),
              _pages, st.integers(0, 999)),
    st.builds(lambda body, i: W.record("response", f"https://news.example/c{i}", W.http_response(body, chunked=True)),
              _pages, st.integers(0, 999)),
    st.builds(lambda body: W.record("resource", "https://news.example/r", body, content_type="text/html"), _pages),
    st.just(W.record("response", "https://news.example/404", W.http_response(b"gone", status="404 Not Found"))),
    st.just(W.record("response", "https://news.example/x.png", W.http_response(b"\x89PNG", content_type="image/png"))),
    st.just(W.record("request", "https://news.example/a", b"GET /a HTTP/1.1\r\n\r\n",
                     content_type="application/http; msgtype=request")),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(records=st.lists(_record, min_size=1, max_size=5), gz=st.booleans(), cut=st.integers(0, 40))
def test_reader_keeps_the_contract_on_generated_crawls(tmp_path_factory: Any, records: list[bytes], gz: bool,
                                                       cut: int) -> None:
    path = tmp_path_factory.mktemp("warc") / ("crawl.warc.gz" if gz else "crawl.warc")
    data = W.warc(records, gz=gz)
    path.write_bytes(data[: len(data) - cut] if cut else data)  # a crawl cut short, sometimes
    docs = check_reader(WarcReader, path)
    check_parser(HtmlParser, [d for d in docs if d.error is None])


@pytest.mark.parametrize("gz", [False, True])
def test_reader_keeps_the_contract_on_mixed_records_and_small_limits(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(W.warc(W.mixed_records(), gz=gz))
    docs = check_reader(WarcReader, path)
    assert any(d.error is None for d in docs) and any(d.error is not None for d in docs)
    small = check_reader(WarcReader(Limits(max_document_bytes=200)), path)
    assert all(d.error is not None for d in small)
