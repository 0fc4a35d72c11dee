"""Cleaning quality: line-level precision and recall of newscorpus's cleaners,
and their damage-flag false-positive rate and throughput.

    python benchmarks/cleaning_quality.py [BENCHMARKS_DIR] [--no-write] [--sets seeds,indosum,...]

Labelled sets (built from ``../shared/benchmarks``; no benchmark text is stored in
the project, only line hashes and labels):

* ``seeds``: the five seed articles, labelled by hand
  (``tests/data/cleaning/seed_labels.yaml``).
* ``indosum``: IndoSum's five dev folds (Indonesian, tokenised: detokenised
  here), 3,463 articles. Labels come from :func:`label_indosum`, labelling rules
  written after reviewing every group of candidate lines (short lines, lines at an
  article's edges and lines with link, share, source or credit words); they are
  independent of the rule packs and deliberately narrower.
* ``fundus`` and ``aeb``: news pages of fundus's parser tests and of the Zyte
  article-extraction benchmark, turned into text lines by trafilatura (what a
  user would feed newscorpus). A line found in the gold article body is content;
  every other line was labelled by hand (``tests/data/cleaning/html_labels.yaml``,
  keyed by a hash of the line). ``aeb`` was held out when first measured; rules
  were then added for the forms it missed, so it no longer is.
* ``trafeval``: the English pages of trafilatura's evaluation set, extracted the
  same way, labelled only by the set's own snippets: a line holding a
  must-include snippet is content (``C``), a line holding a must-exclude snippet
  is ``X`` (non-content, but mostly outside the cleaners' scope: dates, menus,
  bylines), every other line is unlabelled. It was kept out of rule writing: a
  blind check of content kept, and a count of must-exclude lines removed.
* ``bbc``: BBC News (2,225 English articles, clean text): every line is content.

Labels: ``C`` content, ``B`` boilerplate the cleaners are meant to remove
(greetings, sign-offs, share/follow/subscribe footers, read-also lines, legal and
newsletter notices, advertising markers, repeated ledes), ``P`` furniture the
parser lifts (bylines, credits, datelines, source lines), ``O`` other non-content
outside the cleaners' scope (photo captions, author bios, navigation, lists of
related headlines without a marker), ``X`` must-exclude (trafeval only). ``P``,
``O`` and ``X`` lines are not scored for recall; the table counts how many were removed.

Figures: *content kept* = content lines kept / content lines (the issue's
"precision"; target 1.0); *boilerplate removed* = B lines removed / B lines
(recall; target 0.98); *removal precision* = B lines removed / (B + C lines
removed). jusText (paragraph classifier with stop-word lists, as used by
trafilatura) is measured on the same lines as a named peer.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, ROOT, machine_line, median, table, write_section

from newscorpus.cleaners.chain import CleanerChain, default_cleaners
from newscorpus.cleaners.damage import FLAG
from newscorpus.cleaners.explain import reconstruct
from newscorpus.cleaners.rules import clear_memos
from newscorpus.models import Article, Provenance

LABELS_DIR = ROOT / "tests" / "data" / "cleaning"
PAGE = "docs/quality.md"


@attrs.define
class Doc:
    """One labelled article: its lines (title first when known) and their labels."""

    set: str
    key: str
    language: str
    lines: list[str]
    labels: list[str]
    title: str = ""
    subtitle_index: int | None = None  # which line is the lede, if known
    prefix: dict[int, str] = attrs.field(factory=dict)  # line -> boilerplate prefix


def line_key(line: str) -> str:
    """The hash a line is labelled under (whitespace-normalised)."""
    return hashlib.sha1(" ".join(line.split()).encode("utf-8")).hexdigest()[:12]


# -- seeds ------------------------------------------------------------------------------


def load_seeds() -> Iterator[Doc]:
    spec = yaml.safe_load((LABELS_DIR / "seed_labels.yaml").read_text(encoding="utf-8"))["seeds"]
    for name, s in sorted(spec.items()):
        text = (ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        labels = ["C"] * len(lines)
        for i in s.get("parser", ()):
            labels[i] = "P"
        prefix = {}
        for cut in s.get("cut", ()):
            if cut.get("prefix"):
                prefix[cut["line"]] = cut["prefix"]
            else:
                labels[cut["line"]] = "B"
        title = lines[s["title"]]
        if s.get("header"):
            title = title[len(s["header"]) :].strip()
        labels[s["title"]] = "T"
        yield Doc("seeds", name, s["language"], lines, labels, title, s.get("subtitle"), prefix)


# -- IndoSum ----------------------------------------------------------------------------

_GLUE_LEFT = re.compile(r"[,.;:!?)\]}%”’]+|'s|n't")


def detokenize(tokens: Sequence[str]) -> str:
    """Undo IndoSum's tokenisation well enough to read like scraped text."""
    out, open_quote = "", False
    for t in tokens:
        if not t:
            continue
        if t == '"':
            if open_quote:
                out = out.rstrip() + '"'
            else:
                out += (" " if out and not out.endswith((" ", "(", "[")) else "") + '"'
            open_quote = not open_quote
            continue
        after_open = out.endswith(("(", "[", "{", "“", "‘")) or (open_quote and out.endswith('"'))
        if out and not _GLUE_LEFT.fullmatch(t) and not after_open:
            out += " "
        out += t
    return out


