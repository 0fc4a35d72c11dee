"""Built-in executors plugin: registers the local executor."""

from __future__ import annotations

from ..hookspecs import Register, hookimpl
from .base import Executor
from .local import LocalExecutor


@hookimpl
def register_executors(register: Register[Executor]) -> None:
    """Register the local executor."""
    register(LocalExecutor)
