"""Synthetic news-like corpora with planted duplicates and translations.

Benchmarks need millions of realistic articles with known duplicates. This module
generates them:

* **Text.** A word-level trigram model trained on real news (BBC News for English,
  IndoSum for Indonesian, read from the shared benchmarks folder at run time and
  never stored) writes the stories, so token lengths, vocabulary, names, numbers
  and common phrases have real news statistics. Sampling is vectorised over a
  batch of documents (one ``searchsorted`` per token step), so a million
  articles take minutes, not hours. Without the benchmarks folder a synthetic
  model over pseudo-words is used (tests, quick runs).
* **Outlets.** Every article belongs to an outlet with its own dateline header
  and one or two footer paragraphs, shared by all its stories: the precision trap
  of near-duplicate detection (different stories, same boilerplate).
* **Planted duplicates.** ``exact`` copies repeat the body with changes that text
  normalisation must absorb (case, quotes, spacing, full-width characters);
  ``near`` copies are re-posts by another outlet: 5-15% of words substituted,
  deleted or inserted, the header and footer replaced by the copier's, and with
  probability ``trim_rate`` one paragraph cut. ``translation`` pairs are runs of
  consecutive sentences of the PANL-BPPT Indonesian-English parallel news
  corpus, the Indonesian one published after the English one; runs of the same
  corpus left without their counterpart are same-domain distractors.

Each record is a dict with ``id``, ``title``, ``body`` (paragraphs separated by
a blank line), ``language``, ``published`` (ISO), ``source`` and the labels
``story`` (id of the story it tells), ``kind`` (``original``, ``exact``,
``near``, ``translation``, ``distractor``), ``duplicate_of`` and
``translation_of`` (ground truth ids, or ``None``).

Usage::

    from corpusgen import generate, write_jsonl
    write_jsonl(generate(100_000, seed=1, benchmarks=".../shared/benchmarks"), "corpus.jsonl")

or ``python benchmarks/corpusgen.py 100000 corpus.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "NEWS_DOMAINS",
    "GeneratorConfig",
    "MarkovText",
    "Outlet",
    "generate",
    "panl_runs",
    "true_pairs",
    "write_jsonl",
]

EOS = "</s>"
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“A-Z0-9])")
_ATTACH_LEFT = {".", ",", ";", ":", "!", "?", ")", "%", "''", "'s", "”", "n't"}
_ATTACH_RIGHT = {"(", "``", "“", "$"}


# -- the text model -------------------------------------------------------------------------


class MarkovText:
    """A word trigram model whose sampler runs a whole batch of documents at once.

    States are word bigrams; each state's successors are stored as one row of a
    global cumulative table offset by the state number, so that sampling the next
    word of every document in a batch is a single ``searchsorted``.
    """

    #: Probability of sampling a word from the bigram context instead of the trigram:
    #: a pure trigram model copies long runs of its training text verbatim, which
    #: would make unrelated generated stories share far more phrases than real ones.
    backoff = 0.35

    def __init__(self, vocab: list[str], tables: dict[str, np.ndarray], start: int) -> None:
        self.vocab = np.array(vocab, dtype=object)
        self.t = tables
        self.start = start
        self.eos = 0

    @classmethod
    def train(cls, sentences: Iterable[Sequence[str]]) -> MarkovText:
        """Train on sentences (lists of whitespace-free words, punctuation attached)."""
        index: dict[str, int] = {EOS: 0}
        counts: dict[tuple[int, int], Counter[int]] = {}
        for sent in sentences:
            ids = [index.setdefault(w, len(index)) for w in sent if w]
            if len(ids) < 3:
                continue
            a, b = 0, 0
            for t in [*ids, 0]:
                counts.setdefault((a, b), Counter())[t] += 1
                a, b = (b, t) if t else (0, 0)
        states = {s: i for i, s in enumerate(sorted(counts))}
        start = states[(0, 0)]
        bigram: dict[int, Counter[int]] = {}
        for (_a, b), succ in counts.items():
            bigram.setdefault(b, Counter()).update(succ)

        def table(rows: Iterable[tuple[int, Counter[int], int]]) -> tuple[list[float], list[int], list[int]]:
            cum: list[float] = []
            tok: list[int] = []
            nxt: list[int] = []
            for row, succ, b in rows:
                total = sum(succ.values())
                run = 0
                for t, c in sorted(succ.items()):
                    run += c
                    cum.append(row + run / total)
                    tok.append(t)
                    nxt.append(states[(b, t)] if t else start)
            return cum, tok, nxt

        c3, t3, n3 = table((states[k], v, k[1]) for k, v in sorted(counts.items()))
        c2, t2, n2 = table((b, v, b) for b, v in sorted(bigram.items()))
        last = np.zeros(len(states), dtype=np.int64)
        for (_a, b), sid in states.items():
            last[sid] = b
        vocab = [""] * len(index)
        for w, i in index.items():
            vocab[i] = w
        tables = {"cum3": np.array(c3), "tok3": np.array(t3, dtype=np.int32), "nxt3": np.array(n3, dtype=np.int32),
                  "cum2": np.array(c2), "tok2": np.array(t2, dtype=np.int32), "nxt2": np.array(n2, dtype=np.int32),
                  "last": last}
        return cls(vocab, tables, start)

    @classmethod
    def synthetic(cls, seed: int = 0, words: int = 6000, sentences: int = 20000) -> MarkovText:
        """A model over pseudo-words with Zipf frequencies, for runs without real text."""
        rng = np.random.default_rng(seed)
        syll = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["an", "er", "in", "on"]
        vocab = sorted({"".join(rng.choice(syll, rng.integers(1, 4))) for _ in range(words)})
        names = [w.capitalize() for w in rng.choice(vocab, 400, replace=False)]
        p = 1 / np.arange(1, len(vocab) + 1)
        p /= p.sum()
        succ = {w: rng.choice(len(vocab), 12, p=p) for w in vocab[:2000]}  # sparse bigram structure
        sents = []
        for _ in range(sentences):
            w = vocab[int(rng.choice(len(vocab), p=p))]
            out = [w.capitalize()]
            for _k in range(int(rng.integers(8, 30))):
                r = rng.random()
                if r < 0.08:
                    out.append(str(rng.choice(names)))
                elif r < 0.11:
                    out.append(str(int(rng.integers(2, 5000))))
                else:
                    nxt = succ.get(w)
                    w = vocab[int(rng.choice(nxt))] if nxt is not None and r < 0.7 else vocab[
                        int(rng.choice(len(vocab), p=p))]
                    out.append(w)
            out[-1] += "."
            sents.append(out)
        return cls.train(sents)

    def sample(self, rng: np.random.Generator, n_words: np.ndarray) -> list[list[list[str]]]:
        """Documents of about ``n_words[i]`` words each, as lists of sentences."""
        n = len(n_words)
        steps = int(n_words.max()) + 60
        out = np.zeros((n, steps), dtype=np.int32)
        state = np.full(n, self.start, dtype=np.int64)
        words = np.zeros(n, dtype=np.int64)  # words so far per document
        active = np.arange(n)  # documents not yet ended (a sentence end past n_words)
        t = self.t
        for step in range(steps):
            # Draw for every document so the random stream (and the corpus) does not
            # depend on which are finished; compute only for the unfinished ones
            # (most documents end far before the longest one: ~4x less work).
            u, r = rng.random(n), rng.random(n)
            if not len(active):
                continue
            s, ua = state[active], u[active]
            i3 = np.minimum(np.searchsorted(t["cum3"], s + ua, side="right"), len(t["tok3"]) - 1)
            i2 = np.minimum(np.searchsorted(t["cum2"], t["last"][s] + ua, side="right"), len(t["tok2"]) - 1)
            back = (r[active] < self.backoff) & (s != self.start)
            tok = np.where(back, t["tok2"][i2], t["tok3"][i3])
            out[active, step] = tok
            state[active] = np.where(back, t["nxt2"][i2], t["nxt3"][i3])
            eos = tok == self.eos
            words[active] += ~eos
            active = active[~(eos & (words[active] >= n_words[active]))]
        docs = []
        for i in range(n):
            row = out[i]
            ends = np.flatnonzero(row == self.eos)
            sents, begin, words = [], 0, 0
            for e in ends:
                if e > begin:
                    sents.append(list(self.vocab[row[begin:e]]))
                    words += e - begin
                begin = e + 1
                if words >= n_words[i]:
                    break
            docs.append(sents or [list(self.vocab[row[: max(1, int(n_words[i]))]])])
        return docs


def _detok(tokens: Sequence[str]) -> list[str]:
    """Whitespace words from a tokenised sentence (IndoSum is tokenised)."""
    out: list[str] = []
    glue = False
    quotes = 0
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t == '"':  # IndoSum does not tell opening from closing quotes: alternate
            quotes += 1
            if quotes % 2 == 0 and out:
                out[-1] += t
                glue = False
            else:
                out.append(t)
                glue = True
            continue
        if t == "-" and out and out[-1][-1:].isalpha() and nxt[:1].isalpha():
            out[-1] += t  # "Disebut - sebut" was "Disebut-sebut"
            glue = True
            continue
        if out and (t in _ATTACH_LEFT or t.startswith("'") or glue):
            out[-1] += t
        else:
            out.append(t)
        glue = t in _ATTACH_RIGHT
    return out


def _bbc_sentences(path: Path) -> Iterator[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for para in rec["text"].split("\n"):
                for sent in _SENT_END.split(para.strip()):
                    if sent:
                        yield sent.split()


def _indosum_sentences(folder: Path) -> Iterator[list[str]]:
    seen: set[str] = set()
    for path in sorted(folder.glob("dev.*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] in seen:  # the folds repeat articles
                    continue
                seen.add(rec["id"])
                for para in rec["paragraphs"]:
                    for sent in para:
                        yield _detok(sent)


def load_models(benchmarks: str | Path | None, seed: int = 0) -> dict[str, MarkovText]:
    """Text models by language: trained on real news when ``benchmarks`` holds it."""
    models: dict[str, MarkovText] = {}
    root = Path(benchmarks) if benchmarks else None
    bbc = root / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz" if root else None
    indosum = root / "indosum-dev-folds" if root else None
    models["en"] = MarkovText.train(_bbc_sentences(bbc)) if bbc and bbc.exists() else MarkovText.synthetic(seed)
    models["id"] = (MarkovText.train(_indosum_sentences(indosum)) if indosum and indosum.is_dir()
                    else MarkovText.synthetic(seed + 1))
    return models


# -- outlets and their boilerplate ------------------------------------------------------------

_EN_PARTS = (["Daily", "Morning", "Evening", "Global", "National", "Metro", "Coastal", "Northern", "Capital",
              "Independent", "Weekly", "Pacific"],
             ["Herald", "Tribune", "Courier", "Post", "Observer", "Times", "Dispatch", "Chronicle", "Ledger",
              "Wire", "Monitor", "Gazette"])
_ID_PARTS = (["Kabar", "Warta", "Suara", "Harian", "Berita", "Media", "Koran", "Pos", "Detak", "Jurnal"],
             ["Nusantara", "Rakyat", "Bangsa", "Merdeka", "Kota", "Timur", "Jaya", "Pagi", "Indonesia", "Raya"])
_EN_CITIES = ["LONDON", "NEW YORK", "WASHINGTON", "SYDNEY", "SINGAPORE", "BRUSSELS", "TOKYO", "PARIS", "GENEVA"]
_ID_CITIES = ["JAKARTA", "SURABAYA", "BANDUNG", "MEDAN", "MAKASSAR", "SEMARANG", "DENPASAR", "YOGYAKARTA"]
_EN_FOOTERS = [
    "Follow {o} on social media for the latest news, analysis and opinion from around the world.",
    "Copyright {y} {o}. All rights reserved. This material may not be published, broadcast, rewritten or "
    "redistributed without permission.",
    "Sign up for the {o} morning briefing to get the top stories of the day delivered to your inbox.",
    "Reporting by {o} staff; editing by the {o} news desk. Contact us with tips and corrections.",
    "Read more from {o}: subscribe today for unlimited access to award-winning journalism.",
]
_ID_FOOTERS = [
    "Ikuti berita terkini dan terpercaya dari {o} di kanal media sosial kami setiap hari.",
    "Hak cipta {y} {o}. Dilarang mengutip, menyiarkan ulang atau menulis ulang tanpa izin tertulis.",
    "Baca berita {o} lainnya dan dapatkan informasi terbaru langsung di ponsel Anda setiap pagi.",
    "Simak juga laporan khusus {o} tentang perkembangan ekonomi, politik dan olahraga nasional.",
    "Penulis: tim redaksi {o}. Kirim tanggapan dan koreksi melalui alamat surel redaksi kami.",
]


@dataclass(frozen=True)
class Outlet:
    """A news outlet: name, language, dateline style and footer paragraphs."""

    name: str
    language: str
    city: str
    footers: tuple[str, ...]

    def header(self, rng: np.random.Generator) -> str:
        """The dateline this outlet opens its stories with."""
        return f"{self.city} ({self.name}) -"

    def wrap(self, paragraphs: list[str], rng: np.random.Generator) -> list[str]:
        """``paragraphs`` with this outlet's header and footers."""
        return [self.header(rng), *paragraphs, *self.footers]


