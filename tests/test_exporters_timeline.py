"""The timeline exporter on hand-made events."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from newscorpus.errors import ConfigError
from newscorpus.exporters.base import ExportContext
from newscorpus.exporters.timeline import TimelineExporter, timeline_rows
from newscorpus.models import Article, Event, EventDate, Provenance, Timestamp


def make_events() -> list[Event]:
    day = dt.date(2025, 4, 17)
    return [
        Event("e1", "Putin and Qatari emir <b>meet</b>", EventDate(day, day, "day", "relative-weekday"),
              "Moscow", ("Vladimir Putin",), ("a1", "a2"), ("en", "id"), ("Reuters",)),
        Event("e2", "Summit over three days", EventDate(day, day + dt.timedelta(days=2), "range", "explicit"),
              None, (), ("a3",), ("en",), ("AP",)),
        Event("e3", "Undated talks", EventDate(), None, (), ("a4",), ("id",), ("Tribunnews",),
              extras={"weekday": "Tuesday"}),
        Event("e4", "Known only by publication", EventDate(), None, (), ("a5",), ("en",), (),
              first_seen=Timestamp("2025-04-20T08:00:00", "second", "published")),
    ]


def test_rows_keep_undated_events_and_cap_the_number() -> None:
    rows, hidden = timeline_rows(make_events(), limit=10)
    assert hidden == 0
    assert [r.event.id for r in rows] == ["e1", "e2", "e4", "e3"]
    assert rows[-1].start is None
    assert rows[2].estimated and rows[2].start == dt.date(2025, 4, 20)
    many = [Event(f"x{i}", f"event {i}", article_ids=tuple(f"b{i}-{k}" for k in range(i % 5 + 1))) for i in range(30)]
    rows, hidden = timeline_rows(many, limit=12)
    assert len(rows) == 12 and hidden == 18
    assert min(r.size for r in rows) >= max(len(e.article_ids) for e in many if e.id not in {r.event.id for r in rows})


def test_export_writes_png_and_self_contained_html(tmp_path: Path) -> None:
    events = make_events()
    articles = [
        Article(f"a{i}", Provenance("p"), title=f"Article {i} & co", source="Reuters", language="en",
                url="https://example.org/a" if i == 1 else "javascript:alert(1)")
        for i in range(1, 6)
    ]
    ctx = ExportContext(
        output_dir=tmp_path, articles=lambda: iter(articles), events=lambda: iter(events),
        duplicates=lambda: iter(()), report={},
    )
    written = TimelineExporter(max_events=3).export(ctx)
    assert [p.name for p in written] == ["timeline.png", "timeline.html"]
    png = (tmp_path / "timeline.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    page = (tmp_path / "timeline.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "<script" not in page
    assert "&lt;b&gt;meet&lt;/b&gt;" in page and "<b>meet</b>" not in page  # titles are escaped
    assert 'href="https://example.org/a"' in page and "javascript:" not in page
    assert "Article 1 &amp; co" in page
    assert "unknown (Tuesday only)" in page
    assert "2025-04-17 – 2025-04-19" in page
    assert "(the 3 largest shown)" in page  # the chart says what it left out


def test_without_matplotlib_the_timeline_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    with pytest.raises(ConfigError, match=r"newscorpus\[timeline\]") as info:
        TimelineExporter()
    assert info.value.key == "export.exporters"
