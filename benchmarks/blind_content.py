"""Content kept on a second blind set: real news sentences no cleaning rule, label or
line model has been shown, inserted into real articles, cleaned as a user would.

    python benchmarks/blind_content.py [BENCHMARKS_DIR] [--no-write] [--per-set N] [--show]

The protocol (sets, sample, hosts, positions) is ``benchmarks/blind_content.yaml``,
frozen before any of its sentences was read for cleaning work. Each sentence goes
into one train-split article of ``benchmarks/linedata.py`` in its language, at a
position fixed by its hash (head, middle and tail are all reached), as a line of its
own; the article is parsed by the plain-text parser and cleaned by each layer of
``cleaning_quality.layers()`` (corpus repetition left out: a sentence inserted once
never repeats). A sentence counts as kept when it is left in the article whole: not
cut, not lifted into metadata, no prefix cut. ``--show`` prints the lost sentences:
once a blind sentence has been read, later changes must not be tuned on it (say so
in docs/quality.md when it is used).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section
from cleaning_quality import KEPT, Layer, layers, outcomes, parse
from linedata import LabelledArticle, LabelledLine, line_key, load_articles
from train_language import dslcc, ner_sentences

from newscorpus.cleaners.chain import CleanerChain
from newscorpus.cleaners.linemodel import candidates

PAGE = "docs/quality.md"
PROTOCOL = Path(__file__).resolve().parent / "blind_content.yaml"
_ENDS = re.compile(r"[.!?][\"'”’)]?$")


def _is_sentence(text: str) -> bool:
    return len(text.split()) >= 4 and _ENDS.search(text) is not None


def read_set(bench: Path, name: str) -> list[str]:
    """The sentences of one protocol set, in its reading order (before the sentence filter)."""
    if name in ("dslcc-id", "dslcc-ms"):
        return [text for label, text in dslcc(bench, "dev") if label == name[-2:]]
    if name == "idner-news":
        folder = bench / "ner" / "idner-news-2k"
        return [s for split in ("train", "dev", "test") for s in ner_sentences(folder / f"{split}.txt", " ")]
    if name == "gum-news":
        return [
            s
            for p in sorted((bench / "ner" / "gum-wikinews-en" / "news").glob("*.tsv"))
            for s in ner_sentences(p, "\t")
        ]
    if name == "men":
        folder = bench / "ner" / "men-malaysian-english-news" / "article_text"
        return [
            " ".join(line.split()) for p in sorted(folder.glob("*.txt")) for line in p.read_text("utf-8").splitlines()
        ]
    raise ValueError(f"unknown set {name!r} in {PROTOCOL.name}")


def key(set_name: str, n: int) -> int:
    """The protocol's hash of the ``n``-th sentence of a set."""
    return int(hashlib.sha256(f"blind-content:{set_name}:{n}".encode()).hexdigest()[:16], 16)


@attrs.frozen
class Case:
    """One sentence inserted into one host article."""

    set: str
    language: str
    sentence: str
    article: LabelledArticle
    position: int


