"""Coverage-guided fuzzing of the readers and parsers with atheris (libFuzzer).

Usage::

    python tools/fuzz/run.py TARGET [libFuzzer options] [CORPUS_DIR ...]
    python tools/fuzz/run.py jsonl -max_total_time=300 /tmp/corpus-jsonl
    python tools/fuzz/run.py --list

One target per reader and parser family: ``jsonl`` (the JSONL reader, whole and
split into byte ranges), ``record`` (JSONL reader + record parser), ``text``
(text reader + plaintext parser, and ``transcode``), ``csv`` and ``parquet``
(newscorpus-tabular, through the record parser), ``feed`` (feed reader +
feed-item parser), ``html`` (html reader + parser) and ``warc`` (warc reader +
html parser). Each input is written to a file as it stands and read by the
reader, as a run reads its inputs; every document it yields goes to the parser.

The oracle is the hypothesis targets' (``tests/hostile/fuzz_checks.py``): a reader
raises nothing and yields errors as ``RawDocument.error`` with reason and detail,
keys are unique, a parser raises only ``DocumentError``, every Article built is
writable without sanitising (the module says the rest). A broken property or any
other exception is a crash: libFuzzer stops and writes the input as
``crash-<sha1>`` (``-artifact_prefix=DIR/`` puts it elsewhere); rerun it with
``python tools/fuzz/run.py TARGET crash-<sha1>``. Inputs that once broke a target
belong in ``tests/data/fuzz/TARGET/``, which the smoke test runs.

One exception to "a crash file is a failure": the Parquet reader reads a footer in
a forked copy of this process, and where pyarrow throws a C++ exception (which
aborts that child in a normal run, costing the file one ``invalid-parquet``
record), atheris's handler in the child catches it and libFuzzer writes a crash
file for the child while the target process goes on. Such a file replays clean
(exit status 0); a real crash does not.

Only newscorpus and its first-party plugins are instrumented for coverage (the
libraries they call are not: instrumenting lxml's or pyarrow's Python layers
would slow every execution for edges that are not ours). Small seed inputs are
generated at start: written into the first corpus directory given (files named
``seed-*``), or into a temporary one, removed (with the inputs libFuzzer found)
when the next run starts.
"""

from __future__ import annotations

import atexit
import contextlib
import gzip
import importlib
import io
import json
import os
import pkgutil
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris

REPO = Path(__file__).resolve().parents[2]
#: Module prefixes whose code is instrumented for coverage.
INSTRUMENTED = ("newscorpus", "newscorpus_tabular", "newscorpus_feeds", "newscorpus_html", "newscorpus_warc")

# The shared property checks live beside the hypothesis targets (tests/hostile is no package).
sys.path.insert(0, str(REPO / "tests" / "hostile"))

with atheris.instrument_imports(include=list(INSTRUMENTED)):
    from newscorpus.parsers.plaintext import PlainTextParser
    from newscorpus.parsers.record import RecordParser
    from newscorpus.readers.base import Limits
    from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE
    from newscorpus.readers.text import TextReader

    def _import_tree(package: str) -> Any:
        """``package`` and every submodule (modules imported lazily by a reader
        would otherwise escape the instrumenting import hook); ``None`` when the
        plugin is not installed."""
        try:
            pkg = importlib.import_module(package)
        except ImportError:
            return None
        for info in pkgutil.walk_packages(pkg.__path__, f"{package}."):
            with contextlib.suppress(ImportError):  # an optional dependency of one module (hf: datasets)
                importlib.import_module(info.name)
        return pkg

    for _core in ("newscorpus.readers", "newscorpus.parsers"):
        _import_tree(_core)
    tabular, feeds, html, warc = (_import_tree(f"newscorpus_{name}") for name in ("tabular", "feeds", "html", "warc"))

import fuzz_checks  # type: ignore[import-not-found]  # noqa: E402  (found through sys.path, set above)

