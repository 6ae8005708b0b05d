"""Click options shared by the commands that read the question bank."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
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


def lang_option(function: F) -> F:
    """`--lang en|ja`: the language of question text (falls back to English)."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "ja"]),
        default="en",
        show_default=True,
        help="Language of question text.",
    )(function)


def load_bank_from_options(banks: Iterable[str] = ()) -> Bank:
    """The bundled bank, EPREP_BANK folders and `--bank` folders, validated (BankError: exit 2)."""
    from eprep.questions.loader import bundled_enabled, env_bank_dirs, load_bank

    return load_bank([*env_bank_dirs(), *banks], bundled=bundled_enabled())
