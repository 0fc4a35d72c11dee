"""The ``newscorpus`` command line.

Exit status: 0 when the run finished (quarantined documents do not fail a run),
1 when the run itself failed, 2 for usage and configuration errors and for an
output directory that cannot be written (read-only, full, locked by another run),
130 when interrupted (Ctrl-C; rerun the same command to resume).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import attrs
import click

from .config import ComponentSpec, PipelineConfig, check_components, load_config
from .errors import ConfigError, NewscorpusError, OutputError, RunStateError, UnknownComponentError
from .pipeline import Pipeline
from .workdir import OutputLock, WorkDir

__all__ = ["main"]


def _fail(message: str, code: int) -> None:
    click.echo(f"newscorpus: error: {message}", err=True)
    sys.exit(code)


def _exporter_specs(value: str, configured: tuple[ComponentSpec, ...]) -> tuple[ComponentSpec, ...]:
    """``--exporters jsonl,timeline`` as component specs. An exporter the config also
    lists keeps the options the config gives it; the flag only chooses which run."""
    names = [n.strip() for n in value.split(",")]
    if not all(names):
        raise click.BadParameter("a comma-separated list of exporter names, such as jsonl,timeline",
                                 param_hint="--exporters")
    if len(set(names)) != len(names):
        raise click.BadParameter(f"an exporter is named twice in {value!r}", param_hint="--exporters")
    options = {spec.name: spec.options for spec in configured}
    return tuple(ComponentSpec(n, dict(options.get(n, {}))) for n in names)


def _remove_work(output: str) -> str | None:
    """Delete ``output/work`` after a finished run (renamed away first, under the
    output's lock so that no run starting meanwhile loses its files); why not, when
    it could not be done. The corpus is written either way, so this never fails a run."""
    out = Path(output)
    try:
        with OutputLock(out):
            WorkDir(out).clear()
    except (OutputError, OSError) as exc:
        return str(exc)
    return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newscorpus")
def main() -> None:
    """Turn messy multilingual news into a clean, deduplicated, event-grouped corpus."""


@main.command("run")
@click.argument("inputs", nargs=-1)
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Output directory.")
@click.option("-c", "--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="YAML pipeline file (see docs/configuration.md).")
@click.option("-w", "--workers", type=click.IntRange(0), help="Parallel workers (0: one per core).")
@click.option("--shards", type=click.IntRange(0), help="Number of shards (0: automatic).")
@click.option("--executor", help="Executor component (local, ray, ...).")
@click.option("--dedup-mode", type=click.Choice(["mark", "drop"]), help="Mark or drop duplicates.")
@click.option("--exporters", metavar="NAMES",
              help="Comma-separated exporters to run (e.g. jsonl,timeline), instead of the config's.")
@click.option("--restart", is_flag=True, help="Discard an earlier run in OUTPUT instead of resuming it.")
@click.option("--keep-work", is_flag=True,
              help="Keep OUTPUT/work after a finished run (it is removed by default; an unfinished run keeps it).")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: when on a terminal).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def run_cmd(inputs: tuple[str, ...], output: str | None, config_path: str | None, workers: int | None,
            shards: int | None, executor: str | None, dedup_mode: str | None, exporters: str | None,
            restart: bool, keep_work: bool, progress: bool | None, quiet: bool) -> None:
    """Run the pipeline on INPUT files, directories or globs.

    Writes OUTPUT/articles.jsonl, events.jsonl, duplicates.jsonl, quarantine.jsonl and
    report.json. Rerunning into the same OUTPUT resumes an interrupted run: the work
    files in OUTPUT/work are kept until the run finishes, then removed (--keep-work
    keeps them).
    """
    try:
        config = load_config(config_path) if config_path else PipelineConfig()
        if inputs:
            config = attrs.evolve(config, inputs=inputs)
        if output:
            config = attrs.evolve(config, output=output)
        ex = config.execution
        if workers is not None:
            ex = attrs.evolve(ex, workers=workers)
        if shards is not None:
            ex = attrs.evolve(ex, shards=shards)
        if executor:
            ex = attrs.evolve(ex, executor=ComponentSpec(executor, ex.executor.options))
        config = attrs.evolve(config, execution=ex)
        if dedup_mode:
            mode: Literal["mark", "drop"] = "drop" if dedup_mode == "drop" else "mark"
            config = attrs.evolve(config, dedup=attrs.evolve(config.dedup, mode=mode))
        if exporters is not None:
            specs = _exporter_specs(exporters, config.export.exporters)
            config = attrs.evolve(config, export=attrs.evolve(config.export, exporters=specs))
        if not config.inputs:
            raise click.UsageError("give at least one INPUT (or inputs: in --config)")
        if not config.output:
            raise click.UsageError("give --output DIR (or output: in --config)")
        show = sys.stderr.isatty() if progress is None else progress
        report = Pipeline(config).run(progress=show and not quiet, restart=restart)
    except click.ClickException:
        raise
    except (ConfigError, UnknownComponentError, RunStateError, OutputError) as exc:
        _fail(str(exc), 2)
        return
    except NewscorpusError as exc:
        _fail(str(exc), 1)
        return
    except KeyboardInterrupt:
        _fail("interrupted; run the same command again to resume", 130)
        return
    except OSError as exc:  # the environment, not a bug: say which file, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}", 2)
        return
    if not keep_work and (why := _remove_work(report.data["output"])):
        click.echo(f"newscorpus: warning: work/ left in place: {why}", err=True)
    if not quiet:
        acc = report.accounting
        click.echo(
            f"{acc['documents']} documents: {acc['written']} articles written"
            f" ({report.data['articles']['marked_duplicates']} marked duplicates,"
            f" {report.data['articles']['translations']} translations),"
            f" {acc['dropped_duplicates']} duplicates dropped, {acc['quarantined']} quarantined;"
            f" {report.data['events'].get('events', 0)} events -> {report.data['output']}"
        )
        if acc["quarantined"]:
            reasons = ", ".join(f"{k}: {v}" for k, v in report.data["quarantine"]["by_reason"].items())
            click.echo(f"quarantined ({reasons}); see quarantine.jsonl", err=True)


@main.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def plugins_cmd(as_json: bool) -> None:
    """List every loaded plugin with its version and components."""
    from .plugins import get_registry

    try:
        infos = get_registry().plugins()
    except NewscorpusError as exc:
        _fail(str(exc), 2)
        return
    if as_json:
        click.echo(json.dumps([attrs.asdict(i) for i in infos], indent=2))
        return
    for info in infos:
        where = f"{info.distribution} {info.version}" if info.distribution else "(not from a distribution)"
        click.echo(f"{info.name}  [{where}]")
        for family, name in info.components:
            click.echo(f"    {family:<14} {name}")
        if not info.components:
            click.echo(f"    hooks: {', '.join(info.hooks)}")


@main.command("explain")
@click.argument("article_id")
@click.option("-o", "--output", required=True, type=click.Path(exists=True, file_okay=False),
              help="Output directory of the run.")
def explain_cmd(article_id: str, output: str) -> None:
    """Show an article's original text with every cut and lift marked."""
    from .serialize import article_from_dict

    path = Path(output) / "articles.jsonl"
    if not path.exists():
        _fail(f"{path} does not exist: is {output} the output directory of a run?", 2)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            data: dict[str, Any] = json.loads(line)
            if data["id"] == article_id or data["id"].startswith(article_id):
                from .explain import render

                click.echo(render(article_from_dict(data)))
                return
    _fail(f"no article with id {article_id!r} in {path}", 1)


@main.command("config")
@click.argument("config_path", required=False, type=click.Path(exists=True, dir_okay=False))
def config_cmd(config_path: str | None) -> None:
    """Validate CONFIG_PATH and print it with every default filled in (or print the
    default pipeline when no file is given)."""
    try:
        config = load_config(config_path) if config_path else PipelineConfig()
        check_components(config, Pipeline(config).registry())
    except (ConfigError, NewscorpusError) as exc:
        _fail(str(exc), 2)
        return
    click.echo(config.to_yaml(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