def cases(bench: Path, per_set: int | None = None) -> list[Case]:
    """Every case of the protocol, in a stable order (lines the protocol's label
    review found to be no content, ``not_content``, left out)."""
    spec = yaml.safe_load(PROTOCOL.read_text(encoding="utf-8"))
    per_set = per_set or int(spec["per_set"])
    hosts: dict[str, list[LabelledArticle]] = {}
    for lang, sets in spec["hosts"].items():
        hosts[lang] = [a for a in load_articles(bench, sets, split="train") if a.language == lang and len(a.lines) >= 1]
    reviewed = set(spec.get("not_content") or ())
    out = []
    for name, info in spec["sets"].items():
        lang = info["language"]
        seen: set[str] = set()
        keyed = []
        for n, text in enumerate(read_set(bench, name)):
            text = " ".join(text.split())
            if _is_sentence(text) and text not in seen and line_key(text) not in reviewed:
                seen.add(text)
                keyed.append((key(name, n), text))
        keyed.sort()
        pool = hosts[lang]
        for k, text in keyed[:per_set]:
            host = pool[k % len(pool)]
            position = (k // 7919) % (len(host.lines) + 1)
            out.append(Case(name, lang, text, host, position))
    return out


def inserted(case: Case) -> LabelledArticle:
    """The host article with the sentence as a content line at its position."""
    lines = list(case.article.lines)
    lines.insert(case.position, LabelledLine(case.sentence, "C"))
    return attrs.evolve(case.article, lines=tuple(lines))


@attrs.define
class Tally:
    """Kept and inserted sentences of one group."""

    inserted: int = 0
    kept: int = 0
    scored: int = 0  # inserted sentences the line model scores at all (not guarded)
    lost: list[tuple[str, str]] = attrs.field(factory=list)  # (fate, sentence)


def measure(all_cases: Sequence[Case], layer: Layer) -> dict[tuple[str, str], Tally]:
    """(language, set) -> tally of one layer."""
    chain = CleanerChain(layer.cleaners())
    out: dict[tuple[str, str], Tally] = collections.defaultdict(Tally)
    batch = 256
    for start in range(0, len(all_cases), batch):
        chunk = all_cases[start : start + batch]
        arts = [inserted(c) for c in chunk]
        parsed = [parse(a) for a in arts]
        cleaned = chain.clean_batch([p for p, _w in parsed])
        for case, art, (p, where), c in zip(chunk, arts, parsed, cleaned, strict=True):
            fate = outcomes(art, p, where, c)[case.position]
            t = out[case.language, case.set]
            t.inserted += 1
            t.kept += fate == KEPT
            pos = where.get(case.position)
            body_index = pos - (1 if p.subtitle else 0) if pos is not None else None
            t.scored += body_index is not None and body_index in candidates(list(p.body))
            if fate != KEPT:
                t.lost.append((fate, case.sentence))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", nargs="?", default=str(DEFAULT_BENCHMARKS))
    ap.add_argument("--no-write", action="store_true", help=f"print only; do not write {PAGE}")
    ap.add_argument("--per-set", type=int, default=None, help="sentences per set (default: the protocol's)")
    ap.add_argument("--show", action="store_true", help="print the lost sentences (they stop being blind)")
    args = ap.parse_args(argv)
    bench = Path(args.bench)
    all_cases = cases(bench, args.per_set)
    measured = [layer for layer in layers()[0] if not layer.repetition]
    if any(layer.name == "model" for layer in measured):
        # The model allowed to cut between paragraphs of prose too (edges_only=False), for comparison.
        from cleaning_quality import _rule_cleaners

        from newscorpus.cleaners.linemodel import LineModelCleaner

        measured += [
            Layer("model, anywhere", lambda: [LineModelCleaner(defer_to_rules=False, edges_only=False)]),
            Layer("rules + model, anywhere", lambda: [LineModelCleaner(edges_only=False), *_rule_cleaners()]),
        ]
    rows = []
    lost_log: dict[str, list[tuple[str, str, str]]] = {}
    for layer in measured:
        tallies = measure(all_cases, layer)
        by_lang: dict[str, Tally] = collections.defaultdict(Tally)
        for (lang, name), t in sorted(tallies.items()):
            rows.append(
                (layer.name, lang, name, t.inserted, t.scored, f"{t.kept}/{t.inserted}", f"{t.kept / t.inserted:.4f}")
            )
            agg = by_lang[lang]
            agg.inserted += t.inserted
            agg.kept += t.kept
            agg.scored += t.scored
            lost_log.setdefault(layer.name, []).extend((name, fate, s) for fate, s in t.lost)
        for lang, agg in sorted(by_lang.items()):
            rows.append(
                (layer.name, f"**{lang}**", "all", agg.inserted, agg.scored, f"{agg.kept}/{agg.inserted}",
                 f"**{agg.kept / agg.inserted:.4f}**")
            )  # fmt: skip
    header = ("layer", "language", "set", "sentences", "scored by the model", "kept", "content kept")
    text = "\n".join(
        [
            machine_line(),
            "",
            "**Blind** (protocol `benchmarks/blind_content.yaml`, frozen 2026-12-06 before its sentences were read): "
            "real news sentences of sets no rule, label or model was made from, each inserted into a train-split "
            "article of its language at a hashed position, parsed and cleaned. *Scored by the model*: sentences the "
            "line model scores at all (not guarded as prose), the test's reach for the model. Four gum-news "
            "lines, image and video credits found by a label review after the first run, are left out "
            "(`not_content` in the protocol; the parser lifts them, as it should).",
            "",
            table(header, rows),
            "",
            "Command: `python benchmarks/blind_content.py ../shared/benchmarks`. Lost sentences per layer: "
            + json.dumps({k: len(v) for k, v in lost_log.items()}),
        ]
    )
    print(text)
    if args.show:
        for name, lost in lost_log.items():
            for set_name, fate, sentence in lost:
                print(f"[{name}] {set_name} {fate}: {sentence}")
    if not args.no_write:
        write_section("blind-content", "## Content kept: blind sentences inserted\n\n" + text, PAGE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
