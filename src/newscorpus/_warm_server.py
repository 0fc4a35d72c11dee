"""Imported by the ``local`` executor's forkserver before it forks any worker:
importing it loads the built-in models (:func:`newscorpus.preload.warm`).
Nothing else should import this module."""

from __future__ import annotations

from .preload import warm

warm()
