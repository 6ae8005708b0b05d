"""`eprep verify`: prove every answer key in the bank (thin: options, then eprep.checker.verify)."""

from __future__ import annotations

import json

import click

from eprep.commands.options import bank_option, load_bank_from_options


@click.command()
@click.option("--day", "days", multiple=True, metavar="DAY", help="Only this day (repeatable).")
@click.option("--id", "ids", multiple=True, metavar="ID", help="Only this question (repeatable).")
@click.option(
    "--variants",
    default=20,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Variants per question (questions without parameters have one).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default: one per core).",
)
@click.option(
    "--timeout",
    "code_timeout",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1, 120),
    help="Seconds allowed to each code-template run.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--trust-bank",
    is_flag=True,
    help="Where no sandbox is available, run the code options of --bank folders unconfined.",
)
@bank_option
def verify(days, ids, variants, workers, code_timeout, as_json, trust_bank, banks) -> None:
    """Prove every answer key in the bank, symbolically and with the engine.

    Ends with `verified N questions, M variants, K failed` (K counts failed variants);
    exits 1 when anything failed, 2 when the bank cannot be loaded.
    """
    from eprep.checker.verify import (
        CONCEPT_LIMIT,
        env_probe_files,
        load_probe_files,
        verify_questions,
    )

    bank = load_bank_from_options(banks)
    load_probe_files(env_probe_files())
    questions = _select(bank, days, ids)
    whole_bank = not days and not ids
    report = verify_questions(
        questions, variants, workers=workers, code_timeout=code_timeout, trust_bank=trust_bank
    )
    concept_too_high = whole_bank and report.questions > 0 and report.concept_share >= CONCEPT_LIMIT
    if as_json:
        click.echo(json.dumps(_as_json(report, concept_too_high), ensure_ascii=False, indent=2))
    else:
        _print_table(report, concept_too_high)
    if report.failed or concept_too_high or report.kind_failures:
        raise SystemExit(1)


def _select(bank, days, ids) -> list:
    from eprep.errors import EprepError

    for day in days:
        if bank.day(day) is None:
            known = ", ".join(d.name for d in bank.days)
            raise EprepError(f"--day {day}: no such day (days: {known})")
    for question_id in ids:
        if bank.get(question_id) is None:
            raise EprepError(f"--id {question_id}: no such question")
    return bank.select([*days, *ids])


def _print_table(report, concept_too_high: bool) -> None:
    width = max([len(r.id) for r in report.results] + [8])
    click.echo(
        f"{'question':<{width}}  {'kind':<10} {'variants':>8}  "
        f"{'symbolic':<8}  {'engine':<8}  {'exam':<8}  {'time':>6}"
    )
    for r in report.results:
        engine = "concept" if r.probe is None else _mark(r.passed("engine"))
        click.echo(
            f"{r.id:<{width}}  {r.kind:<10} {r.variants:>8}  {_mark(r.passed('symbolic')):<8}  "
            f"{engine:<8}  {_mark(r.passed('exam')):<8}  {r.seconds:>5.2f}s"
        )
    failures = [(r, f) for r in report.results for f in r.failures]
    if failures:
        click.echo("")
        click.echo("failures:")
        for r, f in failures:
            where = "all variants" if f.variant is None else f"variant {f.variant}"
            click.echo(f"  {r.id} {where} [{f.check}]: {f.reason}")
    click.echo("")
    share = f"{report.concept_share:.0%}"
    limit = "over the limit of 25%" if concept_too_high else "limit: under 25% of the bank"
    click.echo(f"concept questions: {report.concept} of {report.questions} ({share}; {limit})")
    click.echo(f"time: {report.seconds:.1f} s with {report.workers} worker(s)")
    if report.kind_failures:
        for line in report.kind_failures:
            click.echo(f"kind self-test failed: {line}")
    else:
        click.echo(f"kind self-tests: {len(report.kind_tests)} kinds passed")
    click.echo(report.summary())


def _mark(ok: bool) -> str:
    return "ok" if ok else "FAILED"


def _as_json(report, concept_too_high: bool) -> dict:
    return {
        "summary": {
            "questions": report.questions,
            "variants": report.variants,
            "failed": report.failed,
            "concept": report.concept,
            "concept_share": report.concept_share,
            "concept_over_limit": concept_too_high,
            "seconds": report.seconds,
            "workers": report.workers,
            "line": report.summary(),
            "kind_tests": report.kind_tests,
        },
        "questions": [
            {
                "id": r.id,
                "kind": r.kind,
                "concept": r.concept,
                "probe": r.probe,
                "variants": r.variants,
                "failed_variants": r.failed_variants,
                "seconds": r.seconds,
                "failures": [
                    {"variant": f.variant, "check": f.check, "reason": f.reason} for f in r.failures
                ],
            }
            for r in report.results
        ],
    }
