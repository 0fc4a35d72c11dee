"""Cleaning quality, blind and not: line-level figures of every cleaning layer
(rule packs, line model, their sum, corpus repetition), of the parser's credit
lifts, the damage-flag false-positive rate, throughput and CPU per article.

    python benchmarks/cleaning_quality.py [BENCHMARKS_DIR] [--no-write] [--sets a,b] [--quick] [--show-blind]

The labelled sets, their labels' provenance and the blind split are those of
``benchmarks/linedata.py`` and ``benchmarks/blind_split.yaml`` (split by source:
a *blind* figure is measured on outlets never looked at while writing rules nor
used to train the line model). No benchmark text is stored in the project.
Examples of false cuts and misses are printed for train rows only, unless
``--show-blind`` is given: whoever writes rules or trains a model must not read
blind lines.

Each article goes through what a user runs: its text (title line, then one line
per labelled line) is parsed by the plain-text parser, which lifts credits and
metadata lines into fields (a :class:`~newscorpus.models.Removal` with
``moved_to``), then cleaned by the layer's cleaners. Per labelled line:

* *boilerplate removed* = B lines (and boilerplate prefixes glued to content
  lines) removed, by a cleaner or the parser / B lines (target >= 0.90 blind);
* *credits lifted* = P lines the parser lifted into metadata / P lines (target
  >= 0.90 blind); a P line a cleaner cut is not lifted (its names are lost);
* *content kept* = C lines left in the article (not cut, not lifted; a prefix cut
  only within the labelled prefix: the labelled prefix or a start of it, which
  misses boilerplate but loses no content) / C lines (target >= 0.999);
* *removal precision* = B removed / (B removed + C removed).

O, X and ``?`` lines are not scored; the tables count how many were removed.
jusText (paragraph classifier with stop-word lists, used by trafilatura) is the
named peer, on the same lines without the parser.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, median, table, write_section
from linedata import (
    LANGUAGES,
    LabelledArticle,
    available_sets,
    document_text,
    load_articles,
    load_bbc,
    load_indosum,
    loso_sources,
)

from newscorpus.cleaners.base import Cleaner
from newscorpus.cleaners.chain import CleanerChain, default_cleaners
from newscorpus.cleaners.damage import FLAG
from newscorpus.cleaners.explain import is_parser_removal, reconstruct
from newscorpus.cleaners.rules import clear_memos
from newscorpus.models import Article, Provenance
from newscorpus.parsers.plaintext import analyse_paragraphs, build_article, split_paragraphs
from newscorpus.readers.base import Limits, RawDocument

__all__ = [
    "Layer",
    "Score",
    "layers",
    "load_bbc",
    "load_indosum",
    "loso_sources",
    "outcomes",
    "parse",
    "score_articles",
    "to_article",
]

PAGE = "docs/quality.md"
#: Sets measured by default, in this order.
SETS = (
    "seeds", "written", "written2", "written3", "written4", "written5", "written6", "written7", "written8",
    "written9", "indosum", "malay-news", "fundus", "aeb", "trafeval", "bbc",
)  # fmt: skip
#: Line fates (see :func:`outcomes`).
KEPT, CUT, LIFTED, TITLE = "kept", "cut", "lifted", "title"


# -- the layers --------------------------------------------------------------------------------


def _model_class() -> type[Cleaner] | None:
    try:
        from newscorpus.cleaners.linemodel import LineModelCleaner, load_model

        load_model()  # a missing or unreadable model file means no model layer
    except Exception:  # any failure to load (no file, bad format): the layer is reported missing
        return None
    return LineModelCleaner


def _repetition() -> object | None:
    try:
        from newscorpus.cleaners import repetition
    except ImportError:
        return None
    return repetition


def _rule_cleaners() -> list[Cleaner]:
    return [c for c in default_cleaners() if c.name != "linemodel"]


@attrs.frozen
class Layer:
    """A configuration of cleaning layers.

    Attributes:
        name: As shown in the tables.
        cleaners: Builds the cleaners run on each article, in order.
        repetition: Whether corpus repetition runs after them (per set and source).
    """

    name: str
    cleaners: Callable[[], list[Cleaner]]
    repetition: bool = False


def layers() -> tuple[list[Layer], list[str]]:
    """The layer configurations that can be measured now, and notes on those that cannot."""
    model = _model_class()
    rep = _repetition()
    out = [Layer("rules", _rule_cleaners)]
    notes = []
    if model is not None:
        out.append(Layer("model", lambda: [model(defer_to_rules=False)]))
        out.append(Layer("rules + model", lambda: [model(), *_rule_cleaners()]))
    else:
        notes.append(
            "line model (`newscorpus.cleaners.linemodel.LineModelCleaner`) not importable: its rows are absent"
        )
    if rep is not None:
        base = out[-1]
        out.append(Layer(f"{base.name} + repetition", base.cleaners, repetition=True))
    else:
        notes.append("corpus repetition (`newscorpus.cleaners.repetition`) not importable: its rows are absent")
    return out, notes


# -- parsing and line fates ------------------------------------------------------------------------


def parse(article: LabelledArticle) -> tuple[Article, dict[int, int | None]]:
    """The article as the plain-text parser makes it from :func:`linedata.document_text`,
    and where each labelled line went: its index in ``subtitle + body``, or ``None``
    when the parser lifted it (into metadata) or took it as the title."""
    text = document_text(article)
    offset = 1 if article.title else 0
    paragraphs = split_paragraphs(text, Limits())
    if len(paragraphs) != len(article.lines) + offset:
        raise ValueError(f"{article.set}/{article.article_id}: a labelled line is blank or holds a line break")
    parsed = analyse_paragraphs(paragraphs, has_title=bool(article.title))
    doc = RawDocument(
        path=article.set, record=article.article_id, key=article.article_id, reader="bench", data=text.encode("utf-8")
    )
    parsed_article = build_article(parsed, doc, article.article_id, "plaintext")
    parsed_article = attrs.evolve(parsed_article, language=article.language, source=article.source)
    lifted = {r.position for r in parsed_article.removed if is_parser_removal(parsed_article, r)}
    kept = [d for d in range(len(paragraphs)) if d not in lifted]
    fields = ([parsed.title] if parsed.title else []) + ([parsed.subtitle] if parsed.subtitle else []) + parsed.body
    if len(kept) == len(fields) - 1 and parsed.title:
        fields = fields[1:]  # the title came from a lifted header line
        title_taken = False
    else:
        title_taken = bool(parsed.title)
    if len(kept) != len(fields):
        raise ValueError(f"{article.set}/{article.article_id}: parsed fields do not align with the lines")
    where: dict[int, int | None] = {}
    index = 0
    for k, d in enumerate(kept):
        if title_taken and k == 0:
            if d >= offset:
                where[d - offset] = None
            continue
        if d >= offset:
            where[d - offset] = index
        index += 1
    for d in lifted:
        if d >= offset:
            where[d - offset] = None
    return parsed_article, where


def outcomes(article: LabelledArticle, parsed: Article, where: dict[int, int | None], cleaned: Article) -> list[str]:
    """The fate of each labelled line: ``kept``, ``cut`` (whole line, by a cleaner),
    ``lifted`` (by the parser, with ``moved_to``), ``title``, or ``prefix:<text>``
    (a cleaner cut the start of the line)."""
    fields = reconstruct(cleaned)
    seq = fields["subtitle"] + fields["body"]
    lifts = {r.position: r for r in parsed.removed if is_parser_removal(parsed, r)}
    offset = 1 if article.title else 0
    out = []
    for j in range(len(article.lines)):
        pos = where.get(j)
        if pos is None:
            r = lifts.get(j + offset)
            out.append(LIFTED if r is not None and r.moved_to else TITLE if r is None else CUT)
            continue
        line = seq[pos]
        if line.removed:
            out.append(CUT)
        elif any(s.removal is not None for s in line.segments):
            out.append("prefix:" + " ".join(s.text for s in line.segments if s.removal is not None))
        else:
            out.append(KEPT)
    return out


# -- scoring ------------------------------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _within(cut: str, prefix: str) -> bool:
    """Whether the cut text is the labelled prefix or a start of it (whitespace-normalised)."""
    c, p = " ".join(cut.split()), " ".join(prefix.split())
    return bool(p) and p.startswith(c)


@attrs.define
class Score:
    """Line counts of one group of articles (a language, a split, a set)."""

    articles: int = 0
    content: int = 0
    content_kept: int = 0
    content_lifted: int = 0
    boiler: int = 0
    boiler_removed: int = 0
    credit: int = 0
    credit_lifted: int = 0
    credit_cut: int = 0
    other: int = 0
    other_removed: int = 0
    excluded: int = 0
    excluded_removed: int = 0
    unlabelled: int = 0
    false_cuts: list[str] = attrs.field(factory=list)
    misses: list[str] = attrs.field(factory=list)
    credit_misses: list[str] = attrs.field(factory=list)
    excluded_lines: list[str] = attrs.field(factory=list)

    def add(self, article: LabelledArticle, fates: Sequence[str]) -> None:
        """Count one article's lines, given each line's fate (see :func:`outcomes`)."""
        self.articles += 1
        tag = f"{article.set}/{article.article_id}"
        for line, fate in zip(article.lines, fates, strict=True):
            gone = fate in (CUT, LIFTED, TITLE)
            cut_prefix = fate[len("prefix:") :] if fate.startswith("prefix:") else ""
            if line.prefix:  # boilerplate glued to a content line
                self.boiler += 1
                if _same(cut_prefix, line.prefix):
                    self.boiler_removed += 1
                else:
                    self.misses.append(f"{tag}: [prefix] {line.prefix}")
            lab = line.label
            if lab == "C":
                self.content += 1
                # A cut prefix loses content only when it reaches past the labelled
                # boilerplate; one that stops short of it (the greeting cut, its chatty
                # second sentence left) keeps the content and misses boilerplate.
                ok = not gone and (not cut_prefix or _within(cut_prefix, line.prefix))
                self.content_kept += ok
                self.content_lifted += fate == LIFTED
                if not ok:
                    self.false_cuts.append(f"{tag}: ({fate[:7]}) {line.text}")
            elif lab == "B":
                self.boiler += 1
                self.boiler_removed += gone
                if not gone:
                    self.misses.append(f"{tag}: {line.text}")
            elif lab == "P":
                self.credit += 1
                self.credit_lifted += fate == LIFTED
                self.credit_cut += fate == CUT
                if fate != LIFTED:
                    self.credit_misses.append(f"{tag}: ({fate}) {line.text}")
            else:
                self.other += 1
                self.other_removed += gone
                self.unlabelled += lab == "?"
                if lab == "X":
                    self.excluded += 1
                    self.excluded_removed += gone
                    self.excluded_lines.append(f"{'removed' if gone else 'kept'}: {tag}: {line.text}")

    def update(self, other: Score) -> None:
        """Add another score's counts (and examples) to this one."""
        for f in attrs.fields(Score):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, mine + theirs)

    @property
    def kept_rate(self) -> float | None:
        """Content lines kept / content lines."""
        return self.content_kept / self.content if self.content else None

    @property
    def recall(self) -> float | None:
        """Boilerplate removed / boilerplate."""
        return self.boiler_removed / self.boiler if self.boiler else None

    @property
    def lift_rate(self) -> float | None:
        """Credit lines lifted / credit lines."""
        return self.credit_lifted / self.credit if self.credit else None

    @property
    def removal_precision(self) -> float | None:
        """Boilerplate removed / (boilerplate + content removed)."""
        cut = self.boiler_removed + (self.content - self.content_kept)
        return self.boiler_removed / cut if cut else None


