"""Train the line model shipped as ``src/newscorpus/data/line_model.json`` (read by
:mod:`newscorpus.cleaners.linemodel`), and report its cross-validated figures.

    python benchmarks/train_line_model.py [BENCHMARKS_DIR] [--out PATH] [--compare]

Data: the ``train`` split of the labelled line sets of ``benchmarks/linedata.py``
(the ``blind`` split is never read here, not even its text). Lines labelled ``B``
(boilerplate) are the positives, ``C`` (content) the negatives; ``P``
(credits, the parser's job) and ``O`` (other) lines stay in their articles as
context but are not trained on. Only the paragraphs the cleaner may cut are
trained on: guarded prose and the lede are never cut, whatever the model says.

Learner: logistic regression, fitted with L-BFGS (scipy, at training time only);
at run time it is a dot product in NumPy, so the package gains no dependency,
scores are deterministic and the file is small. Retraining gives a byte-identical
file: inputs are sorted, the fit is a deterministic optimisation in one thread
on OpenBLAS's Haswell kernels (pinned: other kernels round differently; on a CPU
without AVX2, or not x86-64, the file can differ in the last digits), and weights
are written as float32. The penalties were chosen by the grouped
cross-validation below, on train sources only, for recall on distinct boilerplate
*wordings* (a footer repeated under a thousand articles counts once) at the
precision-first thresholds (``--compare``). On 2026-12-05 the dense penalty was
tried at 1e-4, 1e-3, 1e-2, 3e-2 and 1e-1: 1e-3 and 1e-2 tie on all wordings
(430 and 429 of 593), 1e-3 removes more of the written outlets' wordings, each
held out with its source (99 against 90 of 151), so 1e-3 stays.

Threshold, precision first: scores of every train article are taken out of fold
(folds are groups of *sources*, so a source is never scored by a model that saw
it). Each language with enough content lines (``MIN_CONTENT``) gets the
smallest threshold at which it keeps at least 1 - ``--max-content-loss`` of its
content lines; any other language gets the highest of them. The default is 0:
no content line of any source, scored by a model that never saw that source, is
cut (precision first: content kept stays at 1.0). Until 2026-12-05 it was 0.0003
(a third of the 0.001 the issue allows); on outlets never seen (the blind split,
read only as aggregate figures) that budget lost 0.0016 of English content lines,
five times the cross-validated estimate, so a loss budget above 0 is not kept. The cross-validated figures at those
thresholds are printed and stored in the model file's ``info``. From 2026-12-05
evening to 2026-12-06 no English threshold kept every English content line (1.01);
the labels of train lines that were not content (``line_corrections.yaml``,
applied by ``linedata``) and two guarded classes of the cleaner (all-caps
subheadings, short exclamations naming no page, platform or reader) brought
English to 0.995 (cross-validated: en 0.231 of the boilerplate lines, id 0.836 at
0.905, ms 0.036 at 0.94, no content line cut).

A margin above that (2026-12-06): zero loss out of fold was reached with one
line to spare in English (the highest content score 0.990 against 0.995), and on
the blind split the model then cut content lines of outlets it had never seen
(docs/quality.md). How far above the highest content score the next source's
content reaches is an extreme-value question, so each language's threshold is
also at least where the *upper tail* of its out-of-fold content scores, fitted
as an exponential on their logits over the ``TAIL_LINES`` highest (peaks over a
threshold, the usual estimator), predicts that at most ``TAIL_RATE`` of the
content lines the model scores would be cut, rounded up to ``0.001``: the
threshold is the larger of the two. Both constants were fixed before the
thresholds they give were seen, from the statistics alone (the top 8 % or so of
500-700 scored content lines per language; one scored content line in a
thousand, and the model scores about one content line in twenty, so about 5 in
100,000 content lines).

``OPENBLAS_NUM_THREADS=1`` is forced below: one thread, the same sums in the
same order on every run.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
# OpenBLAS picks its kernels by CPU, and L-BFGS's vector products round differently
# with each: an Intel AVX-512 machine (SkylakeX kernels) and an AMD EPYC (Haswell)
# wrote different files. Pin the kernels every x86-64 CPU since 2013 runs (AVX2).
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

import argparse
import collections
import hashlib
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, ROOT

from newscorpus.cleaners.linemodel import (
    FEATURES,
    LineModel,
    candidates,
    dense_features,
    ngram_rows,
    outlet_pattern,
)

OUT = ROOT / "src" / "newscorpus" / "data" / "line_model.json"
FOLDS = 5


@attrs.frozen
class Params:
    """Hyper-parameters (the defaults are the shipped model's; ``--compare`` shows
    the grouped cross-validation of the alternatives they were chosen against)."""

    ngram_orders: tuple[int, ...] = (3, 4)
    ngram_bits: int = 14
    l2_dense: float = 1e-3
    l2_ngram: float = 1e-6
    max_iter: int = 400
    ngrams: bool = True


@attrs.define
class Lines:
    """The trainable lines of many articles: features, labels and groups."""

    texts: list[str] = attrs.field(factory=list)
    dense: list[npt.NDArray[np.float64]] = attrs.field(factory=list)
    labels: list[int] = attrs.field(factory=list)
    groups: list[str] = attrs.field(factory=list)
    languages: list[str] = attrs.field(factory=list)
    # False for a repeat of a line already seen in the same source (trained once).
    first: list[bool] = attrs.field(factory=list)
    # Whether the cleaner, cutting only outside the story's prose (``edges_only``,
    # its default), may cut the line at all: the figures count only those cuts.
    edge: list[bool] = attrs.field(factory=list)
    # Every C and B line (trainable or not), for the figures: language -> counts.
    content: collections.Counter[str] = attrs.field(factory=collections.Counter)
    boiler: collections.Counter[str] = attrs.field(factory=collections.Counter)
    articles: collections.Counter[str] = attrs.field(factory=collections.Counter)
    # Distinct B wordings per source (language -> {(source, text)}): a footer under
    # a thousand articles of one outlet is one wording; recall on wordings is the
    # figure that says whether the model carries to outlets it has not seen.
    wordings: dict[str, set[tuple[str, str]]] = attrs.field(factory=dict)


def collect(articles: Sequence[Any]) -> Lines:
    """Features of the lines the cleaner may cut, in the articles as the cleaners
    see them (the parser's lines, ``P``, lifted first). A line repeated within a
    source (one footer under a thousand articles) is trained on once, so that
    one source's wording does not outweigh every other; figures count every copy."""
    out = Lines()
    seen: set[tuple[str, str, str]] = set()
    for art in articles:
        lang = art.language or "?"
        body = [ln for ln in art.lines if ln.label != "P"]
        texts = [ln.text for ln in body]
        out.articles[lang] += 1
        for ln in body:
            out.content[lang] += ln.label == "C"
            out.boiler[lang] += ln.label == "B"
            if ln.label == "B":
                out.wordings.setdefault(lang, set()).add((f"{art.set}/{art.source}", _norm(ln.text)))
        rows, dense = dense_features(texts, art.title, art.language, outlet=outlet_pattern(art.source))
        edges = set(candidates(texts, edges=True, outlet=outlet_pattern(art.source)))
        for r, i in enumerate(rows):
            label = body[i].label
            if label not in ("B", "C"):
                continue
            out.texts.append(texts[i])
            out.dense.append(dense[r])
            out.labels.append(int(label == "B"))
            out.groups.append(f"{art.set}/{art.source}")
            out.languages.append(lang)
            key = (out.groups[-1], _norm(texts[i]), label)
            out.first.append(key not in seen)
            out.edge.append(i in edges)
            seen.add(key)
    return out


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def design(
    lines: Lines,
    idx: npt.NDArray[np.int64],
    mean: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
    params: Params,
) -> Any:
    """The sparse design matrix of lines ``idx``: standardised dense features, then
    L1-normalised n-gram counts."""
    from scipy import sparse

    dense = (np.vstack([lines.dense[i] for i in idx]) - mean) / scale
    rows, buckets, counts = ngram_rows([lines.texts[i] for i in idx], params.ngram_orders, params.ngram_bits)
    data = 1.0 / np.maximum(counts[rows], 1) if params.ngrams else np.zeros(len(rows))
    ng = sparse.csr_matrix((data, (rows, buckets)), shape=(len(idx), 1 << params.ngram_bits))
    ng.sum_duplicates()
    return sparse.hstack([sparse.csr_matrix(dense), ng], format="csr")


def fit(lines: Lines, idx: npt.NDArray[np.int64], params: Params) -> LineModel:
    """A logistic regression on lines ``idx`` (L2-penalised, L-BFGS)."""
    from scipy.optimize import minimize

    dense = np.vstack([lines.dense[i] for i in idx])
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale < 1e-6] = 1.0
    x = design(lines, idx, mean, scale, params)
    y = np.array([lines.labels[i] for i in idx], dtype=np.float64)
    d = len(FEATURES)
    penalty = np.concatenate([np.full(d, params.l2_dense), np.full(x.shape[1] - d, params.l2_ngram)])
    n = len(y)

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        # log(1 + e^z) - y z, stable for large |z|.
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) / n + 0.5 * np.sum(penalty * w * w))
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        g = p - y
        grad = np.concatenate([x.T @ g / n + penalty * w, [g.sum() / n]])
        return value, grad

    res = minimize(
        loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": params.max_iter, "gtol": 1e-7}
    )
    w = res.x[:-1]
    return LineModel(
        weights=w[:d].copy(),
        mean=mean,
        scale=scale,
        bias=float(res.x[-1]),
        ngram_weights=w[d:].copy(),
        ngram_orders=params.ngram_orders,
        thresholds={"*": 1.0},
    )


