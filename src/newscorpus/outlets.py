"""Naming outlets: from domains, dateline tokens and credits to display names."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from importlib import resources
from urllib.parse import urlsplit

import yaml
from tld import Result as Res
from tld import get_tld

__all__ = ["agency_name", "domain_of", "outlet_from_domain", "outlet_from_token", "registered_domain"]

@functools.cache
def _data() -> tuple[dict[str, str], dict[str, str]]:
    text = resources.files("newscorpus.data").joinpath("outlets.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return dict(data["domains"]), {k.lower(): v for k, v in data["agencies"].items()}


@functools.lru_cache(maxsize=1 << 16)
def _registrable(host: str) -> tuple[str, str] | None:
    """``(registered domain, its own label)`` of ``host`` by the Public Suffix List, or
    ``None`` when no public suffix ends it (``localhost``, an intranet name).

    The list is the snapshot bundled with the ``tld`` package: read from disk, never
    fetched, so naming needs no network and gives the same answer on every machine.
    Private suffixes count (``x.blogspot.com`` is x's own domain).
    """
    res = get_tld(host, fix_protocol=True, as_object=True, fail_silently=True)
    if not isinstance(res, Res) or not res.domain or res.domain == res.tld:  # a bare suffix: co.uk
        return None
    return str(res.fld), str(res.domain)


def registered_domain(host: str) -> str:
    """``www.news.bbc.co.uk`` -> ``bbc.co.uk``: the domain an outlet registers (the
    public suffix and one label before it). A host under no public suffix is kept
    whole."""
    host = host.lower().strip(".").removeprefix("www.")
    found = _registrable(host)
    return found[0] if found else host


def domain_of(url: str) -> str | None:
    """Registered domain of ``url``, or ``None`` when it has no host."""
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host or _is_ip(host):
        return None
    return registered_domain(host)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def outlet_from_domain(domain: str) -> str:
    """Display name of the outlet at ``domain``.

    The curated list (``data/outlets.yaml``) first; else the registered domain's own
    label: ``straitstimes.com.sg`` -> ``Straitstimes``, ``moh.gov.my`` -> ``MOH``; a
    host under no public suffix is returned as written.
    Labels of three letters or fewer are written in capitals, as outlets that short
    are almost always initials (ABC, NST, CNA); punycode labels are decoded.
    """
    domain = registered_domain(domain)
    known = _data()[0].get(domain)
    if known:
        return known
    found = _registrable(domain)
    if not found:
        return domain  # no public suffix (an intranet name, an address): no label to pick
    label = found[1]
    if label.startswith("xn--"):
        with contextlib.suppress(UnicodeError):  # not valid punycode: keep it as written
            label = label.encode("ascii").decode("idna")
    if len(label) <= 3 and label.isalpha():
        return label.upper()
    return label[:1].upper() + label[1:]


def agency_name(token: str) -> str | None:
    """Canonical name of a news agency token (``Reuters``, ``ANTARA``), if known."""
    return _data()[1].get(token.strip().lower())


_DOMAINISH = re.compile(r"^[\w-]+(\.[\w-]+)+$")


def outlet_from_token(token: str) -> str:
    """Name an outlet from how a dateline or credit writes it.

    ``TRIBUNNEWS.COM`` -> ``Tribunnews``; ``Reuters`` -> ``Reuters``;
    ``Suarathailand`` stays as written.
    """
    token = token.strip().strip("-–—:,").strip()
    agency = agency_name(token)
    if agency:
        return agency
    if _DOMAINISH.match(token):
        return outlet_from_domain(token)
    return token
