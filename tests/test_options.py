"""Component options: declared, typed, checked when a config is loaded.

Each typo of the matrix must fail with the file, the line, the key path and the
closest known key, and ``newscorpus config`` must exit 2 with one line and no
traceback. Every pipeline example in the docs must load and pass the same check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from newscorpus.config import check_components, config_from_dict, load_config
from newscorpus.errors import ConfigError
from newscorpus.options import OptionError, declared_options, option, options_table, parse_options, positive
from newscorpus.plugins import FAMILIES, Registry, get_registry, options_reference

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return get_registry()


def _has(registry: Registry, family: str, name: str) -> bool:
    return name in registry.names(family)


# (yaml text, line of the bad key, key path, expected hint, component it needs (family, name))
TYPOS: list[tuple[str, int, str, str, tuple[str, str]]] = [
    # the three
    ("dedup:\n  methods:\n    - near: {jacard: 0.5}\n", 3, "dedup.methods.0.near.jacard", "did you mean 'jaccard'",
     ("deduplicator", "near")),
    ("read:\n  options:\n    plaintext:\n      has_titel: true\n", 4, "read.options.plaintext.has_titel",
     "did you mean 'has_title'", ("parser", "plaintext")),
    ("export:\n  exporters:\n    - jsonl\n    - parquet:\n        row_group_size: 5000\n", 5,
     "export.exporters.1.parquet.row_group_size", "did you mean 'row_group_rows'", ("exporter", "parquet")),
    # one per family
    ("read:\n  options:\n    text: {encodng: auto}\n", 3, "read.options.text.encodng", "did you mean 'encoding'",
     ("reader", "text")),
    ("clean:\n  cleaners:\n    - name: footers\n      tail_windw: 3\n", 4, "clean.cleaners.0.tail_windw",
     "did you mean 'tail_window'", ("cleaner", "footers")),
    ("events:\n  builder:\n    default:\n      treshold: 0.3\n", 4, "events.builder.default.treshold",
     "did you mean 'threshold'", ("event_builder", "default")),
    ("execution:\n  executor: {name: local, start_methd: fork}\n", 2, "execution.executor.start_methd",
     "did you mean 'start_method'", ("executor", "local")),
    ("export:\n  exporters:\n    - jsonl: {article: a.jsonl}\n", 3, "export.exporters.0.jsonl.article",
     "did you mean 'articles'", ("exporter", "jsonl")),
    # unknown component names
    ("dedup:\n  methods: [exact, nearr]\n", 2, "dedup.methods.1", "did you mean 'near'", ("deduplicator", "near")),
    ("clean:\n  cleaners:\n    - footer\n", 3, "clean.cleaners.0", "did you mean 'footers'", ("cleaner", "footers")),
    ("export:\n  exporters: [jsonl, parquett]\n", 2, "export.exporters.1", "did you mean 'parquet'",
     ("exporter", "parquet")),
    ("read:\n  options:\n    plaintxt: {has_title: false}\n", 3, "read.options.plaintxt", "did you mean 'plaintext'",
     ("parser", "plaintext")),
    ("read:\n  parsers:\n    text/plain: plaintxt\n", 3, "read.parsers.text/plain", "did you mean 'plaintext'",
     ("parser", "plaintext")),
    ("events:\n  builder: defualt\n", 2, "events.builder", "did you mean 'default'", ("event_builder", "default")),
    ("execution:\n  executor: locall\n", 2, "execution.executor", "did you mean 'local'", ("executor", "local")),
    # bad values
    ("dedup:\n  methods:\n    - {name: near, jaccard: 1.5}\n", 3, "dedup.methods.0.jaccard", "from 0 to 1",
     ("deduplicator", "near")),
    ("read:\n  options:\n    plaintext: {has_title: 'yes'}\n", 3, "read.options.plaintext.has_title",
     "expected true or false", ("parser", "plaintext")),
    ("clean:\n  cleaners:\n    - footers: {head_window: 0}\n", 3, "clean.cleaners.0.footers.head_window",
     "must be >= 1", ("cleaner", "footers")),
    ("execution:\n  executor:\n    local: {start_method: thread}\n", 3, "execution.executor.local.start_method",
     "must be one of auto, spawn, forkserver, fork", ("executor", "local")),
    ("dedup:\n  methods:\n    - translation: {languages: en}\n", 3, "dedup.methods.0.translation.languages",
     "expected list of string", ("deduplicator", "translation")),
]


@pytest.mark.parametrize(("text", "line", "key", "hint", "needs"), TYPOS, ids=[t[2] for t in TYPOS])
def test_typo_fails_with_file_line_key_and_hint(tmp_path: Path, registry: Registry, text: str, line: int,
                                                key: str, hint: str, needs: tuple[str, str]) -> None:
    if not _has(registry, *needs):
        pytest.skip(f"{needs[1]} is not installed")
    path = tmp_path / "pipeline.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        check_components(load_config(path), registry)
    err = info.value
    assert (err.source, err.line, err.key) == (str(path), line, key)
    assert hint in err.message
    assert str(err).startswith(f"{path}:{line}, key '{key}': ")


@pytest.mark.parametrize("index", [0, 1, 2, 9, 15])
def test_cli_config_exits_2_with_one_line(tmp_path: Path, registry: Registry, index: int) -> None:
    text, line, key, hint, needs = TYPOS[index]
    if not _has(registry, *needs):
        pytest.skip(f"{needs[1]} is not installed")
    path = tmp_path / "pipeline.yaml"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "newscorpus.cli", "config", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert f"{path}:{line}, key '{key}'" in lines[0] and hint in lines[0]


def test_cli_run_exits_2_before_any_work(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text("dedup:\n  methods:\n    - near: {jacard: 0.5}\n", encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("Title\n\nBody text of the article.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "newscorpus.cli", "run", str(src), "--output", str(out),
                           "--config", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "did you mean 'jaccard'" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out / "work").exists()


def test_config_from_dict_errors_name_the_key(registry: Registry) -> None:
    """Without a file there is no line; the key path is the component's."""
    config = config_from_dict({"dedup": {"methods": [{"near": {"jacard": 0.5}}]}})
    with pytest.raises(ConfigError, match=r"^key 'dedup.methods.0.jacard': .*did you mean 'jaccard'"):
        check_components(config, registry)


