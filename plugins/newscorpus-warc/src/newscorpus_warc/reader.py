"""The ``warc`` reader: response (and resource) records of WARC files.

Built on FastWARC (``benchmarks/io_warc.py`` measured it against warcio; see
``docs/io.md``). Each record is checked before it is used: a record larger than
``read.limits.max_document_bytes`` is quarantined without being read, a record
whose block is shorter than its ``Content-Length`` (a truncated download) is
quarantined as ``truncated-record``, and a stream that breaks mid-file ends the
file with one ``bad-warc`` record -- the records before it are kept.
"""

from __future__ import annotations

import datetime as dt
import mmap
import os
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from newscorpus.errors import DocumentError
from newscorpus.options import option
from newscorpus.readers import InputUnit, RawDocument, Reader

__all__ = ["WarcReader"]

#: Media types handed to parsers by default (others are quarantined as ``not-html``).
DEFAULT_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _header(rec: WarcRecord, name: str) -> str | None:
    value = rec.headers.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _target_uri(rec: WarcRecord) -> str | None:
    uri = _header(rec, "WARC-Target-URI")
    return uri.strip("<>") if uri else None  # WARC/1.0 writers (wget) wrap it in <>


def record_starts(path: str) -> Iterator[int]:
    """Byte offsets where a WARC record starts in ``path``: each ``WARC/1.x`` line
    at a record boundary of an uncompressed file, or each gzip member that
    decompresses to one. Found by scanning, independent of Content-Length, so a
    record with a wrong length cannot hide the ones after it."""
    with open(path, "rb") as fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            return
        with data:
            gz = data[:2] == b"\x1f\x8b"
            needle = b"\x1f\x8b\x08" if gz else b"WARC/1."
            pos = data.find(needle)
            while pos >= 0:
                if gz:
                    try:
                        head = zlib.decompressobj(31).decompress(data[pos:pos + 512], 16)
                    except zlib.error:
                        head = b""
                    if head.startswith(b"WARC/1."):
                        yield pos
                elif pos == 0 or data[pos - 1:pos] == b"\n":
                    yield pos
                pos = data.find(needle, pos + 1)


