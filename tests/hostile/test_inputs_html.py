"""Hostile HTML pages (``newscorpus-html``): markup nested 100,000 deep, character
references to no character, a page whose declared charset lies, a gzip bomb, binary
files named ``.html``. Each is a real bounded CLI run: the bad page is quarantined
naming the file (record 0: one page per file), the other pages are written, the
report balances, nothing escapes ``--output``."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("newscorpus_html")

from .conftest import run_on_files
from .corpus import article

#: French, so that a wrong single-byte code page shows (é, à, ù, ç, œ).
FRENCH = ("L'été dernier, à Paris, les élèves du collège ont déjà présenté leurs idées à la mairie, "
          "où le maire a reçu leur cœur d'ouvrage avec enthousiasme. ")


def _page(i: int, *, head: str = "", title: str | None = None, inside: str = "", text: str | None = None) -> str:
    """Page ``i``: an article of two paragraphs; ``inside`` goes between them."""
    a = article(i)
    title = title if title is not None else a["title"]
    body = text if text is not None else a["body"]
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p>{inside}<p>{body} Again.</p></article></body></html>")


def _run(tmp_path: Path, files: dict[str, bytes]) -> tuple[dict[str, Any], dict[str, dict[str, Any]],
                                                             dict[str, dict[str, Any]]]:
    """Run the CLI on ``files``: the report, the quarantine and the articles, each
    keyed by file name."""
    run = run_on_files(tmp_path, files)
    articles = {Path(a["provenance"]["path"]).name: a for a in run.articles}
    quarantine = {Path(r["path"]).name: r for r in run.quarantine}
    assert all(r["record"] == 0 for r in quarantine.values())
    return run.report, quarantine, articles


def test_markup_nested_100000_deep_is_refused_not_cut_off(tmp_path: Path) -> None:
    """libxml2 stops parsing at depth 256: the page used to be written without
    everything after that point (here its second paragraph). It is ``too-deep``."""
    files = {
        "divs.html": _page(0, inside="<div>" * 100_000 + "deep" + "</div>" * 100_000).encode(),
        "unclosed.html": _page(1, inside="<b>" * 150_000 + "never closed").encode(),
        "good.html": _page(2).encode(),
        "nested-200.html": _page(3, inside="<div>" * 200 + "<p>Nested but fine.</p>" + "</div>" * 200).encode(),
    }
    report, q, articles = _run(tmp_path, files)
    assert {k: r["reason"] for k, r in q.items()} == {"divs.html": "too-deep", "unclosed.html": "too-deep"}
    assert "256" in q["divs.html"]["detail"]
    assert set(articles) == {"good.html", "nested-200.html"}
    assert articles["nested-200.html"]["body"].endswith("Again.")  # read to the end
    assert report["accounting"]["written"] == 2


def test_references_to_no_character_become_u_fffd(tmp_path: Path) -> None:
    """In HTML, unlike XML, ``&#xD800;`` has a defined meaning: the HTML standard
    (numeric character reference end state) replaces a surrogate, NUL or a code
    point past U+10FFFF with U+FFFD, and that is how every browser shows the page.
    The page is kept as shown; no lone surrogate reaches the output."""
    files = {
        "surrogate.html": _page(0, title="Council &#xD800; vote", inside="<p>Low &#xDC00; and &#55296; too.</p>")
        .encode(),
        "beyond.html": _page(1, inside="<p>Past &#x110000; and &#0; and &#99999999999999999999; here.</p>")
        .encode(),
    }
    report, q, articles = _run(tmp_path, files)
    assert q == {}
    assert articles["surrogate.html"]["title"] == "Council \ufffd vote"
    assert "Low \ufffd and \ufffd too." in articles["surrogate.html"]["body"]
    assert "Past \ufffd and \ufffd and \ufffd here." in articles["beyond.html"]["body"]
    assert report["accounting"]["written"] == 2


def test_a_declared_charset_that_lies(tmp_path: Path) -> None:
    """Valid UTF-8 wins over any declaration. A legacy declaration is used as
    browsers read it, through the WHATWG supersets: ISO-8859-1 is decoded as
    windows-1252 (it used to be read as Latin-1, and the cp1252 ``œ`` of ``œuvre``
    became a control character that was dropped). A page that claims UTF-8 but is
    not is decoded by detection, which on such text picks look-alike code pages
    (cp1257: ``ą`` for ``à``), so it is flagged ``guessed_encoding``, never silently."""
    text = FRENCH * 4
    files = {
        "says-sjis-is-utf8.html": _page(0, head='<meta charset="shift_jis">', title="Café à la une",
                                        text=text).encode("utf-8"),
        "says-1252-true.html": _page(1, head='<meta charset="windows-1252">', title="Café à la une",
                                     text=text).encode("cp1252"),
        "says-latin1-http-equiv.html": _page(
            2, head='<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            title="Garçon à l'œuvre", text=text).encode("cp1252"),
        "says-utf8-is-1252.html": _page(3, head='<meta charset="utf-8">', title="Café à la une",
                                        text=text).encode("cp1252"),
        "says-utf16-is-ascii.html": _page(4, head='<meta charset="utf-16">').encode("ascii"),
    }
    report, q, articles = _run(tmp_path, files)
    assert q == {}
    for name in ("says-sjis-is-utf8.html", "says-1252-true.html", "says-latin1-http-equiv.html"):
        a = articles[name]
        assert a["title"] in ("Café à la une", "Garçon à l'œuvre") and FRENCH.strip() in a["body"], name
        assert "guessed_encoding" not in {f["name"] for f in a["flags"]}
    liar = articles["says-utf8-is-1252.html"]
    (flag,) = [f for f in liar["flags"] if f["name"] == "guessed_encoding"]
    assert "declares utf-8 but is not valid utf-8" in flag["detail"]
    assert articles["says-utf16-is-ascii.html"]["title"] == article(4)["title"]
    assert report["accounting"]["written"] == 5


def test_gzip_bomb_is_cut_at_the_document_limit(tmp_path: Path) -> None:
    """Regression: 1 GiB of spaces after a real page, 1 MB compressed; refused once
    decompression passes ``read.limits.max_document_bytes``."""
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        fh.write(_page(0).encode())
        block = b" " * (1 << 20)
        for _ in range(1024):
            fh.write(block)
    files = {"bomb.html.gz": bomb.read_bytes(), "good.html": _page(1).encode()}
    assert len(files["bomb.html.gz"]) < 2_000_000
    report, q, articles = _run(tmp_path, files)
    assert q["bomb.html.gz"]["reason"] == "too-large" and set(q) == {"bomb.html.gz"}
    assert set(articles) == {"good.html"}
    assert report["accounting"]["written"] == 1


def test_binary_files_named_html(tmp_path: Path) -> None:
    files = {
        "noise.html": bytes(range(256)) * 400,
        "image.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 50,
        "zeros.html": b"\x00" * 100_000,
        "empty.html": b"",
        "good.html": _page(0).encode(),
    }
    report, q, articles = _run(tmp_path, files)
    assert set(q) == {"noise.html", "image.html", "zeros.html", "empty.html"}, q
    assert q["empty.html"]["reason"] == "empty"
    assert {q[n]["reason"] for n in ("noise.html", "image.html", "zeros.html")} <= {"not-html", "no-text", "binary"}
    assert set(articles) == {"good.html"}
    assert report["accounting"]["documents"] == 5
