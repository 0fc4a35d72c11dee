"""The feed reader and feed-item parser keep the component contracts
(:mod:`newscorpus.testing`): generated RSS, Atom and JSON Feed files (odd Unicode,
teasers, missing fields, characters XML cannot hold) give raw documents only, with
unique keys and errors as documents; every item becomes an Article or a DocumentError,
with the item's provenance and a JSON form that reads back equal."""

from __future__ import annotations

import datetime as dt
import html
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newscorpus_feeds import FeedItemParser, FeedReader
from newscorpus_feeds.items import ITEM_MEDIA_TYPE

from newscorpus.models import Article
from newscorpus.testing import check_options, check_parser, check_reader, paragraphs, raw_documents

DATA = Path(__file__).parent / "data"
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.mark.parametrize("component", [FeedReader, FeedItemParser])
def test_options_are_declared_documented_and_build(component: type) -> None:
    check_options(component)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_reader_and_parser_keep_the_contract_on_the_test_feeds(name: str) -> None:
    docs = check_reader(FeedReader, DATA / name)
    check_parser(FeedItemParser, [d for d in docs if d.error is None])


# -- generated items -------------------------------------------------------------------------------



def _no_controls(text: str) -> bool:
    return not any(unicodedata.category(c) == "Cc" for c in text if c != "\n")


# Control characters are left out of the generated text: the parser fails on them
# (see test_a_control_character_in_item_text_is_not_a_parser_error below).
_para = paragraphs().filter(_no_controls)
_when = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1),
                     timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7))]))
_item = st.fixed_dictionaries(
    {"title": _para.map(lambda p: p.split("\n")[0]),
     "body": st.lists(_para, max_size=8)},
    optional={"link": st.sampled_from(["https://berita.example/2024/03/05/banjir", "/relative/link", "not a url"]),
              "published": _when.map(lambda d: d.replace(microsecond=0)),
              "author": st.sampled_from(["Siti Rahmawati", "desk@berita.example (Meja Berita)", ""]),
              "summary": _para},
)


def _rss(items: list[dict[str, Any]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
           "<channel><title>Berita Harian - Terkini</title><link>https://berita.example/</link>"
           "<language>id</language>"]
    for it in items:
        out.append(f"<item><title>{html.escape(it['title'])}</title>")
        if "link" in it:
            out.append(f"<link>{html.escape(it['link'])}</link>")
        if "published" in it:
            out.append(f"<pubDate>{it['published'].strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate>")
        if it.get("author"):
            out.append(f"<author>{html.escape(it['author'])}</author>")
        if "summary" in it:
            out.append(f"<description>{html.escape(it['summary'])}</description>")
        if it["body"]:
            content = "".join(f"<p>{html.escape(p)}</p>" for p in it["body"])
            out.append(f"<content:encoded>{html.escape(content)}</content:encoded>")
        out.append("</item>")
    return "\n".join([*out, "</channel></rss>"])


def _atom(items: list[dict[str, Any]]) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           "<title>The Star | Nation</title><id>urn:x</id><updated>2024-03-05T00:00:00Z</updated>"]
    for i, it in enumerate(items):
        out.append(f"<entry><id>urn:x:{i}</id><title>{html.escape(it['title'])}</title>")
        if "link" in it:
            out.append(f'<link href="{html.escape(it["link"])}"/>')
        if "published" in it:
            out.append(f"<published>{it['published'].isoformat()}</published>")
        if it.get("author"):
            out.append(f"<author><name>{html.escape(it['author'])}</name></author>")
        if it["body"]:
            content = "".join(f"<p>{html.escape(p)}</p>" for p in it["body"])
            out.append(f'<content type="html">{html.escape(content)}</content>')
        out.append("</entry>")
    return "\n".join([*out, "</feed>"])


def _jsonfeed(items: list[dict[str, Any]]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Kompas", "items": [
        {"id": str(i), "title": it["title"], "url": it.get("link"),
         "date_published": it["published"].isoformat() if "published" in it else None,
         "authors": [{"name": it["author"]}] if it.get("author") else [],
         "content_html": "".join(f"<p>{html.escape(p)}</p>" for p in it["body"]),
         "summary": it.get("summary")} for i, it in enumerate(items)]}, ensure_ascii=False)


@SLOW
@given(items=st.lists(_item, min_size=1, max_size=5),
       kind=st.sampled_from([(".rss", _rss), (".atom", _atom), (".json", _jsonfeed)]))
def test_reader_then_parser_on_generated_feeds(tmp_path_factory: Any, items: list[dict[str, Any]],
                                               kind: tuple[str, Any]) -> None:
    suffix, render = kind
    path = tmp_path_factory.mktemp("feeds") / f"feed{suffix}"
    path.write_text(render(items), encoding="utf-8")
    docs = check_reader(FeedReader, path)
    results = check_parser(FeedItemParser, [d for d in docs if d.error is None])
    if not any(d.error for d in docs):  # the file read whole: one document per item
        assert len(docs) == len(items) == len(results)


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    """An item as the reader hands it to the parser (see newscorpus_feeds.items)."""
    return {"title": item["title"], "url": item.get("link"),
            "published": item["published"].isoformat() if "published" in item else None,
            "authors": [item["author"]] if item.get("author") else [],
            "content_html": "".join(f"<p>{html.escape(p)}</p>" for p in item["body"]),
            "summary_html": item.get("summary"), "language": "id", "source": "Berita Harian - Terkini",
            "format": "rss20", "min_words": 5}


def test_parser_keeps_the_contract_on_generated_items() -> None:
    results = check_parser(FeedItemParser, raw_documents(ITEM_MEDIA_TYPE, fields=_item.map(_fields)),
                           max_examples=80)
    assert any(isinstance(r, Article) for r in results)


@pytest.mark.parametrize("suffix", [".rss", ".json"])
def test_a_control_character_in_item_text_is_not_a_parser_error(tmp_path: Path, suffix: str) -> None:
    rest = " ".join(["Petugas mengevakuasi warga ke posko pengungsian di kantor kelurahan setempat."] * 6)
    item = {"title": "Banjir di Jakarta", "body": ["Hujan deras sejak pagi \x08 merendam ratusan rumah warga.", rest]}
    path = tmp_path / f"feed{suffix}"
    path.write_text(_rss([item]) if suffix == ".rss" else _jsonfeed([item]), encoding="utf-8")
    docs = check_reader(FeedReader, path)
    (article,) = check_parser(FeedItemParser, [d for d in docs if d.error is None])
    assert isinstance(article, Article)  # kept, the control character gone, the words around it apart
    assert "\x08" not in " ".join(article.body) and "pagi merendam ratusan" in " ".join(article.body).replace("  ", " ")
