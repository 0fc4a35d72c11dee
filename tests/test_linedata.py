"""The labelled line data of issue 18 (benchmarks/linedata.py) and the scoring of
benchmarks/cleaning_quality.py: the blind split, the written lines, skipping
absent data, and the figures of a hand-made article."""

from __future__ import annotations

import collections
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import cleaning_quality as cq  # noqa: E402
import linedata  # noqa: E402
from linedata import KNOWN, LabelledArticle, LabelledLine  # noqa: E402

BENCH = ROOT.parent / "shared" / "benchmarks"
needs_bench = pytest.mark.skipif(not BENCH.is_dir(), reason="../shared/benchmarks is absent")


# -- the split -------------------------------------------------------------------------------------


@given(st.sampled_from(["fundus", "aeb", "trafeval", "written"]), st.text(min_size=1, max_size=40))
def test_hash_split_is_deterministic_and_by_source(set_name: str, source: str) -> None:
    first = linedata.split_of(set_name, source)
    assert first in ("train", "blind")
    assert linedata.split_of(set_name, source) == first
    # casefolding and spacing do not move a source to the other side
    assert linedata.split_of(set_name, "  " + source.upper() + " ") == linedata.split_of(set_name, source.upper())


def test_hash_bucket_matches_the_frozen_rule() -> None:
    spec = yaml.safe_load((ROOT / "benchmarks" / "blind_split.yaml").read_text(encoding="utf-8"))["sets"]
    percent = spec["aeb"]["percent"]
    sources = [f"host{i}.example" for i in range(400)]
    blind = [s for s in sources if linedata.split_of("aeb", s) == "blind"]
    assert all(linedata.source_hash("aeb", s) % 100 < percent for s in blind)
    assert 0.2 < len(blind) / len(sources) < 0.4  # about `percent` percent of sources


def test_hash_order_share_takes_whole_sources_up_to_the_share() -> None:
    counts = collections.Counter({f"outlet {i}": 10 * (i + 1) for i in range(12)})
    blind = {s for s in counts if linedata.split_of("indosum", s, counts) == "blind"}
    share = sum(counts[s] for s in blind) / sum(counts.values())
    assert share >= 0.25
    # dropping the last source taken (in hash order) would fall below the share
    last = max(blind, key=lambda s: linedata.source_hash("indosum", s))
    assert (sum(counts[s] for s in blind) - counts[last]) / sum(counts.values()) < 0.25
    with pytest.raises(ValueError, match="count"):
        linedata.split_of("indosum", "outlet 1")


def test_named_split_and_unsplit_sets() -> None:
    assert linedata.split_of("malay-news", "Kosmo") == "blind"
    assert linedata.split_of("malay-news", "Moto Malaya (motomalaya.net)") == "blind"
    assert linedata.split_of("malay-news", "Majoriti") == "train"
    assert linedata.split_of("seeds", "anything") == "train"
    assert linedata.split_of("bbc", "bbc") == "train"


# -- the written lines ---------------------------------------------------------------------------------


def test_written_lines_parse_with_valid_labels() -> None:
    articles = list(linedata.load_written())
    assert len(articles) >= 100
    ids = [a.article_id for a in articles]
    assert len(ids) == len(set(ids))
    for a in articles:
        assert a.language in ("en", "id", "ms")
        assert a.title and a.lines
        for line in a.lines:
            assert line.label in KNOWN
            assert line.text and "\n" not in line.text
            if line.prefix:
                assert line.label == "C" and line.text.startswith(line.prefix)
    # every language has train and blind outlets, and no outlet is on both sides
    sides = collections.defaultdict(set)
    for a in articles:
        sides[a.source].add(a.split)
    assert all(len(s) == 1 for s in sides.values())
    assert {(a.language, a.split) for a in articles} >= {
        (lang, s) for lang in ("en", "id", "ms") for s in ("train", "blind")
    }


def test_written_rejects_unknown_labels() -> None:
    bad = {"articles": [{"id": "x", "outlet": "o", "language": "en", "title": "t", "lines": [{"Z": "text"}]}]}
    with pytest.raises(ValueError, match="label"):
        list(linedata.parse_written(bad))
    with pytest.raises(ValueError, match="label"):
        LabelledLine("text", "Q")


def test_cb_lines_carry_their_prefix() -> None:
    doc = {
        "articles": [
            {
                "id": "x",
                "outlet": "o",
                "language": "id",
                "title": "t",
                "lines": [{"CB": "Halo, semua! || JAKARTA - Isi berita."}],
            }
        ]
    }
    (art,) = linedata.parse_written(doc)
    assert art.lines[0] == LabelledLine("Halo, semua! JAKARTA - Isi berita.", "C", "Halo, semua!")



def test_an_override_may_give_a_prefix_by_its_length() -> None:
    """The override file stores no benchmark text: ``CB:<n>`` names the prefix by
    its length; any other value is a plain label."""
    text = "ASSALAMUALAIKUM. Saya ingin bertanya tentang zakat."
    assert linedata._overridden(text, "CB:16") == LabelledLine(text, "C", "ASSALAMUALAIKUM.")
    assert linedata._overridden(text, "O") == LabelledLine(text, "O")
    for fixes in linedata._malay_overrides().values():
        for label in fixes.values():
            assert label in KNOWN or (label.startswith("CB:") and label[3:].isdigit())


# -- loading ------------------------------------------------------------------------------------------------