@attrs.define
class Run:
    """What one layer did to a list of articles."""

    scores: dict[tuple[str, str, str], Score]  # (set, language, split) -> score
    flags: collections.Counter[tuple[str, str]]  # (set, language) -> flagged articles
    cpu: float  # seconds of CPU spent cleaning (parse excluded)


def _parsed(articles: Sequence[LabelledArticle]) -> list[tuple[Article, dict[int, int | None]]]:
    return [parse(a) for a in articles]


def score_articles(
    articles: Sequence[LabelledArticle],
    layer: Layer,
    parsed: Sequence[tuple[Article, dict[int, int | None]]] | None = None,
) -> Run:
    """Parse (unless given), clean with ``layer`` and score every article."""
    parsed = parsed if parsed is not None else _parsed(articles)
    chain = CleanerChain(layer.cleaners())
    chain.clean_batch([p for p, _w in parsed[:50]])  # load models and compile packs outside the clock
    clear_memos()
    t0 = time.process_time()
    cleaned = chain.clean_batch([p for p, _w in parsed])
    if layer.repetition:
        cleaned = _apply_repetition(articles, cleaned)
    cpu = time.process_time() - t0
    scores: dict[tuple[str, str, str], Score] = collections.defaultdict(Score)
    flags: collections.Counter[tuple[str, str]] = collections.Counter()
    for art, (p, where), c in zip(articles, parsed, cleaned, strict=True):
        scores[art.set, art.language, art.split].add(art, outcomes(art, p, where, c))
        flags[art.set, art.language] += FLAG in c.flag_names()
    return Run(dict(scores), flags, cpu)


