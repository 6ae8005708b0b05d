"""`eprep engine ...`: self-tests of the NumPy engine."""

from __future__ import annotations

import click


@click.group()
def engine() -> None:
    """Inspect and self-test the NumPy engine."""


@engine.command()
@click.option("--seed", default=0, show_default=True, help="Seed for the random shapes' values.")
@click.pass_context
def gradcheck(ctx: click.Context, seed: int) -> None:
    """Check every layer's and net's backward against numerical gradients (float64).

    Prints one row per gradient with its relative error; exits 1 if any exceeds 1e-7.
    """
    from eprep.engine.selfcheck import GRADCHECK_TOLERANCE, Check, run_checks

    def show(check: Check) -> None:
        verdict = "ok" if check.ok else "FAIL"
        shape = "x".join(str(s) for s in check.shape) or "scalar"
        click.echo(f"{check.name:<42} {shape:>10}  {check.error:9.2e}  {verdict}")

    click.echo(f"{'gradient':<42} {'shape':>10}  {'rel. err':>9}")
    results = run_checks(seed, on_check=show)
    failed = [c for c in results if not c.ok]
    if failed:
        click.echo(
            f"{len(failed)} of {len(results)} gradient checks exceed {GRADCHECK_TOLERANCE:g}: "
            + ", ".join(c.name for c in failed),
            err=True,
        )
        ctx.exit(1)
    click.echo(f"all {len(results)} gradient checks within {GRADCHECK_TOLERANCE:g}")
