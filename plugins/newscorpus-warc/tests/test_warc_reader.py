"""The warc reader: record selection, decoding, provenance, truncation, limits."""

from __future__ import annotations

import gzip
import os
import uuid
from pathlib import Path

import pytest
from newscorpus_html import HtmlParser
from newscorpus_warc import WarcReader

from newscorpus.plugins import get_registry
from newscorpus.readers import InputUnit, Limits, RawDocument

# -- WARC files built in the tests (no third-party writer needed) ----------------------------


def http_response(body: bytes, *, status: str = "200 OK", content_type: str = "text/html; charset=utf-8",
                  extra: list[tuple[str, str]] = (), chunked: bool = False) -> bytes:
    headers = [("Content-Type", content_type), *extra]
    if chunked:
        headers.append(("Transfer-Encoding", "chunked"))
        half = len(body) // 2
        payload = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:]) if part)
        payload += b"0\r\n\r\n"
    else:
        headers.append(("Content-Length", str(len(body))))
        payload = body
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + payload


def record(kind: str, uri: str, block: bytes, *, date: str = "2024-04-25T16:24:44Z",
           content_type: str | None = None, declared: int | None = None) -> bytes:
    ctype = content_type or ("application/http; msgtype=response" if kind == "response" else "text/html")
    head = (
        "WARC/1.1\r\n"
        f"WARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri + kind)}>\r\n"
        f"WARC-Date: {date}\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        f"Content-Type: {ctype}\r\n"
        f"Content-Length: {declared if declared is not None else len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def warc(records: list[bytes], *, gz: bool) -> bytes:
    """Concatenate records; with ``gz`` each is its own gzip member (as crawlers write)."""
    return b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)