def make_outlets(rng: np.random.Generator, per_language: int = 40) -> dict[str, list[Outlet]]:
    """Outlets by language, each with a fixed footer set."""
    out: dict[str, list[Outlet]] = {}
    for lang, (first, second), cities, footers in (("en", _EN_PARTS, _EN_CITIES, _EN_FOOTERS),
                                                   ("id", _ID_PARTS, _ID_CITIES, _ID_FOOTERS)):
        names = [f"{a} {b}" for a in first for b in second]
        chosen = rng.choice(len(names), min(per_language, len(names)), replace=False)
        outlets = []
        for k in chosen:
            name = names[int(k)]
            nf = int(rng.integers(1, 3))
            picks = rng.choice(len(footers), nf, replace=False)
            year = int(rng.integers(2015, 2026))
            outlets.append(Outlet(name, lang, str(rng.choice(cities)),
                                  tuple(footers[int(p)].format(o=name, y=year) for p in picks)))
        out[lang] = outlets
    return out


# -- duplicates -------------------------------------------------------------------------------


def _paragraphs(sentences: list[list[str]], rng: np.random.Generator) -> list[str]:
    paras, i = [], 0
    while i < len(sentences):
        k = int(rng.integers(1, 4))
        paras.append(" ".join(" ".join(s) for s in sentences[i:i + k]))
        i += k
    return paras


