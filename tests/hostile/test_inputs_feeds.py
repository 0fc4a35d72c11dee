"""Hostile feeds (``newscorpus-feeds``): a JSON Feed nested 100,000 deep, character
references to lone surrogates, 5,000-digit numbers and over-long fields, files that
are no feed at all, an entity-expansion bomb, NaN and values of the wrong type.
Each is a real bounded CLI run: the bad item (or, where the file cannot be parsed,
the file) is quarantined naming the file and the record, the rest is written, the
report balances, nothing escapes ``--output``. Fetching stays off: no case touches
the network (those are in ``test_network_fetch.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("newscorpus_feeds")

from .conftest import run_on_files
from .corpus import article

JSONFEED = "https://jsonfeed.org/version/1.1"


def _item(i: int, **extra: Any) -> dict[str, Any]:
    """JSON Feed item ``i``: an article long enough to be one (not a teaser)."""
    a = article(i)
    return {"id": f"item-{i}", "url": a["url"], "title": a["title"], "content_text": a["body"],
            "date_published": "2024-05-02T10:00:00Z", **extra}


def _jsonfeed(items: list[Any]) -> bytes:
    return json.dumps({"version": JSONFEED, "title": "Town News", "items": items}).encode()


def _rss_item(i: int, title: str | None = None, description: str | None = None) -> str:
    a = article(i)
    return (f"<item><title>{title if title is not None else a['title']}</title><link>{a['url']}</link>"
            f"<description>{description if description is not None else a['body']}</description>"
            "<pubDate>Thu, 02 May 2024 10:00:00 +0000</pubDate></item>")


def _rss(items: list[str], doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel><title>Town News</title>'
            f"<link>https://example.com/</link>{''.join(items)}</channel></rss>").encode()


def _atom_entry(i: int, summary: str | None = None) -> str:
    a = article(i)
    return (f"<entry><title>{a['title']}</title><link href=\"{a['url']}\"/><id>urn:x:{i}</id>"
            f"<updated>2024-05-02T10:00:00Z</updated><summary>{summary if summary is not None else a['body']}"
            "</summary></entry>")


def _atom(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Town</title>'
            f"<id>urn:x</id><updated>2024-05-02T10:00:00Z</updated>{''.join(entries)}</feed>").encode()


def _run(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, dict[str, Any], dict[tuple[str, Any], dict[str, Any]],
                                                             list[dict[str, Any]]]:
    """Run the CLI on ``files``; the report, the quarantine keyed by (file, record),
    and the articles written."""
    run = run_on_files(tmp_path, files)
    quarantine = {(Path(r["path"]).name, r["record"]): r for r in run.quarantine}
    return run.out, run.report, quarantine, run.articles


def _titles(articles: list[dict[str, Any]]) -> set[str]:
    return {a["title"] for a in articles}


def test_json_feed_nested_100000_deep_costs_that_file(tmp_path: Path) -> None:
    """Python's JSON parser cannot read past its recursion limit, so the deep file is
    one ``too-deep`` entry; the other feeds of the run are written."""
    deep = _jsonfeed([_item(0), _item(1, extra=None)]).replace(
        b'"extra": null', b'"extra": ' + b"[" * 100_000 + b"]" * 100_000)
    _out, report, q, articles = _run(tmp_path, {"deep.json": deep, "good.json": _jsonfeed([_item(2), _item(3)]),
                                                "good.rss": _rss([_rss_item(4)])})
    assert set(q) == {("deep.json", 0)}
    assert q["deep.json", 0]["reason"] == "too-deep" and q["deep.json", 0]["stage"] == "read"
    assert _titles(articles) == {article(i)["title"] for i in (2, 3, 4)}
    assert report["accounting"]["written"] == 3


def test_reference_to_a_lone_surrogate_costs_its_item_only(tmp_path: Path) -> None:
    """``&#xD800;`` is no character: XML forbids it, and feedparser's lenient parser
    used to crash on it (``chr(0xD800).encode()``), losing the whole feed as a
    ``reader-error``. The item holding it is quarantined (``invalid-unicode``, as the
    core parse stage refuses any lone surrogate), not repaired: a U+FFFD would
    silently change the headline."""
    files = {
        "title.rss": _rss([_rss_item(0), _rss_item(1, title="Council &#xD800; vote"), _rss_item(2)]),
        "summary.atom": _atom([_atom_entry(3, summary=article(3)["body"] + " &#55296;"), _atom_entry(4)]),
        "beyond.rss": _rss([_rss_item(5, title="Past &#x110000; Unicode"), _rss_item(6)]),
        "escape.json": _jsonfeed([_item(7), _item(8, title="Lone SURROGATE here")]).replace(b"SURROGATE",
                                                                                               b"\\ud800"),
    }
    _out, report, q, articles = _run(tmp_path, files)
    assert set(q) == {("title.rss", 1), ("summary.atom", 0), ("beyond.rss", 0), ("escape.json", 1)}, q
    assert {r["reason"] for r in q.values()} == {"invalid-unicode"}
    assert "title" in q["title.rss", 1]["detail"] and "summary" in q["summary.atom", 0]["detail"]
    assert "title" in q["escape.json", 1]["detail"] and "U+D800" in q["escape.json", 1]["detail"]
    assert _titles(articles) == {article(i)["title"] for i in (0, 2, 4, 6, 7)}
    assert report["accounting"]["documents"] == 9


def test_huge_numbers_and_fields(tmp_path: Path) -> None:
    """In XML a 5,000-digit title is text and is written as such; in a JSON Feed a
    5,000-digit integer cannot become a Python int and used to cost the whole file
    (``invalid-json``): now only its item, the field named. A description of one
    300,000-character paragraph is over ``read.limits.max_line_chars``."""
    digits = "9" * 5_000
    files = {
        "numbers.rss": _rss([_rss_item(0, title=digits), _rss_item(1, description="word " * 60_000),
                             _rss_item(2)]),
        "numbers.json": _jsonfeed([_item(3), _item(4)]).replace(b'"id": "item-4"', b'"id": ' + digits.encode()),
    }
    _out, report, q, articles = _run(tmp_path, files)
    assert set(q) == {("numbers.rss", 1), ("numbers.json", 1)}, q
    assert q["numbers.rss", 1]["reason"] == "line-too-long"
    big = q["numbers.json", 1]
    assert big["reason"] == "bad-field-type" and "'id'" in big["detail"] and "5,000 digits" in big["detail"]
    assert _titles(articles) == {digits} | {article(i)["title"] for i in (2, 3)}
    assert report["accounting"]["written"] == 3


def test_files_that_are_not_feeds_cost_one_entry_each(tmp_path: Path) -> None:
    files = {
        "binary.rss": bytes(range(256)) * 64,
        "empty.rss": b"",
        "no-items.rss": _rss([]),
        "page.xml": b"<!DOCTYPE html><html><body><p>A web page, not a feed.</p></body></html>",
        "other.xml": b'<?xml version="1.0"?><catalog><book>Not news</book></catalog>',
        "plain.json": json.dumps({"title": "JSON but no JSON Feed version"}).encode(),
        "items-not-a-list.json": json.dumps({"version": JSONFEED, "items": {"a": 1}}).encode(),
        "good.rss": _rss([_rss_item(0), _rss_item(1)]),
    }
    _out, report, q, articles = _run(tmp_path, files)
    assert {k: r["reason"] for k, r in q.items()} == {
        ("binary.rss", 0): "not-a-feed", ("empty.rss", 0): "empty", ("no-items.rss", 0): "no-items",
        ("page.xml", 0): "not-a-feed", ("other.xml", 0): "not-a-feed", ("plain.json", 0): "not-a-feed",
        ("items-not-a-list.json", 0): "invalid-feed",
    }
    assert "catalog" in q["other.xml", 0]["detail"] and "HTML" in q["page.xml", 0]["detail"]
    assert _titles(articles) == {article(0)["title"], article(1)["title"]}
    assert report["accounting"]["written"] == 2


def test_entity_expansion_bomb_and_external_entity_are_not_expanded(tmp_path: Path) -> None:
    """Regression: a billion-laughs DTD (10^9 ``lol``) and an external entity naming
    a local file are never expanded; the run ends in bounded time and memory."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    lols = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    bomb = f'<!DOCTYPE rss [<!ENTITY lol1 "lollollollollollollollollollol">{lols}]>'
    xxe = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    files = {
        "bomb.rss": _rss([_rss_item(0, title="Laughs &lol9;"), _rss_item(1)], doctype=bomb),
        "xxe.rss": _rss([_rss_item(2, title="Leak &xxe;"), _rss_item(3)], doctype=xxe),
    }
    out, report, _q, articles = _run(tmp_path, files)
    text = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert "lollollol" not in text and "TOP-SECRET" not in text
    assert len(text) < 100_000
    assert {article(i)["title"] for i in (1, 3)} <= _titles(articles)
    assert report["accounting"]["balanced"] is True