def test_loaders_skip_absent_benchmarks(tmp_path: Path) -> None:
    # The project's own sets (seeds and the written sets) need no benchmarks folder.
    own = [
        "seeds", "written", "written2", "written3", "written4", "written5", "written6", "written7", "written8",
        "written9",
    ]  # fmt: skip
    arts = list(linedata.load_articles(tmp_path))
    assert {a.set for a in arts} == set(own)
    assert linedata.available_sets(tmp_path) == own
    assert list(linedata.load_articles(tmp_path, sets=["indosum", "bbc"])) == []
    blind = list(linedata.load_articles(tmp_path, split="blind"))
    assert blind and all(a.split == "blind" for a in blind)
    with pytest.raises(ValueError, match="unknown sets"):
        list(linedata.load_articles(tmp_path, sets=["nope"]))


@needs_bench
def test_real_sets_split_disjointly_by_source() -> None:
    for name in ("indosum", "malay-news"):
        sides = collections.defaultdict(set)
        for a in linedata.load_articles(BENCH, sets=[name]):
            sides[a.source].add(a.split)
        assert all(len(s) == 1 for s in sides.values()), name
        assert {s for v in sides.values() for s in v} == {"train", "blind"}, name


def test_malay_labelling_rules() -> None:
    lines = [
        "POLIS menahan dua lelaki semalam.",
        "Ketua Polis Daerah, Datuk Ali Ahmad.",
        "— Bernama",
        "Kedua-dua suspek direman tujuh hari.",
        "Oleh itu, kes disiasat mengikut Seksyen 302.",
        "— Majoriti",
        "Boleh follow media sosial Majoriti di Twitter, Facebook, Instagram dan Telegram",
    ]
    assert linedata.label_malay(lines) == ["C", "O", "P", "C", "C", "P", "B"]
    assert linedata.split_sentences(
        "Dr. Ali berkata. Ia selesai.— Majoriti Boleh follow media sosial Majoriti di X"
    ) == ["Dr. Ali berkata.", "Ia selesai.", "— Majoriti", "Boleh follow media sosial Majoriti di X"]


def test_loso_folds_hold_out_whole_sources() -> None:
    arts = [
        LabelledArticle("s", f"src{i % 4}", "en", str(i), "t", (LabelledLine("x", "C"),), "train") for i in range(24)
    ]
    folds = list(linedata.loso_sources(arts))
    assert [name for name, _train, _test in folds] == [f"s:en:src{i}" for i in range(4)]
    for _name, train, test in folds:
        assert {a.source for a in test} & {a.source for a in train} == set()
        assert len(train) + len(test) == len(arts)


# -- scoring ------------------------------------------------------------------------------------------------


def _article() -> LabelledArticle:
    lines = (
        LabelledLine("Oleh: Budi Santoso", "P"),
        LabelledLine("JAKARTA - Pemerintah menaikkan anggaran pendidikan menjadi Rp 700 triliun tahun depan.", "C"),
        LabelledLine("Baca juga: Anggaran kesehatan naik 8 persen", "B"),
        LabelledLine("Menteri keuangan mengatakan kenaikan itu untuk membangun 2.000 sekolah baru.", "C"),
        LabelledLine('"Ini investasi jangka panjang," katanya di Jakarta, Senin.', "C"),
        LabelledLine("Foto hiasan di halaman depan", "O"),
    )
    return LabelledArticle("t", "src", "id", "a1", "Anggaran pendidikan naik", lines, "blind")


def test_score_counts_known_fates() -> None:
    art = _article()
    score = cq.Score()
    score.add(art, [cq.LIFTED, cq.KEPT, cq.CUT, cq.KEPT, cq.CUT, cq.CUT])
    assert (score.credit, score.credit_lifted) == (1, 1)
    assert (score.boiler, score.boiler_removed) == (1, 1)
    assert (score.content, score.content_kept) == (3, 2)
    assert (score.other, score.other_removed) == (1, 1)
    assert score.removal_precision == 0.5
    assert score.false_cuts and score.false_cuts[0].endswith("katanya di Jakarta, Senin.")


def test_prefix_counts_as_boilerplate_and_keeps_the_content() -> None:
    art = LabelledArticle("t", "s", "id", "a", "T", (LabelledLine("Halo! JAKARTA - Isi.", "C", "Halo!"),), "blind")
    right, wrong, none = cq.Score(), cq.Score(), cq.Score()
    right.add(art, ["prefix:Halo!"])
    wrong.add(art, ["prefix:Halo! JAKARTA -"])
    none.add(art, [cq.KEPT])
    assert (right.boiler_removed, right.content_kept) == (1, 1)
    assert (wrong.boiler_removed, wrong.content_kept) == (0, 0)
    assert (none.boiler_removed, none.content_kept, none.boiler) == (0, 1, 1)


def test_end_to_end_with_the_real_parser_and_rules() -> None:
    art = _article()
    run = cq.score_articles([art], cq.Layer("rules", cq._rule_cleaners))
    s = run.scores["t", "id", "blind"]
    assert s.articles == 1
    # the byline is lifted into credits, the read-also line cut, no content lost
    assert (s.credit, s.credit_lifted) == (1, 1)
    assert (s.boiler, s.boiler_removed) == (1, 1)
    assert (s.content, s.content_kept) == (3, 3)
    assert s.removal_precision == 1.0
    parsed, where = cq.parse(art)
    assert where[0] is None and any(c.name == "Budi Santoso" for c in parsed.credits)
    assert run.cpu >= 0.0


def test_parse_refuses_lines_that_do_not_align() -> None:
    art = LabelledArticle("t", "s", "en", "a", "T", (LabelledLine("one\ntwo", "C"),), "train")
    with pytest.raises(ValueError, match="line"):
        cq.parse(art)
