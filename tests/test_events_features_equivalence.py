"""The event features are pinned: any change to what ``analyse`` returns is deliberate.

* **Golden outputs.** ``Analysis.to_data()`` of every article of four sets, hashed,
  against hashes written by the code of features version 8 (issue 22: every
  feature from the headline and a 1,200-character lead, terms and name keys from
  the next 4,000 characters): synthetic event articles
  (``benchmarks/events_bench.py``), corpusgen records (its built-in pseudo-word
  model: no benchmark data needed), the trap set, and, when ``../shared/benchmarks``
  is present, every ECB+ document and every SemEval-2022 Task 8 article as the
  events bench reads them. Only hashes are stored
  (``tests/data/events/features_golden.json``), never text. The hashes of version 7
  were written by the per-token reader of commit c6ffca4 and held through the
  speed-up of 4c1f1bc; version 8 changed the output on purpose (quality old
  against new: ``benchmarks/features_bench.py``) and wrote them again, and so did
  version 9 (issue 19: which reader spans are participants; names, and the places
  of 5 ECB+ and 9 SemEval articles, change; participant precision:
  ``benchmarks/entities_bench.py``), versions 10 and 11 (issue 19: no Antarctic
  station or truncated island zone labels, no other script's names and no
  single-language accented names for plain ASCII text; places change) and 12 (issue
  19: GeoNames towns on the reader's place spans and the dateline; places change,
  precision in ``benchmarks/places_sample.py``) and 13 (no town guessed among many of one
  name; Malaysian and Indonesian titles; places and names change). To write them again after a
  deliberate change::

      python tests/test_events_features_equivalence.py

* **Properties.** The lazily built tokens equal the eager tokeniser they replace
  (kept below as the reference), the digit-first number regex finds what the old
  one found, and the joined-words folding equals folding word by word.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.events import analysis
from newscorpus.events.analysis import analyse
from newscorpus.models import Article, Provenance, Timestamp

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "benchmarks"
GOLDEN = ROOT / "tests" / "data" / "events" / "features_golden.json"


# -- the sets --------------------------------------------------------------------------------
def _bench_module(name: str) -> object:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def _synthetic() -> list[Article]:
    return list(_bench_module("events_bench").synthetic_corpus(400)[0])  # type: ignore[attr-defined]


def _corpusgen() -> list[Article]:
    import datetime as dt

    gen = _bench_module("corpusgen")
    out = []
    for r in gen.generate(300, seed=5, benchmarks=None):  # type: ignore[attr-defined]
        pub = dt.datetime.fromisoformat(r["published"])
        out.append(Article(
            id=r["id"], provenance=Provenance("corpusgen", r["id"]), title=r["title"],
            body=tuple(p for p in r["body"].split("\n\n") if p.strip()), language=r["language"],
            published=Timestamp(pub, "second", "field"), source=r["source"],
        ))
    return out


def _traps() -> list[Article]:
    articles, _event, _storyline = _bench_module("events_traps").load("tune")  # type: ignore[attr-defined]
    return list(articles)


def _ecbplus() -> list[Article]:
    return list(_bench_module("events_bench").load_ecbplus(BENCH)[0])  # type: ignore[attr-defined]


def _semeval() -> list[Article]:
    import csv
    import gzip

    bench = _bench_module("events_bench")
    csv.field_size_limit(1 << 30)
    seen: dict[str, Article] = {}
    for name in ("testing_set.csv.gz", "training_set.csv.gz"):
        with gzip.open(BENCH / "semeval2022-task8-hfl-sample" / name, "rt", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                for aid, text, lang in zip(r["pair_id"].split("_"), (r["text1"], r["text2"]),
                                           (r["lang1"], r["lang2"]), strict=True):
                    if aid not in seen:
                        seen[aid] = bench._semeval_article(aid, text, lang)  # type: ignore[attr-defined]
    return list(seen.values())


SETS: dict[str, tuple[Callable[[], list[Article]], Path | None]] = {
    "synthetic": (_synthetic, None),
    "corpusgen": (_corpusgen, None),
    "traps": (_traps, None),
    "ecbplus": (_ecbplus, BENCH / "ecbplus-event-clusters"),
    "semeval": (_semeval, BENCH / "semeval2022-task8-hfl-sample"),
}


def _hashes(articles: list[Article]) -> dict[str, str]:
    out = {}
    for a in articles:
        data = json.dumps(analyse(a).to_data(), sort_keys=True, ensure_ascii=False)
        out[a.id] = hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]
    return out


@pytest.mark.parametrize("name", list(SETS))
def test_features_equal_the_golden_hashes(name: str) -> None:
    load, needs = SETS[name]
    if needs is not None and not needs.is_dir():
        pytest.skip("../shared/benchmarks is absent")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    got = _hashes(load())
    assert len(got) == len(golden)
    differing = [k for k, h in golden.items() if got.get(k) != h]
    assert not differing, f"{len(differing)} of {len(golden)} articles differ, e.g. {differing[:5]}"


# -- properties ---------------------------------------------------------------------------------
def _reference_tokens(paragraph: str, title_case: bool) -> list[analysis._Token]:
    """The eager tokeniser the lazy one replaced (commit c6ffca4), verbatim."""
    out: list[analysis._Token] = []
    bounds = [m.end() for m in analysis._SENTENCE_END.finditer(paragraph)]
    bounds.append(sys.maxsize)
    b = 0
    nxt = bounds[0]
    last_end = 0
    for m in analysis._WORD.finditer(paragraph):
        start, end = m.span()
        new_sentence = False
        while nxt <= start:
            new_sentence = new_sentence or nxt >= last_end
            b += 1
            nxt = bounds[b]
        gap = paragraph[last_end:start]
        initial = title_case or not out or new_sentence or (gap != " " and analysis._OPENER.search(gap) is not None)
        text = m.group()
        word = analysis._strip_possessive(text) if text[-1] in "s'’" else text
        out.append(analysis._Token(text, start, end, initial, word, word.casefold()))
        last_end = end
    return out


# Letters of several cases and scripts, possessives, sentence ends, openers, digits.
_PIECES = st.sampled_from([
    "Putin", "putin", "PUTIN", "Al", "al", "-", "‑", "'s", "’s", "'", "’", "s", " ", "  ", ". ", "! ", "? ",
    "… ", ": \"", "; “", " - ", " – ", "\"", "“", "‘", "«", "(", "[", ")", ", ", "\n", "1", "2,5", "1.200",
    "ß", "İ", "Σ", "ς", "ǅ", "ﬁ", "é", "é", "Ⅻ", "\u0345", "日本", "_", "/", "x",
])
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.booleans())
def test_lazy_tokens_equal_the_eager_tokeniser(text: str, title_case: bool) -> None:
    para = analysis._Para(text, 1.0, title_case)
    want = _reference_tokens(text, title_case)
    assert [para.tok(k) for k in range(len(para.words))] == want
    assert para.lows == [t.low for t in want]


_OLD_NUMBER = re.compile(r"(?<![\d/.,:-])\d{1,3}(?:[.,]\d{3})+(?![\d/])|(?<![\d/.,:-])\d+(?:[.,]\d+)?(?![\d/:])")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789.,:/- a", max_size=30))
def test_number_regex_finds_what_the_old_one_found(text: str) -> None:
    assert [m.span() for m in analysis._NUMBER.finditer(text)] == [m.span() for m in _OLD_NUMBER.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8).filter(lambda w: "\x00" not in w), max_size=12))
def test_joined_folding_equals_folding_each_word(words: list[str]) -> None:
    words = [w for w in words if analysis._WORD.fullmatch(w)]
    assert analysis._lows(words) == [analysis._strip_possessive(w).casefold() for w in words]


def test_lows_of_possessives() -> None:
    words = ["Putin's", "X's", "Qatar’s", "JOHN'S", "rock'n'roll's", "it's"]
    assert analysis._lows(words) == ["putin", "x's", "qatar", "john's", "rock'n'roll", "it"]


if __name__ == "__main__":  # write the golden hashes with the code imported (see above)
    data = {name: _hashes(load()) for name, (load, needs) in SETS.items() if needs is None or needs.is_dir()}
    GOLDEN.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print({k: len(v) for k, v in data.items()})