def _apply_repetition(articles: Sequence[LabelledArticle], cleaned: list[Article]) -> list[Article]:
    """Corpus repetition over each set's articles, counted per source as the
    pipeline's stage does (on cleaned text), then applied."""
    from newscorpus.cleaners import repetition

    out = list(cleaned)
    by_set: dict[str, list[int]] = collections.defaultdict(list)
    for i, a in enumerate(articles):
        by_set[a.set].append(i)
    for idx in by_set.values():
        counts = repetition.RepetitionCounts()
        for i in idx:
            counts.add(out[i])
        repeated = repetition.repeated_lines(counts)
        for i in idx:
            out[i] = repetition.apply_repetition(out[i], repeated)
    return out


def to_article(article: LabelledArticle, *, language: str | None) -> tuple[Article, list[int]]:
    """The article as cleaners see it without the parser (title apart, every line
    but credit lines in the body), and the line index of each body paragraph."""
    order = [i for i, ln in enumerate(article.lines) if ln.label != "P"]
    built = Article(
        id=article.article_id,
        provenance=Provenance(path=article.set),
        title=article.title,
        body=tuple(article.lines[i].text for i in order),
        language=language,
    )
    return built, order


# -- the peer: jusText -----------------------------------------------------------------------------------


def justext_fates(article: LabelledArticle) -> list[str]:
    """Line fates under jusText (each line given as one ``<p>``)."""
    import html as html_lib

    import justext  # type: ignore[import-untyped]

    stoplist = {"en": "English", "id": "Indonesian", "ms": "Malay"}.get(article.language, "English")
    texts = [ln.text for ln in article.lines]
    page = "<html><body>" + "".join(f"<p>{html_lib.escape(t)}</p>" for t in texts) + "</body></html>"
    paras = justext.justext(page.encode("utf-8"), justext.get_stoplist(stoplist))
    fates = [KEPT] * len(texts)
    pos = 0
    for p in paras:  # jusText keeps the <p> order; match texts back to lines
        while pos < len(texts) and not _same(texts[pos], p.text):
            pos += 1
        if pos < len(texts):
            if p.is_boilerplate:
                fates[pos] = CUT
            pos += 1
    return fates


