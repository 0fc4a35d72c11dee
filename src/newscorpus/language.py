"""Built-in language identification, offline and deterministic: py3langid, with a
dedicated discriminator for Indonesian vs Malay.

py3langid was picked over lingua after measuring both in one run
(``benchmarks/language_bench.py``, figures in docs/performance.md): lingua (all
languages) added ~1.25 GB of memory and ran about 10x slower. py3langid confuses
Indonesian and Malay, though (0.917 of DSLCC dev sentences alone; see docs/quality.md), so when its answer
falls on that pair the decision is left to :mod:`newscorpus.langid_pair`, a small
n-gram model trained for the pair. Every other answer is py3langid's, unchanged.

Many texts at once (:func:`identify_batch`, the parse stage's path) cost a fraction
of one at a time and give the same labels: py3langid's byte automaton is walked
over the whole batch in lock-step, its naive Bayes product is one sparse-by-dense
matrix product, and any text whose decision lies closer to a threshold than the
two computations' rounding could move it is handed to the one-text path. The pair
model hashes the batch in one go too.

It answers the ``identify_language`` and ``identify_languages`` hooks last, so a
plugin can take over.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .hookspecs import hookimpl
from .langid_pair import NEGATIVE, POSITIVE, PairModel, load_model

__all__ = [
    "SAMPLE_CHARS",
    "identify",
    "identify_batch",
    "identify_language",
    "identify_languages",
    "identify_with",
]

#: Characters of an article read to identify its language. Cost grows with length;
#: on IndoSum news accuracy was 0.992 at 300 characters and 1.000 from 600 up.
SAMPLE_CHARS = 600
#: Below this normalised probability the answer is ``None`` rather than a guess.
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]")
_PAIR = (NEGATIVE, POSITIVE)


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _sample(text: str) -> str | None:
    sample = text[:SAMPLE_CHARS]
    if len(sample) < 200 and len(_LETTER.findall(sample)) < 20:
        return None
    return sample


def identify_general(text: str) -> str | None:
    """py3langid's answer alone (no pair discriminator): the baseline the bench compares with."""
    sample = _sample(text)
    if sample is None:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= MIN_CONFIDENCE else None


def identify(text: str, pair_model: PairModel | None = None) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when unsure or too short.

    py3langid reads the first :data:`SAMPLE_CHARS` characters. When its answer is
    Indonesian or Malay, the pair discriminator decides between the two on the same
    sample. When py3langid is unsure (best answer below :data:`MIN_CONFIDENCE`) but
    Indonesian and Malay together reach it and outweigh the best answer, the pair
    model names one of them. Any other answer is py3langid's own, unchanged.
    ``pair_model`` replaces the shipped pair model (the benchmark's
    leave-one-outlet-out models).
    """
    sample = _sample(text)
    if sample is None:
        return None
    lang, prob = _identifier().classify(sample)
    if prob >= MIN_CONFIDENCE:
        return _pair(sample, pair_model) if lang in _PAIR else str(lang)
    # Unsure: the two may share what one language would have had (ranking costs more, so only here).
    pair = sum(p for code, p in _identifier().rank(sample) if code in _PAIR)
    return _pair(sample, pair_model) if pair >= MIN_CONFIDENCE and pair > prob else None


def _pair(sample: str, pair_model: PairModel | None) -> str:
    return (load_model() if pair_model is None else pair_model).predict(sample)


# -- many texts at once -------------------------------------------------------------------

#: Unit roundoff of float32, the precision py3langid scores in.
_U32 = 2.0**-24
#: Margin, in natural log of probability, added for the float32 exp/sum/divide of
#: py3langid's normalisation (142 classes: a relative error below 1e-5).
_NORM_SLACK = 1e-4
_LOG_HALF = math.log(MIN_CONFIDENCE)


class _BatchModel:
    """py3langid's model as arrays for batch scoring, shared with the one-text identifier."""

    def __init__(self, ident: Any) -> None:
        self.nextmove: npt.NDArray[np.unsignedinteger[Any]] = np.frombuffer(
            ident.tk_nextmove, dtype=ident.tk_nextmove.typecode)  # a view: py3langid's own table
        row = np.frombuffer(ident.tk_row, dtype=ident.tk_row.typecode)
        self.rowbase = row.astype(np.int64) << 8  # state -> offset of its 256 transitions
        self.output = np.asarray(ident.tk_output, dtype=np.int64)  # state -> feature, or -1
        self.n_features = int(ident.nb_ptc.shape[0])
        # scipy multiplies float32 tables without copying them; float16 would be converted per call.
        self.ptc = np.asarray(ident.nb_ptc, dtype=np.float32)
        self.pc = np.asarray(ident.nb_pc, dtype=np.float64)
        self.classes: list[str] = [str(c) for c in ident.nb_classes]
        self.aliases: list[tuple[int, int]] = list(ident._alias_pairs)
        self.pair = np.isin(np.array(self.classes), _PAIR)
        self.pair_cols = [self.classes.index(c) for c in _PAIR]


