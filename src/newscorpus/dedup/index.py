"""A persistent dedup index: later runs dedup their articles against every earlier
run without reprocessing it.

The index is one SQLite file (config ``dedup.index``). For every article a run
indexed it keeps, per deduplicator, the article's :class:`~.base.Meta`, its
signature, the canonical id the run gave it, and its bucket keys. Deduplicators
are kept apart by *space*: name, ``signature_version`` and a fingerprint of the
options that shape signatures and keys (see :meth:`.Deduplicator.fingerprint`),
so that a run never compares signatures of two formats; a run with other
options simply starts a new space.

How a run uses it (:mod:`.stages`, :mod:`.memory`):

1. **Buckets.** :meth:`DedupIndex.candidates` returns the indexed articles that
   share a key with the run's articles; they join the buckets as members of their
   own, so a new article is paired with an old one but two old ones are never
   paired again.
2. **Verify.** :meth:`DedupIndex.articles` returns their meta and signature.
3. **Cluster.** Indexed articles stay canonical (an earlier run's output is never
   rewritten); then :meth:`DedupIndex.add` stores this run's articles in one
   transaction, under the run number :meth:`DedupIndex.begin_run` returns.

Concurrent readers are fine (WAL journal); one run writes at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
import numpy as np

from .base import Deduplicator, Meta

__all__ = ["DedupIndex", "IndexEntry", "IndexedArticle"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spaces (
    space INTEGER PRIMARY KEY, method TEXT NOT NULL, version INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, UNIQUE (method, version, fingerprint));
CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, started TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    row INTEGER PRIMARY KEY, space INTEGER NOT NULL, id TEXT NOT NULL, run INTEGER NOT NULL,
    meta TEXT NOT NULL, signature TEXT NOT NULL, canonical TEXT NOT NULL, UNIQUE (space, id));
CREATE TABLE IF NOT EXISTS keys (
    space INTEGER NOT NULL, key INTEGER NOT NULL, row INTEGER NOT NULL,
    PRIMARY KEY (space, key, row)) WITHOUT ROWID;
"""


@attrs.frozen
class IndexedArticle:
    """An article as an earlier run indexed it.

    Attributes:
        row: Its row number in the index.
        meta: Its meta (shard and position are those of its own run).
        signature: Its signature.
        canonical: The canonical id its run gave it (its own id when canonical).
        run: The run that indexed it.
    """

    row: int
    meta: Meta
    signature: Any
    canonical: str
    run: int


@attrs.frozen
class IndexEntry:
    """What :meth:`DedupIndex.add` stores for one article."""

    meta: Meta
    signature: Any
    keys: np.ndarray = attrs.field(eq=False)
    canonical: str = ""


class DedupIndex:
    """The persistent index at ``path`` (created on first use).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.db.commit()

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # -- reading ------------------------------------------------------------------------------

    def space(self, method: Deduplicator, create: bool = False) -> int | None:
        """The space number of ``method``'s signatures; ``None`` if there is none
        yet (and ``create`` is false)."""
        args = (method.name, int(method.signature_version), method.fingerprint())
        row = self.db.execute(
            "SELECT space FROM spaces WHERE method=? AND version=? AND fingerprint=?", args).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        cur = self.db.execute("INSERT INTO spaces (method, version, fingerprint) VALUES (?, ?, ?)", args)
        self.db.commit()
        return int(cur.lastrowid or 0)

    def candidates(self, space: int | None, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indexed articles sharing a key with ``keys`` (key hashes, ``int64``).

        Returns ``(keys, rows)``: one entry per (key, indexed article).
        """
        empty = np.zeros(0, dtype=np.int64)
        if space is None or not len(keys):
            return empty, empty
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM wanted")
        db.executemany("INSERT OR IGNORE INTO wanted (key) VALUES (?)", ((int(k),) for k in np.unique(keys)))
        found = db.execute(
            "SELECT w.key, k.row FROM wanted w JOIN keys k ON k.space = ? AND k.key = w.key", (space,)).fetchall()
        db.execute("DELETE FROM wanted")
        if not found:
            return empty, empty
        arr = np.array(found, dtype=np.int64)
        return arr[:, 0], arr[:, 1]

    def articles(self, rows: Iterable[int]) -> dict[int, IndexedArticle]:
        """Indexed articles by row number."""
        out: dict[int, IndexedArticle] = {}
        wanted = sorted({int(r) for r in rows})
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for row, meta, sig, canonical, run in self.db.execute(
                    f"SELECT row, meta, signature, canonical, run FROM articles WHERE row IN ({marks})", chunk):
                out[row] = IndexedArticle(row, Meta(**json.loads(meta)), json.loads(sig), canonical, run)
        return out

    def known(self, space: int | None, ids: Iterable[str]) -> dict[str, int]:
        """Row numbers of the given article ids already in ``space``."""
        if space is None:
            return {}
        out: dict[str, int] = {}
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for aid, row in self.db.execute(
                    f"SELECT id, row FROM articles WHERE space=? AND id IN ({marks})", (space, *chunk)):
                out[aid] = row
        return out

    def stats(self) -> dict[str, Any]:
        """Runs, spaces and article and key counts per method."""
        per: dict[str, dict[str, int]] = {}
        for method, version, n in self.db.execute(
                "SELECT s.method, s.version, COUNT(a.row) FROM spaces s LEFT JOIN articles a USING (space) "
                "GROUP BY s.space"):
            per[f"{method}/v{version}"] = {"articles": n}
        runs = self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return {"runs": runs, "spaces": per}

    # -- writing ------------------------------------------------------------------------------

    def begin_run(self, note: str = "") -> int:
        """Register a run; its number tags every article :meth:`add` stores."""
        cur = self.db.execute("INSERT INTO runs (started, note) VALUES (?, ?)",
                              (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), note))
        self.db.commit()
        return int(cur.lastrowid or 0)

    def add(self, space: int, run: int, entries: Iterable[IndexEntry]) -> int:
        """Store articles with their keys in one transaction; return how many were new.

        An article whose id is already in ``space`` keeps its first entry.
        """
        db = self.db
        added = 0
        with db:  # one transaction: a crash leaves the index as it was
            for entry in entries:
                meta = entry.meta
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles (space, id, run, meta, signature, canonical) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (space, meta.id, run, json.dumps(attrs.asdict(meta), separators=(",", ":")),
                     json.dumps(entry.signature, separators=(",", ":")), entry.canonical or meta.id))
                if not cur.rowcount:
                    continue
                row = cur.lastrowid
                db.executemany("INSERT OR IGNORE INTO keys (space, key, row) VALUES (?, ?, ?)",
                               ((space, k, row) for k in np.unique(entry.keys).tolist()))
                added += 1
        return added

    def iter_articles(self, space: int) -> Iterator[IndexedArticle]:
        """Every article of ``space``, in row order."""
        for row, meta, sig, canonical, run in self.db.execute(
                "SELECT row, meta, signature, canonical, run FROM articles WHERE space=? ORDER BY row", (space,)):
            yield IndexedArticle(row, Meta(**json.loads(meta)), json.loads(sig), canonical, run)
