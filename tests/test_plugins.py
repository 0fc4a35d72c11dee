"""Plugins: entry-point discovery, the allow-list, conflicts, listing, and the
hook reference staying complete."""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newscorpus import Pipeline, config_from_dict, hookimpl, hookspecs
from newscorpus.cli import main
from newscorpus.errors import PluginConflictError, UnknownComponentError
from newscorpus.plugins import get_registry
from newscorpus.readers.text import TextReader

ROOT = Path(__file__).resolve().parent.parent
DIST = Path(__file__).resolve().parent / "data" / "plugin_dist"


@pytest.fixture
def installed_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Put a separately packaged distribution (with a ``newscorpus`` entry point)
    on sys.path, as pip would; worker processes inherit sys.path too."""
    monkeypatch.syspath_prepend(str(DIST))
    monkeypatch.setenv("PYTHONPATH", str(DIST))
    yield
    sys.modules.pop("newscorpus_example_plugin", None)


def test_entry_point_plugin_is_discovered(installed_plugin: None) -> None:
    reg = get_registry()
    assert "example-adverts" in reg.names("cleaner")
    assert reg.plugin_of("exporter", "example-count") == "example"
    info = {i.name: i for i in reg.plugins()}["example"]
    assert (info.distribution, info.version) == ("newscorpus-example-plugin", "1.2.3")
    assert ("cleaner", "example-adverts") in info.components


def test_entry_point_plugin_runs_in_worker_processes(installed_plugin: None, tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for i in range(4):
        (inp / f"{i}.txt").write_text(f"Title {i}\n\nFirst paragraph {i} of the story.\n\nADVERTISEMENT\n\nLast.\n")
    cfg = config_from_dict({
        "execution": {"workers": 2, "shards": 2},
        "clean": {"cleaners": ["example-adverts"]},
        "export": {"exporters": ["jsonl", {"name": "example-count", "file": "n.txt"}]},
    })
    report = Pipeline(cfg).run([str(inp)], tmp_path / "out")
    assert report.balanced and (tmp_path / "out" / "n.txt").read_text() == "4"
    arts = [json.loads(x) for x in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert all("ADVERTISEMENT" not in a["body"] for a in arts)
    assert all(a["removed"][0]["rule"] == "example.advert" for a in arts)
    assert report.data["articles"]["removals_by_rule"]["example.advert"] == 4


def test_allow_list_filters_entry_points(installed_plugin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCORPUS_PLUGINS", "")
    assert "example-adverts" not in get_registry().names("cleaner")
    monkeypatch.setenv("NEWSCORPUS_PLUGINS", "example")
    assert "example-adverts" in get_registry().names("cleaner")
    monkeypatch.setenv("NEWSCORPUS_PLUGINS", "newscorpus-example-plugin")
    assert "example-adverts" in get_registry().names("cleaner")


def test_plugins_command_lists_versions_and_components(installed_plugin: None) -> None:
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert "newscorpus-example-plugin 1.2.3" in result.output
    assert re.search(r"reader\s+text", result.output)
    data = json.loads(CliRunner().invoke(main, ["plugins", "--json"]).output)
    assert any(p["name"] == "newscorpus.readers.plugin" for p in data)


def test_two_plugins_claiming_one_name_is_an_error() -> None:
    class Clash(TextReader):
        pass

    class Plugin:
        @hookimpl
        def register_readers(self, register):  # type: ignore[no-untyped-def]
            register(Clash)

    with pytest.raises(PluginConflictError, match="reader 'text' is registered by both"):
        get_registry(objects=[Plugin()])


def test_unknown_component_names_the_known_ones() -> None:
    with pytest.raises(UnknownComponentError, match=r"known: .*text"):
        get_registry().get("reader", "nope")


def test_every_hook_is_documented() -> None:
    """docs/hooks.md documents every hook of hookspecs.py, and nothing else."""
    specs = {n for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
             if hasattr(f, "newscorpus_spec")}
    doc = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `(\w+)", doc, re.M))
    assert specs == documented, f"undocumented: {specs - documented}; stale: {documented - specs}"
    for name in specs:
        assert inspect.getdoc(getattr(hookspecs, name)), f"{name} has no docstring"
