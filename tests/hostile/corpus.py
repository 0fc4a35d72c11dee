"""Small generated inputs and configs shared by the run, write and config cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Cleaning off and JSON Lines only: the run cases test writing, not cleaning, and
#: compiling the cleaning rules and importing matplotlib cost seconds per run.
FAST_CONFIG = "clean:\n  cleaners: []\nexport:\n  exporters: [jsonl]\n"

_TOPICS = ("harbour", "railway", "library", "orchard", "stadium", "factory")


def article(i: int, **extra: Any) -> dict[str, Any]:
    """Article ``i`` as a JSONL record, sharing no topic word with other numbers."""
    topic = _TOPICS[i % len(_TOPICS)]
    body = " ".join(f"The {topic} number {i} opened on Monday after {i + 3} years of work by the town."
                    for _ in range(6))
    return {"title": f"The {topic} {i} opens", "body": body, "url": f"https://example.com/{topic}/{i}",
            "published": f"2024-05-{1 + i % 27:02d}", "language": "en", **extra}


def write_inputs(folder: Path, records: list[dict[str, Any]] | None = None, name: str = "news.jsonl") -> Path:
    """A folder holding one JSONL file of ``records`` (default: three articles)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = records if records is not None else [article(i) for i in range(3)]
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def write_config(path: Path, text: str = FAST_CONFIG) -> Path:
    """A pipeline file holding ``text``."""
    path.write_text(text, encoding="utf-8")
    return path


def cli_args(inputs: Path, output: Path, config: Path | None, *extra: str) -> list[str]:
    """``run INPUTS -o OUTPUT [-c CONFIG] -w 1 --no-progress EXTRA...``."""
    args = ["run", str(inputs), "-o", str(output), "-w", "1", "--no-progress"]
    if config is not None:
        args += ["-c", str(config)]
    return [*args, *extra]
