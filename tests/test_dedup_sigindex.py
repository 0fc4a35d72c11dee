"""The signature files' index: each position's line found by offset, and verify's
partial reads give the signatures a full parse gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newscorpus.config import config_from_dict
from newscorpus.pipeline import Pipeline
from newscorpus.stages.dedup import SIG_INDEX_DTYPE, _load_sigs


def records(n: int) -> list[dict[str, str]]:
    story = " ".join(f"word{k}" for k in range(80))
    out = []
    for i in range(n):  # every third article repeats the one before (near copies to verify)
        body = story if i % 3 else f"{story} story {i} " + " ".join(f"x{i}y{k}" for k in range(40))
        out.append({"id": f"r{i}", "title": f"Title {i // 3}", "body": body, "language": "en",
                    "published": f"2024-01-{1 + i % 28:02d}", "source": f"Outlet {i % 4}"})
    return out


def test_index_points_at_every_line_and_partial_reads_match(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records(60)), encoding="utf-8")
    out = tmp_path / "out"
    Pipeline(config_from_dict({"execution": {"shards": 3, "workers": 1}})).run([str(src)], out)  # the API keeps work/
    sig_files = sorted((out / "work" / "dedup").glob("*/sig/*.jsonl"))
    assert len(sig_files) >= 3
    for path in sig_files:
        index = np.load(path.with_name(path.name.replace(".jsonl", ".idx.npy")))
        assert index.dtype == SIG_INDEX_DTYPE
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        assert len(index) == len(lines)
        for (pos, offset, length), line in zip(index.tolist(), lines, strict=True):
            assert data[offset:offset + length] == line
            assert json.loads(line)["m"]["pos"] == pos
        full = _load_sigs(path)
        some = set(list(full)[::2]) | {10_000}  # a position without a signature is just absent
        assert _load_sigs(path, some) == {p: c for p, c in full.items() if p in some}
