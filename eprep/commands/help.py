"""`eprep help TOPIC`: learner guides shipped with eprep (the notation of formulas)."""

from __future__ import annotations

from pathlib import Path

import click

from eprep.commands.options import lang_option

GUIDES = Path(__file__).resolve().parents[1] / "grammar" / "guide"
TOPICS = ("notation",)


@click.command(name="help")
@click.argument("topic", type=click.Choice(TOPICS), default="notation")
@lang_option
def help_topic(topic: str, lang: str) -> None:
    """Show a guide: `eprep help notation` — how to write formulas (plain, LaTeX, derivations)."""
    click.echo((GUIDES / f"{topic}.{lang}.md").read_text(encoding="utf-8"), nl=False)
