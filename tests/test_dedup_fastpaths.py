"""The fast paths of dedup's signatures give what their plain definitions give.

Tokenising on bytes (``text.token_bytes``), the anchor tokenizer (``anchors._tokens``),
the word set of a text and the batched translation keys are all rewrites of a
straightforward version for speed; each is checked against that version here, on
generated text rich in the characters where they could differ, and on real articles.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newscorpus import config_from_dict, run
from newscorpus.dedup import NearDeduplicator, TranslationDeduplicator
from newscorpus.dedup.anchors import _TOKEN, _WORD, _tokens, _word_set
from newscorpus.dedup.text import hash_tokens, joined_tokens, token_bytes, tokens
from newscorpus.models import Article, Provenance, Timestamp
from newscorpus.serialize import read_articles

DATA = Path(__file__).parent / "data" / "dedup"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Letters of every case (upper, lower, title case, caseless, non-BMP), digits that are
# and are not decimal, separators, quotes, dashes, compatibility forms, a lone surrogate.
TRICKY = ("aZqéÉßİıǅ中ΣςКк𝐀𐐀" "09٣²Ⅻ½" "_.,'’-–—:;!? \t\n\xa0\u2003" "“”«»()[]" "ﬁＴ４\u0307\u200e\ud800")
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=120) | st.text(max_size=120)


def reference_tokens(text: str) -> list[str]:
    """The definition: ``\\w+`` runs of NFKC, case-folded text."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


@settings(max_examples=400, deadline=None)
@given(tricky_text)
@example("Ｔｈｅ ﬁrst İstanbul STRASSE straße")
@example("l’État—“quoted” U.S. 4,75% \ud800x")
def test_tokens_are_the_word_runs_of_the_normalised_text(text: str) -> None:
    expected = reference_tokens(text)
    assert tokens(text) == expected
    assert joined_tokens(text) == (" ".join(expected).encode("utf-8", "surrogatepass"), len(expected))


@settings(max_examples=200, deadline=None)
@given(st.lists(tricky_text, max_size=6))
def test_token_hashes_depend_on_the_token_only(texts: list[str]) -> None:
    hashes, counts = hash_tokens([token_bytes(t) for t in texts])
    assert counts.tolist() == [len(reference_tokens(t)) for t in texts]
    flat = [tok for t in texts for tok in reference_tokens(t)]
    assert len(hashes) == len(flat)
    alone = {tok: int(hash_tokens([token_bytes(tok)])[0][0]) for tok in set(flat)}
    assert hashes.tolist() == [alone[tok] for tok in flat]


def test_distinct_tokens_get_distinct_hashes() -> None:
    words = sorted({w for line in (DATA / "syndication.jsonl").read_text(encoding="utf-8").splitlines()
                    for w in reference_tokens(json.loads(line)["body"])}
                   | {"a", "aa", "ab", "ba", "é", "e", "ee", "x" * 200, "x" * 201})
    hashes, _ = hash_tokens([token_bytes(w) for w in words])
    assert len(set(hashes.tolist())) == len(words) > 300


@settings(max_examples=400, deadline=None)
@given(tricky_text)
@example("x-A.B.c. al-Assad pro-Russian bangsa-bangsa a.m. U.S.A. 1.100,5 3a-b")
def test_anchor_tokens_match_the_reference_regex(para: str) -> None:
    assert [(m.lastgroup, m.span()) for m in _tokens(para)] == [(m.lastgroup, m.span()) for m in _TOKEN.finditer(para)]
    assert _word_set(para) == set(_WORD.findall(para))


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """Seed articles as parsed (two languages), the syndication copies, and dated variants."""
    out = tmp_path_factory.mktemp("parsed")
    run([str(SEEDS)], out, config_from_dict({"dedup": {"methods": []}, "events": {"builder": None}}))
    arts = list(read_articles(out / "articles.jsonl"))
    for line in (DATA / "syndication.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        arts.append(Article(id=rec["id"], provenance=Provenance(path=rec["id"]), title=rec["title"],
                            body=rec["body"].split("\n\n"), language="en"))
    stories = yaml.safe_load((DATA / "stories.yaml").read_text(encoding="utf-8"))
    for k, day in enumerate(("2025-03-14", "2025-03-20", "2024-12-31")):
        arts.append(Article(id=f"w{k}", provenance=Provenance(path="w"), body=stories["wire"]["body"],
                            language="en", published=Timestamp(day)))
    return arts


@pytest.mark.parametrize("options", [{}, {"window_days": 0}, {"global_bands": 0}, {"bands": 0},
                                     {"rows": 1, "global_rows": 3, "window_days": 3}])
def test_batched_translation_keys_are_the_per_signature_keys(articles: list[Article], options: dict[str, int]) -> None:
    d = TranslationDeduplicator(**options)
    batched = d.signatures_with_keys(articles)
    assert sum(s is not None for s, _ in batched) >= 8
    for article, (sig, keys) in zip(articles, batched, strict=True):
        assert sig == d.signature(article)
        expected = d.key_hashes(sig) if sig is not None else np.zeros(0, dtype=np.int64)
        assert keys.tolist() == expected.tolist()


def test_near_signatures_do_not_depend_on_the_batch(articles: list[Article]) -> None:
    d = NearDeduplicator()
    batched = d.signatures(articles)
    assert sum(s is not None for s in batched) >= 8
    assert batched == [d.signature(a) for a in articles]
    assert d.signatures([]) == [] and d.signatures_with_keys([]) == []
