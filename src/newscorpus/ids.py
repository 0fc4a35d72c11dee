"""Stable ids: the same input record gives the same id on every run and machine."""

from __future__ import annotations

import hashlib

__all__ = ["stable_id"]


def stable_id(*parts: str, size: int = 16) -> str:
    """Hex id (``size`` hex digits) from the BLAKE2b digest of ``parts``.

    Article ids hash ``relative/path#record``: independent of where the corpus lives
    and of how it is sharded, and distinct for two identical files.
    """
    h = hashlib.blake2b(digest_size=size // 2)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()