CORE_LIMITS: Limits = fuzz_checks.CORE_LIMITS
PLUGIN_LIMITS: Limits = fuzz_checks.PLUGIN_LIMITS
#: The split check's limits, as the hypothesis target's: ranges, not sizes, are under test.
SPLIT_LIMITS = Limits(max_document_bytes=10_000)
#: Encodings of the text target: the first byte of the input picks one.
TEXT_ENCODINGS = ("auto", "utf-8", "cp1252", "latin-1")


class Workspace:
    """The folder each input is written into, as the file a reader reads.

    libFuzzer ends the process with C ``exit()``, which runs no Python clean-up,
    so the folder is named after the process id and the folders of processes
    that are gone are removed when the next one starts."""

    PREFIX = "newscorpus-fuzz-"

    def __init__(self) -> None:
        tmp = Path(tempfile.gettempdir())
        for old in tmp.glob(f"{self.PREFIX}*"):
            pid = old.name.removeprefix(self.PREFIX)
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
        self.root = tmp / f"{self.PREFIX}{os.getpid()}"
        self.root.mkdir(exist_ok=True)
        atexit.register(self._remove, os.getpid())  # exits through Python (errors)

    def _remove(self, owner: int) -> None:
        # Not from a forked child (the Parquet reader's footer probe): the folder is the parent's.
        if os.getpid() == owner:
            shutil.rmtree(self.root, ignore_errors=True)

    def write(self, name: str, data: bytes) -> str:
        """Write ``data`` as ``name`` (replacing the previous input) and return its path."""
        path = self.root / name
        path.write_bytes(data)
        return str(path)

    def fresh(self, suffix: str, data: bytes) -> str:
        """Write ``data`` under a name never used before: the Parquet reader caches
        footers per (path, size, mtime), and two inputs of one size written within
        the filesystem's timestamp granularity would share an entry."""
        for old in self.root.glob(f"*{suffix}"):
            old.unlink()
        return self.write(f"{uuid.uuid4().hex}{suffix}", data)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


WORK = Workspace()


def target_jsonl(data: bytes) -> None:
    """JSONL reader: one document per non-blank line, whole and from split ranges."""
    path = WORK.write("x.jsonl", data)
    fuzz_checks.check_jsonl(path, data, CORE_LIMITS)
    fuzz_checks.check_jsonl_split(path, data, SPLIT_LIMITS)


def target_record(data: bytes) -> None:
    """JSONL reader + record parser: every record read is built or refused."""
    path = WORK.write("x.jsonl", data)
    parser = RecordParser(CORE_LIMITS)
    for doc in fuzz_checks.check_jsonl(path, data, CORE_LIMITS):
        if doc.error is None:
            fuzz_checks.parse_record_checked(parser, doc)


def target_text(data: bytes) -> None:
    """Text reader (encoding picked by the first byte) + plaintext parser, and transcode."""
    encoding = TEXT_ENCODINGS[data[0] % len(TEXT_ENCODINGS)] if data else "auto"
    body = data[1:]
    fuzz_checks.check_transcode(body)
    path = WORK.write("x.txt", body)
    docs = fuzz_checks.read_checked(TextReader(CORE_LIMITS, encoding=encoding), path)
    assert len(docs) == 1, len(docs)  # one document per file, read or refused
    if docs[0].error is None:
        fuzz_checks.parse_checked(PlainTextParser(CORE_LIMITS), docs[0])


def target_csv(data: bytes) -> None:
    """CSV reader + record parser."""
    path = WORK.write("x.csv", data)
    parser = RecordParser(PLUGIN_LIMITS)
    for doc in fuzz_checks.read_checked(tabular.CsvReader(PLUGIN_LIMITS), path):
        if doc.error is None:
            assert doc.media_type == RECORD_MEDIA_TYPE, doc.media_type
            fuzz_checks.parse_record_checked(parser, doc)


