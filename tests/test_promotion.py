"""The outlet-promotion cleaner (``newscorpus.cleaners.promotion``): the outlet
talking to the reader about itself is cut; the story, appeals of other bodies
and teasers for the outlet's own story stay. The sentences are written here."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.cleaners import CleanerChain, default_cleaners
from newscorpus.cleaners.linemodel import outlet_pattern
from newscorpus.cleaners.promotion import MAX_WORDS, RULE, OutletPromotionCleaner, promotes_outlet
from newscorpus.models import Article, Provenance
from newscorpus.testing import check_cleaner

OUTLET = "Lakeside Morning News"

PLUGS = [
    # its own name (without the generic "News"), a call and a broadcast or a price
    "Listen to Lakeside Morning live on 101.4FM or stream us on the free Lakeside Morning app.",
    "Lakeside Morning News is free to read. Keep it that way and chip in from $3 a month.",
    "Want this in your inbox every day? Subscribe to the Lakeside Morning News briefing.",
    # "us" or "kami" with a way to reach the outlet
    "Seen something in your street? WhatsApp us on 0812 5550 1234.",
    "Punya cerita dari kampungmu? Kirim ke kami lewat email tips@pagikota.id.",
    # its newsroom or comment section, with a call
    "Ada maklumat atau aduan? Hubungi bilik berita kami di talian 03-5550 1122.",
    "Tulis pendapatmu di kolom komentar!",
    "Got a story? Email the newsroom.",
    # the reader's say is no reported speech
    "Have your say on the bin strike in the comments below.",
    # an icon before the call; "the" and the name's last word
    "🎧 Listen: this week our editors unpack the council budget. Available wherever you get your podcasts.",
    "Enjoying the Morning? Subscribers get unlimited access for $4 a week. Subscribe now.",
    # a paywall: a call to subscribe with a price or the reading it unlocks
    "You've read 4 of 4 free stories this month. Subscribe to keep reading, plans start at $2.",
    "Artikel ini untuk pelanggan Premium. Langgan sekarang dari RM6.90 sebulan untuk akses penuh.",
]

STORY = [
    # a police appeal: a call and a phone number, but not the outlet's
    "Anyone with information should call police on 0800 555 111.",
    "Sila hubungi talian 999 jika anda melihat mangsa banjir yang memerlukan bantuan.",
    # reported speech and quotations are the story's
    '"Follow us on the campaign trail," the candidate told supporters at Lakeside Morning News.',
    "Follow our lead, the mayor urged other councils, in an interview with Lakeside Morning News.",
    # a teaser for the outlet's own coverage (IndoSum labels these as the story's)
    "Apa dampaknya bagi warga? Simak liputan khususnya besok di Lakeside Morning News.",
    "Temukan kisah lengkap para nelayan itu dalam liputan Lakeside Morning News pekan depan.",
    # the story naming the outlet without calling the reader to act
    "Lakeside Morning News first reported the closure of the mill on Tuesday.",
    # "us" with no way to reach the outlet: a speaker's own words
    "I would sell him if we had no money, but keep him if it gets us a stadium.",
    # a subscription reported in the story
    "Subscribe to the streaming service for $9.99 a month, the company told customers on Monday.",
    # asking the reader's opinion stays guarded (IndoSum labels these the story's)
    "Menurut kamu apa nama yang pas? Tuliskan di kolom komentar di bawah ini, ya.",
    # readers' comments reported in the story
    "Ramai peminat meninggalkan ucapan tahniah di ruangan komen hantaran tersebut.",
]


def _article(body: list[str], source: str | None = OUTLET) -> Article:
    return Article(
        id="t",
        provenance=Provenance(path="t"),
        title="Mill closes after 90 years",
        body=tuple(body),
        language="en",
        source=source,
    )


@pytest.mark.parametrize("text", PLUGS)
def test_plugs_of_the_outlet_are_cut(text: str) -> None:
    assert promotes_outlet(text, outlet_pattern(OUTLET, short=True))


@pytest.mark.parametrize("text", STORY)
def test_the_story_stays(text: str) -> None:
    assert not promotes_outlet(text, outlet_pattern(OUTLET, short=True))


def test_the_short_name_needs_short() -> None:
    # The line model reads names as it was trained: the full name only.
    text = "Listen to Lakeside Morning live on 101.4FM."
    assert outlet_pattern(OUTLET).search(text) is None
    assert outlet_pattern(OUTLET, short=True).search(text) is not None
    # A generic last word is dropped only from names of three words or more.
    assert outlet_pattern("Suara News", short=True).search("Dengarkan suara rakyat.") is None
    # "The Harbour Ledger" is "the Ledger" in its own plugs.
    assert outlet_pattern("The Harbour Ledger", short=True).search("Enjoying the Ledger?") is not None
    assert outlet_pattern("The Harbour Ledger").search("Enjoying the Ledger?") is None


def test_long_paragraphs_are_never_cut() -> None:
    text = "Subscribe to Lakeside Morning News today, " + " ".join(["and"] * MAX_WORDS) + " more."
    assert not promotes_outlet(text, outlet_pattern(OUTLET, short=True))


def test_without_a_known_outlet_only_us_and_the_newsroom_count() -> None:
    assert promotes_outlet("Seen something? WhatsApp us on 0812 5550 1234.", None)
    assert not promotes_outlet("Subscribe to Lakeside Morning News today.", None)


def test_the_cleaner_records_each_cut_and_is_in_the_defaults() -> None:
    body = ["The mill closed on Monday after 90 years, its owners said.", PLUGS[0], STORY[0]]
    out = OutletPromotionCleaner().clean(_article(body))
    assert out.body == (body[0], STORY[0])
    (removal,) = out.removed
    assert removal.rule == RULE and removal.plugin == "promotion" and removal.text == PLUGS[0]
    assert "promotion" in [c.name for c in default_cleaners()]
    # the default chain cuts it too, and cleaning twice changes nothing
    chain = CleanerChain()
    once = chain.clean(_article(body))
    assert PLUGS[0] not in once.body and chain.clean(once) == once


def test_contract_on_written_articles() -> None:
    check_cleaner(OutletPromotionCleaner, [_article([*STORY[:2], p, *STORY[2:]]) for p in PLUGS])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations([*PLUGS, *STORY]), st.sampled_from([OUTLET, None, "lakesidemorning.com"]))
def test_decisions_do_not_depend_on_order_or_neighbours(body: list[str], source: str | None) -> None:
    out = OutletPromotionCleaner().clean(_article(list(body), source))
    pattern = outlet_pattern(source, short=True)
    assert list(out.body) == [p for p in body if not promotes_outlet(p, pattern)]
    assert set(STORY) <= set(out.body)


def test_max_words_option() -> None:
    plug = PLUGS[2]  # 14 words
    body = ["The mill closed on Monday after 90 years, its owners said.", plug]
    assert OutletPromotionCleaner(max_words=10).clean(_article(body)).body == tuple(body)
    assert plug not in OutletPromotionCleaner(max_words=14).clean(_article(body)).body
    for bad in (0, True, "5"):
        with pytest.raises(ValueError, match="max_words"):
            OutletPromotionCleaner(max_words=bad)  # type: ignore[arg-type]
