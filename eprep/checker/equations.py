"""Equations as answers (`y = 2x + 1`, `E = 1/2*(y - t)^2`): what to compare, and saying so.

- The expected equation names a quantity (`y = …`, a single variable on its left) and the
  answer names the same one, on either side: the other sides are compared.
- Otherwise `lhs - rhs` of the answer must be a non-zero constant multiple of the expected
  `lhs - rhs` (`2y = 4x + 2` is `y = 2x + 1`): the factor is estimated at a few points and the
  identity `answer = factor × expected` is then checked like any two formulas.
- An equation `y = …` against a formula: its right side is compared with the formula.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Mapping
from fractions import Fraction

from eprep.checker.domains import Domain
from eprep.checker.verdict import Verdict
from eprep.checker.wording import compared_text, render
from eprep.errors import EprepError
from eprep.grammar import EvaluationError, evaluate, free_symbols, to_text
from eprep.grammar.equation import Equation
from eprep.grammar.nodes import BinOp, Neg, Node, Num, Sym
from eprep.i18n import message

Compare = Callable[[Node, Node], Verdict]
FACTOR_POINTS = 12


def _text(side: Node | Equation) -> str:
    return side.text() if isinstance(side, Equation) else to_text(side)


def _named(side: Node) -> str | None:
    return side.name if isinstance(side, Sym) else None


def compare_equations(
    answer: Node | Equation,
    expected: Node | Equation,
    domains: Mapping[str, Domain],
    compare: Compare,
) -> Verdict:
    """The verdict for two sides of which at least one is an equation; `compare` does formulas."""
    if isinstance(answer, Equation) and isinstance(expected, Equation):
        verdict = _both(answer, expected, domains, compare)
    elif isinstance(answer, Equation):
        if _named(answer.lhs) is None:
            raise EprepError(
                "answer: an equation, but a formula is expected: write the formula alone"
            )
        assert not isinstance(expected, Equation)  # both equations: the branch above
        verdict = _said(compare(answer.rhs, expected), "answer_rhs")
    else:
        assert isinstance(expected, Equation)
        if _named(expected.lhs) is None:
            verdict = Verdict(
                equivalent=False,
                certainty="none",
                read_as=_text(answer),
                message=render("equation", {}),
                compared="an equation was expected",
                reason="equation",
                facts={},
            )
        else:
            verdict = _said(compare(answer, expected.rhs), "expected_rhs")
    verdict.read_as, verdict.expected_read_as = _text(answer), _text(expected)
    return verdict


def _both(answer: Equation, expected: Equation, domains, compare: Compare) -> Verdict:
    name = _named(expected.lhs)
    if name is not None and _named(answer.lhs) == name:
        return _said(compare(answer.rhs, expected.rhs), "rhs", name=name)
    if name is not None and _named(answer.rhs) == name:
        return _said(compare(answer.lhs, expected.rhs), "other_sides", name=name)
    mine = BinOp("-", answer.lhs, answer.rhs)
    theirs = BinOp("-", expected.lhs, expected.rhs)
    factor = _factor(mine, theirs, domains)
    if factor is None or factor == 0:  # no usable ratio: compare the differences as they are
        return _said(compare(mine, theirs), "difference")
    scaled = theirs if factor == 1 else BinOp("*", _number(factor), theirs)
    if factor == 1:
        return _said(compare(mine, scaled), "difference")
    return _said(compare(mine, scaled), "difference_scaled", factor=str(factor))


def _number(value: Fraction) -> Node:
    magnitude = abs(value)
    text = str(magnitude.numerator)
    node: Node = Num(float(magnitude.numerator), text)
    if magnitude.denominator != 1:
        den = str(magnitude.denominator)
        node = BinOp("/", node, Num(float(magnitude.denominator), den))
    return Neg(node) if value < 0 else node


def _factor(mine: Node, theirs: Node, domains: Mapping[str, Domain]) -> Fraction | None:
    """The constant ratio mine/theirs suggested by a few points (a simple fraction), or None."""
    names = sorted(free_symbols(mine) | free_symbols(theirs))
    rng = random.Random(zlib.crc32(f"{to_text(mine)}\x00{to_text(theirs)}".encode()))
    real = Domain("real", text="real")
    ratios: list[float] = []
    for _ in range(FACTOR_POINTS * 4):
        point = {name: domains.get(name, real).draw(rng) for name in names}
        try:
            a, b = evaluate(mine, point), evaluate(theirs, point)
        except EvaluationError:
            continue
        if b != 0:
            ratios.append(a / b)
        if len(ratios) >= FACTOR_POINTS:
            break
    if not ratios:
        return None
    ratios.sort()
    middle = ratios[len(ratios) // 2]
    if middle == 0:
        return Fraction(0)
    return Fraction(middle).limit_denominator(1000)


def _said(verdict: Verdict, compared: str, **facts: str) -> Verdict:
    """The verdict, saying which sides were compared (a `compared.` catalogue key)."""
    verdict.facts = {**(verdict.facts or {}), "compared": compared, **facts}
    verdict.compared = compared_text(verdict.facts)
    verdict.message = f"{verdict.message}{message('en', 'verdict.compared', part=verdict.compared)}"
    return verdict
