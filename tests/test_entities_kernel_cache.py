"""The entity reader's numba kernel: cached on disk when it can be, compiled in
process when no cache folder is writable (numba refuses ``cache=True`` then)."""

from __future__ import annotations

from typing import Any

import numba
import pytest

from newscorpus import entities

TEXT = "Presiden Joko Widodo tiba di Surabaya pada Senin.\nPrime Minister Anwar Ibrahim spoke in Kuala Lumpur."


def test_kernel_without_a_writable_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = entities.read_entities(TEXT, "id")
    assert expected, "the sample must hold names for the comparison to mean anything"
    real = numba.njit
    asked: list[bool] = []

    def njit(*args: Any, **kwargs: Any) -> Any:
        asked.append(bool(kwargs.get("cache")))
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function '_tag_lines': no locator available for file")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    entities._kernel.cache_clear()
    try:
        assert entities.read_entities(TEXT, "id") == expected
        assert asked == [True, False]
    finally:
        entities._kernel.cache_clear()  # the next caller gets the cached-on-disk kernel again