def test_json_feed_nan_infinity_and_wrong_types_are_refused_with_the_field_named(tmp_path: Path) -> None:
    """Each refused item names its field; none is written with an empty title or
    with a value's Python repr (``{'a': 1}``)."""
    items: list[Any] = [
        _item(0),
        _item(1, title={"a": 1}),
        _item(2, content_text=["First paragraph.", "Second."], content_html=None),
        _item(3, authors=[{"name": {"a": 1}}]),
        _item(4, url=12),
        _item(5),
        "an item that is a string",
    ]
    raw = _jsonfeed(items)
    raw = raw.replace(b'"item-5"', b'"item-5", "language": NaN')
    nan = _jsonfeed([_item(6, title="NAN_HERE"), _item(7, date_published="INF_HERE"), _item(8)])
    nan = nan.replace(b'"NAN_HERE"', b"NaN").replace(b'"INF_HERE"', b"Infinity")
    out, report, q, articles = _run(tmp_path, {"types.json": raw, "nan.json": nan})
    expected = {("types.json", 1): "'title' holds an object", ("types.json", 2): "'content_text' holds a list",
                ("types.json", 3): "'authors' holds an object", ("types.json", 4): "'url' holds a number",
                ("types.json", 5): "'language' holds NaN", ("types.json", 6): "is text, not an object",
                ("nan.json", 0): "'title' holds NaN", ("nan.json", 1): "'date_published' holds an infinity"}
    assert set(q) == set(expected), q
    for key, words in expected.items():
        assert words in q[key]["detail"], (key, q[key]["detail"])
        assert q[key]["reason"] == ("invalid-item" if key == ("types.json", 6) else "bad-field-type")
    text = (out / "articles.jsonl").read_text(encoding="utf-8")
    assert "{'a': 1}" not in text and "['First" not in text and "NaN" not in text
    assert _titles(articles) == {article(i)["title"] for i in (0, 8)}
    assert report["accounting"]["documents"] == 10