def _parse_day(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class WarcReader(Reader):
    """Reads HTML captures from WARC files (``*.warc``, ``*.warc.gz``; Common
    Crawl CC-NEWS included), streaming one record at a time.

    Every ``response`` record with a 2xx HTTP status (and every ``resource``
    record) whose media type is in ``media_types`` becomes a raw document with
    the decoded HTTP payload (chunked transfer and gzip/deflate/brotli content
    encodings undone) and fields ``url`` (``WARC-Target-URI``), ``fetched``
    (``WARC-Date``), ``content_type``, ``charset``, ``warc_record_id`` and
    ``http_status``; the ``html`` parser turns them into Articles with
    ``provenance.url``/``fetched`` set. The record locator is the record's byte
    offset in the file (the offset CDX indexes use), so ids are stable.

    Other response records are quarantined with a reason (``http-status``,
    ``not-html``), so the report accounts for every capture; ``request``,
    ``metadata``, ``revisit`` and ``warcinfo`` records are not documents and are
    skipped, and so are ``resource`` records that are not web captures (a
    crawler's own log, ``metadata://...``).

    Options:
        media_types: Media types to keep (default ``text/html``,
            ``application/xhtml+xml``).
        skip_other: Skip other media types and non-2xx responses silently
            instead of quarantining them (default ``false``).
        hosts: Keep only these hosts (and their subdomains), e.g. ``[bbc.co.uk]``.
        since, until: Keep only captures with ``WARC-Date`` in this range (ISO
            dates, inclusive; CC-NEWS filtering by day).
    """

    name = "warc"

    @attrs.frozen
    class Options:
        """Options of the ``warc`` reader."""

        media_types: tuple[str, ...] = option(tuple(DEFAULT_MEDIA_TYPES), "Media types to keep.")
        skip_other: bool = option(False, "Skip other media types and non-2xx responses silently.")
        hosts: tuple[str, ...] = option((), "Keep only these hosts and their subdomains.")
        since: str | dt.date | None = option(None, "Keep only captures from this ISO date on.")
        until: str | dt.date | None = option(None, "Keep only captures up to this ISO date (inclusive).")
    patterns = ("*.warc", "*.warc.gz")

    def __init__(self, limits: Any = None, **options: Any) -> None:
        super().__init__(limits, **options)
        self.media_types = tuple(str(m).lower() for m in options.get("media_types", DEFAULT_MEDIA_TYPES))
        self.skip_other = bool(options.get("skip_other", False))
        self.hosts = tuple(str(h).lower().lstrip(".") for h in options.get("hosts") or ())
        self.since = _parse_day(str(options["since"])) if options.get("since") else None
        until = _parse_day(str(options["until"])) if options.get("until") else None
        self.until = until + dt.timedelta(days=1) if until and len(str(options["until"])) <= 10 else until

    def _wanted(self, url: str | None, date: str | None) -> bool:
        if self.hosts:
            host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", (url or "").lower()).split("/")[0].split(":")[0]
            if not any(host == h or host.endswith("." + h) for h in self.hosts):
                return False
        if self.since or self.until:
            when = _parse_day(date)
            if when is None or (self.since and when < self.since) or (self.until and when >= self.until):
                return False
        return True

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        rel = unit.relpath
        limit = self.limits.max_document_bytes

        def error(offset: int, reason: str, detail: str, fields: dict[str, Any] | None = None,
                  suffix: str = "") -> RawDocument:
            return RawDocument(unit.path, offset, f"{rel}#{offset}{suffix}", self.name, media_type="text/html",
                               fields=fields or {}, error=DocumentError(reason, detail))

        seen: set[int] = set()
        breaks: dict[int, str] = {}  # last good record -> why the stream broke after it
        # Byte ranges records read without a break span (a record up to the next one
        # read after it; the last of a scan that reached the end up to the end).
        spans: list[tuple[int, int]] = []
        size = os.path.getsize(unit.path)

        def scan(pos: int, inside: bool = False) -> Iterator[RawDocument]:
            """Read records from ``pos`` until the stream ends, breaks, or reaches
            records already read; a break is quarantined at the last good record.
            ``inside``: ``pos`` lies within a record read whole, so if nothing can be
            read there it was that record's payload (a page quoting a WARC header),
            not a lost record."""
            last = None
            try:
                with open(unit.path, "rb") as fh:
                    fh.seek(pos)
                    # Every record type is iterated (the unwanted skipped here) so that
                    # each record start is marked seen and a gap shows what was lost.
                    for rec in ArchiveIterator(fh, parse_http=False, fsspec_args=False):
                        offset = int(rec.stream_pos)
                        if last is not None:
                            spans.append((last, offset))
                        if offset in seen:
                            return
                        seen.add(offset)
                        last = offset
                        if rec.record_type not in (WarcRecordType.response, WarcRecordType.resource):
                            continue
                        doc = self._record(unit, rel, rec, offset, limit, error)
                        if doc is not None:
                            yield doc
                if last is not None:
                    spans.append((last, size))
            except (OSError, ValueError) as exc:
                if not (inside and last is None):
                    breaks[last if last is not None else pos] = str(exc)

        yield from scan(0)
        # Record starts FastWARC did not reach (garbage between records, a wrong
        # Content-Length, a corrupt gzip member): reading resumes at each, so one bad
        # record does not lose the captures after it.
        for start in record_starts(unit.path):
            if start not in seen:
                yield from scan(start, inside=any(a < start < b for a, b in spans))
        # One quarantined entry per place the stream broke, anchored at the last
        # record read before it (a resumed start that read nothing joins that gap).
        lost: dict[int, list[str]] = {}
        for at, cause in sorted(breaks.items()):
            lost.setdefault(max((o for o in seen if o <= at), default=0), []).append(cause)
        for anchor, causes in lost.items():
            resumed = min((o for o in seen if o > anchor), default=None)
            where = f"reading resumed at byte {resumed}" if resumed is not None else "the rest of the file is lost"
            yield error(anchor, "bad-warc", f"the WARC stream could not be read after the record at byte {anchor} "
                        f"({'; '.join(dict.fromkeys(causes))}); {where}", suffix="+gap")

    def _record(self, unit: InputUnit, rel: str, rec: WarcRecord, offset: int, limit: int,
                error: Callable[..., RawDocument]) -> RawDocument | None:
        url, date = _target_uri(rec), _header(rec, "WARC-Date")
        if rec.record_type == WarcRecordType.resource and not re.match(r"(?i)^(https?|ftp)://", url or ""):
            return None  # crawler logs and configs stored as resources (metadata://...), not captures
        if not self._wanted(url, date):
            return None
        fields: dict[str, Any] = {"url": url, "fetched": date, "warc_record_id": _header(rec, "WARC-Record-ID")}
        if url is None or _header(rec, "Content-Length") is None:
            # A header cut short (the file ends inside it) or a malformed record.
            return error(offset, "truncated-record", "the record's WARC header is incomplete "
                         "(no WARC-Target-URI or Content-Length)", fields)
        declared = int(rec.content_length)
        if declared > limit + 65_536:  # headers on top of a page of the largest allowed size
            return error(offset, "too-large", f"record of {declared:,} bytes exceeds read.limits.max_document_bytes "
                         f"({limit:,}): {url}", fields)
        rec.freeze()
        if rec.content_length < declared:
            return error(offset, "truncated-record", f"the record declares {declared:,} bytes but the file ends after "
                         f"{rec.content_length:,}: {url}", fields)
        if rec.record_type == WarcRecordType.response:
            try:
                rec.parse_http(auto_decode="all")
            except (OSError, ValueError) as exc:
                return error(offset, "bad-http", f"the HTTP response cannot be parsed ({exc}): {url}", fields)
            headers = rec.http_headers
            status = int(headers.status_code) if headers is not None and headers.status_code else 0
            content_type = (headers.get("Content-Type") if headers is not None else None) or ""
            fields["http_status"] = status
            if status == 0:
                return error(offset, "bad-http", f"the response has no HTTP status line: {url}", fields)
            if not 200 <= status < 300:
                return None if self.skip_other else error(
                    offset, "http-status", f"HTTP {status} is not a page capture: {url}", fields)
        else:
            content_type = _header(rec, "Content-Type") or ""
        media_type = content_type.split(";")[0].strip().lower()
        try:
            payload = rec.reader.read(limit + 1)
        except (OSError, ValueError) as exc:
            return error(offset, "bad-encoding", f"the payload cannot be decoded ({exc}): {url}", fields)
        if not media_type and payload.lstrip()[:1] == b"<":
            media_type = "text/html"  # no Content-Type: sniff markup
        if media_type not in self.media_types:
            return None if self.skip_other else error(
                offset, "not-html", f"media type {media_type or 'unknown'!r} is not one of {list(self.media_types)}: "
                f"{url}", fields)
        if len(payload) > limit:
            return error(offset, "too-large", f"the decoded page exceeds read.limits.max_document_bytes "
                         f"({limit:,}): {url}", fields)
        m = _CHARSET.search(content_type)
        fields["content_type"] = content_type
        if m:
            fields["charset"] = m.group(1)
        return RawDocument(unit.path, offset, f"{rel}#{offset}", self.name, media_type=media_type, data=payload,
                           fields=fields)
