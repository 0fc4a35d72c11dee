"""Optional fetching of the pages feed items and sitemap entries link to.

Off by default (``read.options.feed.fetch: true`` turns it on) and never used by
the tests: they pass a fake fetcher. Polite by construction: one request at a
time per reader, a delay per host, ``robots.txt`` obeyed, bodies capped at
``read.limits.max_document_bytes``.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
import urllib.robotparser
from typing import Any
from urllib.parse import urlsplit

import attrs

__all__ = ["FetchError", "Fetched", "Fetcher"]

USER_AGENT = "newscorpus-feeds/0.1 (+https://github.com/newscorpus/newscorpus)"


class FetchError(Exception):
    """A page could not be fetched; the message says why."""


@attrs.frozen
class Fetched:
    """A fetched page."""

    url: str
    data: bytes
    content_type: str
    fetched: str


class Fetcher:
    """Fetches pages over HTTP(S) with ``urllib``.

    Args:
        max_bytes: Larger bodies are refused.
        timeout: Seconds per request.
        delay: Seconds between two requests to the same host.
        user_agent: The ``User-Agent`` header.
        robots: Obey ``robots.txt``.
    """

    def __init__(self, *, max_bytes: int, timeout: float = 20.0, delay: float = 1.0,
                 user_agent: str = USER_AGENT, robots: bool = True) -> None:
        self.max_bytes, self.timeout, self.delay = max_bytes, timeout, delay
        self.user_agent, self.robots = user_agent, robots
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            rp: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser(base + "/robots.txt")
            try:
                assert rp is not None
                rp.read()
            except (OSError, ValueError):
                rp = None  # no robots.txt reachable: allowed
            self._robots[base] = rp
        rp = self._robots[base]
        return rp is None or rp.can_fetch(self.user_agent, url)

    def __call__(self, url: str) -> Fetched:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(f"not an http(s) URL: {url!r}")
        if self.robots and not self._allowed(url):
            raise FetchError(f"robots.txt of {parts.netloc} disallows {url}")
        wait = self._last.get(parts.netloc, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                       "Accept": "text/html,application/xhtml+xml"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read(self.max_bytes + 1)
                content_type = response.headers.get("Content-Type", "")
                final_url = response.geturl()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FetchError(f"{url}: {exc}") from exc
        finally:
            self._last[parts.netloc] = time.monotonic()
        if len(data) > self.max_bytes:
            raise FetchError(f"{url}: the page is larger than read.limits.max_document_bytes")
        return Fetched(final_url, data, content_type, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def make_fetcher(options: dict[str, Any], max_bytes: int) -> Any:
    """The fetcher a reader uses: ``options["fetcher"]`` (a callable, Python API
    only) or a :class:`Fetcher` built from the reader's options."""
    custom = options.get("fetcher")
    if callable(custom):
        return custom
    return Fetcher(max_bytes=max_bytes, timeout=float(options.get("fetch_timeout", 20.0)),
                   delay=float(options.get("fetch_delay", 1.0)),
                   user_agent=str(options.get("user_agent", USER_AGENT)),
                   robots=bool(options.get("robots", True)))
