"""`eprep export anki|json`: the bank as an Anki package that updates in place, or as JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from eprep.commands.options import bank_option


@click.group()
def export() -> None:
    """Export the bank for other tools (Anki, JSON)."""


def _shared(suffix: str) -> Callable[[Callable[..., Any]], click.Command]:
    def decorate(function: Callable[..., Any]) -> click.Command:
        for option in reversed(
            [
                click.argument("selectors", nargs=-1, metavar="[SELECTOR]..."),
                click.option(
                    "-o",
                    "--output",
                    type=click.Path(path_type=Path),  # checked by the export: one-line errors
                    default=None,
                    help=f"File to write [default: eprep-SELECTORS{suffix}].",
                ),
                click.option(
                    "--variants",
                    type=click.IntRange(min=1),  # the export caps it at the proven variants
                    default=1,
                    show_default=True,
                    help="Variants per question with parameters (one note each).",
                ),
                click.option(
                    "--lang",
                    type=click.Choice(["ja", "en", "both"]),
                    default="ja",
                    show_default=True,
                    help="Language of the cards (both: Japanese, then English).",
                ),
                click.option(
                    "--format",
                    "fmt",
                    type=click.Choice(["exam", "typed"]),
                    default="exam",
                    show_default=True,
                    help="exam: numeric and formula questions as 4-choice; typed: answer them.",
                ),
                click.option(
                    "--run-examples",
                    type=click.Choice(["cached", "quick", "none"]),
                    default="cached",
                    show_default=True,
                    help="Plots: cached results only; also run missing examples quickly; none.",
                ),
                bank_option,
            ]
        ):
            function = option(function)
        return function

    return decorate


def _run(target: str, suffix: str, selectors, output, **options: Any) -> None:
    from eprep.commands.options import load_bank_from_options
    from eprep.export import run_export

    banks = options.pop("banks")
    bank = load_bank_from_options(banks)
    if output is None:
        output = Path(f"eprep-{'-'.join(selectors) or 'all'}{suffix}")
    summary = run_export(target, bank, selectors, output, **options)
    for line in summary.lines():
        click.echo(line)
    from eprep.examples.plotting import font_warning
    from eprep.i18n import system_lang

    warning = font_warning([summary.plots_lang], system_lang())
    if warning:
        click.echo(warning, err=True)


@export.command("anki")
@_shared(".apkg")
def anki(selectors: tuple[str, ...], output: Path | None, **options: Any) -> None:
    """Write an Anki package: one deck per day, a sub-deck per topic, stable note ids.

    Importing a newer export updates the notes in place and keeps their review history.
    SELECTOR is a day, DAY.TOPIC, a question id or a tag (default: the whole bank).
    """
    _run("anki", ".apkg", selectors, output, **options)


@export.command("json")
@_shared(".json")
def json_(selectors: tuple[str, ...], output: Path | None, **options: Any) -> None:
    """Write the same notes as JSON (docs/export.md), media files in NAME-media/ beside it."""
    _run("json", ".json", selectors, output, **options)
