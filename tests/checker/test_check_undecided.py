"""`eprep check` when it cannot decide: its own exit code, the reason instead of generic --assume
advice, and the --assume that lets SymPy prove a numbers-only equivalence."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from eprep.cli import main

UNDECIDED = 4  # README, "Exit codes"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_exit_code_is_documented() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert re.search(r"Exit codes: 0 equivalent, 1 not equivalent, 2\s+unreadable", readme)
    assert re.search(r"4 cannot decide", readme)
    help_text = CliRunner().invoke(main, ["check", "--help"]).output
    assert "4 cannot decide" in " ".join(help_text.split())


@pytest.mark.parametrize(
    ("answer", "expected", "cause"),
    [
        # exp(1000) has a value (about 2e434) but not in floats: every point overflows
        ("exp(1000)*x", "x", "exp(1000) is too large for floating point (overflow)"),
        # log(-1) has no real value: every point is undefined, whatever x is
        ("2*log(-1)*x", "x*log(-1)", "log(-1) has no real value"),
    ],
)
def test_constant_without_float_value_names_the_cause(
    runner: CliRunner, answer: str, expected: str, cause: str
) -> None:
    result = runner.invoke(main, ["check", answer, "--expected", expected])
    assert result.exit_code == UNDECIDED, result.output
    assert "cannot decide" in result.output and cause in result.output
    assert "--assume" not in result.output  # no domain of x would help


def test_formulas_without_real_points_are_not_a_no(runner: CliRunner) -> None:
    # neither side has a real value anywhere: undecided (4), not "not equivalent" (1)
    result = runner.invoke(main, ["check", "sqrt(-1 - x^2)", "--expected", "sqrt(-2 - x^2)"])
    assert result.exit_code == UNDECIDED, result.output
    assert "cannot decide" in result.output and "--assume" in result.output


def test_not_equivalent_stays_one(runner: CliRunner) -> None:
    assert runner.invoke(main, ["check", "x+1", "--expected", "x"]).exit_code == 1


def test_numeric_equivalence_suggests_the_sign(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "1/sqrt(n)", "--expected", "sqrt(1/n)"])
    assert result.exit_code == 0, result.output
    assert "numeric evidence" in result.output
    assert "--assume 'n: positive'" in result.output
    # the advice is good: with it, SymPy proves the identity
    proved = runner.invoke(
        main, ["check", "1/sqrt(n)", "--expected", "sqrt(1/n)", "--assume", "n: positive", "--json"]
    )
    assert proved.exit_code == 0 and json.loads(proved.output)["certainty"] == "proof"


def test_no_sign_hint_when_both_signs_were_sampled(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "x^2", "--expected", "x*x", "--json"])
    assert json.loads(result.output)["assume_hint"] is None
