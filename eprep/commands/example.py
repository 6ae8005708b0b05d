"""`eprep example list|run`: the course's classic experiments, run by the engine."""

from __future__ import annotations

from pathlib import Path

import click

from eprep.commands.options import lang_option


@click.group()
def example() -> None:
    """Run the course's classic experiments."""


@example.command("list")
@lang_option
def list_examples(lang: str) -> None:
    """Each example with the claim it demonstrates."""
    from eprep.examples import claim, names

    width = max(len(name) for name in names())
    for name in names():
        click.echo(f"{name:<{width}}  {claim(name, lang)}")


@example.command("run")
@click.argument("name")
@click.option("--quick", is_flag=True, help="Reduced version (seconds, for tests).")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed for initial weights, batches and masks.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder for result.json and SVG plots (NAME.ja.svg in Japanese) "
    "[default: ./eprep-examples/NAME].",
)
@click.option("--no-cache", is_flag=True, help="Run even if a cached result exists.")
@lang_option
def run(name: str, quick: bool, seed: int, out_dir: Path | None, no_cache: bool, lang: str) -> None:
    """Run example NAME, print its results and write result.json and SVG plots."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from eprep.examples import claim, load
    from eprep.examples.cache import run_example, write_outputs
    from eprep.i18n import message

    module = load(name)
    console = Console()
    console.print(f"[bold]{name}[/bold]: {claim(name, lang)}")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        running = message(lang, "example.running_quick" if quick else "example.running")
        task = bar.add_task(running, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        outcome = run_example(
            name, quick=quick, seed=seed, progress=progress, use_cache=not no_cache
        )
    if outcome.from_cache:
        console.print(message(lang, "example.cached"))

    header, *body = module.rows(outcome.result, lang)
    table = Table(*header)
    for row in body:
        table.add_row(*row)
    console.print(table)

    checks = module.check_claim(outcome.result)
    for check in checks:
        mark = "[green]✓[/green]" if check.ok else "[red]✗[/red]"
        statement, measured = check.statement_in(lang), check.measured_in(lang)
        console.print(f"{mark} {statement} ({measured})", highlight=False)

    from eprep.examples.plotting import font_warning

    warning = font_warning([lang], lang)
    if warning:
        click.echo(warning, err=True)
    files = write_outputs(name, outcome.result, out_dir or Path("eprep-examples") / name, [lang])
    for path in files:
        console.print(message(lang, "example.wrote", path=path), highlight=False)
    if not all(check.ok for check in checks):
        console.print(f"[red]{message(lang, 'example.not_reproduced')}[/red]")
        raise SystemExit(1)
