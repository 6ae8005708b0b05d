"""`eprep help TOPIC`: learner guides shipped with eprep (the notation of formulas)."""

from __future__ import annotations

import click

from eprep.commands.options import lang_option

TOPICS = ("notation",)


@click.command(name="help")
@click.argument("topic", type=click.Choice(TOPICS), default="notation")
@lang_option
def help_topic(topic: str, lang: str) -> None:
    """Show a guide: `eprep help notation` — how to write formulas (plain, LaTeX, derivations)."""
    from eprep.grammar.guide import notation_guide

    click.echo(notation_guide(lang), nl=False)
