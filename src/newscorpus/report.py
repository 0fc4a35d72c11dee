"""The run report: every input document accounted for.

``report.json`` is public API (``docs/schema.md``). Its ``accounting`` block holds
the invariant every run keeps::

    documents == written + dropped_duplicates + quarantined
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import attrs

from .workdir import atomic_write

__all__ = ["RunReport", "merge_counters"]


def merge_counters(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum task counters; nested dicts of numbers are summed key by key."""
    out: dict[str, Any] = {}
    for item in items:
        for key, value in item.items():
            if isinstance(value, dict):
                sub = out.setdefault(key, Counter())
                if isinstance(sub, Counter):
                    sub.update({k: v for k, v in value.items() if isinstance(v, int | float)})
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = out.get(key, 0) + value
    return {k: dict(sorted(v.items())) if isinstance(v, Counter) else v for k, v in out.items()}


@attrs.frozen
class RunReport:
    """What a run did, as written to ``report.json``.

    Attributes:
        data: The report as plain data (see ``docs/schema.md``).
        path: Where it was written.
    """

    data: dict[str, Any]
    path: Path | None = None

    @property
    def accounting(self) -> dict[str, Any]:
        """``documents``, ``written``, ``dropped_duplicates``, ``quarantined``, ``balanced``."""
        return self.data["accounting"]  # type: ignore[no-any-return]

    @property
    def documents(self) -> int:
        """Input documents read."""
        return int(self.accounting["documents"])

    @property
    def written(self) -> int:
        """Articles written to the exports."""
        return int(self.accounting["written"])

    @property
    def quarantined(self) -> int:
        """Documents quarantined (see ``quarantine.jsonl``)."""
        return int(self.accounting["quarantined"])

    @property
    def balanced(self) -> bool:
        """Whether every document is accounted for."""
        return bool(self.accounting["balanced"])

    def write(self, path: Path) -> RunReport:
        """Write the report as JSON, atomically (see :func:`newscorpus.workdir.atomic_write`;
        pass a path from :func:`newscorpus.workdir.guard`); return it with ``path`` set."""
        with atomic_write(path) as fh:
            fh.write(json.dumps(self.data, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")
        return attrs.evolve(self, path=path)

    @classmethod
    def read(cls, path: Path) -> RunReport:
        """Read a ``report.json``."""
        return cls(json.loads(path.read_text(encoding="utf-8")), path)
