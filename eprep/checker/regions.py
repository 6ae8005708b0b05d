"""Sign regions: where a formula changes its nature, so that sampling visits every side.

A power with a fractional or variable exponent is real for a negative base only at special
exponents; `sqrt`, `log`, `asin`, `abs`, `sign`, `max` change at points of their argument
(functions.py, `regions`). Random points can miss a side entirely (issue 22: a pair that differs
only where `n + 1 < 0`). Here each such expression ("critical") is scanned along each of its
variables, its roots are located by bisection, and candidate points are placed on both sides
of every root; the comparison then adds points from each sign region it has not yet seen.
No SymPy: floats only, bounded work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from eprep.checker.domains import Domain
from eprep.grammar import free_symbols, to_text
from eprep.grammar.evaluator import constant_value, value_at
from eprep.grammar.functions import FUNCTIONS_TABLE
from eprep.grammar.nodes import BinOp, Call, Node, Num, Sym, walk

MAX_CRITICALS = 8  # more distinct critical expressions than this: the first ones only
BISECTIONS = 36  # the interval shrinks below 1e-9 of its width
# Offsets from a root at which candidates are tried: simple fractions first, so that a power of
# a negative base meets an integer exponent (n = -1.5, -1.25 in issue 22) and witnesses read well.
OFFSETS = (0.5, 0.25, 1.0, 0.125, 2.0, 1.5, 0.75, 3.0, 1e-3)


@dataclass(frozen=True)
class Critical:
    """An expression whose sign matters, e.g. the base `n + 1` of `(n + 1)^(1/(n + 1))`."""

    node: Node
    text: str


def criticals(nodes: Iterable) -> list[Critical]:
    """The critical expressions of the formulas, without duplicates, constants excluded.

    The parts themselves come first, then the sums, differences and variables inside them:
    `sqrt(u^2)` never changes sign, but it differs from `u` exactly where `u` does.
    """
    primary = [expr for root in nodes for item in walk(root) for expr in _critical_parts(item)]
    inner = [
        item
        for expr in primary
        for item in walk(expr)
        if item is not expr
        and (isinstance(item, Sym) or (isinstance(item, BinOp) and item.op in "+-"))
    ]
    found: dict[str, Critical] = {}
    for expr in primary + inner:
        if len(found) >= MAX_CRITICALS:
            break
        if not free_symbols(expr):
            continue
        text = to_text(expr)
        if text not in found:
            found[text] = Critical(expr, text)
    return list(found.values())


def _critical_parts(item: Node) -> list[Node]:
    if isinstance(item, BinOp) and item.op == "^":
        exponent = _constant_or_none(item.right)
        if exponent is None or exponent != int(exponent):
            return [item.left]
        return []
    if not isinstance(item, Call):
        return []
    if item.func in ("max", "min"):
        first = item.args[0]
        return [BinOp("-", first, other) for other in item.args[1:]]
    info = FUNCTIONS_TABLE.get(item.func)
    if info is None or not info.regions:
        return []
    arg = item.args[0]
    return [
        arg if point == 0 else BinOp("-", arg, Num(point, repr(point))) for point in info.regions
    ]


def _constant_or_none(node: Node) -> float | None:
    try:
        return constant_value(node)
    except OverflowError:
        return None


def sign_of(critical: Critical, point: Mapping[str, float]) -> str:
    """'-', '0', '+' or '?' (no value) of the critical expression at `point`."""
    value = _value(critical, point)
    if value is None:
        return "?"
    return "+" if value > 0 else "-" if value < 0 else "0"


def signature(found: list[Critical], point: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(sign_of(critical, point) for critical in found)


def _grid(domain: Domain) -> list[float]:
    """Values of one variable to scan for sign changes, sorted, all inside the domain."""
    name = domain.name
    if name == "integer":
        values = [float(k) for k in range(-30, 31)]
    elif name == "positive integer":
        values = [float(k) for k in range(1, 41)]
    elif name in ("positive", "nonnegative"):
        values = [10 ** (k / 4) for k in range(-12, 9)] + [0.5, 1.5, 2.5, 3.0, 4.0, 5.0, 0.0]
    elif name == "real":
        steps = [k / 4 for k in range(5)] + [1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        steps += [15.0, 20.0, 30.0, 50.0, 100.0]
        values = steps + [-v for v in steps]
    else:
        lo, hi = domain.finite_bounds()
        values = [lo + (hi - lo) * k / 40 for k in range(41)]
    return sorted({v for v in values if domain.contains(v)})


def _value(critical: Critical, point: Mapping[str, float]) -> float | None:
    # Criticals come from formulas whose diffs are expanded: no scan needed.
    try:
        return value_at(critical.node, point)[0]
    except RecursionError:
        return None


def _roots_along(
    critical: Critical, name: str, base: dict[str, float], grid: list[float], integer: bool
) -> list[float]:
    """Where the critical expression changes sign as `name` runs over `grid` (others fixed).

    A zero counts only where its neighbours are not zero: `1 - sigmoid(z)` is 0 in floats for
    every z above 37, a plateau of rounding, not a root.
    """
    values = [(x, _value(critical, {**base, name: x})) for x in grid]
    roots: list[float] = []
    for index, (x, value) in enumerate(values):
        if value == 0:
            before = values[index - 1][1] if index > 0 else None
            after = values[index + 1][1] if index + 1 < len(values) else None
            if before != 0 and after != 0:
                roots.append(x)
            continue
        if index == 0 or value is None:
            continue
        lo, previous = values[index - 1]
        if previous is None or previous == 0 or (previous < 0) == (value < 0):
            continue
        if integer:
            roots.append((lo + x) / 2)
        else:
            roots.append(_bisect(critical, name, base, lo, x, previous < 0))
    return roots


def _bisect(
    critical: Critical, name: str, base: dict[str, float], lo: float, hi: float, neg: bool
) -> float:
    """A root between lo and hi (the critical is negative at lo when `neg`)."""
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        value = _value(critical, {**base, name: mid})
        if value is None:
            return mid
        if value == 0:
            return mid
        if (value < 0) == neg:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _one_signed(domain: Domain) -> bool:
    """A variable of this domain never changes sign (its own sign needs no scan)."""
    if domain.name in ("positive", "positive integer", "nonnegative"):
        return True
    return domain.name == "interval" and (domain.lo >= 0 or domain.hi <= 0)


def _tidy(value: float) -> float:
    """A candidate rounded to 6 significant digits, so that a witness prints exactly."""
    return float(f"{value:.6g}")


def candidates(
    found: list[Critical], domains: Mapping[str, Domain], base: dict[str, float]
) -> list[dict[str, float]]:
    """Points on both sides of every root of every critical expression (one variable moved)."""
    points: list[dict[str, float]] = []
    seen: set[tuple] = set()
    for critical in found:
        for name in sorted(free_symbols(critical.node)):
            domain = domains.get(name)
            if domain is None or (critical.node == Sym(name) and _one_signed(domain)):
                continue
            grid = _grid(domain)
            integer = domain.is_integer
            roots = _roots_along(critical, name, base, grid, integer)
            values: list[float] = []
            for root in roots:
                for offset in OFFSETS:
                    step = offset if not integer else max(1.0, round(offset))
                    values.extend((root - step, root + step))
            for value in values:
                value = float(round(value)) if integer else _tidy(value)
                if not domain.contains(value):
                    continue
                point = {**base, name: value}
                key = tuple(sorted(point.items()))
                if key not in seen:
                    seen.add(key)
                    points.append(point)
    return points


EDGE = 1e-8  # a critical value smaller than this may be rounding: the point is at an edge


def clear_of_edges(found: list[Critical], point: Mapping[str, float]) -> bool:
    """Is every critical expression defined and clearly non-zero at `point`?"""
    for critical in found:
        value = _value(critical, point)
        if value is None or abs(value) < EDGE:
            return False
    return True


def describe(found: list[Critical], signatures: Iterable[tuple[str, ...]]) -> str:
    """`n + 1 < 0, n + 1 > 0`: the signs of each critical expression among `signatures`."""
    seen = list(signatures)
    parts: list[str] = []
    for index, critical in enumerate(found):
        signs = {sig[index] for sig in seen} - {"?"}
        for sign in ("-", "0", "+"):
            if sign in signs:
                relation = {"-": "<", "0": "=", "+": ">"}[sign]
                parts.append(f"{critical.text} {relation} 0")
    return ", ".join(parts)