def indosum_lines(paragraphs: Sequence[Sequence[Sequence[str]]], *, tokenized: bool = False) -> list[str]:
    """An IndoSum article as text lines (a paragraph per line; tokens that hold a
    paragraph break start a new line)."""
    join = (lambda toks: " ".join(t for t in toks if t)) if tokenized else detokenize
    out: list[str] = []
    for para in paragraphs:
        cur: list[str] = []
        for tok in (t for sent in para for t in sent):
            parts = re.split(r"\n+", tok)
            cur.append(parts[0])
            for part in parts[1:]:
                out.append(" ".join(join(cur).split()))
                cur = [part]
        out.append(" ".join(join(cur).split()))
    return [ln for ln in out if ln]


# Labelling rules for IndoSum, written after reviewing the candidate lines
# (independent of the rule packs, and narrower: they name what was seen).
_INDOSUM_B = re.compile(
    r"""^[\[(–—-]*\s*(?:
        baca(?:[ _]juga)?\s*[:_]?.*|baca_juga|simak\s+juga\s*[:-].*|lihat\s+juga\s*:.*|tonton\s+juga\s*:.*
      | video\s*:.{0,200}
      | (?:berita|artikel)\s+terkait.{0,200}
      | dailysocial\.id\s+adalah\s+portal\s+berita.*
      | disclosure\s*:.*
      | (?:berita|artikel)\s+ini\s+telah\s+(?:terbit|tayang)\s+di\b.*
      | klik\s+di\s*sini\s+untuk.*
      | \*\s*\*\s*\*
      | \[\s*video\s*\].*\[\s*/video\s*\]
      | .*(?:\bfunction\s*\(|\bvar\s+\w+\s*=).*[{};].*                 # script code
    )[\])]?\s*$""",
    re.I | re.X,
)
_INDOSUM_P = re.compile(
    r"""^(?:
        [(\[]\s*[a-z]{2,5}(?:\s*/\s*[a-z]{2,5})*\s*[)\]]                 # (ard), [tsr], (res / res)
      | \(\s*[a-z]\.?[a-z]?\d{3}/[a-z]\d{3}\s*\)                         # (T.L007/S024)
      | \(\s*[a-z]+\s*\)\s*                                              # (b)
      | sumber(?:\s+berita)?\s*:?\s*[^.]{1,80}\.?                        # Sumber: The Verge.
      | (?:foto|editor|reporter|penulis|pewarta|fotografer|ilustrasi)\s*:\s*.{1,80}
      | berdasarkan\s+laporan\s+\w+(?:\s+\w+){0,3}\s+dari\s+\w+
    )$""",
    re.I | re.X,
)
_INDOSUM_O = re.compile(r"^(?:https?://\S+|ilustrasi\b.{0,80}|foto\s*:.*)$", re.I)
# Boilerplate glued to the start of a content line: a widget placeholder anywhere,
# a greeting to readers at the top.
_INDOSUM_PREFIX = re.compile(r"^(Baca_Juga)\s+\S")
_INDOSUM_GREETING = re.compile(r"^((?:Hai|Halo|Hallo)(?: (?:sobat|semua|guys)\w*)?\s*[!,.])\s+[A-Z]")


