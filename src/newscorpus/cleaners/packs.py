"""Rule packs: cleaning patterns as data (YAML), validated with precise errors.

A rule pack is one YAML file holding the patterns of one language (``en``, ``id``,
``ms``) or of none in particular (``xx``). ``docs/cleaning.md`` is the reference
of the format; :data:`PACK_SCHEMA` is the same reference as a JSON-schema-like
mapping, and :func:`load_pack` enforces it, naming the file, the line, the rule id
and what is wrong in every error.

Packs reach the cleaners in two ways: plugins register them with the
``register_rule_packs`` hook (the built-in packs live in ``packs/`` next to this
module), and users list their own in the pipeline config under
``clean.rule_packs``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import yaml

from ..errors import ConfigError

__all__ = [
    "KINDS",
    "MATCHES",
    "PACK_SCHEMA",
    "ZONES",
    "Rule",
    "RulePack",
    "RulePackError",
    "builtin_pack_paths",
    "expand_vocab",
    "load_pack",
    "load_packs",
]

#: Rule kinds, each cleaned by one built-in cleaner (see ``docs/cleaning.md``).
KINDS: Final = ("greeting", "signoff", "footer", "related", "legal", "clutter")
#: Where a rule may fire: the opening lines, the closing lines, any line, or a
#: line between two lines that ``anywhere`` rules cut (the messages of a widget).
ZONES: Final = ("head", "tail", "anywhere", "between")
#: What a pattern must match: the whole line, or a prefix glued to the first sentence.
MATCHES: Final = ("line", "prefix")

#: Kinds whose rules protect quotations and reported speech unless a rule says not to.
_GUARDED_KINDS: Final = frozenset({"greeting", "signoff"})
_DEFAULT_REASONS: Final = {
    "greeting": "a greeting to readers, not news",
    "signoff": "a closing sign-off, prayer, wish or thanks to readers, not news",
    "footer": "a share, follow or subscribe footer",
    "related": "a link to another article",
    "legal": "a copyright, legal or newsletter notice",
    "clutter": "page furniture (advertising, embeds, separators)",
}
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
_PACK_NAME = re.compile(r"[a-z][a-z0-9_.-]*")
_LANG = re.compile(r"[a-z]{2,3}")
_VOCAB_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_NUMBERED_BACKREF = re.compile(r"(?<!\\)\\[1-9]")

#: The pack format as a JSON-schema-like mapping (documentation and reference).
PACK_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["pack", "language", "rules"],
    "additionalProperties": False,
    "properties": {
        "pack": {"type": "string", "pattern": _PACK_NAME.pattern, "description": "Pack id, in Removal.pack."},
        "language": {
            "type": "string",
            "pattern": "[a-z]{2,3}",
            "description": "ISO 639-1 code of the pack's language, or 'xx' for any language.",
        },
        "applies_to": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Article languages the pack runs on (default: [language]; 'xx' packs run on all).",
        },
        "description": {"type": "string"},
        "version": {"type": ["string", "integer"]},
        "vocab": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Named lists of regex alternatives; a pattern says {name} to use one.",
        },
        "speech_markers": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Regexes of words that introduce reported speech (said, kata, ujar).",
        },
        "damage": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "dangling_words": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Words that never end a clause: a period or comma right after one "
                    "means a linked name was lost.",
                }
            },
        },
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "kind", "patterns"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": _RULE_ID.pattern},
                    "kind": {"enum": list(KINDS)},
                    "zone": {"enum": list(ZONES), "default": "per kind: greeting head, signoff tail, else anywhere"},
                    "match": {"enum": list(MATCHES), "default": "line"},
                    "patterns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "max_words": {"type": "integer", "minimum": 1, "default": 40},
                    "guard": {"type": "boolean", "default": "true for greeting and signoff"},
                    "case_sensitive": {"type": "boolean", "default": False},
                    "reason": {"type": "string"},
                    "examples": {"type": "array", "items": {"type": "string"}},
                    "counterexamples": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

_PACK_KEYS: Final = frozenset(PACK_SCHEMA["properties"])
_RULE_KEYS: Final = frozenset(PACK_SCHEMA["properties"]["rules"]["items"]["properties"])


class RulePackError(ConfigError):
    """A rule pack is invalid.

    Attributes:
        path: The pack file.
        rule: Id of the offending rule, when the error is in one.
    """

    def __init__(self, message: str, *, path: str, line: int | None = None, rule: str | None = None) -> None:
        self.path, self.rule = path, rule
        super().__init__(f"rule {rule!r}: {message}" if rule else message, source=path, line=line)


@attrs.frozen
class Rule:
    """One cleaning rule of a pack.

    Attributes:
        id: Stable rule id (``greeting.opening``), recorded in ``Removal.rule``.
        kind: What it removes; decides which cleaner runs it (see :data:`KINDS`).
        zone: ``head`` (the opening lines), ``tail`` (the closing lines),
            ``anywhere`` (any line, whole-line matches only) or ``between`` (a body
            line whose neighbours above and below are both cut by ``anywhere``
            rules, such as ``Sorry!`` inside a sign-up widget).
        match: ``line``: a pattern must match the whole line; ``prefix``: a
            pattern matches a greeting (head zone) or a placeholder (anywhere)
            glued to the start of a sentence, and only it is cut.
        patterns: Regular expressions (Python syntax, vocab expanded).
        max_words: A line with more words is never cut by this rule.
        guard: Protect lines holding a quotation or reported speech.
        case_sensitive: Match case as written (default: ignore case).
        reason: The sentence recorded in ``Removal.reason``.
        pack: Name of the pack the rule belongs to.
        examples: Lines the rule must cut (checked by the test suite).
        counterexamples: Lines the rule must keep (checked by the test suite).
    """

    id: str
    kind: str
    zone: str
    match: str
    patterns: tuple[str, ...]
    max_words: int = 40
    guard: bool = False
    case_sensitive: bool = False
    reason: str = ""
    pack: str = ""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()


@attrs.frozen
class RulePack:
    """A validated rule pack.

    Attributes:
        name: Pack id, recorded in ``Removal.pack``.
        language: The pack's language (``xx`` for any).
        applies_to: Article languages it runs on; ``("*",)`` for every language.
        rules: Its rules, vocab expanded.
        speech_markers: Regexes of reported-speech words (guards).
        dangling_words: Words after which a period or comma means a lost name.
        path: The file it was read from.
        plugin: The plugin that registered it, or ``config`` for user packs.
        description: Free text.
    """

    name: str
    language: str
    applies_to: tuple[str, ...]
    rules: tuple[Rule, ...]
    speech_markers: tuple[str, ...] = ()
    dangling_words: tuple[str, ...] = ()
    path: str = ""
    plugin: str = ""
    description: str = ""

    def runs_on(self, language: str | None) -> bool:
        """Whether the pack's rules apply to an article in ``language``.

        Every pack runs on an article whose language is unknown (``None``).
        """
        return language is None or "*" in self.applies_to or language in self.applies_to


def builtin_pack_paths() -> list[str]:
    """Paths of the rule packs shipped with newscorpus, sorted."""
    here = Path(__file__).with_name("packs")
    return sorted(str(p) for p in here.glob("*.yaml"))


# -- loading ------------------------------------------------------------------------


def _node_lines(node: yaml.Node | None) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Line numbers of the top-level keys and of each rule (and its keys)."""
    top: dict[str, int] = {}
    rules: list[tuple[int, dict[str, int]]] = []
    if not isinstance(node, yaml.MappingNode):
        return top, rules
    for key, value in node.value:
        name = str(key.value)
        top[name] = key.start_mark.line + 1
        if name == "rules" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                keys = {}
                if isinstance(item, yaml.MappingNode):
                    keys = {str(k.value): k.start_mark.line + 1 for k, _ in item.value}
                rules.append((item.start_mark.line + 1, keys))
    return top, rules


