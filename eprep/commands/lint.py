"""`eprep lint`: thin wrapper over `eprep.checker.lint` (imported lazily)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from eprep.commands.options import bank_option, lang_option, load_bank_from_options
from eprep.errors import EprepError

_SUMMARY = {
    "en": "{files} file(s): {formulas} formulas and code lines read, {recognised} recognised as "
    "course formulas, {findings} finding(s), {unrecognised} formulas not recognised",
    "ja": "{files} ファイル：読んだ数式とコード行 {formulas}、講座の式と認識 {recognised}、"
    "指摘 {findings}、認識できなかった数式 {unrecognised}",
}
_UNRECOGNISED = {"en": "not recognised", "ja": "認識できなかった数式"}


@click.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the formulas not recognised.")
@bank_option
@lang_option
def lint(notes: tuple[Path, ...], as_json: bool, verbose: bool, banks: tuple[str, ...],
         lang: str) -> None:  # fmt: skip
    """Find the formulas in NOTES (Markdown or text) that contradict the course's proven ones.

    Each finding names the line, what is wrong and the question to drill (eprep quiz ID).
    Formulas it does not recognise are counted, not reported. Exit 0 nothing found, 1 findings,
    2 unreadable input.
    """
    from eprep.checker.lint import Linter
    from eprep.quiz.texmath import replace_math, tex_to_unicode

    try:
        report = Linter(load_bank_from_options(banks), lang).lint(notes)
    except EprepError as error:
        if not as_json:
            raise
        click.echo(json.dumps({"error": str(error)}, ensure_ascii=False))
        click.get_current_context().exit(error.exit_code)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for finding in report.findings:
            # what the formula looks like typeset (the line number finds the LaTeX in the note)
            if finding.what != "code":
                finding.formula = tex_to_unicode(finding.formula)
            finding.message = replace_math(finding.message)
            click.echo(finding.text(lang))
        if verbose:
            for path, line, formula in report.unrecognised:
                click.echo(f"{path}:{line}: {_UNRECOGNISED[lang]}: {formula}")
        summary = _SUMMARY[lang].format(
            files=len(notes), formulas=report.formulas, recognised=report.recognised,
            findings=len(report.findings), unrecognised=len(report.unrecognised),
        )  # fmt: skip
        click.echo(summary, err=True)
    click.get_current_context().exit(0 if report.ok else 1)
