"""Typed, validated component options.

A component declares the options a config may give it as an attrs class in its
``Options`` class attribute, one field per option, each made with :func:`option`
(a default, a one-line doc and, where it matters, a validator)::

    class NearDeduplicator(Deduplicator):
        @attrs.frozen
        class Options:
            jaccard: float = option(0.12, "Least Jaccard similarity of a pair.", fraction)

The config check (:func:`newscorpus.config.check_components`) runs
:func:`parse_options` on every component a pipeline names, so an unknown key
(``{near: {jacard: 0.5}}``) or a value of the wrong type or range fails when the
config is loaded, naming the key, the file and line, and the closest known key.

A component without ``Options`` (a third-party one written before options were
declared) accepts any options unchecked; ``newscorpus plugins`` and the docs say so.
Values the pipeline itself passes to constructors (:data:`FRAMEWORK_KEYS`, such as a
parser's ``limits`` and ``fields``) are not options and are never declared.

This module is in the base layer: components import :func:`option` and the
validators, and it imports no component.
"""

from __future__ import annotations

import difflib
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union

import attrs
import yaml

__all__ = [
    "FRAMEWORK_KEYS",
    "OptionError",
    "at_least",
    "declared_options",
    "fraction",
    "one_of",
    "option",
    "options_from",
    "options_table",
    "parse_options",
    "positive",
]

#: Constructor arguments the pipeline passes itself, per component family: they
#: come from other config sections (``read.limits``, ``read.fields``,
#: ``clean.rule_packs``, ``execution.workers``), never from a component's options.
FRAMEWORK_KEYS: dict[str, frozenset[str]] = {
    "reader": frozenset({"limits"}),
    "parser": frozenset({"limits", "fields"}),
    "cleaner": frozenset({"rule_packs", "registered_packs"}),
    "deduplicator": frozenset(),
    "event_builder": frozenset(),
    "exporter": frozenset(),
    "executor": frozenset({"workers"}),
}

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


class OptionError(ValueError):
    """An option is unknown or has a bad value.

    Attributes:
        key: The option's path below the component (``jaccard``, ``fields.0``).
        message: What is wrong, with the closest known key for a typo.
    """

    def __init__(self, key: str, message: str) -> None:
        self.key, self.message = key, message
        super().__init__(f"option '{key}': {message}")


def option(default: Any, doc: str, validator: _Validator | None = None) -> Any:
    """An option field: ``default``, a one-line ``doc`` (the docs' options tables
    show it) and an optional ``validator`` (see :func:`at_least`, :func:`fraction`,
    :func:`one_of`). A list or dict default is copied for each instance."""
    if isinstance(default, list | dict):
        return attrs.field(factory=lambda: type(default)(default), validator=validator, metadata={"doc": doc})
    return attrs.field(default=default, validator=validator, metadata={"doc": doc})


def at_least(minimum: float) -> _Validator:
    """Validator: a number ``>= minimum`` (``None`` passes, for optional options)."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value < minimum:
            raise ValueError(f"must be >= {minimum}, got {value!r}")

    check.__doc__ = f">= {minimum}"
    return check


#: Validator: a whole number or count >= 1.
positive = at_least(1)


def fraction(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a number from 0 to 1 (``None`` passes)."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f"must be a number from 0 to 1, got {value!r}")


def one_of(*choices: str) -> _Validator:
    """Validator: one of ``choices``."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {value!r}")

    check.__doc__ = " | ".join(choices)
    return check


def options_from(
    source: type, name: str, extra: Mapping[str, tuple[Any, Any, str, _Validator | None]] | None = None
) -> type:
    """An ``Options`` class with a field for each field of the attrs class ``source``
    (same type, default and validator, documented by the ``Attributes:`` section of
    its docstring) plus ``extra`` (option name -> ``(type, default, doc,
    validator)``), for a component whose options are another class's parameters."""
    docs = _attribute_docs(source)
    these: dict[str, Any] = {}
    for f in attrs.fields(attrs.resolve_types(source)):
        these[f.name] = attrs.field(default=f.default, validator=f.validator, type=f.type,
                                    metadata={"doc": docs.get(f.name, "")})
    for key, (tp, default, doc, validator) in (extra or {}).items():
        these[key] = attrs.field(default=default, validator=validator, type=tp, metadata={"doc": doc})
    return attrs.make_class(name, these, frozen=True)


def _attribute_docs(cls: type) -> dict[str, str]:
    """First sentence of each entry of the ``Attributes:`` section of ``cls``'s docstring."""
    out: dict[str, str] = {}
    current: str | None = None
    inside = False
    for raw in inspect.cleandoc(cls.__doc__ or "").splitlines():
        line = raw.strip()
        if line == "Attributes:":
            inside = True
            continue
        if not inside:
            continue
        name, sep, rest = line.partition(": ")
        if sep and name.isidentifier() and raw.startswith(" " * 4) and not raw.startswith(" " * 5):
            current = name
            out[name] = rest
        elif line and current is not None:
            out[current] += " " + line
    # Markdown, not reST: ``x`` and :role:`~x.y` become `x` and `y`
    plain = {k: re.sub(r":\w+:`~?(?:[\w.]*\.)?([^`]+)`", r"`\1`", v.replace("``", "`")) for k, v in out.items()}
    return {k: v.split(". ")[0].rstrip(".") + "." for k, v in plain.items()}