def _read_yaml(path: str) -> tuple[Any, dict[str, int], list[tuple[int, dict[str, int]]]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulePackError(f"cannot read the rule pack: {exc.strerror or exc}", path=path) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulePackError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            path=path,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    finally:
        loader.dispose()
    top, rules = _node_lines(node)
    return data, top, rules


def _strings(value: Any, what: str, err: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise err(f"'{what}' must be a list of strings")
    return tuple(value)


def expand_vocab(pattern: str, vocab: Mapping[str, str]) -> str:
    """Replace each ``{name}`` in ``pattern`` with the vocab alternation ``(?:a|b|c)``.

    Raises:
        KeyError: ``pattern`` names a vocab entry that does not exist.
    """

    def sub(m: re.Match[str]) -> str:
        return f"(?:{vocab[m.group(1)]})"

    return _VOCAB_REF.sub(sub, pattern)


def _parse_vocab(raw: Any, err: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise err("'vocab' must map names to lists of regex alternatives")
    out = {}
    for name, items in raw.items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise err(f"vocab name {name!r} must be lower-case letters, digits and '_'")
        alts = _strings(items, f"vocab.{name}", err)
        if not alts:
            raise err(f"'vocab.{name}' is empty")
        for alt in alts:
            try:
                re.compile(alt)
            except re.error as exc:
                raise err(f"vocab.{name} entry {alt!r} is not a valid regex: {exc}") from None
        out[name] = "|".join(alts)
    return out


def load_pack(path: str | os.PathLike[str], *, plugin: str = "", vocab: Mapping[str, str] | None = None) -> RulePack:
    """Read and validate one rule pack.

    Args:
        path: The YAML file.
        plugin: Who registered it (kept on the pack for ``newscorpus plugins``).
        vocab: Vocab shared by other packs (the ``xx`` pack's social networks),
            usable by this pack's patterns; the pack's own vocab wins.

    Raises:
        RulePackError: The file is unreadable or breaks the format; the message
            names the file, the line, the rule id and what is wrong.
    """
    spath = str(path)
    data, top_lines, rule_lines = _read_yaml(spath)

    def err_at(key: str | None = None) -> Any:
        def make(message: str) -> RulePackError:
            return RulePackError(message, path=spath, line=top_lines.get(key) if key else None)

        return make

    if not isinstance(data, dict):
        raise RulePackError("a rule pack is a mapping with keys 'pack', 'language' and 'rules'", path=spath)
    unknown = sorted(set(map(str, data)) - _PACK_KEYS)
    if unknown:
        raise err_at(unknown[0])(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_PACK_KEYS))})")
    for key in ("pack", "language", "rules"):
        if key not in data:
            raise RulePackError(f"missing required key {key!r}", path=spath)
    name = data["pack"]
    if not isinstance(name, str) or not _PACK_NAME.fullmatch(name):
        raise err_at("pack")(f"'pack' must match {_PACK_NAME.pattern} (got {name!r})")
    language = data["language"]
    if not isinstance(language, str) or not _LANG.fullmatch(language):
        raise err_at("language")(f"'language' must be an ISO 639-1 code or 'xx' (got {language!r})")
    applies = _strings(data.get("applies_to"), "applies_to", err_at("applies_to")) or (language,)
    if "xx" in applies:
        applies = ("*",)
    own_vocab = _parse_vocab(data.get("vocab"), err_at("vocab"))
    all_vocab = {**(vocab or {}), **own_vocab}
    speech = _strings(data.get("speech_markers"), "speech_markers", err_at("speech_markers"))
    for s in speech:
        _compile(s, err_at("speech_markers"), "speech marker")
    damage = data.get("damage") or {}
    if not isinstance(damage, dict) or set(damage) - {"dangling_words"}:
        raise err_at("damage")("'damage' may only hold 'dangling_words'")
    dangling = _strings(damage.get("dangling_words"), "damage.dangling_words", err_at("damage"))
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list):
        raise err_at("rules")("'rules' must be a list of rules")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rules):
        line, key_lines = rule_lines[i] if i < len(rule_lines) else (None, {})
        rule = _parse_rule(raw, i, name, all_vocab, spath, line, key_lines)
        if rule.id in seen:
            raise RulePackError(
                f"duplicate rule id (first defined as rule #{seen[rule.id] + 1}); give each rule its own id",
                path=spath,
                line=line,
                rule=rule.id,
            )
        seen[rule.id] = i
        rules.append(rule)
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise err_at("description")("'description' must be a string")
    return RulePack(
        name=name,
        language=language,
        applies_to=applies,
        rules=tuple(rules),
        speech_markers=speech,
        dangling_words=dangling,
        path=spath,
        plugin=plugin,
        description=description.strip(),
    )