def test_good_options_pass(registry: Registry) -> None:
    config = config_from_dict({
        "read": {"options": {"plaintext": {"has_title": False}, "text": {"encoding": "auto"}}},
        "clean": {"cleaners": [{"footers": {"tail_window": 3, "disable": ["footer.*"]}}, "lede"]},
        "dedup": {"methods": [{"near": {"jaccard": 0.5, "bins": 64}}, "exact"]},
        "events": {"builder": {"default": {"threshold": 0.3, "merge": False}}},
        "execution": {"executor": {"local": {"start_method": "spawn"}}},
    })
    check_components(config, registry)


# -- the docs' own examples ------------------------------------------------------------

_SECTIONS = {"inputs", "output", "plugins", "execution", "read", "clean", "dedup", "events", "export"}


def _pipeline_blocks() -> list[tuple[str, int, str]]:
    """Every ```yaml block of the docs whose top-level keys are pipeline sections."""
    found = []
    for md in sorted(DOCS.glob("*.md")):
        text = md.read_text(encoding="utf-8")
        for m in re.finditer(r"^```ya?ml\n(.*?)^```", text, re.M | re.S):
            try:
                data = yaml.safe_load(m.group(1))
            except yaml.YAMLError:
                continue
            if isinstance(data, dict) and data and set(data) <= _SECTIONS:
                found.append((md.name, text[: m.start()].count("\n") + 1, m.group(1)))
    return found


BLOCKS = _pipeline_blocks()


def test_docs_have_pipeline_examples() -> None:
    names = {name for name, _line, _text in BLOCKS}
    assert {"configuration.md", "plugins.md"} <= names


@pytest.mark.parametrize(("doc", "line", "text"), BLOCKS, ids=[f"{d}:{n}" for d, n, _t in BLOCKS])
def test_docs_examples_load_and_check(tmp_path: Path, registry: Registry, doc: str, line: int, text: str) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    missing = [s.name for s in (*(config.export.exporters), *(config.dedup.methods or ()))
               if s.name not in registry.names("exporter") + registry.names("deduplicator")]
    if missing or config.plugins:
        pytest.skip(f"{doc}:{line} needs {missing or config.plugins}")
    check_components(config, registry)


# -- the options machinery --------------------------------------------------------------


