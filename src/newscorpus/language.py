"""Built-in language identification, offline and deterministic: py3langid, with a
dedicated discriminator for Indonesian vs Malay.

py3langid was picked over lingua after measuring both in one run
(``benchmarks/language_bench.py``, figures in docs/performance.md): lingua (all
languages) added ~1.25 GB of memory and ran about 10x slower. py3langid confuses
Indonesian and Malay, though (0.945 on DSLCC news sentences), so when its answer
falls on that pair the decision is left to :mod:`newscorpus.langid_pair`, a small
n-gram model trained for the pair. Every other answer is py3langid's, unchanged.

It answers the ``identify_language`` hook last, so a plugin can take over.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .hookspecs import hookimpl
from .langid_pair import NEGATIVE, POSITIVE, PairModel, load_model

__all__ = ["SAMPLE_CHARS", "identify", "identify_language"]

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


@hookimpl(trylast=True)
def identify_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when unsure or too short.

    This is the built-in answer (py3langid, with the Indonesian-vs-Malay
    discriminator; see :func:`identify`): offline, deterministic, no plugins
    consulted. In a run, plugins may take over through the ``identify_language``
    hook, which this function answers last.
    """
    return identify(text)
