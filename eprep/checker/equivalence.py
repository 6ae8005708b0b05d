"""Equivalence of two formulas on declared domains: random points, then a SymPy proof.

Runs in-process; `eprep.checker.api` decides whether that process is the caller (trusted bank
formulas) or a worker that is killed on overrun (learner input).
"""

from __future__ import annotations

import math
import random
import time
import zlib
from collections.abc import Mapping

from eprep.checker.budget import BudgetExceeded, time_budget
from eprep.checker.domains import Domain
from eprep.checker.verdict import Verdict
from eprep.grammar import EvaluationError, evaluate, free_symbols, to_text
from eprep.grammar.derivative import expand_diff
from eprep.grammar.nodes import Node

REAL = Domain("real", text="real")
TARGET_POINTS = 16  # points where both sides are defined
MIN_POINTS = 6  # fewer than this after MAX_DRAWS: no numeric verdict
MAX_DRAWS = 300
NICE_DRAWS = 6  # the first draws use simple values, so witnesses read well
REL_TOL = 1e-9
ABS_TOL = 1e-12
MAX_CONFIRM = 5  # disagreements re-checked in 40-digit arithmetic before trusting them


def fmt(value: float) -> str:
    """A number as a learner would write it: 3, 0.5, 1.2e-08."""
    if value == 0 or (abs(value) < 1e12 and value == round(value)):
        return str(int(value))
    return f"{value:.6g}"


def _pair(va: float | None, vb: float | None) -> tuple[str, str]:
    """Both values printed with enough digits to tell them apart."""
    if va is None or vb is None:
        return ("is undefined" if va is None else f"gives {fmt(va)}"), (
            "is undefined" if vb is None else fmt(vb)
        )
    a, b = fmt(va), fmt(vb)
    if a == b:
        a, b = repr(va), repr(vb)
    return f"gives {a}", b


def _safe(node: Node, point: Mapping[str, float]) -> float | None:
    try:
        return evaluate(node, point)
    except EvaluationError:
        return None


def _close(a: float, b: float, rel: float = REL_TOL, floor: float = ABS_TOL) -> bool:
    return abs(a - b) <= floor + rel * max(abs(a), abs(b))


def _seed(*parts: str) -> int:
    return zlib.crc32("\x00".join(parts).encode())


def _witness_text(point: Mapping[str, float]) -> str:
    return ", ".join(f"{name}={fmt(value)}" for name, value in point.items())


class _Unknown(Exception):
    """Exact arithmetic could not finish in time."""


