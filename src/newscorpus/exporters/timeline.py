"""The timeline exporter: the events on a time axis, for a person to look at.

Writes ``timeline.png`` (matplotlib) and ``timeline.html`` (one self-contained page:
the same chart as inline SVG, then a table of the events with their member
articles). Each event is a row on a time axis: a dot for a day, a bar for a range,
sized by its article count and labelled with its languages and sources. Events
whose date is unknown are drawn in a separate "undated" lane rather than left out;
events dated only by their first article's publication are drawn hollow.

matplotlib is an extra (``pip install 'newscorpus[timeline]'``), imported only when
the timeline is drawn; asking for the exporter without it is a configuration error,
raised before the run starts.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import io
import math
from pathlib import Path
from typing import Any, ClassVar

import attrs

from ..errors import ConfigError
from ..models import Event
from ..options import option, positive
from .base import ExportContext, Exporter

__all__ = ["TimelineExporter", "TimelineRow", "timeline_rows"]

_LANG_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


@attrs.frozen
class TimelineRow:
    """One event as the timeline draws it.

    Attributes:
        event: The event.
        start: Day it is drawn at (``None``: the undated lane).
        end: Last day (equal to ``start`` for one day).
        estimated: Drawn at its first article's publication, its own date unknown.
    """

    event: Event
    start: dt.date | None
    end: dt.date | None
    estimated: bool = False

    @property
    def size(self) -> int:
        """Number of articles."""
        return len(self.event.article_ids)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def timeline_rows(events: list[Event], limit: int) -> tuple[list[TimelineRow], int]:
    """The ``limit`` largest events as rows, dated ones in date order and undated
    ones after them; also how many events were left out."""
    ranked = sorted(events, key=lambda e: (-len(e.article_ids), e.id))
    shown, hidden = ranked[:limit], max(0, len(ranked) - limit)
    rows = []
    for e in shown:
        if e.date.start is not None:
            rows.append(TimelineRow(e, e.date.start, e.date.end or e.date.start))
        elif e.first_seen is not None:
            first = _day(e.first_seen.value)
            rows.append(TimelineRow(e, first, first, estimated=True))
        else:
            rows.append(TimelineRow(e, None, None))
    rows.sort(key=lambda r: (r.start is None, r.start or dt.date.min, -r.size, r.event.id))
    return rows, hidden


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _label(e: Event, n_sources: int = 3) -> str:
    sources = list(e.sources[:n_sources]) + ([f"+{len(e.sources) - n_sources}"] if len(e.sources) > n_sources else [])
    parts = [f"{len(e.article_ids)} article{'s' * (len(e.article_ids) != 1)}"]
    if e.languages:
        parts.append(", ".join(e.languages))
    if sources:
        parts.append(", ".join(sources))
    return " · ".join(parts)


def _figure(rows: list[TimelineRow], hidden: int, total: int) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as _mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    mdates: Any = _mdates  # untyped module: one Any here rather than an ignore per call

    langs = sorted({lang for r in rows for lang in r.event.languages})
    colour = {lang: _LANG_COLOURS[i % len(_LANG_COLOURS)] for i, lang in enumerate(langs)}
    multi = "#444444"
    height = 1.6 + 0.42 * max(1, len(rows))
    fig, (ax, lane) = plt.subplots(
        1, 2, figsize=(13, height), sharey=True, gridspec_kw={"width_ratios": [4.2, 1.0], "wspace": 0.04}
    )
    dated = [r for r in rows if r.start is not None]
    ys = {id(r): len(rows) - 1 - i for i, r in enumerate(rows)}
    biggest = max((r.size for r in rows), default=1)

    def marker_size(n: int) -> float:
        return 40 + 360 * math.sqrt(n / biggest)

    for r in rows:
        y = ys[id(r)]
        e = r.event
        c = colour[e.languages[0]] if len(e.languages) == 1 else multi
        if r.start is not None:
            x0 = mdates.date2num(r.start)
            x1 = mdates.date2num(r.end or r.start)
            if x1 > x0:
                ax.plot([x0, x1], [y, y], color=c, linewidth=6, alpha=0.55, solid_capstyle="round")
            ax.scatter(
                [x0], [y], s=marker_size(r.size), color="white" if r.estimated else c,
                edgecolors=c, linewidths=2, zorder=3,
            )
            when = f"{r.start.day} {r.start:%b}" + (f"–{r.end.day} {r.end:%b}" if r.end and r.end != r.start else "")
            ax.annotate(
                f"{when} · {_label(e)}" + ("  (first seen)" if r.estimated else ""), (x1, y), xytext=(12, 0),
                textcoords="offset points", va="center", fontsize=8, color="#333333",
            )
        else:
            lane.scatter([0.08], [y], s=marker_size(r.size), color=c, edgecolors=c, zorder=3)
            weekday = e.extras.get("weekday")
            text = (f"{weekday}? · " if weekday else "") + _label(e)
            lane.annotate(text, (0.08, y), xytext=(12, 0), textcoords="offset points",
                          va="center", fontsize=8, color="#333333")
    ax.set_yticks([ys[id(r)] for r in rows])
    ax.set_yticklabels([_short(r.event.title or r.event.id, 58) for r in rows], fontsize=9)
    ax.set_ylim(-0.8, len(rows) - 0.2)
    if dated:
        lo = min(r.start for r in dated if r.start is not None)
        hi = max(r.end or r.start for r in dated if r.start is not None)
        span = max((hi - lo).days, 1)
        pad = dt.timedelta(days=max(1.0, span * 0.08))
        # Room on the right for the labels of the latest events.
        ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi + pad) + max(3.0, span * 0.45))
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.set_xticks([])
        ax.text(0.5, 0.5, "no dated events", transform=ax.transAxes, ha="center", color="#888888")
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    lane.set_xlim(0, 1)
    lane.set_xticks([])
    lane.set_title("undated", fontsize=9, color="#555555")
    lane.set_facecolor("#f6f6f6")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = f"{total} event{'s' * (total != 1)}"
    if hidden:
        title += f" (the {len(rows)} largest shown)"
    ax.set_title(title, loc="left", fontsize=11)
    handles = [Line2D([], [], marker="o", linestyle="", color=colour[lang], label=lang) for lang in langs]
    if any(len(r.event.languages) > 1 for r in rows):
        handles.append(Line2D([], [], marker="o", linestyle="", color=multi, label="several languages"))
    if handles:
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=8,
                  fontsize=8, frameon=False, borderaxespad=0.2)
    fig.subplots_adjust(left=0.3, right=0.98, top=1 - 0.55 / height, bottom=0.6 / height)
    return fig


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
h1{font-size:1.4rem}svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}td.n{text-align:right}
details summary{cursor:pointer;color:#1f5fa8}details li{margin:.15rem 0}.muted{color:#777}
"""