def _compile(pattern: str, err: Any, what: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise err(f"{what} {pattern!r} is not a valid regex: {exc}") from None


def _parse_rule(
    raw: Any,
    index: int,
    pack: str,
    vocab: Mapping[str, str],
    path: str,
    line: int | None,
    key_lines: Mapping[str, int],
) -> Rule:
    rid = raw.get("id") if isinstance(raw, dict) else None
    label = rid if isinstance(rid, str) else f"#{index + 1}"

    def err(message: str, key: str | None = None) -> RulePackError:
        return RulePackError(message, path=path, line=key_lines.get(key, line) if key else line, rule=label)

    if not isinstance(raw, dict):
        raise err("a rule is a mapping with at least 'id', 'kind' and 'patterns'")
    unknown = sorted(set(map(str, raw)) - _RULE_KEYS)
    if unknown:
        raise err(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_RULE_KEYS))})", unknown[0])
    for key in ("id", "kind", "patterns"):
        if key not in raw:
            raise err(f"missing required key {key!r}")
    if not isinstance(rid, str) or not _RULE_ID.fullmatch(rid):
        raise err(f"'id' must be dotted lower-case words like 'greeting.opening' (got {rid!r})", "id")
    kind = raw["kind"]
    if kind not in KINDS:
        raise err(f"'kind' must be one of {', '.join(KINDS)} (got {kind!r})", "kind")
    zone = raw.get("zone", {"greeting": "head", "signoff": "tail"}.get(kind, "anywhere"))
    if zone not in ZONES:
        raise err(f"'zone' must be one of {', '.join(ZONES)} (got {zone!r})", "zone")
    match = raw.get("match", "line")
    if match not in MATCHES:
        raise err(f"'match' must be one of {', '.join(MATCHES)} (got {match!r})", "match")
    if match == "prefix" and zone in ("tail", "between"):
        raise err("'match: prefix' is allowed only in the head and anywhere zones", "match")
    raw_patterns = raw["patterns"]
    if isinstance(raw_patterns, str):
        raw_patterns = [raw_patterns]
    if not isinstance(raw_patterns, list) or not raw_patterns or not all(isinstance(p, str) for p in raw_patterns):
        raise err("'patterns' must be a non-empty list of regular expressions", "patterns")
    case_sensitive = raw.get("case_sensitive", False)
    guard = raw.get("guard", kind in _GUARDED_KINDS)
    for key, value in (("case_sensitive", case_sensitive), ("guard", guard)):
        if not isinstance(value, bool):
            raise err(f"'{key}' must be true or false (got {value!r})", key)
    patterns = []
    for p in raw_patterns:
        if _NUMBERED_BACKREF.search(p):
            raise err(
                f"pattern {p!r} uses a numbered backreference; patterns are combined into one regex, "
                "so use a named group (?P<name>...) and (?P=name)",
                "patterns",
            )
        try:
            expanded = expand_vocab(p, vocab)
        except KeyError as exc:
            known = ", ".join(sorted(vocab)) or "none"
            raise err(f"pattern {p!r} uses unknown vocab {{{exc.args[0]}}} (known: {known})", "patterns") from None
        compiled = _compile(expanded, lambda m: err(m, "patterns"), "pattern", 0 if case_sensitive else re.I)
        if compiled.fullmatch(""):
            raise err(f"pattern {p!r} matches the empty line; it would cut blank text", "patterns")
        patterns.append(expanded)
    max_words = raw.get("max_words", 40)
    if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
        raise err(f"'max_words' must be a positive integer (got {max_words!r})", "max_words")
    reason = raw.get("reason", _DEFAULT_REASONS[kind])
    if not isinstance(reason, str) or not reason.strip():
        raise err("'reason' must be a non-empty string", "reason")
    examples = _strings(raw.get("examples"), "examples", lambda m: err(m, "examples"))
    counter = _strings(raw.get("counterexamples"), "counterexamples", lambda m: err(m, "counterexamples"))
    return Rule(
        id=rid,
        kind=kind,
        zone=zone,
        match=match,
        patterns=tuple(patterns),
        max_words=max_words,
        guard=guard,
        case_sensitive=case_sensitive,
        reason=reason.strip(),
        pack=pack,
        examples=examples,
        counterexamples=counter,
    )


