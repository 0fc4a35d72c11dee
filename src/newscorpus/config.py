"""Pipeline configuration: one typed record, loaded from YAML or built in Python.

The YAML file and the Python API describe the same pipeline: :func:`load_config`
reads a file into a :class:`PipelineConfig`, :meth:`PipelineConfig.to_dict` writes
it back as plain data. Errors name the key and, for files, the line
(``pipeline.yaml:12, key 'dedup.mode': ...``). ``docs/configuration.md`` is the
reference of every key.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import yaml

from .errors import ConfigError
from .options import OptionError, parse_options
from .readers.base import Limits

if TYPE_CHECKING:
    from .plugins import Registry

__all__ = [
    "CleanConfig",
    "ComponentSpec",
    "ConfigOrigin",
    "DedupConfig",
    "EventsConfig",
    "ExecutionConfig",
    "ExportConfig",
    "PipelineConfig",
    "ReadConfig",
    "RepetitionConfig",
    "check_components",
    "config_from_dict",
    "load_config",
]


@attrs.frozen
class ComponentSpec:
    """A component named in a config, with its options.

    In YAML a component is a bare name (``exact``), a mapping with ``name`` and
    options (``{name: near, threshold: 0.5}``), or a one-key mapping from name to
    options (``near: {threshold: 0.5}``).
    """

    name: str
    options: dict[str, Any] = attrs.field(factory=dict)

    def to_data(self) -> Any:
        """The YAML form: the bare name when there are no options."""
        return {"name": self.name, **self.options} if self.options else self.name


@attrs.frozen
class ExecutionConfig:
    """How tasks run.

    Attributes:
        executor: Executor component (``local``, or ``ray`` from its plugin).
        workers: Parallel workers; 0 means one per CPU core.
        shards: Number of shards the input is split into; 0 means automatic
            (about ``shard_bytes`` of input per shard, at least one per worker).
        shard_bytes: Target input bytes per shard for automatic sharding.
        batch_size: Articles handed to each cleaner call.
        event_windows: Time windows the events stage builds in parallel, then
            stitches, with a builder that supports it (the built-in one); the
            events are the same for any number. 0 means one per worker for input
            over 4 MB, else 1.
    """

    executor: ComponentSpec = ComponentSpec("local")
    workers: int = 0
    shards: int = 0
    shard_bytes: int = 64 * 1024 * 1024
    batch_size: int = 256
    event_windows: int = 0


@attrs.frozen
class ReadConfig:
    """How inputs become articles.

    Attributes:
        readers: File-name glob to reader name, overriding the readers' own
            patterns (``{"*.dump": jsonl}``).
        parsers: Media type to parser name, overriding the default parser.
        options: Options per reader or parser name.
        fields: For structured records (JSONL, CSV, Parquet dumps): Article field
            to source column (``{body: maintext, published: date_publish}``).
        language: Identify the language of articles that do not state one.
        limits: Size bounds; larger documents are quarantined.
        follow_symlinks: Follow symbolic links met in input folders and globs
            (a link named on the command line is always followed).
        max_files: Most input files read; the rest are counted in the report.
        include: Globs: a file met in an input folder or glob is read only if its
            name or its path under the input matches one (empty: every file).
        exclude: Globs: such a file matching one is not read. Files left out are
            counted in ``report.json`` ``inputs.skipped``.
    """

    readers: dict[str, str] = attrs.field(factory=dict)
    parsers: dict[str, str] = attrs.field(factory=dict)
    options: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    fields: dict[str, str] = attrs.field(factory=dict)
    language: bool = True
    limits: Limits = attrs.field(factory=Limits)
    follow_symlinks: bool = False
    max_files: int = 1_000_000
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@attrs.frozen
class RepetitionConfig:
    """Corpus repetition: body lines that recur across many articles of one source
    are cut before export (:mod:`newscorpus.cleaners.repetition`, the
    ``repetition-*`` stages). Articles whose source is unknown are left alone.

    Attributes:
        enabled: Run the repetition stages.
        min_count: A line must recur in at least this many articles of its source.
        min_fraction: ... and in at least this share of the source's articles.
        edge_lines: Body paragraphs counted and cut at each end of an article
            (0: every paragraph); bounds the count at ``2 * edge_lines`` keys per
            article.
        prose_words: A line of at least this many words that ends like a sentence
            reads as prose ...
        prose_fraction: ... and is cut only when it recurs in at least this share
            of its source's articles.
    """

    enabled: bool = True
    min_count: int = 5
    min_fraction: float = 0.1
    edge_lines: int = 5
    prose_words: int = 15
    prose_fraction: float = 0.5


@attrs.frozen
class CleanConfig:
    """Which cleaners run.

    Attributes:
        cleaners: Cleaners in order; ``None`` runs every cleaner marked default,
            in their declared order. An empty list turns cleaning off.
        rule_packs: Extra YAML rule packs (paths) for the rule-based cleaners.
        repetition: See :class:`RepetitionConfig`.
    """

    cleaners: tuple[ComponentSpec, ...] | None = None
    rule_packs: tuple[str, ...] = ()
    repetition: RepetitionConfig = RepetitionConfig()


@attrs.frozen
class DedupConfig:
    """How duplicates are found and what happens to them.

    Attributes:
        methods: Deduplicators to run; ``None`` runs the defaults.
        mode: ``mark`` keeps duplicates with ``duplicate_of`` set; ``drop`` leaves
            them out of the articles export (they stay in the ``duplicates`` list).
        canonical: Which cluster member is canonical: ``earliest`` published,
            ``longest`` body, or ``first`` seen.
        prefer_sources: Outlets whose copy is canonical whenever they are in a
            cluster, in order of preference (applied before ``canonical``).
        index: Path of a persistent index that later runs dedup against.
    """

    methods: tuple[ComponentSpec, ...] | None = None
    mode: Literal["mark", "drop"] = "mark"
    canonical: Literal["earliest", "longest", "first"] = "earliest"
    prefer_sources: tuple[str, ...] = ()
    index: str | None = None


@attrs.frozen
class EventsConfig:
    """How articles are grouped into events.

    Attributes:
        builder: Event builder component; ``None`` turns event building off.
    """

    builder: ComponentSpec | None = ComponentSpec("default")


@attrs.frozen
class ExportConfig:
    """What is written.

    Attributes:
        exporters: Exporters to run, in order. The default needs no extra: the
            ``timeline`` exporter needs matplotlib (``newscorpus[timeline]``), so it
            is on only when listed.
    """

    exporters: tuple[ComponentSpec, ...] = (ComponentSpec("jsonl"),)


@attrs.frozen
class ConfigOrigin:
    """Where a config was read from: the file and the line of each key path, so
    that errors found after loading (component options) still name file and line."""

    source: str | None = None
    lines: dict[str, int] = attrs.field(factory=dict)


@attrs.frozen
class PipelineConfig:
    """A whole pipeline.

    Attributes:
        inputs: Files, directories or globs to read.
        output: Output directory.
        plugins: Extra plugins by import path (``mypkg.plugin``).
        execution: See :class:`ExecutionConfig`.
        read: See :class:`ReadConfig`.
        clean: See :class:`CleanConfig`.
        dedup: See :class:`DedupConfig`.
        events: See :class:`EventsConfig`.
        export: See :class:`ExportConfig`.
        origin: The file and lines it was loaded from (not part of the config's
            data: :meth:`to_dict` leaves it out and equality ignores it).
    """

    inputs: tuple[str, ...] = ()
    output: str | None = None
    plugins: tuple[str, ...] = ()
    execution: ExecutionConfig = ExecutionConfig()
    read: ReadConfig = ReadConfig()
    clean: CleanConfig = CleanConfig()
    dedup: DedupConfig = DedupConfig()
    events: EventsConfig = EventsConfig()
    export: ExportConfig = ExportConfig()
    origin: ConfigOrigin | None = attrs.field(default=None, eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :func:`config_from_dict` turns back into this config."""
        return _to_data(self)  # type: ignore[no-any-return]

    def to_yaml(self) -> str:
        """The config as a YAML pipeline file."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


def _to_data(value: Any) -> Any:
    if isinstance(value, ComponentSpec):
        return value.to_data()
    if attrs.has(type(value)):
        return {f.name: _to_data(getattr(value, f.name)) for f in attrs.fields(type(value)) if f.name != "origin"}
    if isinstance(value, tuple | list):
        return [_to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_data(v) for k, v in value.items()}
    return value


# -- loading ------------------------------------------------------------------------------


class _Ctx:
    """Carries the file name and each key path's line for error messages."""

    def __init__(self, source: str | None, lines: dict[str, int]) -> None:
        self.source, self.lines = source, lines

    def error(self, key: str, message: str) -> ConfigError:
        line = self.lines.get(key)
        if line is None:  # fall back to the nearest enclosing key that has a line
            parts = key.split(".")
            while parts and line is None:
                parts.pop()
                line = self.lines.get(".".join(parts))
        return ConfigError(message, key=key or None, line=line, source=self.source)


