"""Event features read the headline and a lead of the body, not the whole article (issue 22).

:func:`lead_paragraphs` cuts the body at ``LEAD_CHARS`` characters on a sentence end
(else a space), never inside a word. Every feature comes from the headline and that
lead; the next ``TAIL_CHARS`` characters add only terms and name keys, and nothing
after them is read.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.events.analysis import LEAD_CHARS, TAIL_CHARS, analyse_text, lead_paragraphs

# Words, spaces, sentence ends, quotes, digits, an unspaced script.
_PIECES = st.sampled_from([
    "Putin", "met", "Tamim", "in", "Doha", "on", "Monday", "rumah", "banjir", " ", " ", " ", ". ", "! ", "? ",
    "… ", ".\" ", "”", "(", ")", "\n", "1.200", "3.5", "U.S.", "日本", "。", "x",
])
_PARA = st.lists(_PIECES, max_size=30).map("".join)
_BODY = st.lists(_PARA, max_size=8)


@settings(max_examples=300, deadline=None)
@given(_BODY, st.integers(min_value=0, max_value=200))
def test_the_lead_is_a_prefix_of_the_body_within_the_limit(body: list[str], chars: int) -> None:
    got = lead_paragraphs(body, chars)
    assert sum(map(len, got)) <= chars
    assert len(got) <= len(body)
    assert got[:-1] == body[: max(len(got) - 1, 0)]  # whole paragraphs, then a part of one
    if got:
        last, source = got[-1], body[len(got) - 1]
        assert last == source or (source.startswith(last) and last == last.rstrip())
        if last != source and not any("\u3040" <= c <= "\u9fff" or c == "。" for c in source):
            # Cut on a sentence end followed by a space, or at a space: no word cut in half.
            assert source[len(last)].isspace()
    if sum(map(len, body)) <= chars:
        assert got == body


@given(_BODY)
def test_no_limit_keeps_the_body(body: list[str]) -> None:
    assert lead_paragraphs(body, None) == body


def test_the_cut_falls_on_a_sentence_end_else_a_space() -> None:
    para = "Floods hit Demak on Monday. Thousands fled their homes in the night"
    assert lead_paragraphs(["abc", para], 3 + 40) == ["abc", "Floods hit Demak on Monday."]
    assert lead_paragraphs([para], 20) == ["Floods hit Demak on"]
    assert lead_paragraphs(["Floodwaters"], 5) == []  # one word longer than the limit: nothing
    assert lead_paragraphs(["日本語の文。次の文です"], 8) == ["日本語の文。"]
    assert lead_paragraphs(["日本語の文次の文です"], 4) == ["日本語の"]  # no spaces: at the limit


_PUBLISHED = dt.date(2025, 6, 20)
_LEAD = [
    "JAKARTA - Floods hit Demak in Central Java on Thursday (19/6), forcing 2,300 residents from their homes.",
    "The regional disaster agency said the Wulan river burst its banks after three days of rain.",
]


def _tail(n: int) -> list[str]:
    # Background well past the lead: other people, places, numbers and a date.
    line = ("Vladimir Putin met Emir Tamim bin Hamad Al Thani in Moscow on 3 March, "
            "where 45,000 people had gathered, the Kremlin said. ")
    return [line * 3] * n


def _padding() -> list[str]:
    return ["Officials said the water was receding slowly. " * 5] * (LEAD_CHARS // 230 + 1)


def test_past_the_lead_only_terms_and_name_keys() -> None:
    body = [*_LEAD, *_padding()]
    short = analyse_text("Floods hit Demak", body, language="en", published=_PUBLISHED)
    long = analyse_text("Floods hit Demak", [*body, *_tail(2)], language="en", published=_PUBLISHED)
    # Participants, places, numbers, the date and the sequel signs: the lead's alone.
    for field in ("names", "places", "date", "sequel", "newest", "dateline"):
        assert getattr(long, field) == getattr(short, field)
    assert {k for k in long.entities if k.startswith(("#", "@"))} <= set(short.entities)
    assert "putin" in long.entities and "putin" not in short.entities  # a name key from the rest
    assert "kremlin" in long.entities
    assert "gathered"[:6] in long.terms and "gathered"[:6] not in short.terms
    # "March": a month name, and "Officials": a word the article also writes in lower case.
    assert "march" not in long.entities
    whole = analyse_text("Floods hit Demak", [*body, *_tail(2)], language="en", published=_PUBLISHED,
                         lead_chars=None)
    assert "#45000" in whole.entities and "#45000" not in long.entities


def test_nothing_past_the_rest_is_read() -> None:
    body = [*_LEAD, *_padding(), *["Officials said the water was receding. " * 10] * (TAIL_CHARS // 390 + 1)]
    base = analyse_text("Floods hit Demak", body, language="en", published=_PUBLISHED)
    more = analyse_text("Floods hit Demak", [*body, *_tail(4)], language="en", published=_PUBLISHED)
    assert more == base


_WORDS = st.sampled_from(["Floods", "hit", "Demak", "again", "Jakarta", "said", "on", "Monday", "2,300",
                          "residents", "kembali", "banjir", "di", "Semarang", "Senin", "(19/6)", "."])
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=25).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=12), st.sampled_from(["en", "id"]),
       st.integers(min_value=40, max_value=400))
def test_features_are_those_of_the_lead(body: list[str], lang: str, chars: int) -> None:
    got = analyse_text("Banjir Demak", body, language=lang, published=_PUBLISHED, lead_chars=chars,
                       read_tail=False)
    want = analyse_text("Banjir Demak", lead_paragraphs(body, chars), language=lang, published=_PUBLISHED,
                        lead_chars=None)
    assert got == want