# -- throughput ------------------------------------------------------------------------------------------


def throughput(articles: list[Article], repeat: int = 3) -> tuple[list[tuple[str, float]], float]:
    """Articles/s of each rule cleaner and of the rule chain (median of runs)."""
    cleaners = _rule_cleaners()
    per: list[tuple[str, float]] = []
    for cleaner in cleaners:
        runs = []
        for _ in range(repeat):
            clear_memos()  # each run starts cold, as on new articles
            t0 = time.perf_counter()
            cleaner.clean_batch(articles)
            runs.append(time.perf_counter() - t0)
        per.append((cleaner.name, len(articles) / median(runs)))
    runs = []
    for _ in range(repeat):
        clear_memos()
        t0 = time.perf_counter()
        CleanerChain(cleaners).clean_batch(articles)
        runs.append(time.perf_counter() - t0)
    return per, len(articles) / median(runs)


def justext_throughput(articles: Sequence[LabelledArticle], repeat: int = 3) -> float:
    """Articles/s of jusText on the same lines (median of runs)."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for a in articles:
            justext_fates(a)
        runs.append(time.perf_counter() - t0)
    return len(articles) / median(runs)


# -- leave one source out ---------------------------------------------------------------------------------


LOSO_HEADERS = [
    "held-out source (set:lang:source)",
    "articles",
    "B cut",
    "boilerplate removed",
    "C kept",
    "content kept",
]


def loso_rows(articles: Sequence[LabelledArticle]) -> list[tuple[object, ...]]:
    """Leave-one-source-out figures of the line model on the TRAIN split: for each
    source of :func:`linedata.loso_sources`, a model is fitted by the training
    script's own code (``train_line_model.collect``/``fit``) on every other train
    source, and its cuts at the shipped model's thresholds are counted on the
    held-out source's lines (the model alone, before the parser and rules: every
    B and C line the cleaner may score). Empty when the model or its training
    script is not importable."""
    try:
        import numpy as np
        import train_line_model as tlm

        from newscorpus.cleaners.linemodel import load_model

        shipped = load_model()
    except Exception:  # no model, no script, no scipy: no LOSO table
        return []
    rows: list[tuple[object, ...]] = []
    train = [a for a in articles if a.split == "train"]
    for name, fit_articles, test_articles in loso_sources(train):
        lines = tlm.collect(fit_articles)
        model = tlm.fit(lines, np.flatnonzero(np.array(lines.first)), tlm.Params())
        test = tlm.collect(test_articles)
        lang = test_articles[0].language
        scores = tlm.score(model, test, np.arange(len(test.labels))) if test.labels else np.zeros(0)
        cut = scores >= shipped.threshold(lang)
        labels = np.array(test.labels, dtype=bool)
        b_cut, c_cut = int(np.sum(cut & labels)), int(np.sum(cut & ~labels))
        b, c = test.boiler[lang], test.content[lang]
        rows.append(
            (
                name,
                len(test_articles),
                f"{b_cut}/{b}",
                _fmt(b_cut / b if b else None),
                f"{c - c_cut}/{c}",
                _fmt((c - c_cut) / c if c else None, 4),
            )
        )
    return rows


# -- the page --------------------------------------------------------------------------------------------


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _merge(scores: Iterable[Score]) -> Score:
    total = Score()
    for s in scores:
        total.update(s)
    return total


def _row(label: Sequence[object], s: Score) -> tuple[object, ...]:
    return (
        *label,
        s.articles,
        f"{s.boiler_removed}/{s.boiler}",
        _fmt(s.recall),
        f"{s.credit_lifted}/{s.credit}",
        _fmt(s.lift_rate),
        f"{s.content_kept}/{s.content}",
        _fmt(s.kept_rate, 4),
        _fmt(s.removal_precision),
    )


FIG_HEADERS = [
    "articles",
    "B removed",
    "boilerplate removed",
    "P lifted",
    "credits lifted",
    "C kept",
    "content kept",
    "removal precision",
]


def _by(run: Run, key: Callable[[tuple[str, str, str]], tuple[str, ...]]) -> dict[tuple[str, ...], Score]:
    groups: dict[tuple[str, ...], list[Score]] = collections.defaultdict(list)
    for k, s in run.scores.items():
        groups[key(k)].append(s)
    return {k: _merge(v) for k, v in groups.items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    ap.add_argument("--no-write", action="store_true", help=f"print only; do not update {PAGE}")
    ap.add_argument("--quick", action="store_true", help="at most 300 articles per set, no peer, no throughput")
    ap.add_argument("--show", type=int, default=8, help="false cuts and misses to print per set, split and layer")
    ap.add_argument(
        "--show-blind",
        action="store_true",
        help="also print blind lines (off by default: whoever writes rules or trains must not see them)",
    )
    ap.add_argument(
        "--split",
        choices=("all", "train", "blind"),
        default="all",
        help="score one split only (development: `train` never reads a blind line); implies --no-write",
    )
    args = ap.parse_args(argv)
    if args.split != "all":
        args.no_write = True  # the page's tables always show both splits
    base = Path(args.benchmarks)
    wanted = [s for s in args.sets.split(",") if s]
    present = set(available_sets(base))
    skipped = [s for s in wanted if s not in present]
    articles: list[LabelledArticle] = []
    for name in wanted:
        if name in present:
            arts = list(load_articles(base, sets=[name], split=None if args.split == "all" else args.split))
            articles += arts[:300] if args.quick else arts
    t0 = time.process_time()
    parsed = _parsed(articles)
    parse_cpu = time.process_time() - t0
    configs, notes = layers()
    runs = {layer.name: score_articles(articles, layer, parsed) for layer in configs}
    n = max(1, len(articles))

    # Per language and split, every layer.
    main_rows = []
    for lang in (*LANGUAGES, "other"):
        for split in ("blind", "train"):
            for layer in configs:
                groups = _by(runs[layer.name], lambda k: (k[1] if k[1] in LANGUAGES else "other", k[2]))
                s = groups.get((lang, split))
                if s is not None:
                    main_rows.append(_row((lang, split, layer.name), s))
    # Per set, language and split, every layer (where the figures come from).
    set_rows = []
    for key in sorted({k for r in runs.values() for k in r.scores}, key=lambda k: (wanted.index(k[0]), k[1], k[2])):
        for layer in configs:
            s = runs[layer.name].scores.get(key)
            if s is not None:
                set_rows.append(_row((*key, layer.name), s))
                if key[2] == "blind" and not args.show_blind:
                    continue
                for kind, items in (("false cut", s.false_cuts), ("miss", s.misses), ("credit kept", s.credit_misses)):
                    for item in items[: args.show]:
                        print(f"  [{'/'.join(key)} {layer.name}] {kind}: {item[:170]}")
    # Other lines and must-exclude lines, by the full configuration.
    full = runs[configs[-1].name]
    other_rows = [
        (*key, s.other, s.other_removed, s.unlabelled, f"{s.excluded_removed}/{s.excluded}" if s.excluded else "–")
        for key, s in sorted(full.scores.items(), key=lambda kv: (wanted.index(kv[0][0]), kv[0][1], kv[0][2]))
    ]
    # Damage flag, by the rule layer.
    damage_rows = []
    for (set_name, lang), s in sorted(
        _by(runs["rules"], lambda k: (k[0], k[1])).items(), key=lambda kv: (wanted.index(kv[0][0]), kv[0][1])
    ):
        fl = runs["rules"].flags[set_name, lang]
        damage_rows.append((set_name, lang, s.articles, fl, f"{fl / max(1, s.articles):.4f}"))
    # CPU per article, per layer configuration (same articles, one process).
    cpu_rows = [("parse (plain-text parser)", f"{parse_cpu / n * 1e3:.3f}")]
    cpu_rows += [(layer.name, f"{runs[layer.name].cpu / n * 1e3:.3f}") for layer in configs]

    peer_table = speed = ""
    if not args.quick:
        peer: dict[tuple[str, str, str], Score] = collections.defaultdict(Score)
        peer_articles = [a for a in articles if a.set != "seeds"]
        for a in peer_articles:
            peer[a.set, a.language, a.split].add(a, justext_fates(a))
        peer_table = table(
            ["set", "lang", "split", "content kept", "boilerplate removed", "removal precision"],
            [
                (*k, _fmt(s.kept_rate), _fmt(s.recall), _fmt(s.removal_precision))
                for k, s in sorted(peer.items(), key=lambda kv: (wanted.index(kv[0][0]), kv[0][1], kv[0][2]))
            ],
        )
        speed_arts = [a for a in articles if a.set in ("bbc", "indosum")]
        if speed_arts:
            per, total = throughput([to_article(a, language=a.language)[0] for a in speed_arts])
            jt = justext_throughput(speed_arts[:1000])
            speed = table(
                ["cleaner", "articles/s (1 core)"], [*per, ("all rule cleaners", total), ("jusText (peer)", jt)]
            )
            speed += (
                f"\n\nRule chain vs jusText: {total / jt:.1f}x, on {len(speed_arts):,} BBC + IndoSum articles "
                "(the ratio is the figure to read on a shared machine)."
            )

    quality = table(["lang", "split", "layers", *FIG_HEADERS], main_rows)
    by_set = table(["set", "lang", "split", "layers", *FIG_HEADERS], set_rows)
    others = table(["set", "lang", "split", "O/X/? lines", "removed", "unlabelled (?)", "X removed"], other_rows)
    damage = table(["set", "lang", "articles", f"flagged {FLAG}", "rate"], damage_rows)
    cpu = table(["layer (parser apart)", "CPU ms per article"], cpu_rows)
    cpu += f"\n\nOn the {len(articles):,} articles measured here, in one process, with the machine shared."
    loso = "Not measured in this run (--quick, or the line model or its training script is not importable)."
    if not args.quick:
        t0 = time.perf_counter()
        loso_table = loso_rows(articles)
        if loso_table:
            loso = (
                "Line model alone, **train split only, not blind**: each source held out in turn (sources of at "
                "least 5 articles in a set and language with at least 3 sources, `linedata.loso_sources`), a model "
                "fitted by `benchmarks/train_line_model.py`'s code on every other train source, cuts counted at the "
                "shipped thresholds on the held-out source's lines, before the parser and rules "
                f"({time.perf_counter() - t0:.0f} s).\n\n" + table(LOSO_HEADERS, loso_table)
            )
    print(quality, by_set, others, peer_table, damage, cpu, speed, loso, sep="\n\n")
    for note in notes:
        print("note:", note)
    if skipped:
        print("skipped (data absent):", ", ".join(skipped))
    if not args.no_write and not args.quick:
        parts = [
            machine_line(["trafilatura", "justext"]),
            f"Command: `python benchmarks/cleaning_quality.py {base}`"
            + (f" --sets {args.sets}" if args.sets != ",".join(SETS) else "")
            + ". Every row says its split: **blind** rows are outlets never used to train the line model nor "
            "looked at while writing rules until the 2026-12-06 readings (see *Reading the figures* above: that "
            "day three content lines the model cut there and their label review were read, and the model's "
            "edges and tail margin came after it, so these rows are no longer strictly blind for the line "
            "model; `benchmarks/blind_content.py` is the blind content check frozen after it); **train** rows "
            "are not blind.",
            *[f"Note: {x}." for x in notes],
            "### Per language, split and layer",
            quality,
            "### Per set",
            by_set,
            "### Lines outside the scored labels (full configuration)",
            others,
            "### Peer on the same lines: jusText (no parser)",
            peer_table,
            f"### Damage flag `{FLAG}` (false-positive rate, rule layer)",
            damage,
            "### CPU per article, per layer",
            cpu,
            "### Throughput",
            speed,
            "### Leave-one-source-out",
            loso,
        ]
        write_section("cleaning_quality", "\n\n".join(parts), page=PAGE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
