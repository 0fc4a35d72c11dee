"""workdir's msgspec JSON path writes and reads exactly what the stdlib did.

``dumps_json`` must give the bytes of ``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))`` (the exports are copied from work files byte for byte),
with the same sanitising of NaN, lone surrogates and huge integers; ``loads_json``
must give the value and the errors of ``json.loads``.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.workdir import AtomicWriter, _clean, dumps_json, iter_jsonl, loads_json

ROOT = Path(__file__).resolve().parents[1]


def stdlib_dumps(obj: Any) -> tuple[bytes, dict[str, int]]:
    """``dumps_json`` as it was before msgspec (c6ffca4), the reference."""
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8"), {}
    except (ValueError, UnicodeEncodeError):
        reasons: Counter[str] = Counter()
        clean = _clean(obj, reasons)
        if isinstance(obj, dict) and isinstance(clean.get("flags"), list) and "id" in clean:
            clean["flags"].append({"name": "sanitised_json", "plugin": "newscorpus",
                                   "detail": "values JSON cannot hold were replaced: "
                                   + ", ".join(f"{k} x{v}" for k, v in sorted(reasons.items())),
                                   "positions": []})
        return json.dumps(clean, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8"), reasons


# Every code point, lone surrogates included; floats of every magnitude, NaN and
# infinities; integers far past 64 bits; non-str keys the stdlib converts.
texts = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=20)
huge = st.sampled_from([10**200, -(10**300), 2**64, -(2**63) - 1])
scalars = (st.none() | st.booleans() | texts | st.floats()
           | st.integers(min_value=-(2**80), max_value=2**80) | huge)
keys = texts | st.integers(-5, 5) | st.booleans() | st.none() | st.floats(allow_nan=False)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=25)


@settings(max_examples=1500, deadline=None)
@given(values)
def test_dumps_json_is_the_stdlib_bytes(value: Any) -> None:
    assert dumps_json(value) == stdlib_dumps(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_prints_as_repr(x: float) -> None:
    assert dumps_json([x, {"s": x}])[0] == f"[{x!r},{{\"s\":{x!r}}}]".encode()


def test_float_range_edges() -> None:
    for x in (1e-4, math.nextafter(1e-4, 0), 1e16, math.nextafter(1e16, 0), 5e-324, sys.float_info.max, -0.0):
        assert dumps_json(x)[0] == repr(x).encode()


def test_an_article_with_nan_is_flagged_as_before() -> None:
    article = {"id": "a", "flags": [], "extras": {"x": math.nan, "y": "\ud800"}}
    line, reasons = dumps_json(article)
    assert (line, reasons) == stdlib_dumps(article)
    assert reasons == {"non-finite-number": 1, "lone-surrogate": 1}
    assert b"sanitised_json" in line


@settings(max_examples=1500, deadline=None)
@given(values)
def test_loads_json_is_json_loads(value: Any) -> None:
    for text in (json.dumps(value, ensure_ascii=False), json.dumps(value)):  # NaN, escapes, huge ints
        assert repr(loads_json(text.encode("utf-8", "surrogatepass"))) == repr(
            json.loads(text.encode("utf-8", "surrogatepass")))


@pytest.mark.parametrize("bad", [b"", b"[1,", b"{'a': 1}", b'"\xff"', b"\xff"])
def test_loads_json_raises_what_json_loads_raises(bad: bytes) -> None:
    with pytest.raises(ValueError) as ours:
        loads_json(bad)
    with pytest.raises(ValueError) as theirs:
        json.loads(bad)
    assert type(ours.value) is type(theirs.value)


def test_loads_json_reads_what_only_the_stdlib_reads() -> None:
    assert loads_json(b"1e400") == math.inf
    assert math.isnan(loads_json(b"NaN"))
    assert loads_json("\ufeff{}".encode()) == {}
    assert loads_json(b"123456789012345678901234567890") == 123456789012345678901234567890


def test_seed_articles_written_and_read_unchanged(tmp_path: Path) -> None:
    """Real articles (the seeds, through the whole pipeline): the writer's bytes are
    the stdlib's and the reader gives back the same dicts."""
    from newscorpus.pipeline import run

    run([str(ROOT / "seeds")], tmp_path / "out")
    lines = (tmp_path / "out" / "articles.jsonl").read_bytes().splitlines()
    assert lines
    dicts = [json.loads(line) for line in lines]
    w = AtomicWriter(tmp_path / "a.jsonl")
    for d in dicts:
        w.write_json(d)
    w.commit()
    assert (tmp_path / "a.jsonl").read_bytes() == b"".join(stdlib_dumps(d)[0] + b"\n" for d in dicts)
    assert (tmp_path / "a.jsonl").read_bytes().splitlines() == lines
    assert list(iter_jsonl(tmp_path / "a.jsonl")) == dicts
