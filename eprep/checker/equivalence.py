"""Equivalence of two formulas on declared domains: random points, then a SymPy proof.

`sample` evaluates both formulas in floats (no SymPy) and returns an immutable `Samples`; a
`Comparison` reads it: `decide_numeric` settles what floats alone can, `decide_symbolic` the
rest with SymPy. Every float comparison goes through one rule, `agreement`. Runs in-process;
`eprep.checker.api` decides whether that process is the caller (trusted bank formulas) or the
worker that is killed on overrun (learner input), which receives the caller's samples.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from eprep.checker.budget import BudgetExceeded, time_budget
from eprep.checker.declared import declared_calls, random_functions, with_functions
from eprep.checker.domains import Domain
from eprep.checker.verdict import Verdict
from eprep.checker.wording import diagnosis_text, render
from eprep.errors import EprepError
from eprep.grammar import EvaluationError, evaluate, free_symbols, to_text
from eprep.grammar.derivative import expand_diff
from eprep.grammar.evaluator import MAX_FLOAT_EXPONENT, value_at
from eprep.grammar.nodes import BinOp, Call, Node, map_children, walk
from eprep.grammar.vocabulary import close, format_number

REAL = Domain("real", text="real")
TARGET_POINTS = 16  # points where both sides are defined
MIN_POINTS = 6  # fewer than this after MAX_DRAWS: no numeric verdict
MAX_DRAWS = 300
NICE_DRAWS = 6  # the first draws use simple values, so witnesses read well
MAX_CONFIRM = 5  # disagreements re-checked in 40-digit arithmetic before trusting them
# The one closeness rule of float samples (`agreement`), relative tolerance and absolute floor:
# within AGREE the values are equal up to rounding; beyond CLEAR the gap cannot be rounding
# error at the moderate points drawn, so a wrong answer is judged without SymPy; in between,
# exact arithmetic decides.
AGREE = (1e-9, 1e-12)
CLEAR = (1e-6, 1e-9)
REGION_TRIES = 6  # candidate points tried per sign region before calling it uncovered


def fmt(value: float) -> str:
    """A number as a learner would write it: 3, 0.5, 1.2e-8 (the vocabulary's format)."""
    return format_number(float(value))


def _pair(va: float | None, vb: float | None) -> tuple[str, str]:
    """Both values printed with enough digits to tell them apart ("" for no value)."""
    a = "" if va is None else fmt(va)
    b = "" if vb is None else fmt(vb)
    if va is not None and vb is not None and a == b:
        a, b = repr(va), repr(vb)
    return a, b


def _safe(node: Node, point: Mapping[str, float]) -> tuple[float | None, str]:
    """(value, why): value None where the formula (diffs expanded) has no float value at the
    point, and why ("domain", "overflow", "size": a constant exponent above the float cap)."""
    return value_at(node, point)


Agreement = Literal["agree", "unsure", "clear"]


def agreement(a: float, b: float) -> Agreement:
    """How two float values of the formulas at one point relate (the one closeness rule)."""
    if close(a, b, *AGREE):
        return "agree"
    return "unsure" if close(a, b, *CLEAR) else "clear"


def _close(a: float, b: float, rel: float, floor: float) -> bool:
    return close(a, b, rel, floor)


def _seed(*parts: str) -> int:
    return zlib.crc32("\x00".join(parts).encode())


def _witness_text(point: Mapping[str, float]) -> str:
    return ", ".join(f"{name}={fmt(value)}" for name, value in point.items())


class _Unknown(Exception):
    """Exact arithmetic could not finish in time."""


Point = dict[str, float]
Both = tuple[Point, float, float]  # a point where both sides have a value
# a point where exactly one side has a value: (point, va, vb, that failure was an overflow)
OneSided = tuple[Point, float | None, float | None, bool]


def _one_sided_share(both: int, one_sided: int) -> bool:
    """Enough random points with one side undefined that it is no accident of the draw."""
    return one_sided >= 3 and one_sided >= 0.25 * (both + one_sided)


@dataclass(frozen=True)
class Samples:
    """The float evidence about two formulas, drawn once (`sample`) and only read afterwards.

    It travels to the worker with the formulas, so the worker does not draw the points again.
    """

    both: tuple[Both, ...] = ()
    one_sided: tuple[OneSided, ...] = ()
    # one side defined at a point aimed at a sign region: counts once exact arithmetic agrees
    region_one_sided: tuple[OneSided, ...] = ()
    # ... and well inside its region, where floats are right about definedness
    clean_one_sided: tuple[OneSided, ...] = ()
    undefined: tuple[tuple[str, str], ...] = ()  # (side, reason): a constant without a value
    refused: bool = False  # a side too large for floats (a huge constant exponent)
    refused_points: tuple[Point, ...] = ()  # where exact arithmetic compares them instead
    draws: int = 0
    limit: int = 1  # draws allowed (1 for formulas without variables)
    regions: str = ""  # the sign regions the points cover (regions.py), for the message

    @property
    def too_few(self) -> bool:
        return len(self.both) < min(MIN_POINTS, self.limit)

    @property
    def one_sided_share(self) -> bool:
        return _one_sided_share(len(self.both), len(self.one_sided))

    def to_wire(self) -> dict[str, Any]:
        """As JSON (floats survive `json` exactly)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_wire(cls, data: Any) -> Samples:
        """The samples `to_wire` encoded; EprepError for anything else."""
        try:
            fields: dict[str, Any] = {
                "both": tuple((_point(p), float(a), float(b)) for p, a, b in data["both"]),
                "refused": bool(data["refused"]),
                "refused_points": tuple(_point(p) for p in data["refused_points"]),
                "draws": int(data["draws"]),
                "limit": int(data["limit"]),
                "regions": str(data["regions"]),
                "undefined": tuple((str(side), str(why)) for side, why in data["undefined"]),
            }
            for name in ("one_sided", "region_one_sided", "clean_one_sided"):
                fields[name] = tuple(
                    (_point(p), _maybe(a), _maybe(b), bool(o)) for p, a, b, o in data[name]
                )
        except (KeyError, TypeError, ValueError) as error:
            raise EprepError(f"bad samples in request: {error}") from None
        return cls(**fields)


def _point(data: Any) -> Point:
    if not isinstance(data, dict):
        raise TypeError("a point is an object")
    return {str(name): float(value) for name, value in data.items()}


def _maybe(value: Any) -> float | None:
    return None if value is None else float(value)


class Comparison:
    """Two formulas on their domains: the float `samples` (drawn here unless given) and the
    decisions that read them."""

    def __init__(
        self,
        answer: Node,
        expected: Node,
        domains: Mapping[str, Domain],
        budget: float,
        samples: Samples | None = None,
    ) -> None:
        deadline = time.monotonic() + budget
        self.answer, self.expected = answer, expected
        self.names = sorted(free_symbols(answer) | free_symbols(expected))
        self.domains = {name: domains.get(name, REAL) for name in self.names}
        self.domain_key = tuple(sorted(self.domains.items()))
        self.deadline = deadline
        self.read_as = to_text(answer)
        self.expected_read_as = to_text(expected)
        self._sympy: tuple | None = None
        self._sympy_concrete: tuple | None = None
        # Floats (and exact values at points) need a concrete function for each declared one.
        calls = declared_calls(answer)
        for name, count in declared_calls(expected).items():
            calls[name] = max(count, calls.get(name, 0))
        rng = random.Random(_seed(self.read_as, self.expected_read_as, "functions"))
        bodies = random_functions(calls, rng)
        self.concrete = (with_functions(answer, bodies), with_functions(expected, bodies))
        if samples is not None:
            self.__dict__["samples"] = samples  # drawn by the caller: not drawn again

    @cached_property
    def samples(self) -> Samples:
        """The float evidence, drawn on first use (a formula compared with itself needs none)."""
        return _Sampler(self).run()

    @cached_property
    def expanded(self) -> tuple[Node, Node]:
        """Both sides with declared functions concrete and every `diff` expanded."""
        try:
            return expand_diff(self.concrete[0]), expand_diff(self.concrete[1])
        except RecursionError:
            raise EprepError("the formula is too deeply nested to check") from None

    # -- SymPy (imported only when needed) -----------------------------------------------
    def sympy_pair(self):
        if self._sympy is None:
            from eprep.checker.symbolic import to_sympy

            self._sympy = (
                to_sympy(self.answer, self.domain_key),
                to_sympy(self.expected, self.domain_key),
            )
        return self._sympy

    def concrete_pair(self):
        """The SymPy pair with declared functions made concrete, for values at points."""
        if self.concrete == (self.answer, self.expected):
            return self.sympy_pair()
        if self._sympy_concrete is None:
            from eprep.checker.symbolic import to_sympy

            self._sympy_concrete = tuple(to_sympy(n, self.domain_key) for n in self.concrete)
        return self._sympy_concrete

    def exact(self, point: Mapping[str, float]):
        """Both sides in 40-digit arithmetic (None = undefined); _Unknown when out of time."""
        from eprep.checker.symbolic import exact_value

        remaining = self.deadline - time.monotonic()
        if remaining <= 0.02:
            raise _Unknown
        try:
            # exp(exp(exp(100))) and the like can take forever in exact arithmetic.
            with time_budget(remaining):
                a, b = self.concrete_pair()
                return exact_value(a, point, self.domain_key), exact_value(
                    b, point, self.domain_key
                )
        except BudgetExceeded:
            raise _Unknown from None

    # -- verdicts ------------------------------------------------------------------------
    def verdict(
        self, equivalent: bool, certainty: str, reason: str, facts: dict[str, str], **extra
    ) -> Verdict:
        """A verdict whose message is the catalogue's `reason` line (checker/wording.py)."""
        return Verdict(
            equivalent=equivalent,
            certainty=certainty,
            read_as=self.read_as,
            expected_read_as=self.expected_read_as,
            message=render(reason, facts),
            reason=reason,
            facts=facts,
            **extra,
        )

    def run(self) -> Verdict:
        """The whole comparison in this process."""
        return self.decide_numeric() or self.decide_symbolic()

    @cached_property
    def same_function(self) -> str | None:
        """ "same" for one formula, "reordered" when the two differ only in the order and
        grouping of the operands of + and * (the same function wherever either has a value),
        else None: both are a proof, and need neither SymPy nor the worker."""
        if self.answer == self.expected:
            return "same"
        try:
            return "reordered" if ordered(self.answer) == ordered(self.expected) else None
        except RecursionError:  # too deep to reorder here: the later checks decide, as before
            return None

    def decide_numeric(self) -> Verdict | None:
        """A verdict that needs no SymPy: a clear float disagreement or a genuine domain gap."""
        if self.same_function and self.names:
            # Only a formula without variables can be undefined everywhere: no points needed.
            return self.verdict(True, "proof", self.same_function, {})
        if self.samples.undefined:
            return self.undefined_verdict()
        if self.same_function:
            # The same formula: equal wherever it has a value, whatever its size.
            return self.verdict(True, "proof", self.same_function, {})
        for point, va, vb in self.samples.both:
            if agreement(va, vb) == "clear":
                return self.wrong(point, va, vb, "numeric")
        one_sided = self.samples.one_sided if self.samples.one_sided_share else ()
        for where, ya, yb, overflow in (*one_sided, *self.samples.clean_one_sided):
            if not overflow:
                return self.wrong(where, ya, yb, "numeric")
        return None

    def decide_symbolic(self) -> Verdict:
        """Everything after `decide_numeric`: exact confirmation, proof, exact re-check."""
        both = self.samples.both
        wrong = self.find_disagreement()
        if wrong is not None:
            return wrong
        undefined = self.find_one_sided()
        if undefined is not None:
            return undefined
        if self.samples.refused and self.samples.too_few:
            if self.try_proof():
                return self.verdict(True, "proof", "proved", {})
            return self.exact_sampled()
        if self.samples.too_few:
            if self.try_proof():
                return self.verdict(True, "proof", "proved", {})
            return self.too_few()
        if self.try_proof():
            return self.verdict(True, "proof", "proved", {}, points=len(both))
        tiny = self.exact_check()
        if tiny is not None:
            return tiny
        return self.numeric_only()

    def undefined_verdict(self) -> Verdict:
        sides = dict(self.samples.undefined)
        texts = {"answer": self.read_as, "expected": self.expected_read_as}
        shown = [texts[side] for side in sides]
        reasons = "; ".join(dict.fromkeys(sides.values()))
        return self.verdict(
            False,
            "proof",
            "undefined_both" if len(sides) > 1 else "undefined",
            {"first": shown[0], "second": shown[-1], "reasons": reasons},
            undefined="both" if len(sides) > 1 else next(iter(sides)),
        )

    def numeric_only(self) -> Verdict:
        return self.verdict(
            True,
            "numeric",
            "numeric",
            {"points": str(len(self.samples.both)), "regions": self.samples.regions or ""},
            points=len(self.samples.both),
            regions=self.samples.regions or None,
            assume_hint=self.sign_hint(),
        )

    def sign_hint(self) -> str | None:
        """`n: positive` for each undeclared variable that was positive (negative) wherever both
        formulas had a value: SymPy proves much more with the sign known (1/sqrt(n) = sqrt(1/n))."""
        hints = []
        for name, domain in self.domains.items():
            values = [point[name] for point, _a, _b in self.samples.both]
            if domain != REAL or not values:
                continue
            if all(value > 0 for value in values):
                hints.append(f"{name}: positive")
            elif all(value < 0 for value in values):
                hints.append(f"{name}: negative")
        return ", ".join(hints) or None

    def failing_constant(self) -> tuple[str, str] | None:
        """(text, why) of the shortest variable-free part of either formula that has no float
        value: `exp(1000)` (overflow) or `log(-1)` (domain) makes every point fail."""
        found: list[tuple[int, str, str]] = []
        for side in self.expanded:
            for node in walk(side):
                if not isinstance(node, Call) or free_symbols(node):
                    continue
                value, why = value_at(node, {})
                if value is None:
                    text = to_text(node)
                    found.append((len(text), text, why))
        if not found:
            return None
        _length, text, why = min(found)
        return text, why

    def too_few(self) -> Verdict:
        facts = {"points": str(len(self.samples.both)), "draws": str(self.samples.draws)}
        if self.samples.refused and not self.samples.both:
            reason, facts = "too_large", {"exponent": str(MAX_FLOAT_EXPONENT)}
        elif not self.names:
            reason = "no_values"
        elif not self.samples.both and (constant := self.failing_constant()) is not None:
            # not a question of the variables' domains: --assume would not help
            text, why = constant
            reason = "overflow" if why in ("overflow", "size") else "no_real_value"
            facts = {"text": text}
        else:
            reason = "undecided"
        return self.verdict(False, "none", reason, facts, points=len(self.samples.both))

    def fallback(self) -> Verdict:
        """The verdict from float evidence alone, when SymPy could not run in time."""
        if not self.samples.too_few and all(
            agreement(va, vb) == "agree" for _p, va, vb in self.samples.both
        ):
            return self.numeric_only()
        for point, va, vb in self.samples.both:
            if agreement(va, vb) != "agree":
                return self.wrong(point, va, vb, "numeric")
        return self.too_few()

    def exact_sampled(self) -> Verdict:
        """Formulas too large for floats (x^6000): compare them at points in 40 digits."""
        from eprep.checker.symbolic import same_value

        agree = 0
        for point in self.samples.refused_points:
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                break
            if ea is None or eb is None:
                continue
            if not same_value(ea, eb):
                return self.wrong(point, ea, eb, "proof")
            agree += 1
        if agree >= 3:
            facts = {"points": str(agree)}
            return self.verdict(True, "numeric", "exact_numeric", facts, points=agree)
        return self.too_few()

    def find_disagreement(self) -> Verdict | None:
        from eprep.checker.symbolic import same_value

        confirmed = 0
        for point, va, vb in self.samples.both:
            if agreement(va, vb) == "agree":
                continue
            if confirmed >= MAX_CONFIRM:
                return self.wrong(point, va, vb, "numeric")
            confirmed += 1
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                return self.wrong(point, va, vb, "numeric")
            if ea is None or eb is None:
                continue  # float and exact arithmetic disagree on definedness: not a witness
            if not same_value(ea, eb):
                return self.wrong(point, ea, eb, "proof")
        return None

    def find_one_sided(self) -> Verdict | None:
        """A side undefined where the other has a value, at a good share of the points, or
        at a point aimed at a sign region (confirmed in exact arithmetic either way)."""
        share = list(self.samples.one_sided[:MAX_CONFIRM]) if self.samples.one_sided_share else []
        aimed = [item for item in self.samples.region_one_sided if not item[3]][:MAX_CONFIRM]
        for point, _va, _vb, _overflow in share + aimed:
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                return None
            if (ea is None) != (eb is None):
                return self.wrong(point, ea, eb, "proof")
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

    def exact_check(self) -> Verdict | None:
        """Points that agree in floats but differ in 40 digits (e.g. `x*(1 + 1e-12)` vs `x`)."""
        from eprep.checker.symbolic import same_value

        for point, _va, _vb in self.samples.both[:3]:
            if time.monotonic() > self.deadline:
                return None
            try:
                ea, eb = self.exact(point)
            except _Unknown:
                return None
            if ea is not None and eb is not None and not same_value(ea, eb):
                return self.wrong(point, ea, eb, "proof")
        return None

    def wrong(self, point, va, vb, certainty: str) -> Verdict:
        """A confirmed witness; va/vb are floats, 40-digit SymPy values, or None (undefined)."""
        exact_gap = None
        if va is not None and vb is not None and not isinstance(va, float):
            exact_gap = float(va - vb)
        huge = [v for v in (va, vb) if v is not None and not math.isfinite(float(v))]
        shown = (_big(va), _big(vb)) if huge else None
        va = None if va is None or huge else float(va)
        vb = None if vb is None or huge else float(vb)
        mine, theirs = shown if shown else _pair(va, vb)
        facts = {"where": _witness_text(point) if point else "", "mine": mine, "theirs": theirs}
        if exact_gap is not None and not huge and va == vb:
            facts["gap"] = f"{exact_gap:.3g}"
        found = _diagnosis_facts(self.samples.both)
        facts.update(found or {})
        stand_ins = sorted({*declared_calls(self.answer), *declared_calls(self.expected)})
        if stand_ins:
            facts["stand_ins"] = ", ".join(stand_ins)
        return self.verdict(
            False,
            certainty,
            "wrong",
            facts,
            witness=dict(point),
            answer_value=va,
            expected_value=vb,
            diagnosis=diagnosis_text(found) if found else None,
            points=len(self.samples.both),
        )


@dataclass
class _Sampler:
    """Draws the points of one comparison (the only code that builds `Samples`)."""

    pair: Comparison
    both: list[Both] = field(default_factory=list)
    one_sided: list[OneSided] = field(default_factory=list)
    region_one_sided: list[OneSided] = field(default_factory=list)
    clean_one_sided: list[OneSided] = field(default_factory=list)
    undefined: list[tuple[str, str]] = field(default_factory=list)
    refused: bool = False
    refused_points: list[Point] = field(default_factory=list)
    draws: int = 0
    regions: str = ""

    def run(self) -> Samples:
        """Evaluate both sides (floats, no SymPy) at points drawn from the domains."""
        pair = self.pair
        answer, expected = pair.expanded
        rng = random.Random(_seed(pair.read_as, pair.expected_read_as))
        limit = MAX_DRAWS if pair.names else 1
        numeric_deadline = time.monotonic() + 0.5 * max(0.0, pair.deadline - time.monotonic())
        while len(self.both) < TARGET_POINTS and self.draws < limit:
            if self.draws % 16 == 15 and time.monotonic() > numeric_deadline:
                break
            nice = self.draws < NICE_DRAWS
            point = {
                name: (dom.nice(rng) if nice else dom.draw(rng))
                for name, dom in pair.domains.items()
            }
            self.draws += 1
            self._add(answer, expected, point)
        if not pair.names:
            self._constant(answer, expected)
        elif not self.refused and not self._settled():
            self._cover_regions(answer, expected)
        return Samples(
            both=tuple(self.both),
            one_sided=tuple(self.one_sided),
            region_one_sided=tuple(self.region_one_sided),
            clean_one_sided=tuple(self.clean_one_sided),
            undefined=tuple(self.undefined),
            refused=self.refused,
            refused_points=tuple(self.refused_points),
            draws=self.draws,
            limit=limit,
            regions=self.regions,
        )

    def _settled(self) -> bool:
        """Do the random points already show the formulas differ? (then regions add nothing)"""
        if any(agreement(va, vb) == "clear" for _p, va, vb in self.both):
            return True
        share = _one_sided_share(len(self.both), len(self.one_sided))
        return share and any(not item[3] for item in self.one_sided)

    def _add(
        self, answer: Node, expected: Node, point: dict[str, float], region: bool = False
    ) -> tuple[bool, bool]:
        """Evaluate both sides at `point` and file it; (answer defined, expected defined).

        A point aimed at a sign region (`region`) where one side alone is defined is kept
        apart: it is no random share, and floats at a region's edge can be wrong about
        definedness, so it counts only once exact arithmetic confirms it.
        """
        try:
            (va, a_why), (vb, b_why) = _safe(answer, point), _safe(expected, point)
        except RecursionError:
            raise EprepError("the formula is too deeply nested to check") from None
        if "size" in (a_why, b_why):
            self.refused = True
            if len(self.refused_points) < MAX_CONFIRM + 1:
                self.refused_points.append(point)
        if va is None and vb is None:
            return False, False
        if va is None or vb is None:
            # an overflow or a refused size is no evidence that a side is undefined there
            failed = bool({"overflow", "size"} & {a_why, b_why})
            (self.region_one_sided if region else self.one_sided).append((point, va, vb, failed))
            return va is not None, vb is not None
        self.both.append((point, va, vb))
        return True, True

    def _constant(self, answer: Node, expected: Node) -> None:
        """Formulas without variables: a side with no value is undefined, said as such."""
        for side, node in (("answer", answer), ("expected", expected)):
            try:
                evaluate(node, {})
            except EvaluationError as error:
                if error.reason == "domain":
                    self.undefined.append((side, str(error).split(" at ")[0]))

    def _cover_regions(self, answer: Node, expected: Node) -> None:
        """Add points from every sign region of the critical expressions not yet sampled."""
        from eprep.checker import regions

        found = regions.criticals((answer, expected))
        if not found:
            return
        points = [p for p, _a, _b in self.both] + [p for p, *_rest in self.one_sided]
        if not points:
            return
        seen = {regions.signature(found, p) for p, _a, _b in self.both}
        # A critical expression already seen on both sides needs no scan for its roots.
        scan = [
            critical
            for index, critical in enumerate(found)
            if not {"+", "-"} <= {sig[index] for sig in seen}
        ]
        tried: dict[tuple[str, ...], int] = {}
        for point in regions.candidates(scan, self.pair.domains, dict(points[0])):
            if time.monotonic() > self.pair.deadline:
                break
            sig = regions.signature(found, point)
            if sig in seen or tried.get(sig, 0) >= REGION_TRIES:
                continue
            tried[sig] = tried.get(sig, 0) + 1
            defined = self._add(answer, expected, point, region=True)
            if defined == (True, True):
                seen.add(sig)
            elif any(defined) and regions.clear_of_edges(found, point):
                # Well inside a region (every critical far from 0): floats are right that one
                # side has no value here, and SymPy may not be (it reads sqrt(u)^2 as u).
                self.clean_one_sided.append(self.region_one_sided.pop())
        self.regions = regions.describe(found, seen)


def _big(value) -> str:
    """A 40-digit value beyond float range (x^1000 at x = -3), in six digits ("": no value)."""
    return "" if value is None else str(value.evalf(6))


def diagnose(both) -> str | None:
    """Off by a constant term, by a constant factor, or the wrong sign (from sample values)."""
    found = _diagnosis_facts(both)
    return diagnosis_text(found) if found else None


def _diagnosis_facts(both) -> dict[str, str] | None:
    """The facts of `diagnose`: {"diagnosis": "sign" | "factor" | "term", and its numbers}."""
    if len(both) < 3:
        return None
    ratios = [va / vb for _p, va, vb in both if vb != 0]
    if len(ratios) == len(both) and all(_close(r, ratios[0], 1e-7, 1e-12) for r in ratios):
        factor = ratios[0]
        if _close(factor, -1.0, 1e-9, 0):
            return {"diagnosis": "sign"}
        if not _close(factor, 1.0, 1e-9, 0) and factor != 0:
            return {"diagnosis": "factor", "factor": fmt(factor)}
    diffs = [va - vb for _p, va, vb in both]
    scale = max(abs(vb) for _p, _va, vb in both) or 1.0
    if all(abs(d - diffs[0]) <= 1e-8 * max(scale, abs(diffs[0])) for d in diffs):
        term = diffs[0]
        if abs(term) > 1e-9 * scale:
            return {"diagnosis": "term", "sign": "+" if term > 0 else "-", "term": fmt(abs(term))}
    return None


def ordered(node: Node) -> Node:
    """`node` with every chain of + (and of *) flattened and its operands sorted: two formulas
    with the same ordered form differ only by commutativity and associativity of + and *."""

    def chain(n: Node, op: str) -> list[Node]:
        if isinstance(n, BinOp) and n.op == op:
            return chain(n.left, op) + chain(n.right, op)
        return [ordered(n)]

    if isinstance(node, BinOp) and node.op in ("+", "*"):
        operands = sorted(chain(node, node.op), key=repr)
        result = operands[0]
        for operand in operands[1:]:
            result = BinOp(node.op, result, operand)
        return result
    return map_children(node, ordered)


_PROVEN: dict[tuple, Verdict] = {}  # verdicts that do not depend on the time budget
_PROVEN_MAX = 4096


def compare(
    answer: Node,
    expected: Node,
    domains: Mapping[str, Domain],
    *,
    budget: float = 2.0,
    samples: Samples | None = None,
) -> Verdict:
    """Decide whether `answer` equals `expected` on `domains` within about `budget` seconds.

    `samples`: the float evidence already drawn for this pair (by the worker's caller). Proved
    verdicts are cached (bank verification and a quiz repeat formulas).
    """
    key = (answer, expected, tuple(sorted(domains.items())))
    verdict = _PROVEN.get(key)
    if verdict is None:
        try:
            verdict = Comparison(answer, expected, domains, budget, samples).run()
        except EvaluationError as error:  # a derivative too large to evaluate
            raise EprepError(str(error)) from None
        if verdict.certainty == "proof" and len(_PROVEN) < _PROVEN_MAX:
            _PROVEN[key] = verdict
    return dataclasses.replace(verdict)
