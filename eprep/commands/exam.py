"""`eprep exam`: a thin click wrapper around `eprep.exam.run.sit_exam`."""

from __future__ import annotations

import sys

import click

from eprep.commands.options import bank_option, lang_option, load_bank_from_options

_DB_HELP = "Progress database (default: $EPREP_HOME/progress.sqlite3, else the user data dir)."


@click.command()
@click.argument("selectors", nargs=-1, metavar="[SELECTOR]...")
@click.option("--count", "-n", type=click.IntRange(1, 1000), default=100, show_default=True,
              help="Items on the paper.")  # fmt: skip
@click.option("--minutes", type=click.IntRange(1, 24 * 60), default=120, show_default=True,
              help="Time allowed.")  # fmt: skip
@click.option("--seed", type=int, default=None, help="Draw the same paper again.")
@click.option("--weights", "weights", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Area weights (TOML, like eprep/exam/weights.toml).")  # fmt: skip
@click.option("--resume", is_flag=True, help="Continue the unfinished paper with its time left.")
@click.option("--history", is_flag=True, help="Past papers: scores per area over time.")
@lang_option
@click.option("--db", type=click.Path(dir_okay=False), default=None, help=_DB_HELP)
@bank_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON at the end.")
def exam(
    selectors: tuple[str, ...],
    count: int,
    minutes: int,
    seed: int | None,
    weights: str | None,
    resume: bool,
    history: bool,
    lang: str,
    db: str | None,
    banks: tuple[str, ...],
    as_json: bool,
) -> None:
    """Sit a mock exam: items drawn across the syllabus areas, no feedback until the end.

    On each item: letters answer it (one per option group), Enter skips, p goes back, a number
    goes to that item, f flags it, r lists answered/unanswered/flagged, s submits. In a
    terminal the time left ticks on the input line, up/down choose an option (Tab: the next
    blank), left/right go to the previous/next item, and time running out submits. Every answer
    is saved as it is given; Ctrl-C or end of input stops, and --resume continues the paper
    with the time that was left. Then: the score per syllabus area and topic, the missed items
    with their keys, and the weakest topics to drill with `eprep quiz TOPIC`. --history shows
    past papers (scores per area over time).
    """
    from pathlib import Path

    from eprep.exam.paper import WEIGHTS_FILE
    from eprep.exam.run import exam_history, report_json, sit_exam
    from eprep.quiz.paths import database_path
    from eprep.quiz.terminal import Console

    if history:
        click.echo(exam_history(database_path(db), lang, as_json))
        return
    bank = load_bank_from_options(banks)
    console = Console(out=sys.stderr if as_json else sys.stdout)
    report = sit_exam(
        bank, console, database_path(db), selectors=selectors, count=count, minutes=minutes,
        seed=seed, lang=lang, weights_file=Path(weights) if weights else WEIGHTS_FILE,
        resume=resume,
    )  # fmt: skip
    if as_json and report is not None:
        click.echo(report_json(report))