def _date_text(e: Event) -> str:
    d = e.date
    if d.start is None:
        weekday = e.extras.get("weekday")
        return f"unknown ({weekday} only)" if weekday else "unknown"
    text = d.start.isoformat() if d.end in (None, d.start) else f"{d.start.isoformat()} – {d.end.isoformat()}"
    return f"{text} <span class=muted>({html.escape(d.method)})</span>"


class TimelineExporter(Exporter):
    """Writes ``timeline.png`` and a self-contained ``timeline.html``.

    Options:
        png: File name of the picture (default ``timeline.png``).
        html: File name of the page (default ``timeline.html``).
        max_events: Events drawn, the largest first (default 40).
        max_table: Events listed in the page's table (default 1000).
        dpi: Resolution of the PNG (default 130).
    """

    name: ClassVar[str] = "timeline"

    @attrs.frozen
    class Options:
        """Options of the ``timeline`` exporter."""

        png: str = option("timeline.png", "File name of the chart.")
        html: str = option("timeline.html", "File name of the page.")
        max_events: int = option(40, "Events drawn, the largest first.", positive)
        max_table: int = option(1000, "Events listed in the page's table.", positive)
        dpi: int = option(130, "Resolution of the PNG.", positive)

    def __init__(self, **options: Any) -> None:
        # Checked here, not at export time: the runtime builds every component before
        # any work, so a missing extra fails the run at once rather than at its end.
        if importlib.util.find_spec("matplotlib") is None:
            raise ConfigError(
                "the 'timeline' exporter needs matplotlib: pip install 'newscorpus[timeline]' "
                "(or leave timeline out of export.exporters / --exporters)",
                key="export.exporters",
            )
        super().__init__(**options)
        self.png_name = str(options.get("png", "timeline.png"))
        self.html_name = str(options.get("html", "timeline.html"))
        self.max_events = int(options.get("max_events", 40))
        self.max_table = int(options.get("max_table", 1000))
        self.dpi = int(options.get("dpi", 130))

    def export(self, ctx: ExportContext) -> list[Path]:
        """Draw the timeline and write both files."""
        import matplotlib
        import matplotlib.pyplot as plt

        events = list(ctx.events())
        rows, hidden = timeline_rows(events, self.max_events)
        png, png_tmp = ctx.temp(self.png_name)
        svg = io.StringIO()
        # Article text is never markup: with mathtext on, a headline with two "$" signs
        # ("paid $5 ... worth $10") is parsed as a formula and fails. Fixed SVG ids and
        # no dates or versions in the files: the same events give the same bytes. Real
        # text in the SVG (fonttype none): searchable, selectable, smaller than paths.
        with matplotlib.rc_context({"text.parse_math": False, "svg.hashsalt": "newscorpus-timeline",
                                    "svg.fonttype": "none"}):
            fig = _figure(rows, hidden, len(events))
            try:
                # "tight" grows the canvas to the long titles and labels instead of clipping them.
                fig.savefig(png_tmp, format="png", dpi=self.dpi, bbox_inches="tight", pad_inches=0.25,
                            metadata={"Software": None})
                fig.savefig(svg, format="svg", bbox_inches="tight", pad_inches=0.25,
                            metadata={"Date": None, "Creator": None})
            finally:
                plt.close(fig)
        ctx.commit(png_tmp, png)
        table_events = sorted(events, key=lambda e: (-len(e.article_ids), e.id))[: self.max_table]
        wanted = {aid for e in table_events for aid in e.article_ids}
        articles: dict[str, tuple[str, str, str, str]] = {}
        for a in ctx.articles():
            if a.id in wanted:
                articles[a.id] = (a.title, a.source or "", a.language or "", a.url or "")
        with ctx.open(self.html_name) as fh:
            fh.write(self._page(svg.getvalue(), table_events, len(events), articles).encode("utf-8"))
        return [png, ctx.path(self.html_name)]

    def _page(
        self, svg: str, events: list[Event], total: int, articles: dict[str, tuple[str, str, str, str]]
    ) -> str:
        svg = svg[svg.find("<svg") :]  # drop the XML prolog: the SVG sits inline
        rows = []
        for e in sorted(events, key=lambda e: (e.date.start is None, e.date.start or dt.date.min, e.id)):
            items = []
            for aid in e.article_ids:
                title, source, lang, url = articles.get(aid, ("", "", "", ""))
                text = html.escape(title or aid)
                if url.startswith(("http://", "https://")):
                    text = f'<a href="{html.escape(url, quote=True)}">{text}</a>'
                meta = " · ".join(html.escape(x) for x in (source, lang) if x)
                items.append(f"<li>{text} <span class=muted>{meta}</span></li>")
            rows.append(
                "<tr>"
                f"<td>{_date_text(e)}</td>"
                f"<td><b>{html.escape(e.title or e.id)}</b>"
                f"<details><summary>articles</summary><ul>{''.join(items)}</ul></details></td>"
                f"<td>{html.escape(e.location or '')}</td>"
                f"<td>{html.escape(', '.join(e.participants))}</td>"
                f"<td class=n>{len(e.article_ids)}</td>"
                f"<td>{html.escape(', '.join(e.languages))}</td>"
                f"<td>{html.escape(', '.join(e.sources))}</td>"
                "</tr>"
            )
        more = ""
        if total > len(events):
            more = f"<p class=muted>The {len(events)} largest of {total} events are listed.</p>"
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>newscorpus timeline: {total} events</title><style>{_CSS}</style></head><body>"
            f"<h1>Timeline: {total} event{'s' * (total != 1)}</h1>{svg}{more}"
            "<table><thead><tr><th>date</th><th>event</th><th>location</th><th>participants</th>"
            "<th>articles</th><th>languages</th><th>sources</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></body></html>\n"
        )
