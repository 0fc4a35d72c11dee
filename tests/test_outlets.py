"""Outlet names from hosts: the curated list first, then the Public Suffix List."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscorpus.outlets import domain_of, outlet_from_domain, outlet_from_token, registered_domain

# host, registered domain, outlet name; across countries and suffix shapes. None of
# these hosts is in data/outlets.yaml unless the name column says "(curated)".
HOSTS = [
    ("straitstimes.com.sg", "straitstimes.com.sg", "Straitstimes"),  # Singapore, com.sg
    ("www.abc.net.au", "abc.net.au", "ABC"),  # Australia, net.au
    ("moh.gov.my", "moh.gov.my", "MOH"),  # Malaysia, gov.my
    ("www.nst.com.my", "nst.com.my", "New Straits Times"),  # (curated)
    ("www.sbs.com.au", "sbs.com.au", "SBS"),
    ("www.thestar.com.my", "thestar.com.my", "The Star"),  # (curated)
    ("news.bbc.co.uk", "bbc.co.uk", "BBC"),  # (curated) UK, co.uk
    ("www.yomiuri.co.jp", "yomiuri.co.jp", "Yomiuri"),  # Japan
    ("www.thehindu.co.in", "thehindu.co.in", "Thehindu"),  # India, co.in
    ("www.stuff.co.nz", "stuff.co.nz", "Stuff"),  # New Zealand
    ("www.news24.co.za", "news24.co.za", "News24"),  # South Africa
    ("g1.globo.com.br", "globo.com.br", "Globo"),  # Brazil
    ("www.lemonde.fr", "lemonde.fr", "Lemonde"),  # one-label suffix
    ("www.inquirer.net.ph", "inquirer.net.ph", "Inquirer"),  # Philippines
    ("kemlu.go.id", "kemlu.go.id", "Kemlu"),  # Indonesia, go.id
    ("www.republika.co.id", "republika.co.id", "Republika"),  # (curated)
    ("regional.kompas.com", "kompas.com", "Kompas"),  # (curated) subdomain of a .com
    ("someone.blogspot.com", "someone.blogspot.com", "Someone"),  # private suffix: their own site
    ("WWW.Example.ORG.", "example.org", "Example"),  # case, trailing dot
]


@pytest.mark.parametrize(("host", "domain", "name"), HOSTS)
def test_hosts_across_countries(host: str, domain: str, name: str) -> None:
    assert registered_domain(host) == domain
    assert outlet_from_domain(host) == name
    assert domain_of(f"https://{host}/2025/01/10/story.html") == domain


def test_never_a_suffix_label_as_the_name() -> None:
    for host in ("straitstimes.com.sg", "abc.net.au", "moh.gov.my", "bernama.gov.my", "smh.com.au"):
        assert outlet_from_domain(host) not in {"Com", "Net", "Gov", "Org", "Co", "COM", "NET", "GOV"}


def test_punycode_label_is_decoded() -> None:
    assert outlet_from_domain("xn--bcher-kva.de") == "Bücher"


@pytest.mark.parametrize("host", ["localhost", "news.internal", "co.uk"])
def test_hosts_under_no_public_suffix_are_kept_whole(host: str) -> None:
    assert registered_domain(host) == host
    assert outlet_from_domain(host) == host


@pytest.mark.parametrize("url", ["http://192.168.0.1/story", "http://[::1]/x", "not a url", "", "http://localhost/"])
def test_urls_without_a_named_host_have_no_domain(url: str) -> None:
    assert domain_of(url) is None


def test_tokens_from_datelines_and_credits() -> None:
    assert outlet_from_token("TRIBUNNEWS.COM -") == "Tribunnews"
    assert outlet_from_token("Reuters") == "Reuters"
    assert outlet_from_token("abc.net.au:") == "ABC"
    assert outlet_from_token("Suarathailand") == "Suarathailand"


_LABEL = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)


@given(sub=st.lists(_LABEL, max_size=3), label=_LABEL,
       suffix=st.sampled_from(["com", "co.uk", "com.sg", "net.au", "gov.my", "co.id", "fr", "com.br"]))
def test_subdomains_never_change_the_registered_domain(sub: list[str], label: str, suffix: str) -> None:
    domain = f"{label}.{suffix}"
    host = ".".join([*sub, domain])
    assert registered_domain(host) == domain
    assert registered_domain(registered_domain(host)) == domain  # idempotent
    assert outlet_from_domain(host) == outlet_from_domain(domain)
