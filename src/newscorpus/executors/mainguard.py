"""Is it safe to start ``spawn`` (or ``forkserver``) workers from here?

A worker started with ``spawn`` imports the main script again before it runs a
task. When the script calls ``newscorpus.run(...)`` at its top level without an
``if __name__ == "__main__":`` block, that import calls it again inside the
worker, which tries to start processes while it is still starting, and the pool
breaks (``BrokenProcessPool``). :func:`unguarded_main` finds that case before a
pool is started, so that the executor can run the tasks in this process instead.

It looks at the call stack: the frame running the main module's top-level code,
if it is on the stack, is at the line that (directly or through functions)
started the run. That line is safe when it lies inside a top-level
``if __name__ == "__main__":`` block of the main file. Interactive sessions,
notebooks and ``python -c`` have no main file, and workers import nothing of them.
"""

from __future__ import annotations

import ast
import functools
import os
import sys
from types import FrameType

__all__ = ["unguarded_main"]


def _is_main_test(node: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
        return False
    sides = [node.left, node.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(consts) == 1


@functools.lru_cache(maxsize=8)
def _guarded_lines(path: str, mtime_ns: int) -> tuple[tuple[int, int], ...] | None:
    """Line ranges of the top-level ``if __name__ == "__main__":`` blocks of
    ``path`` (``None`` when the file cannot be read or parsed)."""
    del mtime_ns  # part of the cache key only
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read(), path)
    except (OSError, SyntaxError, ValueError):
        return None
    return tuple((n.lineno, n.end_lineno or n.lineno) for n in tree.body
                 if isinstance(n, ast.If) and _is_main_test(n.test))


def _main_frame(frame: FrameType | None, main_globals: dict[str, object]) -> FrameType | None:
    """The outermost frame running the main module's top-level code."""
    found = None
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals is main_globals:
            found = frame
        frame = frame.f_back
    return found


def unguarded_main() -> str | None:
    """The main script's path when this call comes from its top level outside an
    ``if __name__ == "__main__":`` block (a ``spawn`` worker would run that code
    again), else ``None``."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not isinstance(path, str) or not path.endswith(".py"):
        return None  # interactive, a notebook, python -c, a frozen binary: nothing is re-run
    frame = _main_frame(sys._getframe(1), vars(main))
    if frame is None:
        return None  # called from another thread or after the script's top level ended
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    ranges = _guarded_lines(path, mtime)
    if ranges is None:
        return path  # cannot tell: assume the worst, the cost is running in-process
    line = frame.f_lineno
    return None if any(start <= line <= end for start, end in ranges) else path
