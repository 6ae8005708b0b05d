"""`eprep quiz`, `eprep stats`, `eprep list`: thin click wrappers around `eprep.quiz`.

Imports stay inside the functions: the first question must be on screen in well under half a
second, so nothing heavy (SymPy, NumPy, fsrs) is loaded before it is needed.
"""

from __future__ import annotations

import json
import sys

import click

from eprep.commands.options import (
    bank_option,
    complete_selector,
    lang_option,
    load_bank_from_options,
)

_DB_HELP = "Progress database (default: $EPREP_HOME/progress.sqlite3, else the user data dir)."


@click.command()
@click.argument("selectors", nargs=-1, metavar="[SELECTOR]...", shell_complete=complete_selector)
@click.option("--count", "-n", type=click.IntRange(min=1), default=10, show_default=True,
              help="Questions in this session.")  # fmt: skip
@click.option("--new", "mode", flag_value="new", help="Only questions never answered.")
@click.option("--due", "mode", flag_value="due", help="Only questions due for review.")
@click.option("--any", "mode", flag_value="any",
              help="Also questions not due yet (drill a named question or topic now).")  # fmt: skip
@click.option("--seed", type=int, default=None, help="Fix which variant each question shows.")
@click.option("--format", "format_", type=click.Choice(["typed", "exam"]), default="typed",
              show_default=True,
              help="typed: type the answer (drill); exam: 4-choice items and code blanks, "
                   "with hand-computable numbers, as the exam asks.")  # fmt: skip
@lang_option
@click.option("--db", type=click.Path(dir_okay=False), default=None, help=_DB_HELP)
@bank_option
@click.option("--json", "as_json", is_flag=True, help="Print the session's results as JSON.")
def quiz(
    selectors: tuple[str, ...],
    count: int,
    mode: str | None,
    seed: int | None,
    format_: str,
    lang: str,
    db: str | None,
    banks: tuple[str, ...],
    as_json: bool,
) -> None:
    """Drill questions: due reviews first, then new ones (interleaved across topics).

    SELECTOR is a day (day2), a topic (day2.cnn), a tag or a question id; none means all.
    Answer with a letter (or ↑/↓ and Enter), a number, an expression (e.g. s*(1-s)) or a
    derivation (one expression per line, steps starting with '=', an empty line to finish).
    With --format exam every question is a 4-choice item (numbers, formulas, derivation
    lines) or a code listing whose blanks (あ)(い)… are answered one letter each.
    Ctrl-C ends the session; every answer given is kept. Without a terminal, one answer is
    read per line and end of input ends the session.

    A number is asked to the precision the prompt states (e.g. 3 significant figures); one
    off only by rounding is a near miss ("close"). A derivation's first line may start with
    '=' to continue from the given start.

    Rating: wrong → Again (a near miss → Hard); right → Easy if fast, Hard if slow, Good
    otherwise (fast/slow in seconds: choice and code ≤8/>45, numeric ≤15/>90, expression
    ≤20/>120, derivation ≤60/>400). With a terminal, one key overrides it: 1 Again, 2 Hard,
    3 Good, 4 Easy. A question rated Again comes back at the end of the session (FSRS's
    learning step), at most twice.
    """
    from eprep.quiz.drill import run_quiz
    from eprep.quiz.paths import database_path

    summary = run_quiz(
        load_bank_from_options(banks), selectors, database_path(db), count=count,
        mode=mode or "mixed", seed=seed, format=format_, lang=lang,
        out=sys.stderr if as_json else None,  # --json: stdout holds only the JSON
    )  # fmt: skip
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))


@click.command()
@click.argument("selectors", nargs=-1, metavar="[SELECTOR]...", shell_complete=complete_selector)
@click.option("--db", type=click.Path(dir_okay=False), default=None, help=_DB_HELP)
@bank_option
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats(
    selectors: tuple[str, ...], db: str | None, banks: tuple[str, ...], lang: str, as_json: bool
) -> None:
    """Progress per day and topic: seen/total, accuracy, due now and this week, streak; past
    mock exams (scores per syllabus area over time)."""
    from eprep.exam.progress import progress_report
    from eprep.quiz.paths import database_path

    bank = load_bank_from_options(banks)
    click.echo(progress_report(bank, selectors, database_path(db), lang, as_json))


@click.command("list")
@click.argument("selectors", nargs=-1, metavar="[SELECTOR]...")
@click.option(
    "--by-syllabus", is_flag=True, help="Questions per JDLA syllabus area, empty areas included."
)
@lang_option
@bank_option
@click.option("--json", "as_json", is_flag=True, help="With --by-syllabus: print it as JSON.")
def list_questions(
    selectors: tuple[str, ...], by_syllabus: bool, lang: str, banks: tuple[str, ...], as_json: bool
) -> None:
    """The days, topics and questions of the bank, with counts (or its syllabus coverage)."""
    from eprep.quiz.stats import outline_report

    if as_json and not by_syllabus:
        raise click.UsageError("--json needs --by-syllabus")
    bank = load_bank_from_options(banks)
    click.echo(outline_report(bank, selectors, lang, by_syllabus=by_syllabus, as_json=as_json))