@attrs.frozen
class _Opts:
    count: int = option(2, "A count.", positive)
    ratio: float = option(0.5, "A ratio.")
    names: tuple[str, ...] = option((), "Names.")
    mode: str | None = option(None, "A mode.")


class _Component:
    name = "demo"
    Options = _Opts


class _Undeclared:
    name = "loose"


def test_parse_options_coerces_and_defaults() -> None:
    opts = parse_options(_Component, {"ratio": 1, "names": ["a", "b"]})
    assert opts == _Opts(count=2, ratio=1.0, names=("a", "b"), mode=None)
    assert isinstance(opts.ratio, float)


def test_framework_keys_are_not_options() -> None:
    assert parse_options(_Component, {"limits": object(), "fields": {}}, "parser") == _Opts()
    with pytest.raises(OptionError, match="unknown option"):
        parse_options(_Component, {"limits": object()}, "exporter")


def test_undeclared_component_accepts_anything() -> None:
    assert declared_options(_Undeclared) is None
    assert parse_options(_Undeclared, {"anything": [1, 2]}) is None
    assert "unchecked" in options_table(_Undeclared)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda k: k not in {"count", "ratio", "names", "mode"}))
def test_any_unknown_key_is_refused_by_name(key: str) -> None:
    with pytest.raises(OptionError) as info:
        parse_options(_Component, {key: 1})
    assert info.value.key == key and "unknown option" in info.value.message


@given(st.one_of(st.booleans(), st.text(max_size=5), st.lists(st.integers(), max_size=2), st.integers(max_value=0)))
def test_bad_count_values_are_refused(value: Any) -> None:
    with pytest.raises(OptionError) as info:
        parse_options(_Component, {"count": value})
    assert info.value.key == "count"


def test_every_registered_component_declares_options(registry: Registry) -> None:
    """Built-in and first-party components all declare options; their defaults
    build (a default that fails its own validator would show here)."""
    for family in FAMILIES:
        for name, cls in registry.items(family):
            module = cls.__module__.split(".")[0]
            if module != "newscorpus" and not module.startswith("newscorpus_"):
                continue
            opts = declared_options(cls)
            assert opts is not None, f"{family} {name} declares no Options"
            instance = opts()
            for field in attrs.fields(opts):
                assert field.metadata.get("doc"), f"{family} {name}: option {field.name} has no doc"
                if field.validator is not None:
                    field.validator(None, field, getattr(instance, field.name))


def test_reader_and_parser_share_read_options(registry: Registry) -> None:
    """``read.options.html`` reaches both the html reader and the html parser: a
    parser option passes although the reader lacks it, a typo fails for both."""
    if not (_has(registry, "reader", "html") and _has(registry, "parser", "html")):
        pytest.skip("newscorpus-html is not installed")
    check_components(config_from_dict({"read": {"options": {"html": {"favor": "precision"}}}}), registry)
    with pytest.raises(ConfigError, match="did you mean 'favor'"):
        check_components(config_from_dict({"read": {"options": {"html": {"favour": "precision"}}}}), registry)
    with pytest.raises(ConfigError, match="must be one of balanced"):
        check_components(config_from_dict({"read": {"options": {"html": {"favor": "speed"}}}}), registry)


# -- the options reference in docs/configuration.md -----------------------------------

BEGIN, END = "<!-- options:begin -->", "<!-- options:end -->"
FIRST_PARTY = ("newscorpus-tabular", "newscorpus-feeds", "newscorpus-html", "newscorpus-warc", "newscorpus-sql",
               "newscorpus-ray")


def _with_reference(text: str, registry: Registry) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + options_reference(registry) + "\n" + text[end:]


def test_configuration_options_reference_matches_the_code(registry: Registry) -> None:
    installed = {p.distribution for p in registry.plugins()}
    if not set(FIRST_PARTY) <= installed:
        pytest.skip(f"needs every first-party plugin installed; missing {set(FIRST_PARTY) - installed}")
    path = DOCS / "configuration.md"
    text = path.read_text(encoding="utf-8")
    assert text == _with_reference(text, registry), (
        "docs/configuration.md's component options are out of date: run python tests/test_options.py")


if __name__ == "__main__":  # regenerate the reference: python tests/test_options.py
    doc = DOCS / "configuration.md"
    doc.write_text(_with_reference(doc.read_text(encoding="utf-8"), get_registry()), encoding="utf-8")
