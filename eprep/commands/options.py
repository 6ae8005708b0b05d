"""Click options shared by the commands that read the question bank."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from eprep.questions import Bank

F = TypeVar("F", bound=Callable[..., Any])


def bank_option(function: F) -> F:
    """`--bank DIR` (repeatable): extra question folders, added to those in EPREP_BANK."""
    return click.option(
        "--bank",
        "banks",
        multiple=True,
        type=click.Path(file_okay=False, dir_okay=True),
        metavar="DIR",
        help="Also load questions from DIR (repeatable; EPREP_BANK adds more, ':'-separated).",
    )(function)


LANG_META = "eprep.lang"  # ctx.meta key: the --lang of the running command


def lang_option(function: F) -> F:
    """`--lang en|ja`: the language of the interface and question text; by default the system
    locale's (LC_ALL, LC_MESSAGES, LANG: `ja_JP.UTF-8` → ja), else English."""
    from eprep.i18n import LANGUAGES, system_lang

    return click.option(
        "--lang",
        type=click.Choice(list(LANGUAGES)),
        default=system_lang,  # read when the command runs, not when it is imported
        show_default="the system locale's (LC_ALL, LC_MESSAGES, LANG), else en",
        help="Language of the interface and the questions.",
        callback=_remember_lang,
    )(function)


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    # The CLI's error line (eprep/cli.py) is worded in the command's language.
    ctx.meta[LANG_META] = value
    return value


def load_bank_from_options(banks: Iterable[str] = ()) -> Bank:
    """The bundled bank, EPREP_BANK folders and `--bank` folders, validated (BankError: exit 2)."""
    from eprep.questions.loader import bundled_enabled, env_bank_dirs, load_bank

    return load_bank([*env_bank_dirs(), *banks], bundled=bundled_enabled())


class FormulaCommand(click.Command):
    """A command whose arguments may be formulas that begin with a minus (`-t*h`, `-x^2`).

    Click would read `-t*h` as the bundled short options `-t -* -h` (and fire `--help`). Any
    argument that starts with `-` but is not one of this command's options is moved behind a
    `--`, so it stays a positional argument; a value right after an option that takes one is
    left to that option (`--expected -h*t`). An explicit `--` keeps working.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names: dict[str, bool] = {}  # option name -> whether it takes a value
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    names[name] = not (param.is_flag or param.count)
        options: list[str] = []
        positional: list[str] = []
        index = 0
        while index < len(args):
            arg = args[index]
            if arg == "--":
                positional.extend(args[index + 1 :])
                break
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if name in names:
                options.append(arg)
                if names[name] and "=" not in arg and index + 1 < len(args):
                    options.append(args[index + 1])
                    index += 1
            else:  # a formula or a file name, whether or not it starts with '-'
                positional.append(arg)
            index += 1
        return super().parse_args(ctx, [*options, "--", *positional] if positional else options)


def complete_selector(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for SELECTOR: the bank's days, then topics, then question ids."""
    from click.shell_completion import CompletionItem

    try:
        bank = load_bank_from_options(ctx.params.get("banks") or ())
    except Exception:  # a broken bank must not spill a traceback into the user's shell
        return []
    names = [day.name for day in bank.days]
    names += [topic.key for topic in bank.topics]
    names += [question.id for question in bank.questions]
    # one level at a time: `day2.` offers the topics, `day2.cnn.` the questions
    depth = incomplete.count(".")
    return [CompletionItem(n) for n in names if n.startswith(incomplete) and n.count(".") == depth]
