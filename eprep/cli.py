"""The `eprep` command line: a click group whose subcommands are imported only when run.

Each subcommand lives in `eprep.commands.<name>`; importing them lazily keeps `eprep --help`
and the first quiz question fast (SymPy and NumPy load only when a command needs them).
"""

from __future__ import annotations

import importlib

import click

from eprep import __version__
from eprep.errors import EprepError

# command name -> (module, attribute, one-line help shown by `eprep --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "quiz": ("eprep.commands.quiz", "quiz", "Drill questions: due reviews first, then new ones."),
    "stats": ("eprep.commands.quiz", "stats", "Progress per day and topic."),
    "exam": ("eprep.commands.exam", "exam", "Sit a mock exam scored by syllabus area."),
    "list": ("eprep.commands.quiz", "list_questions", "List days, topics and questions."),
    "check": ("eprep.commands.check", "check", "Is a formula equivalent to the expected one?"),
    "derive": ("eprep.commands.check", "derive", "Check a derivation step by step."),
    "lint": ("eprep.commands.lint", "lint", "Find the wrong course formulas in your notes."),
    "help": ("eprep.commands.help", "help_topic", "Guides: `eprep help notation` (formulas)."),
    "verify": ("eprep.commands.verify", "verify", "Prove every answer key in the bank."),
    "site": ("eprep.commands.site", "site", "Build or serve the static study site."),
    "example": ("eprep.commands.example", "example", "Run the course's classic experiments."),
    "engine": ("eprep.commands.engine", "engine", "Inspect and self-test the NumPy engine."),
    "export": ("eprep.commands.export", "export", "Export the bank as an Anki deck or JSON."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EprepError as error:
            from eprep.commands.options import LANG_META
            from eprep.i18n import message

            lang = ctx.meta.get(LANG_META, "en")
            click.echo(message(lang, "cli.error", error=error.text(lang)), err=True)
            ctx.exit(error.exit_code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Formulas can be typed in plain text or LaTeX: see `eprep help notation`.",
)
@click.version_option(__version__, prog_name="eprep")
def main() -> None:
    """eprep: drill and check deep-learning theory for the JDLA E qualification."""
