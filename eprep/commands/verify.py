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
    default=None,
    type=click.IntRange(1, 1000),
    help="Variants per question (questions without parameters have one) [default: every variant "
    "the quiz and the exam show; with --mutate, 3 per mutant].",
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
@click.option(
    "--no-references",
    is_flag=True,
    help="Skip the SymPy reference definitions and the two-witness rule (the old checks).",
)
@click.option(
    "--mutate",
    is_flag=True,
    help="Self-test: plant errata in the keys and report how many verification catches.",
)
@bank_option
def verify(
    days, ids, variants, workers, code_timeout, as_json, trust_bank, no_references, mutate, banks
) -> None:
    """Prove every answer key in the bank: SymPy reference definitions and the engine.

    Ends with `verified N questions (I identity, X exact, E engine), M variants, K failed`
    (K counts failed variants); exits 1 when anything failed, 2 when the bank cannot be loaded.
    With --mutate: ends with `mutants: C caught of T ...`, exit 1 when a mutant escapes.
    """
    from eprep.checker.verify import (
        CONCEPT_LIMIT,
        DEFAULT_VARIANTS,
        env_probe_files,
        load_probe_files,
        verify_questions,
    )

    bank = load_bank_from_options(banks)
    load_probe_files(env_probe_files())
    questions = _select(bank, days, ids)
    if mutate:
        _mutate(questions, variants, workers, code_timeout, as_json)
        return
    report = verify_questions(
        questions,
        variants or DEFAULT_VARIANTS,
        workers=workers,
        code_timeout=code_timeout,
        trust_bank=trust_bank,
        references=not no_references,
    )
    # The concept limit is per day; a selection of single questions says nothing about a day.
    over = [] if ids or no_references else report.concept_over_limit()
    if as_json:
        click.echo(json.dumps(_as_json(report, over), ensure_ascii=False, indent=2))
    else:
        _print_table(report, over, CONCEPT_LIMIT)
    if report.failed or over or report.kind_failures:
        raise SystemExit(1)


def _mutate(questions, variants, workers, code_timeout, as_json) -> None:
    from eprep.checker.mutate import mutation_test

    kwargs = {} if variants is None else {"variants": variants}  # default: a few per mutant
    report = mutation_test(questions, workers=workers, code_timeout=code_timeout, **kwargs)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if report.escaped:
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


def _print_table(report, over: list[str], limit: float) -> None:
    width = max([len(r.id) for r in report.results] + [8])
    click.echo(
        f"{'question':<{width}}  {'kind':<10} {'variants':>8}  "
        f"{'witnesses':<22}  {'result':<7} {'time':>6}"
    )
    for r in report.results:
        ok = "FAILED" if r.failures else "-" if r.not_proven else "ok"
        click.echo(
            f"{r.id:<{width}}  {r.kind:<10} {r.variants:>8}  {r.label:<22}  {ok:<7} "
            f"{r.seconds:>5.2f}s"
        )
    failures = [(r, f) for r in report.results for f in r.failures]
    if failures:
        click.echo("")
        click.echo("failures:")
        for r, f in failures:
            where = "all variants" if f.variant is None else f"variant {f.variant}"
            click.echo(f"  {r.id} {where} [{f.check}]: {f.reason}")
    click.echo("")
    for day, (concept, total) in report.concept_by_day().items():
        state = "OVER the limit" if day in over else "limit"
        click.echo(
            f"concept questions (sourced, not proven) in {day}: {concept} of {total} "
            f"({concept / total:.0%}; {state} {limit:.0%} of the day)"
        )
    if report.not_proven:
        click.echo(
            f"{report.not_proven} question(s) not proven here: their witnesses run PyTorch and "
            'Keras; pip install "eprep[frameworks]" to prove them'
        )
    click.echo(f"time: {report.seconds:.1f} s with {report.workers} worker(s)")
    if report.kind_failures:
        for line in report.kind_failures:
            click.echo(f"kind self-test failed: {line}")
    else:
        click.echo(f"kind self-tests: {len(report.kind_tests)} kinds passed")
    click.echo(report.summary())


def _as_json(report, over: list[str]) -> dict:
    return {
        "summary": {
            "questions": report.questions,
            "variants": report.variants,
            "failed": report.failed,
            "concept": report.concept,
            "concept_share": report.concept_share,
            "concept_over_limit": over,
            "identity": report.count("identity"),
            "exact": report.count("exact"),
            "engine": report.count("engine"),
            "not_proven": report.not_proven,
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
                "reference": r.reference,
                "witnesses": list(r.witnesses),
                "proof": r.label,
                "not_proven": r.not_proven,
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
