"""The compiled entity reader gives crfsuite's entities exactly.

``read_entities`` scores word types itself and runs crfsuite's Viterbi in a numba
kernel; the reference here is the reader as it was (python-crfsuite's tagger on
``sequence_features``, commit c6ffca4). Compared on text written for the tests, on
generated articles, on NER sentences and BBC articles (skipped without
``../shared/benchmarks``), and against digests of the old reader's output on BBC
articles (``tests/data/entities/bbc_digests.json``: article ids and hashes, no text).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import sys
from pathlib import Path

import pycrfsuite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus import entities
from newscorpus.entities import MODEL_RESOURCE, Entity, read_entities, sequence_features, spans_of, tokenize

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "benchmarks"
MODEL = ROOT / "src" / "newscorpus" / "data" / MODEL_RESOURCE
DIGESTS = Path(__file__).resolve().parent / "data" / "entities" / "bbc_digests.json"
LEAD = 1200


@pytest.fixture(scope="module")
def tagger() -> pycrfsuite.Tagger:
    t = pycrfsuite.Tagger()
    t.open(str(MODEL))
    return t


def reference(tagger: pycrfsuite.Tagger, text: str, language: str | None) -> tuple[Entity, ...]:
    """The reader of commit c6ffca4: every line tagged by python-crfsuite."""
    stop = entities._stopwords(language)
    out = []
    for line in re.finditer(r"[^\n]+", text):
        spans = tokenize(line.group())
        if not spans:
            continue
        words = [line.group()[a:b] for a, b in spans]
        for first, last, kind in spans_of(words, tagger.tag(sequence_features(words)), stop):
            start, end = line.start() + spans[first][0], line.start() + spans[last - 1][1]
            out.append(Entity(start, end, kind, text[start:end]))  # type: ignore[arg-type]
    return tuple(out)


def assert_same(tagger: pycrfsuite.Tagger, texts: list[tuple[str, str | None]]) -> int:
    found = 0
    for text, language in texts:
        got = read_entities(text, language)
        assert got == reference(tagger, text, language), text[:80]
        found += len(got)
    return found


def test_model_weights_are_crfsuites(tagger: pycrfsuite.Tagger) -> None:
    model = entities._model()
    assert list(model.labels) == tagger.labels()
    info = tagger.info()
    assert len(model.attributes) == len(info.attributes)
    zero = len(model.attributes)
    for (attribute, label), weight in list(info.state_features.items())[:2000]:
        assert model.weights[model.attributes[attribute], model.labels.index(label)] == pytest.approx(weight, abs=1e-6)
    for (a, b), weight in info.transitions.items():
        trans = model.weights[zero + 1 + model.labels.index(a), model.labels.index(b)]
        assert trans == pytest.approx(weight, abs=1e-6)


def test_written_texts(tagger: pycrfsuite.Tagger) -> None:
    texts = [(p.read_text(encoding="utf-8"), lang) for p in sorted((ROOT / "tests" / "data" / "text").glob("*.txt"))
             for lang in ("en", "id", "ms")]  # fmt: skip
    texts += [
        ("Prime Minister Anwar Ibrahim met Indonesian President Joko Widodo in Kuala Lumpur.", "en"),
        ("joko widodo datang ke jakarta bersama menteri basuki", "id"),  # no capitals: the other shape
        ("Qatar's  Sheikh\tTamim bin Hamad\u00a0Al-Thani met U.S. envoys.\r\nIn Doha, ‘Reuters’ said.", "en"),
        ("  LONDON -  The Bank of England\n\n\nraised rates; George W. Bush, Tim Burton. Depp\n", None),
    ]
    assert assert_same(tagger, texts) > 20


def test_generated_articles(tagger: pycrfsuite.Tagger) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpusgen import generate

    bench = BENCH if BENCH.is_dir() else None
    texts: list[tuple[str, str | None]] = []
    for r in generate(150, seed=11, benchmarks=bench):
        texts.append((r["title"], r["language"]))
        texts.append(("\n".join(p for p in r["body"].split("\n\n") if p.strip())[:LEAD], r["language"]))
    assert_same(tagger, texts)


def _ner_sentences(path: Path, limit: int) -> list[str]:
    out, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or line.startswith("-DOCSTART-"):
            if words:
                out.append(" ".join(words))
            words = []
        else:
            words.append(parts[0])
    return out[:limit]


@pytest.mark.skipif(not (BENCH / "ner").is_dir(), reason="../shared/benchmarks not present")
def test_ner_sentences(tagger: pycrfsuite.Tagger) -> None:
    texts: list[tuple[str, str | None]] = []
    for name, lang in (("wikigold-en/wikigold.conll.txt", "en"), ("idner-news-2k/test.txt", "id"),
                       ("indonlu-nerp_ner-prosa/test_preprocess.txt", "id")):  # fmt: skip
        path = BENCH / "ner" / name
        if path.exists():
            sentences = _ner_sentences(path, 400)
            texts += [(s, lang) for s in sentences]
            texts.append(("\n".join(sentences[:40]), lang))  # many lines in one call
    assert len(texts) > 400
    assert assert_same(tagger, texts) > 300


def bbc_leads(bench: Path, n: int) -> list[tuple[str, str, str]]:
    """(id, title, lead) of the first ``n`` BBC articles by id, as the event features read them."""
    rows = []
    with gzip.open(bench / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            paras = [p.strip() for p in d["text"].split("\n\n") if p.strip()]
            rows.append((d["id"], d["title"], "\n".join(paras)[:LEAD]))
    rows.sort()
    return rows[:n]


def digest(found: tuple[Entity, ...]) -> str:
    return hashlib.sha1(repr([(e.start, e.end, e.kind, e.text) for e in found]).encode()).hexdigest()[:16]


@pytest.mark.skipif(not (BENCH / "bbc-news-fulltext").is_dir(), reason="../shared/benchmarks not present")
def test_bbc_matches_the_old_readers_digests(tagger: pycrfsuite.Tagger) -> None:
    stored = json.loads(DIGESTS.read_text(encoding="utf-8"))
    leads = bbc_leads(BENCH, len(stored))
    for aid, title, lead in leads:
        got = (digest(read_entities(title, "en")), digest(read_entities(lead, "en")))
        assert list(got) == stored[aid], aid
    assert_same(tagger, [(lead, "en") for _aid, _title, lead in leads[:60]])


def test_vocabulary_grows_and_resets(tagger: pycrfsuite.Tagger, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tables double past their capacity and a fresh vocabulary starts past
    # _MAX_TYPES: neither changes an entity.
    text = "Joko Widodo met " + " ".join(f"Word{i} w{i}x" for i in range(300)) + " in Jakarta."
    monkeypatch.setattr(entities, "_vocab", [])
    monkeypatch.setattr(entities, "_MAX_TYPES", 250)
    first = read_entities(text, "en")
    assert first == reference(tagger, text, "en")
    vocab = entities._vocab[0]
    assert len(vocab.ids) > 250
    assert read_entities(text, "en") == first
    assert entities._vocab[0] is not vocab  # started afresh
    small = entities._Vocabulary(entities._model(), capacity=2)
    monkeypatch.setattr(entities, "_vocab", [small])
    monkeypatch.setattr(entities, "_MAX_TYPES", 1 << 17)
    assert read_entities(text, "en") == first
    assert len(small.own) >= len(small.ids) > 600


_PIECES = ["Joko", "Widodo", "di", "Jakarta", "said", "the", "U.S.", "PT", "Pertamina", ".", ",", "'s", "Bank",
           "of", "England", "\n", "Menteri", "2025", "told", "bin", "Hamad", "“", "”", "joko", "UN", "-", "iPhone",
           "MOSCOW", "Al-Thani", "O'Neill", "van", "ß", "İstanbul"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40),
    st.lists(st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", "\r\n"]), max_size=40),
    st.sampled_from(["en", "id", "ms", None]),
)
def test_name_like_text_matches_crfsuite(words: list[str], gaps: list[str], language: str | None) -> None:
    text = "".join(w + (gaps[i] if i < len(gaps) else " ") for i, w in enumerate(words))
    t = pycrfsuite.Tagger()
    t.open(str(MODEL))
    found = read_entities(text, language)
    assert found == reference(t, text, language)
    assert all(text[e.start : e.end] == e.text for e in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_arbitrary_text_matches_crfsuite(text: str) -> None:
    t = pycrfsuite.Tagger()
    t.open(str(MODEL))
    assert read_entities(text, "en") == reference(t, text, "en")


def test_prepare_loads_and_compiles_once() -> None:
    entities.prepare()
    assert entities._kernel.cache_info().currsize == 1 and entities._vocab
    kernel = entities._kernel()
    entities.prepare()
    assert entities._kernel() is kernel
