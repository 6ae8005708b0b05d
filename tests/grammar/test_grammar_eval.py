"""Float evaluation and AST differentiation against independent oracles."""

from __future__ import annotations

import math

import pytest

from eprep.grammar import EvaluationError, GrammarError, evaluate, parse


@pytest.mark.parametrize(
    ("text", "oracle"),
    [
        ("sigmoid(x)", lambda x: 1 / (1 + math.exp(-x))),
        ("softplus(x)", lambda x: math.log(1 + math.exp(x))),
        ("tanh(x)^2 + 1/cosh(x)^2", lambda x: 1.0),
        ("log(exp(x) + 1, 2)", lambda x: math.log2(math.exp(x) + 1)),
        ("max(x, 0) - min(x, 0)", abs),
        ("floor(x) + ceil(x)", lambda x: math.floor(x) + math.ceil(x)),
        ("2^x^2", lambda x: 2 ** (x**2)),
    ],
)
@pytest.mark.parametrize("x", [-2.3, -0.4, 0.7, 1.9])
def test_evaluate_matches_python(text: str, oracle, x: float) -> None:
    assert math.isclose(evaluate(parse(text), {"x": x}), oracle(x), rel_tol=1e-12, abs_tol=1e-14)


def test_sigmoid_softplus_do_not_overflow() -> None:
    assert evaluate(parse("sigmoid(x)"), {"x": -800.0}) == pytest.approx(0.0, abs=1e-300)
    assert evaluate(parse("softplus(x)"), {"x": 800.0}) == pytest.approx(800.0)


@pytest.mark.parametrize(
    "text", ["log(x)", "sqrt(x)", "1/(x+1)", "exp(1000)", "x^0.5", "log(x, 1)", "diff(log(x), x)"]
)
def test_domain_errors(text: str) -> None:
    env = {"x": -1.0} if "1000" not in text and ", 1)" not in text else {"x": 2.0}
    with pytest.raises(EvaluationError):
        evaluate(parse(text), env)


def test_missing_variable() -> None:
    with pytest.raises(EvaluationError, match="'y'"):
        evaluate(parse("x + y"), {"x": 1.0})


def _numeric_derivative(f, x: float, order: int) -> float:
    """Central differences (Richardson-free); tolerance below accounts for their error."""
    h = 1e-3
    if order == 1:
        return (f(x + h) - f(x - h)) / (2 * h)
    return (_numeric_derivative(f, x + h, order - 1) - _numeric_derivative(f, x - h, order - 1)) / (
        2 * h
    )


@pytest.mark.parametrize(
    ("body", "order"),
    [
        ("sigmoid(3x - 1)", 1),
        ("softplus(x)*tanh(x)", 1),
        ("x^x", 1),
        ("log(x^2 + 1, 3)", 1),
        ("sqrt(x + 4)/(1 + x^2)", 2),
        ("sin(x)*cosh(x) - tan(x/3)", 2),
        ("max(x^2, 2x)", 1),
        ("abs(x - 3)^3", 2),
        ("exp(-x^2/2)", 3),
    ],
)
@pytest.mark.parametrize("x", [0.35, 1.3])
def test_diff_matches_finite_differences(body: str, order: int, x: float) -> None:
    node = parse(body)

    def f(v: float) -> float:
        return evaluate(node, {"x": v})

    got = evaluate(parse(f"diff({body}, x, {order})"), {"x": x})
    want = _numeric_derivative(f, x, order)
    assert math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-4 * 10**order)


def test_diff_of_other_variable_is_zero() -> None:
    assert evaluate(parse("diff(a*x^2, a)"), {"a": 3.0, "x": 2.0}) == 4.0
    assert evaluate(parse("diff(a, x)"), {"a": 3.0, "x": 2.0}) == 0.0


def test_the_derivative_rules_read_by_the_descent_are_what_the_parser_reads() -> None:
    """derivative.py reads the function table's rules with descent.parse_rule (no evaluator):
    each must be the tree the full parser gives, and the descent alone must not check powers."""
    from eprep.grammar.descent import parse_rule
    from eprep.grammar.functions import FUNCTIONS_TABLE

    rules = [info.derivative for info in FUNCTIONS_TABLE.values() if info.derivative]
    assert len(rules) >= 5
    for rule in rules:
        assert parse_rule(rule, ["u"]) == parse(rule, variables=["u"]), rule
    with pytest.raises(GrammarError, match="too large"):
        parse("2^(10^5)")
    assert parse_rule("2^(10^5)", ["u"]) is not None  # trusted text: the limit is the parser's