def _lines(node: yaml.Node | None, prefix: str = "", out: dict[str, int] | None = None) -> dict[str, int]:
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for knode, vnode in node.value:
            key = f"{prefix}.{knode.value}" if prefix else str(knode.value)
            out[key] = knode.start_mark.line + 1
            _lines(vnode, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, vnode in enumerate(node.value):
            key = f"{prefix}.{i}"
            out[key] = vnode.start_mark.line + 1
            _lines(vnode, key, out)
    return out


#: Most values a pipeline file may expand to once its aliases are followed: a real
#: pipeline has a few hundred; a "billion laughs" file has 10^9.
MAX_YAML_VALUES = 100_000


def _check_expansion(node: yaml.Node | None, source: str) -> None:
    """Refuse a recursive alias or a file whose aliases expand past
    :data:`MAX_YAML_VALUES`, counting each shared node's size once (memoised), so
    the check itself stays linear in the file."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ConfigError("recursive YAML alias (an anchor used inside itself)",
                              line=n.start_mark.line + 1, source=source)
        active.add(key)
        total = 1
        children: list[yaml.Node] = []
        if isinstance(n, yaml.MappingNode):
            children = [c for pair in n.value for c in pair]
        elif isinstance(n, yaml.SequenceNode):
            children = list(n.value)
        for child in children:
            total += size(child)
            if total > MAX_YAML_VALUES:
                raise ConfigError(f"the file expands to more than {MAX_YAML_VALUES:,} values once its "
                                  "aliases are followed (an alias bomb?)",
                                  line=n.start_mark.line + 1, source=source)
        active.discard(key)
        sizes[key] = total
        return total

    if node is not None:
        try:
            size(node)
        except RecursionError:
            raise ConfigError("the file is nested too deeply", source=source) from None


def load_config(path: str | os.PathLike[str], **overrides: Any) -> PipelineConfig:
    """Read a YAML pipeline file.

    Relative ``inputs``, ``output``, ``dedup.index`` and ``clean.rule_packs`` are
    resolved against the file's folder. ``overrides`` replace top-level keys
    (as the CLI's ``--output`` does).
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read pipeline file: {exc.strerror}", source=source) from exc
    try:
        node = yaml.compose(text)
        _check_expansion(node, source)  # before anything walks the aliases
        data = yaml.safe_load(text)
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply", source=source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            line=mark.line + 1 if mark else None,
            source=source,
        ) from exc
    data = {} if data is None else data
    ctx = _Ctx(source, _lines(node))
    if not isinstance(data, dict):
        raise ctx.error("", "a pipeline file must be a mapping of keys to values")
    base = Path(path).parent
    config = _build(data, ctx)
    config = attrs.evolve(
        config,
        origin=ConfigOrigin(source, ctx.lines),
        inputs=tuple(_rel(base, p) for p in config.inputs),
        output=_rel(base, config.output) if config.output else None,
        clean=attrs.evolve(config.clean, rule_packs=tuple(_rel(base, p) for p in config.clean.rule_packs)),
        dedup=attrs.evolve(config.dedup, index=_rel(base, config.dedup.index) if config.dedup.index else None),
    )
    builder = config.events.builder
    if builder is not None and any(isinstance(builder.options.get(k), str) for k in _PATH_OPTIONS):
        opts = {k: _rel(base, v) if k in _PATH_OPTIONS and isinstance(v, str) else v
                for k, v in builder.options.items()}
        config = attrs.evolve(config, events=EventsConfig(builder=ComponentSpec(builder.name, opts)))
    return attrs.evolve(config, **overrides) if overrides else config


#: Event builder options that are file paths, resolved against the pipeline file's folder.
_PATH_OPTIONS = ("state", "model")


def _rel(base: Path, p: str) -> str:
    return p if os.path.isabs(p) or "://" in p else str(base / p)


def config_from_dict(data: Mapping[str, Any]) -> PipelineConfig:
    """Build a config from plain data (the YAML form), validating every key."""
    return _build(dict(data), _Ctx(None, {}))


_SECTIONS = {
    "inputs", "output", "plugins", "execution", "read", "clean", "dedup", "events", "export",
}


def _check_keys(data: Mapping[str, Any], allowed: set[str], prefix: str, ctx: _Ctx) -> None:
    for key in data:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; known keys: {', '.join(sorted(allowed))}"
            raise ctx.error(f"{prefix}{key}", f"unknown key '{key}'{hint}")


def _mapping(data: Any, key: str, ctx: _Ctx) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ctx.error(key, f"expected a mapping, got {type(data).__name__}")
    return data


def _strs(value: Any, key: str, ctx: _Ctx) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error(key, "expected a string or a list of strings")
    return tuple(value)


def _int(value: Any, key: str, ctx: _Ctx, minimum: int = 0, auto: int = 0) -> int:
    """A whole number >= ``minimum``; ``auto`` stands for the key's default (``auto``:
    0 would make ``max_document_bytes: auto`` quarantine everything and
    ``shard_bytes: auto`` divide by zero)."""
    if value == "auto":
        return auto
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ctx.error(key, f"expected a whole number >= {minimum} (or 'auto'), got {value!r}")
    return value


def _choice(value: Any, choices: Sequence[str], key: str, ctx: _Ctx) -> Any:
    if value not in choices:
        raise ctx.error(key, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _component(value: Any, key: str, ctx: _Ctx) -> ComponentSpec:
    if isinstance(value, str) and value:
        return ComponentSpec(value)
    if isinstance(value, dict):
        if "name" in value:
            name = value["name"]
            if not isinstance(name, str) or not name:
                raise ctx.error(f"{key}.name", "a component name must be a non-empty string")
            return ComponentSpec(name, {k: v for k, v in value.items() if k != "name"})
        if len(value) == 1:
            (name, opts), = value.items()
            return ComponentSpec(str(name), _mapping(opts, f"{key}.{name}", ctx))
    raise ctx.error(key, "a component is a name, {name: ..., option: ...}, or {name: {options}}")


def _components(value: Any, key: str, ctx: _Ctx) -> tuple[ComponentSpec, ...]:
    if isinstance(value, str | dict):
        value = [value]
    if not isinstance(value, list):
        raise ctx.error(key, "expected a list of components")
    return tuple(_component(v, f"{key}.{i}", ctx) for i, v in enumerate(value))


_DEFAULT_EX = ExecutionConfig()


def _fraction(value: Any, key: str, ctx: _Ctx) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ctx.error(key, f"expected a number from 0 to 1, got {value!r}")
    return float(value)


def _whole(value: Any, key: str, ctx: _Ctx, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ctx.error(key, f"expected a whole number >= {minimum}, got {value!r}")
    return value


def _repetition(value: Any, ctx: _Ctx) -> RepetitionConfig:
    """``clean.repetition``: a mapping of options, or ``true`` / ``false`` alone."""
    if value is None or value is True:
        return RepetitionConfig()
    if value is False:
        return RepetitionConfig(enabled=False)
    rp = _mapping(value, "clean.repetition", ctx)
    default = RepetitionConfig()
    _check_keys(rp, {f.name for f in attrs.fields(RepetitionConfig)}, "clean.repetition.", ctx)
    enabled = rp.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ctx.error("clean.repetition.enabled", "expected true or false")
    return RepetitionConfig(
        enabled=enabled,
        min_count=_whole(rp.get("min_count", default.min_count), "clean.repetition.min_count", ctx, 1),
        min_fraction=_fraction(rp.get("min_fraction", default.min_fraction), "clean.repetition.min_fraction", ctx),
        edge_lines=_whole(rp.get("edge_lines", default.edge_lines), "clean.repetition.edge_lines", ctx, 0),
        prose_words=_whole(rp.get("prose_words", default.prose_words), "clean.repetition.prose_words", ctx, 1),
        prose_fraction=_fraction(rp.get("prose_fraction", default.prose_fraction),
                                 "clean.repetition.prose_fraction", ctx),
    )


def _build(data: dict[str, Any], ctx: _Ctx) -> PipelineConfig:
    _check_keys(data, _SECTIONS, "", ctx)
    ex = _mapping(data.get("execution"), "execution", ctx)
    _check_keys(ex, {"executor", "workers", "shards", "shard_bytes", "batch_size", "event_windows"},
                "execution.", ctx)
    execution = ExecutionConfig(
        executor=_component(ex.get("executor", "local"), "execution.executor", ctx),
        workers=_int(ex.get("workers", 0), "execution.workers", ctx),
        shards=_int(ex.get("shards", 0), "execution.shards", ctx),
        shard_bytes=_int(ex.get("shard_bytes", _DEFAULT_EX.shard_bytes), "execution.shard_bytes", ctx, 1,
                         auto=_DEFAULT_EX.shard_bytes),
        batch_size=_int(ex.get("batch_size", _DEFAULT_EX.batch_size), "execution.batch_size", ctx, 1,
                        auto=_DEFAULT_EX.batch_size),
        event_windows=_int(ex.get("event_windows", 0), "execution.event_windows", ctx),
    )
    rd = _mapping(data.get("read"), "read", ctx)
    _check_keys(rd, {"readers", "parsers", "options", "fields", "language", "limits", "follow_symlinks",
                     "max_files", "include", "exclude"}, "read.", ctx)
    lim = _mapping(rd.get("limits"), "read.limits", ctx)
    limit_names = {f.name for f in attrs.fields(Limits)}
    _check_keys(lim, limit_names, "read.limits.", ctx)
    defaults = attrs.asdict(Limits())
    limits = Limits(**{k: _int(v, f"read.limits.{k}", ctx, 1, auto=defaults[k]) for k, v in lim.items()})
    for sect in ("readers", "parsers", "fields"):
        for k, v in _mapping(rd.get(sect), f"read.{sect}", ctx).items():
            if not isinstance(v, str):
                raise ctx.error(f"read.{sect}.{k}", "expected a string")
    options = _mapping(rd.get("options"), "read.options", ctx)
    for k, v in options.items():
        _mapping(v, f"read.options.{k}", ctx)
    language = rd.get("language", True)
    follow = rd.get("follow_symlinks", False)
    for key, value in (("language", language), ("follow_symlinks", follow)):
        if not isinstance(value, bool):
            raise ctx.error(f"read.{key}", "expected true or false")
    read = ReadConfig(
        readers=dict(rd.get("readers") or {}),
        parsers=dict(rd.get("parsers") or {}),
        options={k: dict(v or {}) for k, v in options.items()},
        fields=dict(rd.get("fields") or {}),
        language=language,
        limits=limits,
        follow_symlinks=follow,
        max_files=_int(rd.get("max_files", 1_000_000), "read.max_files", ctx, 1, auto=1_000_000),
        include=tuple(_strs(rd.get("include"), "read.include", ctx)),
        exclude=tuple(_strs(rd.get("exclude"), "read.exclude", ctx)),
    )
    cl = _mapping(data.get("clean"), "clean", ctx)
    _check_keys(cl, {"cleaners", "rule_packs", "repetition"}, "clean.", ctx)
    clean = CleanConfig(
        cleaners=None if cl.get("cleaners") is None else _components(cl["cleaners"], "clean.cleaners", ctx),
        rule_packs=_strs(cl.get("rule_packs"), "clean.rule_packs", ctx),
        repetition=_repetition(cl.get("repetition"), ctx),
    )
    dd = _mapping(data.get("dedup"), "dedup", ctx)
    _check_keys(dd, {"methods", "mode", "canonical", "prefer_sources", "index"}, "dedup.", ctx)
    index = dd.get("index")
    if index is not None and not isinstance(index, str):
        raise ctx.error("dedup.index", "expected a file path")
    dedup = DedupConfig(
        methods=None if dd.get("methods") is None else _components(dd["methods"], "dedup.methods", ctx),
        mode=_choice(dd.get("mode", "mark"), ("mark", "drop"), "dedup.mode", ctx),
        canonical=_choice(dd.get("canonical", "earliest"), ("earliest", "longest", "first"), "dedup.canonical", ctx),
        prefer_sources=_strs(dd.get("prefer_sources"), "dedup.prefer_sources", ctx),
        index=index,
    )
    ev = _mapping(data.get("events"), "events", ctx)
    _check_keys(ev, {"builder"}, "events.", ctx)
    builder = ev.get("builder", "default")
    events = EventsConfig(builder=None if builder in (None, False) else _component(builder, "events.builder", ctx))
    exd = _mapping(data.get("export"), "export", ctx)
    _check_keys(exd, {"exporters"}, "export.", ctx)
    export = ExportConfig(
        exporters=_components(exd.get("exporters", ["jsonl"]), "export.exporters", ctx)
    )
    output = data.get("output")
    if output is not None and not isinstance(output, str):
        raise ctx.error("output", "expected a directory path")
    return PipelineConfig(
        inputs=_strs(data.get("inputs"), "inputs", ctx),
        output=output,
        plugins=_strs(data.get("plugins"), "plugins", ctx),
        execution=execution,
        read=read,
        clean=clean,
        dedup=dedup,
        events=events,
        export=export,
    )


# -- components and their options ------------------------------------------------------


def check_components(config: PipelineConfig, registry: Registry) -> None:
    """Check that every component ``config`` names is registered and that its
    options are ones it declares, with values of the declared types and ranges.

    Runs once the plugins are loaded (``newscorpus config`` and the start of every
    run). Components that declare no ``Options`` accept any options (see
    :mod:`newscorpus.options`).

    Raises:
        ConfigError: naming the key path, the file and line when the config was
            read from one, and the closest registered name or declared option.
    """
    origin = config.origin or ConfigOrigin()
    ctx = _Ctx(origin.source, origin.lines)
    specs: list[tuple[str, str, ComponentSpec]] = [("executor", "execution.executor", config.execution.executor)]
    for family, base, group in (("cleaner", "clean.cleaners", config.clean.cleaners),
                                ("deduplicator", "dedup.methods", config.dedup.methods),
                                ("exporter", "export.exporters", config.export.exporters)):
        specs += [(family, f"{base}.{i}", spec) for i, spec in enumerate(group or ())]
    if config.events.builder is not None:
        specs.append(("event_builder", "events.builder", config.events.builder))
    for family, key, spec in specs:
        cls = _registered(registry, family, spec.name, _name_key(key, ctx), ctx)
        # the one-key form puts options under the name: dedup.methods.0.near.jaccard
        nested = f"{key}.{spec.name}"
        _check_options([(family, cls)], spec.options, nested if nested in ctx.lines else key, ctx)
    for sect, family in (("readers", "reader"), ("parsers", "parser")):
        for pattern, name in getattr(config.read, sect).items():
            _registered(registry, family, name, f"read.{sect}.{pattern}", ctx)
    for name, opts in config.read.options.items():
        classes = [(f, registry.get(f, name)) for f in ("reader", "parser") if name in registry.names(f)]
        if not classes:
            known = sorted({*registry.names("reader"), *registry.names("parser")})
            raise ctx.error(f"read.options.{name}",
                            f"no reader or parser named {name!r} is registered{_did_you_mean(name, known)}")
        _check_options(classes, opts, f"read.options.{name}", ctx)


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean '{near[0]}'?" if near else f" (known: {', '.join(sorted(known)) or 'none'})"


def _name_key(key: str, ctx: _Ctx) -> str:
    """The key path of a component's name: ``...0.name`` in the ``{name: ...}`` form."""
    return f"{key}.name" if f"{key}.name" in ctx.lines else key


def _registered(registry: Registry, family: str, name: str, key: str, ctx: _Ctx) -> type:
    if name not in registry.names(family):
        hint = _did_you_mean(name, registry.names(family))
        if "did you mean" not in hint:
            hint += "; is the plugin that provides it installed?"
        raise ctx.error(key, f"no {family.replace('_', ' ')} named {name!r} is registered{hint}")
    return registry.get(family, name)


def _check_options(classes: Sequence[tuple[str, type]], options: Mapping[str, Any], key: str, ctx: _Ctx) -> None:
    """Check each option against the classes it is given to (a reader and a parser
    may share a name and so its ``read.options`` entry): an option passes when one of
    them declares it with a good value, or declares no options at all."""
    for opt, value in options.items():
        errors: list[OptionError] = []
        for family, cls in classes:
            try:
                parse_options(cls, {opt: value}, family)
                break
            except OptionError as exc:
                errors.append(exc)
        else:
            # an error about the value beats "unknown option" from a class that lacks it,
            # and a did-you-mean beats a plain "unknown option"
            err = min(errors, key=lambda e: (e.message.startswith("unknown option"), "did you mean" not in e.message))
            raise ctx.error(f"{key}.{err.key}", err.message)
