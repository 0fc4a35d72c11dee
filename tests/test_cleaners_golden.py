"""The cleaner chain and corpus repetition give the same output as before the speed
work (commit c6ffca4): SHA-256 digests of every cleaned article, stored in
``tests/data/cleaning/golden_chain.json`` (digests only, no text), recomputed here.

The articles: ``benchmarks/corpusgen.py``'s synthetic corpus (pseudo-words, outlets
with datelines and footers; no benchmark data), each with its language and again
with none, and one article per rule-pack example and counterexample line. To
regenerate the file from the old code (only when a change of output is intended
and measured)::

    PYTHONPATH=<old checkout>/src:tests:benchmarks python -c \\
        "import test_cleaners_golden as g; g.write_golden()"

Written again from the new code on 2026-12-06 for an intended change: the line
model cuts only outside the story's prose and its thresholds carry a tail margin
(en 0.995, id 0.989, ms 0.996); 14 of 1,108 digests changed, each an article whose
Indonesian "read more of <outlet>" footer the model no longer cuts (checked by
listing the removals of those articles with the old and the new code). Written
again the same day for the rule packs' new rules (written2's classes): only the
articles made of pack examples and counterexamples changed or were added; the 240
synthetic articles and their language-less copies kept their digests; so also
for the classes read from written3 (platform calls, comment prompts, support
appeals, whole-line greetings with an addressee). Written again on 2026-12-06 (third
session) for the line model's outlet feature and host datelines (id threshold 0.989 ->
0.959): 21 digests changed. Listed with the old and the new code, the chain's only new
removals are 9 model cuts of "read more of <outlet>" (id) and "sign up for the <outlet>
briefing" (en) footers; the other articles' copies of those footers, cut before by
corpus repetition, are now cut by the model first. No content line changed. Written
again the same session for the parser reading a dateline that stands in a paragraph of
its own (``NEW YORK (Capital Gazette) -``, as the synthetic articles print it): 476
digests changed, every one only by its ``dateline`` field, now filled (every article's
removals and text identical, listed with the code before and after). Written again on
2026-12-06 (fourth session) for the line model retrained with OpenBLAS's kernels pinned
(``OPENBLAS_CORETYPE=Haswell`` in ``benchmarks/train_line_model.py``: the file shipped
before came from an AVX-512 machine's SkylakeX kernels and could not be retrained on
others; en threshold 0.994 -> 0.993): 14 digests changed; listed with the old and the new
model, 13 only by their model scores, one by its "Reporting by ... staff; editing by ...
news desk. Contact ..." footer now cut by the model where corpus repetition cut it before.
No content line changed.
Written again on 2026-12-07 (evening) for the outlet-promotion cleaner and the packs'
framed page markers, closing prayers and salutes (6 new pack examples, 12 articles):
273 of the 480 synthetic digests changed, 251 only in who cut what (the generator's
"Follow <outlet> on social media", "subscribe today", "Contact us with tips" footers,
cut before by the model or corpus repetition, are now cut by ``promotion.outlet``
first). In 22 the kept text changed, listed with the code before and after: 15
outlet footers newly cut, 4 ("Follow <outlet> on social media", names the promotion
cleaner does not match, spaced oddly or ending in a generic word) newly kept, since
corpus repetition's counts moved, and 5 pseudo-word lines of two *planted copies* of
one Pacific Gazette article, which corpus repetition now counts in 4 of that source's
8 articles and finds within its tail window once the footer below them is gone (an
artefact of copies left undeduplicated in this test; on the labelled sets content kept
stays 1.0 with repetition). Written again the same evening for the classes read from
written6 (Malay time-of-day greetings, farewells till the next edition, the site's
cookie notice, paywall calls): 7 new pack-example articles; no synthetic digest changed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "cleaning" / "golden_chain.json"
ARTICLES = 240


def _articles() -> list[Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpusgen import generate

    from newscorpus.cleaners.rules import resolve_packs
    from newscorpus.models import Article, Provenance
    from newscorpus.parsers.plaintext import analyse_paragraphs, build_article, split_paragraphs
    from newscorpus.readers.base import Limits, RawDocument

    out = []
    for rec in generate(ARTICLES, seed=11, benchmarks=None):
        doc = RawDocument(path="gen", record=str(rec["id"]), key=str(rec["id"]), reader="test")
        parsed = analyse_paragraphs(split_paragraphs(rec["body"], Limits()), has_title=False)
        article = build_article(parsed, doc, str(rec["id"]), "plaintext", title=rec["title"])
        out.append(attrs.evolve(article, language=rec["language"], source=rec["source"]))
    for pack in resolve_packs():
        for rule in pack.rules:
            for k, line in enumerate((*rule.examples, *rule.counterexamples)):
                body = ("Officials said the bridge reopened on Monday after two weeks of repairs.", line,
                        "Traffic was light in the morning, police said.", line)
                out.append(Article(id=f"{rule.id}#{k}", provenance=Provenance(path="packs"), title="A bridge",
                                   subtitle=line if k % 2 else "", body=body, language=pack.language))
    return out


def digests() -> list[str]:
    """Digest of every cleaned article (the chain, then corpus repetition)."""
    from newscorpus.cleaners import repetition as rep
    from newscorpus.cleaners.chain import CleanerChain
    from newscorpus.serialize import article_to_dict

    articles = _articles()
    articles += [attrs.evolve(a, language=None) for a in articles]
    chain = CleanerChain()
    cleaned = [a for s in range(0, len(articles), 64) for a in chain.clean_batch(articles[s : s + 64])]
    counts = rep.RepetitionCounts()
    for a in cleaned:
        counts.add(a)
    repeated = rep.repeated_lines(counts, min_count=3, min_fraction=0.02)
    out = []
    for a in cleaned:
        blob = json.dumps(article_to_dict(rep.apply_repetition(a, repeated)), ensure_ascii=False, sort_keys=True)
        out.append(hashlib.sha256(blob.encode("utf-8")).hexdigest())
    return out


def write_golden() -> None:
    """Write the digests of the code on the path (see the module docstring)."""
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps({"articles": ARTICLES, "digests": digests()}, indent=0) + "\n", encoding="utf-8")


def test_chain_output_unchanged() -> None:
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))["digests"]
    got = digests()
    assert len(got) == len(want)
    differ = [i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b]
    assert not differ, f"{len(differ)} of {len(got)} cleaned articles differ (first: {differ[:5]})"