class _Comparison:
    def __init__(
        self,
        answer: Node,
        expected: Node,
        domains: Mapping[str, Domain],
        deadline: float,
    ) -> None:
        self.answer, self.expected = answer, expected
        self.names = sorted(free_symbols(answer) | free_symbols(expected))
        self.domains = {name: domains.get(name, REAL) for name in self.names}
        self.domain_key = tuple(sorted(self.domains.items()))
        self.deadline = deadline
        self.read_as = to_text(answer)
        self.expected_read_as = to_text(expected)
        self._sympy: tuple | None = None

    # -- SymPy (imported only when needed) -----------------------------------------------
    def sympy_pair(self):
        if self._sympy is None:
            from eprep.checker.symbolic import to_sympy

            self._sympy = (
                to_sympy(self.answer, self.domain_key),
                to_sympy(self.expected, self.domain_key),
            )
        return self._sympy

    def exact(self, point: Mapping[str, float]):
        """Both sides in 40-digit arithmetic (None = undefined); _Unknown when out of time."""
        from eprep.checker.symbolic import exact_value

        remaining = self.deadline - time.monotonic()
        if remaining <= 0.02:
            raise _Unknown
        try:
            # exp(exp(exp(100))) and the like can take forever in exact arithmetic.
            with time_budget(remaining):
                a, b = self.sympy_pair()
                return exact_value(a, point, self.domain_key), exact_value(
                    b, point, self.domain_key
                )
        except BudgetExceeded:
            raise _Unknown from None

    # -- verdicts ------------------------------------------------------------------------
    def verdict(self, equivalent: bool, certainty: str, message: str, **extra) -> Verdict:
        return Verdict(
            equivalent=equivalent,
            certainty=certainty,
            read_as=self.read_as,
            expected_read_as=self.expected_read_as,
            message=message,
            **extra,
        )

    def run(self) -> Verdict:
        answer = expand_diff(self.answer)
        expected = expand_diff(self.expected)
        rng = random.Random(_seed(self.read_as, self.expected_read_as))
        both: list[tuple[dict[str, float], float, float]] = []
        one_sided: list[tuple[dict[str, float], float | None, float | None]] = []
        draws = 0
        limit = MAX_DRAWS if self.names else 1
        numeric_deadline = time.monotonic() + 0.5 * max(0.0, self.deadline - time.monotonic())
        while len(both) < TARGET_POINTS and draws < limit:
            if draws % 16 == 15 and time.monotonic() > numeric_deadline:
                break
            nice = draws < NICE_DRAWS
            point = {
                name: (dom.nice(rng) if nice else dom.draw(rng)) for name, dom in self.domains.items()
            }
            draws += 1
            va, vb = _safe(answer, point), _safe(expected, point)
            if va is None and vb is None:
                continue
            if va is None or vb is None:
                one_sided.append((point, va, vb))
                continue
            both.append((point, va, vb))

        wrong = self.find_disagreement(both)
        if wrong is not None:
            return wrong
        undefined = self.find_one_sided(both, one_sided)
        if undefined is not None:
            return undefined
        if len(both) < min(MIN_POINTS, limit):
            if self.try_proof():
                return self.verdict(
                    True, "proof", "equivalent: SymPy proves it on the declared domains"
                )
            return self.verdict(
                False,
                "none",
                f"cannot decide: only {len(both)} of {draws} sample points in the domains give "
                "both formulas a real value (check the domains with --assume)",
                points=len(both),
            )
        if self.try_proof():
            return self.verdict(
                True,
                "proof",
                "equivalent: SymPy proves it on the declared domains",
                points=len(both),
            )
        tiny = self.exact_check(both)
        if tiny is not None:
            return tiny
        return self.verdict(
            True,
            "numeric",
            f"equivalent at {len(both)} random points in the domains; SymPy could not prove it "
            "within the time limit, so this rests on numeric evidence",
            points=len(both),
        )

    def find_disagreement(self, both) -> Verdict | None:
        confirmed = 0
        for point, va, vb in both:
            if _close(va, vb):
                continue
            if confirmed >= MAX_CONFIRM or time.monotonic() > self.deadline:
                return self.wrong(point, va, vb, both)
            confirmed += 1
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                return self.wrong(point, va, vb, both)
            if ea is None or eb is None:
                continue  # float and exact arithmetic disagree on definedness: not a witness
            from eprep.checker.symbolic import same_value

            if not same_value(ea, eb):
                return self.wrong(point, ea, eb, both)
        return None

    def find_one_sided(self, both, one_sided) -> Verdict | None:
        """A side undefined where the other has a value, at a good share of the points."""
        if len(one_sided) < 3 or len(one_sided) < 0.25 * (len(both) + len(one_sided)):
            return None
        for point, _va, _vb in one_sided[:MAX_CONFIRM]:
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                return None
            if (ea is None) != (eb is None):
                return self.wrong(point, ea, eb, both)
        return None

    def try_proof(self) -> bool:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0.01:
            return False
        try:
            with time_budget(remaining):
                from eprep.checker.symbolic import prove_zero

                a, b = self.sympy_pair()
                return prove_zero(a - b, self.domain_key)
        except BudgetExceeded:
            return False
        except (TypeError, ValueError, ZeroDivisionError, RecursionError, AttributeError):
            return False

    def exact_check(self, both) -> Verdict | None:
        """Points that agree in floats but differ in 40 digits (e.g. `x*(1 + 1e-12)` vs `x`)."""
        from eprep.checker.symbolic import same_value

        for point, _va, _vb in both[:3]:
            if time.monotonic() > self.deadline:
                return None
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                return None
            if ea is not None and eb is not None and not same_value(ea, eb):
                return self.wrong(point, ea, eb, both)
        return None

    def wrong(self, point, va, vb, both) -> Verdict:
        """A confirmed witness; va/vb are floats, 40-digit SymPy values, or None (undefined)."""
        where = f"with {_witness_text(point)} " if point else ""
        exact_gap = None
        if va is not None and vb is not None and not isinstance(va, float):
            exact_gap = float(va - vb)
        va = None if va is None else float(va)
        vb = None if vb is None else float(vb)
        yours, theirs = _pair(va, vb)
        if exact_gap is not None and va == vb:
            theirs += f" (they differ by {exact_gap:.3g} in 40-digit arithmetic)"
        diagnosis = diagnose(both)
        message = f"not equivalent: {where}yours {yours}, expected {theirs}"
        if diagnosis:
            message += f" ({diagnosis})"
        return self.verdict(
            False,
            "proof",
            message,
            witness=dict(point),
            answer_value=va,
            expected_value=vb,
            diagnosis=diagnosis,
            points=len(both),
        )


def diagnose(both) -> str | None:
    """Off by a constant term, by a constant factor, or the wrong sign (from sample values)."""
    if len(both) < 3:
        return None
    ratios = [va / vb for _p, va, vb in both if vb != 0]
    if len(ratios) == len(both) and all(_close(r, ratios[0], 1e-7, 1e-12) for r in ratios):
        factor = ratios[0]
        if _close(factor, -1.0, 1e-9, 0):
            return "wrong sign: yours is -1 × expected"
        if not _close(factor, 1.0, 1e-9, 0) and factor != 0:
            return f"off by a constant factor: yours is {fmt(factor)} × expected"
    diffs = [va - vb for _p, va, vb in both]
    scale = max(abs(vb) for _p, _va, vb in both) or 1.0
    if all(abs(d - diffs[0]) <= 1e-8 * max(scale, abs(diffs[0])) for d in diffs):
        term = diffs[0]
        if abs(term) > 1e-9 * scale:
            sign = "+" if term > 0 else "-"
            return f"off by a constant term: yours is expected {sign} {fmt(abs(term))}"
    return None


def compare(
    answer: Node, expected: Node, domains: Mapping[str, Domain], *, budget: float = 2.0
) -> Verdict:
    """Decide whether `answer` equals `expected` on `domains` within about `budget` seconds."""
    deadline = time.monotonic() + budget
    try:
        return _Comparison(answer, expected, domains, deadline).run()
    except EvaluationError as error:  # a derivative too large to evaluate
        from eprep.errors import EprepError

        raise EprepError(str(error)) from None