def edit_words(paragraphs: list[str], rate: float, vocab: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Substitute (60%), delete (20%) or insert after (20%) each word with probability ``rate``."""
    out = []
    for para in paragraphs:
        words = para.split()
        r = rng.random(len(words))
        fill = vocab[rng.integers(0, len(vocab), len(words))]
        new: list[str] = []
        for w, x, f in zip(words, r, fill, strict=True):
            if x < rate * 0.6:
                new.append(f)
            elif x < rate * 0.8:
                continue
            elif x < rate:
                new += [w, f]
            else:
                new.append(w)
        if new:
            out.append(" ".join(new))
    return out


_FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}


def normalisation_noise(paragraphs: list[str], rng: np.random.Generator) -> list[str]:
    """Changes that NFKC, case folding and punctuation folding must undo."""
    out = []
    for para in paragraphs:
        choice = rng.integers(0, 5)
        if choice == 0:
            para = para.replace('"', "“", 1).replace('"', "”", 1).replace("'", "’")
        elif choice == 1:
            para = para.replace(" ", "  ", 3)
        elif choice == 2:
            para = para.translate(_FULLWIDTH)
        elif choice == 3 and len(para) > 1:
            para = para[0].swapcase() + para[1:]
        out.append(para)
    return out


# -- translations -----------------------------------------------------------------------------


def _untranslated(a: str, b: str) -> bool:
    """A few PANL lines hold the English sentence on the Indonesian side too."""
    ta, tb = set(a.lower().split()), set(b.lower().split())
    return len(ta & tb) > 0.5 * len(ta | tb)


#: PANL-BPPT domains whose lines are consecutive sentences of news stories. The SCI
#: file is sorted (in reverse alphabetical order: 0.4% of adjacent lines ascend), so its "runs" are unrelated sentences sharing their first words, not documents.  # noqa: E501
NEWS_DOMAINS = ("ECO", "INT", "SPO")


def panl_runs(benchmarks: str | Path, rng: np.random.Generator, min_len: int = 6, max_len: int = 14,
              domains: Sequence[str] = NEWS_DOMAINS) -> list[tuple[str, list[str], list[str]]]:
    """Consecutive sentence runs of PANL-BPPT as ``(domain, id_sentences, en_sentences)``."""
    root = Path(benchmarks) / "panl-bppt-id-en-parallel"
    runs = []
    for en_path in sorted(root.glob("PANL-BPPT-*-EN-*.txt.gz")):
        domain = en_path.name.split("-")[2]
        if domain not in domains:
            continue
        id_path = next(root.glob(f"PANL-BPPT-{domain}-ID-*.txt.gz"))
        with gzip.open(en_path, "rt", encoding="utf-8", errors="replace") as fe, \
                gzip.open(id_path, "rt", encoding="utf-8", errors="replace") as fi:
            en = [s.strip() for s in fe.read().splitlines()]
            idn = [s.strip() for s in fi.read().splitlines()]
        i = 0
        while i < min(len(en), len(idn)):
            k = int(rng.integers(min_len, max_len + 1))
            pair = [(a, b) for a, b in zip(idn[i:i + k], en[i:i + k], strict=False)
                    if a and b and not _untranslated(a, b)]
            if len(pair) >= min_len // 2:
                runs.append((domain, [a for a, _ in pair], [b for _, b in pair]))
            i += k
    return runs


# -- the generator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratorConfig:
    """Rates and sizes of a generated corpus.

    Attributes:
        dup_rate: Share of records that are planted copies (exact or near).
        exact_share: Share of planted copies that are exact (the rest are near).
        trim_rate: Probability that a near copy loses one paragraph.
        edit_range: Range of the share of words a near copy edits.
        translation_rate: Share of records taken from the parallel corpus (translation
            pairs and distractors), at most what it gives (about 2,000 runs).
        distractor_rate: Share of parallel-corpus runs kept in one language only.
        languages: Language mix of the synthetic stories.
        words: Median body length in words (log-normal around it).
        days: Days the publication times spread over, evenly (fewer days: a denser
            corpus, as many articles a day as a larger one over the default span).
    """

    dup_rate: float = 0.12
    exact_share: float = 0.3
    trim_rate: float = 0.5
    edit_range: tuple[float, float] = (0.05, 0.15)
    translation_rate: float = 0.02
    distractor_rate: float = 0.5
    languages: tuple[tuple[str, float], ...] = (("en", 0.7), ("id", 0.3))
    words: int = 380
    batch: int = 2000
    days: int = 730


def generate(n: int, seed: int = 0, benchmarks: str | Path | None = None,
             config: GeneratorConfig | None = None, **rates: Any) -> Iterator[dict[str, Any]]:
    """Yield about ``n`` news-like records with planted duplicates and translations.

    ``rates`` override fields of :class:`GeneratorConfig` (``dup_rate=0.2``).
    Records come in batches whose order is shuffled, so copies are near, but not
    next to, their originals. Translations need ``benchmarks`` (PANL-BPPT).
    """
    cfg = config or GeneratorConfig()
    if rates:
        cfg = GeneratorConfig(**{**cfg.__dict__, **rates})
    rng = np.random.default_rng(seed)
    models = load_models(benchmarks, seed)
    outlets = make_outlets(rng)
    vocab = {lang: m.vocab[1:][rng.integers(0, len(m.vocab) - 1, 50_000)] for lang, m in models.items()}
    langs = [lang for lang, _ in cfg.languages]
    lang_p = np.array([p for _, p in cfg.languages])
    lang_p /= lang_p.sum()
    epoch = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    # translation material, spread evenly over the stream
    trans: list[tuple[str, list[str], list[str]]] = []
    if benchmarks and cfg.translation_rate > 0 and (Path(benchmarks) / "panl-bppt-id-en-parallel").is_dir():
        runs = panl_runs(benchmarks, rng)
        order = rng.permutation(len(runs))
        trans = [runs[int(i)] for i in order]
        per_item = (1 - cfg.distractor_rate) * 2 + cfg.distractor_rate
        limit = int(n * cfg.translation_rate / per_item)
        trans = trans[:max(0, limit)]
    count = 0
    story = 0
    batches = max(1, -(-n // cfg.batch))
    per_batch_trans = -(-len(trans) // batches) if trans else 0
    t_index = 0
    while count < n:
        size = min(cfg.batch, n - count)
        records: list[dict[str, Any]] = []
        # translation pairs and distractors first, then originals and copies fill the batch
        for domain, id_sents, en_sents in trans[t_index:t_index + per_batch_trans]:
            t_index += 1
            when = epoch + dt.timedelta(seconds=float(rng.uniform(0, cfg.days * 86400)))
            sid = f"s{seed}-{story:08d}"
            story += 1
            kind = "pair" if rng.random() >= cfg.distractor_rate else str(rng.choice(["id", "en"]))
            ids = {}
            for lang, sents in (("en", en_sents), ("id", id_sents)):
                if kind not in ("pair", lang):
                    continue
                outlet = outlets[lang][int(rng.integers(len(outlets[lang])))]
                paras = [" ".join(sents[i:i + 2]) for i in range(1, len(sents), 2)]
                rid = f"g{seed}-{count + len(records):09d}"
                ids[lang] = rid
                lag = dt.timedelta(hours=float(rng.uniform(2, 48))) if lang == "id" and kind == "pair" else \
                    dt.timedelta(0)
                records.append({
                    "id": rid, "title": sents[0], "body": "\n\n".join(outlet.wrap(paras, rng)),
                    "language": lang, "published": (when + lag).isoformat(), "source": outlet.name,
                    "story": sid, "domain": domain, "kind": "translation" if kind == "pair" else "distractor",
                    "duplicate_of": None, "translation_of": None,
                })
            if kind == "pair":
                records[-1]["translation_of"] = ids["en"]
        room = size - len(records)
        if room <= 0:
            records = records[:size]
        else:
            n_copies = rng.binomial(room, cfg.dup_rate)
            n_orig = max(1, room - n_copies)
            lang_of = rng.choice(len(langs), n_orig, p=lang_p)
            originals: list[dict[str, Any]] = []
            for li, lang in enumerate(langs):
                idx = np.flatnonzero(lang_of == li)
                if not len(idx):
                    continue
                lengths = np.clip(rng.lognormal(np.log(cfg.words), 0.5, len(idx)), 60, 2000).astype(int)
                docs = models[lang].sample(rng, lengths)
                for sents in docs:
                    outlet = outlets[lang][int(rng.integers(len(outlets[lang])))]
                    title_words = sents[0][: int(rng.integers(5, 12))]
                    body = outlet.wrap(_paragraphs(sents[1:] or sents, rng), rng)
                    when = epoch + dt.timedelta(seconds=float(rng.uniform(0, cfg.days * 86400)))
                    originals.append({
                        "id": "", "title": " ".join(title_words).rstrip(",;:"), "body": body,
                        "language": lang, "published": when.isoformat(), "source": outlet.name,
                        "story": f"s{seed}-{story:08d}", "kind": "original",
                        "duplicate_of": None, "translation_of": None, "_outlet": outlet,
                    })
                    story += 1
            for rec in originals:
                rec["id"] = f"g{seed}-{count + len(records):09d}"
                records.append(rec)
            # copies: clusters of 1-3 copies of randomly chosen originals
            made = 0
            while made < n_copies and originals:
                src = originals[int(rng.integers(len(originals)))]
                for _ in range(min(int(rng.integers(1, 4)), n_copies - made)):
                    records.append(_copy(src, cfg, rng, outlets, vocab, seed, count + len(records)))
                    made += 1
        for rec in records:
            if isinstance(rec["body"], list):
                rec["body"] = "\n\n".join(rec["body"])
            rec.pop("_outlet", None)
        for i in rng.permutation(len(records)):
            yield records[int(i)]
        count += len(records)


def _copy(src: dict[str, Any], cfg: GeneratorConfig, rng: np.random.Generator,
          outlets: dict[str, list[Outlet]], vocab: dict[str, np.ndarray], seed: int, index: int) -> dict[str, Any]:
    lang = src["language"]
    orig_outlet: Outlet = src["_outlet"]
    content = list(src["body"][1:len(src["body"]) - len(orig_outlet.footers)])
    when = dt.datetime.fromisoformat(src["published"]) + dt.timedelta(hours=float(rng.uniform(0.5, 72)))
    rid = f"g{seed}-{index:09d}"
    if rng.random() < cfg.exact_share:
        body = normalisation_noise(list(src["body"]), rng)
        title = src["title"] if rng.random() < 0.7 else " ".join(src["title"].split()[:4]) + " update"
        kind, source = "exact", src["source"] if rng.random() < 0.5 else \
            outlets[lang][int(rng.integers(len(outlets[lang])))].name
    else:
        outlet = outlets[lang][int(rng.integers(len(outlets[lang])))]
        rate = float(rng.uniform(*cfg.edit_range))
        content = edit_words(content, rate, vocab[lang], rng)
        if len(content) >= 3 and rng.random() < cfg.trim_rate:
            cut = len(content) - 1 if rng.random() < 0.7 else int(rng.integers(1, len(content)))
            del content[cut]
        body = outlet.wrap(content, rng)
        title = " ".join(edit_words([src["title"]], rate, vocab[lang], rng)) or src["title"]
        kind, source = "near", outlet.name
    return {
        "id": rid, "title": title, "body": body, "language": lang, "published": when.isoformat(),
        "source": source, "story": src["story"], "kind": kind, "duplicate_of": src["id"],
        "translation_of": None,
    }


def true_pairs(records: Iterable[dict[str, Any]]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Ground truth ``(duplicate pairs, translation pairs)`` as sorted id pairs."""
    clusters: dict[str, list[str]] = {}
    trans: set[tuple[str, str]] = set()
    for rec in records:
        if rec.get("duplicate_of"):
            clusters.setdefault(rec["duplicate_of"], [rec["duplicate_of"]]).append(rec["id"])
        if rec.get("translation_of"):
            a, b = rec["id"], rec["translation_of"]
            trans.add((min(a, b), max(a, b)))
    dups = set()
    for members in clusters.values():
        ms = sorted(set(members))
        dups.update((a, b) for i, a in enumerate(ms) for b in ms[i + 1:])
    return dups, trans


def write_jsonl(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write records as JSON lines (gzip when ``path`` ends with ``.gz``); return the count."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    n = 0
    with opener(path, "wt", encoding="utf-8") as fh:  # type: ignore[operator]
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False))
            fh.write("\n")
            n += 1
    return n


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``corpusgen.py N OUT.jsonl [--seed S] [--benchmarks DIR] [--days D]``."""
    sys.path.insert(0, str(Path(__file__).parent))
    from _report import DEFAULT_BENCHMARKS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--benchmarks", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--days", type=int, default=GeneratorConfig.days,
                    help="days the publication times spread over (fewer: denser)")
    args = ap.parse_args(argv)
    n = write_jsonl(generate(args.n, args.seed, args.benchmarks, days=args.days), args.out)
    print(f"wrote {n} records to {args.out}")


if __name__ == "__main__":
    main()
