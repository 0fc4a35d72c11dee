"""Online event clustering: each article joins the most similar open event or opens
a new one.

The similarity of an article to an event is the **average** of its similarity to the
event's members (average linkage, as in the TF-IDF baseline this is measured
against), computed from per-event sums of unit vectors so that a join costs one
sparse dot product per channel, whatever the event's size:

* **entities** (names, places, numbers; language-independent), for every member;
* **terms** (content-word stems), only against members of the article's language,
  where they replace a share ``alpha`` of the entity similarity;
* an optional **dense** channel (sentence embeddings, see the ``semantic`` builder).

The sum is then multiplied by a **date factor**: an article whose story happened
more than ``max_gap_days`` away from the event's cannot join it (the same ministers
meeting again three months later is another event); an unresolved weekday that
differs from the event's ("on Tuesday" vs "on Thursday") lowers the score, one that
agrees raises it.

A **sequel factor** keeps a later development of a storyline out of the event it
follows (a second flood, the dispute over a deal, the return of a minister): when one
side was published more than ``sequel_days`` after every member of the other, and it
either carries a sequel cue the other lacks ("again", "kembali", "semula", "putaran
kedua") or names a day later than any the other tells of (its lead opens on the
earlier happening but reports a newer one), the similarity is multiplied by
``sequel_factor``: same actors in the same place, days apart, with news of a new
turn, is another event. An article whose lead names such a newer day may also join
an event of that day (its date factor is the better of the two days').

Candidates come from an inverted index of each event's most informative keys, so a
join looks at a few dozen events, not all of them; events whose days are all too
far from the article's are left out before the cut (they could only score 0). After
the cut, a check of each event's first and last story (or publication) day skips
those whose date factor is surely 0 still, and the merge passes do the same with
pairs of events: in a dense corpus (hundreds of articles a day) they are half of
what the index finds, and scoring them made a join's cost grow with the articles
per day. Only what could not win is skipped, so the events are the same.

Two merge passes repair splits, over each event as it closes (see ``retire``; the
builder decides when) or over all of them after the pass: events whose average linkage reaches
the threshold, then events whose **centroids** are as similar (the parts of an event
told in different words each share little member by member, but their centroids
agree). Both are vetoed when each event's main name is weak in the other (the
**name anchors**): same words, different people, is the same kind of event, not
the same event.
"""

from __future__ import annotations

import array
import collections
import datetime as dt
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np

from .dates import ArticleDate

__all__ = ["TERM_PREFIX", "Cluster", "ClusterItem", "OnlineClusterer", "Params", "SequelSign", "Vectoriser", "dot"]

#: Index keys of terms are ``TERM_PREFIX + lang + ":" + term``; entity keys are bare.
TERM_PREFIX = "t:"
# Day span of a cluster without any day: it matches every window.
_NO_LO, _NO_HI = -(2**31), 2**31 - 1
# Pairs the merge gate cache holds before it starts afresh (bounds its memory).
_GATE_CACHE = 50_000
#: Evidence a name needs to anchor an event (see :meth:`Cluster.top_names`): one
#: member with a body writes it more than once, or two such members give it.
ANCHOR_EVIDENCE = 2
# How much each way of dating a story is trusted when events vote on their date.
DATE_METHOD_WEIGHT = {"explicit": 3.0, "relative-weekday": 2.0, "relative-day": 2.0, "published": 1.0}