def target_parquet(data: bytes) -> None:
    """Parquet reader (footer read in a forked child) + record parser."""
    path = WORK.fresh(".parquet", data)
    parser = RecordParser(PLUGIN_LIMITS)
    for doc in fuzz_checks.read_checked(tabular.ParquetReader(PLUGIN_LIMITS), path):
        if doc.error is None:
            fuzz_checks.parse_record_checked(parser, doc)
        else:
            assert doc.error.reason in fuzz_checks.PARQUET_READ_REASONS, doc.error


def target_feed(data: bytes) -> None:
    """Feed reader (RSS, Atom, RDF, JSON Feed: sniffed from the bytes) + feed-item parser."""
    path = WORK.write("x.xml", data)
    parser = feeds.FeedItemParser(PLUGIN_LIMITS)
    for doc in fuzz_checks.read_checked(feeds.FeedReader(PLUGIN_LIMITS), path):
        if doc.error is None:
            fuzz_checks.check_fields_json(doc)
            fuzz_checks.parse_checked(parser, doc)


def target_html(data: bytes) -> None:
    """HTML reader + parser (trafilatura and the metadata extractors)."""
    path = WORK.write("x.html", data)
    docs = fuzz_checks.read_checked(html.HtmlReader(PLUGIN_LIMITS), path)
    assert len(docs) == 1, len(docs)
    if docs[0].error is None:
        fuzz_checks.parse_checked(html.HtmlParser(PLUGIN_LIMITS), docs[0])


def target_warc(data: bytes) -> None:
    """WARC reader + html parser for the captures it yields as pages."""
    path = WORK.write("x.warc", data)
    parser = html.HtmlParser(PLUGIN_LIMITS)
    for doc in fuzz_checks.read_checked(warc.WarcReader(PLUGIN_LIMITS), path):
        if doc.error is None and doc.media_type in parser.media_types:
            fuzz_checks.parse_checked(parser, doc)


# -- seeds -----------------------------------------------------------------------------------------

#: A paragraph under the core targets' 120-character line limit.
SHORT = "Harga beras naik di ibu kota setelah hujan deras, kata pemerintah pada hari Senin."
BODY = ("Pemerintah mengatakan pada hari Senin bahwa harga beras naik di ibu kota setelah hujan deras. "
        "Warga akan bertemu dengan pejabat kota untuk membahas pasokan.")
PAGE = (b'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Harga beras naik | Kabar</title>'
        b'<meta name="author" content="Siti Rahmawati">'
        b'<meta property="article:published_time" content="2025-02-04T10:00:00+07:00">'
        b'<link rel="canonical" href="https://news.example.org/2025/02/04/beras"></head><body>'
        b"<nav><a href='/'>Home</a></nav><article><h1>Harga beras naik</h1><p>Oleh Siti Rahmawati</p>"
        + b"".join(b"<p>" + BODY.encode() + b" &amp; &#x1F4F0; &nbsp;</p>" for _ in range(3))
        + b"<p>Baca juga: Harga cabai turun</p></article><script>var x = '<p>no</p>';</script></body></html>")


def _parquet_seeds() -> dict[str, bytes]:
    if tabular is None:
        return {}
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(table: Any, **kw: Any) -> bytes:
        buf = io.BytesIO()
        pq.write_table(table, buf, **kw)
        return buf.getvalue()

    return {
        "basic": write(pa.table({"title": ["Harga beras naik", None, "Third"], "body": [BODY, "Short.", None],
                                 "date": ["2025-02-04", "4 Februari 2025", "bogus"], "n": [1.5, float("nan"), None]}),
                       row_group_size=2),
        "types": write(pa.table({"text": [BODY, BODY], "published": pa.array([1_700_000_000, None],
                                                                             type=pa.timestamp("s")),
                                 "authors": pa.array([["A", "B"], None], type=pa.list_(pa.string())),
                                 "meta": pa.array([{"a": 1, "b": "x"}, None],
                                                  type=pa.struct([("a", pa.int64()), ("b", pa.string())])),
                                 "raw": pa.array([b"\xff\x00", b"ok"], type=pa.binary())}),
                       compression="snappy"),
        "dictionary": write(pa.table({"title": pa.array(["a", "b", "a"]).dictionary_encode(),
                                      "body": [BODY, BODY, BODY]}), use_dictionary=True, compression="none"),
    }


