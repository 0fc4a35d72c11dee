"""Train the Indonesian-vs-Malay discriminator shipped as
``src/newscorpus/data/langid_id_ms.npz`` (read by :mod:`newscorpus.langid_pair`).

    python benchmarks/train_language.py [BENCHMARKS_DIR] [--out PATH] [--cv]

Running it again gives a byte-identical file: the model is counts turned into
log-ratios in a fixed order, written as a zip with fixed member dates.

Learner: multinomial naive Bayes over hashed character 1-5-grams and words,
because its closed-form counts make retraining byte-reproducible, it is the
strong classic baseline of the DSL shared tasks on small data, and for a pair it
collapses into one log-ratio vector, as cheap at run time as any linear model.
``--cv`` also fits a logistic regression on the same buckets (needs scikit-learn,
the ``bench`` extra) so the choice is checked, not assumed: on DSLCC train (5-fold,
not blind) naive Bayes reached 0.983 at best and 0.981 with the settings the rule
below picked, the logistic regression 0.952 (C=10) and 0.959 (C=100).

Blind protocol (fixed before any result was looked at):

* DSLCC ``train.tsv`` is the only DSLCC file read here. Every choice (n-gram
  orders, words, buckets, smoothing, weight of the extra text) is made by 5-fold
  cross-validation on it (``--cv``; rows ``i % 5``; the extra text is always on
  the training side, never scored).
* DSLCC ``dev.tsv`` is never read here; ``benchmarks/language_bench.py`` measures
  it once, with the shipped model: a blind figure.
* Extra Malay: ``malay-news`` (all outlets in the shipped model; the bench also
  trains one model per outlet left out and measures that outlet: blind by outlet).
* Extra Indonesian: the Indonesian side of ``panl-bppt-id-en-parallel`` and the
  Indonesian NER sets under ``ner/``. **IndoSum is never used for training**, so
  the bench's Indonesian article check on it is blind.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, ROOT

from newscorpus.langid_pair import MODEL_NAME, FeatureConfig, PairModel, features, model_arrays

#: Where the shipped model is written.
MODEL_PATH = ROOT / "src" / "newscorpus" / "data" / MODEL_NAME
#: Hyper-parameters of the shipped model, chosen with ``--cv`` on DSLCC train only.
CONFIG = FeatureConfig(orders=(1, 2, 3, 4, 5, 6), words=True, bits=20)
ALPHA = 0.05
EXTRA_WEIGHT = 0.03
GRID_ORDERS = ((1, 2, 3, 4, 5), (1, 2, 3, 4, 5, 6), (1, 2, 3, 4, 5, 6, 7))
LABELS = ("id", "ms")  # index 0 = negative (id), 1 = positive (ms)
#: Indonesian NER sets: (folder, glob, token column separator).
ID_NER = (
    ("idner-news-2k", "*.txt", " "),
    ("indolem-nerugm", "*.tsv", "\t"),
    ("indolem-nerui", "*.tsv", "\t"),
    ("indonlu-nergrit_ner-grit", "*.txt", "\t"),
    ("indonlu-nerp_ner-prosa", "*.txt", "\t"),
)
_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]])")
_NO_SPACE_AFTER = re.compile(r"([(\[]) ")

Sample = tuple[str, str]  # (label, text)


def detokenise(tokens: Sequence[str]) -> str:
    """Tokens joined by spaces, without the space before closing punctuation."""
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", " ".join(tokens)))


def dslcc(bench: Path, split: str) -> list[Sample]:
    """``(label, sentence)`` rows of a DSLCC id/ms split."""
    rows = []
    with (bench / "dslcc-id-ms" / f"{split}.tsv").open(encoding="utf-8") as fh:
        next(fh)  # header
        for line in fh:
            text, _, label = line.rstrip("\n").rpartition("\t")
            rows.append((label, text))
    return rows


def malay_news(bench: Path) -> list[dict[str, str]]:
    """The records of the Malay news crawl."""
    with (bench / "malay-news" / "articles.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def ner_sentences(path: Path, sep: str) -> Iterator[str]:
    """Detokenised sentences of a CoNLL-like file (token first, blank line between sentences)."""
    tokens: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        token = line.split(sep)[0].strip() if line.strip() else ""
        if token:
            tokens.append(token)
        elif tokens:
            yield detokenise(tokens)
            tokens = []
    if tokens:
        yield detokenise(tokens)


def indonesian_extra(bench: Path) -> list[str]:
    """Indonesian lines: PANL-BPPT (id side) and the Indonesian NER sets."""
    lines = []
    for path in sorted((bench / "panl-bppt-id-en-parallel").glob("PANL-BPPT-*-ID-*.txt.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            lines += [x.strip() for x in fh if x.strip()]
    for folder, pattern, sep in ID_NER:
        for path in sorted((bench / "ner" / folder).glob(pattern)):
            lines += list(ner_sentences(path, sep))
    return lines


def malay_extra(records: Iterable[dict[str, str]], leave_out: str | None = None) -> list[str]:
    """Non-empty lines of the Malay crawl, optionally without one outlet."""
    return [
        line.strip()
        for r in records if r["source"] != leave_out
        for line in r["text"].splitlines() if line.strip()
    ]


def unique(samples: Iterable[Sample]) -> list[Sample]:
    """First occurrence of each sample, in order (crawl boilerplate would otherwise count once per page)."""
    return list(dict.fromkeys(samples))


def indexed(samples: Sequence[Sample], config: FeatureConfig) -> tuple[npt.NDArray[np.intp], ...]:
    """Buckets of all samples concatenated, the sample each came from, and the labels (0 id, 1 ms)."""
    feats = [features(text, config) for _, text in samples]
    rows = np.repeat(np.arange(len(feats)), [len(f) for f in feats])
    buckets = np.concatenate(feats) if feats else np.zeros(0, dtype=np.intp)
    labels = np.array([LABELS.index(label) for label, _ in samples], dtype=np.intp)
    return buckets, rows, labels


def class_counts(samples: Sequence[Sample], config: FeatureConfig) -> npt.NDArray[np.float64]:
    """Bucket counts per class, shape ``(2, 2**bits)``."""
    size = 1 << config.bits
    counts = np.zeros((2, size), dtype=np.float64)
    for cls, label in enumerate(LABELS):
        for start in range(0, len(samples), 2000):  # bounded memory for large extra sets
            chunk = [f for lbl, t in samples[start : start + 2000] if lbl == label for f in [features(t, config)]]
            if chunk:
                counts[cls] += np.bincount(np.concatenate(chunk), minlength=size)
    return counts


def naive_bayes(counts: npt.NDArray[np.float64], config: FeatureConfig, alpha: float) -> PairModel:
    """The pair model of class counts: Laplace-smoothed log-likelihood ratios, equal priors."""
    size = counts.shape[1]
    totals = counts.sum(axis=1) + alpha * size
    log_p = np.log(counts + alpha) - np.log(totals)[:, None]
    ratio = log_p[1] - log_p[0]
    offset = float(np.log(totals[0]) - np.log(totals[1]))  # the ratio of a bucket neither class saw
    weights = (ratio - offset).astype(np.float32)
    # Stored as float16; round here so the in-memory model equals the loaded one.
    weights = weights.astype(np.float16).astype(np.float32)
    return PairModel(config=config, weights=weights, bias=0.0, offset=offset)


def train(
    dslcc_rows: Sequence[Sample],
    malay: Sequence[str],
    indonesian: Sequence[str],
    config: FeatureConfig = CONFIG,
    alpha: float = ALPHA,
    extra_weight: float = EXTRA_WEIGHT,
) -> PairModel:
    """A model from DSLCC rows plus extra Malay and Indonesian lines (weighted ``extra_weight``)."""
    counts = class_counts(dslcc_rows, config)
    if extra_weight:
        extra = unique([*(("ms", t) for t in malay), *(("id", t) for t in indonesian)])
        counts += extra_weight * class_counts(extra, config)
    return naive_bayes(counts, config, alpha)


def write_model(model: PairModel, path: Path) -> None:
    """Write ``model`` as an ``.npz`` with fixed member dates (byte-reproducible)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, array in model_arrays(model).items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue(), compresslevel=9)
    path.write_bytes(buf.getvalue())