@attrs.frozen
class Params:
    """Parameters of the online clustering (the defaults are the published ones).

    Attributes:
        threshold: Minimum similarity for an article to join an event.
        alpha: Share of the within-language similarity given to terms (the rest to
            entities); articles of different languages compare by entities only.
        dense_weight: Share given to the dense (embedding) channel when present.
        weekday_match: Factor when unresolved weekdays agree.
        weekday_mismatch: Factor when weekdays disagree.
        year_mismatch: Factor when the years the leads name disagree.
        max_gap_days: Two resolved story dates further apart than this never join.
        published_window_days: A story known only by its publication day happened
            at most this many days before it.
        candidate_keys: Keys of an article looked up in the inverted index.
        max_candidates: Events scored in full per article.
        max_posting: Most recent open events an index key finds.
        merge: After the pass, merge events whose average linkage reaches the
            threshold (repairs the order dependence of a single pass).
        centroid_merge: Then merge events whose centroids (summed member vectors)
            are similar: an event split in parts whose members each share little
            has parts with close centroids (the members' noise averages out).
        centroid_threshold: Cut of that pass; ``None``: ``threshold`` (for two
            single articles both similarities are the same number).
        anchor_names: Main names (heaviest name keys) per event compared by the
            anchor veto; 0 turns it off.
        anchor_ratio: Two events whose main names each weigh less than this share
            of their own weight in the other event never merge.
        anchor_link: Apply the veto to the average-linkage merge pass too (the
            centroid pass always applies it).
        sequel_days: An article or event published more than this many days
            after every member of another is compared with it for sequel signs.
        sequel_factor: Factor on the similarity of such a later report when it
            carries a sequel cue ("again", "kembali", "semula") the earlier side
            lacks, or names a day later than any the earlier side names; 1 turns
            it off.
        retire: Close events the stream of dated articles has left behind (their
            last day is further back than any later article's story can be, see
            :data:`~newscorpus.events.dates.STORY_LOOKBACK`): their merge passes run
            then and they leave memory, so the build holds the events of a few
            weeks, not of the whole corpus. ``False`` keeps every event to the end.
            No later article could have joined a closed event; its merges, though,
            are decided against the open events as they are when it closes, and an
            open event that grows afterwards could have drawn it in by the end of
            a build that never closes (a rare difference; docs/events.md, Known limits).
    """

    threshold: float = 0.22
    alpha: float = 0.5
    dense_weight: float = 0.5
    weekday_match: float = 1.15
    weekday_mismatch: float = 0.5
    year_mismatch: float = 0.6
    max_gap_days: int = 2
    published_window_days: int = 4
    candidate_keys: int = 12
    max_candidates: int = 48
    max_posting: int = 400
    merge: bool = True
    centroid_merge: bool = True
    centroid_threshold: float | None = None
    anchor_names: int = 1
    anchor_ratio: float = 0.5
    anchor_link: bool = True
    sequel_days: int = 2
    sequel_factor: float = 0.25
    retire: bool = True

    @property
    def reach(self) -> int:
        """Days within which two dates can still meet (the date factor's widest gate)."""
        return max(self.max_gap_days, self.published_window_days) + 1

    def replace(self, **changes: Any) -> Params:
        """A copy with ``changes``."""
        return attrs.evolve(self, **changes)


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Sparse dot product."""
    if len(a) > len(b):
        a, b = b, a
    # Shared keys only (a missing key adds 0.0, which leaves a float sum as it is):
    # a list and a membership test are 30% faster than a generator of b.get calls.
    return sum([w * b[k] for k, w in a.items() if k in b])


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {k: w / norm for k, w in vec.items()} if norm > 0 else {}


def _add(into: dict[str, float], vec: Mapping[str, float], scale: float = 1.0) -> None:
    for k, w in vec.items():
        into[k] = into.get(k, 0.0) + scale * w


def _add_counts(into: dict[str, int], counts: Mapping[str, int]) -> None:
    for k, n in counts.items():
        into[k] = into.get(k, 0) + n


class Vectoriser:
    """Document frequencies and the IDF weighting they give.

    Entity keys share one table across languages; terms count per language.
    """

    def __init__(self) -> None:
        self.n = 0
        self.df: collections.Counter[str] = collections.Counter()
        # (interned key, idf) per entity key and per language's term, filled on first
        # use: a build weighs every article against fixed frequencies, so each key's
        # logarithm is taken once, not once per article that has it. Valid while
        # ``n`` is what it was when filled (``count`` changes it).
        self._idf_ent: dict[str, tuple[str, float]] = {}
        self._idf_term: dict[str, dict[str, tuple[str, float]]] = {}
        self._idf_n = 0

    def count(self, entities: Iterable[str] | Mapping[str, float], terms: Iterable[str], lang: str) -> None:
        """Count one document's keys. Entities given as a mapping count their
        weights (how the default builder calls it); terms count once each."""
        self.n += 1
        self.df.update(entities)
        self.df.update(f"{lang}\x1f{t}" for t in terms)

    def idf(self, key: str) -> float:
        """Smoothed inverse document frequency, positive even for a key in every document."""
        return math.log(1.0 + self.n / (self.df.get(key, 0) + 1.0))

    def _fresh(self) -> None:
        if self._idf_n != self.n:
            self._idf_ent.clear()
            self._idf_term.clear()
            self._idf_n = self.n

    def entity_vector(self, weights: Mapping[str, float]) -> dict[str, float]:
        """Unit IDF-weighted entity vector."""
        self._fresh()
        cache = self._idf_ent
        out: dict[str, float] = {}
        for k, w in weights.items():
            hit = cache.get(k)
            if hit is None:
                hit = cache[k] = (sys.intern(k), self.idf(k))
            out[hit[0]] = w * hit[1]
        return _unit(out)

    def term_vector(self, weights: Mapping[str, float], lang: str) -> dict[str, float]:
        """Unit IDF-weighted term vector of language ``lang``."""
        self._fresh()
        cache = self._idf_term.get(lang)
        if cache is None:
            cache = self._idf_term[lang] = {}
        out: dict[str, float] = {}
        for k, w in weights.items():
            hit = cache.get(k)
            if hit is None:
                hit = cache[k] = (sys.intern(k), self.idf(f"{lang}\x1f{k}"))
            out[hit[0]] = w * hit[1]
        return _unit(out)


@attrs.define
class ClusterItem:
    """An article as the clusterer sees it."""

    id: str
    lang: str
    date: ArticleDate
    entities: dict[str, float]
    terms: dict[str, float]
    dense: np.ndarray | None = None
    keys: tuple[str, ...] = ()  # index keys, most informative first
    payload: Any = None  # what the builder needs back (features, meta)
    published: dt.date | None = None  # publication day
    sequel: bool = False  # a sequel cue in the headline or first paragraph
    # Evidence for the anchor veto of each key of the names the article gives as
    # actors (see ANCHOR_EVIDENCE): 2 for a name it writes more than once, 1 for a
    # name it writes once, none from a headline without a body. ``None``: not told,
    # every entity key but places and numbers may anchor (the veto as before).
    names: Mapping[str, int] | None = None
    newest: dt.date | None = None  # latest day the lead names, if after the story's day

    def sequel_sign(self) -> SequelSign:
        """The sequel evidence of this article alone."""
        newest = self.newest or (self.date.day if self.date.method != "published" else None)
        day = self.published.toordinal() if self.published else None
        return SequelSign(day, day, int(self.sequel), newest.toordinal() if newest else None)


@attrs.frozen
class SequelSign:
    """What the sequel factor compares of one side (an article or an event).

    Attributes:
        pub_lo: First publication day (ordinal), ``None`` if unknown.
        pub_hi: Last publication day (ordinal), ``None`` if unknown.
        cues: Members with a sequel cue.
        newest: Latest day the members name (ordinal), ``None`` if none resolved.
    """

    pub_lo: int | None
    pub_hi: int | None
    cues: int
    newest: int | None


def _sequel_of(late: SequelSign, early: SequelSign, max_gap: int) -> bool:
    """Whether ``late`` (published well after ``early``) tells of a newer happening:
    a sequel cue no member of ``early`` has, or a day beyond any ``early`` names."""
    if late.cues and not early.cues:
        return True
    return late.newest is not None and early.newest is not None and late.newest > early.newest + max_gap


@attrs.define(eq=False)
class Cluster:
    """An event being built: running sums of its members' vectors and dates."""

    id: str
    members: list[str] = attrs.field(factory=list)
    n: int = 0
    n_lang: collections.Counter[str] = attrs.field(factory=collections.Counter)
    ent_all: dict[str, float] = attrs.field(factory=dict)
    ent_lang: dict[str, dict[str, float]] = attrs.field(factory=dict)  # only with 2+ languages
    term_lang: dict[str, dict[str, float]] = attrs.field(factory=dict)
    dense: np.ndarray | None = None
    days: collections.Counter[dt.date] = attrs.field(factory=collections.Counter)  # resolved story days
    published: collections.Counter[dt.date] = attrs.field(factory=collections.Counter)
    weekdays: collections.Counter[int] = attrs.field(factory=collections.Counter)
    month_days: collections.Counter[tuple[int, int]] = attrs.field(factory=collections.Counter)
    years: collections.Counter[int] = attrs.field(factory=collections.Counter)
    # Sequel evidence (see Params.sequel_factor): publication span, members with a
    # sequel cue, the latest day members name. Not persisted with a state: a
    # reloaded event has none, and the factor then does not apply to it.
    pub_lo: int | None = None
    pub_hi: int | None = None
    sequels: int = 0
    newest: int | None = None
    # Index keys, as a dict used as an ordered set: a set of 20-60 strings takes
    # 2.2 kB, the dict 0.5-1.6 kB, and a dense corpus holds tens of thousands of events.
    keys: dict[str, None] = attrs.field(factory=dict)
    # The members' evidence for each key of their actor names, summed: a key with
    # ANCHOR_EVIDENCE or more may anchor the event (Cluster.top_names); ``None`` when
    # a member did not tell its names (then every name key may).
    name_keys: dict[str, int] | None = attrs.field(factory=dict)
    alive: bool = True
    order: int = 0  # creation order, for deterministic ties
    version: int = 0  # bumped on every change of the sums (keys the merge gate cache)
    _norms: dict[str, float] | None = attrs.field(default=None, repr=False)
    # Values derived from the sums for the merge passes (day ordinals, anchors),
    # which compare each event with dozens of others: computed once per change.
    _memo: dict[Any, Any] = attrs.field(factory=dict, repr=False)

    def day_ordinals(self) -> tuple[int, ...]:
        """Resolved story days as sorted ordinals, cached."""
        got = self._memo.get("days")
        if got is None:
            got = self._memo["days"] = tuple(sorted(d.toordinal() for d in self.days))
        return got

    def top_names(self, n: int) -> list[str]:
        """The ``n`` most weighted name keys (no places, no numbers), cached: keys of
        the members' actor names with :data:`ANCHOR_EVIDENCE` (any entity key when a
        member did not tell its names)."""
        key = f"names{n}"
        got: list[str] | None = self._memo.get(key)
        if got is None:
            ev = self.name_keys
            names = [k for k in self.ent_all if k[:1] not in "@#" and (ev is None or ev.get(k, 0) >= ANCHOR_EVIDENCE)]
            names.sort(key=lambda k: (-self.ent_all[k], k))
            got = self._memo[key] = names[:n]
        return got

    def published_ordinals(self) -> tuple[int, ...]:
        """Publication days (of members dated only by them) as sorted ordinals, cached."""
        got = self._memo.get("published")
        if got is None:
            got = self._memo["published"] = tuple(sorted(d.toordinal() for d in self.published))
        return got

    def norms(self) -> dict[str, float]:
        """Euclidean norms of the sums (``""`` entities, ``"t:" + lang`` terms), cached."""
        if self._norms is None:
            out = {"": math.sqrt(sum(w * w for w in self.ent_all.values()))}
            for lang, vec in self.term_lang.items():
                out[TERM_PREFIX + lang] = math.sqrt(sum(w * w for w in vec.values()))
            self._norms = out
        return self._norms

    def term_norm(self) -> float:
        """Norm of the term sums of all languages together (the centroid pass's), cached."""
        got: float | None = self._memo.get("term_norm")
        if got is None:
            got = self._memo["term_norm"] = math.sqrt(sum(v * v for k, v in self.norms().items() if k))
        return got

    def add(self, item: ClusterItem) -> None:
        """Add ``item``'s vectors and date to the sums."""
        self.members.append(item.id)
        self._norms = None
        self._memo.clear()
        self.version += 1
        self.n += 1
        self._split_languages({item.lang})
        self.n_lang[item.lang] += 1
        _add(self.ent_all, item.entities)
        if self.ent_lang:
            _add(self.ent_lang.setdefault(item.lang, {}), item.entities)
        if item.names is None:
            self.name_keys = None
        elif self.name_keys is not None:
            _add_counts(self.name_keys, item.names)
        _add(self.term_lang.setdefault(item.lang, {}), item.terms)
        if item.dense is not None:
            self.dense = item.dense.copy() if self.dense is None else self.dense + item.dense
        self._add_date(item.date)
        self._add_sign(item.sequel_sign())

    def sequel_sign(self) -> SequelSign:
        """The sequel evidence of the whole event."""
        return SequelSign(self.pub_lo, self.pub_hi, self.sequels, self.newest)

    def _add_sign(self, sign: SequelSign) -> None:
        if sign.pub_lo is not None and sign.pub_hi is not None:
            self.pub_lo = sign.pub_lo if self.pub_lo is None else min(self.pub_lo, sign.pub_lo)
            self.pub_hi = sign.pub_hi if self.pub_hi is None else max(self.pub_hi, sign.pub_hi)
        self.sequels += sign.cues
        if sign.newest is not None:
            self.newest = sign.newest if self.newest is None else max(self.newest, sign.newest)

    def ent_in(self, lang: str) -> dict[str, float]:
        """Entity sum of the members in ``lang``."""
        if lang not in self.n_lang:
            return {}
        return self.ent_all if len(self.n_lang) == 1 else self.ent_lang[lang]

    def _split_languages(self, incoming: set[str]) -> None:
        # A one-language event keeps no per-language entity sum (it would copy
        # ent_all); the first member of another language splits it out.
        if len(self.n_lang) == 1 and not self.ent_lang and incoming - set(self.n_lang):
            (lang,) = self.n_lang
            self.ent_lang[lang] = dict(self.ent_all)

    def _add_date(self, date: ArticleDate) -> None:
        if date.day is not None and date.method != "published":
            self.days[date.day] += 1
        elif date.day is not None:
            self.published[date.day] += 1
        if date.weekday is not None:
            self.weekdays[date.weekday] += 1
        if date.month_day is not None:
            self.month_days[date.month_day] += 1
        if date.year is not None:
            self.years[date.year] += 1

    def absorb(self, other: Cluster) -> None:
        """Merge ``other`` into this cluster."""
        self.members.extend(other.members)
        self._norms = None
        self._memo.clear()
        self.version += 1
        self.n += other.n
        self._split_languages(set(other.n_lang))
        if self.ent_lang:
            for lang in other.n_lang:
                _add(self.ent_lang.setdefault(lang, {}), other.ent_in(lang))
        self.n_lang.update(other.n_lang)
        _add(self.ent_all, other.ent_all)
        if self.name_keys is None or other.name_keys is None:
            self.name_keys = None
        else:
            _add_counts(self.name_keys, other.name_keys)
        for lang, vec in other.term_lang.items():
            _add(self.term_lang.setdefault(lang, {}), vec)
        if other.dense is not None:
            self.dense = other.dense.copy() if self.dense is None else self.dense + other.dense
        self.days.update(other.days)
        self.published.update(other.published)
        self.weekdays.update(other.weekdays)
        self.month_days.update(other.month_days)
        self.years.update(other.years)
        self._add_sign(other.sequel_sign())
        self.keys.update(other.keys)
        other.alive = False