@functools.cache
def _batch_model() -> _BatchModel:
    return _BatchModel(_identifier())


def _encode(sample: str) -> bytes:
    """The bytes py3langid reads for ``sample`` (``LanguageIdentifier._encode`` for text)."""
    if sample.isupper():
        sample = sample.lower()
    return unicodedata.normalize("NFC", sample).encode("utf8", errors="surrogatepass")


def _features(model: _BatchModel, data: list[bytes]) -> Any:
    """Feature counts of each text (a CSR matrix, one row per text): py3langid's
    automaton walked over all texts in lock-step, one NumPy step per byte position."""
    from scipy.sparse import csr_matrix

    lengths = np.fromiter(map(len, data), dtype=np.intp, count=len(data))
    width = int(lengths.max(initial=0))
    flat = np.frombuffer(b"".join(data), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(len(data)), lengths)
    column = np.arange(len(flat)) - np.repeat(starts, lengths)
    grid = np.zeros((width, len(data)), dtype=np.uint8)  # byte t of every text; past its end: 0, ignored
    grid[column, owner] = flat
    states = np.empty((width, len(data)), dtype=model.nextmove.dtype)
    state = np.zeros(len(data), dtype=model.nextmove.dtype)
    offset = np.empty(len(data), dtype=np.int64)
    for t in range(width):
        np.add(model.rowbase.take(state), grid[t], out=offset)
        model.nextmove.take(offset, out=states[t])
        state = states[t]
    feats = model.output.take(states[column, owner])
    hit = feats >= 0
    counts = csr_matrix((np.ones(int(hit.sum()), dtype=np.float32), (owner[hit], feats[hit])),
                        shape=(len(data), model.n_features))
    counts.sum_duplicates()
    return counts


def _settle(model: _BatchModel, data: list[bytes]) -> list[str | bool | None]:
    """py3langid's decision for each encoded sample: a code, ``None``, ``True`` for
    "the pair model decides", or ``False`` when the batch scores cannot tell what
    py3langid would do (the caller asks py3langid itself).

    The scores are py3langid's naive Bayes sums, taken in another order. Both sums
    are within ``(K + 2) * u * sum|terms|`` of the exact value for K features (u the
    float32 unit roundoff; every table entry is a log-probability, so ``sum|terms|``
    is ``|raw - prior|``); a decision is taken only when every probability it
    compares is further from its threshold than twice that bound allows.
    """
    counts = _features(model, data)
    weights = counts.copy()
    weights.data = np.log1p(counts.data)
    raw = np.asarray(weights @ model.ptc, dtype=np.float64) + model.pc
    k = np.diff(counts.indptr)
    scale = 1.0 / np.sqrt(np.maximum(np.fromiter(map(len, data), dtype=np.float64, count=len(data)), 1.0))
    magnitude = (np.abs(raw) + 2 * np.abs(model.pc)).max(axis=1)
    delta = (2 * k + 12) * _U32 * magnitude * scale  # both sums' error, the scaling's, in logits
    logits = raw * scale[:, None]
    margin = 2 * (2 * delta + 4 * _U32 * np.abs(logits).max(axis=1) + _NORM_SLACK)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    for i, j in model.aliases:  # py3langid adds an alias's probability to the first column
        probs[:, i] += probs[:, j]
        probs[:, j] = 0.0
    with np.errstate(divide="ignore"):
        logp = np.log(probs)
        pair = np.log(probs[:, model.pair_cols].sum(axis=1))
    best = probs.argmax(axis=1)
    rows = np.arange(len(data))
    top = logp[rows, best]
    second = np.partition(logp, -2, axis=1)[:, -2]
    other = np.where(model.pair, -np.inf, logp).max(axis=1)  # best answer outside the pair
    sure_best = (top - _LOG_HALF > margin) & (top - second > 2 * margin) & ~model.pair[best]
    sure_pair = (pair - _LOG_HALF > margin) & (pair - other > 2 * margin)
    sure_none = (_LOG_HALF - top > margin) & ((_LOG_HALF - pair > margin) | (top - pair > 2 * margin))
    out: list[str | bool | None] = []
    for i in range(len(data)):
        if k[i] == 0:  # no feature: py3langid scores zeros, not the priors
            out.append(False)
        elif sure_best[i]:
            out.append(model.classes[best[i]])
        elif sure_pair[i]:
            out.append(True)
        elif sure_none[i]:
            out.append(None)
        else:
            out.append(False)
    return out


