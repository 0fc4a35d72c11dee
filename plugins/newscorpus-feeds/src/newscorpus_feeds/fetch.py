"""Optional fetching of the pages feed items and sitemap entries link to.

Off by default (``read.options.feed.fetch: true`` turns it on) and never used by
the tests of the readers: they pass a fake fetcher. Polite by construction: one
request at a time per reader, a delay per host, ``robots.txt`` obeyed (and checked
again for every redirect target), bodies capped at ``read.limits.max_document_bytes``.

Safe by construction:

- **A total deadline per request** (``fetch_timeout``, robots.txt included): a
  watchdog closes the connection when it passes, so a server that sends one byte
  every few seconds is cut off as surely as one that sends nothing.
- **Public addresses only** (``fetch_allow`` lists exceptions): every host is
  resolved and each of its addresses must be global (not private, loopback,
  link-local, multicast, reserved, shared or unspecified) before a connection is
  made, for the first URL and after every redirect; the connection goes to the
  address that was checked, so a second DNS answer cannot swap it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs

__all__ = ["FetchError", "Fetched", "Fetcher"]

USER_AGENT = "newscorpus-feeds/0.1 (+https://github.com/newscorpus/newscorpus)"
#: Redirects followed per request.
MAX_REDIRECTS = 5
#: Largest robots.txt read (Google reads 500 KiB).
MAX_ROBOTS_BYTES = 512 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A page could not be fetched; the message says why."""


@attrs.frozen
class Fetched:
    """A fetched page."""

    url: str
    data: bytes
    content_type: str
    fetched: str


