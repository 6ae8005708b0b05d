"""Issue 22 through the real command line (subprocesses): leading minus, exit codes, a question
that declares a function."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eprep.questions import load_bank


def _eprep(*args: str, stdin: str = "", home: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    env.pop("EPREP_BANK", None)
    if home is not None:
        env["EPREP_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "read_as"),
    [
        (["check", "-t*h", "--expected", "-h*t"], "-t*h"),
        (["check", "-x^2", "--expected", "-(x^2)"], "-x^2"),
        (["check", "--expected", "-h*t", "-t*h"], "-t*h"),
        (["check", "--expected", "-(x^2)", "--", "-x^2"], "-x^2"),
        (["check", "-x", "--expected=-x"], "-x"),
        (["check", "-h*t", "--assume", "h: positive", "--expected", "-t*h"], "-h*t"),
    ],
)
def test_answers_beginning_with_minus_work_as_typed(args: list[str], read_as: str) -> None:
    result = _eprep(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"read as:  {read_as}" in result.stdout
    assert "Usage:" not in result.stdout and "No such option" not in result.stderr


def test_leading_minus_with_json_and_help_still_works() -> None:
    result = _eprep("check", "--json", "-t*h", "--expected", "-h*t")
    assert result.returncode == 0 and json.loads(result.stdout)["equivalent"] is True
    helped = _eprep("check", "-h")
    assert helped.returncode == 0 and "Usage:" in helped.stdout


def test_derive_options_beginning_with_minus(tmp_path: Path) -> None:
    steps = tmp_path / "steps.txt"
    steps.write_text("-x*(-x)\n= x^2\n", encoding="utf-8")
    result = _eprep("derive", str(steps), "--start", "-x*(-x)", "--end", "-(-x^2)")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every step holds" in result.stdout


@pytest.mark.parametrize(
    ("answer", "expected", "shown"),
    [
        ("1/0", "1", "undefined: 1/0 has no value"),
        ("log(-1)", "0", "undefined: log(-1) has no value"),
        ("sqrt(-2)", "3", "undefined: sqrt(-2) has no value"),
        ("(-8)^(1/3)", "-2", "undefined: (-8)^(1/3) has no value"),
    ],
)
def test_undefined_constants_exit_3(answer: str, expected: str, shown: str) -> None:
    result = _eprep("check", answer, "--expected", expected)
    assert result.returncode == 3, result.stdout + result.stderr
    assert shown in result.stdout and "--assume" not in result.stdout


def test_unknown_function_is_refused_with_a_suggestion() -> None:
    result = _eprep("check", "sec(x)", "--expected", "1/cos(x)")
    assert result.returncode == 2
    assert "unknown function 'sec' — write 1/cos(x)" in result.stderr
    assert "Traceback" not in result.stderr


def test_function_declared_on_the_command_line() -> None:
    args = ["check", "diff(f(x)^2, x)", "--expected", "2 f(x) diff(f(x), x)"]
    refused = _eprep(*args)
    assert refused.returncode == 2 and "unknown function 'f' — declare it" in refused.stderr
    declared = _eprep(*args, "--function", "f")
    assert declared.returncode == 0, declared.stdout + declared.stderr
    wrong = _eprep("check", "f(x)^2", "--function", "f", "--expected", "f(x^2)")
    assert wrong.returncode == 1 and "random smooth function" in wrong.stdout


def test_equation_and_large_exponents_through_the_cli() -> None:
    result = _eprep("check", "2y = 4x + 2", "--expected", "y = 2x + 1")
    assert result.returncode == 0 and "up to the factor 2" in result.stdout
    same = _eprep("check", "(x-a)^6000", "--expected", "(x - a)^6000")
    assert same.returncode == 0 and "the two formulas are the same" in same.stdout
    wrong = _eprep("check", "x^1000", "--expected", "x^1001")
    assert wrong.returncode == 1 and "not equivalent" in wrong.stdout


QUIZ_BANK = Path(__file__).parents[1] / "quiz" / "fixtures" / "bank"


def test_quiz_answer_beginning_with_minus(tmp_path: Path) -> None:
    result = _eprep(
        "quiz",
        "qz.basics.sigmoid-grad",
        "--bank",
        str(QUIZ_BANK),
        stdin="-sigmoid(x)*(sigmoid(x) - 1)\n",
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "read as: -sigmoid(x)*(sigmoid(x) - 1)" in result.stdout
    assert "✓ right" in result.stdout


DECLARING = """\
[topic]
title.en = "Chain rule"
order = 1