def identify_batch(texts: Sequence[str]) -> list[str | None]:
    """:func:`identify` of each of ``texts``, with the same answers, computed as a batch.

    The cost per text falls with the batch size (see docs/performance.md); a text
    whose py3langid decision is too close to call from the batch scores is
    identified alone, by :func:`identify`.
    """
    answers: list[str | None] = [None] * len(texts)
    todo = [(i, s) for i, s in enumerate(map(_sample, texts)) if s is not None]
    if not todo:
        return answers
    decided = _settle(_batch_model(), [_encode(s) for _, s in todo])
    to_pair: list[tuple[int, str]] = []
    for (i, sample), decision in zip(todo, decided, strict=True):
        if decision is True:
            to_pair.append((i, sample))
        elif decision is False:
            answers[i] = identify(texts[i])
        else:
            answers[i] = decision
    if to_pair:
        for (i, _), code in zip(to_pair, load_model().predict_batch([s for _, s in to_pair]), strict=True):
            answers[i] = code
    return answers


def identify_with(pm: Any, texts: list[str]) -> list[str | None]:
    """The answer of a run's plugins for each of ``texts``, through plugin manager ``pm``.

    Plugins that implement only the one-text ``identify_language`` hook keep their
    place before the built-in: they are asked first, text by text (in the hook's
    usual order), and the texts they pass on go to the ``identify_languages`` batch
    hook, where batch plugins answer before the built-in. With no such plugin, the
    whole batch goes straight to the batch hook.
    """
    answers: list[str | None] = [None] * len(texts)
    batch_plugins = [impl.plugin for impl in pm.hook.identify_languages.get_hookimpls()]
    singles = [impl.plugin for impl in pm.hook.identify_language.get_hookimpls()
               if impl.plugin is not _THIS and not any(impl.plugin is p for p in batch_plugins)]
    todo = list(range(len(texts)))
    if singles:
        others = [p for p in pm.get_plugins() if not any(p is q for q in singles)]
        ask = pm.subset_hook_caller("identify_language", remove_plugins=others)
        todo = []
        for i, text in enumerate(texts):
            answers[i] = ask(text=text)
            if answers[i] is None:
                todo.append(i)
    if todo:
        batch = pm.hook.identify_languages(texts=[texts[i] for i in todo])
        if batch is not None:
            if len(batch) != len(todo):
                raise ValueError(f"identify_languages answered {len(batch)} codes for {len(todo)} texts")
            for i, code in zip(todo, batch, strict=True):
                answers[i] = code
    return answers


@hookimpl(trylast=True)
def identify_languages(texts: list[str]) -> list[str | None]:
    """Built-in answer of the ``identify_languages`` hook: :func:`identify_batch`."""
    return identify_batch(texts)


@hookimpl(trylast=True)
def identify_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when unsure or too short.

    This is the built-in answer (py3langid, with the Indonesian-vs-Malay
    discriminator; see :func:`identify`): offline, deterministic, no plugins
    consulted. In a run, plugins may take over through the ``identify_language``
    hook, which this function answers last.
    """
    return identify(text)


_THIS = sys.modules[__name__]
