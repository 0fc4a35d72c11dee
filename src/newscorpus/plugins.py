"""Loading plugins and looking up the components they register.

:func:`get_plugin_manager` builds a pluggy manager with the built-in plugins, the
``newscorpus`` entry points of installed distributions (filtered by the
``NEWSCORPUS_PLUGINS`` allow-list) and any plugins named by import path.
:class:`Registry` collects what the ``register_*`` hooks register.

Worker processes call these functions again rather than receiving a pickled manager:
a plugin manager holds module objects and hook callers that do not survive pickling.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata as md
import os
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pluggy

from . import hookspecs
from .cleaners.base import Cleaner
from .dedup.base import Deduplicator
from .errors import ConfigError, PluginConflictError, UnknownComponentError
from .events.base import EventBuilder
from .executors.base import Executor
from .exporters.base import Exporter
from .hookspecs import Register
from .options import declared_options, options_table
from .parsers.base import Parser
from .readers.base import Reader

__all__ = [
    "ALLOW_ENV",
    "ENTRY_POINT_GROUP",
    "FAMILIES",
    "FAMILY_BASES",
    "CleanerRegister",
    "DeduplicatorRegister",
    "EventBuilderRegister",
    "ExecutorRegister",
    "ExporterRegister",
    "ParserRegister",
    "PluginInfo",
    "ReaderRegister",
    "Registry",
    "get_plugin_manager",
    "get_registry",
    "load_object",
    "options_reference",
]

#: Entry-point group third-party distributions declare their plugins in.
ENTRY_POINT_GROUP = "newscorpus"
#: Comma-separated entry-point names to load; unset loads all, empty loads none.
ALLOW_ENV = "NEWSCORPUS_PLUGINS"

#: Component families, each with the registration hook that fills it.
FAMILIES: dict[str, str] = {
    "reader": "register_readers",
    "parser": "register_parsers",
    "cleaner": "register_cleaners",
    "deduplicator": "register_deduplicators",
    "event_builder": "register_event_builders",
    "exporter": "register_exporters",
    "executor": "register_executors",
}

#: The base class every component of a family subclasses; registration checks it.
FAMILY_BASES: dict[str, type] = {
    "reader": Reader,
    "parser": Parser,
    "cleaner": Cleaner,
    "deduplicator": Deduplicator,
    "event_builder": EventBuilder,
    "exporter": Exporter,
    "executor": Executor,
}

#: Typed ``register`` callables, one per family, for plugin authors' annotations
#: (``def register_readers(register: ReaderRegister) -> None``).
ReaderRegister = Register[Reader]
ParserRegister = Register[Parser]
CleanerRegister = Register[Cleaner]
DeduplicatorRegister = Register[Deduplicator]
EventBuilderRegister = Register[EventBuilder]
ExporterRegister = Register[Exporter]
ExecutorRegister = Register[Executor]

#: Built-in plugin modules: each family's ``plugin`` module registers its
#: components through the same hooks third-party plugins use.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "newscorpus.readers.plugin",
    "newscorpus.parsers.plugin",
    "newscorpus.language",
    "newscorpus.cleaners.plugin",
    "newscorpus.dedup.plugin",
    "newscorpus.events.plugin",
    "newscorpus.exporters.plugin",
    "newscorpus.executors.plugin",
)


def load_object(path: str) -> Any:
    """Import ``module:attribute`` (or a bare module) and return it."""
    module_name, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def _allowed(name: str, dist: str | None) -> bool:
    allow = os.environ.get(ALLOW_ENV)
    if allow is None:
        return True
    names = {n.strip() for n in allow.split(",") if n.strip()}
    return name in names or (dist is not None and dist in names)


def get_plugin_manager(
    extra: Sequence[str] = (), *, entry_points: bool = True, objects: Iterable[Any] = ()
) -> pluggy.PluginManager:
    """Build the plugin manager.

    Args:
        extra: Plugins to add by import path (``package.module`` or ``module:obj``),
            as listed under ``plugins:`` in a pipeline file.
        entry_points: Load the ``newscorpus`` entry points of installed
            distributions (subject to the ``NEWSCORPUS_PLUGINS`` allow-list).
        objects: Plugin objects to register directly (in-process use only: worker
            processes cannot see them).
    """
    pm = pluggy.PluginManager("newscorpus")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if entry_points:
        for ep in sorted(md.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist is not None else None
            if _allowed(ep.name, dist) and not pm.has_plugin(ep.name):
                # pluggy's public loader, one allowed name at a time: it records the
                # distribution (for ``newscorpus plugins``) as well
                pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=ep.name)
    for i, path in enumerate(extra):
        if not pm.has_plugin(path):
            try:
                plugin = load_object(path)
            except (ImportError, AttributeError) as exc:  # a typo or an uninstalled package
                raise ConfigError(f"cannot load plugin {path!r}: {exc}", key=f"plugins.{i}") from exc
            pm.register(plugin, name=path)
    for obj in objects:
        if pm.get_name(obj) is None:
            pm.register(obj)
    check_hooks(pm)
    return pm


def check_hooks(pm: pluggy.PluginManager) -> None:
    """Fail on a hook implementation that matches no hook newscorpus declares (a
    misspelt ``register_reader`` would otherwise be silently ignored), naming the
    closest hook; then let pluggy check the rest (:meth:`~pluggy.PluginManager.check_pending`).

    Raises:
        ConfigError: key ``plugins``, naming the plugin and the hook.
    """
    known = sorted(n for n, c in vars(pm.hook).items() if isinstance(c, pluggy.HookCaller) and c.has_spec())
    for name, caller in sorted(vars(pm.hook).items()):
        if not isinstance(caller, pluggy.HookCaller) or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.optionalhook:
                continue
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f" (hooks: {', '.join(known)})"
            # objects registered from Python get a numeric name; their class says more
            label = type(impl.plugin).__qualname__ if impl.plugin_name.isdigit() else impl.plugin_name
            raise ConfigError(f"plugin {label!r} implements {name!r}, which is not a newscorpus "
                              f"hook{hint}", key="plugins")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise ConfigError(f"plugin {exc.plugin!r}: {exc}", key="plugins") from exc


@attrs.frozen
class PluginInfo:
    """What ``newscorpus plugins`` shows for one plugin."""

    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]
    components: tuple[tuple[str, str], ...]  # (family, component name)


class Registry:
    """The components registered by every plugin in a manager, by family and name."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._components: dict[str, dict[str, tuple[type, str]]] = {f: {} for f in FAMILIES}
        self.rule_packs: list[tuple[str, str]] = []  # (path, plugin)
        for family, hook_name in FAMILIES.items():
            hook = getattr(pm.hook, hook_name)
            for impl in reversed(hook.get_hookimpls()):  # registration order
                impl.function(register=self._registrar(family, impl.plugin_name))
        for impl in reversed(pm.hook.register_rule_packs.get_hookimpls()):
            plugin = impl.plugin_name
            impl.function(register=lambda path, _p=plugin: self.rule_packs.append((str(path), _p)))

    def options_declared(self, family: str, name: str) -> bool:
        """Whether component ``name`` declares its options (see :mod:`newscorpus.options`);
        one that does not accepts any options unchecked."""
        return declared_options(self.get(family, name)) is not None

    def _registrar(self, family: str, plugin: str) -> Register[Any]:
        base = FAMILY_BASES[family]

        def register(component: type[Any], /) -> None:
            if not (isinstance(component, type) and issubclass(component, base)):
                raise TypeError(f"plugin {plugin!r} registered {component!r} as a {family}, but it is not a "
                                f"subclass of {base.__module__}.{base.__qualname__}")
            name = getattr(component, "name", None)
            if not isinstance(name, str) or not name:
                raise TypeError(
                    f"plugin {plugin!r} registered {component!r} as a {family} without a 'name'"
                )
            known = self._components[family].get(name)
            if known is not None and known[0] is not component:
                raise PluginConflictError(
                    f"{family} {name!r} is registered by both plugin {known[1]!r} and plugin "
                    f"{plugin!r}; uninstall one, or exclude it with {ALLOW_ENV}"
                )
            self._components[family][name] = (component, plugin)

        return register

    def names(self, family: str) -> list[str]:
        """Names registered in ``family``, sorted."""
        return sorted(self._components[family])

    def get(self, family: str, name: str) -> type[Any]:
        """The component class ``name`` of ``family``."""
        try:
            return self._components[family][name][0]
        except KeyError:
            known = ", ".join(self.names(family)) or "none"
            raise UnknownComponentError(
                f"no {family.replace('_', ' ')} named {name!r} is registered (known: {known}); "
                "is the plugin that provides it installed?"
            ) from None

    def plugin_of(self, family: str, name: str) -> str:
        """Name of the plugin that registered component ``name``."""
        return self._components[family][name][1]

    def items(self, family: str) -> list[tuple[str, type[Any]]]:
        """``(name, class)`` pairs of ``family``, sorted by name."""
        return [(n, self._components[family][n][0]) for n in self.names(family)]

    def plugins(self) -> list[PluginInfo]:
        """Every loaded plugin with its version and the components it registered."""
        dists = {id(plugin): dist for plugin, dist in self.pm.list_plugin_distinfo()}
        out = []
        for name, plugin in sorted(self.pm.list_name_plugin()):
            dist = dists.get(id(plugin))
            if dist is None and name.startswith("newscorpus."):
                version: str | None = _version("newscorpus")
                dist_name: str | None = "newscorpus"
            else:
                version = dist.version if dist is not None else None
                dist_name = dist.metadata["Name"] if dist is not None else None
            comps = tuple(
                (family, cname)
                for family in FAMILIES
                for cname, (_cls, pname) in sorted(self._components[family].items())
                if pname == name
            )
            packs = tuple(("rule_pack", os.path.basename(p)) for p, pn in self.rule_packs if pn == name)
            hooks = tuple(sorted(c.name for c in self.pm.get_hookcallers(plugin) or ()))
            out.append(PluginInfo(name, version, dist_name, hooks, comps + packs))
        return out


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def get_registry(
    extra: Sequence[str] = (), *, entry_points: bool = True, objects: Iterable[Any] = ()
) -> Registry:
    """Build a plugin manager and the registry of its components."""
    return Registry(get_plugin_manager(extra, entry_points=entry_points, objects=objects))


