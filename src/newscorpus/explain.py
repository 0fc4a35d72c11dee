"""Showing an article as it was read, with every cut and lift marked
(``newscorpus explain``). The rendering lives with the cleaners, which know
how to rebuild the original from ``Article.removed``."""

from __future__ import annotations

from .cleaners.explain import render

__all__ = ["render"]
