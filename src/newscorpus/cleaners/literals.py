"""Required literals of a regular expression: a cheap gate in front of a rule.

:func:`required_literals` reads a pattern's syntax tree and returns a set of
strings such that *every* text the pattern matches contains at least one of them
(``Baca\\s+juga:`` -> ``{"juga:"}``, ``(?:read|see) also`` -> ``{"read also",
"see also"}``), or ``None`` when it cannot prove such a set (a backreference, a
class of non-ASCII letters, an optional part). The set is compared with
:func:`fold` of the text, so a line holding none of a rule's literals cannot match
the rule and its regex is not run; a rule with ``None`` always runs.

Only ASCII characters become literals, lowered: under ``re.IGNORECASE`` an ASCII
letter also matches ``İ ı ſ K`` (U+0130, U+0131, U+017F, U+212A), which
:func:`fold` maps to ``i i s k``; every other non-ASCII character is left as it is
and never equals a literal. A case-sensitive pattern's literals are lowered too:
the gate then lets through more lines than the pattern could match, never fewer.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any, Final

__all__ = ["MAX_SET", "fold", "required_literals"]

_c: Any
_p: Any
try:  # the parser behind re.compile (re._parser since Python 3.11)
    _c = importlib.import_module("re._constants")
    _p = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another Python: every rule runs
    _p = _c = None

#: Largest set of alternatives tracked; beyond it a part counts as unknown.
MAX_SET: Final = 64

#: ASCII upper case to lower, and the non-ASCII characters ``re.IGNORECASE``
#: matches with an ASCII letter (``tests/test_cleaners_literals.py`` recomputes them).
_FOLD: Final = str.maketrans(
    {**{chr(c): chr(c + 32) for c in range(65, 91)}, "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
)

_Info = tuple[frozenset[str] | None, frozenset[str] | None]  # exact strings matched, required substrings
_EMPTY: Final[frozenset[str]] = frozenset({""})


def fold(text: str) -> str:
    """``text`` as literals are looked for in it (ASCII lowered, see the module doc)."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains (folded), or
    ``None`` when no such set is proved (the pattern must then always run)."""
    if _p is None:
        return None
    try:
        tree = _p.parse(pattern, flags)
    except (re.error, RecursionError):
        return None
    return _required(_seq(tree))


def _required(info: _Info) -> frozenset[str] | None:
    exact, match = info
    if exact is not None:
        return None if "" in exact else exact
    return match


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > MAX_SET:
        return None
    return frozenset(x + y for x in a for y in b)


def _best(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The most selective proved set: longest shortest string, then fewest strings."""
    usable = [s for s in sets if s and "" not in s]
    if not usable:
        return None
    return max(usable, key=lambda s: (min(map(len, s)), -len(s)))


def _seq(nodes: Any) -> _Info:
    """A concatenation: an exact product while every part is exact, else the best
    required set of its parts (each part is in every match)."""
    found: list[frozenset[str] | None] = []
    cur: frozenset[str] | None = _EMPTY
    whole = True
    for node in nodes:
        exact, match = _node(*node)
        if exact is not None and cur is not None:
            joined = _product(cur, exact)
            if joined is not None:
                cur = joined
                continue
        whole = False
        found.append(cur)
        if exact is not None:
            cur = exact
        else:
            found.append(match)
            cur = _EMPTY
    found.append(cur)
    return (cur if whole else None), _best(found)


def _node(op: Any, av: Any) -> _Info:
    c = _c
    assert c is not None
    if op is c.LITERAL:
        return (frozenset({chr(av).lower()}) if av < 128 else None), None
    if op is c.IN:
        return _charset(av), None
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return _EMPTY, None  # zero width: adds nothing to the text matched
    if op is c.SUBPATTERN:
        return _seq(av[3])
    if op is c.ATOMIC_GROUP:
        return _seq(av)
    if op is c.BRANCH:
        infos = [_seq(alt) for alt in av[1]]
        exact: frozenset[str] | None = None
        if all(e is not None for e, _m in infos):
            union = frozenset().union(*(e for e, _m in infos if e is not None))
            exact = union if len(union) <= MAX_SET else None
        reqs = [_required(i) for i in infos]
        match = None
        if all(r is not None for r in reqs):
            joined = frozenset().union(*(r for r in reqs if r is not None))
            match = joined if len(joined) <= 4 * MAX_SET else None
        return exact, match
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        lo, hi, body = av
        info = _seq(body)
        if lo == hi == 1:
            return info
        if lo == 0:
            if hi == 1 and info[0] is not None:
                return info[0] | _EMPTY, None
            return None, None
        return None, _required(info)  # at least one copy of the body
    return None, None  # anything else (backreferences, conditionals, ...) is unknown


def _charset(items: Any) -> frozenset[str] | None:
    c = _c
    assert c is not None
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL and av < 128:
            chars.add(chr(av).lower())
        elif op is c.RANGE and av[1] < 128 and av[1] - av[0] < 16:
            chars.update(chr(x).lower() for x in range(av[0], av[1] + 1))
        else:
            return None  # a category, a negation, a non-ASCII character
    return frozenset(chars) if chars and len(chars) <= 16 else None
