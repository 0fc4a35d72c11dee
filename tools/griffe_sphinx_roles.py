"""A griffe extension for the API reference: Sphinx roles in docstrings become links.

The docstrings cross-reference with Sphinx roles (``:class:`PipelineConfig```,
``:meth:`run```, ``:func:`~newscorpus.workdir.guard```), which Markdown would print
literally. Each role is replaced, before mkdocstrings renders the docstring, by an
autorefs reference to the object's full path, resolved in the scope of the object the
docstring belongs to (its imports, its class, its module). The reference is marked
optional: an object the site does not document renders as code, not as a broken link,
so ``mkdocs build --strict`` stays clean.

Loaded from ``mkdocs.yml`` (``plugins.mkdocstrings.handlers.python.options.extensions``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

__all__ = ["SphinxRoles"]

_ROLE = re.compile(r":(?:py:)?(?P<role>class|meth|func|mod|attr|data|exc|obj|const):`(?P<target>[^`]+)`")


def _resolve(obj: griffe.Object, target: str) -> str | None:
    """Full dotted path of ``target`` as seen from ``obj``, or ``None``."""
    target = target.lstrip(".")
    if target.startswith("newscorpus."):
        return target
    head, _, rest = target.partition(".")
    scope: griffe.Object | None = obj
    while scope is not None:
        if head in scope.members:  # a method or attribute of this class/module
            return f"{scope.path}.{target}"
        try:
            path = scope.resolve(head)
        except (griffe.NameResolutionError, ValueError, KeyError):
            scope = scope.parent
            continue
        return f"{path}.{rest}" if rest else path
    return None


def _replace(obj: griffe.Object, text: str) -> str:
    def one(match: re.Match[str]) -> str:
        target = match["target"].strip()
        short = target.startswith("~")
        target = target.lstrip("~")
        shown = target.rsplit(".", 1)[-1] if short else target
        if match["role"] in ("meth", "func"):
            shown += "()"
        path = _resolve(obj, target)
        code = f"<code>{html.escape(shown)}</code>"
        if path is None:
            return code
        return f'<autoref identifier="{html.escape(path, quote=True)}" optional>{code}</autoref>'

    return _ROLE.sub(one, text)


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles in every docstring as optional autorefs references."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Rewrite ``obj``'s docstring once the object tree is complete (so names resolve)."""
        if obj.docstring is not None and ":" in obj.docstring.value:
            obj.docstring.value = _replace(obj, obj.docstring.value)
