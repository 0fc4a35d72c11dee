"""The event builder interface."""

from __future__ import annotations

import array
import collections
import io
import itertools
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, ClassVar, TypeAlias

import attrs
import numpy as np

from ..models import Article, ArticleMeta, Event
from ..workdir import loads_json

__all__ = [
    "EventBuilder",
    "EventItem",
    "FeatureFile",
    "OrderedItems",
    "SavedState",
    "TextColumn",
    "WindowEnds",
    "publication_order",
    "stitch_windows",
]


class FeatureFile:
    """A JSONL file of ``{"meta": ..., "f": features}`` records, read by offset.

    The events stage keeps only offsets into these files, so its memory holds no
    copy of every article's features (2.9 GB of dicts at 100k articles).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._fd: int | None = None

    def read(self, offset: int, length: int) -> Any:
        """The features of the record at ``offset`` (``length`` bytes)."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        # loads_json: json.loads's result at about half its cost (the build reads
        # each record twice).
        return loads_json(os.pread(self._fd, length, offset))["f"]

    def close(self) -> None:
        """Close the file (a later read opens it again)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __getstate__(self) -> dict[str, Any]:
        # A saved build state refers to features by path; descriptors stay behind.
        return {"path": self.path, "_fd": None}


@attrs.frozen
class EventItem:
    """One primary article as an event builder sees it.

    Attributes:
        meta: Id, position, date, source and language of the article.
        features: What :meth:`EventBuilder.features` computed for it. Items of a
            pipeline run read it from the stage's files on each access, so a
            builder that needs it again later should keep what it needs.
    """

    meta: ArticleMeta
    _features: Any = attrs.field(default=None, alias="features")
    _ref: tuple[FeatureFile, int, int] | None = attrs.field(default=None, alias="ref", repr=False, eq=False)

    @property
    def features(self) -> Any:
        """The item's features (read from its file when it has one)."""
        if self._ref is not None:
            store, offset, length = self._ref
            return store.read(offset, length)
        return self._features


def publication_order(meta: ArticleMeta) -> tuple[str, str]:
    """Sort key of the order builders see articles in: publication time, undated
    articles last, ties by id (so that the order equal-date articles arrive in
    never changes the events)."""
    return (meta.published or "~", meta.id)


