"""Cross-lingual translation links from language-independent anchors."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscorpus import config_from_dict, run
from newscorpus.api import deduplicate
from newscorpus.dedup import Candidate, Meta, TranslationDeduplicator
from newscorpus.dedup.anchors import anchors, skeleton
from newscorpus.models import Article, Provenance, Timestamp
from newscorpus.serialize import read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Article]:
    """The seed articles as the pipeline parses and cleans them (dedup and events off)."""
    out = tmp_path_factory.mktemp("parsed")
    run([str(SEEDS)], out, config_from_dict({"dedup": {"methods": []}, "events": {"builder": None}}))
    return {Path(a.provenance.path).name[:3]: a for a in read_articles(out / "articles.jsonl")}


def test_seed_000_links_to_the_reuters_original_002_and_nothing_else(seeds: dict[str, Article]) -> None:
    res = deduplicate(list(seeds.values()), [TranslationDeduplicator()])
    assert res.links == {seeds["000"].id: {"translation_of": seeds["002"].id, "tr_method": "translation",
                                          "tr_score": pytest.approx(res.links[seeds["000"].id]["tr_score"])}}


def test_seed_translation_margin(seeds: dict[str, Article]) -> None:
    """The translation pair scores far above any cross-language pair of one storyline."""
    d = TranslationDeduplicator(dice=0.0, min_shared=0)
    sig = {k: d.signature(a) for k, a in seeds.items()}
    scores = {}
    for x, y in itertools.combinations(sorted(seeds), 2):
        if seeds[x].language != seeds[y].language:
            scores[(x, y)] = d.verify(Candidate(Meta(x, 0, 0), sig[x]), Candidate(Meta(y, 0, 1), sig[y]))
    best = scores.pop(("000", "002"))
    assert best is not None and best > 0.8
    assert max(s or 0.0 for s in scores.values()) < 0.35


def test_same_language_is_never_linked(seeds: dict[str, Article]) -> None:
    d = TranslationDeduplicator()
    a = seeds["000"]
    twin = Article(id="twin", provenance=Provenance(path="t"), title=a.title, body=a.body, language="id")
    ca = Candidate(Meta("a", 0, 0), d.signature(a))
    cb = Candidate(Meta("b", 0, 1), d.signature(twin))
    assert d.verify(ca, cb) is None


def test_undated_articles_still_meet_through_global_keys(seeds: dict[str, Article]) -> None:
    d = TranslationDeduplicator()
    s000, s002 = d.signature(seeds["000"]), d.signature(seeds["002"])
    assert s000 is not None and s002 is not None
    assert s000[2] is None and s002[2] is not None
    assert set(d.keys(s000)) & set(d.keys(s002))


def test_windowed_keys_meet_within_the_window_only() -> None:
    d = TranslationDeduplicator(global_bands=0)
    base = ["Minister Ardani Kusumo met Helga Brandvold in Oslo on 14 March to sign a 2.4 billion deal "
            "with Norsk Veidrift and Telamon Group."]

    def sig(day: str) -> list[object]:
        art = Article(id=day, provenance=Provenance(path="x"), body=base, language="en",
                      published=Timestamp(day))
        s = d.signature(art)
        assert s is not None
        return s

    near_days = set(d.keys(sig("2025-03-14"))) & set(d.keys(sig("2025-03-19")))
    far_days = set(d.keys(sig("2025-03-14"))) & set(d.keys(sig("2025-05-19")))
    assert near_days and not far_days


def test_anchors_are_language_independent() -> None:
    en = anchors(["Russian President Vladimir Putin met Syria's leader in Moscow on Thursday, "
                  "agreeing a 1,500,000 tonne grain deal worth $4.75 billion in March 2025."], "en")
    idn = anchors(["Presiden Rusia Vladimir Putin bertemu pemimpin Suriah di Moskwa pada hari Kamis, "
                   "menyepakati kesepakatan gandum 1.500.000 ton senilai 4,75 miliar dolar pada Maret 2025."], "id")
    shared = set(en) & set(idn)
    for anchor in [("territory", "RU"), ("territory", "SY"), ("name", skeleton("Vladimir")), ("name", "ptn"),
                   ("weekday", "3"), ("number", "1500000"), ("number", "4750000000"), ("month", "3"),
                   ("year", "2025")]:
        assert anchor in shared, anchor
    assert ("city", skeleton("Moscow")) in en and ("city", skeleton("Moscow")) in idn


def test_sentence_openers_and_common_words_are_not_names() -> None:
    found = anchors(["The talks were long. Officials said the talks will resume.", "Kenya and Tanzania agreed."],
                    "en")
    values = {v for _, v in found}
    assert "the" not in values and skeleton("Officials") not in values
    assert ("territory", "KE") in found and ("territory", "TZ") in found


@pytest.mark.parametrize(("a", "b"), [("Moscow", "Moskow"), ("Moscow", "Moskwa"), ("Suharto", "Soeharto"),
                                      ("Hassan", "Hasan"), ("Palestinian", "Palestina"), ("Damascus", "Damaskus")])
def test_skeleton_folds_spelling_variants(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@given(st.text(max_size=400), st.sampled_from(["en", "id", "de", "xx"]))
def test_anchor_extraction_never_fails_and_is_deterministic(text: str, lang: str) -> None:
    assert anchors([text], lang) == anchors([text], lang)


def test_verify_is_symmetric(seeds: dict[str, Article]) -> None:
    d = TranslationDeduplicator()
    for x, y in itertools.permutations(sorted(seeds), 2):
        sx, sy = d.signature(seeds[x]), d.signature(seeds[y])
        a, b = Candidate(Meta(x, 0, 0), sx), Candidate(Meta(y, 0, 1), sy)
        assert d.verify(a, b) == d.verify(b, a)
