"""The numeric precision rule: what the prompt asks, what is right, what is a near miss.

Oracle: Python's own rounding to n significant figures (`format(key, ".3g")`), not the
checker's half-unit arithmetic.
"""

from __future__ import annotations

import random

import pytest

from eprep.checker.precision import precision
from eprep.questions.models import Tolerance

DEFAULT = Tolerance()  # rel 1e-3: the bank's default
LOOSE = Tolerance(rel=5e-3, abs=0.0)
COUNT = Tolerance(rel=1e-9, abs=0.01)


def test_the_issue_examples() -> None:
    # -1.66 for -1.65685 was "wrong" (0.19 % off, tolerance 0.1 %): it is -1.65685 to 3 figures
    asked = precision(DEFAULT, -1.65685)
    assert asked.figures == 3 and asked.describe() == "3 significant figures"
    assert asked.describe("ja") == "有効数字3桁"
    assert asked.accepts(-1.66)
    # 0.12 for 0.121729 is 2 figures: not what was asked, but a near miss, not a blunder
    asked = precision(DEFAULT, 0.121729)
    assert not asked.accepts(0.12) and asked.near(0.12)
    assert asked.accepts(0.122) and asked.accepts(0.1217)


@pytest.mark.parametrize("tolerance", [DEFAULT, LOOSE])
def test_every_correctly_rounded_answer_is_right(tolerance: Tolerance) -> None:
    rng = random.Random(14)
    for _ in range(2000):
        key = rng.choice([-1, 1]) * 10 ** rng.uniform(-6, 6)
        asked = precision(tolerance, key)
        assert asked.figures == 3
        for figures in (3, 4, 5, 8):  # what was asked, or more
            assert asked.accepts(float(format(key, f".{figures}g"))), (key, figures)


def test_fewer_figures_are_near_misses_and_blunders_are_not() -> None:
    rng = random.Random(12)
    for _ in range(2000):
        key = rng.choice([-1, 1]) * 10 ** rng.uniform(-6, 6)
        asked = precision(DEFAULT, key)
        two = float(format(key, ".2g"))
        if not asked.accepts(two):
            assert asked.near(two), (key, two)
        assert not asked.near(-key) and not asked.accepts(-key)  # the sign is no rounding
        assert not asked.near(2 * key) and not asked.near(key / 10)


def test_counts_are_exact_and_have_no_near_misses() -> None:
    asked = precision(COUNT, 79510)  # parameters of a layer
    assert asked.figures is None and asked.describe() == "exact value"
    assert asked.describe("ja") == "正確な値"
    assert asked.accepts(79510) and not asked.accepts(79500) and not asked.near(79511)
    small = precision(DEFAULT, 7)  # an output height: 7 "to 3 figures" is just 7
    assert small.figures is None and not small.near(8)
