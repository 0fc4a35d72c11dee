"""The package's layering, checked on the import graph (every module under
src/newscorpus parsed with ast; imports inside functions and TYPE_CHECKING blocks count,
since they are dependencies all the same). docs/architecture.md draws these layers.

A module may import its own layer and the layers below it, never one above:

0. base: models, errors, hooks and the file helpers every layer uses;
1. components: one package per family (readers, parsers, cleaners, dedup, events,
   exporters) and the helpers they share (outlets, language, entities, explain);
2. assembly: configuration, the plugin registry, the runtime that builds components,
   executors;
3. stages: the sharded stages, built from components through the runtime;
4. orchestration: the pipeline that plans and runs the stages;
5. entry points: the package root, the in-memory API and the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "newscorpus"

# First name under newscorpus -> layer. A new top-level module or package must be
# placed here: the layering is a decision, not a default.
LAYERS: dict[str, int] = {
    **dict.fromkeys(["models", "errors", "ids", "hookspecs", "report", "workdir", "serialize", "progress",
                     "options"], 0),
    **dict.fromkeys(["readers", "parsers", "cleaners", "dedup", "events", "exporters",
                     "outlets", "language", "langid_pair", "entities", "explain", "data",
                     "inmemory"], 1),
    **dict.fromkeys(["config", "plugins", "runtime", "executors"], 2),
    "stages": 3,
    "pipeline": 4,
    **dict.fromkeys(["__init__", "api", "cli"], 5),
    # The local executor's forkserver entry point: it runs the in-memory API to load the models.
    **dict.fromkeys(["preload", "_warm_server"], 5),
    # Contract checks for plugin authors' tests: they build components as a run does (the registry's packs).
    "testing": 5,
}
LAYER_NAMES = ["base", "components", "assembly", "stages", "orchestration", "entry points"]

# Known violations: (importer, imported) -> why it is still there. Each must still
# exist (a fixed one is removed from this list), and nothing else may break the rules.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(module: str, path: Path) -> set[str]:
    """Every newscorpus module (or package) ``module`` imports."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "newscorpus")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            else:
                prefix = node.module or ""
            if prefix.split(".")[0] != "newscorpus":
                continue
            for alias in node.names:
                if prefix == "newscorpus" and alias.name == "__version__":
                    continue  # package metadata, not a dependency on the entry layer
                candidate = f"{prefix}.{alias.name}"
                found.add(candidate if candidate in MODULES else prefix)
    return found


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def test_every_module_is_placed_in_a_layer() -> None:
    unplaced = sorted({_top(m) for m in MODULES} - set(LAYERS))
    assert not unplaced, f"place these in LAYERS (tests/test_layering.py) and docs/architecture.md: {unplaced}"


def test_the_import_graph_sees_the_imports() -> None:
    # The checker itself: known edges are found, relative and absolute, lazy included.
    assert "newscorpus.models" in GRAPH["newscorpus.events.base"]
    assert "newscorpus.runtime" in GRAPH["newscorpus.stages.parse"]
    assert "newscorpus.pipeline" in GRAPH["newscorpus.cli"]


def _violations(graph: dict[str, set[str]] = GRAPH) -> dict[tuple[str, str], str]:
    out = {}
    for importer, targets in graph.items():
        for target in targets:
            a, b = LAYERS.get(_top(importer)), LAYERS.get(_top(target))
            if a is not None and b is not None and b > a:
                out[(importer, target)] = f"{LAYER_NAMES[a]} imports {LAYER_NAMES[b]}"
    return out


def test_an_upward_import_is_caught() -> None:
    graph = {
        "newscorpus.readers.x": {"newscorpus.runtime", "newscorpus.models"},
        "newscorpus.stages.y": {"newscorpus.dedup"},
    }
    assert set(_violations(graph)) == {("newscorpus.readers.x", "newscorpus.runtime")}


def test_no_module_imports_a_layer_above_it() -> None:
    unexpected = {k: v for k, v in _violations().items() if k not in KNOWN_EXCEPTIONS}
    assert not unexpected, "\n".join(f"{a} -> {b}: {why}" for (a, b), why in sorted(unexpected.items()))


def test_known_exceptions_are_still_real() -> None:
    """Every listed exception is still an import that goes up (none today): a fixed
    one must leave the list, so the list cannot go stale."""
    fixed = sorted(edge for edge in KNOWN_EXCEPTIONS if edge not in _violations())
    assert not fixed, f"fixed, remove from KNOWN_EXCEPTIONS: {fixed}"


@pytest.mark.parametrize("family", ["readers", "parsers", "cleaners", "dedup", "events", "exporters"])
def test_component_packages_never_import_the_runtime_stages_or_entry_points(family: str) -> None:
    forbidden = {"runtime", "pipeline", "stages", "cli", "api", "executors", "config", "plugins"}
    bad = sorted(
        (m, t) for m, targets in GRAPH.items() if _top(m) == family
        for t in targets if _top(t) in forbidden and (m, t) not in KNOWN_EXCEPTIONS
    )
    assert not bad


def test_base_modules_import_only_base_modules() -> None:
    bad = sorted((m, t) for m, ts in GRAPH.items() if LAYERS.get(_top(m)) == 0 for t in ts if LAYERS.get(_top(t)) != 0)
    assert not bad


def test_events_do_not_depend_on_dedup() -> None:
    assert not [(m, t) for m, ts in GRAPH.items() if _top(m) == "events" for t in ts if _top(t) == "dedup"]

