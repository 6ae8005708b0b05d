"""`eprep check` and `eprep derive`: thin wrappers over `eprep.checker` (imported lazily)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from eprep.commands.options import FormulaCommand, lang_option
from eprep.errors import EprepError

UNDEFINED_EXIT = 3  # a constant formula without a value: neither right nor wrong, undefined
UNDECIDED_EXIT = 4  # neither shown equal nor shown different: scripts must not read it as "no"
_ASSUME_HELP = "Domain of a variable, e.g. 'x: positive' or 'r: (0, 1)'. Repeatable."


def _fail_json(error: EprepError) -> None:
    payload = {"error": str(error)}
    position = getattr(error, "position", None)
    if position is not None:
        payload["position"] = position
    click.echo(json.dumps(payload, ensure_ascii=False))
    click.get_current_context().exit(error.exit_code)


@click.command(cls=FormulaCommand)
@click.argument("answer")
@click.option("--expected", required=True, help="The formula the answer should equal.")
@click.option("--assume", multiple=True, metavar="'NAME: DOMAIN'", help=_ASSUME_HELP)
@click.option(
    "--function",
    "functions",
    multiple=True,
    metavar="NAME",
    help="Declare a function the formulas may call, e.g. --function f for f(x). Repeatable.",
)
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable result.")
def check(
    answer: str,
    expected: str,
    assume: tuple[str, ...],
    functions: tuple[str, ...],
    lang: str,
    as_json: bool,
) -> None:
    """Is ANSWER equivalent to the expected formula? Exit 0 yes, 1 no, 2 unreadable input,
    3 undefined (a formula without variables that has no value, such as 1/0 or log(-1)),
    4 cannot decide (too few points where both formulas have a value, and no proof).

    ANSWER is plain text or LaTeX: 'sqrt(2/n)', '\\sqrt{\\frac{2}{n}}', "σ'(x)", 'd/dx tanh(x)'
    (see `eprep help notation`). Variables are real unless --assume says otherwise. Formulas
    may begin with a minus, as typed: eprep check '-t*h' --expected '-h*t'. Either side may be
    an equation (y = 2x + 1).
    """
    from eprep.checker.api import equivalent, parse_answer
    from eprep.checker.domains import parse_assume
    from eprep.checker.wording import verdict_text
    from eprep.i18n import message

    try:
        domains = dict(parse_assume(item) for item in assume)
        parsed = parse_answer(answer, functions=functions)
        if not as_json:
            click.echo(message(lang, "check.read_as", text=parsed.read_as))
            if parsed.read_as.replace(" ", "") != answer.replace(" ", ""):
                from eprep.quiz.texmath import typeset

                click.echo(message(lang, "check.typeset", text=typeset(parsed.node)))
        verdict = equivalent(parsed.node, expected, domains, functions=functions)
    except EprepError as error:
        if as_json:
            _fail_json(error)
        raise
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        click.echo(message(lang, "check.expected", text=verdict.expected_read_as))
        mark = "✓" if verdict.equivalent else ("?" if verdict.certainty == "none" else "✗")
        click.echo(f"{mark} {verdict_text(verdict, lang)}")
        if verdict.assume_hint:
            hint = " ".join(f"--assume '{item}'" for item in verdict.assume_hint.split(", "))
            click.echo(message(lang, "check.hint", hint=hint))
    click.get_current_context().exit(verdict_exit_code(verdict))


def verdict_exit_code(verdict) -> int:
    """0 equivalent, 1 not, 3 undefined, 4 cannot decide (README, "Exit codes")."""
    if verdict.equivalent:
        return 0
    if verdict.undefined:
        return UNDEFINED_EXIT
    return UNDECIDED_EXIT if verdict.certainty == "none" else 1


@click.command(cls=FormulaCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--assume", multiple=True, metavar="'NAME: DOMAIN'", help=_ASSUME_HELP)
@click.option("--start", help="The derivation must begin with (a formula equal to) this.")
@click.option("--end", help="The derivation must end with (a formula equal to) this.")
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable result.")
def derive(
    file: Path,
    assume: tuple[str, ...],
    start: str | None,
    end: str | None,
    lang: str,
    as_json: bool,
) -> None:
    """Check each step of the derivation in FILE. Exit 0 all hold, 1 a step fails, 2 bad file.

    \b
    A derivation file, for example:
        # the sigmoid's derivative
        assume x: real
        let s = sigmoid(x)
        diff(s, x)
        = exp(-x)/(1 + exp(-x))^2
        = s*(1 - s)
    `#` starts a comment, `assume NAME: DOMAIN` and `let NAME = FORMULA` come first, each step
    begins with `=` and must equal the line before (with --start, a first line that begins
    with `=` continues from it); a derivation needs at least one step. Every failing step is
    explained. Formulas may be LaTeX. More: `eprep help notation`.
    """
    from eprep.checker.derivation import MAX_BYTES, check_derivation, step_message
    from eprep.checker.wording import verdict_text
    from eprep.i18n import message

    try:
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # never more: `derive /dev/zero` must end
        except OSError as error:
            raise EprepError(f"{file}: cannot read: {error.strerror or error}") from None
        if len(data) > MAX_BYTES:
            raise EprepError(f"{file}: file is larger than {MAX_BYTES // 1000} kB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EprepError(f"{file}: not UTF-8 text (byte {error.start + 1})") from None
        try:
            report = check_derivation(
                text, assume=list(assume), start=start, end=end, path=str(file)
            )
        except RecursionError:  # a last guard: the size limits should make this unreachable
            raise EprepError(f"{file}: the derivation is nested too deeply to check") from None
    except EprepError as error:
        if as_json:
            _fail_json(error)
        raise
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for step in report.steps:
            mark = "✓" if step.ok else "✗"
            prefix = "  " if step.verdict is None else "= "
            note = ""
            # A wrong step is shown wrong by its witness; only an accepted step can rest on
            # random points alone.
            if step.ok and step.verdict is not None and step.verdict.certainty == "numeric":
                note = message(lang, "derive.numeric_note")
            text = prefix + step.read_as
            if step.line == 0:  # a first '= ...' line continued from --start
                click.echo(message(lang, "derive.start_step", mark=mark, text=text, note=note))
            else:
                click.echo(
                    message(lang, "derive.step", mark=mark, line=step.line, text=text, note=note)
                )
            if not step.ok and step.verdict is not None:  # every failing step, not the first only
                why = step_message(step.verdict, lang)
                click.echo(message(lang, "derive.fails", line=step.line, why=why))
                if step.follows_from is not None:
                    earlier = (
                        message(lang, "derive.the_start")
                        if step.follows_from == 0
                        else message(lang, "derive.line", line=step.follows_from)
                    )
                    click.echo(message(lang, "derive.equals_earlier", earlier=earlier))
        if not report.has_step:
            click.echo(message(lang, "derive.nothing"))
        for label, ok, verdict in (
            ("start", report.start_ok, report.start_verdict),
            ("end", report.end_ok, report.end_verdict),
        ):
            if ok is not None and verdict is not None:
                mark = "✓" if ok else "✗"
                click.echo(message(lang, "derive.bound", mark=mark,
                                   label=message(lang, f"derive.{label}"), text=verdict.read_as,
                                   expected=verdict.expected_read_as))  # fmt: skip
                if not ok:
                    click.echo(f"  {verdict_text(verdict, lang)}")
        click.echo(message(lang, "derive.ok" if report.ok else "derive.error"))
    click.get_current_context().exit(0 if report.ok else 1)