def build(bench: Path) -> PairModel:
    """The shipped model, trained from ``bench``."""
    return train(dslcc(bench, "train"), malay_extra(malay_news(bench)), indonesian_extra(bench))


# -- cross-validation on DSLCC train (choices only; dev is never read) --------------------------


def cross_validate(bench: Path, folds: int = 5) -> None:
    """Print 5-fold accuracy on DSLCC train over the grid, the choice it implies, and a logistic regression.

    Choice rule (one-standard-error rule): among settings whose accuracy is within one
    standard error of the best, take the one with the most extra text (it is real news
    of other outlets and years, which sentence-level DSLCC cannot reward), then the fewest
    buckets (a smaller file), then the fewest n-gram orders.
    """
    rows = dslcc(bench, "train")
    malay, indonesian = malay_extra(malay_news(bench)), indonesian_extra(bench)
    extra = unique([*(("ms", t) for t in malay), *(("id", t) for t in indonesian)])
    print(f"{len(rows)} DSLCC train rows, {len(extra)} extra lines; folds = row index mod {folds}")
    print("orders\twords\tbits\talpha\textra\tcv_acc")
    results: list[tuple[float, FeatureConfig, float, float]] = []
    for orders in GRID_ORDERS:
        for words in (False, True):
            for bits in (19, 20):
                config = FeatureConfig(orders=orders, words=words, bits=bits)
                fold_counts = [class_counts(rows[f::folds], config) for f in range(folds)]
                total = sum(fold_counts[1:], fold_counts[0])
                test = [indexed(rows[f::folds], config) for f in range(folds)]
                extra_counts = class_counts(extra, config)
                for alpha in (0.05, 0.1, 0.2):
                    for weight in (0.0, 0.03, 0.1, 0.3):
                        acc = _cv_accuracy(test, fold_counts, total, extra_counts, weight, config, alpha)
                        print(f"{orders}\t{words}\t{bits}\t{alpha}\t{weight}\t{acc:.4f}", flush=True)
                        results.append((acc, config, alpha, weight))
    best = max(r[0] for r in results)
    se = (best * (1 - best) / len(rows)) ** 0.5
    near = [r for r in results if r[0] >= best - se]
    acc, config, alpha, weight = max(near, key=lambda r: (r[3], -r[1].bits, -len(r[1].orders), r[0]))
    print(f"best cv_acc {best:.4f} (SE {se:.4f}); chosen: {config}, alpha={alpha}, extra={weight}: {acc:.4f}")
    _cv_logistic(rows, folds, config)


