"""The html reader and parser keep the component contracts (:mod:`newscorpus.testing`):
the parser returns an Article or refuses with DocumentError on generated pages (odd
Unicode, empty paragraphs, scripts, unclosed tags, hostile bytes), with the document's
provenance and a JSON form that reads back equal; the reader yields one document per
page, errors as documents."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newscorpus_html import HtmlParser, HtmlReader

from newscorpus.errors import DocumentError
from newscorpus.models import Article
from newscorpus.readers import Limits
from newscorpus.testing import check_options, check_parser, check_reader, raw_documents

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("component", [HtmlParser, HtmlReader])
def test_options_are_declared_documented_and_build(component: type) -> None:
    check_options(component)


@pytest.mark.parametrize("parser", [
    HtmlParser(),
    HtmlParser(language="declared", structure=False, bylines=False),
    HtmlParser(Limits(max_line_chars=120)),  # long paragraphs refused as line-too-long
], ids=["defaults", "declared-language", "short-lines"])
def test_parser_keeps_the_contract_on_generated_pages(parser: HtmlParser) -> None:
    results = check_parser(parser, max_examples=60)
    assert any(isinstance(r, Article) for r in results)
    assert any(isinstance(r, DocumentError) for r in results)  # empty and binary pages are refused


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_reader_and_parser_keep_the_contract_on_the_test_pages(name: str) -> None:
    docs = check_reader(HtmlReader, DATA / name)
    assert [d.key for d in docs] == [f"{name}#0"]
    (article,) = check_parser(HtmlParser, docs)
    assert isinstance(article, Article) and article.body


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=raw_documents("text/html"), suffix=st.sampled_from([".html", ".xhtml", ".html.gz"]))
def test_reader_then_parser_on_generated_files(tmp_path_factory: Any, doc: Any, suffix: str) -> None:
    path = tmp_path_factory.mktemp("pages") / f"page{suffix}"
    data = doc.data or b""
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    (read,) = check_reader(HtmlReader, path)
    assert read.data == data and read.error is None
    check_parser(HtmlParser, [read])


def test_reader_refuses_an_oversized_page_as_a_document(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_bytes(b"<html><body>" + b"<p>word</p>" * 1000 + b"</body></html>")
    (doc,) = check_reader(HtmlReader(Limits(max_document_bytes=1000)), page)
    assert doc.error is not None and doc.data is None
