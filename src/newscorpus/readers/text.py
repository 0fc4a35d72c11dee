"""Reading one-document files: plain text (optionally gzip-compressed)."""

from __future__ import annotations

import codecs
import gzip
import os
import zlib
from collections.abc import Iterator
from typing import Any

import attrs

from ..errors import ConfigError, DocumentError
from ..options import option
from .base import InputUnit, Limits, RawDocument, Reader

__all__ = ["TextReader", "read_bounded", "transcode"]


def read_bounded(path: str, limit: int, setting: str = "read.limits.max_document_bytes") -> bytes:
    """Read ``path`` whole, decompressing ``.gz``, refusing more than ``limit`` bytes.

    A decompression bomb stops after ``limit + 1`` bytes instead of filling memory.
    Readers of every plugin share this, so a limit error reads the same everywhere.

    Args:
        path: the file.
        limit: most bytes accepted (after decompression).
        setting: the configuration key that sets ``limit``, named in the error.

    Raises:
        DocumentError: ``too-large`` when the (decompressed) file exceeds ``limit``,
            ``bad-compression`` when the compressed stream is broken.
    """
    if path.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise DocumentError("bad-compression", f"cannot decompress: {exc}") from None
        if len(data) > limit:
            raise DocumentError("too-large", f"more than {setting} ({limit:,} bytes) once decompressed")
        return data
    size = os.path.getsize(path)
    if size > limit:
        raise DocumentError("too-large", f"{size:,} bytes exceeds {setting} ({limit:,})")
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # the file grew while we read it
        raise DocumentError("too-large", f"more than {setting} ({limit:,} bytes)")
    return data


def transcode(data: bytes, encoding: str) -> tuple[bytes, str | None]:
    """``data`` as UTF-8 and the encoding it was read in (``None``: it already was
    UTF-8, or holds a NUL byte and is left for the parser to refuse as binary).

    Args:
        data: The file's bytes.
        encoding: ``auto`` (charset-normalizer guesses) or a codec name (``cp1252``).

    Raises:
        DocumentError: ``invalid-encoding`` when the bytes are not text in
            ``encoding`` or no encoding fits them.
    """
    try:
        data.decode("utf-8")
        return data, None
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192]:
        return data, None
    if encoding == "auto":
        from charset_normalizer import from_bytes

        found = from_bytes(data)
        best = found.best()
        if best is None:
            raise DocumentError("invalid-encoding", "not UTF-8, and charset-normalizer found no encoding that "
                                "reads it as text")
        # Short Latin text often reads equally well in cp1250, cp1252 and cp1257
        # (same score); cp1252 is then the likely one (the web's default for Latin
        # text, what browsers use for ISO-8859-1), not the first in the list.
        tied = {m.encoding for m in found if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
        encoding = "cp1252" if "cp1252" in tied else best.encoding
    try:
        return data.decode(encoding).encode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        raise DocumentError("invalid-encoding", f"not {encoding} text: byte {exc.start} "
                            f"({data[exc.start:exc.start + 4]!r}) cannot be read in it") from None


class TextReader(Reader):
    """One plain-text article per file (``*.txt``, ``*.text``, ``*.txt.gz``).

    It is also the fallback for files no other reader claims: a binary or
    undecodable file then ends up quarantined with a reason instead of ignored.

    Options:
        encoding: ``utf-8`` (the default: anything else is quarantined as
            ``invalid-utf8`` with the byte offset), ``auto`` (a file that is not
            UTF-8 is decoded in the encoding charset-normalizer finds) or a codec
            name (``cp1252``) used for every file that is not UTF-8. Files that
            are valid UTF-8 are always read as UTF-8.
    """

    name = "text"
    patterns = ("*.txt", "*.text", "*.txt.gz")

    @attrs.frozen
    class Options:
        """Options of the ``text`` reader."""

        encoding: str = option("utf-8", "Encoding of files that are not UTF-8: `utf-8` (quarantine them), `auto` "
                                        "(charset-normalizer guesses) or a codec name (`cp1252`).")

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(limits, **options)
        encoding = str(options.get("encoding", "utf-8")).lower()
        if encoding != "auto":
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise ConfigError(f"unknown encoding {encoding!r} (use auto, utf-8 or a Python codec name)",
                                  key="read.options.text.encoding") from None
        self.encoding = encoding

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        key = f"{unit.relpath}#0"
        try:
            data = read_bounded(unit.path, self.limits.max_document_bytes)
            fields: dict[str, Any] = {}
            if self.encoding != "utf-8":
                data, used = transcode(data, self.encoding)
                if used is not None:
                    fields["encoding"] = used
        except DocumentError as exc:
            yield RawDocument(unit.path, 0, key, self.name, error=exc)
            return
        except OSError as exc:
            yield RawDocument(unit.path, 0, key, self.name, error=DocumentError("unreadable", str(exc)))
            return
        yield RawDocument(unit.path, 0, key, self.name, media_type="text/plain", data=data, fields=fields)
