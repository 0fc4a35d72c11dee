"""The default event builder: offline, model-free, multilingual and online.

``features`` reads each article once (names, CLDR places, numbers, terms and the
story's date; see :mod:`newscorpus.events.analysis`). ``build`` puts the articles,
in publication order, through :class:`~newscorpus.events.clustering.OnlineClusterer`
and describes each resulting event: its representative title, date, location and
participants. With ``state: PATH`` the events and document frequencies persist in
an SQLite file, so that the next run's articles join the events of earlier runs.
"""

from __future__ import annotations

import array
import collections
import datetime as dt
import hashlib
import io
import math
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, ClassVar

import attrs
import numpy as np

from ..models import Article, Event, EventDate, Timestamp
from ..options import at_least, options_from, positive
from .analysis import FEATURES_VERSION, TITLE_WEIGHT, Analysis, _title_case, _unpack, analyse, packed_keys
from .base import EventBuilder, EventItem, OrderedItems, WindowEnds, publication_order
from .clustering import (
    DATE_METHOD_WEIGHT,
    TERM_PREFIX,
    Cluster,
    ClusterItem,
    OnlineClusterer,
    Params,
    Vectoriser,
)
from .dates import STORY_LOOKBACK
from .places import gazetteer

if TYPE_CHECKING:
    from .state import EventState

