"""newscorpus plugin entry point of ``newscorpus-ray`` (entry-point group ``newscorpus``).

Importing this module must stay cheap: every newscorpus process loads it, and
``ray`` itself is imported only when a run actually uses the executor.
"""

from __future__ import annotations

from newscorpus.executors import Executor
from newscorpus.hookspecs import Register, hookimpl

from .executor import RayExecutor


@hookimpl
def register_executors(register: Register[Executor]) -> None:
    """Register the ``ray`` executor."""
    register(RayExecutor)
