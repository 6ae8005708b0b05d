"""Domains: parsing, sampling inside them, and verdicts that depend on them."""

from __future__ import annotations

import math
import random

import pytest

from eprep.checker import equivalent, parse_domain
from eprep.checker.domains import parse_assume
from eprep.errors import EprepError


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("real", [-5.0, 0.0, 3.2], []),
        ("positive", [1e-9, 2.0], [0.0, -1.0]),
        ("nonnegative", [0.0, 2.0], [-1e-9]),
        ("integer", [-3.0, 0.0], [0.5]),
        ("positive integer", [1.0, 7.0], [0.0, 1.5]),
        ("(0, 1)", [0.5, 1e-9], [0.0, 1.0]),
        ("[1, 10]", [1.0, 10.0], [0.99, 10.01]),
        ("(0, 1]", [1.0], [0.0]),
        ("[-1, 0)", [-1.0], [0.0]),
        ("(0, inf)", [1e9], [0.0]),
        ("[0, pi]", [math.pi], [3.2]),
    ],
)
def test_membership(text: str, inside: list[float], outside: list[float]) -> None:
    domain = parse_domain(text)
    assert all(domain.contains(v) for v in inside)
    assert not any(domain.contains(v) for v in outside)


@pytest.mark.parametrize(
    "text",
    [
        "real",
        "positive",
        "nonnegative",
        "integer",
        "positive integer",
        "(0, 1)",
        "[2, 3]",
        "(-1, 0]",
        "[1, inf)",
    ],
)
def test_samples_stay_inside(text: str) -> None:
    domain = parse_domain(text)
    rng = random.Random(1)
    values = [domain.draw(rng) for _ in range(300)] + [domain.nice(rng) for _ in range(100)]
    assert all(domain.contains(v) for v in values)
    assert len(set(values)) > 10


@pytest.mark.parametrize("text", ["reals", "(1, 0)", "(0, 1", "[a, 2]", "(0; 1)", "", "(1, 1)"])
def test_bad_domains(text: str) -> None:
    with pytest.raises(EprepError):
        parse_domain(text)


def test_parse_assume() -> None:
    assert parse_assume("eps: positive") == ("epsilon", parse_domain("positive"))
    with pytest.raises(EprepError, match="NAME: DOMAIN"):
        parse_assume("x positive")


def test_sqrt_of_square_depends_on_domain() -> None:
    real = equivalent("sqrt(x^2)", "x", {"x": "real"}, trusted=True)
    assert not real.equivalent and real.witness is not None and real.witness["x"] < 0
    assert real.answer_value == pytest.approx(-real.expected_value)
    assert real.diagnosis is None  # -1 x expected only for negative x, so not a constant factor
    assert equivalent("sqrt(x^2)", "x", {"x": "nonnegative"}, trusted=True).equivalent
    assert equivalent("sqrt(x^2)", "x", {"x": "[0, 5]"}, trusted=True).equivalent


def test_log_of_product_depends_on_domain() -> None:
    real = equivalent("log(a) + log(b)", "log(a*b)", {}, trusted=True)
    assert not real.equivalent
    assert real.witness is not None and (real.witness["a"] < 0 or real.witness["b"] < 0)
    assert real.answer_value is None  # undefined where the expected formula has a value
    positive = equivalent(
        "log(a) + log(b)", "log(a*b)", {"a": "positive", "b": "positive"}, trusted=True
    )
    assert positive.equivalent and positive.certainty == "proof"


def test_interval_decides_adam_identity() -> None:
    domains = {"b": "(0, 1)", "t": "positive integer", "v": "positive"}
    verdict = equivalent(
        "sqrt(v/(1 - b^t))", "sqrt(v)/sqrt(1 - b^t)", domains, trusted=True, timeout=3.0
    )
    assert verdict.equivalent and verdict.certainty == "proof"
    # b = 2 is outside the interval; on all reals the two sides differ in definedness.
    assert not equivalent(
        "sqrt(v/(1 - b^t))", "sqrt(v)/sqrt(1 - b^t)", {"t": "positive integer"}, trusted=True
    ).equivalent


def test_too_few_defined_points_is_a_clear_verdict() -> None:
    verdict = equivalent("sqrt(-1 - x^2)", "sqrt(-2 - x^2)", {}, trusted=True)
    assert not verdict.equivalent and verdict.certainty == "none"
    assert "cannot decide" in verdict.message