def label_indosum(line: str, index: int = 1) -> tuple[str, str | None]:
    """The label of an IndoSum line (see the module docstring), and the
    boilerplate prefix glued to it, if any."""
    m = _INDOSUM_PREFIX.match(line) or (_INDOSUM_GREETING.match(line) if index == 0 else None)
    if m:
        return "C", m.group(1)
    if _INDOSUM_B.match(line):
        return "B", None
    if _INDOSUM_P.match(line):
        return "P", None
    if _INDOSUM_O.match(line):
        return "O", None
    return "C", None


def _indosum_records(base: Path) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for path in sorted((base / "indosum-dev-folds").glob("dev.*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] not in seen:
                    seen.add(rec["id"])
                    yield rec


def load_indosum(base: Path) -> Iterator[Doc]:
    for rec in _indosum_records(base):
        lines = indosum_lines(rec["paragraphs"])
        labelled = [label_indosum(ln, i) for i, ln in enumerate(lines)]
        prefix = {i: p for i, (_lab, p) in enumerate(labelled) if p}
        yield Doc("indosum", rec["id"], "id", lines, [lab for lab, _p in labelled], prefix=prefix)


# -- HTML sets: fundus and the Zyte article-extraction benchmark ------------------------------


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _extract(html: str) -> list[str]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _gold_label(line: str, gold: set[str], joined: str) -> bool:
    n = _norm(line)
    return bool(n) and (n in gold or (len(n) > 20 and n in joined))


def _html_labels() -> dict[str, dict[str, str]]:
    path = LABELS_DIR / "html_labels.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {str(k): {str(h): str(v) for h, v in (d or {}).items()} for k, d in (data or {}).items()}


def _html_doc(set_name: str, key: str, lines: list[str], gold_texts: Sequence[str], labels: dict[str, str]) -> Doc:
    from newscorpus.language import identify

    gold = {_norm(p) for p in gold_texts if p}
    joined = " \n ".join(gold)
    out = []
    for ln in lines:
        hand = labels.get(line_key(ln))  # hand labels also correct the gold
        out.append(hand if hand is not None else "C" if _gold_label(ln, gold, joined) else "?")
    language = identify(" ".join(gold_texts)[:2000]) or "?"
    return Doc(set_name, key, language, lines, out)


def load_fundus(base: Path, languages: frozenset[str]) -> Iterator[Doc]:
    root = base / "fundus-parser-testdata"
    labels = _html_labels()
    for js in sorted(root.glob("*/*.json")):
        versions = json.loads(js.read_text(encoding="utf-8"))
        publisher = js.stem
        for html_path in sorted(js.parent.glob(f"{publisher}_*.html.gz")):
            lines = _extract(gzip.decompress(html_path.read_bytes()).decode("utf-8", "replace"))
            best: tuple[int, list[str]] | None = None
            for data in versions.values():  # the version whose gold matches best
                body = data.get("body") or {}
                gold = [p for s in body.get("sections", ()) for p in (*s.get("paragraphs", ()), *s.get("headline", ()))]
                gold += [*body.get("summary", ()), data.get("title") or ""]
                normed = {_norm(p) for p in gold if p}
                score = sum(_norm(ln) in normed for ln in lines)
                if best is None or score > best[0]:
                    best = (score, gold)
            if best is None:
                continue
            key = f"{js.parent.name}/{html_path.name}"
            doc = _html_doc("fundus", key, lines, best[1], labels.get(f"fundus/{key}", {}))
            if doc.language in languages:
                yield doc


def load_aeb(base: Path, languages: frozenset[str]) -> Iterator[Doc]:
    root = base / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    labels = _html_labels()
    for key, gt in sorted(truth.items()):
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        gold = [p for p in re.split(r"\n+", gt.get("articleBody") or "") if p.strip()]
        doc = _html_doc("aeb", key, _extract(html), gold, labels.get(f"aeb/{key}", {}))
        if doc.language in languages:
            yield doc


def load_trafeval(base: Path, languages: frozenset[str]) -> Iterator[Doc]:
    from newscorpus.language import identify

    root = base / "trafilatura-eval"
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    for key, entry in sorted(data.items()):
        include = [s for s in entry.get("with") or () if _norm(s)]
        exclude = [s for s in entry.get("without") or () if _norm(s)]
        # The page's language, told from what it must include (cheap: no extraction).
        language = identify(" ".join([entry.get("title") or "", *include])[:2000]) or "?"
        path = root / "html" / f"{entry['file']}.gz"
        if language not in languages or not path.exists():
            continue
        lines = _extract(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        labels = []
        for ln in lines:
            n = _norm(ln)
            # Must-include wins: cutting such a line would lose a required snippet.
            if any(_norm(s) in n for s in include):
                labels.append("C")
            elif any(_norm(s) in n for s in exclude):
                labels.append("X")
            else:
                labels.append("?")
        yield Doc("trafeval", key, language, lines, labels)


# -- BBC ------------------------------------------------------------------------------------


def _bbc_records(base: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(base / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def load_bbc(base: Path) -> Iterator[Doc]:
    for rec in _bbc_records(base):
        lines = [ln.strip() for ln in rec["text"].splitlines() if ln.strip()]
        yield Doc("bbc", rec["id"], "en", [rec["title"], *lines], ["T"] + ["C"] * len(lines), rec["title"])


# -- scoring --------------------------------------------------------------------------------


def to_article(doc: Doc, *, language: str | None) -> tuple[Article, list[int]]:
    """The article the cleaners see, and the line index of each of its paragraphs
    (subtitle first when there is one)."""
    title = doc.title
    sub = doc.subtitle_index
    order = [i for i, lab in enumerate(doc.labels) if lab not in ("T", "P") and i != sub]
    article = Article(
        id=doc.key,
        provenance=Provenance(path=doc.set),
        title=title,
        subtitle=doc.lines[sub] if sub is not None else "",
        body=tuple(doc.lines[i] for i in order),
        language=language,
    )
    return article, ([sub] if sub is not None else []) + order


def removed_lines(doc: Doc, cleaned: Article, index: list[int]) -> tuple[set[int], dict[int, str]]:
    """Lines removed whole, and prefixes removed, by line index."""
    fields = reconstruct(cleaned)
    seq = fields["subtitle"] + fields["body"]
    whole, prefixes = set(), {}
    for line_no, line in zip(index, seq, strict=True):
        if line.removed:
            whole.add(line_no)
        elif any(s.removal is not None for s in line.segments):
            prefixes[line_no] = next(s.text for s in line.segments if s.removal is not None)
    return whole, prefixes


@attrs.define
class Score:
    content: int = 0
    content_kept: int = 0
    boiler: int = 0
    boiler_removed: int = 0
    other: int = 0
    other_removed: int = 0
    unlabelled: int = 0
    excluded: int = 0
    excluded_removed: int = 0
    articles: int = 0
    false_cuts: list[str] = attrs.field(factory=list)
    misses: list[str] = attrs.field(factory=list)
    excluded_lines: list[str] = attrs.field(factory=list)  # X lines, marked kept or removed

    def add(self, doc: Doc, whole: set[int], prefixes: dict[int, str]) -> None:
        self.articles += 1
        for i, (line, lab) in enumerate(zip(doc.lines, doc.labels, strict=True)):
            gone = i in whole
            if i in doc.prefix:  # a boilerplate prefix of a content line
                self.boiler += 1
                self.boiler_removed += prefixes.get(i) == doc.prefix[i]
                if prefixes.get(i) != doc.prefix[i]:
                    self.misses.append(doc.prefix[i])
            if lab == "C":
                self.content += 1
                ok = not gone and (i not in prefixes or prefixes[i] == doc.prefix.get(i))
                self.content_kept += ok
                if not ok:
                    self.false_cuts.append(f"{doc.key}: {line}")
            elif lab == "B":
                self.boiler += 1
                self.boiler_removed += gone
                if not gone:
                    self.misses.append(f"{doc.key}: {line}")
            elif lab in ("P", "O", "X", "?"):
                self.other += 1
                self.other_removed += gone
                self.unlabelled += lab == "?"
                if lab == "X":
                    self.excluded += 1
                    self.excluded_removed += gone
                    self.excluded_lines.append(f"{'removed' if gone else 'kept'}: {doc.key}: {line}")

    @property
    def kept_rate(self) -> float:
        return self.content_kept / self.content if self.content else 1.0

    @property
    def recall(self) -> float | None:
        return self.boiler_removed / self.boiler if self.boiler else None

    @property
    def removal_precision(self) -> float | None:
        cut = self.boiler_removed + (self.content - self.content_kept)
        return self.boiler_removed / cut if cut else None


def justext_removed(doc: Doc, language: str) -> set[int]:
    """Lines jusText classifies as boilerplate (each line given as one <p>)."""
    import html as html_lib

    import justext

    stoplist = {"en": "English", "id": "Indonesian", "ms": "Malay"}.get(language, "English")
    idx = [i for i, lab in enumerate(doc.labels) if lab != "T"]
    page = "<html><body>" + "".join(f"<p>{html_lib.escape(doc.lines[i])}</p>" for i in idx) + "</body></html>"
    paras = justext.justext(page.encode("utf-8"), justext.get_stoplist(stoplist))
    gone = set()
    pos = 0
    for p in paras:  # jusText keeps the <p> order; match texts back to lines
        while pos < len(idx) and " ".join(doc.lines[idx[pos]].split()) != " ".join(p.text.split()):
            pos += 1
        if pos < len(idx):
            if p.is_boilerplate:
                gone.add(idx[pos])
            pos += 1
    return gone


def run_set(
    docs: Iterable[Doc], chain: CleanerChain, *, with_peer: bool
) -> tuple[dict[str, Score], dict[str, Score], dict[str, int]]:
    ours: dict[str, Score] = collections.defaultdict(Score)
    peer: dict[str, Score] = collections.defaultdict(Score)
    flags = collections.Counter()
    for doc in docs:
        article, index = to_article(doc, language=doc.language if doc.language != "?" else None)
        cleaned = chain.clean(article)
        whole, prefixes = removed_lines(doc, cleaned, index)
        ours[doc.language].add(doc, whole, prefixes)
        flags[doc.language, "articles"] += 1
        flags[doc.language, "flagged"] += FLAG in cleaned.flag_names()
        if with_peer:
            peer[doc.language].add(doc, justext_removed(doc, doc.language), {})
    return ours, peer, flags


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def throughput(docs: list[Doc], repeat: int = 3) -> tuple[list[tuple[str, float]], float]:
    """Articles/s of each default cleaner and of the whole chain (median of runs)."""
    articles = [to_article(d, language=d.language)[0] for d in docs]
    cleaners = default_cleaners()
    per: list[tuple[str, float]] = []
    for cleaner in cleaners:
        runs = []
        for _ in range(repeat):
            clear_memos()  # each run starts cold, as on new articles
            t0 = time.perf_counter()
            cleaner.clean_batch(articles)
            runs.append(time.perf_counter() - t0)
        per.append((cleaner.name, len(articles) / median(runs)))
    chain = CleanerChain(cleaners)
    runs = []
    for _ in range(repeat):
        clear_memos()
        t0 = time.perf_counter()
        chain.clean_batch(articles)
        runs.append(time.perf_counter() - t0)
    return per, len(articles) / median(runs)


def justext_throughput(docs: list[Doc], repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in docs:
            justext_removed(d, d.language)
        runs.append(time.perf_counter() - t0)
    return len(docs) / median(runs)


SETS: dict[str, Callable[[Path], Iterable[Doc]]] = {
    "seeds": lambda base: load_seeds(),
    "indosum": load_indosum,
    "fundus": lambda base: load_fundus(base, frozenset({"en", "id", "ms"})),
    "aeb": lambda base: load_aeb(base, frozenset({"en", "id", "ms"})),
    "trafeval": lambda base: load_trafeval(base, frozenset({"en", "id", "ms"})),
    "bbc": load_bbc,
}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    ap.add_argument("--no-write", action="store_true", help=f"print only; do not update {PAGE}")
    ap.add_argument("--show", type=int, default=10, help="false cuts and misses to print per set")
    args = ap.parse_args(argv)
    base = Path(args.benchmarks)
    chain = CleanerChain()
    rows, peer_rows, damage_rows, excluded_rows = [], [], [], []
    speed_docs: list[Doc] = []
    for name in args.sets.split(","):
        docs = list(SETS[name](base))
        if name in ("bbc", "indosum"):
            speed_docs += docs
        ours, peer, flags = run_set(docs, chain, with_peer=name != "seeds")
        for lang in sorted(ours):
            s = ours[lang]
            rows.append(
                (
                    name,
                    lang,
                    s.articles,
                    s.content,
                    s.content - s.content_kept,
                    _fmt(s.kept_rate, 4),
                    s.boiler,
                    _fmt(s.recall),
                    _fmt(s.removal_precision),
                    s.other,
                    s.other_removed,
                    s.unlabelled,
                )
            )
            if lang in peer:
                p = peer[lang]
                peer_rows.append((name, lang, _fmt(p.kept_rate), _fmt(p.recall), _fmt(p.removal_precision)))
            fl = flags[lang, "flagged"]
            damage_rows.append((name, lang, flags[lang, "articles"], fl, f"{fl / max(1, flags[lang, 'articles']):.4f}"))
            if s.excluded:
                excluded_rows.append((name, lang, s.articles, s.excluded, s.excluded_removed))
            for kind, items in (("false cut", s.false_cuts), ("miss", s.misses), ("must-exclude", s.excluded_lines)):
                for item in items[: args.show]:
                    print(f"  [{name}/{lang}] {kind}: {item[:160]}")
    headers = [
        "set",
        "lang",
        "articles",
        "content lines",
        "content cut",
        "content kept",
        "boilerplate lines",
        "boilerplate removed",
        "removal precision",
        "P/O/X lines",
        "P/O/X removed",
        "unlabelled",
    ]
    quality = table(headers, rows)
    peer_table = table(["set", "lang", "content kept", "boilerplate removed", "removal precision"], peer_rows)
    damage = table(["set", "lang", "articles", f"flagged {FLAG}", "rate"], damage_rows)
    excluded = table(
        ["set", "lang", "articles", "must-exclude lines", "removed by cleaning"],
        [(*r[:4], f"{r[4]} ({r[4] / r[3]:.2f})") for r in excluded_rows],
    )
    speed = ""
    if speed_docs:
        per, total = throughput(speed_docs)
        jt = justext_throughput(speed_docs[:1000])
        rows_speed = [*per, ("all default cleaners", total), ("jusText (peer)", jt)]
        speed = table(["cleaner", "articles/s (1 core, alone)"], rows_speed)
        speed += f"\n\nWhole chain vs jusText: {total / jt:.1f}x, on {len(speed_docs):,} BBC + IndoSum articles."
    print(quality, excluded, peer_table, damage, speed, sep="\n\n")
    if not args.no_write:
        md = "\n\n".join(
            [
                machine_line(["trafilatura", "justext"]),
                "### Line-level quality (newscorpus default cleaners)",
                quality,
                "### Must-exclude lines of trafilatura's evaluation set (most are outside the cleaners' scope)",
                excluded,
                "### Peer on the same lines: jusText",
                peer_table,
                f"### Damage flag `{FLAG}` (false-positive rate on clean news)",
                damage,
                "### Throughput",
                speed,
            ]
        )
        write_section("cleaning_quality", md, page=PAGE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
