"""The feed fetcher against hostile servers: a total deadline on every request
(robots.txt too), no request to a non-public address unless allowed (after every
redirect too), robots.txt checked again after a redirect.

Every server here is a thread on 127.0.0.1 whose loops are bounded and stop by
themselves; the tests that need to reach it put 127.0.0.1 on the allow-list.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("newscorpus_feeds")

from newscorpus_feeds.fetch import Fetcher, FetchError

from .conftest import WriteWatch, assert_bounded, read_quarantine, read_report, run_cli

Handler = Callable[[str, socket.socket], None]


class LocalServer:
    """An HTTP/1.0 server on 127.0.0.1: ``routes`` maps a path to a handler that
    answers on the raw socket (so it can drip bytes or stay silent). Serves at most
    ``max_requests`` and never runs past ``lifetime`` seconds."""

    def __init__(self, routes: dict[str, Handler], max_requests: int = 20, lifetime: float = 8.0) -> None:
        self.routes, self.max_requests, self.lifetime = routes, max_requests, lifetime
        self.requests: list[str] = []
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        end = time.monotonic() + self.lifetime
        while not self.stop.is_set() and time.monotonic() < end and len(self.requests) < self.max_requests:
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        self.sock.close()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2.0)
            try:
                head = conn.recv(65536).decode("latin-1")
            except OSError:
                return
            path = head.split(" ", 2)[1] if head.count(" ") >= 2 else "/"
            self.requests.append(path)
            handler = self.routes.get(path.split("?")[0], not_found)
            with contextlib.suppress(OSError):  # the client hung up (its deadline): fine
                handler(path, conn)

    def close(self) -> None:
        self.stop.set()
        self._thread.join(2)


def answer(body: bytes, status: str = "200 OK", content_type: str = "text/html",
           headers: tuple[str, ...] = ()) -> Handler:
    def handle(_path: str, conn: socket.socket) -> None:
        extra = "".join(f"{h}\r\n" for h in headers)
        conn.sendall(f"HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                     f"{extra}\r\n".encode() + body)
    return handle


def redirect(location: str) -> Handler:
    return answer(b"", "302 Found", headers=(f"Location: {location}",))


def not_found(_path: str, conn: socket.socket) -> None:
    answer(b"no", "404 Not Found")(_path, conn)


def drip(interval: float, count: int) -> Handler:
    """Headers, then one byte every ``interval`` s, ``count`` times: each read is quick,
    the whole never ends in time."""
    def handle(_path: str, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n")
        for _ in range(count):
            time.sleep(interval)
            conn.sendall(b"x")
    return handle


def silent(seconds: float) -> Handler:
    def handle(_path: str, conn: socket.socket) -> None:
        time.sleep(seconds)
    return handle


PAGE = b"<html><head><title>A page</title></head><body><p>Hello.</p></body></html>"


@pytest.fixture
def server() -> Iterator[Callable[..., LocalServer]]:
    made: list[LocalServer] = []

    def make(routes: dict[str, Handler], **kw: Any) -> LocalServer:
        made.append(LocalServer(routes, **kw))
        return made[-1]

    yield make
    for s in made:
        s.close()


def fetcher(**kw: Any) -> Fetcher:
    opts: dict[str, Any] = {"max_bytes": 1 << 20, "timeout": 1.5, "delay": 0.0, "allow": ["127.0.0.1"]}
    return Fetcher(**{**opts, **kw})


def test_the_default_refuses_loopback_before_any_request(server: Callable[..., LocalServer]) -> None:
    srv = server({"/a": answer(PAGE)})
    with pytest.raises(FetchError, match="not a public address"):
        Fetcher(max_bytes=1 << 20, timeout=2, delay=0)(srv.base + "/a")
    assert srv.requests == []  # not even robots.txt


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://10.0.0.1/", "http://192.168.1.1/", "http://[::1]/", "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://224.0.0.1/",
])
def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="not a public address"):
        Fetcher(max_bytes=1000, timeout=2, delay=0)(url)


def test_an_allowed_address_is_fetched_and_robots_obeyed(server: Callable[..., LocalServer]) -> None:
    srv = server({"/robots.txt": answer(b"User-agent: *\nDisallow: /private\n", content_type="text/plain"),
                  "/a": answer(PAGE), "/private/b": answer(PAGE)})
    f = fetcher()
    page = f(srv.base + "/a")
    assert page.data == PAGE and page.url == srv.base + "/a"
    with pytest.raises(FetchError, match="disallows"):
        f(srv.base + "/private/b")
    assert "/private/b" not in srv.requests


def test_a_redirect_to_a_non_public_address_is_refused(server: Callable[..., LocalServer]) -> None:
    # 127.0.0.1 is allowed, 127.0.0.2 (loopback too) and the metadata address are not.
    srv = server({"/b": redirect("http://169.254.169.254/x")})
    srv.routes["/a"] = redirect(f"http://127.0.0.2:{srv.port}/secret")
    f = fetcher(allow=["127.0.0.1/32"])
    for path in ("/a", "/b"):
        with pytest.raises(FetchError, match="not a public address"):
            f(srv.base + path)
    assert "/secret" not in srv.requests


def test_robots_is_checked_again_after_a_redirect(server: Callable[..., LocalServer]) -> None:
    srv = server({"/robots.txt": answer(b"User-agent: *\nDisallow: /private\n", content_type="text/plain"),
                  "/a": redirect("/private/page"), "/private/page": answer(PAGE)})
    with pytest.raises(FetchError, match="disallows"):
        fetcher()(srv.base + "/a")
    assert "/private/page" not in srv.requests


def test_a_server_dripping_bytes_is_cut_at_the_total_deadline(server: Callable[..., LocalServer]) -> None:
    # A byte every 0.2 s keeps every single read well inside any per-read timeout.
    srv = server({"/a": drip(0.2, 40)})
    start = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        fetcher(timeout=1.0, robots=False)(srv.base + "/a")
    assert time.monotonic() - start < 2.0


def test_a_silent_robots_txt_is_bounded_by_the_deadline(server: Callable[..., LocalServer]) -> None:
    srv = server({"/robots.txt": silent(5.0), "/a": answer(PAGE)})
    start = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        fetcher(timeout=1.0)(srv.base + "/a")
    assert time.monotonic() - start < 2.0


def test_redirect_loops_end(server: Callable[..., LocalServer]) -> None:
    srv = server({"/a": redirect("/a")})
    with pytest.raises(FetchError, match="redirects"):
        fetcher(robots=False)(srv.base + "/a")


def test_an_oversized_page_is_refused(server: Callable[..., LocalServer]) -> None:
    srv = server({"/a": answer(b"x" * 5000)})
    with pytest.raises(FetchError, match="larger"):
        fetcher(max_bytes=1000, robots=False)(srv.base + "/a")


WORDS = " ".join(["The council met on Monday to discuss the new bridge over the river."] * 8)


def _feed(link: str) -> str:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{link}</link>'
            f'<item><title>Teaser only</title><link>{link}</link><description>short</description></item>'
            '</channel></rss>')


@pytest.mark.parametrize("allowed", [False, True])
def test_a_feed_linking_to_loopback_is_quarantined_unless_allowed(
        tmp_path: Path, server: Callable[..., LocalServer], allowed: bool) -> None:
    page = f"<html><head><title>Bridge</title></head><body><article><p>{WORDS}</p></article></body></html>"
    srv = server({"/robots.txt": not_found, "/story": answer(page.encode())})
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "feed.rss").write_text(_feed(srv.base + "/story"), encoding="utf-8")
    options = "fetch: true\n      fetch_delay: 0\n      fetch_timeout: 3\n"
    if allowed:
        options += "      fetch_allow: [127.0.0.1]\n"
    cfg = tmp_path / "pipeline.yaml"
    # Cleaning off: compiling its rules costs seconds that say nothing about fetching.
    cfg.write_text(f"read:\n  options:\n    feed:\n      {options}clean:\n  cleaners: []\n"
                   "export:\n  exporters: [jsonl]\n", encoding="utf-8")
    out = tmp_path / "out"
    watch = WriteWatch(tmp_path)
    result = run_cli(["run", str(inp), "-o", str(out), "-c", str(cfg), "-w", "1", "--no-progress"])
    assert result.returncode == 0, result.stderr
    assert_bounded(result)
    report = read_report(out)
    if allowed:
        assert report["accounting"]["written"] == 1 and "/story" in srv.requests
    else:
        (rec,) = read_quarantine(out)
        assert rec["reason"] == "fetch-failed" and "not a public address" in rec["detail"]
        assert srv.requests == []
    assert watch.outside(out) == []
