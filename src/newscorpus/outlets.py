"""Naming outlets: from domains, dateline tokens and credits to display names."""

from __future__ import annotations

import functools
import re
from importlib import resources
from urllib.parse import urlsplit

import yaml

__all__ = ["agency_name", "domain_of", "outlet_from_domain", "outlet_from_token"]

_MULTI_SUFFIXES = ("co.id", "co.uk", "com.my", "com.tr", "com.au", "co.jp", "or.id", "go.id", "ac.id")


@functools.cache
def _data() -> tuple[dict[str, str], dict[str, str]]:
    text = resources.files("newscorpus.data").joinpath("outlets.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return dict(data["domains"]), {k.lower(): v for k, v in data["agencies"].items()}


def registered_domain(host: str) -> str:
    """``www.news.bbc.co.uk`` -> ``bbc.co.uk``: the domain an outlet registers."""
    host = host.lower().strip(".").removeprefix("www.")
    parts = host.split(".")
    n = 3 if any(host.endswith("." + s) for s in _MULTI_SUFFIXES) else 2
    return ".".join(parts[-n:])


def domain_of(url: str) -> str | None:
    """Registered domain of ``url``, or ``None`` when it has no host."""
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname
    except ValueError:
        return None
    return registered_domain(host) if host and "." in host else None


def outlet_from_domain(domain: str) -> str:
    """Display name of the outlet at ``domain`` (known list, else its first label)."""
    domain = registered_domain(domain)
    known = _data()[0].get(domain)
    if known:
        return known
    label = domain.split(".")[0]
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
