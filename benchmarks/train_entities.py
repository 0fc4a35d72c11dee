"""Train the entity reader's CRF and print its held-out entity F1 per set and language.

    python benchmarks/train_entities.py [BENCH_DIR] [--out FILE] [--limit N]

``BENCH_DIR`` is the shared benchmarks folder (default ``../shared/benchmarks``); the
sets are read from its ``ner/`` folder. The model is written to
``src/newscorpus/data/entities.crfsuite`` unless ``--out`` says otherwise. The run is
reproducible: inputs are read in sorted order, splits are fixed by position, and
crfsuite's L-BFGS has no randomness, so a rerun writes the same file.

Tag sets are mapped to ``PER``/``ORG``/``LOC`` (everything else ``O``):

=====================  ======================  ==============  =====================  =================
set                    PER                     ORG             LOC                    held out (never trained)
=====================  ======================  ==============  =====================  =================
IndoNLU NERGrit (id)   PERSON                  ORGANISATION    PLACE                  test_preprocess
IndoNLU NERP (id)      PPL                     IND             PLC (EVT, FNB → O)     test_preprocess
idner-news-2k (id)     PER                     ORG             LOC                    test
IndoLEM NER-UI (id)    PERSON                  ORGANIZATION    LOCATION               test.01
IndoLEM NER-UGM (id)   PERSON                  ORGANIZATION    LOCATION (QUANTITY,    test.01
                                                               TIME → O)
MEN (en, Malaysia)     PERSON (opening         ORGANIZATION    LOCATION (FACILITY,    articles whose
                       TITLE/ROLE cut off)                     NORP, EVENT, LAW ...   number % 5 == 0
                                                               → O; outermost span
                                                               wins)
wikigold (en)          I-PER                   I-ORG           I-LOC (I-MISC → O)     documents 5, 10, ...
GUM Wikinews (en)      person                  organization    place; only the        the ``news`` genre
                                                               capitalised core of    (eval only; not
                                                               a mention (see below)  trained on)
Malaya NER part 1      person/PERSON           organization/*  location/LOCATION      all (eval only)
(ms)                                           (misspellings)
=====================  ======================  ==============  =====================  =================

IO-tagged sets (wikigold, GUM, Malaya) have no ``B-``: a run of one type is one
entity (two adjacent names of one type merge; rare). GUM labels common-noun
mentions too ("900 asylum seekers" = person; "I", "We"): its runs are cut at commas
and trimmed to the tokens from the first to the last capitalised one that is not a
pronoun or determiner, and a run with none is ``O``. GUM also types a country that
acts as an organisation ("Russia" = ORG) and, being flattened to the outermost
mention, leaves names inside other mentions unlabelled ("the Andy Warhol exhibit" =
event): an approximate gold that understates the reader, and not trained on (it
would teach that a name inside a longer phrase is no name).
NERP and Malaya are all lower case; NERP's training part is used (it teaches the
words of Indonesian names); in a sequence without capitals the word-shape features
are one constant (see ``newscorpus.entities``), so its lower-case entities do not
teach the model that lower-case words are names in cased text.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS

from newscorpus.entities import decode, sequence_features, spans_of, tokenize

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "src" / "newscorpus" / "data" / "entities.crfsuite"

Sentence = list[tuple[str, str]]  # (token, BIO label)

PARAMS = {"c1": 0.3, "c2": 0.01, "max_iterations": 150, "feature.minfreq": 2, "feature.possible_transitions": True}

_MAP = {
    "PER": "PER", "PERSON": "PER", "PPL": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "IND": "ORG", "ORGANIZAITON": "ORG",
    "ORGNIZATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC", "PLACE": "LOC", "PLC": "LOC", "GPE": "LOC",
}  # fmt: skip


def _kind(tag: str) -> str | None:
    return _MAP.get(tag.strip().upper())


def _bio(sentence: Iterable[tuple[str, str]]) -> Sentence:
    """Map a ``B-X``/``I-X`` sentence to the reader's labels (a stray ``I-`` opens)."""
    out: Sentence = []
    prev = "O"
    for tok, tag in sentence:
        prefix, _, rest = tag.partition("-")
        kind = _kind(rest) if prefix in ("B", "I") else None
        if kind is None:
            label = "O"
        elif prefix == "I" and prev[2:] == kind:
            label = "I-" + kind
        else:
            label = "B-" + kind
        out.append((tok, label))
        prev = label
    return out


def _io(sentence: Iterable[tuple[str, str | None]]) -> Sentence:
    """Map a prefix-less sentence (a run of one kind is one entity) to BIO."""
    out: Sentence = []
    prev: str | None = None
    for tok, kind in sentence:
        if kind is None:
            out.append((tok, "O"))
        else:
            out.append((tok, ("I-" if prev == kind else "B-") + kind))
        prev = kind
    return out


