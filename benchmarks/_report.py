"""Shared helpers of the benchmark scripts: machine facts and writing one section
of ``docs/performance.md`` (or another docs page) without touching the others.

Each script owns the section between ``<!-- BEGIN name -->`` and
``<!-- END name -->``; running it again replaces only that section.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import platform
import re
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCHMARKS = str(ROOT.parent / "shared" / "benchmarks")


def machine_line(packages: Iterable[str] = ()) -> str:
    """Date, CPU count, Python and package versions, as one markdown line."""
    versions = []
    for name in ("newscorpus", *packages):
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    cpu = platform.processor() or platform.machine()
    return (
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}; {', '.join(versions)}."
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table."""

    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def write_section(name: str, markdown: str, page: str = "docs/performance.md") -> Path:
    """Replace (or append) section ``name`` of ``page`` with ``markdown``."""
    path = ROOT / page
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