def page(title: str, words: int = 120) -> bytes:
    text = " ".join(f"{title.lower()} sentence word{i}." for i in range(words // 3))
    paras = "".join(f"<p>{text} Paragraph {k} of the story about {title}.</p>" for k in range(3))
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{paras}</article></body></html>".encode()


FIXTURES = Path(os.environ.get("NEWSCORPUS_BENCHMARKS", Path(__file__).resolve().parents[4] / "shared" / "benchmarks"))


def mixed_records() -> list[bytes]:
    gz_body = gzip.compress(page("Gzipped story"))
    return [
        record("warcinfo", "", b"software: test\r\n", content_type="application/warc-fields"),
        record("request", "https://news.example/a", b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
               content_type="application/http; msgtype=request"),
        record("response", "<https://news.example/a>", http_response(page("Plain story"))),
        record("response", "https://news.example/b", http_response(page("Chunked story"), chunked=True)),
        record("response", "https://news.example/c", http_response(gz_body, extra=[("Content-Encoding", "gzip")])),
        record("response", "https://news.example/missing", http_response(b"not found", status="404 Not Found")),
        record("response", "https://news.example/logo.png", http_response(b"\x89PNG...", content_type="image/png")),
        record("resource", "https://news.example/d", page("Resource story"), content_type="text/html"),
        record("resource", "metadata://crawler/log", b"crawl log", content_type="text/plain"),
    ]


def read(path: Path, **options: object) -> list[RawDocument]:
    return list(WarcReader(**options).read(InputUnit(str(path), str(path.parent))))


@pytest.mark.parametrize("gz", [False, True])
def test_records_are_selected_decoded_and_carry_provenance(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(warc(mixed_records(), gz=gz))
    docs = read(path)
    good = [d for d in docs if d.error is None]
    bad = {d.error.reason: d for d in docs if d.error is not None}
    assert [d.fields["url"] for d in good] == ["https://news.example/a", "https://news.example/b",
                                              "https://news.example/c", "https://news.example/d"]
    assert set(bad) == {"http-status", "not-html"}
    assert "404" in bad["http-status"].error.detail
    for doc in good:
        assert doc.media_type == "text/html" and doc.data is not None and doc.data.startswith(b"<html>")
        assert doc.fields["fetched"] == "2024-04-25T16:24:44Z"
        assert doc.key == f"{path.name}#{doc.record}"
    # Record locators are byte offsets, distinct and increasing.
    offsets = [d.record for d in docs]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    article = HtmlParser().parse(good[1], "x")
    assert article.title == "Chunked story"
    assert article.provenance.url == "https://news.example/b"
    assert article.provenance.fetched == "2024-04-25T16:24:44Z"
    assert article.provenance.reader == "warc"


def test_skip_other_drops_non_pages_silently(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc(mixed_records(), gz=False))
    assert all(d.error is None for d in read(path, skip_other=True))


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_record_is_quarantined_and_earlier_ones_kept(tmp_path: Path, gz: bool) -> None:
    records = [record("response", f"https://news.example/{i}", http_response(page(f"Story {i}"))) for i in range(3)]
    blob = warc(records, gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(blob[: len(blob) - (len(records[-1]) // (2 if not gz else 1)) // 2])
    docs = read(path)
    assert [d.error is None for d in docs[:2]] == [True, True]
    assert docs[-1].error is not None and docs[-1].error.reason in ("truncated-record", "bad-warc")


def test_declared_length_beyond_the_file_is_truncation(tmp_path: Path) -> None:
    block = http_response(page("Short"))
    path = tmp_path / "liar.warc"
    path.write_bytes(record("response", "https://news.example/x", block, declared=len(block) + 5000))
    (doc,) = read(path)
    assert doc.error is not None and doc.error.reason == "truncated-record"


def test_oversized_record_is_not_read(tmp_path: Path) -> None:
    records = [record("response", "https://news.example/big", http_response(page("Big", 3000))),
               record("response", "https://news.example/small", http_response(page("Small")))]
    path = tmp_path / "big.warc"
    path.write_bytes(warc(records, gz=False))
    small, = [len(r) for r in records[1:]]
    docs = list(WarcReader(Limits(max_document_bytes=small)).read(InputUnit(str(path), str(tmp_path))))
    reasons = [d.error.reason if d.error else None for d in docs]
    assert reasons == ["too-large", None]


def test_content_encoding_bomb_is_bounded(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<html>" + b" " * (50 * 1024 * 1024))
    path = tmp_path / "bomb.warc"
    path.write_bytes(record("response", "https://news.example/bomb",
                            http_response(bomb, extra=[("Content-Encoding", "gzip")])))
    (doc,) = list(WarcReader(Limits(max_document_bytes=4 * 1024 * 1024)).read(InputUnit(str(path), str(tmp_path))))
    assert doc.error is not None and doc.error.reason == "too-large"


def test_corrupt_stream_ends_the_file_with_one_error(tmp_path: Path) -> None:
    good = warc([record("response", "https://news.example/ok", http_response(page("Fine")))], gz=True)
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(good + b"\x1f\x8b\x08\x00garbage that is not deflate data" * 20)
    docs = read(path)
    assert docs[0].error is None
    assert all(d.error is not None for d in docs[1:])


def test_host_and_date_filters(tmp_path: Path) -> None:
    records = [
        record("response", "https://www.news.example/a", http_response(page("A")), date="2024-01-01T10:00:00Z"),
        record("response", "https://other.example/b", http_response(page("B")), date="2024-01-02T10:00:00Z"),
        record("response", "https://news.example/c", http_response(page("C")), date="2024-01-03T10:00:00Z"),
    ]
    path = tmp_path / "f.warc"
    path.write_bytes(warc(records, gz=False))
    assert [d.fields["url"] for d in read(path, hosts=["news.example"])] == [
        "https://www.news.example/a", "https://news.example/c"]
    assert [d.fields["url"] for d in read(path, since="2024-01-02", until="2024-01-02")] == [
        "https://other.example/b"]


def test_plugin_registers_the_reader() -> None:
    assert get_registry().get("reader", "warc") is WarcReader
    assert WarcReader.claims("CC-NEWS-20240101.warc.gz") > WarcReader.claims("x.gz")


@pytest.mark.skipif(not (FIXTURES / "warc-samples").is_dir(), reason="shared WARC samples not present")
def test_real_samples() -> None:
    root = FIXTURES / "warc-samples"
    docs = [d for p in sorted(root.rglob("*.warc*")) for d in WarcReader().read(InputUnit(str(p), str(root)))]
    pages = [d for d in docs if d.error is None]
    assert len(pages) >= 37
    assert all(d.fields["url"].startswith("http") and d.fields["fetched"] for d in pages)


def test_pipeline_run_on_a_warc(tmp_path: Path) -> None:
    from newscorpus.config import config_from_dict
    from newscorpus.pipeline import Pipeline
    from newscorpus.serialize import read_articles

    src = tmp_path / "crawl"
    src.mkdir()
    (src / "crawl.warc.gz").write_bytes(warc(mixed_records(), gz=True))
    report = Pipeline(config_from_dict({"events": {"builder": None}})).run([str(src)], str(tmp_path / "out"))
    assert report.accounting["balanced"]
    articles = list(read_articles(tmp_path / "out/articles.jsonl"))
    assert sorted(a.provenance.url for a in articles) == [
        "https://news.example/a", "https://news.example/b", "https://news.example/c", "https://news.example/d"]
    assert all(a.provenance.fetched == "2024-04-25T16:24:44Z" and a.provenance.reader == "warc" for a in articles)
    assert report.data["quarantine"]["by_reason"] == {"http-status": 1, "not-html": 1}
