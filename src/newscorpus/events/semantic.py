"""The ``semantic`` event builder: the default builder plus sentence embeddings.

It adds a dense channel to the default builder's similarity: the cosine of
sentence-transformers embeddings of each article's headline and lead, averaged over
an event's members like the other channels, and weighted ``dense_weight``. Dates,
names and places keep working as in ``default``, so same-kind decoys on other days
stay apart however similar their wording.

The model is the user's: ``model`` must be a local directory holding a
sentence-transformers model. newscorpus never downloads one (the Hugging Face hub
is put offline before the library loads). ``sentence-transformers`` and ``torch``
are optional dependencies, imported only when this builder is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import ConfigError
from ..models import Article
from ..options import at_least, options_from
from .clustering import Params
from .default import BUILDER_OPTIONS, DefaultEventBuilder

__all__ = ["SemanticEventBuilder"]

_MODELS: dict[tuple[str, str], Any] = {}  # one model per process, path and device


def _load(path: str, device: str) -> Any:
    key = (path, device)
    if key not in _MODELS:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found,unused-ignore]
        except ImportError as exc:
            raise ConfigError(
                "the 'semantic' event builder needs sentence-transformers (pip install "
                "sentence-transformers, with a CPU or GPU build of torch)",
                key="events.builder",
            ) from exc
        _MODELS[key] = SentenceTransformer(path, device=device, local_files_only=True)
    return _MODELS[key]


class SemanticEventBuilder(DefaultEventBuilder):
    """Default builder with an embedding channel from a local sentence-transformers model.

    Options (beyond the default builder's):
        model: Path of a local sentence-transformers model directory (required).
        device: ``cpu`` (default) or a torch device such as ``cuda``.
        lead_paragraphs: Paragraphs after the headline that are embedded (default 3).
        dense_weight: Share of the similarity given to the embeddings (default 0.5).
    """

    name: ClassVar[str] = "semantic"
    Options: ClassVar[type] = options_from(Params, "SemanticEventBuilderOptions", {
        **BUILDER_OPTIONS,
        "model": (str | None, None, "Path of a local sentence-transformers model directory (required).", None),
        "device": (str, "cpu", "`cpu` or a torch device such as `cuda`.", None),
        "lead_paragraphs": (int, 3, "Paragraphs after the headline that are embedded.", at_least(0)),
    })

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        model = options.get("model")
        if not model or not Path(str(model)).is_dir():
            raise ConfigError(
                f"the 'semantic' event builder needs 'model': the path of a local "
                f"sentence-transformers model directory (got {model!r}); models are never downloaded",
                key="events.builder.model",
            )
        self.model_path = str(Path(str(model)).resolve())
        self.device = str(options.get("device", "cpu"))
        self.lead_paragraphs = int(options.get("lead_paragraphs", 3))

    @classmethod
    def extra_options(cls) -> tuple[str, ...]:
        """The options this builder adds."""
        return ("model", "device", "lead_paragraphs")

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit embeddings of ``texts`` (one row each)."""
        model = _load(self.model_path, self.device)
        vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def features(self, article: Article) -> dict[str, Any]:
        """The default features plus the embedding of headline and lead."""
        data = super().features(article)
        lead = " ".join(p for p in (article.title, article.subtitle, *article.body[: self.lead_paragraphs]) if p)
        vector = self.embed([lead or article.id])[0]
        data["emb"] = [round(float(x), 5) for x in vector]
        return data

    def dense(self, features: Any) -> np.ndarray | None:
        """The unit embedding stored in ``features``."""
        if not isinstance(features, dict) or not features.get("emb"):
            return None
        vec = np.asarray(features["emb"], dtype=np.float32)
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm > 0 else None
