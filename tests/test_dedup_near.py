"""Near-duplicate detection: MinHash signatures, LSH keys and verification."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.api import deduplicate
from newscorpus.dedup import Candidate, Meta, NearDeduplicator
from newscorpus.dedup.minhash import EMPTY, batch_shingles, decode_u32, encode_u32, oph
from newscorpus.dedup.near import estimate
from newscorpus.models import Article, Provenance

DATA = yaml.safe_load((Path(__file__).parent / "data" / "dedup" / "stories.yaml").read_text(encoding="utf-8"))


def article(aid: str, body: list[str], title: str = "", **kw: object) -> Article:
    return Article(id=aid, provenance=Provenance(path=f"{aid}.txt"), title=title, body=body, **kw)  # type: ignore[arg-type]


def outlet_copy(body: list[str], outlet: str) -> list[str]:
    """The wire story as another outlet runs it: own header and footer, last paragraph cut."""
    first = body[0].split(" - ", 1)[1]
    return [f"VALMORA ({outlet}) -", "By our correspondent", first, *body[1:-1], *DATA["footer"]]


def cand(d: NearDeduplicator, a: Article, i: int = 0) -> Candidate:
    sig = d.signature(a)
    assert sig is not None
    return Candidate(Meta(a.id, 0, i), sig)


@pytest.fixture(scope="module")
def near() -> NearDeduplicator:
    return NearDeduplicator()


def test_syndicated_copy_with_new_header_footer_and_trimmed_paragraph_is_a_duplicate(near: NearDeduplicator) -> None:
    wire = article("wire", DATA["wire"]["body"], DATA["wire"]["title"])
    copy = article("copy", outlet_copy(DATA["wire"]["body"], "Harbour Courier"), "Dock strike ends")
    a, b = cand(near, wire), cand(near, copy, 1)
    assert set(near.keys(a.signature)) & set(near.keys(b.signature)), "LSH must make them candidates"
    score = near.verify(a, b)
    assert score is not None and score > 0.5


def test_copy_with_edited_words_is_still_a_duplicate(near: NearDeduplicator) -> None:
    rng = np.random.default_rng(3)
    edited = []
    for para in outlet_copy(DATA["wire"]["body"], "Harbour Courier"):
        words = para.split()
        for i in rng.choice(len(words), max(1, len(words) // 12), replace=False):  # ~8% of words
            words[i] = "reportedly"
        edited.append(" ".join(words))
    res = deduplicate([article("wire", DATA["wire"]["body"]), article("copy", edited)], [near])
    assert res.links == {"copy": {"duplicate_of": "wire", "method": "near", "score": pytest.approx(
        res.links["copy"]["score"])}}


def test_different_story_from_the_same_outlet_with_the_same_footer_is_not(near: NearDeduplicator) -> None:
    copy = article("copy", outlet_copy(DATA["wire"]["body"], "Harbour Courier"))
    other = article("other", ["VALMORA (Harbour Courier) -", "By our correspondent",
                              *DATA["other_story"]["body"], *DATA["footer"]])
    assert near.verify(cand(near, copy), cand(near, other, 1)) is None
    assert deduplicate([copy, other], [near]).links == {}


def test_independent_reports_of_the_same_event_are_not_duplicates(near: NearDeduplicator) -> None:
    wire = article("wire", DATA["wire"]["body"])
    own = article("own", DATA["same_event"]["body"])
    assert near.verify(cand(near, wire), cand(near, own, 1)) is None


def test_short_texts_get_no_signature(near: NearDeduplicator) -> None:
    assert near.signature(article("s", ["Photo: Meridian Wire"])) is None


def test_batch_signatures_equal_single_ones(near: NearDeduplicator) -> None:
    arts = [article(str(i), body) for i, body in enumerate(
        [DATA["wire"]["body"], DATA["other_story"]["body"], DATA["same_event"]["body"], ["too short"]])]
    assert near.signatures(arts) == [near.signature(a) for a in arts]


def test_signature_layout(near: NearDeduplicator) -> None:
    values = decode_u32(near.signature(article("w", DATA["wire"]["body"])) or "")
    assert len(values) == 1 + near.bins + near.bins // 32  # count, bins, one "first half" bit per bin
    assert values[0] > 100  # inner shingle count of a ~330-word story
    assert not (values[1:1 + near.bins] == EMPTY).any()
    bits = np.unpackbits(values[1 + near.bins:].view(np.uint8))
    assert 0.3 < bits.mean() < 0.7  # bins are held by shingles of both halves
    assert len(list(near.keys(encode_u32(values)))) == near.bands


words = st.lists(st.sampled_from([f"w{i}" for i in range(60)]), min_size=30, max_size=200)


@settings(max_examples=40, deadline=None)
@given(a=words, b=words)
def test_signature_deterministic_and_verify_symmetric(a: list[str], b: list[str]) -> None:
    d = NearDeduplicator()
    x, y = article("x", [" ".join(a)]), article("y", [" ".join(b)])
    assert d.signature(x) == NearDeduplicator().signature(x)
    cx, cy = cand(d, x), cand(d, y, 1)
    assert d.verify(cx, cy) == d.verify(cy, cx)
    assert d.verify(cx, cx) == 1.0
    assert d.verify_many([(cx, cy), (cy, cx)]) == [d.verify(cx, cy), d.verify(cy, cx)]


@settings(max_examples=25, deadline=None)
@given(n=st.integers(200, 3000), overlap=st.floats(0.05, 0.95), seed=st.integers(0, 2**31))
def test_oph_estimates_jaccard(n: int, overlap: float, seed: int) -> None:
    """The match rate of two OPH signatures estimates the Jaccard similarity."""
    rng = np.random.default_rng(seed)
    universe = rng.integers(0, 2**63, size=2 * n, dtype=np.uint64)
    shared = int(n * overlap)
    a, b = universe[:n], np.concatenate((universe[:shared], universe[n:2 * n - shared]))
    hashes, doc, counts = batch_shingles([a, b], 1)
    sig = oph(hashes, doc, 2, 512)
    est = float((sig[0] == sig[1]).mean())
    true = shared / (2 * n - shared)
    assert abs(est - true) < 5 * np.sqrt(true * (1 - true) / 512) + 0.01
    assert counts.tolist() == [n, n]


def test_estimate_containment_of_a_trimmed_copy() -> None:
    j, c = estimate(np.array([100, *range(128)], np.uint32), np.array([50, *range(64), *range(1000, 1064)], np.uint32))
    assert j == pytest.approx(0.5)
    assert c == pytest.approx(1.0)


def test_batch_shingles_trims_ends() -> None:
    toks = np.arange(1, 101, dtype=np.uint64)
    _h, _d, kept = batch_shingles([toks], 3, trim=(0.2, 10))
    assert kept.tolist() == [98 - 20]
    _h, _d, kept = batch_shingles([toks[:2]], 3)
    assert kept.tolist() == [1]  # shorter than a shingle: one shingle of all its tokens


def test_bad_band_layout_is_rejected() -> None:
    with pytest.raises(ValueError, match="bands"):
        NearDeduplicator(bins=64, bands=64, rows=2)


def test_key_hashes_match_exactly_when_keys_match(near: NearDeduplicator) -> None:
    """The pipeline buckets key hashes: they must agree with the key strings."""
    texts = [DATA["wire"]["body"], outlet_copy(DATA["wire"]["body"], "Harbour Courier"), DATA["other_story"]["body"]]
    sigs = [near.signature(article(str(i), t)) for i, t in enumerate(texts)]
    for x in sigs:
        for y in sigs:
            shared_keys = len(set(near.keys(x)) & set(near.keys(y)))
            shared_hashes = len(set(near.key_hashes(x).tolist()) & set(near.key_hashes(y).tolist()))
            assert shared_keys == shared_hashes
    batch = near.signatures_with_keys([article(str(i), t) for i, t in enumerate(texts)])
    assert [s for s, _ in batch] == sigs
    assert all(np.array_equal(k, near.key_hashes(s)) for s, k in batch)
