"""A persistent event index, so that a corpus can grow run by run.

One SQLite file holds what the online clusterer needs to let new articles join the
events of earlier runs: each event's running sums and description, the document
frequencies, and which event every article already seen went to (an article seen
again goes back to its event).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from ..errors import ConfigError
from .analysis import FEATURES_VERSION
from .clustering import Cluster, OnlineClusterer, Params, Vectoriser

if TYPE_CHECKING:
    from .default import EventSummary

__all__ = ["EventState"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS df (key TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, ord INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, event_id TEXT NOT NULL);
"""
SCHEMA_VERSION = 1


def _cluster_data(c: Cluster) -> dict[str, Any]:
    return {
        "members": c.members,
        "n": c.n,
        "n_lang": dict(c.n_lang),
        "ent_all": c.ent_all,
        "ent_lang": c.ent_lang,
        "term_lang": c.term_lang,
        "dense": c.dense.tolist() if c.dense is not None else None,
        "days": {d.isoformat(): n for d, n in c.days.items()},
        "published": {d.isoformat(): n for d, n in c.published.items()},
        "weekdays": {str(w): n for w, n in c.weekdays.items()},
        "month_days": [[m, d, n] for (m, d), n in c.month_days.items()],
        "years": {str(y): n for y, n in c.years.items()},
        "keys": sorted(c.keys),
        "name_keys": c.name_keys,
    }


def _cluster_from(cid: str, order: int, data: dict[str, Any]) -> Cluster:
    return Cluster(
        id=cid,
        members=list(data["members"]),
        n=data["n"],
        n_lang=collections.Counter(data["n_lang"]),
        ent_all=dict(data["ent_all"]),
        ent_lang={k: dict(v) for k, v in data["ent_lang"].items()},
        term_lang={k: dict(v) for k, v in data["term_lang"].items()},
        dense=np.asarray(data["dense"], dtype=np.float32) if data["dense"] is not None else None,
        days=collections.Counter({dt.date.fromisoformat(d): n for d, n in data["days"].items()}),
        published=collections.Counter({dt.date.fromisoformat(d): n for d, n in data["published"].items()}),
        weekdays=collections.Counter({int(w): n for w, n in data["weekdays"].items()}),
        month_days=collections.Counter({(m, d): n for m, d, n in data["month_days"]}),
        years=collections.Counter({int(y): n for y, n in data["years"].items()}),
        keys=dict.fromkeys(data["keys"]),
        # A state written before the anchors' name evidence: every name key may anchor.
        name_keys=dict(data["name_keys"]) if data.get("name_keys") is not None else None,
        order=order,
    )


class EventState:
    """The SQLite file of a growing corpus's events."""

    def __init__(self, conn: sqlite3.Connection, path: str, builder: str) -> None:
        self.conn = conn
        self.path = path
        self.builder = builder
        self.vectoriser = Vectoriser()
        self.known: dict[str, str] = {}
        self._loaded: set[str] = set()

    @classmethod
    def open(cls, path: str, builder: str) -> EventState:
        """Open (or create) the state at ``path`` for event builder ``builder``."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path)
        conn.executescript(_SCHEMA)
        state = cls(conn, path, builder)
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if meta:
            expected = {"schema": str(SCHEMA_VERSION), "features": str(FEATURES_VERSION), "builder": builder}
            for key, value in expected.items():
                if meta.get(key) != value:
                    conn.close()
                    raise ConfigError(
                        f"event state {path} was written with {key} {meta.get(key)!r}, this run uses "
                        f"{value!r}; start a new state file (events.builder.state)",
                        key="events.builder.state",
                    )
            state.vectoriser.n = int(meta.get("n", "0"))
        state.vectoriser.df.update(dict(conn.execute("SELECT key, n FROM df")))
        state.known = dict(conn.execute("SELECT id, event_id FROM articles"))
        return state

    def load_into(self, clusterer: OnlineClusterer, summaries: dict[str, EventSummary]) -> None:
        """Put every stored event into ``clusterer`` and its description into ``summaries``."""
        from .default import EventSummary

        for cid, order, text in self.conn.execute("SELECT id, ord, data FROM events ORDER BY ord"):
            data = json.loads(text)
            c = _cluster_from(cid, order, data["cluster"])
            clusterer.register(c)
            for key in c.keys:
                clusterer.index_key(key, c)
            summary = EventSummary.from_data(data["summary"]) if data["summary"] else EventSummary()
            summary.earlier = c.n
            summaries[cid] = summary
            self._loaded.add(cid)

    def save_event(self, c: Cluster, summary: EventSummary | None) -> None:
        """Write one event and its members' assignments (a build saves each event as
        it closes); committed by :meth:`finish`."""
        data = {"cluster": _cluster_data(c), "summary": summary.to_data() if summary else None}
        self.conn.execute(
            "INSERT OR REPLACE INTO events (id, ord, data) VALUES (?, ?, ?)",
            (c.id, c.order, json.dumps(data, separators=(",", ":"))),
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO articles (id, event_id) VALUES (?, ?)", ((m, c.id) for m in c.members)
        )

    def finish(self, clusterer: OnlineClusterer, params: Params) -> None:
        """Drop the events merges absorbed, write frequencies and the assignments
        still in memory, and commit everything the build wrote, in one transaction."""
        with self.conn:
            self.conn.executemany("DELETE FROM events WHERE id = ?", ((cid,) for cid in clusterer.absorbed))
            self.conn.executemany(
                "INSERT OR REPLACE INTO articles (id, event_id) VALUES (?, ?)", clusterer.assignment.items()
            )
            self.conn.executemany("INSERT OR REPLACE INTO df (key, n) VALUES (?, ?)", self.vectoriser.df.items())
            meta = {
                "schema": str(SCHEMA_VERSION),
                "features": str(FEATURES_VERSION),
                "builder": self.builder,
                "n": str(self.vectoriser.n),
                "params": json.dumps(attrs.asdict(params)),
            }
            self.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())

    def close(self) -> None:
        """Close the file."""
        self.conn.close()
