"""Derivations: parsing the file format, step verdicts, witnesses, --start/--end."""

from __future__ import annotations

import pytest

from eprep.checker import check_derivation
from eprep.checker.derivation import parse_derivation
from eprep.errors import EprepError
from eprep.grammar import evaluate, parse

DROPOUT = """\
# inverted dropout keeps the expectation
assume r: (0, 1)
assume y: real
let s = 1/(1 - r)
s * ((1 - r)*y + r*0)
= s * (1 - r)*y
= y
"""

SIGMOID_SLIP = """\
# d/dx sigmoid, with a sign slip on line 4
diff(sigmoid(x), x)
= exp(-x)/(1 + exp(-x))^2   # quotient rule
= sigmoid(x)*(1 + sigmoid(x))
"""

CONV = """\
assume H: positive integer
assume P: positive integer
assume F: positive integer
assume S: positive integer
(H + 2*P - F)/S + 1
= (H + 2*P - F + S)/S
= (H + 2P - F)/S
"""


def test_dropout_derivation_holds() -> None:
    report = check_derivation(DROPOUT, end="y", start="(1-r)*y/(1-r)", trusted=True)
    assert report.ok and report.end_ok and report.start_ok
    assert [step.line for step in report.steps] == [5, 6, 7]
    assert all(step.ok for step in report.steps)
    assert report.steps[0].read_as == "s*((1 - r)*y + r*0)"  # shown as written, before `let`


def test_let_is_substituted() -> None:
    # Without the let, s is a free variable and line 6 -> 7 (s*(1-r)*y = y) would fail.
    without = DROPOUT.replace("let s = 1/(1 - r)\n", "")
    report = check_derivation(without, trusted=True)
    assert not report.ok and report.first_failure is not None
    assert report.first_failure.line == 6


def test_first_wrong_step_has_line_and_witness() -> None:
    report = check_derivation(SIGMOID_SLIP, trusted=True)
    assert not report.ok
    failure = report.first_failure
    assert failure is not None and failure.line == 4
    verdict = failure.verdict
    assert verdict is not None and verdict.witness is not None
    x = verdict.witness["x"]
    # Independent oracle: the previous line is the sigmoid derivative s(1-s), this one s(1+s).
    import math

    s = 1 / (1 + math.exp(-x))
    assert verdict.expected_value == pytest.approx(s * (1 - s), rel=1e-9)
    assert verdict.answer_value == pytest.approx(s * (1 + s), rel=1e-9)
    assert report.steps[1].ok  # line 3 is right


def test_end_mismatch_and_missing_plus_one() -> None:
    report = check_derivation(CONV, trusted=True, end="(H + 2*P - F)/S + 1")
    assert [step.ok for step in report.steps] == [True, True, False]
    assert report.first_failure is not None and report.first_failure.line == 7
    assert report.first_failure.verdict is not None
    assert "constant term" in (report.first_failure.verdict.diagnosis or "")
    assert report.end_ok is False


def test_cli_assumptions_override_file() -> None:
    text = "sqrt(x^2)\n= x\n"
    assert not check_derivation(text, trusted=True).ok
    assert check_derivation(text, assume=["x: nonnegative"], trusted=True).ok
    assert check_derivation(text, assume={"x": "positive"}, trusted=True).ok


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("= x\n", ":1:"),
        ("x\ny\n", ":2:"),
        ("x\n= x +\n", ":2: col 6:"),
        ("assume r: (1, 0)\nr\n", ":1:"),
        ("assume r positive\nr\n", ":1:"),
        ("let exp = 2\nx\n", ":1:"),
        ("let s = (\nx\n", ":1: col 10:"),
        ("x\n= x\nassume x: real\n", ":3:"),
        ("# only a comment\n", "no expression"),
        ("x\n= __import__('os')\n", ":2: col 14:"),
    ],
)
def test_file_errors_name_the_line(text: str, where: str) -> None:
    with pytest.raises(EprepError) as info:
        check_derivation(text, path="d.txt", trusted=True)
    assert where in str(info.value)
    assert str(info.value).startswith("d.txt")


def test_let_and_assume_clash() -> None:
    with pytest.raises(EprepError, match="both assumed and defined"):
        check_derivation("assume s: real\nlet s = 2\ns\n= 2\n", trusted=True)


def test_parse_derivation_structure() -> None:
    parsed = parse_derivation(DROPOUT)
    assert set(parsed.domains) == {"r", "y"}
    assert set(parsed.lets) == {"s"}
    assert [line for line, _text, _node in parsed.chain] == [5, 6, 7]
    # `let` is read with the grammar: its value at r = 0.75 is 1/(1 - 0.75) = 4.
    assert evaluate(parsed.lets["s"], {"r": 0.75}) == pytest.approx(4.0)
    assert parsed.chain[2][2] == parse("y")


def test_worker_path_derivation() -> None:
    report = check_derivation(SIGMOID_SLIP, timeout=5.0)
    assert report.first_failure is not None and report.first_failure.line == 4
