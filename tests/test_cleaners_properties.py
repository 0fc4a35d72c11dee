"""Properties of cleaning, checked on generated articles (hypothesis):

* cleaning is idempotent;
* the kept text plus the removals reconstruct the input exactly;
* a real sentence inserted anywhere in a body is never removed.

Articles are built from real-looking sentences (``tests/data/cleaning/sentences.txt``,
many starting with the words boilerplate starts with) and the built-in rule packs'
own boilerplate examples, put in the zones where they occur (a ``between``
example between two lines that ``anywhere`` rules cut).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.cleaners.chain import CleanerChain
from newscorpus.cleaners.explain import original_fields, reconstruct
from newscorpus.cleaners.packs import builtin_pack_paths, load_packs
from newscorpus.models import Article, Provenance
from newscorpus.serialize import article_from_json, article_to_json

DATA = Path(__file__).resolve().parent / "data" / "cleaning"
SENTENCES = [
    line.strip()
    for line in (DATA / "sentences.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
PACKS = load_packs([(p, "test") for p in builtin_pack_paths()])
BOILER = {
    zone: sorted({ex for p in PACKS for r in p.rules if r.zone == zone for ex in r.examples})
    for zone in ("head", "tail", "anywhere", "between")
}
#: Whole lines that anywhere-rules cut: the neighbours of a widget's message.
WIDGET = sorted({ex for p in PACKS for r in p.rules if r.zone == "anywhere" and r.match == "line" for ex in r.examples})
GREETINGS = ["Assalamu alaykum -", "Assalamualaikum,", "Good morning.", "Salam sejahtera -", "Hello readers!"]
CHAIN = CleanerChain()
LANGUAGES = st.sampled_from([None, "en", "id", "ms"])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def articles(draw: st.DrawFn) -> Article:
    content = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=12, unique=True))
    body = list(content)
    for _ in range(draw(st.integers(0, 3))):  # boilerplate anywhere
        body.insert(draw(st.integers(0, len(body))), draw(st.sampled_from(BOILER["anywhere"])))
    head = draw(st.lists(st.sampled_from(BOILER["head"]), max_size=2))
    tail = draw(st.lists(st.sampled_from(BOILER["tail"] + BOILER["anywhere"]), max_size=4))
    body = [*head, *body, *tail]
    if draw(st.booleans()):  # a widget: a message between two lines that are cut
        at = draw(st.integers(0, len(body)))
        body[at:at] = [draw(st.sampled_from(WIDGET)), draw(st.sampled_from(BOILER["between"])),
                       draw(st.sampled_from(WIDGET))]
    if len(body) > 1 and draw(st.booleans()):  # a paragraph holding two lines
        i = draw(st.integers(0, len(body) - 2))
        body[i : i + 2] = [f"{body[i]}\n{body[i + 1]}"]
    if draw(st.booleans()):  # a lede printed twice, possibly longer
        body.insert(draw(st.integers(0, min(2, len(body)))), draw(st.sampled_from(content)))
    subtitle = ""
    if draw(st.booleans()):
        subtitle = draw(st.sampled_from(SENTENCES))
        if draw(st.booleans()):
            subtitle = f"{draw(st.sampled_from(GREETINGS))} {subtitle}"
    return Article(
        id="gen",
        provenance=Provenance(path="gen"),
        title=draw(st.sampled_from(SENTENCES)),
        subtitle=subtitle,
        body=tuple(body),
        language=draw(LANGUAGES),
    )


@FAST
@given(articles())
def test_cleaning_is_idempotent(article: Article) -> None:
    once = CHAIN.clean(article)
    assert CHAIN.clean(once) == once


@FAST
@given(articles())
def test_kept_text_and_removals_reconstruct_the_input(article: Article) -> None:
    cleaned = CHAIN.clean(article)
    assert original_fields(cleaned) == (article.title, article.subtitle, article.body)
    # Every removal is exact text of the input, and kept text is never rewritten.
    fields = reconstruct(cleaned)
    kept = [s.text for f in fields.values() for line in f for s in line.segments if s.removal is None]
    assert kept == [p for p in (cleaned.title, cleaned.subtitle, *cleaned.body) if p]
    assert len([s for f in fields.values() for line in f for s in line.segments if s.removal]) == len(cleaned.removed)
    # A removal is partial exactly when the rest of its paragraph stayed, and that
    # survives the JSON form, so explaining a written article gives the same text.
    for line in (line for f in fields.values() for line in f):
        for seg in line.segments:
            if seg.removal is not None:
                assert seg.removal.partial == (not line.removed)
    assert original_fields(article_from_json(article_to_json(cleaned))) == original_fields(cleaned)


@FAST
@given(articles(), st.sampled_from(SENTENCES), st.data())
def test_a_real_sentence_inserted_anywhere_is_never_removed(
    article: Article, sentence: str, data: st.DataObject
) -> None:
    body = list(article.body)
    if any(sentence in p for p in (*body, article.subtitle)) or sentence == article.title:
        return  # a copy of text already there may go as a repeat; the text stays
    body.insert(data.draw(st.integers(0, len(body)), label="position"), sentence)
    cleaned = CHAIN.clean(Article(**{**_fields(article), "body": tuple(body)}))
    assert sentence in cleaned.body, [(r.rule, r.text) for r in cleaned.removed if r.text == sentence]


@FAST
@given(st.sampled_from(SENTENCES), LANGUAGES)
def test_a_clean_article_loses_nothing(sentence: str, language: str | None) -> None:
    body = tuple(s for s in SENTENCES if s != sentence)[:40]
    article = Article(id="c", provenance=Provenance(path="c"), title=sentence, body=body, language=language)
    cleaned = CHAIN.clean(article)
    assert cleaned.body == body and not cleaned.removed


def _fields(article: Article) -> dict[str, object]:
    import attrs

    return attrs.asdict(article, recurse=False)