[[question]]
id = "zz.chain.square"
kind = "expression"
title.en = "Derivative of a square"
difficulty = 1
tags = ["fixture"]
source = "hand"
concept = true
variables = { x = "real" }
functions = ["f"]
prompt.en = "Write $\\\\frac{d}{dx} f(x)^2$."
answer = "diff(f(x)^2, x)"
explanation.en = "The chain rule."

[[question.mistakes]]
answer = "2*f(x)"
feedback.en = "The inner derivative is missing."
"""


def _declaring_bank(tmp_path: Path, body: str = DECLARING) -> Path:
    day = tmp_path / "bank" / "zz"
    day.mkdir(parents=True)
    (day / "_day.toml").write_text('[day]\ntitle.en = "Z"\norder = 91\n', encoding="utf-8")
    (day / "chain.toml").write_text(body, encoding="utf-8")
    return tmp_path / "bank"


def test_a_question_can_declare_a_function(tmp_path: Path) -> None:
    from eprep.checker.kinds.expression import judge_expression, read_answer

    bank = load_bank([_declaring_bank(tmp_path)])
    question = bank.get("zz.chain.square")
    assert question.functions == frozenset({"f"})
    variant = question.variant(0)
    answer = read_answer("2 f(x) diff(f(x), x)", question.variables, question.functions)
    assert answer.read_as == "2*f(x)*diff(f(x), x)"
    right = judge_expression(variant, answer, "en")
    assert right.correct and right.read_as == answer.read_as
    mistaken = judge_expression(
        variant, read_answer("2 f(x)", question.variables, question.functions), "en"
    )
    assert not mistaken.correct and mistaken.feedback == "The inner derivative is missing."


def test_the_quiz_parses_an_expression_answer_once(tmp_path: Path, monkeypatch) -> None:
    """From the typed line to the verdict the answer's text is parsed once (the worker gets
    its tree); and a declared function's answer that reads differently is shown typeset,
    not refused (the typesetting used to parse the text again without the declaration)."""
    import io

    import eprep.grammar.parser as parser
    from eprep.quiz.drill import run_quiz

    typed = "2 f(x) diff(f(x), x)"
    parsed: list[str] = []
    read_tokens = parser.read_tokens

    def counting(text: str, *args, **kwargs):
        parsed.append(text)
        return read_tokens(text, *args, **kwargs)

    monkeypatch.setattr(parser, "read_tokens", counting)
    monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
    bank = load_bank([_declaring_bank(tmp_path)])
    out = io.StringIO()
    summary = run_quiz(bank, ["zz.chain.square"], tmp_path / "p.db", count=1, out=out)
    assert parsed.count(typed) == 1, parsed
    transcript = out.getvalue()
    assert "2*f(x)*diff(f(x), x)" in transcript and "unknown" not in transcript.lower()
    assert summary.to_json()["right"] == 1, transcript


@pytest.mark.parametrize(
    ("declaration", "words"),
    [('functions = ["sin"]', "'sin' cannot be"), ('functions = "f"', "must be a list")],
)
def test_bad_function_declarations_are_refused(
    tmp_path: Path, declaration: str, words: str
) -> None:
    body = DECLARING.replace('functions = ["f"]', declaration)
    result = _eprep("list", "zz", "--bank", str(_declaring_bank(tmp_path, body)), home=tmp_path)
    assert result.returncode == 2 and words in result.stderr, result.stderr