class TextColumn:
    """A column of strings as one UTF-8 buffer and their end offsets: a sequence
    of ``str`` (each decoded on access) without an object per string.

    A table of a million articles holds two strings per article (id and publication
    time); as ``str`` objects they took two thirds of its memory (146 of 234 bytes
    an article), and a part cut from the table kept the whole table's memory pages
    alive, its strings scattered among the others'.
    """

    __slots__ = ("_data", "_ends")

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._ends = array.array("q")
        for value in values:
            self.append(value)

    def append(self, value: str) -> None:
        """Add ``value`` at the end."""
        self._data += value.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        ends = self._ends
        if i < 0:
            i += len(ends)
        end = ends[i]  # IndexError when out of range, as a list's
        start = ends[i - 1] if i > 0 else 0
        return self._data[start:end].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        data, start = self._data, 0
        for end in self._ends:
            yield data[start:end].decode("utf-8", "surrogatepass")
            start = end

    def fixed(self, rows: np.ndarray, empty: bytes = b"", limit: int = 256 << 20) -> np.ndarray | None:
        """The strings at ``rows`` as a NumPy ``S`` array (UTF-8, NUL-padded to the
        longest), ``empty`` standing for an empty string; ``None`` when that array
        would not order as the strings do (a string holding NUL: ``S`` drops trailing
        NULs) or would take more than ``limit`` bytes.

        UTF-8 bytes (surrogates included, as ``surrogatepass`` writes them) sort in
        code-point order, so the array sorts as the ``str`` values would, without a
        Python object per string.
        """
        if b"\0" in self._data or b"\0" in empty:
            return None
        ends = np.frombuffer(self._ends, dtype=np.int64)
        rows = np.asarray(rows, dtype=np.int64)
        stops = ends[rows]
        starts = np.where(rows > 0, ends[np.maximum(rows - 1, 0)], 0)
        lens = stops - starts
        width = max(int(lens.max(initial=0)), len(empty), 1)
        if len(rows) * width > limit:
            return None
        data = np.frombuffer(self._data, dtype=np.uint8)
        out = np.zeros((len(rows), width), dtype=np.uint8)
        step = max(1, (4 << 20) // width)  # rows per block: the gather's index stays small
        for lo in range(0, len(rows), step):
            b_lens, b_starts = lens[lo : lo + step], starts[lo : lo + step]
            total = int(b_lens.sum())
            if total:
                within = np.cumsum(b_lens) - b_lens
                idx = np.repeat(b_starts - within, b_lens) + np.arange(total)
                out[lo : lo + step][np.arange(width) < b_lens[:, None]] = data[idx]
        del data, ends  # a bytearray with a view on it cannot grow
        if empty:
            out[lens == 0, : len(empty)] = np.frombuffer(empty, dtype=np.uint8)
        return out.view(f"S{width}").ravel()


class OrderedItems:
    """Articles as compact columns, handed out as :class:`EventItem` in
    :func:`publication_order`.

    The events stage holds every article of a run in one of these: a few numbers
    and two strings per article (about 120 bytes) where an ``EventItem`` with its
    ``ArticleMeta`` took 670. Iterating (as often as needed) builds each item afresh,
    with its features read from its :class:`FeatureFile` on access. Only the
    articles given to :meth:`select` are handed out; all appended ones can be
    looked up by :meth:`row` and :meth:`meta`.

    Attributes:
        ids: Article id of each row (a :class:`TextColumn`).
        published: Publication time of each row, ISO (``""``: none).
        first_rank: Place in the whole order of the first article handed out: 0,
            or where the run's order this table is a :meth:`part` of starts.
    """

    def __init__(self) -> None:
        self.ids = TextColumn()
        self.published = TextColumn()
        self.first_rank = 0
        self._shard = array.array("i")
        self._pos = array.array("i")
        self._length = array.array("q")
        self._source = array.array("i")
        self._language = array.array("i")
        self._store = array.array("i")
        self._offset = array.array("q")
        self._nbytes = array.array("q")
        self._codes: dict[str, int] = {}
        self._names: list[str] = []  # sources and languages, by code
        self._stores: list[FeatureFile] = []
        self._store_index: dict[int, int] = {}
        self._rows: dict[str, int] | None = None
        self._order = array.array("q")
        self._selected = bytearray()

    def _code(self, name: str) -> int:
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = len(self._names)
            self._names.append(name)
        return code

    def append(self, meta: ArticleMeta, ref: tuple[FeatureFile, int, int] | None = None) -> int:
        """Add an article (features at ``ref``, if any); returns its row."""
        store, offset, nbytes = ref if ref is not None else (None, 0, 0)
        if store is not None and id(store) not in self._store_index:
            self._store_index[id(store)] = len(self._stores)
            self._stores.append(store)
        self.ids.append(meta.id)
        self.published.append(meta.published)
        self._shard.append(meta.shard)
        self._pos.append(meta.pos)
        self._length.append(meta.length)
        self._source.append(self._code(meta.source))
        self._language.append(self._code(meta.language))
        self._store.append(-1 if store is None else self._store_index[id(store)])
        self._offset.append(offset)
        self._nbytes.append(nbytes)
        self._rows = None
        return len(self.ids) - 1

    def __len__(self) -> int:
        return len(self._order)

    def select(self, rows: Iterable[int]) -> None:
        """Hand out the articles at ``rows`` (in :func:`publication_order`)."""
        picked = np.fromiter(rows, dtype=np.int64)
        # NumPy's stable sort on UTF-8 bytes: the same order as sorting the rows by
        # (published or "~", id) in Python, without two str and a tuple per row (at a
        # million rows those took ~200 MB, left as fragmented heap after the sort).
        published = self.published.fixed(picked, empty=b"~")
        ids = self.ids.fixed(picked)
        if published is None or ids is None:
            pub, aid = self.published, self.ids
            order: Sequence[int] | np.ndarray = sorted(picked.tolist(), key=lambda r: (pub[r] or "~", aid[r]))
        else:
            order = picked[np.lexsort((ids, published))]
        self._hand_out(order)

    def _hand_out(self, order: Sequence[int] | np.ndarray) -> None:
        rows = np.asarray(order, dtype=np.int64)
        self._order = array.array("q", rows.tobytes())
        selected = np.zeros(len(self.ids), dtype=np.uint8)
        selected[rows] = 1
        self._selected = bytearray(selected.tobytes())

    def handed_out(self, row: int) -> bool:
        """Whether the article at ``row`` is one of those iteration hands out."""
        return 0 <= row < len(self._selected) and bool(self._selected[row])

    def rows(self) -> Iterator[int]:
        """The rows handed out, in order."""
        return iter(self._order)

    def part(self, start: int, stop: int) -> OrderedItems:
        """A table of only the articles handed out at places ``start`` to
        ``stop - 1`` of the order (all handed out, in the same order; its
        ``first_rank`` says where it starts), with the same feature files.

        A window of a windowed build reads this part alone: it holds the window's
        articles, not the run's."""
        out = OrderedItems()
        out._codes, out._names = dict(self._codes), list(self._names)
        out._stores, out._store_index = list(self._stores), dict(self._store_index)
        rows = self._order[start:stop]
        out.ids = TextColumn(self.ids[r] for r in rows)
        out.published = TextColumn(self.published[r] for r in rows)
        for name in ("_shard", "_pos", "_length", "_source", "_language", "_store", "_offset", "_nbytes"):
            column = getattr(self, name)
            setattr(out, name, array.array(column.typecode, [column[r] for r in rows]))
        out._hand_out(np.arange(len(rows), dtype=np.int64))
        out.first_rank = self.first_rank + max(0, start)
        return out

    def _index(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {aid: r for r, aid in enumerate(self.ids)}
        return self._rows

    def row(self, article_id: str) -> int:
        """Row of an appended article (``KeyError`` if none)."""
        return self._index()[article_id]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._index()

    def meta(self, row: int) -> ArticleMeta:
        """The :class:`ArticleMeta` of the article at ``row``."""
        names = self._names
        return ArticleMeta(
            id=self.ids[row],
            shard=self._shard[row],
            pos=self._pos[row],
            published=self.published[row],
            length=self._length[row],
            source=names[self._source[row]],
            language=names[self._language[row]],
        )

    def item(self, row: int) -> EventItem:
        """The :class:`EventItem` of the article at ``row``."""
        s = self._store[row]
        ref = (self._stores[s], self._offset[row], self._nbytes[row]) if s >= 0 else None
        return EventItem(self.meta(row), ref=ref)

    def __iter__(self) -> Iterator[EventItem]:
        for row in self._order:
            yield self.item(row)


#: A window's saved end state: its bytes, or a function that writes them to a binary
#: file, so that a large state (~90 MB at a million articles) is never held in
#: memory a second time as one bytes object.
SavedState: TypeAlias = "bytes | Callable[[IO[bytes]], None]"


@attrs.frozen
class WindowEnds:
    """What one window of a windowed build leaves for the stitch.

    Attributes:
        start: Fingerprint of the build's state at the window's first day (before
            that day's articles), as this window reached it from its warm-up.
        end: Fingerprint of its state after its last day (``None``: last window).
        state: That end state, saved (``None``: last window).
        checkpoints: ``(day, fingerprint, events)`` at later days of the window: the
            fingerprint of its state before that day's articles and how many of its
            events had closed by then. A stitch rebuilding the window stops at the
            first checkpoint its state meets and takes the window's events from there.
    """

    start: str | None
    end: str | None
    state: SavedState | None
    checkpoints: tuple[tuple[int, str, int], ...] = ()

    def write_state(self, fh: IO[bytes]) -> None:
        """Write the saved end state to the binary file ``fh`` (nothing when there is none)."""
        if callable(self.state):
            self.state(fh)
        elif self.state is not None:
            fh.write(self.state)

    def state_bytes(self) -> bytes | None:
        """The saved end state as one bytes object (``None`` when there is none)."""
        if self.state is None or isinstance(self.state, bytes):
            return self.state
        buf = io.BytesIO()
        self.write_state(buf)
        return buf.getvalue()


class EventBuilder(ABC):
    """Base class of event builders. Subclass, set ``name``, implement both
    methods, and register the class with the ``register_event_builders`` hook.

    :meth:`features` runs in parallel in the parse tasks. :meth:`build` runs once
    over the primary articles (neither duplicates nor translations) in publication
    order; newscorpus then adds each duplicate and translation to the event of
    its canonical article and fills ``languages`` and ``sources`` from all members.

    Attributes:
        name: Component name used in configs.
        Options: An attrs class declaring the options a config may give (see
            :mod:`newscorpus.options`); ``None`` accepts any options unchecked.
    """

    name: ClassVar[str]
    Options: ClassVar[type | None] = None

    def __init__(self, **options: Any) -> None:
        self.options = options

    @abstractmethod
    def features(self, article: Article) -> Any:
        """JSON-serialisable features of ``article`` that :meth:`build` needs."""

    @abstractmethod
    def build(self, items: Iterable[EventItem]) -> Iterator[Event]:
        """Group ``items`` into events. Every item must belong to exactly one
        yielded event (a one-article event is fine), and event ids must be unique.

        The events stage passes an :class:`OrderedItems` (in
        :func:`publication_order`, iterable more than once); a builder that needs
        the items more than once should iterate again rather than keep them all.
        """

    # -- optional: windows -------------------------------------------------------------
    # A builder whose pass over the articles is online (each event final once the
    # stream of days has left it behind) can build in time windows, in parallel:
    # each window starts early to warm up, and the stitch keeps a window's events
    # only where its state at its first day matches the previous window's end
    # state, so the result is the single pass's whatever the number of windows.

    @property
    def supports_windows(self) -> bool:
        """Whether this builder, as configured, implements the three methods below,
        so that the events stage may build time windows in parallel and stitch them."""
        return False

    def window_bounds(self, items: OrderedItems, count: int) -> list[int]:
        """First days (ordinals) of windows 2..``count`` over ``items``."""
        raise NotImplementedError

    def build_window(
        self, items: OrderedItems, bounds: Sequence[int], k: int, emit: Callable[[Event], None],
        context: Any = None,
    ) -> WindowEnds:
        """Build window ``k`` of those ``bounds`` give; its final events go to ``emit``.

        ``items`` is the run's table, or only the :meth:`window_span` of it
        (:meth:`OrderedItems.part`) with ``context`` what :meth:`window_context`
        computed over the whole table."""
        raise NotImplementedError

    def window_context(self, items: OrderedItems) -> Any:
        """What every window needs of the whole run (the default builder: its
        document frequencies), computed over all of ``items`` before the events stage
        gives :meth:`build_window` only the window's part. ``None`` (the default):
        the stage passes the whole table and no context."""
        return None

    def window_span(self, items: OrderedItems, bounds: Sequence[int], k: int) -> tuple[int, int]:
        """Places ``(start, stop)`` in the order of ``items`` of the articles window
        ``k`` reads, its warm-up included (asked only when :meth:`window_context`
        gives a context)."""
        return 0, len(items)

    def resume_window(
        self,
        items: OrderedItems,
        bounds: Sequence[int],
        k: int,
        state: Any,
        emit: Callable[[Event], None],
        checkpoints: Sequence[tuple[int, str, int]] = (),
    ) -> tuple[str | None, Any, int | None]:
        """Go on through window ``k`` from the state window ``k - 1`` ended in, as
        a single pass would; returns the new end state's fingerprint, the state and
        ``None``, or ``(None, None, i)`` once the state meets checkpoint ``i``.

        ``state`` is what ``state(k - 1)`` of :func:`stitch_windows` gives (the
        saved state's bytes, or the path of a file holding them) or the state this
        method returned for the window before."""
        raise NotImplementedError


def stitch_windows(
    builder: EventBuilder,
    items: OrderedItems,
    bounds: Sequence[int],
    ends: Callable[[int], WindowEnds],
    events: Callable[[int], Iterable[Event]],
    state: Callable[[int], bytes | os.PathLike[str]],
    stats: collections.Counter[str] | None = None,
) -> Iterator[Event]:
    """The events of a single pass, from windows built apart.

    ``ends(k)``, ``events(k)`` and ``state(k)`` give what window ``k`` left (its
    :class:`WindowEnds` without the state, its events, its saved end state: the
    bytes :meth:`WindowEnds.write_state` wrote, or the path of their file). A
    window's own events are the pass's when the state it reached at its first day
    has the fingerprint of the state the pass is in there; otherwise the pass goes
    on here from the previous window's end state through the window, until its
    state meets one of the window's checkpoints (then the window's events from that
    checkpoint on are the pass's) or the window ends (``stats`` counts
    ``windows_joined``, ``windows_rebuilt`` and ``windows_joined_late``). The
    result is the same events, in the same order, as :meth:`EventBuilder.build`
    over ``items``.
    """
    counts = stats if stats is not None else collections.Counter()
    here: Any = None  # the pass's state when it runs here (None: a window's holds it)
    end: str | None = None  # fingerprint of the pass's state at the next window's first day
    for k in range(len(bounds) + 1):
        window = ends(k)
        if k == 0 or window.start == end:
            here = None
            yield from events(k)
            end = window.end
            counts["windows_joined"] += k > 0
            continue
        if here is None:  # the previous window's end state is the pass's
            here = state(k - 1)
        built: list[Event] = []
        end, here, met = builder.resume_window(items, bounds, k, here, built.append, window.checkpoints)
        yield from built
        if met is None:
            counts["windows_rebuilt"] += 1
            continue
        # From the checkpoint on, the window's own events are the pass's.
        counts["windows_joined_late"] += 1
        yield from itertools.islice(events(k), window.checkpoints[met][2], None)
        end = window.end
