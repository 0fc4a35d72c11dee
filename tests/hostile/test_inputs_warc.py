"""Hostile WARC input: one bad record must not lose the captures after it, and
whatever cannot be read is counted (``documents == written + dropped + quarantined``)."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("newscorpus_warc")

from newscorpus_warc import WarcReader

from newscorpus.readers import InputUnit

from .conftest import WriteWatch, assert_bounded, read_quarantine, read_report, run_cli

N = 22


def _page(i: int) -> bytes:
    text = " ".join(f"Story {i} sentence number {k} about the harbour council vote." for k in range(30))
    return f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>{text}</p>" \
        f"<p>{text} Again.</p></article></body></html>".encode()


def _record(i: int, *, declared: int | None = None) -> bytes:
    body = _page(i)
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
    block = http + body
    uri = f"http://news.example.org/{i}"
    head = ("WARC/1.1\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>\r\n"
            "WARC-Date: 2024-04-25T16:24:44Z\r\n"
            f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {declared if declared is not None else len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def _bad_length(gz: bool) -> bytes:
    recs = [_record(i, declared=len(_record(i)) * 3 if i == 5 else None) for i in range(N)]
    return b"".join(gzip.compress(r) for r in recs) if gz else b"".join(recs)


def _garbage(gz: bool) -> bytes:
    recs = [gzip.compress(_record(i)) if gz else _record(i) for i in range(N)]
    recs.insert(6, b"\x00garbage between records\xff" * 40)
    return b"".join(recs)


def _huge_length(gz: bool) -> bytes:
    recs = [_record(i, declared=10**12 if i == 3 else None) for i in range(N)]
    return b"".join(gzip.compress(r) for r in recs) if gz else b"".join(recs)


def _corrupt_member(gz: bool) -> bytes:
    members = [gzip.compress(_record(i)) for i in range(N)]
    bad = bytearray(members[4])
    bad[len(bad) // 2: len(bad) // 2 + 30] = b"\xff" * 30  # deflate data broken mid-member
    members[4] = bytes(bad)
    return b"".join(members)


CASES: dict[str, tuple[Callable[[bool], bytes], tuple[bool, ...]]] = {
    "bad-length": (_bad_length, (False, True)),
    "garbage-between-records": (_garbage, (False, True)),
    "huge-declared-length": (_huge_length, (False, True)),
    "corrupt-gzip-member": (_corrupt_member, (True,)),
}
PARAMS = [(name, gz) for name, (_make, kinds) in CASES.items() for gz in kinds]


@pytest.mark.parametrize(("case", "gz"), PARAMS, ids=[f"{c}-{'gz' if g else 'plain'}" for c, g in PARAMS])
def test_reader_keeps_the_captures_after_a_bad_record(tmp_path: Path, case: str, gz: bool) -> None:
    path = tmp_path / ("x.warc.gz" if gz else "x.warc")
    path.write_bytes(CASES[case][0](gz))
    docs = list(WarcReader().read(InputUnit(str(path), str(path))))
    good = {d.fields["url"] for d in docs if d.error is None}
    bad = [d for d in docs if d.error is not None]
    # At most the one damaged capture is lost, and it (or the gap) is quarantined.
    assert len(good) >= N - 1, (case, sorted(good))
    assert len(bad) == 1, [d.error for d in bad]  # one entry per damaged place, not one per record after it
    assert len({d.key for d in docs}) == len(docs)  # every record and gap has its own key
    assert all(d.error is not None and d.error.detail for d in bad)


@pytest.mark.parametrize("case", ["garbage-between-records", "corrupt-gzip-member"])
def test_cli_run_balances_with_a_bad_warc_record(tmp_path: Path, case: str) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "crawl.warc.gz").write_bytes(CASES[case][0](True))
    out = tmp_path / "out"
    watch = WriteWatch(tmp_path)
    result = run_cli(["run", str(inp), "--output", str(out), "--workers", "1", "--no-progress"])
    assert result.returncode == 0, result.stderr[-2000:]
    assert_bounded(result)
    report = read_report(out)
    assert report["accounting"]["written"] + report["accounting"]["dropped_duplicates"] >= N - 1
    q = read_quarantine(out)
    assert any(r["reason"] == "bad-warc" and r["path"].endswith("crawl.warc.gz") for r in q), q
    assert watch.outside(out) == []