def _ordinal_gap(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Fewest days between a day of ``a`` and a day of ``b`` (day ordinals)."""
    if len(a) == 1 and len(b) == 1:  # the common case: one day each
        return abs(a[0] - b[0])
    return min(abs(x - y) for x in a for y in b)


class OnlineClusterer:
    """Single-pass clustering with an inverted index (see the module docstring)."""

    def __init__(self, params: Params, id_of: Any = None) -> None:
        self.p = params
        self.clusters: dict[str, Cluster] = {}
        #: Index key -> creation orders of the clusters holding it, oldest first.
        self.index: dict[str, array.array[int]] = {}
        self.assignment: dict[str, str] = {}
        self._id_of = id_of or self._numbered
        self._order = 0
        # Clusters by creation order and whether each is alive, so that candidate
        # search counts and ranks plain integers in NumPy, not ids in Python.
        self._by_order: dict[int, Cluster] = {}
        self._alive = np.zeros(1024, dtype=bool)
        # First and last day (ordinals) of each cluster's story and publication
        # days, so that candidate search drops events too far away in time before
        # ranking, instead of scoring them to a date factor of 0.
        self._lo = np.full(1024, _NO_LO, dtype=np.int32)
        self._hi = np.full(1024, _NO_HI, dtype=np.int32)
        #: Days within which two dates can still meet (the date factor's widest gate).
        self.reach = params.reach
        #: Called as ``on_merge(kept, absorbed)`` when the merge pass joins two events.
        self.on_merge: Callable[[Cluster, Cluster], None] | None = None
        #: Ids of the clusters absorbed by merges, which leave ``clusters`` at once
        #: (a state deletes them).
        self.absorbed: list[str] = []
        self._forgotten = 0
        self._first_dated = 0  # see closable()
        # (order, order, anchors) -> (version, version, gate); see _gate().
        self._gates: dict[tuple[int, int, bool], tuple[int, int, float]] = {}
        # (order, order) -> (version, version, entity dot, term dot per shared
        # language) of the last average linkage of that ordered pair; see _dots_of().
        self._dots: dict[tuple[int, int], tuple[int, int, float, dict[str, float]]] = {}
        # Bumped whenever what candidates() reads changes (postings, spans, alive
        # clusters): a merge pass's candidates are reused while it stands still.
        self._generation = 0
        # order -> (generation, version, key count, candidates past the date gate).
        self._pass_candidates: dict[int, tuple[int, int, int, list[Cluster]]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # The merge callback belongs to the owner, which sets it again on loading.
        return {**self.__dict__, "on_merge": None}

    def _numbered(self, item: ClusterItem) -> str:
        return f"c{len(self.clusters)}"

    def register(self, c: Cluster) -> None:
        """Take in ``c`` (new, or loaded from a state) under its id and order."""
        self.clusters[c.id] = c
        self._by_order[c.order] = c
        self._order = max(self._order, c.order + 1)
        if c.order >= len(self._alive):
            size = max(2 * len(self._alive), c.order + 1)
            self._alive = np.concatenate([self._alive, np.zeros(size - len(self._alive), dtype=bool)])
            self._lo = np.concatenate([self._lo, np.full(size - len(self._lo), _NO_LO, dtype=np.int32)])
            self._hi = np.concatenate([self._hi, np.full(size - len(self._hi), _NO_HI, dtype=np.int32)])
        self._alive[c.order] = c.alive
        self._generation += 1
        self._set_span(c)

    def _set_span(self, c: Cluster) -> None:
        self._generation += 1
        days = c.day_ordinals() + c.published_ordinals()
        if days:
            self._lo[c.order], self._hi[c.order] = min(days), max(days)
            self._first_dated = min(self._first_dated, c.order)
        else:
            self._lo[c.order], self._hi[c.order] = _NO_LO, _NO_HI

    def window(self, c: Cluster) -> tuple[int, int] | None:
        """Day ordinals an event dated like ``c`` can pair with (``None``: any)."""
        if self._hi[c.order] == _NO_HI:
            return None
        return int(self._lo[c.order]) - self.reach, int(self._hi[c.order]) + self.reach

    def item_window(self, item: ClusterItem) -> tuple[int, int] | None:
        """Day ordinals of the events ``item`` can join (``None``: any)."""
        if item.date.day is None:
            return None
        day = item.date.day.toordinal()
        last = item.newest.toordinal() if item.newest is not None else day
        return day - self.reach, last + self.reach

    def closable(self, before: int) -> list[Cluster]:
        """Live dated clusters whose last day is before ordinal ``before``, oldest first."""
        n = self._order
        # No live dated cluster has an order below ``_first_dated``: a call costs the
        # events opened since the oldest open one, not every event of the corpus.
        first = self._first_dated
        live = np.flatnonzero(self._alive[first:n] & (self._hi[first:n] != _NO_HI)) + first
        self._first_dated = int(live[0]) if len(live) else n
        orders = live[self._hi[live] < before]
        return [self._by_order[o] for o in orders.tolist()]

    def forget(self, clusters: Iterable[Cluster]) -> None:
        """Drop closed ``clusters`` from memory, with their members' ``assignment``.
        Index postings of dropped clusters (closed or absorbed) are pruned now and
        then, when they make up most of the index."""
        for c in clusters:
            for mid in c.members:
                self.assignment.pop(mid, None)
            self._drop(c)
        self._gates.clear()  # the passes that shared it are over
        self._dots.clear()
        self._pass_candidates.clear()
        if self._forgotten > max(10_000, 2 * len(self.clusters)):
            self._prune_index()

    def _drop(self, c: Cluster) -> None:
        self._generation += 1
        self.clusters.pop(c.id, None)
        self._by_order.pop(c.order, None)
        self._alive[c.order] = False
        self._forgotten += 1

    def _prune_index(self) -> None:
        self._generation += 1
        alive = self._alive
        for key in list(self.index):
            posting = np.frombuffer(self.index[key], dtype=np.int64)
            kept = posting[alive[posting]]
            if not len(kept):
                del self.index[key]
            elif len(kept) < len(posting):
                self.index[key] = array.array("q", kept.tobytes())
        self._forgotten = 0

    def index_key(self, key: str, c: Cluster) -> None:
        """Let ``key`` find ``c`` (appended: postings are kept oldest first)."""
        self._generation += 1
        posting = self.index.get(key)
        if posting is None:
            posting = self.index[key] = array.array("q")
        posting.append(c.order)

    # -- dates ---------------------------------------------------------------------
    def date_factor(self, date: ArticleDate, c: Cluster) -> float:
        """Multiplier of the similarity of an article dated ``date`` to ``c``."""
        factor = self._day_factor(date, c)
        if date.year is not None and c.years and date.year not in c.years:
            factor *= self.p.year_mismatch  # "the 2008 Oscars" against a 2013 story
        return factor

    def _day_factor(self, date: ArticleDate, c: Cluster) -> float:
        p = self.p
        window = p.published_window_days
        if date.day is not None and date.method != "published":
            if c.days:
                gap = _ordinal_gap((date.day.toordinal(),), c.day_ordinals())
                if gap > p.max_gap_days:
                    return 0.0
                return p.weekday_match if gap == 0 else 1.0
            if c.published:
                lo, hi = min(c.published), max(c.published)
                ok = lo - dt.timedelta(days=window) <= date.day <= hi + dt.timedelta(days=1)
                return 1.0 if ok else 0.0
            if c.weekdays:
                return p.weekday_match if date.day.weekday() in c.weekdays else p.weekday_mismatch
            return 1.0
        if date.day is not None:  # known only by its publication day
            if c.days:
                lo = date.day - dt.timedelta(days=window)
                hi = date.day + dt.timedelta(days=1)
                return 1.0 if any(lo <= d <= hi for d in c.days) else 0.0
            if c.published:
                return 1.0 if _ordinal_gap((date.day.toordinal(),), c.published_ordinals()) <= window else 0.0
            return 1.0
        if date.weekday is not None and (c.weekdays or c.days):
            return p.weekday_match if date.weekday in c.weekdays else p.weekday_mismatch
        if date.month_day is not None and c.month_days:
            return p.weekday_match if date.month_day in c.month_days else p.weekday_mismatch
        return 1.0

    def sequel_factor(self, a: SequelSign, b: SequelSign) -> float:
        """``sequel_factor`` when one side, published more than ``sequel_days``
        after the other, tells of a newer happening (see the module docstring); else 1."""
        p = self.p
        if p.sequel_factor == 1.0 or a.pub_lo is None or a.pub_hi is None or b.pub_lo is None or b.pub_hi is None:
            return 1.0
        if a.pub_lo - b.pub_hi > p.sequel_days:
            late, early = a, b
        elif b.pub_lo - a.pub_hi > p.sequel_days:
            late, early = b, a
        else:
            return 1.0
        return p.sequel_factor if _sequel_of(late, early, p.max_gap_days) else 1.0

    def _pair_sequel(self, a: Cluster, b: Cluster) -> float:
        if a.pub_lo is None or b.pub_lo is None or self.p.sequel_factor == 1.0:
            return 1.0
        if a.pub_hi is not None and b.pub_hi is not None:
            # No publication gap, no sequel (sequel_factor's first test, before
            # building the two signs: most pairs a merge pass scores).
            days = self.p.sequel_days
            if a.pub_lo - b.pub_hi <= days and b.pub_lo - a.pub_hi <= days:
                return 1.0
        return self.sequel_factor(a.sequel_sign(), b.sequel_sign())

    def pair_date_factor(self, a: Cluster, b: Cluster) -> float:
        """Date multiplier between two clusters (for the merge pass)."""
        p = self.p
        if a.years and b.years and a.years.keys().isdisjoint(b.years.keys()):
            return p.year_mismatch * self._pair_day_factor(a, b)
        return self._pair_day_factor(a, b)

    def _pair_day_factor(self, a: Cluster, b: Cluster) -> float:
        p = self.p
        if a.days and b.days:
            gap = _ordinal_gap(a.day_ordinals(), b.day_ordinals())
            return 0.0 if gap > p.max_gap_days else (p.weekday_match if gap == 0 else 1.0)
        if (a.days or a.published) and (b.days or b.published):
            da = a.day_ordinals() if a.days else a.published_ordinals()
            db = b.day_ordinals() if b.days else b.published_ordinals()
            gap = _ordinal_gap(da, db)
            return 1.0 if gap <= p.published_window_days else 0.0
        if a.weekdays and b.weekdays:
            return p.weekday_mismatch if a.weekdays.keys().isdisjoint(b.weekdays.keys()) else p.weekday_match
        return 1.0

    # -- similarity ----------------------------------------------------------------
    def lexical(self, item: ClusterItem, c: Cluster) -> float:
        """Average similarity of ``item`` to the members of ``c``, before dates."""
        a = self.p.alpha
        e_all = dot(item.entities, c.ent_all)
        same = c.n_lang.get(item.lang, 0)
        if same:
            ent_in = c.ent_in(item.lang)
            # A one-language event's sum in its language is its ent_all: the same
            # dot product, not computed twice.
            e_same = e_all if ent_in is c.ent_all else dot(item.entities, ent_in)
            t_same = dot(item.terms, c.term_lang[item.lang])
            total = e_all - a * e_same + a * t_same
        else:
            total = e_all
        score = total / c.n
        if item.dense is not None and c.dense is not None:
            w = self.p.dense_weight
            score = (1 - w) * score + w * float(item.dense @ c.dense) / c.n
        return score

    def score(self, item: ClusterItem, c: Cluster) -> float:
        """Similarity of ``item`` to ``c`` (dates included)."""
        factor = self.date_factor(item.date, c)
        if item.newest is not None:
            # The lead's newest day is the article's own news as much as its first
            # date (which may be the earlier happening it recalls): either may match.
            newer = attrs.evolve(item.date, day=item.newest, method="explicit", weekday=item.newest.weekday())
            factor = max(factor, self.date_factor(newer, c))
        if factor == 0.0:
            return 0.0
        p = self.p
        if item.published is not None and c.pub_lo is not None and c.pub_hi is not None and p.sequel_factor != 1.0:
            # Signs are compared only across a publication gap (rare: most candidates
            # were published within days of the article).
            day = item.published.toordinal()
            if day - c.pub_hi > p.sequel_days or c.pub_lo - day > p.sequel_days:
                factor *= self.sequel_factor(item.sequel_sign(), c.sequel_sign())
        return factor * self.lexical(item, c)

    def link(self, a: Cluster, b: Cluster) -> float:
        """Average linkage between two clusters (dates and the anchor veto included)."""
        gate = self._gate(a, b, self.p.anchor_link)
        return 0.0 if gate == 0.0 else gate * self._link_lexical(a, b)

    def _gate(self, a: Cluster, b: Cluster, anchors: bool) -> float:
        """Date and sequel factor of a pair of clusters, 0 when the anchor veto
        (if ``anchors``) forbids it. Both merge passes ask it of mostly the same
        pairs, and it costs them more than their dot products (most pairs are
        gated out), so it is kept per pair until either cluster changes. It is
        symmetric, so ``(a, b)`` and ``(b, a)`` share an entry."""
        x, y = (a, b) if a.order <= b.order else (b, a)
        key = (x.order, y.order, anchors)
        hit = self._gates.get(key)
        if hit is not None and hit[0] == x.version and hit[1] == y.version:
            return hit[2]
        factor = self.pair_date_factor(a, b)
        # The veto first: it costs a few lookups, the sums' dot products far more.
        vetoed = factor == 0.0 or (anchors and self.anchors_differ(a, b))
        gate = 0.0 if vetoed else factor * self._pair_sequel(a, b)
        if len(self._gates) >= _GATE_CACHE:
            self._gates.clear()
        self._gates[key] = (x.version, y.version, gate)
        return gate

    def _link_lexical(self, a: Cluster, b: Cluster) -> float:
        al = self.p.alpha
        e_all = dot(a.ent_all, b.ent_all)
        total = e_all
        terms: dict[str, float] = {}
        for lang in a.n_lang.keys() & b.n_lang.keys():
            ea, eb = a.ent_in(lang), b.ent_in(lang)
            # One-language events (most): the sums in the language are the ent_all
            # just multiplied, the same dot product.
            total -= al * (e_all if ea is a.ent_all and eb is b.ent_all else dot(ea, eb))
            t = terms[lang] = dot(a.term_lang[lang], b.term_lang[lang])
            total += al * t
        if len(self._dots) >= _GATE_CACHE:
            self._dots.clear()
        self._dots[(a.order, b.order)] = (a.version, b.version, e_all, terms)
        score = total / (a.n * b.n)
        if a.dense is not None and b.dense is not None:
            w = self.p.dense_weight
            score = (1 - w) * score + w * float(a.dense @ b.dense) / (a.n * b.n)
        return score

    def _anchors(self, c: Cluster) -> list[str]:
        return c.top_names(self.p.anchor_names)

    def anchors_differ(self, a: Cluster, b: Cluster) -> bool:
        """Whether each event's main names are weak in the other (two rehab
        check-ins by different celebrities): must-not-link evidence."""
        if self.p.anchor_names <= 0:
            return False
        na, nb = a.norms()[""], b.norms()[""]
        if not na or not nb:
            return False
        return self._weak_in(a, na, b, nb) and self._weak_in(b, nb, a, na)

    def _weak_in(self, x: Cluster, nx: float, y: Cluster, ny: float) -> bool:
        """Whether every anchor of ``x`` weighs less in ``y`` than ``anchor_ratio``
        of its weight in ``x`` (shares of each event's entity norm)."""
        r = self.p.anchor_ratio
        memo = ("anchors", self.p.anchor_names, r)
        cuts: list[tuple[str, float]] | None = x._memo.get(memo)
        if cuts is None:
            # Each anchor's side of the comparison, as the expression computed it
            # for every pair: one event meets dozens in a merge pass.
            cuts = x._memo[memo] = [(k, r * x.ent_all[k] / nx) for k in self._anchors(x)]
        if not cuts:
            return False
        get = y.ent_all.get
        return all(get(k, 0.0) / ny < cut for k, cut in cuts)

    def centroid_link(self, a: Cluster, b: Cluster) -> float:
        """Cosine of the two events' centroids (dates and the anchor veto included):
        entities across languages, terms within each shared language, mixed as for
        articles."""
        gate = self._gate(a, b, True)
        return 0.0 if gate == 0.0 else gate * self._centroid_lexical(a, b)

    def _dots_of(self, a: Cluster, b: Cluster) -> tuple[float, dict[str, float]] | None:
        """The entity and term dot products the average linkage of ``(a, b)`` (this
        order) computed, if neither changed since: the centroid pass asks for the
        same products of the same pairs (the very same computations, so the same
        numbers to the last bit)."""
        hit = self._dots.get((a.order, b.order))
        if hit is not None and hit[0] == a.version and hit[1] == b.version:
            return hit[2], hit[3]
        return None

    def _centroid_lexical(self, a: Cluster, b: Cluster) -> float:
        na, nb = a.norms(), b.norms()
        dots = self._dots_of(a, b)
        if na[""] and nb[""]:
            ent = (dots[0] if dots is not None else dot(a.ent_all, b.ent_all)) / (na[""] * nb[""])
        else:
            ent = 0.0
        # Terms weigh in the share of member pairs that share a language.
        shared = a.n_lang.keys() & b.n_lang.keys()
        share = sum(a.n_lang[lang] * b.n_lang[lang] for lang in shared) / (a.n * b.n)
        term = 0.0
        if share:
            num = 0.0
            for lang in shared:
                num += dots[1][lang] if dots is not None else dot(a.term_lang[lang], b.term_lang[lang])
            den = a.term_norm() * b.term_norm()
            term = num / den if den else 0.0
        al = self.p.alpha * share
        score = (1 - al) * ent + al * term
        if a.dense is not None and b.dense is not None:
            w = self.p.dense_weight
            da, db = float(np.linalg.norm(a.dense)), float(np.linalg.norm(b.dense))
            if da and db:
                score = (1 - w) * score + w * float(a.dense @ b.dense) / (da * db)
        return score

    # -- the pass ------------------------------------------------------------------
    def candidates(
        self, keys: Iterable[str], exclude: str | None = None, window: tuple[int, int] | None = None
    ) -> list[Cluster]:
        """Live clusters sharing index keys, most shared first (ties: oldest first);
        with ``window`` (day ordinals) only those with a day in it or none at all."""
        cap = self.p.max_posting
        index = self.index
        hits = array.array("q")
        for key in keys:
            posting = index.get(key)
            if posting is not None:
                if len(posting) > cap:
                    posting = self._live_posting(key, posting)
                hits += posting if len(posting) <= cap else posting[-cap:]
        if not hits:
            return []
        # The hottest loop of the build: counting and ranking thousands of postings
        # per article. In NumPy it is several times faster than a Counter and a heap.
        # Dropping dead, excluded and out-of-window hits before counting leaves the
        # same counts and halves what np.unique sorts.
        h = np.frombuffer(hits, dtype=np.int64)
        keep = self._alive[h]
        if exclude is not None:
            keep &= h != self.clusters[exclude].order
        if window is not None:
            keep &= (self._hi[h] >= window[0]) & (self._lo[h] <= window[1])
        h = h[keep]
        if not len(h):
            return []
        lo = int(h.min())
        span = int(h.max()) - lo + 1
        if span <= 4 * len(h) + 256:
            # Hits of one article mostly fall on events of the last few days, a
            # narrow band of orders: counting them in place beats sorting them.
            tally = np.bincount(h - lo, minlength=span)
            orders = np.flatnonzero(tally)
            counts = tally[orders]
            orders += lo
        else:
            orders, counts = np.unique(h, return_counts=True)
        # ``orders`` is ascending, so a stable sort on -counts breaks ties by age.
        top = orders[np.argsort(-counts, kind="stable")[: self.p.max_candidates]]
        by_order = self._by_order
        return [by_order[o] for o in top.tolist()]

    def _live_posting(self, key: str, posting: array.array[int]) -> array.array[int]:
        """``key``'s posting without closed or absorbed events (kept so).

        The ``max_posting`` most recent events of a long posting are counted among
        live events only, so that what a key finds depends on the open events alone,
        never on how many closed ones a run happens to still hold (a windowed build
        compares two runs' open events; see ``DefaultEventBuilder.build_window``)."""
        h = np.frombuffer(posting, dtype=np.int64)
        live = h[self._alive[h]]
        if len(live) < len(h):
            posting = self.index[key] = array.array("q", live.tobytes())
        return posting

    def _date_zero(self, item: ClusterItem, c: Cluster) -> bool:
        """Whether :meth:`score` surely gives ``item`` 0 against ``c`` for their dates:
        every story (or publication) day of ``c`` is too far from the article's day
        and from the newer day its lead names, judged from the first and last day
        alone (a span too far means every day in it is). ``False`` where unsure."""
        date = item.date
        return self._day_zero(date.day, date.method != "published", c) and (
            item.newest is None or self._day_zero(item.newest, True, c)  # score() tries it too
        )

    def _day_zero(self, day: dt.date | None, resolved: bool, c: Cluster) -> bool:
        """Whether :meth:`_day_factor` is surely 0 for a date on ``day`` (``resolved``:
        a story day, not only a publication day) against ``c``."""
        if day is None:  # weekdays, month days and years only scale the score
            return False
        p = self.p
        d, w = day.toordinal(), p.published_window_days
        days = c.day_ordinals()
        if days:
            if resolved:  # gap > max_gap_days
                return d < days[0] - p.max_gap_days or d > days[-1] + p.max_gap_days
            return days[-1] < d - w or days[0] > d + 1  # no story day in [d - window, d + 1]
        published = c.published_ordinals()
        if published:
            if resolved:  # outside [first - window, last + 1]
                return d < published[0] - w or d > published[-1] + 1
            return d < published[0] - w or d > published[-1] + w  # gap > window
        return False

    def _pair_date_zero(self, a: Cluster, b: Cluster) -> bool:
        """Whether :meth:`pair_date_factor` of ``a`` and ``b`` is surely 0, judged
        from their first and last days (see :meth:`_date_zero`)."""
        p = self.p
        da, db = a.day_ordinals(), b.day_ordinals()
        if da and db:  # story days both: gap > max_gap_days
            return da[-1] + p.max_gap_days < db[0] or db[-1] + p.max_gap_days < da[0]
        ea, eb = da or a.published_ordinals(), db or b.published_ordinals()
        if ea and eb:  # a publication day on one side: gap > published_window_days
            w = p.published_window_days
            return ea[-1] + w < eb[0] or eb[-1] + w < ea[0]
        return False

    def add(self, item: ClusterItem) -> tuple[Cluster, float]:
        """Put ``item`` in its best event (or a new one); return it and the score."""
        best: Cluster | None = None
        best_score = self.p.threshold
        # A score of 0 never reaches a positive threshold: skip what the date gate
        # surely zeroes (about half of the candidates of a dense corpus) at a
        # fraction of what scoring it to 0 costs.
        gated = best_score > 0
        for c in self.candidates(item.keys[: self.p.candidate_keys], window=self.item_window(item)):
            if gated and self._date_zero(item, c):
                continue
            s = self.score(item, c)
            if s >= best_score and (best is None or s > best_score):
                best, best_score = c, s
        score = best_score if best is not None else 1.0
        if best is None:
            best = self.new_cluster(self._id_of(item))
        self.join(item, best)
        return best, score

    def join(self, item: ClusterItem, c: Cluster) -> None:
        """Put ``item`` in the event ``c``: its sums, its time span, the key index
        and the assignment (what :meth:`add` does once it has chosen ``c``)."""
        c.add(item)
        self._set_span(c)
        self._index(c, item.keys)
        self.assignment[item.id] = c.id

    def new_cluster(self, cid: str) -> Cluster:
        """Open an empty cluster with id ``cid``."""
        c = Cluster(cid, order=self._order)
        self.register(c)
        return c

    def _index(self, c: Cluster, keys: Iterable[str]) -> None:
        for key in keys:
            if key not in c.keys:
                c.keys[key] = None
                self.index_key(key, c)

    @staticmethod
    def top_keys(c: Cluster, n: int) -> list[str]:
        """The ``n`` index keys that weigh most in ``c`` (cached until its sums or
        its keys change: both merge passes ask)."""
        memo = f"top{n}"
        hit = c._memo.get(memo)
        if hit is not None and hit[0] == len(c.keys):  # keys are only ever added
            top: list[str] = hit[1]
            return top

        def weight(key: str) -> float:
            if key.startswith(TERM_PREFIX):
                lang, _, term = key[len(TERM_PREFIX) :].partition(":")
                return c.term_lang.get(lang, {}).get(term, 0.0)
            return c.ent_all.get(key, 0.0)

        top = sorted(c.keys, key=lambda k: (-weight(k), k))[:n]
        c._memo[memo] = (len(c.keys), top)
        return top

    def merge_pass(
        self,
        scope: Iterable[str] | None = None,
        link: Callable[[Cluster, Cluster], float] | None = None,
        threshold: float | None = None,
    ) -> int:
        """Merge pairs of live clusters whose linkage reaches the threshold, best
        pair first, until none is left; return the number of merges. ``scope``
        limits the clusters that may start a merge (those touched by this run);
        ``link`` and ``threshold`` default to average linkage and ``threshold``."""
        link = link or self.link
        cut = self.p.threshold if threshold is None else threshold
        gated = cut > 0 and link in (self.link, self.centroid_link)
        scope = set(scope) if scope is not None else None
        merges = 0
        pending = sorted(
            (c for c in self.clusters.values() if c.alive and (scope is None or c.id in scope)),
            key=lambda c: c.order,
        )
        queue = collections.deque(pending)
        while queue:
            c = queue.popleft()
            if not c.alive:
                continue
            best: Cluster | None = None
            best_score = cut
            for other in self._merge_candidates(c, gated):
                s = link(c, other)
                if s >= best_score and (best is None or s > best_score):
                    best, best_score = other, s
            if best is None:
                continue
            keep, gone = (c, best) if c.order < best.order else (best, c)
            keep.absorb(gone)
            self._drop(gone)
            self.absorbed.append(gone.id)
            self._set_span(keep)
            if self.on_merge is not None:
                self.on_merge(keep, gone)
            for key in gone.keys:
                self.index_key(key, keep)
            for mid in gone.members:
                self.assignment[mid] = keep.id
            merges += 1
            if scope is not None:
                scope.add(keep.id)
            queue.append(keep)
        return merges

    def _merge_candidates(self, c: Cluster, gated: bool) -> list[Cluster]:
        """The events ``c`` may merge with, in :meth:`candidates` order; with
        ``gated``, without those the dates surely gate out (both built-in linkages
        are 0 there: most pairs a closing event meets in a dense corpus). Kept while
        nothing candidates() reads changes: the centroid pass after an average-linkage
        pass that merged nothing asks the same of every event."""
        hit = self._pass_candidates.get(c.order)
        if gated and hit is not None and hit[0] == self._generation and hit[1] == c.version and hit[2] == len(c.keys):
            return hit[3]
        keys = self.top_keys(c, 3 * self.p.candidate_keys)
        found = self.candidates(keys, exclude=c.id, window=self.window(c))
        if gated:
            found = [other for other in found if not self._pair_date_zero(c, other)]
            if len(self._pass_candidates) >= _GATE_CACHE:
                self._pass_candidates.clear()
            self._pass_candidates[c.order] = (self._generation, c.version, len(c.keys), found)
        return found

    def live(self) -> Iterator[Cluster]:
        """Live clusters in creation order."""
        return (c for c in sorted(self.clusters.values(), key=lambda c: c.order) if c.alive)