def _blocks(path: Path, sep: str | None = None) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if block:
                yield block
            block = []
            continue
        block.append(line.split(sep) if sep else line.split())
    if block:
        yield block


def conll(path: Path, token_col: int = 0, tag_col: int = -1, sep: str | None = None) -> list[Sentence]:
    """A CoNLL file of IOB2 tags as BIO sentences."""
    return [_bio((row[token_col], row[tag_col]) for row in block if len(row) >= 2) for block in _blocks(path, sep)]


def wikigold(path: Path) -> tuple[list[Sentence], list[Sentence]]:
    """Train and test sentences: every fifth document held out."""
    docs: list[list[Sentence]] = [[]]
    for block in _blocks(path):
        if block[0][0] == "-DOCSTART-":
            docs.append([])
            block = block[1:]
        if block:
            sent = [(row[0], row[-1]) for row in block]
            docs[-1].append(_io((t, _kind(tag[2:]) if tag.startswith("I-") else None) for t, tag in sent))
    docs = [d for d in docs if d]
    train = [s for i, d in enumerate(docs) if (i + 1) % 5 for s in d]
    test = [s for i, d in enumerate(docs) if not (i + 1) % 5 for s in d]
    return train, test


# Capitalised words GUM marks as mentions that are no names: pronouns, determiners.
_GUM_NOT_NAMES = frozenset({
    "i", "we", "he", "she", "you", "they", "it", "me", "us", "him", "her", "them",
    "my", "our", "his", "its", "their", "your", "the", "a", "an", "this", "that", "these", "those",
})  # fmt: skip


def gum(folder: Path, genre: str) -> list[Sentence]:
    """GUM documents of one genre, capitalised cores of PER/ORG/LOC mentions."""
    out: list[Sentence] = []
    for path in sorted((folder / genre).glob("*.tsv")):
        for block in _blocks(path, "\t"):
            toks = [row[0] for row in block]
            # A comma ends a mention: GUM's runs merge "Eureka Springs, Arkansas".
            kinds: list[str | None] = [None if row[0] == "," else _kind(row[-1]) for row in block]
            i = 0
            while i < len(toks):  # trim each run to its capitalised core
                kind = kinds[i]
                j = i
                while j < len(toks) and kinds[j] == kind:
                    j += 1
                if kind is not None:
                    caps = [
                        k for k in range(i, j) if toks[k][:1].isupper() and toks[k].lower() not in _GUM_NOT_NAMES
                    ]
                    for k in range(i, j):
                        if not caps or k < caps[0] or k > caps[-1]:
                            kinds[k] = None
                i = j
            out.append(_io(zip(toks, kinds, strict=True)))
    return out


def malaya(path: Path) -> list[Sentence]:
    """The Malaya sample (no sentence breaks) in chunks of 40 tokens."""
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(r[0], _kind(r[1]) if len(r) > 1 else None) for r in rows]
    return [_io(pairs[i : i + 40]) for i in range(0, len(pairs), 40)]


def men(folder: Path) -> tuple[list[Sentence], list[Sentence]]:
    """MEN articles tokenised by the reader's own rule; article numbers % 5 == 0 held out."""
    data = json.loads((folder / "annotated_set.json").read_text(encoding="utf-8"))
    train: list[Sentence] = []
    test: list[Sentence] = []
    for art in sorted(data, key=lambda a: int(a["id"].split("_")[1])):
        text = (folder / "article_text" / f"{art['id']}.txt").read_text(encoding="utf-8")
        # Titles and roles opening a name ("director-general Tan Sri Dr Noor Hisham
        # Abdullah") are cut off, as the CoNLL-style sets leave them out of names.
        prefixes = {
            e["position"]["start_offset"]: e["position"]["end_offset"]
            for e in art["entities"]
            if e["label"] in ("TITLE", "ROLE")
        }
        spans = []
        for e in art["entities"]:
            kind = _kind(e["label"])
            if kind is None:
                continue
            s, end = e["position"]["start_offset"], e["position"]["end_offset"]
            while s in prefixes and prefixes[s] < end:
                s = prefixes[s]
                while s < end and text[s].isspace():
                    s += 1
            spans.append((s, -end, kind))
        spans.sort()
        outer: list[tuple[int, int, str]] = []
        for s, neg_e, kind in spans:  # outermost first; nested and overlapping ones dropped
            if not outer or s >= outer[-1][1]:
                outer.append((s, -neg_e, kind))
        for line in re.finditer(r"[^\n]+", text):
            sent: Sentence = []
            for a, b in tokenize(line.group()):
                a, b = a + line.start(), b + line.start()
                label = "O"
                for s, e, kind in outer:
                    if s <= a and b <= e:
                        label = ("B-" if a == s else "I-") + kind
                        break
                sent.append((text[a:b], label))
            if sent:
                (test if int(art["id"].split("_")[1]) % 5 == 0 else train).append(sent)
    return train, test


