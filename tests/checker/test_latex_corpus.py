"""LaTeX and common notations judged by `eprep check`: the corpus tests/corpus/latex.json.

Each case states, as a reader of the notation would, whether the input equals the formula beside
it (exit 0), differs from it (exit 1) or must be refused (exit 2, with the column of the error).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eprep.cli import main
from eprep.grammar import parse

CORPUS = json.loads((Path(__file__).parents[1] / "corpus" / "latex.json").read_text("utf-8"))
CASES = CORPUS["cases"]
EXIT = {"equivalent": 0, "different": 1, "refused": 2}


def test_corpus_is_large_and_balanced() -> None:
    verdicts = [case["verdict"] for case in CASES]
    assert len(CASES) >= 60
    assert all(verdicts.count(v) >= 15 for v in EXIT), verdicts
    # the corpus is about LaTeX: most inputs are LaTeX, the rest are the plain notations
    assert sum("\\" in case["text"] for case in CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:40])
def test_eprep_check_judges_the_corpus(case: dict) -> None:
    args = ["check", case["text"], "--expected", case["expected"], "--json"]
    for assumption in case.get("assume", []):
        args += ["--assume", assumption]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT[case["verdict"]], (case, result.output)
    data = json.loads(result.output)
    if case["verdict"] == "refused":
        assert data["position"] == case["position"], data
        assert "\n" not in data["error"] and "Traceback" not in data["error"]
    else:
        # the read-as form is plain grammar again, and reads back as the same formula
        assert parse(data["read_as"]) == parse(case["text"])


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"\sqrt{\frac{2}{n}}", "sqrt(2/n)"),
        (r"x_{i}", "x_i"),
        (r"\beta_1", "beta_1"),
        (r"\hat{m}", "m_hat"),
        (r"\hat{x}_{ni}", "x_ni_hat"),
        (r"\bar{x}", "x_bar"),
        (r"\sigma_t^2", "sigma_t^2"),
        (r"e^{-x}", "e^(-x)"),
        (r"\frac{\partial L}{\partial w}", "diff(L, w)"),
        (r"\frac{dy}{dx}", "diff(y, x)"),
        (r"\mathrm{e}^{x}", "e^x"),
        (r"\left\{ x \right\}", "(x)"),
        ("$$x$$", "x"),
        (r"\lfloor x \rfloor", "floor(x)"),
        (r"\sqrt x", "sqrt(x)"),
    ],
)
def test_latex_gives_the_same_tree_as_plain(latex: str, plain: str) -> None:
    assert parse(latex) == parse(plain)


def test_check_prints_the_typeset_reading() -> None:
    result = CliRunner().invoke(
        main, ["check", r"\frac{\hat{m}}{\sqrt{\hat{v}} + \varepsilon}", "--expected", "m_hat"]
    )
    assert "read as:  m_hat/(sqrt(v_hat) + epsilon)" in result.output
    assert "typeset:  m̂/(√(v̂) + ε)" in result.output


def test_declared_variables_apply_to_latex_names() -> None:
    assert parse(r"\beta_1 m", variables=["beta_1", "m"]) == parse("beta_1*m")
    with pytest.raises(Exception, match=r"col 1: unknown name 'beta_2'"):
        parse(r"\beta_2 m", variables=["beta_1", "m"])


def test_quiz_reads_latex_answers() -> None:
    from eprep.checker.kinds.expression import read_answer

    assert read_answer(r"\frac{1}{1+e^{-x}}", {"x": "real"}).read_as == "1/(1 + e^(-x))"
    assert read_answer(r"\beta_1 m", {"beta_1": "(0, 1)", "m": "real"}).read_as == "beta_1*m"
    with pytest.raises(Exception, match="col 1: LaTeX command"):
        read_answer(r"\sum x", {"x": "real"})


@pytest.mark.parametrize(
    "text",
    [
        "{" * 45 + "x" + "}" * 45,
        r"\frac{" * 30 + "1" + "}{2}" * 30,
        r"\sqrt" * 95 + "x",
        r"\hat" * 90 + "x",
        "d/dx " + "x^" * 200 + "x",
        "√" * 400 + "x",
        "|" * 300,
        r"\left(" * 80 + "x" + r"\right)" * 10,
        "$" * 499,
        r"\frac{d}{dx}" * 40 + "x",
        "x_{" + "a" * 400 + "}",
    ],
    ids=lambda t: t[:20],
)
def test_hostile_latex_is_a_one_line_error_quickly(text: str) -> None:
    import time

    from eprep.grammar import GrammarError

    started = time.monotonic()
    with pytest.raises(GrammarError) as info:
        parse(text)
    assert time.monotonic() - started < 1.0
    assert "\n" not in str(info.value) and info.value.position >= 1
