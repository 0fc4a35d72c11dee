"""Exact duplicates on normalised text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscorpus.api import deduplicate
from newscorpus.dedup import Candidate, ExactDeduplicator, Meta
from newscorpus.dedup.text import tokens
from newscorpus.models import Article, Provenance, Timestamp

BODY = ["The central bank held its key rate at 4.75% on Thursday, citing slower inflation.",
        '"We remain cautious," the governor said in a statement after the two-day meeting.']


def art(aid: str, body: list[str], title: str = "") -> Article:
    return Article(id=aid, provenance=Provenance(path=aid), title=title, body=body)


def test_normalisation_folds_case_quotes_spacing_and_compatibility_forms() -> None:
    noisy = ["THE central  bank held its key rate at ４.７５％ on Thursday – citing slower inflation",
             "“We remain cautious”, the Governor said in a statement after the two‑day meeting!"]
    d = ExactDeduplicator()
    assert d.signature(art("a", BODY)) == d.signature(art("b", noisy))
    assert tokens("Ｔｈｅ ﬁrst") == ["the", "first"]


def test_titles_do_not_matter_by_default_but_do_with_full() -> None:
    d, full = ExactDeduplicator(), ExactDeduplicator(fields="full")
    a, b = art("a", BODY, "Rates on hold"), art("b", BODY, "Bank keeps rates unchanged")
    assert d.signature(a) == d.signature(b)
    assert full.signature(a) != full.signature(b)


def test_one_word_changed_is_not_an_exact_duplicate() -> None:
    d = ExactDeduplicator()
    assert d.signature(art("a", BODY)) != d.signature(art("b", [BODY[0].replace("4.75", "4.50"), BODY[1]]))


def test_stubs_are_left_out() -> None:
    assert ExactDeduplicator().signature(art("a", ["Photo: Reuters"])) is None
    with pytest.raises(ValueError):
        ExactDeduplicator(fields="html")


def test_cluster_of_copies_points_at_the_earliest() -> None:
    arts = [Article(id=f"c{i}", provenance=Provenance(path="x"), body=BODY,
                    published=Timestamp(f"2025-01-0{9 - i}")) for i in range(4)]
    res = deduplicate(arts, [ExactDeduplicator()])
    assert {k: v["duplicate_of"] for k, v in res.links.items()} == {"c0": "c3", "c1": "c3", "c2": "c3"}
    assert [r["article_id"] for r in res.rows] == ["c0", "c1", "c2"]


@given(st.text(min_size=0, max_size=300))
def test_signature_is_deterministic_and_verify_reflexive(text: str) -> None:
    d = ExactDeduplicator(min_tokens=1)
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    sig = d.signature(art("a", paras))
    assert sig == ExactDeduplicator(min_tokens=1).signature(art("b", paras))
    if sig is not None:
        c = Candidate(Meta("a", 0, 0), sig)
        assert d.verify(c, c) == 1.0
        assert list(d.keys(sig)) == [sig]