__all__ = ["DefaultEventBuilder", "EventSummary", "event_id"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Share of an event's members that must back its date (see :meth:`EventSummary.date`).
DATE_SUPPORT = 0.3
#: How far a window of a windowed build (``DefaultEventBuilder.build_window``)
#: starts before its first day, in horizons (the days an event stays open after its
#: last): enough for its open events at the first day to be those a single pass has
#: there, unless a story runs on for weeks. It costs time, never a different result.
WARMUP_HORIZONS = 2
#: When a window records its first checkpoint after its first day, in horizons: where
#: a stitch that had to rebuild the window may meet it again. The gaps after it double
#: (at 0.5, 1.5, 3.5, 7.5 ... horizons), so a stitch whose pass meets the window ``t``
#: days in rebuilds at most ``2t`` days and a half horizon, while a window records
#: only as many checkpoints (each costs one fingerprint) as the log of its length.
FIRST_CHECKPOINT_HORIZONS = 0.5
_ANALYSIS_OPTIONS = ("max_entities", "max_terms", "max_names", "stem", "place_weight")

#: Options of the default builder beyond the clustering :class:`Params`.
BUILDER_OPTIONS: dict[str, tuple[Any, Any, str, Any]] = {
    "max_entities": (int, 48, "Entities kept per article.", positive),
    "max_terms": (int, 64, "Terms kept per article.", positive),
    "max_names": (int, 12, "Names kept per article.", positive),
    "stem": (int, 6, "Characters a term is cut to.", positive),
    "place_weight": (float, 0.5, "Weight of a place against a named entity.", at_least(0)),
    "max_participants": (int, 6, "Names listed per event.", at_least(0)),
    "state": (str | None, None, "SQLite file of earlier runs' events: new articles join them.", None),
}


def _name_evidence(a: Analysis, body_chars: int) -> dict[str, int]:
    """Each actor-name key's evidence for the anchor veto (see
    :data:`~newscorpus.events.clustering.ANCHOR_EVIDENCE`): 2 when the article weighs
    the name more than one headline mention (it writes it more than once), else 1;
    nothing from an article without a body: a headline alone cannot say which of its
    names the story is about (in a title-case headline it cannot even say which words
    are names)."""
    out: dict[str, int] = {}
    if body_chars <= 0 and _title_case(a.title):
        return out
    for name in a.names:
        n = 2 if name.weight > TITLE_WEIGHT else 1
        for k in name.keys:
            out[k] = max(out.get(k, 0), n)
    return out


def event_id(founder: str) -> str:
    """Stable id of the event founded by article ``founder``."""
    return "ev-" + hashlib.blake2b(founder.encode("utf-8"), digest_size=8).hexdigest()


@attrs.define
class EventSummary:
    """What an event's description is made of, summed over its members.

    Kept apart from the clustering sums so that a persistent state can carry it
    from run to run without the members' features.
    """

    # keys -> [displays, weight, n]: displays is the one spelling seen so far (used n
    # times), or a Counter of spellings once there are two (most names keep one: a
    # Counter each was a seventh of an open event's memory in a dense corpus).
    names: dict[tuple[str, ...], list[Any]] = attrs.field(factory=dict)
    places: dict[str, float] = attrs.field(factory=lambda: collections.defaultdict(float))
    dated: collections.Counter[tuple[str, str]] = attrs.field(factory=collections.Counter)  # (day, method)
    published: list[str] = attrs.field(factory=list)  # ISO publication times
    title: str = ""
    title_id: str = ""
    title_score: float = -1.0
    earlier: int = 0  # members from earlier runs

    def add(self, analysis: Analysis, published: str) -> None:
        """Add one member's analysis."""
        for name in analysis.names:
            entry = self.names.get(name.keys)
            if entry is None:
                self.names[name.keys] = [name.display, 0.0 + name.weight, 1]
                continue
            shown = entry[0]
            if isinstance(shown, str):
                if shown != name.display:
                    entry[0] = collections.Counter({shown: entry[2], name.display: 1})
            else:
                shown[name.display] += 1
            entry[1] += name.weight
            entry[2] += 1
        for place, weight in analysis.places:
            self.places[place] += weight
        d = analysis.date
        if d.day is not None:
            self.dated[(d.day.isoformat(), d.method)] += 1
        if published:
            self.published.append(published)

    def absorb(self, other: EventSummary) -> None:
        """Add another summary (when two events merge)."""
        for keys, (displays, weight, n) in other.names.items():
            entry = self.names.get(keys)
            if entry is None:
                self.names[keys] = [displays if isinstance(displays, str) else collections.Counter(displays),
                                    0.0 + weight, n]
                continue
            shown = entry[0]
            if not (isinstance(shown, str) and shown == displays):
                counts = _spellings(shown, entry[2])
                counts.update(_spellings(displays, n))
                entry[0] = counts
            entry[1] += weight
            entry[2] += n
        for place, weight in other.places.items():
            self.places[place] += weight
        self.dated.update(other.dated)
        self.published.extend(other.published)
        self.earlier += other.earlier
        if other.title_score > self.title_score:
            self.title, self.title_id, self.title_score = other.title, other.title_id, other.title_score

    # -- description ------------------------------------------------------------------
    def participants(self, limit: int) -> tuple[str, ...]:
        """The main named actors: names many members give, prominently."""
        order = sorted(self.names, key=lambda k: (-len(k), -self.names[k][1], k))
        merged: dict[tuple[str, ...], list[Any]] = {}
        for keys in order:
            displays, weight, n = self.names[keys]
            targets = [m for m in merged if set(keys) < set(m)]
            if targets:
                best = max(targets, key=lambda m: (merged[m][1], m))
                merged[best][1] += weight
                merged[best][2] = max(merged[best][2], n)
                continue
            merged[keys] = [_spellings(displays, n), weight, n]
        scored = sorted(
            ((w * n, _display(d), k) for k, (d, w, n) in merged.items()),
            key=lambda t: (-t[0], t[1]),
        )
        if not scored:
            return ()
        top = scored[0][0]
        return tuple(d for s, d, _k in scored[:limit] if s >= 0.2 * top)

    def location(self) -> str | None:
        """Where it happened: the most weighted place, a city counting double
        (it says more than its country)."""
        if not self.places:
            return None
        gaz = gazetteer()

        def score(item: tuple[str, float]) -> tuple[float, str]:
            place, weight = item
            known = gaz.place(place)
            return (weight * (2.0 if known is not None and known.kind == "city" else 1.0), place)

        best = max(self.places.items(), key=score)[0]
        return gaz.display(best)

    def date(
        self,
        weekdays: collections.Counter[int],
        members: int | None = None,
        published_window: int = 4,
    ) -> tuple[EventDate, str | None]:
        """The event's date (a supported vote of its members) and, when only a weekday
        is known, that weekday's name.

        Each member that dates its story (``explicit``, ``relative-weekday``,
        ``relative-day``) votes for that day, weighted by
        :data:`~newscorpus.events.clustering.DATE_METHOD_WEIGHT`. A day can win only if

        * it lies within :data:`~newscorpus.events.dates.STORY_LOOKBACK` days of the
          members' publication days, when any member has one (an undated member's
          background date cannot date an event its dated members place elsewhere);
        * it has **support**: at least ``max(1, ceil(0.3 * members))`` members back it,
          counting those that vote for it and those known only by a publication day
          ``P`` it may have happened on (``P - published_window`` to ``P + 1``, the
          clustering's own window). One article's date cannot date 39 others that
          say nothing about it.

        The best-weighted day (the later on a tie: background is older) wins with
        half the weight of the admissible votes (precision ``day``); else the
        admissible days within ``STORY_LOOKBACK`` of it form a ``range``, if together
        they have support. With no supported vote the
        event takes its earliest publication day (method ``published``), else stays
        undated (precision ``unknown``; ``extras.weekday`` may name the weekday).

        Args:
            weekdays: Unresolved weekdays of the members.
            members: How many members the event has (default: the members this
                summary saw a date or a publication time of).
            published_window: Days before its publication an article known only by
                its publication day may tell of.
        """
        pub_days = sorted(d for d in (_publication_date(p) for p in self.published) if d is not None)
        lookback = dt.timedelta(days=STORY_LOOKBACK)
        votes: dict[dt.date, float] = collections.defaultdict(float)
        voters: collections.Counter[dt.date] = collections.Counter()
        methods: dict[dt.date, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        only_published: collections.Counter[dt.date] = collections.Counter()
        for (iso, method), n in self.dated.items():
            day = dt.date.fromisoformat(iso)
            if method == "published":
                only_published[day] += n
                continue
            if pub_days and not pub_days[0] - lookback <= day <= pub_days[-1] + lookback:
                continue  # far from every publication day: background, not this event's day
            votes[day] += n * DATE_METHOD_WEIGHT.get(method, 1.0)
            voters[day] += n
            methods[day][method] += n
        if members is None:
            members = max(sum(self.dated.values()), len(self.published))
        need = max(1, math.ceil(DATE_SUPPORT * members))

        def support(days: Iterable[dt.date]) -> int:
            chosen = set(days)
            lo, hi = min(chosen), max(chosen)
            backed = sum(voters[d] for d in chosen)
            backed += sum(
                n
                for p, n in only_published.items()
                if lo <= p + dt.timedelta(days=1) and p - dt.timedelta(days=published_window) <= hi
            )
            return backed

        if votes:
            best, weight = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
            method = methods[best].most_common(1)[0][0]
            if weight >= 0.5 * sum(votes.values()) and support([best]) >= need:
                return EventDate(best, best, "day", method), None
            near = [d for d in votes if abs((d - best).days) <= STORY_LOOKBACK]
            if len(near) > 1 and support(near) >= need:
                return EventDate(min(near), max(near), "range", method), None
        pub = sorted(only_published)
        if pub:
            return EventDate(pub[0], pub[0], "day", "published"), None
        if pub_days:
            return EventDate(pub_days[0], pub_days[0], "day", "published"), None
        if weekdays:
            wd = weekdays.most_common(1)[0][0]
            return EventDate(None, None, "unknown", "weekday"), _WEEKDAYS[wd]
        return EventDate(), None

    # -- persistence -----------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        """JSON form (persistent state)."""
        return {
            "names": [[list(k), dict(_spellings(d, n)), w, n] for k, (d, w, n) in self.names.items()],
            "places": dict(self.places),
            "dated": [[d, m, n] for (d, m), n in self.dated.items()],
            "published": self.published,
            "title": [self.title, self.title_id, self.title_score],
            "earlier": self.earlier,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> EventSummary:
        """Inverse of :meth:`to_data`."""
        s = cls()
        s.names = {tuple(k): [next(iter(d)) if len(d) == 1 else collections.Counter(d), w, n]
                   for k, d, w, n in data["names"]}
        s.places = collections.defaultdict(float, data["places"])
        s.dated = collections.Counter({(d, m): n for d, m, n in data["dated"]})
        s.published = list(data["published"])
        s.title, s.title_id, s.title_score = data["title"]
        s.earlier = data["earlier"]
        return s


def _spellings(displays: str | collections.Counter[str], n: int) -> collections.Counter[str]:
    """A name's spellings with their counts (``displays`` of an EventSummary entry of ``n`` uses)."""
    return collections.Counter({displays: n}) if isinstance(displays, str) else collections.Counter(displays)


def _display(displays: collections.Counter[str]) -> str:
    # The most used spelling; on a tie the fuller one ("Tamim bin Hamad Al Thani"
    # over "Tamim bin Hamad Al-Thani": five words to four), then the first in order.
    return sorted(displays.items(), key=lambda kv: (-kv[1], -len(kv[0].split()), -len(kv[0]), kv[0]))[0][0]


def _publication_date(published: str) -> dt.date | None:
    """Day of an ISO publication time (``None``: unknown or unreadable)."""
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _timestamp(value: str) -> Timestamp | None:
    try:
        return Timestamp(value, "second" if "T" in value or " " in value else "day", "published")
    except (TypeError, ValueError):
        return None


def _publication_day(published: str) -> int | None:
    """Day ordinal of an ISO publication time (``None``: unknown or unreadable)."""
    day = _publication_date(published)
    return day.toordinal() if day is not None else None


class _Member:
    """One of this run's articles in an open event: what describing the event needs
    of it, decoded when the article was clustered, so that closing the event reads
    no features again.

    ``vectors`` are the article's unit entity and term vectors as key tuples and
    value arrays (a third of the memory of the dicts; the dicts are rebuilt, in the
    same order, only to score members of events with several). An event's founder
    keeps none: most events never get a second article, and the founder of one that
    does has its features read again when a title is chosen (one parse per such
    event, instead of ~2 kB held by every open event). A member not clustered in
    this run (it came back to its event from a state) is not ``decoded``: its
    features are read when a title is chosen.
    """

    __slots__ = ("decoded", "item", "rank", "raw_title", "title", "vectors")

    def __init__(
        self,
        rank: int,
        item: EventItem,
        decoded: bool = False,
        title: str | None = None,
        raw_title: str | None = None,
        vectors: _Vectors | None = None,
    ) -> None:
        self.rank = rank
        self.item = item
        self.decoded = decoded  # the fields below were filled when it was clustered
        self.title = title  # the analysis's title (None: no usable analysis)
        self.raw_title = raw_title  # the features' "title" field, if of this version
        self.vectors = vectors  # None: no usable analysis


class _Vectors:
    """A clustered article's vectors, compact (see :class:`_Member`)."""

    __slots__ = ("dense", "ent_keys", "ent_values", "lang", "term_keys", "term_values")

    def __init__(self, ci: ClusterItem) -> None:
        self.lang = ci.lang
        self.ent_keys = tuple(ci.entities)
        self.ent_values = array.array("d", ci.entities.values())
        self.term_keys = tuple(ci.terms)
        self.term_values = array.array("d", ci.terms.values())
        self.dense = ci.dense

    def item(self, article_id: str) -> ClusterItem:
        """A :class:`ClusterItem` with the same vectors (what ``lexical`` reads)."""
        from .dates import ArticleDate

        return ClusterItem(
            article_id,
            self.lang,
            ArticleDate(),
            dict(zip(self.ent_keys, self.ent_values, strict=True)),
            dict(zip(self.term_keys, self.term_values, strict=True)),
            self.dense,
        )


@attrs.define
class _RunEvents:
    """What a build keeps per open event beside the clusterer's sums."""

    summaries: dict[str, EventSummary] = attrs.field(factory=dict)
    #: This run's members of each open event.
    members: dict[str, list[_Member]] = attrs.field(factory=lambda: collections.defaultdict(list))
    touched: set[str] = attrs.field(factory=set)  # events this run changed


def _window_rows(items: OrderedItems, lo: int | None, stop: int | None) -> Iterator[tuple[int, int, int | None]]:
    """``(rank, row, day)`` of the articles from day ``lo`` (``None``: the first)
    to before day ``stop`` (``None``: the last, undated ones included). An article
    without a readable day counts as of the day before it, as the pass treats it
    (it closes nothing)."""
    day: int | None = None
    for rank, row in enumerate(items.rows(), items.first_rank):
        day = _publication_day(items.published[row]) or day
        if stop is not None and day is not None and day >= stop:
            return
        if lo is None or (day is not None and day >= lo):
            yield rank, row, day


def _window_days(bounds: Sequence[int], k: int) -> tuple[int | None, int | None]:
    """First day of window ``k`` and the next window's (``None``: the first window;
    the last window)."""
    return (bounds[k - 1] if k > 0 else None), (bounds[k] if k < len(bounds) else None)


#: What a saved build state may name: its own classes and the containers they hold.
_STATE_GLOBALS = frozenset({
    ("array", "_array_reconstructor"), ("array", "array"),
    ("builtins", "float"), ("builtins", "list"), ("builtins", "set"), ("builtins", "frozenset"),
    ("builtins", "dict"), ("builtins", "tuple"), ("builtins", "int"), ("builtins", "bool"),
    ("collections", "Counter"), ("collections", "defaultdict"), ("collections", "OrderedDict"),
    ("copyreg", "_reconstructor"), ("copyreg", "__newobj__"),
    ("datetime", "date"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("newscorpus.events.base", "EventItem"), ("newscorpus.events.base", "FeatureFile"),
    ("newscorpus.events.clustering", "Cluster"), ("newscorpus.events.clustering", "OnlineClusterer"),
    ("newscorpus.events.clustering", "Params"),
    ("newscorpus.events.dates", "ArticleDate"),
    ("newscorpus.events.default", "EventSummary"), ("newscorpus.events.default", "_Member"),
    ("newscorpus.events.default", "_RunEvents"), ("newscorpus.events.default", "_Stream"),
    ("newscorpus.events.default", "_Vectors"), ("newscorpus.events.default", "_founder_event_id"),
    ("newscorpus.models", "ArticleMeta"),
})


class _StateUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _STATE_GLOBALS:
            raise pickle.UnpicklingError(f"a saved event build state may not name {module}.{name}")
        return super().find_class(module, name)


def _founder_event_id(item: ClusterItem) -> str:
    return event_id(item.id)


class _Stream:
    """The build's single pass over articles in publication order, as an object:
    a windowed build stops it at a day, fingerprints it, saves it and goes on.

    It holds the clusterer and what the run keeps per open event; the builder,
    the document frequencies and a state are attached, never saved with it.
    """

    def __init__(self, builder: DefaultEventBuilder, vec: Vectoriser, state: EventState | None) -> None:
        self.clusterer = OnlineClusterer(builder.params, id_of=_founder_event_id)
        self.run = _RunEvents()
        if state is not None:
            state.load_into(self.clusterer, self.run.summaries)
        self.clusterer.on_merge = self._on_merge
        self.horizon = builder.horizon()
        self.today: int | None = None
        self.attach(builder, vec, state)

    def attach(self, builder: DefaultEventBuilder, vec: Vectoriser, state: EventState | None = None) -> None:
        """Give a (loaded) stream the builder, frequencies and state it runs with."""
        self.builder, self.vec, self.state = builder, vec, state

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("builder", "vec", "state")}

    def __setstate__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)
        self.clusterer.on_merge = self._on_merge

    def save(self, fh: IO[bytes]) -> None:
        """Pickle this stream into the binary file ``fh``."""
        pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def load(data: bytes | os.PathLike[str]) -> _Stream:
        """A stream :meth:`save` wrote (its bytes, or the path of its file), loaded
        with only the classes a stream holds allowed (a work folder is not trusted
        to run code)."""
        if isinstance(data, bytes):
            return _StateUnpickler(io.BytesIO(data)).load()  # type: ignore[no-any-return]
        with open(data, "rb") as fh:  # read as it unpickles: never the whole file at once
            return _StateUnpickler(fh).load()  # type: ignore[no-any-return]

    def _on_merge(self, keep: Cluster, gone: Cluster) -> None:
        run = self.run
        run.summaries.setdefault(keep.id, EventSummary()).absorb(run.summaries.pop(gone.id, EventSummary()))
        run.members[keep.id].extend(run.members.pop(gone.id, ()))
        run.touched.add(keep.id)

    def feed(self, rank: int, it: EventItem) -> list[Event]:
        """Take in the article ``it`` (``rank``: its place in the whole order);
        returns the events its day closed, which are final."""
        builder, run, state = self.builder, self.run, self.state
        closed: list[Event] = []
        if builder.params.retire:
            day = _publication_day(it.meta.published)
            if day is not None and day != self.today:
                self.today = day
                closed = list(builder._close(self.clusterer, run, self.vec, state, before=day - self.horizon))
        aid = it.meta.id
        if state is not None and aid in state.known:
            cid = state.known[aid]
            if cid in self.clusterer.clusters:  # seen in an earlier run: same event again
                self.clusterer.assignment[aid] = cid
                run.members[cid].append(_Member(rank, it))
                run.touched.add(cid)
                return closed
        # Nothing per article is kept once it is folded into its event's sums (the
        # features are parsed again for the few it takes to choose titles): build
        # memory grows with the open events, not with copies of every article.
        features = it.features  # the build's only read of them (DF counting aside)
        a = builder.analysis_of(features)
        ci = builder._cluster_item(it, a, self.vec, features)
        cluster, _score = self.clusterer.add(ci)
        summary = run.summaries.setdefault(cluster.id, EventSummary())
        if a is not None:
            summary.add(a, it.meta.published)
        run.members[cluster.id].append(
            _Member(rank, it, True, None if a is None else a.title, _raw_title(features),
                    None if a is None or cluster.n == 1 else _Vectors(ci))
        )
        run.touched.add(cluster.id)
        return closed

    def finish(self) -> Iterator[Event]:
        """Close every open event."""
        return self.builder._close(self.clusterer, self.run, self.vec, self.state, before=None)

    def fingerprint(self) -> str:
        """A digest of everything the rest of the pass reads: every open event's
        sums and members, their order, what they index, and the run's notes on
        them. Two streams with equal fingerprints build the same events from here
        on (closed events, counters and caches are not in it: nothing reads them)."""
        c = self.clusterer
        live = sorted((x for x in c.clusters.values() if x.alive), key=lambda x: x.order)
        place = {x.order: i for i, x in enumerate(live)}
        h = hashlib.blake2b(digest_size=16)

        def put(value: object) -> None:
            h.update(repr(value).encode("utf-8"))
            h.update(b"\x00")

        for x in live:
            put((x.id, x.members, x.n, list(x.n_lang.items()), list(x.ent_all.items()),
                 [(lang, list(d.items())) for lang, d in x.ent_lang.items()],
                 [(lang, list(d.items())) for lang, d in x.term_lang.items()],
                 None if x.dense is None else x.dense.tobytes(),
                 list(x.days.items()), list(x.published.items()), list(x.weekdays.items()),
                 list(x.month_days.items()), list(x.years.items()),
                 x.pub_lo, x.pub_hi, x.sequels, x.newest, sorted(x.keys),
                 None if x.name_keys is None else list(x.name_keys.items())))
            put([(m.rank, m.item.meta.id) for m in self.run.members.get(x.id, ())])
            put(self.run.summaries.get(x.id))
            put(x.id in self.run.touched)
        alive = c._alive
        for key in sorted({k for x in live for k in x.keys}):
            posting = c.index.get(key)
            if posting is not None:
                orders = np.frombuffer(posting, dtype=np.int64)
                put((key, [place[o] for o in orders[alive[orders]].tolist()]))
        return h.hexdigest()


def _order_key(item: EventItem) -> tuple[str, str]:
    return publication_order(item.meta)


class DefaultEventBuilder(EventBuilder):
    """Groups articles that report the same happening, in any language, offline.

    Options (all optional; see ``docs/events.md``):
        threshold, alpha, weekday_match, weekday_mismatch, max_gap_days,
        published_window_days, candidate_keys, max_candidates, max_posting, merge,
        retire, ...: clustering parameters (every field of
            :class:`~newscorpus.events.clustering.Params`).
        max_entities, max_terms, max_names, stem: how much of each article is kept.
        max_participants: names listed per event (default 6).
        state: path of an SQLite file holding the events of earlier runs; new
            articles join them, and the file is updated.
    """

    name: ClassVar[str] = "default"
    params_class: ClassVar[type[Params]] = Params
    Options: ClassVar[type] = options_from(Params, "DefaultEventBuilderOptions", BUILDER_OPTIONS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        fields = {f.name for f in attrs.fields(Params)}
        known = fields | set(_ANALYSIS_OPTIONS) | {"max_participants", "state", *self.extra_options()}
        unknown = set(options) - known
        if unknown:
            raise ValueError(
                f"unknown option(s) for event builder {self.name!r}: {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(known))}"
            )
        self.params = self.params_class(**{k: v for k, v in options.items() if k in fields})
        self.analysis_options = {k: options[k] for k in _ANALYSIS_OPTIONS if k in options}
        self.max_participants = int(options.get("max_participants", 6))
        self.state_path: str | None = options.get("state")

    @classmethod
    def extra_options(cls) -> tuple[str, ...]:
        """Options a subclass accepts beyond the default builder's."""
        return ()

    # -- per article ---------------------------------------------------------------------
    def features(self, article: Article) -> dict[str, Any]:
        """The article's analysis, as compact JSON data."""
        return analyse(article, **self.analysis_options).to_data()

    def dense(self, features: Any) -> Any:
        """Dense vector of an item (``None``: the default builder has none)."""
        return None

    def analysis_of(self, features: Any) -> Analysis | None:
        """The analysis inside an item's features, or ``None`` if unusable."""
        if not isinstance(features, dict) or features.get("v") != FEATURES_VERSION:
            return None
        try:
            return Analysis.from_data(features)
        except (KeyError, TypeError, ValueError):
            return None

    def _keys_of(self, features: Any) -> tuple[dict[str, float], list[str], str] | None:
        # Document frequencies need only the keys (and entity weights: entity
        # "frequencies" sum weights, as every figure in docs/ was measured with):
        # reading those alone skips a third of the full parses of the features.
        if type(self).analysis_of is not DefaultEventBuilder.analysis_of:
            a = self.analysis_of(features)  # a subclass reads features its own way
            return None if a is None else (a.entities, list(a.terms), a.language)
        if not isinstance(features, dict) or features.get("v") != FEATURES_VERSION:
            return None
        try:
            return _unpack(features["ent"]), packed_keys(features["term"]), features["lang"]
        except (KeyError, TypeError, AttributeError, ValueError):
            return None

    # -- the whole corpus ------------------------------------------------------------------
    def build(self, items: Iterable[EventItem]) -> Iterator[Event]:
        """Group ``items`` into events (see the module docstring).

        Events are yielded as they close: with ``retire`` (the default), once the
        stream of dated articles is further past an event's last day than any later
        story can reach back, else all at the end.
        """
        from .state import EventState  # sqlite3 only when a state is used

        # An OrderedItems is in this order already (and is read twice, not copied).
        ordered = items if isinstance(items, OrderedItems) else sorted(items, key=_order_key)
        state = EventState.open(self.state_path, self.name) if self.state_path else None
        try:
            yield from self._build(ordered, state)
        finally:
            if state is not None:
                state.close()

    def _build(self, ordered: Iterable[EventItem], state: EventState | None) -> Iterator[Event]:
        vec = state.vectoriser if state is not None else Vectoriser()
        self._count(ordered, vec, state)
        stream = _Stream(self, vec, state)
        for rank, it in enumerate(ordered):
            yield from stream.feed(rank, it)
        yield from stream.finish()
        if state is not None:
            state.finish(stream.clusterer, self.params)

    def _count(self, ordered: Iterable[EventItem], vec: Vectoriser, state: EventState | None = None) -> None:
        """Document frequencies of ``ordered`` (articles a state knows excepted)."""
        for it in ordered:
            if state is None or it.meta.id not in state.known:
                keys = self._keys_of(it.features)
                if keys is not None:
                    vec.count(*keys)

    # -- windows (see EventBuilder.build_window) ------------------------------------------
    @property
    def supports_windows(self) -> bool:
        """Windows need events that close (``retire``) and no state of earlier runs."""
        return bool(self.params.retire) and self.state_path is None

    def window_bounds(self, items: OrderedItems, count: int) -> list[int]:
        """First publication days (ordinals) of windows 2..``count``: days that give
        each window about as many dated articles to build, its warm-up included
        (fewer windows when days repeat)."""
        days = [d for d in (_publication_day(items.published[r]) for r in items.rows()) if d is not None]
        if count < 2 or not days:
            return []
        n = len(days)
        # Windows after the first also build their warm-up: at an even rate of
        # articles a day, ``extra`` articles each, so the first window gets more days.
        extra = min(n, n * self._warmup_days() / (days[-1] - days[0] + 1))
        share = (n + (count - 1) * extra) / count
        bounds: list[int] = []
        for k in range(1, count):
            day = days[min(n - 1, int(k * share - (k - 1) * extra))]
            if day > days[0] and (not bounds or day > bounds[-1]):
                bounds.append(day)
        return bounds

    def _warmup_days(self) -> int:
        return WARMUP_HORIZONS * self.horizon()

    def _warmup_start(self, first: int | None) -> int | None:
        """The day a window that starts on day ``first`` starts reading (``None``: the first window, from the start)."""
        return None if first is None else first - self._warmup_days()

    def window_context(self, items: OrderedItems) -> Vectoriser:
        """The run's document frequencies (every window weighs keys by them)."""
        return self._window_vectoriser(items)

    def window_span(self, items: OrderedItems, bounds: Sequence[int], k: int) -> tuple[int, int]:
        """Places in the order of the articles window ``k`` reads: from its warm-up's
        first day to before the next window's first day (see :meth:`build_window`)."""
        first, stop = _window_days(bounds, k)
        start = end = None
        for rank, _row, _day in _window_rows(items, self._warmup_start(first), stop):
            if start is None:
                start = rank
            end = rank + 1
        if start is None or end is None:
            return 0, 0
        return start - items.first_rank, end - items.first_rank

    def build_window(
        self, items: OrderedItems, bounds: Sequence[int], k: int, emit: Callable[[Event], None],
        context: Any = None,
    ) -> WindowEnds:
        """Build window ``k``: its events that close from its first day on go to
        ``emit``; returns the fingerprints of its start and end states and its end
        state (see :class:`~newscorpus.events.base.WindowEnds`).

        The window starts ``WARMUP_HORIZONS`` horizons early, so that its open events at its
        first day are those a single pass would have there (checked by the stitch:
        the fingerprints must match, else the stitch goes on from the previous
        window's end state instead). ``items`` may be only the window's part of the
        run's table (:meth:`window_span`), given with ``context``, the document
        frequencies of the whole run (:meth:`window_context`)."""
        vec = context if context is not None else self._window_vectoriser(items)
        first, stop = _window_days(bounds, k)
        stream = _Stream(self, vec, None)
        start_print: str | None = None
        started = k == 0
        emitted = 0
        checkpoints: list[tuple[int, str, int]] = []
        # Later meeting points for a stitch that had to rebuild this window (a story
        # longer than the warm-up): none in the first window, which is the pass's own.
        # The stories that make a start disagree close a horizon or so after their
        # last article, so most rebuilt passes meet the window soon: checkpoints come
        # often after the first day, then less and less often.
        gap = max(1, round(FIRST_CHECKPOINT_HORIZONS * self.horizon()))
        due = None if first is None else first + gap
        for rank, row, day in _window_rows(items, self._warmup_start(first), stop):
            if not started and day is not None and first is not None and day >= first:
                start_print, started = stream.fingerprint(), True
            if due is not None and day is not None and day >= due:
                checkpoints.append((day, stream.fingerprint(), emitted))
                gap *= 2
                due = day + gap
            closed = stream.feed(rank, items.item(row))
            if started:
                for event in closed:
                    emit(event)
                    emitted += 1
        if not started:  # nothing from the window's first day on
            start_print = stream.fingerprint()
        if stop is None:
            for event in stream.finish():
                emit(event)
            return WindowEnds(start_print, None, None, tuple(checkpoints))
        # Pickled straight into the stage's file when it is written, not first into
        # one bytes object: +370 MiB at the end of a window at 1M articles otherwise.
        return WindowEnds(start_print, stream.fingerprint(), stream.save, tuple(checkpoints))

    def resume_window(
        self,
        items: OrderedItems,
        bounds: Sequence[int],
        k: int,
        state: Any,
        emit: Callable[[Event], None],
        checkpoints: Sequence[tuple[int, str, int]] = (),
    ) -> tuple[str | None, Any, int | None]:
        """Go on through window ``k`` from ``state`` (the end state of window
        ``k - 1``, saved or as returned here) exactly as a single pass would: its
        events go to ``emit``. Returns the fingerprint of the end state, the state
        itself (``None`` after the last window) and ``None``; or, as soon as the
        state meets one of the window's ``checkpoints`` (see
        :class:`~newscorpus.events.base.WindowEnds`), ``(None, None, i)``: from
        checkpoint ``i`` on, the window's own events are the pass's."""
        if isinstance(state, _Stream):  # the stream this method returned: attached
            stream = state
        else:
            stream = _Stream.load(state)
            stream.attach(self, self._window_vectoriser(items))
        first, stop = _window_days(bounds, k)
        nxt = 0
        for rank, row, day in _window_rows(items, first, stop):
            while nxt < len(checkpoints) and day is not None and day >= checkpoints[nxt][0]:
                if day == checkpoints[nxt][0] and stream.fingerprint() == checkpoints[nxt][1]:
                    return None, None, nxt
                nxt += 1
            for event in stream.feed(rank, items.item(row)):
                emit(event)
        if stop is None:
            for event in stream.finish():
                emit(event)
            return None, None, None
        return stream.fingerprint(), stream, None

    def horizon(self) -> int:
        """Days after its last day that an event stays open: a dated article's story
        day is at most ``STORY_LOOKBACK`` days before its publication day, and dates
        further apart than ``reach`` never pair, so an event whose last day is this
        far behind the stream of publication days is final."""
        return STORY_LOOKBACK + self.params.reach

    def _window_vectoriser(self, items: OrderedItems) -> Vectoriser:
        # The document frequencies of the whole run, counted in the same order as a
        # single pass counts them: the same floats to the last bit.
        vec = Vectoriser()
        self._count(items, vec)
        return vec

    def _close(
        self,
        clusterer: OnlineClusterer,
        run: _RunEvents,
        vec: Vectoriser,
        state: EventState | None,
        before: int | None,
    ) -> Iterator[Event]:
        """Run the merge passes over the events closing now (last day before
        ordinal ``before``; ``None``: all), then describe, save and forget them."""
        def closing_now() -> list[Cluster]:
            return clusterer.closable(before) if before is not None else list(clusterer.live())

        closing = closing_now()
        if not closing:
            return
        if self.params.merge:
            # Only events this run touched start merges; a closing event may still
            # merge with an open one (the kept event then stays open).
            scope = {c.id for c in closing if c.id in run.touched}
            clusterer.merge_pass(scope=scope)
            if self.params.centroid_merge:
                clusterer.merge_pass(
                    scope=scope, link=clusterer.centroid_link, threshold=self.params.centroid_threshold
                )
        done = closing_now()  # again: merges moved events in and out
        for cluster in done:
            members = sorted(run.members.pop(cluster.id, ()), key=lambda m: m.rank)
            summary = run.summaries.pop(cluster.id, None) or EventSummary()
            if members:
                self._choose_title(clusterer, cluster, summary, members, vec)
                yield self._event(cluster, summary, members)
            if state is not None and cluster.id in run.touched:
                state.save_event(cluster, summary)
            run.touched.discard(cluster.id)
        clusterer.forget(done)

    def pair_scorer(self, items: Iterable[EventItem]) -> Callable[[str, str], float]:
        """A function scoring how likely two of ``items`` (by id) report the same
        event: the similarity ``build`` joins on, with document frequencies counted
        over ``items``. For evaluation against pairwise human judgements."""
        items = list(items)
        analyses = {it.meta.id: self.analysis_of(it.features) for it in items}
        vec = Vectoriser()
        for a in analyses.values():
            if a is not None:
                vec.count(a.entities, a.terms, a.language)
        cis = {it.meta.id: self._cluster_item(it, analyses[it.meta.id], vec) for it in items}
        clusterer = OnlineClusterer(self.params)

        def score(a: str, b: str) -> float:
            c = Cluster("pair")
            c.add(cis[b])
            return clusterer.score(cis[a], c)

        return score

    def _cluster_item(self, it: EventItem, a: Analysis | None, vec: Vectoriser, features: Any = None) -> ClusterItem:
        """The article as the clusterer sees it (``features``: the item's, if
        already read)."""
        from .dates import ArticleDate

        if a is None:  # no usable features: the article is an event of its own
            return ClusterItem(it.meta.id, it.meta.language, ArticleDate(), {}, {}, payload=it)
        entities = vec.entity_vector(a.entities)
        terms = vec.term_vector(a.terms, a.language)
        ent_keys = sorted(entities, key=lambda k: (-entities[k], k))
        term_keys = [f"{TERM_PREFIX}{a.language}:{t}" for t in sorted(terms, key=lambda k: (-terms[k], k))]
        # Entities first: they find the same event across languages; two terms
        # keep articles without names (or in unspaced scripts) findable.
        head = self.params.candidate_keys - 2
        keys = (*ent_keys[:head], *term_keys[:2], *ent_keys[head:])
        return ClusterItem(
            it.meta.id,
            a.language,
            a.date,
            entities,
            terms,
            self.dense(it.features if features is None else features),
            keys,
            payload=it,
            published=a.published,
            sequel=a.sequel,
            newest=a.newest,
            names=_name_evidence(a, it.meta.length),
        )

    def _choose_title(
        self,
        clusterer: OnlineClusterer,
        cluster: Cluster,
        summary: EventSummary,
        run_members: list[_Member],
        vec: Vectoriser,
    ) -> None:
        if summary.earlier and summary.title:
            return  # an event from an earlier run keeps its title
        best: tuple[float, str, str] | None = None
        if len(run_members) == 1 and type(self).analysis_of is DefaultEventBuilder.analysis_of:
            # Most events have one article: its features' title is the event's.
            (m,) = run_members
            raw = m.raw_title if m.decoded else _raw_title(m.item.features)
            if raw is not None:
                if raw:
                    summary.title_score, summary.title_id, summary.title = 1.0, m.item.meta.id, raw
                return
        for m in run_members:
            it = m.item
            ci: ClusterItem | None = None
            if m.decoded:
                title = m.title
            else:  # not clustered in this run: read its features
                title, ci = self._read_again(it, vec)
            if not title:
                continue
            # The member closest to the whole event (its medoid) speaks for it; a
            # one-member event needs no vectors for that.
            score = 1.0
            if len(run_members) > 1:
                if ci is None:  # the event's founder keeps no vectors: read them again
                    ci = m.vectors.item(it.meta.id) if m.vectors is not None else self._read_again(it, vec)[1]
                assert ci is not None  # it had a title from its features
                score = clusterer.lexical(ci, cluster)
            key = (score, it.meta.id, title)
            if best is None or (key[0], _neg(key[1])) > (best[0], _neg(best[1])):
                best = key
        if best is not None:
            summary.title_score, summary.title_id, summary.title = best

    def _read_again(self, it: EventItem, vec: Vectoriser) -> tuple[str | None, ClusterItem | None]:
        """An article's title and cluster item, from its features read again."""
        a = self.analysis_of(it.features)
        return (None, None) if a is None else (a.title, self._cluster_item(it, a, vec))

    def _event(self, cluster: Cluster, summary: EventSummary, members: list[_Member]) -> Event:
        run_members = [m.item for m in members]
        date, weekday = summary.date(cluster.weekdays, cluster.n, self.params.published_window_days)
        published = sorted(p for p in summary.published if p)
        extras: dict[str, Any] = {
            "size": cluster.n,
            "keys": [k for k in OnlineClusterer.top_keys(cluster, 8) if not k.startswith(TERM_PREFIX)],
        }
        if weekday:
            extras["weekday"] = weekday
        earlier = cluster.n - len(run_members)
        if earlier:
            extras["earlier_articles"] = earlier
        return Event(
            id=cluster.id,
            title=summary.title,
            date=date,
            location=summary.location(),
            participants=summary.participants(self.max_participants),
            article_ids=tuple(it.meta.id for it in run_members),
            languages=tuple(sorted({it.meta.language for it in run_members if it.meta.language})),
            sources=tuple(sorted({it.meta.source for it in run_members if it.meta.source})),
            first_seen=_timestamp(published[0]) if published else None,
            last_seen=_timestamp(published[-1]) if published else None,
            builder=self.name,
            extras=extras,
        )


def _raw_title(features: Any) -> str | None:
    """The ``title`` field of features of this version (``None``: none readable)."""
    if isinstance(features, dict) and features.get("v") == FEATURES_VERSION and isinstance(features.get("title"), str):
        title: str = features["title"]
        return title
    return None


def _neg(s: str) -> tuple[int, ...]:
    # Reverse string order for max(): on equal scores the smallest id wins.
    return tuple(-ord(c) for c in s)