def declared_options(component: type) -> type | None:
    """The component's ``Options`` attrs class, or ``None`` when it declares none."""
    opts = getattr(component, "Options", None)
    return opts if isinstance(opts, type) and attrs.has(opts) else None


def _type_name(tp: Any) -> str:
    if tp is Any:
        return "any"
    if isinstance(tp, type):
        return {"str": "string", "int": "whole number", "float": "number", "bool": "true or false",
                "NoneType": "null"}.get(tp.__name__, tp.__name__)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal:
        return " | ".join(repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin in (tuple, list):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping to {_type_name(args[1])}" if len(args) == 2 else "mapping"
    return str(tp)


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """``value`` checked against the annotation ``tp``; YAML lists become tuples
    for ``tuple[...]`` fields and whole numbers floats for ``float`` ones."""
    if tp is Any:
        return value
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        for arg in args:
            try:
                return _coerce(value, arg, key)
            except OptionError:
                continue
        raise OptionError(key, f"expected {_type_name(tp)}, got {value!r}")
    if origin is Literal:
        if value in args:
            return value
        raise OptionError(key, f"expected one of {', '.join(map(str, args))}, got {value!r}")
    if origin in (tuple, list):
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise OptionError(key, f"expected {_type_name(tp)}, got {value!r}")
        item = args[0] if args else Any
        items = [_coerce(v, item, f"{key}.{i}") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, Mapping):
            raise OptionError(key, f"expected {_type_name(tp)}, got {value!r}")
        vt = args[1] if len(args) == 2 else Any
        return {str(k): _coerce(v, vt, f"{key}.{k}") for k, v in value.items()}
    if tp is type(None):
        if value is None:
            return None
    elif tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif isinstance(tp, type) and isinstance(value, tp):
        return value
    raise OptionError(key, f"expected {_type_name(tp)}, got {value!r}")


def parse_options(component: type, options: Mapping[str, Any], family: str | None = None) -> Any:
    """Check ``options`` against ``component.Options`` and return the options
    instance (``None`` when the component declares no ``Options``).

    Keys in :data:`FRAMEWORK_KEYS` for ``family`` are skipped: the pipeline passes
    them, a config does not.

    Raises:
        OptionError: An unknown key (with the closest known one) or a value of the
            wrong type or out of range.
    """
    cls = declared_options(component)
    if cls is None:
        return None
    skip = FRAMEWORK_KEYS.get(family or "", frozenset())
    fields = {f.name: f for f in attrs.fields(attrs.resolve_types(cls))}
    values: dict[str, Any] = {}
    for key, value in options.items():
        if key in skip:
            continue
        field = fields.get(str(key))
        if field is None:
            near = difflib.get_close_matches(str(key), sorted(fields), n=1)
            hint = (f"did you mean '{near[0]}'?" if near
                    else f"known options: {', '.join(sorted(fields)) or 'none'}")
            raise OptionError(str(key), f"unknown option of {getattr(component, 'name', component.__name__)!r}; "
                                        f"{hint}")
        coerced = _coerce(value, Any if field.type is None else field.type, str(key))
        if field.validator is not None:
            try:
                field.validator(None, field, coerced)
            except (TypeError, ValueError) as exc:
                raise OptionError(str(key), str(exc)) from None
        values[field.name] = coerced
    return cls(**values)


def _show(value: Any) -> str:
    """A default as it is written in YAML (``null``, ``true``, ``[]``), in backticks."""
    plain = list(value) if isinstance(value, tuple) else value
    text = yaml.safe_dump(plain, default_flow_style=True, allow_unicode=True, width=10_000)
    return "`" + text.removesuffix("\n").removesuffix("\n...").replace("|", "\\|") + "`"


def options_table(component: type) -> str:
    """The component's options as a Markdown table (option, type, default, meaning),
    or a sentence when it declares none; ``docs/configuration.md`` is built from these."""
    cls = declared_options(component)
    if cls is None:
        return "Declares no options: any option is passed through unchecked.\n"
    fields = attrs.fields(attrs.resolve_types(cls))
    if not fields:
        return "No options.\n"
    rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for f in fields:
        if f.default is attrs.NOTHING:
            default = "(required)"
        elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            default = _show(f.default.factory())
        else:
            default = _show(f.default)
        doc = str(f.metadata.get("doc", "")).replace("|", "\\|")
        kind = _type_name(Any if f.type is None else f.type).replace("|", "/")
        rows.append(f"| `{f.name}` | {kind} | {default} | {doc} |")
    return "\n".join(rows) + "\n"