def seeds(target: str) -> dict[str, bytes]:
    """Small valid (and a few hostile) inputs of ``target``, to start the fuzzer
    from inputs that reach past the first format checks."""
    # Core inputs stay under CORE_LIMITS (300 bytes a document, 120 characters a line), so
    # that the seeds reach the parser; the fuzzer grows them past the limits itself.
    record = json.dumps({"title": "Harga beras naik", "body": f"{SHORT}\n\n{SHORT[:40]}", "date": "4 Februari 2025",
                         "authors": ["Siti"], "url": "https://e.org/a", "x": [1, 2.5, None]}).encode()
    if target in ("jsonl", "record"):
        return {"records": b"\n".join([record, b'{"text": "' + SHORT.encode() + b'", "published": 1700000000}',
                                       b"", b'{"title": NaN, "body": "\\ud800 x"}', b"[1, 2]", b"{broken"]) + b"\n",
                "deep": b'{"a": ' + b"[" * 50 + b"]" * 50 + b', "body": "words and more words"}\n' + record + b"\n",
                "crlf": record + b"\r\n" + record + b"\r\n"}
    if target == "text":
        text = f"Harga beras naik\n\nOleh Siti Rahmawati\n\n{SHORT}\n\n{SHORT[:60]}\n\nBaca juga: Harga cabai\n"
        return {"utf8": b"\x01" + text.encode(), "auto": b"\x00" + text.encode("utf-8-sig"),
                "cp1252": b"\x02" + "Caf\xe9 \u201cquoted\u201d \u2014 dash\n\nsecond para".encode("cp1252"),
                "utf16": b"\x00" + text[:100].encode("utf-16"), "crlf": b"\x00" + text.replace("\n", "\r\n").encode()}
    if target == "csv":
        rows = ('title,body,date,authors,url,x\n"Harga beras naik","' + BODY + '",2025-02-04,"[\'A\', \'B\']",'
                'https://e.org/1,1e309\nSecond,"Line one\nline ""two""",4 Februari 2025,Budi,,NaN\n')
        return {"utf8": rows.encode(), "bom": rows.encode("utf-8-sig"), "semicolon": rows.replace(",", ";").encode(),
                "cp1252": "title,body\nCaf\xe9,\u201cx\u201d y z\n".encode("cp1252")}
    if target == "parquet":
        return _parquet_seeds()
    if target == "feed":
        long = f"{BODY} {BODY} {BODY}"  # an item's text long enough to be an article, not a teaser
        rss = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Kabar</title>'
               '<language>id</language><item><title>Harga beras naik</title><link>https://e.org/1</link>'
               f"<description>&lt;p&gt;{long}&lt;/p&gt;</description><pubDate>Mon, 03 Feb 2025 10:00:00 +0700"
               "</pubDate><author>siti@e.org (Siti)</author><category>ekonomi</category></item></channel></rss>")
        atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry>'
                "<title>Harga</title><id>urn:1</id><updated>2025-02-04T10:00:00Z</updated>"
                f'<author><name>Siti</name></author><content type="html">&lt;p&gt;{long}&lt;/p&gt;</content>'
                '<link href="https://e.org/2"/></entry></feed>')
        rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><item '
               'rdf:about="https://e.org/3"><title>T</title><link>https://e.org/3</link>'
               f"<description>{long}</description><dc:date>2025-02-04</dc:date></item></rdf:RDF>")
        jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "language": "id",
                               "items": [{"id": "1", "url": "https://e.org/4", "title": "Harga",
                                          "content_html": f"<p>{long}</p>", "date_published": "2025-02-04T10:00:00Z",
                                          "authors": [{"name": "Siti"}], "tags": ["x"]},
                                         {"id": "2", "content_text": long, "summary": "s"}]})
        return {"rss": rss.encode(), "atom": atom.encode(), "rdf": rdf.encode(), "jsonfeed": jsonfeed.encode(),
                "entities": ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "x">]><rss><channel><item><title>&e;'
                             f"&#xD800;&bogus;</title><description>{long}</description></item></channel></rss>")
                .encode()}
    if target == "html":
        return {"page": PAGE, "cp1252": PAGE.replace(b"utf-8", b"windows-1252").replace(b"&amp;", b"\xe9"),
                "utf16": PAGE.decode().encode("utf-16"), "bare": b"<p>" + BODY.encode() + b"</p>",
                "gzip": gzip.compress(PAGE)}
    if target == "warc":
        one = fuzz_checks.warc_record("https://news.example.org/1", PAGE)
        two = fuzz_checks.warc_record("https://news.example.org/2", PAGE.replace(b"utf-8", b"bogus"), "text/html")
        return {"plain": one + two, "gz": gzip.compress(one) + gzip.compress(two),
                "image": fuzz_checks.warc_record("https://news.example.org/i.png", b"\x89PNG\r\n", "image/png")}
    raise KeyError(target)