def load(bench: Path) -> dict[str, tuple[str, list[Sentence], list[Sentence]]]:
    """Every set: name -> (language, train sentences, held-out sentences)."""
    ner = bench / "ner"
    sets: dict[str, tuple[str, list[Sentence], list[Sentence]]] = {}
    g = ner / "indonlu-nergrit_ner-grit"
    sets["nergrit"] = ("id", conll(g / "train_preprocess.txt", sep="\t"), conll(g / "test_preprocess.txt", sep="\t"))
    p = ner / "indonlu-nerp_ner-prosa"
    sets["nerp"] = ("id", conll(p / "train_preprocess.txt", sep="\t"), conll(p / "test_preprocess.txt", sep="\t"))
    k = ner / "idner-news-2k"
    sets["idner-news-2k"] = ("id", conll(k / "train.txt", sep=" "), conll(k / "test.txt", sep=" "))
    for name in ("nerui", "nerugm"):
        d = ner / f"indolem-{name}"
        sets[name] = ("id", conll(d / "train.01.tsv", sep="\t"), conll(d / "test.01.tsv", sep="\t"))
    sets["men"] = ("en", *men(ner / "men-malaysian-english-news"))
    sets["wikigold"] = ("en", *wikigold(ner / "wikigold-en" / "wikigold.conll.txt"))
    sets["gum-wikinews"] = ("en", [], gum(ner / "gum-wikinews-en", "news"))
    sets["malaya"] = ("ms", [], malaya(ner / "malaya-ner-part1-ms" / "NER-part1.txt"))
    return sets


def xseq(sentence: Sentence) -> list[tuple[str, ...]]:
    """The reader's features of a training sentence (one definition: the module's)."""
    return sequence_features([t for t, _ in sentence])


def _key(sentence: Sentence) -> tuple[str, ...]:
    return tuple(t.casefold() for t, _ in sentence)


def train(sets: dict[str, tuple[str, list[Sentence], list[Sentence]]], out: Path, limit: int | None = None) -> int:
    """Train on every set's training part (in set-name order) and write ``out``; returns sentences used."""
    trainer = pycrfsuite.Trainer(verbose=False)
    # Sentences recur across splits and sets (NERP repeats 66 of its 840 test
    # sentences in its training file; lower-cased NERP sentences are in other sets'
    # test files): any training sentence equal, case-folded, to a held-out one is
    # left out.
    held_out = {_key(s) for _lang, _train, test in sets.values() for s in test}
    n = 0
    for name in sorted(sets):
        sents = sets[name][1][:limit] if limit else sets[name][1]
        for sent in sents:
            if _key(sent) in held_out:
                continue
            trainer.append(xseq(sent), [label for _, label in sent])
            n += 1
    trainer.set_params(PARAMS)
    out.parent.mkdir(parents=True, exist_ok=True)
    # crfsuite writes where it is told: a temporary file first, so a stopped run
    # never leaves a torn model in the package.
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    os.close(fd)
    try:
        trainer.train(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n


def evaluate(model: Path, sentences: list[Sentence]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) entity counts, span and type both exact.

    Predictions pass the reader's own precision rules (:func:`spans_of`, without
    the stop-word rule, which needs a language)."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    tp = pred = gold = 0
    for sent in sentences:
        g = set(decode([label for _, label in sent]))
        p = set(spans_of([t for t, _ in sent], tagger.tag(xseq(sent))))  # what read_entities returns
        tp += len(g & p)
        pred += len(p)
        gold += len(g)
    return tp, pred, gold


def prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall, F1."""
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def report(model: Path, sets: dict[str, tuple[str, list[Sentence], list[Sentence]]]) -> str:
    """A Markdown table of held-out P/R/F1 per set and per language."""
    rows = ["| set | language | held-out sentences | entities | P | R | F1 |", "|---|---|---|---|---|---|---|"]
    by_lang: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for name in sorted(sets):
        lang, _train, test = sets[name]
        tp, pred, gold = evaluate(model, test)
        for i, v in enumerate((tp, pred, gold)):
            by_lang[lang][i] += v
        p, r, f = prf(tp, pred, gold)
        rows.append(f"| {name} | {lang} | {len(test)} | {gold} | {p:.3f} | {r:.3f} | {f:.3f} |")
    for lang in sorted(by_lang):
        tp, pred, gold = by_lang[lang]
        p, r, f = prf(tp, pred, gold)
        rows.append(f"| **all {lang}** | {lang} | | {gold} | {p:.3f} | {r:.3f} | **{f:.3f}** |")
    return "\n".join(rows)


class Perceptron:
    """The alternative the reader was weighed against (``--perceptron``, not shipped):
    a greedy left-to-right averaged perceptron over the same features plus the
    previous label, trained in fixed order (5 epochs, no shuffling)."""

    LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")

    def __init__(self) -> None:
        self.w: dict[str, list[float]] = {}
        self._total: dict[str, list[float]] = {}
        self._stamp: dict[str, list[int]] = {}
        self._t = 0

    def _scores(self, feats: Iterable[str]) -> list[float]:
        scores = [0.0] * len(self.LABELS)
        w = self.w
        for f in feats:
            row = w.get(f)
            if row is not None:
                for k in range(len(scores)):
                    scores[k] += row[k]
        return scores

    def _update(self, feats: Iterable[str], gold: int, guess: int) -> None:
        for f in feats:
            row = self.w.setdefault(f, [0.0] * len(self.LABELS))
            total = self._total.setdefault(f, [0.0] * len(self.LABELS))
            stamp = self._stamp.setdefault(f, [0] * len(self.LABELS))
            for k, delta in ((gold, 1.0), (guess, -1.0)):
                total[k] += (self._t - stamp[k]) * row[k]
                stamp[k] = self._t
                row[k] += delta

    def tag(self, xseq: list[tuple[str, ...]]) -> list[str]:
        """Greedy labels of one sequence."""
        out: list[str] = []
        prev = "BOS"
        for feats in xseq:
            scores = self._scores((*feats, "prev=" + prev))
            prev = self.LABELS[max(range(len(scores)), key=scores.__getitem__)]
            out.append(prev)
        return out

    def fit(self, data: list[tuple[list[tuple[str, ...]], list[str]]], epochs: int = 5) -> None:
        """Train, then average the weights."""
        index = {label: k for k, label in enumerate(self.LABELS)}
        for _ in range(epochs):
            for xseq, yseq in data:
                prev = "BOS"
                for feats, label in zip(xseq, yseq, strict=True):
                    self._t += 1
                    full = (*feats, "prev=" + prev)
                    scores = self._scores(full)
                    guess = max(range(len(scores)), key=scores.__getitem__)
                    if guess != index[label]:
                        self._update(full, index[label], guess)
                    prev = label
        for f, row in self.w.items():
            total, stamp = self._total[f], self._stamp[f]
            self.w[f] = [(total[k] + (self._t - stamp[k]) * row[k]) / self._t for k in range(len(row))]


def compare_perceptron(sets: dict[str, tuple[str, list[Sentence], list[Sentence]]]) -> None:
    """Train the perceptron on the CRF's training sentences; print its held-out F1 and cost."""
    held_out = {_key(s) for _lang, _train, test in sets.values() for s in test}
    data = [
        (xseq(sent), [label for _, label in sent])
        for name in sorted(sets)
        for sent in sets[name][1]
        if _key(sent) not in held_out
    ]
    model = Perceptron()
    t0 = time.process_time()
    model.fit(data)
    print(f"perceptron trained in {time.process_time() - t0:.1f} s CPU")
    by_lang: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    tokens = 0
    t_tag = 0.0
    for name in sorted(sets):
        lang, _train, test = sets[name]
        for sent in test:
            words = [t for t, _ in sent]
            t1 = time.process_time()
            labels = model.tag(xseq(sent))
            t_tag += time.process_time() - t1
            tokens += len(words)
            g = set(decode([label for _, label in sent]))
            p = set(spans_of(words, labels))
            for i, v in enumerate((len(g & p), len(p), len(g))):
                by_lang[lang][i] += v
    for lang in sorted(by_lang):
        print(f"perceptron all {lang}: P/R/F1 " + " ".join(f"{v:.3f}" for v in prf(*by_lang[lang])))
    print(f"perceptron features + tagging: {t_tag / tokens * 1e6:.2f} µs per token")
    tagger = pycrfsuite.Tagger()
    tagger.open(str(DEFAULT_OUT))
    t1 = time.process_time()
    for name in sorted(sets):
        for sent in sets[name][2]:
            tagger.tag(xseq(sent))
    print(f"shipped CRF features + tagging: {(time.process_time() - t1) / tokens * 1e6:.2f} µs per token")


def main(argv: list[str] | None = None) -> None:
    """Command line: train, write the model, print the held-out table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--limit", type=int, help="first N training sentences of each set (for a quick check)")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--perceptron", action="store_true", help="train and score the perceptron alternative only")
    args = ap.parse_args(argv)
    sets = load(Path(args.benchmarks))
    if args.perceptron:
        compare_perceptron(sets)
        return
    t0 = time.process_time()
    n = train(sets, args.out, args.limit)
    print(f"trained on {n} sentences in {time.process_time() - t0:.1f} s CPU -> {args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB)")
    if not args.no_eval:
        print(report(args.out, sets))


if __name__ == "__main__":
    main()
