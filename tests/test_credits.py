"""Credit lines: the grammar that recognises them, where the parser looks for them,
what lands in the Article, and a greeting glued before a dateline.

The tables are written for these tests (no benchmark text): credit lines in the
forms English, Indonesian and Malay outlets use, and prose lines that open with
the same words and must stay in the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus.cleaners.chain import CleanerChain
from newscorpus.cleaners.explain import original_fields
from newscorpus.models import Article
from newscorpus.parsers.furniture import (
    credit_roles,
    find_dateline,
    match_byline,
    match_dash_credit,
    match_dated_line,
    match_marked_credit,
    match_signature,
    match_staff_credit,
    match_standalone_dateline,
)
from newscorpus.parsers.plaintext import PlainTextParser
from newscorpus.readers.base import RawDocument
from newscorpus.serialize import article_from_json, article_to_json

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = [
    line.strip()
    for line in (ROOT / "tests" / "data" / "cleaning" / "sentences.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

# -- the grammar: lines that are credits ----------------------------------------------------

LIFTED: list[tuple[str, list[tuple[str, str]]]] = [
    # English
    ("By Helen Marsh", [("Helen Marsh", "author")]),
    ("By Helen Marsh and Omar Said", [("Helen Marsh", "author"), ("Omar Said", "author")]),
    ("Written by Priya Nair", [("Priya Nair", "author")]),
    ("Words by Tom Ellis | Photos by Grace Obi", [("Tom Ellis", "author"), ("Grace Obi", "photographer")]),
    ("Reporting by Lena Park; Editing by Mark Dean", [("Lena Park", "reporter"), ("Mark Dean", "editor")]),
    (
        "(Reporting by Lena Park in Seoul and Ravi Menon in Delhi; Additional reporting by Joe Kim; "
        "Writing by Sam Roy; Editing by Ann Lee and Bob Fox)",
        [("Lena Park", "reporter"), ("Ravi Menon", "reporter"), ("Joe Kim", "reporter"), ("Sam Roy", "author"),
         ("Ann Lee", "editor"), ("Bob Fox", "editor")],
    ),
    ("Reporting and writing by Carla Diaz", [("Carla Diaz", "reporter"), ("Carla Diaz", "author")]),
    ("Text and photos: Jonas Berg", [("Jonas Berg", "author"), ("Jonas Berg", "photographer")]),
    ("Photo: AP Photo/Dana Wells", [("AP", "agency"), ("Dana Wells", "photographer")]),
    ("Image: Reuters", [("Reuters", "agency")]),
    ("Video: Kim Lowe | Graphics: Ben Ortiz", [("Kim Lowe", "videographer"), ("Ben Ortiz", "illustrator")]),
    ("Translated by Mei Tan", [("Mei Tan", "translator")]),
    ("Compiled by Noor Hassan", [("Noor Hassan", "contributor")]),
    ("Source: Ministry of Health", [("Ministry of Health", "source")]),
    ("Editor: J. R. Mills", [("J. R. Mills", "editor")]),
    ("[Correspondent: Yusuf al-Amin]", [("Yusuf al-Amin", "reporter")]),
    # Indonesian
    ("Pewarta: Dimas Prakoso", [("Dimas Prakoso", "reporter")]),
    ("Pewarta: Dimas Prakoso Editor: Lia Hartati", [("Dimas Prakoso", "reporter"), ("Lia Hartati", "editor")]),
    ("Penulis: Rudi Hartono | Editor: Maya Sari", [("Rudi Hartono", "author"), ("Maya Sari", "editor")]),
    ("Reporter: Indra Gunawan; Redaktur: Sri Wahyuni", [("Indra Gunawan", "reporter"), ("Sri Wahyuni", "editor")]),
    ("Wartawan: Fajar Nugroho, Penyunting: Dewi Anggraini",
     [("Fajar Nugroho", "reporter"), ("Dewi Anggraini", "editor")]),
    ("Laporan Wartawan Kompas.com, Agus Salim", [("Kompas", "source"), ("Agus Salim", "reporter")]),
    ("Kontributor Bandung, Yayan Suryana", [("Bandung", "contributor"), ("Yayan Suryana", "contributor")]),
    ("Disunting oleh: Putri Ayu", [("Putri Ayu", "editor")]),
    ("Ditulis oleh Andi Wijaya dan Rina Kartika", [("Andi Wijaya", "author"), ("Rina Kartika", "author")]),
    ("Foto: ANTARA FOTO/Galih Pradipta", [("ANTARA", "agency"), ("Galih Pradipta", "photographer")]),
    ("Teks & Foto: Bayu Saputra", [("Bayu Saputra", "author"), ("Bayu Saputra", "photographer")]),
    ("Sumber: Antara", [("ANTARA", "agency")]),
    ("Diterjemahkan oleh: Hendra Lim", [("Hendra Lim", "translator")]),
    ("Alih bahasa: Nining Sumarni", [("Nining Sumarni", "translator")]),
    ("Jurnalis: Yoga Pratama / Editor: Tommy Hasan", [("Yoga Pratama", "reporter"), ("Tommy Hasan", "editor")]),
    ("Pewarta: Hadi Susanto (ANTARA)", [("Hadi Susanto", "reporter"), ("ANTARA", "agency")]),
    ("Editor: Wisnu Adi (wsn/ags)", [("Wisnu Adi", "editor"), ("wsn", "initials"), ("ags", "initials")]),
    ("(ant/rdk)", [("ant", "initials"), ("rdk", "initials")]),
    ("(Kompas.com/Siska Wulandari)", [("Siska Wulandari", "author")]),
    # Malay
    ("Oleh Nurul Huda binti Ismail", [("Nurul Huda binti Ismail", "author")]),
    ("Oleh: MOHD FARID ABDULLAH", [("MOHD FARID ABDULLAH", "author")]),
    ("Oleh Aiman Hakim - Bernama", [("Aiman Hakim", "author"), ("Bernama", "agency")]),
    ("-- BERNAMA", [("Bernama", "agency")]),
    ("— The Courier", [("The Courier", "source")]),
    ("Dilaporkan oleh: Haziq Rahman | Karya: Aina Sofea", [("Haziq Rahman", "reporter"), ("Aina Sofea", "author")]),
    ("(rzk)", [("rzk", "initials")]),
    ("Oleh SITI NORA ABU", [("SITI NORA ABU", "author")]),
    ("Written by Eva Ross. Edited by Kai Lund.", [("Eva Ross", "author"), ("Kai Lund", "editor")]),
    ("Penulis: Rudi Hartono - Editor: Maya Sari", [("Rudi Hartono", "author"), ("Maya Sari", "editor")]),
    ("Compiled by Gazette staff", [("Gazette staff", "contributor")]),
    ("Written and photographed by Ines Moll", [("Ines Moll", "author"), ("Ines Moll", "photographer")]),
    ("Penterjemah: Siti Khadijah", [("Siti Khadijah", "translator")]),
    ("Jurufoto: Hafiz Othman | Suntingan: Zulkifli Yusof",
     [("Hafiz Othman", "photographer"), ("Zulkifli Yusof", "editor")]),
    ("Wartawan: Ahmad Fauzi bin Hashim, Jurufoto: Lim Wei Ming",
     [("Ahmad Fauzi bin Hashim", "reporter"), ("Lim Wei Ming", "photographer")]),
    ("Gambar: Bernama", [("Bernama", "agency")]),
    # Frames that name nobody: a subject, a job title, a qualifier, a contribution clause
    ("Senior correspondent: Dara Quinn | Editor: Felix Wong", [("Dara Quinn", "reporter"), ("Felix Wong", "editor")]),
    ("Gazette reporter: Ivo Santos", [("Gazette", "source"), ("Ivo Santos", "reporter")]),
    ("Reuters correspondent: Lina Moss", [("Reuters", "agency"), ("Lina Moss", "reporter")]),
    ("This report was written by Tara Holm and edited by Ben Asher.",
     [("Tara Holm", "author"), ("Ben Asher", "editor")]),
    ("Berita ini ditulis oleh Sinta Dewi", [("Sinta Dewi", "author")]),
    ("Translated from the Korean by Min Seo", [("Min Seo", "translator")]),
    ("Laporan Harian Timur: Wan Azlan", [("Harian Timur", "source"), ("Wan Azlan", "reporter")]),
    ("Omar Vance contributed reporting from Nairobi and Kampala.", [("Omar Vance", "reporter")]),
    ("Lucia Ferri and Tom Baird contributed to this report.",
     [("Lucia Ferri", "contributor"), ("Tom Baird", "contributor")]),
    ("Ravi Das turut menyumbang laporan dari Medan.", [("Ravi Das", "reporter")]),
    ("Tribune staff writer Ada Klein contributed to this story.", [("Tribune", "source"), ("Ada Klein", "author")]),
    # A job title after a name is that person's title, never a second name; a
    # work noun ("Images") after an agency stays a name.
    ("By Nora Vik, Political Correspondent", [("Nora Vik", "author")]),
    ("Penulis: Dimas Arya, Senior Editor", [("Dimas Arya", "author")]),
    ("By Hana Lee, Chief Foreign Correspondent, and Sam Ortiz",
     [("Hana Lee", "author"), ("Sam Ortiz", "author")]),
    ("Oleh Rosli Hamid, Wartawan Kanan", [("Rosli Hamid", "author")]),
    ("Photo: Reuters, Getty Images", [("Reuters", "agency"), ("Getty Images", "photographer")]),
    # Desk and agency codes in every shape: any case, long initials, numbered desk
    # codes, spaced slashes, square brackets, a closing full stop.
    ("(dni/rzk)", [("dni", "initials"), ("rzk", "initials")]),
    ("(RZK/DNI)", [("RZK", "initials"), ("DNI", "initials")]),
    ("(Ant/ptr)", [("Ant", "initials"), ("ptr", "initials")]),
    ("(wulandari / ptr)", [("wulandari", "initials"), ("ptr", "initials")]),
    ("(B.K012/R047)", [("B.K012", "initials"), ("R047", "initials")]),
    ("[mhd/tia]", [("mhd", "initials"), ("tia", "initials")]),
    ("(ptr/*)", [("ptr", "initials"), ("*", "initials")]),
    ("(qar).", [("qar", "initials")]),
    ("(AFP/ptr)", [("AFP", "agency"), ("ptr", "initials")]),
    # Values that name no one, after a role word and its marker
    ("Foto: istimewa", [("istimewa", "photographer")]),
    ("Sumber: berbagai sumber", [("berbagai sumber", "source")]),
    ("Foto: Dok. pribadi | Editor: Yani Lestari", [("Dok. pribadi", "photographer"), ("Yani Lestari", "editor")]),
    ("SOURCE: News agencies", [("News Agencies", "agency")]),
    # More role words (en/id/ms) and a role of several words kept whole
    ("Producer: Ilse Brandt | Designed by Omar Reyes",
     [("Ilse Brandt", "contributor"), ("Omar Reyes", "illustrator")]),
    ("Fact-checked by Noel Grant", [("Noel Grant", "editor")]),
    ("Jurugambar: Faizal Rahim", [("Faizal Rahim", "photographer")]),
    ("Sumber video: Roslan Hadi", [("Roslan Hadi", "videographer")]),
    ("Disediakan oleh Nurul Izzah Kamal", [("Nurul Izzah Kamal", "author")]),
    ("Interview by Tika Ramadhani", [("Tika Ramadhani", "reporter")]),
    # "with" before a role inside a wire credit; a name behind its job title
    ("(Reporting by Ada Voss, with additional reporting by Kit Lam, editing by Rod Baines.)",
     [("Ada Voss", "reporter"), ("Kit Lam", "reporter"), ("Rod Baines", "editor")]),
    ("With files from The Canadian Press and Lars Berg", [("The Canadian Press", "source"), ("Lars Berg", "source")]),
    ("With reporting by Reuters correspondent Ines Roy", [("Reuters", "agency"), ("Ines Roy", "reporter")]),
    ("—Gazette writer Pia Holm in Oslo contributed to this report.", [("Gazette", "source"), ("Pia Holm", "author")]),
    ("- – additional reporting by Teo Marsh", [("Teo Marsh", "reporter")]),
    # Name/outlet, either way round, with a known agency or a domain
    ("Rina Oktaviani/ANTARA", [("Rina Oktaviani", "author"), ("ANTARA", "agency")]),
    ("(Dewi Lestari/Detik.com)", [("Dewi Lestari", "author"), ("detikcom", "source")]),
    # Contact lines of the author
    ("hana.okafor@dailyrecord.example.com", [("hana.okafor@dailyrecord.example.com", "contact")]),
    ("• Email: bsmith@post.example.org", [("bsmith@post.example.org", "contact")]),
    ("twitter.com/kwamenews", [("twitter.com/kwamenews", "contact")]),
    ("Write to Lea Stone at lea.stone@wire.example.com", [("Lea Stone", "author"),
                                                          ("lea.stone@wire.example.com", "contact")]),
    ("Reach the reporter on Twitter at @danilo_reports", [("@danilo_reports", "contact")]),
    # lower-case outlet names and desk initials after a colon; sites by their URL
    ("Sumber: beritakota", [("beritakota", "source")]),
    ("Editor : rfn", [("rfn", "editor")]),
    ("sumber : www.kabarsatu.co.id", [("Kabarsatu", "source")]),
    ("Sumber gambar: https://id.examplewiki.org/wiki/Sungai", [("Examplewiki", "source")]),
    ("Credit: Lena Park", [("Lena Park", "source")]),
    ("Words: Osei Mensah", [("Osei Mensah", "author")]),
    # no role word: wires alone, "with" wires, a name and a title or an agency
    ("Reuters", [("Reuters", "agency")]),
    ("AFP/Reuters", [("AFP", "agency"), ("Reuters", "agency")]),
    ("With AFP", [("AFP", "agency")]),
    ("(With inputs from agencies)", [("News Agencies", "agency")]),
    ("Marta Quist, Staff Writer", [("Marta Quist", "author")]),
    ("Ikram Halim, Wartawan", [("Ikram Halim", "reporter")]),
    ("Dana Whitfield, Reuters", [("Dana Whitfield", "author"), ("Reuters", "agency")]),
    ("AP Photo/Rui Soto", [("Rui Soto", "photographer"), ("AP", "agency")]),
    # a job title closing the line or after a pipe; a capitalised "Dan" is a name
    ("By Dan Okafor, Courts Reporter", [("Dan Okafor", "author")]),
    ("Ines Varga | Senior Energy Correspondent", [("Ines Varga", "reporter")]),
    ("Penulis: Dan Prasetyo", [("Dan Prasetyo", "author")]),
    # a name's bracketed outlet code or own role
    ("Writer: Ola Berg (WTVN), Photographer: Sam Reyes", [("WTVN", "source"), ("Ola Berg", "author"),
                                                         ("Sam Reyes", "photographer")]),
    ("By Lucy Tran, Omar Haddad (Photojournalist)", [("Lucy Tran", "author"), ("Omar Haddad", "photographer")]),
    ("Reporter: Wulan Sari, Kamerawan: Dedi Kurnia", [("Wulan Sari", "reporter"), ("Dedi Kurnia", "videographer")]),
    # the correspondent's byline: "From <Name>, <Place>" / "From <Name> in <Place>"
    ("From Tunde Bakare-Oyelaran, Abuja", [("Tunde Bakare-Oyelaran", "author")]),
    ("From Ali Hassan in KANO", [("Ali Hassan", "author")]),
    ("From Siti Nurhaliza binti Tarudin, Kuala Lumpur", [("Siti Nurhaliza binti Tarudin", "author")]),
    ("From Our Correspondent, Lagos", [("Our Correspondent", "author")]),
]


@pytest.mark.parametrize(("line", "expected"), LIFTED)
def test_credit_lines_are_parsed_with_names_and_roles(line: str, expected: list[tuple[str, str]]) -> None:
    found = match_byline(line)
    assert found is not None, line
    assert [(c.name, c.role) for c in found[0]] == expected
    assert all(c.text == line for c in found[0])


# -- prose that opens with the same words ------------------------------------------------------

KEPT = [
    "Editor's note: this story has been updated with comments from the ministry.",
    "Reporting from Jakarta, the minister said the plan would go ahead.",
    "Sumber air bersih di desa itu mengering sejak Juli.",
    "Foto Presiden yang beredar di media sosial ternyata hasil suntingan.",
    "By Thursday the talks had collapsed.",
    "By the end of the year, prices had doubled.",
    "Oleh karena itu, pemerintah menaikkan harga.",
    "Oleh sebab itu, kerajaan akan mengkaji semula dasar tersebut.",
    "Editor Budi Santoso mengatakan berita itu sudah diperbaiki.",
    "Source: the ministry said the figures were provisional.",
    "Photo: a man walks past a flooded street in Jakarta.",
    "Photos by the agency showed the damage to the bridge.",
    "Reporter covering the trial said the judge was absent.",
    "Penulis buku itu, Ahmad Tohari, hadir dalam acara peluncuran.",
    "Wartawan senior itu meninggal dunia pada usia 80 tahun.",
    "Laporan keuangan perusahaan menunjukkan kerugian besar.",
    "Sumber: Badan Pusat Statistik mencatat inflasi naik.",
    "Video: Watch the moment the roof collapsed",
    "Translated by machine, the letter lost much of its meaning.",
    "Written by hand, the note was found in his pocket.",
    "Compiled by researchers at the university, the index covers 120 countries.",
    "Gambar itu diambil dari kamera pengawas di depan rumah.",
    "Editor: How we covered the election",
    "By Monday",
    "Oleh Mei lalu",
    "Reporter: Tom said the road was closed",
    "Pewarta: siapa yang bertanggung jawab?",
    "Foto: Dok. pribadi warga yang diunggah ke media sosial",
    "— dan itu belum semuanya.",
    "- Harga naik di semua pasar tradisional sejak pekan lalu",
    "Compiled by staff",
    "(ABC)",
    # frames around prose
    "Indonesian Journalist Wins Award",
    "Veteran Editor Retires After 40 Years",
    "Former editor John Smith died on Tuesday.",
    "The reporter: what we saw",
    "The ministry contributed to this report on water quality.",
    "Local residents contributed reporting that the bridge had cracked.",
    "This article was updated on Monday with new figures.",
    "Artikel ini telah diperbarui dengan keterangan polisi.",
    "Translated from the original, the letter reads differently.",
    # codes, values, names and outlets that are not credits
    "(end)",
    "(Bersambung)",
    "(Jakarta)",
    "(2019)",
    "Sumber: media sosial ramai membicarakan kasus itu.",
    "Jakarta/Bandung",
    "Harga naik 10 km/jam di jalan tol.",
    "Email the newsroom at news@example.com if you saw it.",
    "Follow us on Twitter @outlet",
    "Producer prices rose 2% in March.",
    "Design of the new bridge was approved on Monday.",
    "With files seized in the raid, police charged three men.",
    # an award list: a category, a dash, the winner (a category word is not a role word)
    "Animation - Paper Moon",
    "Best Design - Glass House",
    "Research - Kings College Team",
    # lower-case words after a colon that are not names; a name and a non-reporter title
    "Sumber: tidak",
    "Foto: Selasa",
    "Sumber: kepolisian setempat menyebut dua orang tewas",
    "John Smith, Chief Executive",
    "Jakarta, Indonesia",
    "With Love",
    "With Friends, Like These",
    "With Reuters reporting that talks had stalled, markets fell.",
    "Credit Suisse shares fell 5% on Monday.",
    # "From" opening a sentence, a place, a date or a role: no correspondent named
    "From Monday, buses will run every ten minutes.",
    "From Abuja, Nigeria",
    "From January, Lagos",
    "From The Editor, Abuja",
    "From Jakarta to Bandung, the road was closed.",
    "From Mr Speaker, London",
]


@pytest.mark.parametrize("line", KEPT)
def test_prose_with_credit_words_is_not_a_credit_line(line: str) -> None:
    assert match_byline(line) is None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SENTENCES),
    st.sampled_from(sorted(credit_roles())),
    st.sampled_from(["", ": ", " by ", " oleh ", " - "]),
    st.integers(min_value=1, max_value=40),
)
def test_real_sentences_are_never_credit_lines(sentence: str, role: str, marker: str, cut: int) -> None:
    """A real news sentence, whole, cut short, or behind a role word and a marker,
    is never read as a list of names."""
    words = sentence.split()
    assert match_byline(sentence) is None
    assert match_byline(" ".join(words[:cut])) is None
    if any(w.islower() for w in words):
        # A sentence (not a title-case subheading such as "Hamas: Kami Butuh",
        # which after "Editor:" would read as a name) behind a role word.
        assert match_byline(role.capitalize() + (marker or " ") + sentence) is None


def test_every_role_is_in_the_documented_vocabulary() -> None:
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    row = next(line for line in schema.splitlines() if line.startswith("| `credits`"))
    documented = set(re.findall(r"`(\w+)`", row.split("|")[3]))
    data = yaml.safe_load((ROOT / "src" / "newscorpus" / "parsers" / "credit_roles.yaml").read_text("utf-8"))
    assert set(data["roles"]) | {"agency", "initials"} <= documented
    assert set(credit_roles().values()) == set(data["roles"])


# -- where the parser looks ------------------------------------------------------------------------


def parse(text: str) -> Article:
    return PlainTextParser().parse(RawDocument("f.txt", 0, "f.txt#0", "text", data=text.encode()), "a")


STORY = [
    "Floods close the coastal road",
    "HANOI (Reuters) - Floods closed the main coastal road on Monday after two days of heavy rain.",
    "Officials said about 3,000 people had been moved to schools and temples on higher ground.",
    "The weather service expects the rain to ease by the end of the week, it said in a statement.",
]


def test_wire_credit_under_a_share_line_is_lifted() -> None:
    a = parse("\n".join([*STORY, "(Reporting by Minh Tran; Editing by Clare Holt)", "Share this article"]))
    assert [(c.name, c.role) for c in a.credits] == [("Minh Tran", "reporter"), ("Clare Holt", "editor")]
    assert a.authors == ("Minh Tran",)
    assert a.body[-1] == "Share this article"  # left for the cleaners
    assert [(r.rule, r.moved_to) for r in a.removed] == [("parser.byline", "credits")]


def test_credit_lines_at_both_edges() -> None:
    a = parse("\n".join([STORY[0], "Oleh Siti Aminah", *STORY[1:], "Penyunting: Rahman Ali", "-- BERNAMA"]))
    assert [(c.name, c.role) for c in a.credits] == [
        ("Siti Aminah", "author"), ("Rahman Ali", "editor"), ("Bernama", "agency")]
    assert a.body == tuple(STORY[1:])


MORE = (
    "More detail on the closures came later in the day, when the provincial office "
    "published the full list of the roads it had closed."
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Penulis: Andi Saputra", [("Andi Saputra", "author")]),
        ("Sumber: TechCrunch.", [("TechCrunch", "source")]),
        ("Sumber berita Reuters dan The Verge.", [("Reuters", "agency"), ("The Verge", "source")]),
        ("Editor: Budi Santoso | Reporter: Rina Wati", [("Budi Santoso", "editor"), ("Rina Wati", "reporter")]),
        ("Penyunting: Rahman Ali", [("Rahman Ali", "editor")]),
        ("Sumber Video : Khairul Anuar Abas", [("Khairul Anuar Abas", "videographer")]),
        ("With reporting by Associated Press writer Sheikh Saaliq", [("AP", "agency"), ("Sheikh Saaliq", "reporter")]),
        ("- – additional reporting by Donald Matthys", [("Donald Matthys", "reporter")]),
    ],
)
def test_a_marked_credit_line_is_lifted_between_paragraphs(line: str, expected: list[tuple[str, str]]) -> None:
    """A credit whose role is marked (a colon, or a role phrase of two words) is
    lifted wherever it stands: under the lede, or above a long closing promotion
    that stops the bottom-up scan."""
    promo = (
        "Portal ini adalah portal berita teknologi yang membahas perusahaan rintisan, inovasi digital "
        "dan ekonomi kreatif di Asia Tenggara setiap hari."
    )
    for lines in ([*STORY[:2], line, *STORY[2:], MORE], [*STORY, line, promo]):
        a = parse("\n".join(lines))
        assert line not in a.body
        assert [(c.name, c.role) for c in a.credits] == expected
        assert [(r.rule, r.moved_to, r.position) for r in a.removed] == [
            ("parser.byline", "credits", lines.index(line))]


@pytest.mark.parametrize(
    "line",
    [
        "Sumber air bersih warga berasal dari mata air di lereng bukit.",  # a one-word role, no marker
        "Editor's note: this story was updated to correct the date of the hearing.",
        "Source: company filings and two people familiar with the talks",
        "Video: Detik-detik Banjir Bandang",  # a teaser for another story
        "Reporter: Where were you when the water came in?",  # a transcript
        "Penulis: Badan Pusat Statistik Provinsi Jawa Barat",  # a name of five words
        "With reporting from Jakarta, the team found the bridge closed.",
    ],
)
def test_prose_behind_a_role_word_stays_between_paragraphs(line: str) -> None:
    a = parse("\n".join([*STORY[:2], line, *STORY[2:], MORE]))
    assert line in a.body and not a.credits


BOOK = ["Judul: Laut Bercerita", "Penulis: Leila S. Chudori", "Penerbit: Kepustakaan Populer Gramedia"]


@pytest.mark.parametrize(
    "lines",
    [
        [STORY[0], *BOOK, *STORY[1:], MORE],  # under the title
        [*STORY[:2], *BOOK, *STORY[2:], MORE],  # mid-story
        [*STORY, MORE, *BOOK],  # closing the review
    ],
)
def test_a_credit_inside_a_list_of_labelled_items_stays(lines: list[str]) -> None:
    """A book's author in the story's own list (title, author, publisher) is not the
    article's credit: with two labelled lines around it that credit no one, it stays,
    wherever the list stands."""
    a = parse("\n".join(lines))
    assert all(line in (a.subtitle, *a.body) for line in BOOK) and not a.credits


def test_one_labelled_line_beside_a_byline_does_not_make_a_list() -> None:
    a = parse("\n".join([STORY[0], "Penulis: Andi Saputra", "Baca juga: Banjir rendam Hanoi", *STORY[1:]]))
    assert [c.name for c in a.credits] == ["Andi Saputra"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Foto: Andi Saputra", [("Andi Saputra", "photographer")]),
        ("Photo: Reuters", [("Reuters", "agency")]),
        ("Ilustrasi: Shutterstock", [("Shutterstock", "illustrator")]),
        ("Gambar: hiasan", [("hiasan", "photographer")]),
        ("(Foto: dok. pribadi)", [("dok. pribadi", "photographer")]),
    ],
)
def test_a_picture_credit_is_lifted_anywhere(line: str, expected: list[tuple[str, str]]) -> None:
    """A photo or illustration credit belongs to a picture, not to the story: it is
    lifted in the middle of the body too."""
    a = parse("\n".join([*STORY[:2], line, *STORY[2:], MORE]))
    assert line not in a.body
    assert [(c.name, c.role) for c in a.credits] == expected
    assert [(r.rule, r.moved_to, r.position) for r in a.removed] == [("parser.byline", "credits", 2)]


@pytest.mark.parametrize(
    "line",
    [
        "Foto Presiden yang beredar di media sosial ternyata hasil suntingan.",
        "Photo: a man walks past a flooded street in Jakarta.",
        "Gambar itu diambil dari kamera pengawas di depan rumah.",
        "Foto: Dok. pribadi warga yang diunggah ke media sosial",
        "Video: Watch the moment the roof collapsed",
        "Video: Detik-detik Banjir Bandang",  # a teaser for another story
        "Photos: Saturn, the Ringed Giant of the Solar System",  # a gallery's headline
    ],
)
def test_prose_opening_with_a_picture_word_stays_in_the_middle(line: str) -> None:
    a = parse("\n".join([*STORY[:2], line, *STORY[2:], MORE]))
    assert line in a.body and not a.credits


def test_parsing_loses_nothing_and_order_is_kept() -> None:
    text = "\n".join([*STORY, "Pewarta: Yudi Hartono", "Baca juga: Banjir di Jawa", "Editor: Nia Kurnia"])
    a = parse(text)
    assert [c.name for c in a.credits] == ["Yudi Hartono", "Nia Kurnia"]
    assert [r.position for r in a.removed] == [4, 6]
    assert a.body[-1] == "Baca juga: Banjir di Jawa"


# -- round trips -------------------------------------------------------------------------------------


def _credited() -> Article:
    return parse("\n".join([
        STORY[0], "Words by Tom Ellis | Photos by Grace Obi", *STORY[1:],
        "(Reporting by Lena Park; Editing by Mark Dean)", "Penerjemah: Mei Tan (ant/rdk)",
    ]))


def test_credits_round_trip_through_jsonl() -> None:
    a = _credited()
    roles = {c.role for c in a.credits}
    assert roles == {"author", "photographer", "reporter", "editor", "translator", "initials"}
    assert article_from_json(article_to_json(a)) == a


def test_credits_round_trip_through_tabular_and_sql(tmp_path: Path) -> None:
    tabular = pytest.importorskip("newscorpus_tabular")
    sql = pytest.importorskip("newscorpus_sql")
    from newscorpus.exporters import ExportContext

    arts = [_credited()]
    ctx = ExportContext(output_dir=tmp_path, articles=lambda: iter(arts), events=lambda: iter(()),
                        duplicates=lambda: iter(()), report={"articles": {"languages": {}}})
    tabular.ParquetExporter().export(ctx)
    tabular.CsvExporter().export(ctx)
    tabular.HuggingFaceExporter().export(ctx)
    (sqlite,) = sql.SqliteExporter().export(ctx)
    assert list(tabular.read_parquet_articles(tmp_path / "articles.parquet")) == arts
    assert list(tabular.read_csv_articles(tmp_path / "articles.csv", tmp_path / "removals.csv")) == arts
    (shard,) = (tmp_path / "hf" / "data" / "articles").iterdir()
    assert list(tabular.read_parquet_articles(shard)) == arts
    assert list(sql.read_sql_articles(sqlite)) == arts


# -- a greeting glued before a dateline ----------------------------------------------------------------

GREETINGS = [
    ("en", "Assalamu alaykum -"),
    ("en", "Good morning, everyone."),
    ("en", "Hello readers!"),
    ("id", "Halo sobat,"),
    ("id", "Selamat pagi, pembaca setia."),
    ("ms", "Salam sejahtera."),
    ("ms", "Assalamualaikum dan salam sejahtera,"),
]
DATELINES = [
    ("MOSCOW (Reuters) -", "MOSCOW", "Reuters"),
    ("LONDON, March 3 (Reuters) -", "LONDON", "Reuters"),
    ("Jakarta (ANTARA) -", "Jakarta", "ANTARA"),
    ("JAKARTA, KOMPAS.com -", "JAKARTA", "Kompas"),
    ("TRIBUNNEWS.COM -", None, "Tribunnews"),
    ("KUALA LUMPUR:", "KUALA LUMPUR", None),
    ("(Reuters) -", None, "Reuters"),
]
REST = "Officials opened the new bridge on Monday after three years of work."
CHAIN = CleanerChain()


@pytest.mark.parametrize(("lang", "greeting"), GREETINGS)
@pytest.mark.parametrize(("dateline", "place", "source"), DATELINES)
def test_a_glued_greeting_never_takes_the_dateline(
    lang: str, greeting: str, dateline: str, place: str | None, source: str | None
) -> None:
    opening = f"{greeting} {dateline} {REST}"
    a = attrs.evolve(parse("\n".join(["Bridge opens", opening, *STORY[2:]])), language=lang)
    assert a.dateline is not None and (a.dateline.place, a.dateline.source) == (place, source)
    cleaned = CHAIN.clean(a)
    assert cleaned.body[0] == f"{dateline} {REST}"
    assert cleaned.dateline == a.dateline
    assert [(r.text, r.partial) for r in cleaned.removed] == [(greeting, True)]
    assert original_fields(cleaned)[2][0] == opening


@pytest.mark.parametrize(
    ("opening", "greeting", "place"),
    [
        # The greeting pattern would run on into the place: it stops where the dateline begins.
        ("Halo sobat JAKARTA - Harga cabai naik tajam di pasar induk pagi ini.", "Halo sobat", "JAKARTA"),
        ("Hello everyone LONDON (Reuters) - The pound rose on Monday after the data.", "Hello everyone", "LONDON"),
        ("Selamat pagi pembaca setia Jakarta (ANTARA) - Presiden meresmikan jalan tol baru.",
         "Selamat pagi pembaca setia", "Jakarta"),
    ],
)
def test_a_greeting_pattern_stops_at_the_dateline(opening: str, greeting: str, place: str) -> None:
    lang = "en" if "Hello" in opening else "id"
    a = attrs.evolve(parse("\n".join(["Judul", opening, *STORY[2:]])), language=lang)
    cleaned = CHAIN.clean(a)
    kept = cleaned.subtitle or cleaned.body[0]
    assert kept == opening[len(greeting) + 1 :]
    assert cleaned.dateline is not None and cleaned.dateline.place == place


@pytest.mark.parametrize(
    ("opening", "greeting", "lang"),
    [
        # A greeting takes its addressee (names and address words up to ! or .) ...
        ("Good evening, North Valley! DENVER - Snow closed two highways on Friday.", "Good evening, North Valley!",
         "en"),
        ("Selamat pagi, warga Kota Hujan. BOGOR - Banjir merendam dua kelurahan.", "Selamat pagi, warga Kota Hujan.",
         "id"),
        ("Assalamualaikum, sahabat Ummah. Masjid negeri membuka kelas baharu minggu ini.",
         "Assalamualaikum, sahabat Ummah.", "ms"),
        ("Hai, Sobat WSX. MEDAN - Harga cabai turun di pasar induk.", "Hai, Sobat WSX.", "id"),
        ("Wilujeng enjing, warga Bandung! Pemkot membuka taman baru di Cibeunying.", "Wilujeng enjing, warga Bandung!",
         "id"),
        # an honorific relative clause is part of the addressee (id/ms "yang ...")
        ("Assalamualaikum dan salam sejahtera, pembaca Suara Pantai yang dihormati. Banjir kilat melanda tiga kampung.",
         "Assalamualaikum dan salam sejahtera, pembaca Suara Pantai yang dihormati.", "ms"),
        ("Selamat pagi, pembaca yang budiman. JAKARTA - Harga beras naik lagi.", "Selamat pagi, pembaca yang budiman.",
         "id"),
        # ... but not words that go on as a sentence: then only the greeting goes, or nothing.
        ("Good morning, Mayor Rivera told the council before the vote on Monday.", None, "en"),
        ("Selamat pagi, warga yang datang ke pasar membeli beras murah.", None, "id"),
    ],
)
def test_a_greeting_takes_its_addressee_but_not_the_dateline(opening: str, greeting: str | None, lang: str) -> None:
    a = attrs.evolve(parse("\n".join(["Judul", opening, *STORY[2:]])), language=lang)
    cleaned = CHAIN.clean(a)
    partial = [r.text for r in cleaned.removed if r.partial]
    assert partial == ([greeting] if greeting else [])
    kept = cleaned.subtitle or cleaned.body[0]
    assert kept == (opening[len(greeting) + 1 :] if greeting else opening)


@pytest.mark.parametrize(
    "text",
    [
        "The NATO - Russia council met on Monday in Brussels.",
        "In 2019, JAKARTA - the capital - flooded twice.",
        "Prices rose sharply in Jakarta - the capital - this week.",
        "Kami berharap semua pihak, KPK - dan juga polisi - bekerja sama.",
    ],
)
def test_no_dateline_is_found_inside_a_sentence(text: str) -> None:
    assert find_dateline(text) is None


@pytest.mark.parametrize(
    ("line", "place", "source"),
    [
        ("MANILA, Dec 4 (PWS) -", "MANILA", "PWS"),
        ("MOSCOW (Reuters) -", "MOSCOW", "Reuters"),
        ("JAKARTA, KOMPAS.com -", "JAKARTA", "Kompas"),
        ("TRIBUNNEWS.COM -", None, "Tribunnews"),
        ("(AFP) -", None, "AFP"),
    ],
)
def test_a_dateline_in_a_paragraph_of_its_own_is_read_and_stays(line: str, place: str | None, source: str) -> None:
    story = "The central bank held its policy rate on Thursday, as analysts had expected."
    art = parse("\n\n".join(["A title", line, story, STORY[2]]))
    assert art.dateline is not None and (art.dateline.place, art.dateline.source) == (place, source)
    assert art.dateline.text == line
    # As a glued dateline does, it stays in the text (its words open the story):
    # nothing is lifted, the story's paragraphs follow it in order.
    assert not art.removed
    assert [p for p in (art.subtitle, *art.body) if p] == [line, story, STORY[2]]


@pytest.mark.parametrize(
    "line", ["KUALA LUMPUR:", "BREAKING NEWS:", "WATCH:", "JAKARTA -", "Halo, Sobat -", "London, Thursday -"]
)
def test_a_label_or_a_greeting_alone_is_not_a_standalone_dateline(line: str) -> None:
    assert match_standalone_dateline(line) is None


# -- dated bylines and update lines ------------------------------------------------------------

DATED: list[tuple[str, list[tuple[str, str]], str | None, str]] = [
    # line, credits, the date it gives (ISO) or None, the field it goes to
    ("Posted on March 5, 2024 by kedaimotor", [("kedaimotor", "author")], "2024-03-05", "published"),
    ("Posted on 5 Mac 2024 by Pena Motor", [("Pena Motor", "author")], "2024-03-05", "published"),
    ("Posted by admin on 2024-03-05", [("admin", "author")], "2024-03-05", "published"),
    # a blog theme's published and updated dates side by side, glued by extraction
    ("Posted on March 5, 2024March 9, 2024 by kedaimotor", [("kedaimotor", "author")], "2024-03-05", "published"),
    ("Posted on 5 Mac 2024 9 Mac 2024 by Pena Motor", [("Pena Motor", "author")], "2024-03-05", "published"),
    ("By Jane Doe | 5 March 2024, 10:12 am", [("Jane Doe", "author")], "2024-03-05T10:12:00", "published"),
    ("Oleh Ahmad Faizal - 12 Mac 2024", [("Ahmad Faizal", "author")], "2024-03-12", "published"),
    ("12 Maret 2024 | Rina Oktaviani", [("Rina Oktaviani", "author")], "2024-03-12", "published"),
    ("Diterbitkan: Selasa, 12 Maret 2024 14:30 WIB", [], "2024-03-12T14:30:00", "published"),
    ("Rabu, 13 Maret 2024 09.15 WIB", [], "2024-03-13T09:15:00", "published"),
    ("- Published 18 November 2023", [], "2023-11-18", "published"),
    ("UPDATED: Tue., Nov. 21, 2023", [], "2023-11-21", "modified"),
    ("Dikemaskini: 4 Ogos 2023, 8:40 pm", [], "2023-08-04T20:40:00", "modified"),
    ("November 20, 2023 - 11:28 AMT", [], "2023-11-20T11:28:00", "published"),
    ("17:41 JST, October 13, 2024", [], "2024-10-13T17:41:00", "published"),
    ("Updated at 1:23 p.m.", [], None, "modified"),
    # a second stamp after the first (the update's), a reading time, id/ms parts of the day
    ("Published: 08:40, 3 June 2025 | Updated: 10:02, 3 June 2025", [], "2025-06-03T08:40:00", "published"),
    ("Posted 7:05 PM ET March 2, 2025 | Updated 8:15 PM ET March 2, 2025", [], "2025-03-02T19:05:00", "published"),
    ("June 9, 2025 · 6 min read", [], "2025-06-09", "published"),
    # the verb marked with a dash, as with a colon: the verb is not an author's name
    ("Published - March 04, 2026 09:12 pm IST", [], "2026-03-04T21:12:00", "published"),
    ("Published - August 19, 2026 07:40 pm IST | Updated - August 20, 2026 08:05 am IST", [],
     "2026-08-19T19:40:00", "published"),
    ("Diperbarui - 12 Maret 2024 14:30 WIB", [], "2024-03-12T14:30:00", "modified"),
    ("Artikel ini diterbitkan pada : Isnin, 9 Jun 2025 @ 4:20 PTG", [], "2025-06-09T16:20:00", "published"),
    ("Siti Aminah | 9 Jun 2025 | 8:30 malam", [("Siti Aminah", "author")], "2025-06-09T20:30:00", "published"),
    ("Diterbitkan 9 Juni 2025, 7:15 pagi | Diperbarui 9:00 pagi", [], "2025-06-09T07:15:00", "published"),
    # a credit line whose last segment is the date; Malay date labels and a last update by someone
    ("Pewarta: Yosef Kelen — Redaktur: Maria Ulu — Senin, 08 Jun 2025 09:12 WIT",
     [("Yosef Kelen", "reporter"), ("Maria Ulu", "editor")], "2025-06-08T09:12:00", "published"),
    ("Tarikh terbit: 8 Jun 2025 | Kali terakhir dikemas kini: 9 Jun 2025 oleh Unit Media",
     [("Unit Media", "author")], "2025-06-08", "published"),
]


@pytest.mark.parametrize(("line", "credits", "when", "field"), DATED)
def test_dated_lines_are_read(line: str, credits: list[tuple[str, str]], when: str | None, field: str) -> None:
    found = match_dated_line(line)
    assert found is not None, line
    assert [(c.name, c.role) for c in found.credits] == credits
    assert (found.when.isoformat() if found.when else None) == when
    assert found.field == field
    assert match_dated_line(line + " The minister said the plan would go ahead.") is None


DATED_KEPT = [
    "Harga cabai naik lagi — Senin, 08 Jun 2025 09:12 WIT",  # a headline and a date, no credit
    "The vote ran late, until 9:45 malam on 9 June 2025, officials said.",
    "June 9, 2025 · what we know",
    "12 March 2024",  # a timeline's subheading
    "12 March 2024 13 March 2024",  # two dates and nothing else
    "Selasa, 12 Maret 2024",
    "Jakarta, 12 Maret 2024",  # a place and a date (a letter's close), not a byline
    "On 12 March 2024 the court ruled.",
    "The meeting is at 10:30 am",
    "Posted on social media at 10:30 pm, the video was viewed a million times.",
    "Updated figures for March 5, 2024 show a rise.",
    "Diterbitkan pada 12 Maret 2024, buku itu laris.",
    "By March 5, 2024 the bridge had reopened.",
    "Harga naik 10.30 persen pada 5 Maret 2024.",
]


@pytest.mark.parametrize("line", DATED_KEPT)
def test_sentences_and_bare_dates_are_not_dated_lines(line: str) -> None:
    assert match_dated_line(line) is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SENTENCES), st.integers(min_value=1, max_value=40))
def test_real_sentences_are_never_dated_lines(sentence: str, cut: int) -> None:
    assert match_dated_line(sentence) is None
    assert match_dated_line(" ".join(sentence.split()[:cut]) + " 5 March 2024") is None


def test_page_chrome_byline_is_lifted_with_its_date() -> None:
    a = parse("\n".join([STORY[0], "Posted on March 5, 2024 by kedaimotor", *STORY[1:]]))
    assert [(c.name, c.role) for c in a.credits] == [("kedaimotor", "author")]
    assert a.published is not None and a.published.isoformat() == "2024-03-05"
    assert a.published.signal == "byline"
    assert a.body == tuple(STORY[1:])
    assert [(r.rule, r.moved_to) for r in a.removed] == [("parser.dated_line", "credits")]


def test_update_line_goes_to_modified_and_a_header_date_wins() -> None:
    text = "\n".join(["date 2024-03-01", STORY[0], "Updated: 6 March 2024, 9:05 am", *STORY[1:]])
    a = parse(text)
    assert a.published is not None and a.published.isoformat() == "2024-03-01"
    assert a.modified is not None and a.modified.isoformat() == "2024-03-06T09:05:00"
    assert ("parser.dated_line", "modified") in [(r.rule, r.moved_to) for r in a.removed]
    assert article_from_json(article_to_json(a)) == a


def test_a_date_without_a_year_is_kept_as_written() -> None:
    a = parse("\n".join([*STORY, "Updated at 4:05 p.m."]))
    assert a.modified is None and a.extras["unparsed"] == {"modified": "4:05 p.m"}
    assert a.body == tuple(STORY[1:])


def test_record_parser_takes_an_update_line_only_when_no_column_gives_it() -> None:
    from newscorpus.parsers.record import RecordParser

    body = "\n".join([*STORY[1:], "Updated: 6 March 2024, 9:05 am"])
    doc = RawDocument("r.jsonl", 0, "r.jsonl#0", "jsonl", fields={"title": STORY[0], "body": body})
    a = RecordParser().parse(doc, "r")
    assert a.modified is not None and a.modified.isoformat() == "2024-03-06T09:05:00"
    assert a.body == tuple(STORY[1:])
    fields = {"title": STORY[0], "body": body, "modified": "2024-03-07T10:00:00Z"}
    b = RecordParser().parse(RawDocument("r.jsonl", 1, "r.jsonl#1", "jsonl", fields=fields), "s")
    assert b.modified is not None and b.modified.isoformat() == "2024-03-07T10:00:00+00:00"


# -- desks credited instead of people; a person described in brackets ------------------------------

STAFF = [
    ("Staff Reporter", [("Staff Reporter", "reporter")]),
    ("Special Correspondent", [("Special Correspondent", "reporter")]),
    ("Our Political Editor", [("Our Political Editor", "editor")]),
    ("STAFF WRITER", [("STAFF WRITER", "author")]),
    ("Tim Liputan Kanal7, Bekasi", [("Tim Liputan Kanal7", "author")]),
    ("Tim Redaksi", [("Tim Redaksi", "author")]),
]


@pytest.mark.parametrize(("line", "expected"), STAFF)
def test_a_desk_credited_at_either_edge_is_lifted(line: str, expected: list[tuple[str, str]]) -> None:
    for lines in ([STORY[0], line, *STORY[1:]], [*STORY, line]):
        a = parse("\n".join(lines))
        assert line not in a.body
        assert [(c.name, c.role) for c in a.credits] == expected


NOT_DESKS = ["The Correspondent", "Staff reporter", "Prime Minister", "Tim Nasional", "Team GB", "Kuala Lumpur",
             "Tim SAR gabungan", "Monday Editor"]
NOT_SIGNATURES = ["TERIMA KASIH", "SELAMAT HARI RAYA", "SELAMAT PAGI, Malaysia", "HAPPY NEW YEAR, Readers",
                  "BREAKING NEWS", "KUALA LUMPUR", "THE END", "WALLAHUALAM."]


@pytest.mark.parametrize(
    ("matcher", "line"),
    [(match_staff_credit, line) for line in NOT_DESKS] + [(match_signature, line) for line in NOT_SIGNATURES],
)
def test_a_side_a_title_a_place_or_a_closing_line_credits_no_one(
    matcher: Callable[[str], object], line: str
) -> None:
    """A sports side, a title, a place, a greeting or wish in capitals: the shapes of
    a desk credit or a signature that credit no one."""
    assert matcher(line) is None


@pytest.mark.parametrize("line", ["Special Correspondent", "JOHN SMITH, Leeds"])
def test_an_edge_credit_mid_story_stays(line: str) -> None:
    """Desk credits and signatures are read only at the edges: mid-story, a two-word
    line in title case may be a subheading, a name in capitals a quoted sign."""
    a = parse("\n".join([*STORY[:2], line, *STORY[2:], MORE]))
    assert line in a.body and not a.credits


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Kontributor: Yohanes Dae (warga Ende, NTT)", [("Yohanes Dae", "contributor")]),
        ("By Jane Doe (a student in Leeds)", [("Jane Doe", "author")]),
        ("Pewarta: Budi Santoso (ant/xyz)", [("Budi Santoso", "reporter"), ("ant", "initials"), ("xyz", "initials")]),
    ],
)
def test_a_name_described_in_brackets_is_credited(line: str, expected: list[tuple[str, str]]) -> None:
    found = match_byline(line)
    assert found is not None
    assert [(c.name, c.role) for c in found[0]] == expected
    assert {c.text for c in found[0]} == {line}


def test_a_bracket_that_credits_someone_else_is_not_a_description() -> None:
    assert match_byline("By Jane Doe (additional reporting by Tom Lee)") is None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), st.integers(min_value=1, max_value=40))
def test_real_sentences_are_never_desk_or_marked_credits(sentence: str, cut: int) -> None:
    """A real news sentence, whole or cut short, is neither a desk's credit, a credit
    line with its role marked, a signature nor a dash credit (the forms the parser
    lifts mid-story or at an edge without a role word to go by)."""
    for text in (sentence, " ".join(sentence.split()[:cut])):
        assert match_staff_credit(text) is None
        assert match_marked_credit(text) is None
        assert match_signature(text) is None
        assert match_dash_credit(text) is None


def test_a_date_alone_under_a_credit_at_the_top_is_the_stamp() -> None:
    a = parse("\n".join([STORY[0], "by Caleb Whitford", "February 11, 2026", *STORY[1:]]))
    assert a.published is not None and a.published.value.isoformat() == "2026-02-11"
    assert [c.name for c in a.credits] == ["Caleb Whitford"]
    assert "February 11, 2026" not in a.body


@pytest.mark.parametrize(
    "lines",
    [
        [STORY[0], "February 11, 2026", *STORY[1:]],  # no credit above it: a timeline may open so
        [*STORY[:2], "by Caleb Whitford", "February 11, 2026", *STORY[2:], MORE],  # mid-story
    ],
)
def test_a_date_alone_elsewhere_stays(lines: list[str]) -> None:
    a = parse("\n".join(lines))
    assert "February 11, 2026" in (a.subtitle, *a.body) and a.published is None


# -- a letter's signature at the tail; a dash credit under a picture mid-story ---------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("KARTHIGES RAJAMANICKAM, Kuala Lumpur.", "KARTHIGES RAJAMANICKAM"),
        ("MUHAMMAD AIMAN ARIFIN, UiTM Kampus Arau, Perlis.", "MUHAMMAD AIMAN ARIFIN"),
        ("DR. AHMAD NASIR MOHD.", "DR. AHMAD NASIR MOHD"),
        ("JOHN SMITH, Leeds", "JOHN SMITH"),
    ],
)
def test_a_letter_signature_closing_the_text_is_lifted(line: str, name: str) -> None:
    a = parse("\n".join([*STORY, line]))
    assert line not in a.body
    assert [(c.name, c.role) for c in a.credits] == [(name, "author")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("— Agensi", [("Agensi", "source")]), ("— Reuters", [("Reuters", "agency")]),
     ("– Gambar hiasan", [("Gambar hiasan", "source")])],
)
def test_a_dash_credit_under_a_picture_is_lifted_mid_story(line: str, expected: list[tuple[str, str]]) -> None:
    a = parse("\n".join([*STORY[:2], line, *STORY[2:], MORE]))
    assert line not in a.body
    assert [(c.name, c.role) for c in a.credits] == expected


@pytest.mark.parametrize(
    "line", ["- Jakarta", "— Tidak!", "— Ya, saya tahu.", "— Gambar hiasan dari arkib keluarga mangsa"]
)
def test_a_dashed_line_that_is_no_credit_is_not_a_dash_credit(line: str) -> None:
    assert match_dash_credit(line) is None


def test_dashed_items_of_a_list_stay() -> None:
    towns = ["– Surabaya", "– Medan", "– Makassar"]
    a = parse("\n".join([*STORY[:2], *towns, *STORY[2:], MORE]))
    assert all(t in a.body for t in towns) and not a.credits


# -- source descriptions and publication stamps (classes read from written5) --------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sumber: konferensi pers PSSI", [("konferensi pers PSSI", "source")]),
        ("Source: press release", [("press release", "source")]),
        (
            "Teks: Sarah Idris | Sumber: Kenyataan media hospital",
            [("Sarah Idris", "author"), ("Kenyataan media hospital", "source")],
        ),
    ],
)
def test_a_source_may_be_a_document_or_an_event(line: str, expected: list[tuple[str, str]]) -> None:
    found = match_byline(line)
    assert found is not None
    assert [(c.name, c.role) for c in found[0]] == expected


@pytest.mark.parametrize(
    "line",
    [
        "Sumber: BPS mencatat inflasi naik",  # a sentence: a finite verb
        "Sumber: tidak",  # a form's "none"
        "Source: Why it matters",  # names no kind of source
        "Sumber: laporan itu menyebut korban bertambah",
    ],
)
def test_a_source_description_is_a_noun_phrase_of_a_source_kind(line: str) -> None:
    assert match_byline(line) is None


def test_names_then_a_publication_verb_then_the_date() -> None:
    dated = match_dated_line("Thandeka Mokoena | Published 03 December 2026, 08:41 | Updated 03 December 2026, 13:05")
    assert dated is not None and dated.field == "published"
    assert str(dated.when.value) == "2026-12-03 08:41:00"
    assert [(c.name, c.role) for c in dated.credits] == [("Thandeka Mokoena", "author")]


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("Published in The Lahore Courier, December 5th, 2026", "The Lahore Courier"),
        ("Diterbitkan di Harian Rakyat, 5 Maret 2024", "Harian Rakyat"),
    ],
)
def test_the_outlet_a_story_was_published_in(line: str, outlet: str) -> None:
    dated = match_dated_line(line)
    assert dated is not None and dated.when is not None
    assert [(c.name, c.role) for c in dated.credits] == [(outlet, "source")]


def test_a_sentence_about_publishing_is_no_stamp() -> None:
    assert match_dated_line("The study was published in Nature on March 5, 2024.") is None
    assert match_dated_line("Published in the journal Nature, the study on 5 March 2024 found more.") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Rizky Pratama - Kompas", [("Rizky Pratama", "author"), ("Kompas", "source")]),
        ("By Jane Doe - Staff Writer", [("Jane Doe", "author")]),  # her title, no credit
        ("Oleh Ahmad - Wartawan Senior", [("Ahmad", "author")]),
        ("Rizky Pratama - GawaiLab.id", [("Rizky Pratama", "author"), ("Gawailab", "source")]),
        # an outlet qualifies a role before a colon only
        ("Laporan Seruan Johor: Ahmad Faiz", [("Seruan Johor", "source"), ("Ahmad Faiz", "reporter")]),
    ],
)
def test_the_outlet_or_title_after_a_dash(line: str, expected: list[tuple[str, str]]) -> None:
    found = match_byline(line)
    assert found is not None
    assert [(c.name, c.role) for c in found[0]] == expected


@pytest.mark.parametrize("line", ["Kuala Lumpur - bernama.com", "KUALA LUMPUR - detik.com", "Rizky - GawaiLab.id"])
def test_a_place_or_a_lone_word_before_a_domain_is_no_byline(line: str) -> None:
    assert match_byline(line) is None
