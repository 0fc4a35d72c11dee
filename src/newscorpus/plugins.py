"""Loading plugins and looking up the components they register.

:func:`get_plugin_manager` builds a pluggy manager with the built-in plugins, the
``newscorpus`` entry points of installed distributions (filtered by the
``NEWSCORPUS_PLUGINS`` allow-list) and any plugins named by import path.
:class:`Registry` collects what the ``register_*`` hooks register.

Worker processes call these functions again rather than receiving a pickled manager:
a plugin manager holds module objects and hook callers that do not survive pickling.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import os
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pluggy

from . import hookspecs
from .errors import ConfigError, PluginConflictError, UnknownComponentError

__all__ = [
    "ALLOW_ENV",
    "ENTRY_POINT_GROUP",
    "FAMILIES",
    "PluginInfo",
    "Registry",
    "get_plugin_manager",
    "get_registry",
    "load_object",
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
            if not _allowed(ep.name, dist) or pm.has_plugin(ep.name):
                continue
            pm.register(ep.load(), name=ep.name)
            if ep.dist is not None:
                pm._plugin_distinfo.append((pm.get_plugin(ep.name), ep.dist))  # as pluggy's own loader does
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
    return pm


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

    def _registrar(self, family: str, plugin: str) -> Any:
        def register(component: type) -> None:
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