PLUGINS: dict[str, Any] = {"newscorpus-tabular": tabular, "newscorpus-feeds": feeds, "newscorpus-html": html,
                           "newscorpus-warc": warc}
#: Target name -> (function, the plugins it needs).
TARGETS: dict[str, tuple[Callable[[bytes], None], tuple[str, ...]]] = {
    "jsonl": (target_jsonl, ()),
    "record": (target_record, ()),
    "text": (target_text, ()),
    "csv": (target_csv, ("newscorpus-tabular",)),
    "parquet": (target_parquet, ("newscorpus-tabular",)),
    "feed": (target_feed, ("newscorpus-feeds",)),
    "html": (target_html, ("newscorpus-html",)),
    "warc": (target_warc, ("newscorpus-warc", "newscorpus-html")),
}


def _corpus(args: list[str], target: str) -> list[str]:
    """libFuzzer's arguments with the seeds written into the first corpus
    directory (a temporary one when none is given). A file argument (a crash to
    reproduce) is passed on untouched, without seeds."""
    positional = [a for a in args if not a.startswith("-")]
    if any(os.path.isfile(a) for a in positional):
        return args
    if not positional:
        folder = str(WORK.root / "corpus")
        os.makedirs(folder, exist_ok=True)
        args = [*args, folder]
    else:
        folder = positional[0]
        os.makedirs(folder, exist_ok=True)
    for name, data in seeds(target).items():
        Path(folder, f"seed-{name}").write_bytes(data)
    return args


def main(argv: list[str]) -> int:
    """Run the target named by ``argv[1]`` under libFuzzer; the rest of ``argv``
    is libFuzzer's."""
    if len(argv) < 2 or argv[1] not in TARGETS:
        if argv[1:2] != ["--list"]:
            print((__doc__ or "").strip(), file=sys.stderr)
        print("targets: " + ", ".join(TARGETS), file=sys.stderr)
        return 0 if argv[1:2] == ["--list"] else 2
    target = argv[1]
    function, needs = TARGETS[target]
    missing = [name for name in needs if PLUGINS[name] is None]
    if missing:
        print(f"target {target!r} needs {' and '.join(missing)}, which is not installed", file=sys.stderr)
        return 2
    atheris.Setup([argv[0], *_corpus(argv[2:], target)], function)
    atheris.Fuzz()
    return 0  # not reached: libFuzzer exits the process


if __name__ == "__main__":
    sys.exit(main(sys.argv))
