"""WARC reading: FastWARC against warcio, and the ``warc`` reader that newscorpus
built on the winner.

1. Agreement on the real samples (``warc-samples``): response records found and
   decoded payload bytes (chunked transfer and gzip content encodings undone).
2. Truncated files: both libraries cut at 50% and 93%: records returned, whether
   they raise, and whether the truncated record is detectable.
3. Throughput on a CC-NEWS-like file generated from the sample pages (one gzip
   member per record, N response records with distinct URIs): iterate and read
   every decoded payload; median of 3 runs.
4. The ``warc`` reader (raw documents/s) and the ``html`` parser on the same
   records, to show where the time of a WARC → Article run goes.

Usage::

    python benchmarks/io_warc.py [BENCHMARKS_DIR] [--records 3000] [--no-write]
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section


def fastwarc_payloads(stream: Any) -> list[tuple[str, int]]:
    """(target URI, decoded payload length) of every response record, with FastWARC."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    out = []
    for rec in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True, auto_decode="all",
                               fsspec_args=False):
        uri = (rec.headers.get("WARC-Target-URI") or "").strip("<>")
        out.append((uri, len(rec.reader.read())))
    return out


def warcio_payloads(stream: Any) -> list[tuple[str, int]]:
    """(target URI, decoded payload length) of every response record, with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    for rec in ArchiveIterator(stream):
        if rec.rec_type == "response":
            out.append((rec.rec_headers.get_header("WARC-Target-URI"), len(rec.content_stream().read())))
    return out


LIBRARIES: dict[str, Callable[[Any], list[tuple[str, int]]]] = {
    "fastwarc": fastwarc_payloads,
    "warcio": warcio_payloads,
}


def agreement(root: Path) -> list[list[Any]]:
    """Per sample file: responses and payload bytes each library finds."""
    rows = []
    for path in sorted([*root.glob("*.warc*"), *root.glob("warcio-test-data/*.warc*")]):
        results = {}
        for name, fn in LIBRARIES.items():
            with open(path, "rb") as fh:
                results[name] = fn(fh)
        same = results["fastwarc"] == results["warcio"]
        rows.append([path.name, len(results["fastwarc"]), sum(n for _, n in results["fastwarc"]),
                     len(results["warcio"]), sum(n for _, n in results["warcio"]), "yes" if same else "NO"])
    return rows


def truncation(sample: Path) -> list[list[Any]]:
    """What each library does with a WARC cut short."""
    from fastwarc.warc import ArchiveIterator as FastIterator
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator

    raw = sample.read_bytes()
    rows = []
    for form, blob in (("gzip", raw), ("plain", gzip.decompress(raw))):
        for frac in (0.5, 0.93):
            cut = blob[: int(len(blob) * frac)]
            for name in LIBRARIES:
                n, short, err = 0, 0, "no"
                try:
                    if name == "fastwarc":
                        for rec in FastIterator(io.BytesIO(cut), parse_http=False, fsspec_args=False):
                            declared = rec.content_length
                            rec.freeze()
                            n += 1
                            short += rec.content_length < declared
                    else:
                        for rec in WarcioIterator(io.BytesIO(cut), no_record_parse=True):
                            data = rec.raw_stream.read()
                            n += 1
                            short += len(data) < rec.length
                except Exception as exc:
                    err = type(exc).__name__
                rows.append([form, f"{frac:.0%}", name, n, short, err])
    return rows


def synthetic_warc(sample_dir: Path, n: int, target: Path) -> tuple[int, int]:
    """Write ``n`` response records (gzip member each, CC-NEWS style) built from the
    sample pages; return (records, uncompressed payload bytes)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = []
    for path in sorted(sample_dir.glob("sample-*.warc.gz")):
        from warcio.archiveiterator import ArchiveIterator

        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    body = rec.content_stream().read()
                    if body.lstrip()[:1] == b"<":
                        pages.append(body)
    total = 0
    with open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(n):
            body = pages[i % len(pages)]
            total += len(body)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                              ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            rec = writer.create_warc_record(f"https://news.example.org/{i % 97}/story-{i}.html", "response",
                                            payload=io.BytesIO(body), http_headers=http)
            writer.write_record(rec)
    return n, total


def timed(fn: Callable[[], Any], runs: int = 3) -> float:
    """Median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--parse-sample", type=int, default=200, help="records parsed with the html parser")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    root = Path(args.benchmarks) / "warc-samples"
    if not root.is_dir():
        print(f"no warc-samples under {args.benchmarks}", file=sys.stderr)
        return 1

    agree = agreement(root)
    trunc = truncation(root / "sample-0000.warc.gz")

    with tempfile.TemporaryDirectory(prefix="nc-warc-bench-") as tmp:
        path = Path(tmp) / "synthetic.warc.gz"
        n, payload_bytes = synthetic_warc(root, args.records, path)
        speed = []
        for name, fn in LIBRARIES.items():

            def run(fn: Callable[[Any], Any] = fn) -> None:
                with open(path, "rb") as fh:
                    fn(fh)

            secs = timed(run)
            speed.append([name, n, secs, n / secs, payload_bytes / secs / 1e6])
        ratio = speed[0][3] / speed[1][3]

        from newscorpus_html import HtmlParser
        from newscorpus_warc import WarcReader

        from newscorpus.readers import InputUnit, Limits

        reader = WarcReader(Limits())
        unit = InputUnit(str(path), str(path))
        docs: list[Any] = []
        secs_reader = timed(lambda: docs.__setitem__(slice(None), list(reader.read(unit))))
        parser = HtmlParser(Limits())
        sample = docs[: args.parse_sample]
        parser.parse(docs[-1], "warm-up")  # first use loads dateparser's locales: not a per-page cost
        t0 = time.perf_counter()
        for i, doc in enumerate(sample):
            parser.parse(doc, f"a{i}")
        secs_parse = (time.perf_counter() - t0) / max(1, len(sample))
        read_per_doc = secs_reader / max(1, len(docs))
        share = read_per_doc / (read_per_doc + secs_parse)

    md = [
        "## WARC reading (`benchmarks/io_warc.py`)",
        "",
        "**Agreement on `warc-samples`** (response records and decoded payload bytes):",
        "",
        table(["file", "fastwarc records", "fastwarc bytes", "warcio records", "warcio bytes", "same"], agree),
        "",
        "**Truncated files** (sample-0000 cut short): records returned, how many of them are shorter than "
        "their `Content-Length`, and whether the library raised:",
        "",
        table(["form", "cut at", "library", "records", "short records", "raised"], trunc),
        "",
        f"**Throughput** on a generated CC-NEWS-like file ({n:,} gzip-member response records, "
        f"{payload_bytes / 1e6:,.0f} MB of HTML from the sample pages), iterate and read every decoded "
        "payload, median of 3 runs:",
        "",
        table(["library", "records", "seconds", "records/s", "MB/s"], speed),
        "",
        f"FastWARC reads {ratio:.1f}× as many records per second as warcio here. newscorpus's `warc` reader "
        f"(FastWARC, with the size and truncation checks) yields {len(docs) / secs_reader:,.0f} documents/s; "
        f"the `html` parser then takes {secs_parse * 1000:,.1f} ms per page, so reading is {share:.1%} of a "
        "WARC → Article run.",
        "",
        machine_line(["fastwarc", "warcio", "trafilatura"]),
    ]
    text = "\n".join(md)
    print(text)
    if not args.no_write:
        write_section("warc-reading", text, page="docs/io.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