def _shared_vocab(paths: Iterable[str]) -> dict[str, str]:
    """Vocab of every language-independent (``xx``) pack among ``paths``.

    Read without validating rules, so that a language pack can use ``{networks}``
    from the ``xx`` pack; the ``xx`` pack itself is validated when it is loaded.
    """
    vocab: dict[str, str] = {}
    for path in paths:
        try:
            data, _top, _rules = _read_yaml(path)
        except RulePackError:
            continue  # reported when the pack itself is loaded
        if isinstance(data, dict) and data.get("language") == "xx" and isinstance(data.get("vocab"), dict):
            try:
                vocab.update(_parse_vocab(data["vocab"], lambda m, _p=path: RulePackError(m, path=_p)))
            except RulePackError:
                continue  # reported, with its file, when the pack itself is loaded
    return vocab


@functools.lru_cache(maxsize=64)
def _load_cached(entries: tuple[tuple[str, str, float], ...]) -> tuple[RulePack, ...]:
    paths = [p for p, _plugin, _mtime in entries]
    vocab = _shared_vocab(paths)
    packs = [load_pack(path, plugin=plugin, vocab=vocab) for path, plugin, _mtime in entries]
    names: dict[str, str] = {}
    for pack in packs:
        if pack.name in names and names[pack.name] != pack.path:
            raise RulePackError(
                f"pack name {pack.name!r} is also used by {names[pack.name]}; pack names must be unique",
                path=pack.path,
            )
        names[pack.name] = pack.path
    return tuple(packs)


def load_packs(entries: Sequence[tuple[str, str]]) -> tuple[RulePack, ...]:
    """Load ``(path, plugin)`` pairs into validated packs, in order.

    Results are cached per process (keyed by path and modification time), so the
    many cleaner instances of a run read each file once.

    Raises:
        RulePackError: A pack is invalid, or two packs share a name.
    """
    keyed = []
    seen = set()
    for path, plugin in entries:
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            mtime = os.stat(real).st_mtime
        except OSError:
            mtime = -1.0  # load_pack reports the unreadable file
        keyed.append((real, plugin, mtime))
    return _load_cached(tuple(keyed))