def score(model: LineModel, lines: Lines, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The model's scores of lines ``idx``."""
    return model.score([lines.texts[i] for i in idx], np.vstack([lines.dense[i] for i in idx]))


def folds_of(groups: Sequence[str], k: int) -> list[int]:
    """Fold of each line: sources dealt round-robin, largest first (ties by name),
    so folds are about even and a source is in one fold only."""
    sizes = collections.Counter(groups)
    order = sorted(sizes, key=lambda g: (-sizes[g], hashlib.sha1(g.encode()).hexdigest()))
    fold = {g: i % k for i, g in enumerate(order)}
    return [fold[g] for g in groups]


def out_of_fold(lines: Lines, k: int, params: Params) -> npt.NDArray[np.float64]:
    """Every line's score by a model that never saw its source."""
    fold = np.array(folds_of(lines.groups, k))
    scores = np.zeros(len(lines.labels))
    for f in range(k):
        test = np.flatnonzero(fold == f)
        train = np.flatnonzero((fold != f) & np.array(lines.first))
        if not len(test) or not len(train) or len({lines.labels[i] for i in train}) < 2:
            continue
        scores[test] = score(fit(lines, train, params), lines, test)
    return scores


#: A language gets its own threshold with at least this many content lines;
#: the others get ``*``, the highest threshold of all.
MIN_CONTENT = 2000
#: The threshold of a language no grid threshold keeps whole: above any score
#: (a sigmoid can round to exactly 1.0), so the model cuts nothing there.
NONE = 1.01


def _at(thresholds: dict[str, float], lang: str) -> float:
    return thresholds.get(lang, thresholds["*"])


def figures(
    lines: Lines, scores: npt.NDArray[np.float64], thresholds: dict[str, float]
) -> dict[str, dict[str, float | int]]:
    """Per language: content kept and boilerplate removed over *all* C and B lines
    (guarded ones count as kept), removal precision, at the language's threshold,
    counting only the cuts the cleaner makes (outside the story's prose); content
    cut and boilerplate removed *anywhere* (``edges_only: false``) beside them."""
    cut_c: collections.Counter[str] = collections.Counter()
    cut_b: collections.Counter[str] = collections.Counter()
    any_c: collections.Counter[str] = collections.Counter()
    any_b: collections.Counter[str] = collections.Counter()
    cut_w: dict[str, set[tuple[str, str]]] = collections.defaultdict(set)
    rows = zip(scores, lines.labels, lines.languages, lines.groups, lines.texts, lines.edge, strict=True)
    for s, y, lang, group, text, edge in rows:
        if s >= _at(thresholds, lang):
            (any_b if y else any_c)[lang] += 1
            if not edge:
                continue
            (cut_b if y else cut_c)[lang] += 1
            if y:
                cut_w[lang].add((group, _norm(text)))
    out: dict[str, dict[str, float | int]] = {}
    for lang in sorted(lines.articles):
        c, b = lines.content[lang], lines.boiler[lang]
        removed = cut_b[lang] + cut_c[lang]
        out[lang] = {
            "threshold": _at(thresholds, lang),
            "articles": lines.articles[lang],
            "content_lines": c,
            "content_cut": cut_c[lang],
            "content_kept": round(1 - cut_c[lang] / c, 5) if c else 1.0,
            "boilerplate_lines": b,
            "boilerplate_removed": round(cut_b[lang] / b, 4) if b else 0.0,
            "wordings": len(lines.wordings.get(lang, ())),
            "wordings_removed": round(len(cut_w[lang]) / w, 4) if (w := len(lines.wordings.get(lang, ()))) else 0.0,
            "removal_precision": round(cut_b[lang] / removed, 4) if removed else 1.0,
            "content_cut_anywhere": any_c[lang],
            "boilerplate_removed_anywhere": round(any_b[lang] / b, 4) if b else 0.0,
        }
    return out


#: Scored content lines whose logits fit the tail (see the module's docstring).
TAIL_LINES = 50
#: Share of scored content lines the fitted tail may put at or above the threshold.
TAIL_RATE = 1e-3


def tail_threshold(content: npt.NDArray[np.float64], lines: int = TAIL_LINES, rate: float = TAIL_RATE) -> float:
    """The score above which an exponential fitted to the upper tail of the
    logits of ``content`` (the ``lines`` highest, over the next one) puts at most
    ``rate`` of the scores, rounded up to 0.001; 0.5 when there are too few scores."""
    if len(content) <= lines:
        return 0.5
    p = np.clip(np.sort(content), 1e-12, 1 - 1e-12)
    logits = np.log(p / (1 - p))
    base = logits[-lines - 1]
    scale = float(np.mean(logits[-lines:] - base))
    x = base + scale * np.log(lines / len(logits) / rate)
    return float(min(math.ceil(1000.0 / (1.0 + math.exp(-x))) / 1000.0, NONE))


def choose_thresholds(lines: Lines, scores: npt.NDArray[np.float64], max_loss: float) -> dict[str, float]:
    """Per language with :data:`MIN_CONTENT` content lines, the smallest threshold
    (on a 0.005 grid, at least 0.5) at which it keeps at least ``1 - max_loss`` of
    them, else :data:`NONE`, raised to :func:`tail_threshold` of its out-of-fold
    content scores when that is higher; ``*`` (every other language) is the
    highest of these."""
    by_lang: dict[str, list[float]] = collections.defaultdict(list)
    for s, y, lang in zip(scores, lines.labels, lines.languages, strict=True):
        if not y:
            by_lang[lang].append(float(s))
    out: dict[str, float] = {}
    for lang in sorted(lines.content):
        n = lines.content[lang]
        if n < MIN_CONTENT:
            continue
        content = np.array(by_lang[lang])
        out[lang] = NONE  # no threshold keeps them all: the model cuts nothing in this language
        for t in np.round(np.arange(0.5, 1.0, 0.005), 3):
            if np.count_nonzero(content >= t) <= max_loss * n:
                out[lang] = float(t)
                break
        out[lang] = max(out[lang], tail_threshold(content))
    out["*"] = max(out.values(), default=NONE)
    return out


#: Train-split sets the model is not trained on: ``written2`` to ``written4`` were
#: read to write rules (blind_split.yaml says why they are not trained on either).
NOT_TRAINED = frozenset({"written2", "written3", "written4", "written5", "written6"})


def load(bench: Path, sets: Sequence[str] | None) -> list[Any]:
    """The train split of the labelled line sets, in a stable order."""
    from linedata import load_articles

    arts = [
        a for a in load_articles(bench, sets=sets, split="train") if a.split == "train" and a.set not in NOT_TRAINED
    ]
    return sorted(arts, key=lambda a: (a.set, a.source, a.article_id))


#: Alternatives ``--compare`` cross-validates against the defaults.
ALTERNATIVES: dict[str, Params] = {
    "dense features only": Params(ngrams=False),
    "dense features penalised 10x more": Params(l2_dense=1e-2),
    "dense features penalised 30x more": Params(l2_dense=3e-2),
    "n-grams 3-5": Params(ngram_orders=(3, 4, 5)),
    "n-gram table 2^16": Params(ngram_bits=16),
    "n-grams penalised 10x less": Params(l2_ngram=1e-7),
    "n-grams penalised 10x more": Params(l2_ngram=1e-5),
    "n-grams penalised as the dense features": Params(l2_ngram=1e-3),
}


def boosting_out_of_fold(lines: Lines, k: int) -> npt.NDArray[np.float64]:
    """Out-of-fold scores of gradient-boosted trees on the dense features
    (scikit-learn, the ``bench`` extra): the learner the logistic regression is
    checked against."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    fold = np.array(folds_of(lines.groups, k))
    x = np.vstack(lines.dense)
    y = np.array(lines.labels)
    scores = np.zeros(len(y))
    for f in range(k):
        test, train = np.flatnonzero(fold == f), np.flatnonzero((fold != f) & np.array(lines.first))
        if len(test) and len(set(y[train])) == 2:
            model = HistGradientBoostingClassifier(random_state=0).fit(x[train], y[train])
            scores[test] = model.predict_proba(x[test])[:, 1]
    return scores


def cross_validate(lines: Lines, params: Params, max_loss: float) -> tuple[dict[str, float], dict[str, Any]]:
    """Out-of-fold threshold and figures of ``params``."""
    oof = out_of_fold(lines, FOLDS, params)
    thresholds = choose_thresholds(lines, oof, max_loss)
    return thresholds, figures(lines, oof, thresholds)


def _summary(fig: dict[str, Any]) -> str:
    return "; ".join(
        f"{lang}: kept {f['content_kept']:.5f}, removed {f['boilerplate_removed']:.3f} "
        f"(wordings {f['wordings_removed']:.3f}; {f['content_cut']} C / {f['boilerplate_lines']} B)"
        for lang, f in fig.items()
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--out", default=str(OUT), help="model file to write")
    ap.add_argument("--sets", default=None, help="comma-separated line sets (default: all)")
    ap.add_argument("--max-content-loss", type=float, default=0.0)
    ap.add_argument("--compare", action="store_true", help="also cross-validate the alternatives; write nothing")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    params = Params()
    arts = load(Path(args.benchmarks), args.sets.split(",") if args.sets else None)
    lines = collect(arts)
    n_b = sum(lines.labels)
    print(
        f"{len(arts)} train articles, {len(lines.labels)} candidate B/C lines ({n_b} B), "
        f"{len(set(lines.groups))} sources",
        flush=True,
    )
    thresholds, cv = cross_validate(lines, params, args.max_content_loss)
    print(f"cross-validated ({FOLDS} folds grouped by source), thresholds {thresholds}:")
    for lang, f in cv.items():
        print(f"  {lang}: {f}")
    if args.compare:
        for name, alt in ALTERNATIVES.items():
            t, fig = cross_validate(lines, alt, args.max_content_loss)
            print(f"  [{name}] thresholds {t}: {_summary(fig)}", flush=True)
        oof = boosting_out_of_fold(lines, FOLDS)
        t = choose_thresholds(lines, oof, args.max_content_loss)
        name = "gradient boosting, dense features (scikit-learn)"
        print(f"  [{name}] thresholds {t}: {_summary(figures(lines, oof, t))}")
        return 0
    info: dict[str, Any] = {
        "trained_by": "benchmarks/train_line_model.py",
        "data": "train split of benchmarks/linedata.py (B vs C lines the cleaner may cut)",
        "sets": sorted({a.set for a in arts}),
        "articles": len(arts),
        "candidate_lines": len(lines.labels),
        "candidate_boilerplate": n_b,
        "sources": len(set(lines.groups)),
        "hyperparameters": {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.asdict(params).items()},
        "thresholds": thresholds,
        "cv": {"folds": FOLDS, "grouped_by": "source", "max_content_loss": args.max_content_loss, "per_language": cv},
    }
    model = fit(lines, np.flatnonzero(lines.first), params)
    model = attrs.evolve(model, thresholds=thresholds, info=info)
    Path(args.out).write_text(model.dumps(), encoding="utf-8")
    size = Path(args.out).stat().st_size
    print(f"wrote {args.out} ({size:,} bytes) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