def _cv_accuracy(
    test: Sequence[tuple[npt.NDArray[np.intp], ...]], fold_counts: Sequence[npt.NDArray[np.float64]],
    total: npt.NDArray[np.float64], extra_counts: npt.NDArray[np.float64], weight: float,
    config: FeatureConfig, alpha: float,
) -> float:
    right = n = 0
    for f, (buckets, rows, labels) in enumerate(test):
        model = naive_bayes(total - fold_counts[f] + weight * extra_counts, config, alpha)
        lengths = np.bincount(rows, minlength=len(labels))
        scores = np.bincount(rows, weights=model.weights[buckets], minlength=len(labels)) + model.offset * lengths
        right += int(((scores > 0).astype(np.intp) == labels).sum())
        n += len(labels)
    return right / n


def _cv_logistic(rows: Sequence[Sample], folds: int, config: FeatureConfig) -> None:
    try:
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    except ImportError:
        print("logistic regression: scikit-learn not installed (bench extra), skipped")
        return
    buckets, row_ids, labels = indexed(rows, config)
    x = sparse.csr_matrix((np.ones(len(buckets)), (row_ids, buckets)), shape=(len(labels), 1 << config.bits))
    x.sum_duplicates()
    x.data = np.log1p(x.data)  # sublinear counts, rows scaled to unit length: the usual text setting
    x = sparse.csr_matrix(x.multiply(1 / np.sqrt(np.asarray(x.multiply(x).sum(axis=1)))))
    fold = np.arange(len(labels)) % folds
    for c in (10.0, 100.0):
        right = 0
        for f in range(folds):
            lr = LogisticRegression(C=c, solver="liblinear").fit(x[fold != f], labels[fold != f])
            right += int((lr.predict(x[fold == f]) == labels[fold == f]).sum())
        print(f"logistic regression, same buckets, no extra text, C={c}: cv_acc {right / len(rows):.4f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write")
    ap.add_argument("--cv", action="store_true", help="print the cross-validation grid instead of training")
    args = ap.parse_args()
    bench = Path(args.benchmarks)
    if args.cv:
        cross_validate(bench)
        return
    write_model(build(bench), args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
