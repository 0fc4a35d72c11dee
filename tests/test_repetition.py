"""Corpus repetition: line keys, counting, the decision, the guards, and the
sharded stages end to end (cuts, report, resume)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscorpus import Pipeline, config_from_dict
from newscorpus.cleaners import repetition as rep
from newscorpus.cleaners.explain import reconstruct
from newscorpus.config import RepetitionConfig
from newscorpus.models import Article, Provenance

# -- helpers -------------------------------------------------------------------------------------

_SYL = ["ka", "lo", "mi", "ren", "to", "sa", "vi", "du", "pe", "ran", "go", "si"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4)))


def _sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(_word(rng) for _ in range(words)).capitalize() + "."


def _article(i: int, body: list[str], *, url: str | None = None, source: str | None = None,
             title: str = "") -> Article:
    return Article(id=f"a{i}", provenance=Provenance("mem", i), title=title or f"Headline {i}", body=tuple(body),
                   url=url, source=source)


def _footer(rng: random.Random) -> str:
    # The outlet's own wording, with a name and numbers that change from article to article.
    name = rng.choice(["Siti Aminah", "Budi", "Rahman Hakim", "Dewi"])
    return f"Dapatkan kabar pilihan redaksi {name} setiap pagi, {rng.randint(1, 31)} edisi, di aplikasi kami."


# -- keys ----------------------------------------------------------------------------------------


def test_key_masks_numbers_names_case_and_punctuation() -> None:
    a = rep.line_key("Follow Warta Harian on Telegram -- 12,500 readers!")
    b = rep.line_key("follow Kabar Kita on Telegram: 3 readers")
    assert a == b
    assert rep.line_key("Posted on March 3, 2023 by Amirul") == rep.line_key("Posted on July 26, 2024 by Siti Nur")
    assert rep.line_key("Reporting  by\tAli") == rep.line_key("Reporting by Ali")


def test_key_keeps_different_sentences_apart() -> None:
    lines = ["The council voted to close the school.", "The council voted to open the school.",
             "Subscribe to our newsletter.", "Subscribe to our podcast.", "Harga beras naik lagi."]
    assert len({rep.line_key(line) for line in lines}) == len(lines)


@given(st.text(max_size=60))
def test_key_is_a_64_bit_integer_and_stable(line: str) -> None:
    key = rep.line_key(line)
    assert 0 <= key < 2**64
    assert key == rep.line_key(line)


def test_source_of_prefers_the_host() -> None:
    art = _article(0, ["x"], url="https://www.news.example.co.id/a/1", source="Reuters")
    assert rep.source_of(art) == "example.co.id"
    assert rep.source_of(_article(1, ["x"], source=" Kosmo ")) == "kosmo"
    assert rep.source_of(_article(2, ["x"])) is None
    data = {"url": None, "provenance": {"url": "http://site.example/x"}, "source": "S"}
    assert rep.source_of_record(data) == "site.example"


# -- counting and merging ---------------------------------------------------------------------------


def test_a_line_counts_once_per_article() -> None:
    counts = rep.RepetitionCounts(edge_lines=0)
    body = ["Lede.", "Share this story", "Middle.", "Share this story", "share THIS story!"]
    counts.add(_article(0, body, source="s"))
    key = rep.line_key("Share this story")
    assert counts.lines["s"][key] == 1
    assert counts.articles["s"] == 1


def test_unknown_source_and_the_lede_are_not_counted() -> None:
    counts = rep.RepetitionCounts()
    counts.add(_article(0, ["Only a lede."]))
    assert not counts.articles
    counts.add(_article(1, ["Only a lede."], source="s"))
    assert counts.articles["s"] == 1 and not counts.lines


def test_edge_lines_bound_what_is_counted() -> None:
    body = [f"Line {chr(97 + i)} here" for i in range(20)]
    counts = rep.RepetitionCounts(edge_lines=3)
    counts.add(_article(0, body, source="s"))
    counted = {rep.line_key(body[i]) for i in (1, 2, 3, 17, 18, 19)}
    assert set(counts.lines["s"]) == counted


_counts = st.builds(
    lambda arts: _count(arts),
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                       st.lists(st.sampled_from(["Lede.", "Follow us", "Share", "Ads", "Tip 1", "Menu"]),
                                max_size=6)),
             max_size=8))


def _count(arts: list[tuple[str, list[str]]]) -> rep.RepetitionCounts:
    c = rep.RepetitionCounts()
    for i, (src, body) in enumerate(arts):
        c.add(_article(i, body, source=src))
    return c


@settings(max_examples=60, deadline=None)
@given(_counts, _counts, _counts)
def test_merge_is_associative_and_commutative(a: rep.RepetitionCounts, b: rep.RepetitionCounts,
                                              c: rep.RepetitionCounts) -> None:
    assert a.merge(b) == b.merge(a)
    assert a.merge(b).merge(c) == a.merge(b.merge(c))


@settings(max_examples=40, deadline=None)
@given(_counts, st.integers(1, 5))
def test_file_form_round_trips_by_partition(counts: rep.RepetitionCounts, partitions: int) -> None:
    data = counts.to_bytes(partitions)
    assert rep.RepetitionCounts.from_bytes(data) == counts
    merged = rep.RepetitionCounts()
    for p in range(partitions):
        part = rep.RepetitionCounts.from_bytes(data, partition=p)
        assert all(k % partitions == p for c in part.lines.values() for k in c)
        merged.update(part)
        merged.articles = part.articles  # each partition carries every source's article count
    assert merged == counts


def test_merge_refuses_other_edge_lines() -> None:
    with pytest.raises(ValueError, match="edge_lines"):
        rep.RepetitionCounts(3).merge(rep.RepetitionCounts(4))


# -- decision and guards ------------------------------------------------------------------------------


def _corpus(n: int, source: str, extra: list[str], seed: int = 1) -> list[Article]:
    rng = random.Random(seed)
    return [_article(i, [_sentence(rng), _sentence(rng), *extra, _sentence(rng)], source=source)
            for i in range(n)]


def test_min_count_and_min_fraction() -> None:
    arts = _corpus(4, "s", ["Tap to follow us"])
    counts = rep.RepetitionCounts()
    for a in arts:
        counts.add(a)
    assert not rep.repeated_lines(counts).lines  # 4 articles: below min_count
    assert rep.repeated_lines(counts, min_count=4).lines
    # 5 of 60 articles is above min_count but below min_fraction 0.1
    arts = _corpus(5, "s", ["Tap to follow us"]) + _corpus(55, "s", [], seed=2)
    counts = rep.RepetitionCounts()
    for a in arts:
        counts.add(a)
    assert not rep.repeated_lines(counts).lines
    assert rep.repeated_lines(counts, min_fraction=0.05).lines


def test_footer_cut_with_reason_and_undoable() -> None:
    rng = random.Random(3)
    arts = [_article(i, [_sentence(rng), _sentence(rng), _footer(rng)], source="warta") for i in range(8)]
    counts = rep.RepetitionCounts()
    for a in arts:
        counts.add(a)
    repeated = rep.repeated_lines(counts)
    for a in arts:
        cleaned = rep.apply_repetition(a, repeated)
        assert cleaned.body == a.body[:2]
        (removal,) = cleaned.removed
        assert removal.rule == rep.RULE and removal.plugin == rep.PLUGIN
        assert "8 of the 8 articles of warta" in removal.reason
        assert [p.text for p in reconstruct(cleaned)["body"]] == list(a.body)


def test_title_and_lede_are_never_cut() -> None:
    line = "Download our app"
    arts = [_article(i, [line, f"Body {chr(97 + i)} differs.", line], source="s", title=line) for i in range(10)]
    counts = rep.RepetitionCounts()
    for a in arts:
        counts.add(a)
    repeated = rep.repeated_lines(counts)
    for a in arts:
        cleaned = rep.apply_repetition(a, repeated)
        assert cleaned.title == line and cleaned.body[0] == line
        assert [r.position for r in cleaned.removed] == [2]


def test_repeated_news_sentence_is_kept_below_the_prose_fraction() -> None:
    rng = random.Random(4)
    prose = ("The flood that hit the northern districts last month displaced thousands of families "
             "and closed 40 schools, officials said.")
    assert rep.looks_like_prose(prose)
    # in 12 of 40 articles: repeated (above min_fraction) but prose, under 0.5 of the source
    arts = [_article(i, [_sentence(rng), *([prose] if i < 12 else []), _sentence(rng)], source="s")
            for i in range(40)]
    counts = rep.RepetitionCounts()
    for a in arts:
        counts.add(a)
    repeated = rep.repeated_lines(counts)
    assert repeated.lines  # the key is repeated ...
    assert all(rep.apply_repetition(a, repeated) is a for a in arts)  # ... and kept
    # the same sentence printed under every article is the site's, not the story's
    everywhere = [_article(i, [_sentence(rng), prose], source="t") for i in range(10)]
    counts = rep.RepetitionCounts()
    for a in everywhere:
        counts.add(a)
    assert all(rep.apply_repetition(a, rep.repeated_lines(counts)).body == a.body[:1] for a in everywhere)


def test_lines_with_no_word_are_never_cut() -> None:
    arts = [_article(i, [f"Lede {chr(97 + i)}.", f"{i + 1} / {i + 3} / 2024", "***"], source="s") for i in range(10)]
    counts = rep.RepetitionCounts()
    for a in arts:
        counts.add(a)
    assert not rep.repeated_lines(counts).lines


def test_looks_like_prose_is_shape_only() -> None:
    assert not rep.looks_like_prose("Follow us on Facebook, Twitter and Instagram for more")
    assert not rep.looks_like_prose("Short sentence.")
    assert rep.looks_like_prose("“" + " ".join(["kata"] * 16) + ".”")


def test_config_defaults_match_the_module() -> None:
    cfg = RepetitionConfig()
    assert (cfg.min_count, cfg.min_fraction, cfg.edge_lines, cfg.prose_words, cfg.prose_fraction) == (
        rep.DEFAULT_MIN_COUNT, rep.DEFAULT_MIN_FRACTION, rep.DEFAULT_EDGE_LINES, rep.DEFAULT_PROSE_WORDS,
        rep.DEFAULT_PROSE_FRACTION)
    assert config_from_dict({"clean": {"repetition": False}}).clean.repetition.enabled is False
    with pytest.raises(Exception, match="min_fraction"):
        config_from_dict({"clean": {"repetition": {"min_fraction": 1.5}}})


# -- the stages, end to end ----------------------------------------------------------------------------


def _write_corpus(path: Path, per_source: int = 12, seed: int = 7) -> set[str]:
    """Articles of two sites; site A prints a footer in its own wording under each.
    Returns the footer lines written."""
    rng = random.Random(seed)
    footers = set()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(per_source * 2):
            site = "a" if i % 2 == 0 else "b"
            body = [_sentence(rng, 14) for _ in range(4)]
            if site == "a":
                footer = _footer(rng)
                footers.add(footer)
                body.append(footer)
            rec = {"title": _sentence(rng, 6)[:-1], "body": "\n\n".join(body), "language": "id",
                   "url": f"https://www.site-{site}.example/news/{i}"}
            fh.write(json.dumps(rec) + "\n")
    return footers


def _config(**extra: Any) -> dict[str, Any]:
    # Cleaning off: only corpus repetition removes lines, so every cut is its own.
    return {"clean": {"cleaners": []}, "execution": {"workers": 1, "shards": 3}, **extra}


def _articles(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def test_pipeline_cuts_the_footer_in_every_article_of_its_source_and_nothing_else(tmp_path: Path) -> None:
    inp = tmp_path / "corpus.jsonl"
    footers = _write_corpus(inp)
    report = Pipeline(config_from_dict(_config())).run([str(inp)], tmp_path / "out")
    arts = _articles(tmp_path / "out")
    assert len(arts) == 24
    cut = 0
    for a in arts:
        removals = [r for r in a["removed"] if r["rule"] == rep.RULE]
        if "site-a" in a["url"]:
            assert len(removals) == 1 and removals[0]["text"] in footers
            assert not any(f in a["body"] for f in footers)
            assert "12 of the 12 articles of site-a.example" in removals[0]["reason"]
        else:
            assert removals == []
        cut += len(removals)
    assert cut == 12
    assert report.data["articles"]["removals_by_rule"] == {rep.RULE: 12}
    assert set(report.data["timings_seconds"]) >= {"repetition-count", "repetition-table"}


def test_pipeline_repetition_off(tmp_path: Path) -> None:
    inp = tmp_path / "corpus.jsonl"
    _write_corpus(inp)
    cfg = _config(clean={"cleaners": [], "repetition": {"enabled": False}})
    report = Pipeline(config_from_dict(cfg)).run([str(inp)], tmp_path / "out")
    assert all(a["removed"] == [] for a in _articles(tmp_path / "out"))
    assert "repetition-count" not in report.data["timings_seconds"]
    assert not (tmp_path / "out" / "work" / "repetition").exists()


def test_resume_after_losing_the_later_tasks_is_byte_identical(tmp_path: Path) -> None:
    """Drop what the repetition and finalize tasks wrote, as a kill between them
    would leave it (markers, files, a temporary file), and resume."""
    inp = tmp_path / "corpus.jsonl"
    _write_corpus(inp)
    pipe = Pipeline(config_from_dict(_config()))
    pipe.run([str(inp)], tmp_path / "clean")
    out = tmp_path / "resumed"
    pipe.run([str(inp)], out)
    work = out / "work"
    for stage in ("repetition-table", "finalize", "export"):
        for marker in (work / "_done" / stage).iterdir():
            marker.unlink()
    (work / "_done" / "repetition-count" / "00001.json").unlink()
    (work / "repetition" / "counts" / "00001.bin").write_bytes(b"torn")
    (work / "repetition" / "table" / "00000.json.tmp-99999").write_bytes(b"{")
    (out / "articles.jsonl").unlink()
    pipe.run([str(inp)], out)
    for name in ("articles.jsonl", "events.jsonl", "duplicates.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


@pytest.mark.slow
def test_kill_during_repetition_and_rerun_gives_the_same_output(tmp_path: Path) -> None:
    inp = tmp_path / "corpus.jsonl"
    _write_corpus(inp, per_source=300)
    cfg = tmp_path / "pipeline.yaml"
    cfg.write_text(json.dumps({"clean": {"cleaners": []}}), encoding="utf-8")
    common = [str(inp), "-c", str(cfg), "--workers", "1", "--shards", "8", "--no-progress", "-q"]

    def cli(out: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "newscorpus.cli", "run", *common, "-o", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    clean = tmp_path / "clean"
    assert cli(clean).wait() == 0
    killed = tmp_path / "killed"
    for stage, wait_for in (("repetition-count", 2), ("finalize", 2)):
        proc = cli(killed)
        markers = killed / "work" / "_done" / stage
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and proc.poll() is None:
            if markers.exists() and len(list(markers.iterdir())) >= wait_for:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        proc.wait()
    assert cli(killed).wait() == 0
    for name in ("articles.jsonl", "events.jsonl", "duplicates.jsonl"):
        assert (killed / name).read_bytes() == (clean / name).read_bytes(), name
    report = json.loads((killed / "report.json").read_text(encoding="utf-8"))
    assert report["articles"]["removals_by_rule"] == {rep.RULE: 300}


_ASCII_LINES = st.lists(st.sampled_from([*"aZ9 .,-_!Bq'\x01\x02\tQx0", "Kuala", "Lumpur", "3.5", "RM"]),
                        max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_ASCII_LINES, st.text(alphabet=st.characters(max_codepoint=127), max_size=80)))
def test_ascii_fast_path_equals_the_token_loop(line: str) -> None:
    text, words = rep._normal_unicode(line)
    assert rep._normal_bytes(line) == (text.encode("utf-8"), words)