#: Titles of the families in the options reference.
_FAMILY_TITLES = {
    "reader": "Readers (`read.options.NAME`)",
    "parser": "Parsers (`read.options.NAME`)",
    "cleaner": "Cleaners (`clean.cleaners`)",
    "deduplicator": "Deduplicators (`dedup.methods`)",
    "event_builder": "Event builders (`events.builder`)",
    "exporter": "Exporters (`export.exporters`)",
    "executor": "Executors (`execution.executor`)",
}


def options_reference(registry: Registry, *, first_party: bool = True) -> str:
    """The options of every registered component as Markdown: a heading per family,
    then per component its plugin and its :func:`newscorpus.options.options_table`.
    ``first_party`` keeps newscorpus's own and its ``newscorpus-*`` plugins' components
    (``docs/configuration.md`` is generated from this, and a test compares them)."""
    out: list[str] = []
    for family, title in _FAMILY_TITLES.items():
        rows = []
        for name, cls in registry.items(family):
            top = cls.__module__.split(".")[0]
            if first_party and top != "newscorpus" and not top.startswith("newscorpus_"):
                continue
            where = "built in" if top == "newscorpus" else f"plugin `{top.replace('_', '-')}`"
            rows.append(f"#### `{name}` ({where})\n\n{options_table(cls)}")
        if rows:
            out.append(f"### {title}\n\n" + "\n".join(rows))
    return "\n".join(out)