class _Deadline:
    """Seconds left of a request's total time, and a watchdog that shuts the socket
    when none are left (unblocking any read in progress)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._timer: threading.Timer | None = None

    def left(self, what: str) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(f"{what}: no answer within the total deadline of {self.seconds:g} s")
        return left

    def watch(self, sock: socket.socket) -> None:
        self.cancel()

        def cut() -> None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

        self._timer = threading.Timer(max(0.0, self.end - time.monotonic()), cut)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _parse_allow(entries: Iterable[str]) -> tuple[list[Network], set[str]]:
    networks: list[Network] = []
    hosts: set[str] = set()
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry), strict=False))
        except ValueError:
            hosts.add(str(entry).lower().rstrip("."))
    return networks, hosts


class _Connection(http.client.HTTPSConnection):
    """An HTTP(S) connection to an address already checked, sending the host name
    in ``Host`` and (for TLS) in SNI and certificate checks."""

    def __init__(self, host: str, port: int, address: str, *, tls: bool, timeout: float,
                 deadline: _Deadline) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address, self._deadline = address, deadline
        self._tls = ssl.create_default_context() if tls else None

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self._deadline.watch(sock)
        if self._tls is not None:
            sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


class Fetcher:
    """Fetches pages over HTTP(S).

    Args:
        max_bytes: Larger bodies are refused.
        timeout: Total seconds per request (connect, redirects, headers and body),
            and per ``robots.txt``.
        delay: Seconds between two requests to the same host.
        user_agent: The ``User-Agent`` header.
        robots: Obey ``robots.txt``.
        allow: Networks (``10.0.0.0/8``, ``127.0.0.1``) or host names that may be
            fetched although they are not public addresses. Empty by default: feed
            links to internal services are refused.
    """

    def __init__(self, *, max_bytes: int, timeout: float = 20.0, delay: float = 1.0,
                 user_agent: str = USER_AGENT, robots: bool = True, allow: Iterable[str] = ()) -> None:
        self.max_bytes, self.timeout, self.delay = max_bytes, timeout, delay
        self.user_agent, self.robots = user_agent, robots
        self._networks, self._hosts = _parse_allow(allow)
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    # -- addresses ----------------------------------------------------------------------

    def _address(self, host: str, port: int, deadline: _Deadline) -> str:
        """The address to connect to for ``host``: every address it resolves to must
        be public or allowed."""
        name = host.lower().rstrip(".")
        result: list[Any] = []

        def resolve() -> None:
            try:
                result.append(socket.getaddrinfo(name, port, type=socket.SOCK_STREAM))
            except OSError as exc:
                result.append(exc)

        # getaddrinfo cannot be interrupted: it runs in a thread the deadline need not wait for.
        thread = threading.Thread(target=resolve, daemon=True)
        thread.start()
        thread.join(deadline.left(f"resolving {host}"))
        if not result:
            deadline.left(f"resolving {host}")
            raise FetchError(f"resolving {host}: no answer within the total deadline of {deadline.seconds:g} s")
        if isinstance(result[0], OSError):
            raise FetchError(f"cannot resolve {host}: {result[0]}")
        addresses = [str(info[4][0]).split("%")[0] for info in result[0]]
        if not addresses:
            raise FetchError(f"cannot resolve {host}")
        if name not in self._hosts:
            for text in addresses:
                if not self._public_or_allowed(ipaddress.ip_address(text)):
                    raise FetchError(f"refusing to fetch from {host}: {text} is not a public address "
                                     "(add it to read.options.feed.fetch_allow to allow it)")
        return addresses[0]

    def _public_or_allowed(self, ip: Address) -> bool:
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        if any(ip in net for net in self._networks):
            return True
        return bool(ip.is_global) and not ip.is_multicast

    # -- requests ---------------------------------------------------------------------------

    def _get(self, url: str, deadline: _Deadline, limit: int, *, check_robots: bool,
             accept: str) -> tuple[str, int, str, bytes]:
        """``(final URL, status, content type, body)``, following redirects; every hop
        is checked (scheme, address, and robots.txt when ``check_robots``)."""
        for _hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(f"not an http(s) URL: {url!r}")
            if check_robots and self.robots and not self._allowed(url, deadline):
                raise FetchError(f"robots.txt of {parts.netloc} disallows {url}")
            tls = parts.scheme == "https"
            try:
                port = parts.port or (443 if tls else 80)
            except ValueError as exc:
                raise FetchError(f"{url}: {exc}") from exc
            address = self._address(parts.hostname, port, deadline)
            conn = _Connection(parts.hostname, port, address, tls=tls, timeout=deadline.left(url),
                               deadline=deadline)
            try:
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                conn.request("GET", target, headers={"User-Agent": self.user_agent, "Accept": accept,
                                                      "Accept-Encoding": "identity"})
                response = conn.getresponse()
                status = response.status
                if status in _REDIRECTS and response.getheader("Location"):
                    url = urljoin(url, response.getheader("Location", ""))
                    continue
                length = response.getheader("Content-Length")
                if length and length.isdigit() and int(length) > limit:
                    raise FetchError(f"{url}: the page is larger than {limit:,} bytes")
                body = bytearray()
                while len(body) <= limit:
                    deadline.left(url)
                    chunk = response.read1(65536)
                    if not chunk:
                        break
                    body += chunk
                deadline.left(url)  # a watchdog cut looks like the end of the body: say so
                return url, status, response.getheader("Content-Type", ""), bytes(body)
            except FetchError:
                raise
            except (OSError, http.client.HTTPException, ValueError) as exc:
                deadline.left(url)
                raise FetchError(f"{url}: {exc}") from exc
            finally:
                conn.close()
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _allowed(self, url: str, deadline: _Deadline) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            rp: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser(base + "/robots.txt")
            try:
                # Its own deadline, no longer than what is left of the page's.
                robots_deadline = _Deadline(min(self.timeout, deadline.left(url)))
                try:
                    _url, status, _type, body = self._get(base + "/robots.txt", robots_deadline, MAX_ROBOTS_BYTES,
                                                          check_robots=False, accept="text/plain")
                finally:
                    robots_deadline.cancel()
                assert rp is not None
                if status in (401, 403):  # as urllib's own reader: forbidden means everything is
                    rp.parse(["User-agent: *", "Disallow: /"])
                elif status >= 400:  # no robots.txt: everything is allowed
                    rp.parse([])
                else:
                    rp.parse(body.decode("utf-8", "replace").splitlines())
            except FetchError as exc:
                if "not a public address" in str(exc):
                    raise
                rp = None  # no robots.txt reachable: allowed
            self._robots[base] = rp
        rp = self._robots[base]
        return rp is None or rp.can_fetch(self.user_agent, url)

    def __call__(self, url: str) -> Fetched:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(f"not an http(s) URL: {url!r}")
        wait = self._last.get(parts.netloc, 0.0) + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        deadline = _Deadline(self.timeout)
        try:
            final_url, status, content_type, data = self._get(
                url, deadline, self.max_bytes, check_robots=True, accept="text/html,application/xhtml+xml")
        finally:
            deadline.cancel()
            self._last[parts.netloc] = time.monotonic()
        if status >= 400:
            raise FetchError(f"{url}: HTTP {status}")
        if len(data) > self.max_bytes:
            raise FetchError(f"{url}: the page is larger than read.limits.max_document_bytes")
        return Fetched(final_url, data, content_type, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def make_fetcher(options: dict[str, Any], max_bytes: int) -> Any:
    """The fetcher a reader uses: ``options["fetcher"]`` (a callable, Python API
    only) or a :class:`Fetcher` built from the reader's options."""
    custom = options.get("fetcher")
    if callable(custom):
        return custom
    allow = options.get("fetch_allow", ())
    return Fetcher(max_bytes=max_bytes, timeout=float(options.get("fetch_timeout", 20.0)),
                   delay=float(options.get("fetch_delay", 1.0)),
                   user_agent=str(options.get("user_agent", USER_AGENT)),
                   robots=bool(options.get("robots", True)),
                   allow=[allow] if isinstance(allow, str) else list(allow))
