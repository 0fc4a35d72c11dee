"""Built-in language identification (py3langid), offline and deterministic.

py3langid was picked over lingua after measuring both in one run
(``benchmarks/language_bench.py``, figures in docs/performance.md): both told
Indonesian from Malay and English on every sample, but lingua (all languages) added
~1.25 GB of memory and ran about 10x slower.

It answers the ``identify_language`` hook last, so a plugin can take over.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .hookspecs import hookimpl

__all__ = ["SAMPLE_CHARS", "identify"]

#: Characters of an article read to identify its language. Cost grows with length;
#: on IndoSum news accuracy was 0.992 at 300 characters and 1.000 from 600 up.
SAMPLE_CHARS = 600
#: Below this normalised probability the answer is ``None`` rather than a guess.
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]")


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when unsure or too short."""
    sample = text[:SAMPLE_CHARS]
    if len(sample) < 200 and len(_LETTER.findall(sample)) < 20:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= MIN_CONFIDENCE else None


@hookimpl(trylast=True)
def identify_language(text: str) -> str | None:
    """The built-in answer to the ``identify_language`` hook."""
    return identify(text)
