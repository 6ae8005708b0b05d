"""Variable domains (`real`, `positive`, `(0, 1)`, ...): parsing, sampling and SymPy assumptions.

No SymPy here: the quiz and the loader parse domains without loading it.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from eprep.errors import EprepError
from eprep.grammar import GrammarError, evaluate, free_symbols, parse

KINDS = ("real", "positive", "nonnegative", "integer", "positive integer", "interval")


@dataclass(frozen=True)
class Domain:
    """A set of values for one variable; `interval` uses lo/hi and whether each end is closed."""

    kind: str
    lo: float = -math.inf
    hi: float = math.inf
    lo_closed: bool = False
    hi_closed: bool = False
    text: str = ""

    def __str__(self) -> str:
        return self.text or self.kind

    @property
    def is_integer(self) -> bool:
        return self.kind in ("integer", "positive integer")

    def contains(self, value: float) -> bool:
        if self.kind == "real":
            return math.isfinite(value)
        if self.kind == "positive":
            return value > 0
        if self.kind == "nonnegative":
            return value >= 0
        if self.kind == "integer":
            return value == int(value)
        if self.kind == "positive integer":
            return value == int(value) and value >= 1
        above = value >= self.lo if self.lo_closed else value > self.lo
        below = value <= self.hi if self.hi_closed else value < self.hi
        return above and below

    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions implied by the domain (weaker than an interval itself)."""
        if self.kind == "real":
            return {"real": True}
        if self.kind == "positive":
            return {"positive": True}
        if self.kind == "nonnegative":
            return {"nonnegative": True}
        if self.kind == "integer":
            return {"integer": True}
        if self.kind == "positive integer":
            return {"integer": True, "positive": True}
        if self.lo > 0 or (self.lo == 0 and not self.lo_closed):
            return {"positive": True}
        if self.lo == 0:
            return {"nonnegative": True}
        if self.hi < 0 or (self.hi == 0 and not self.hi_closed):
            return {"negative": True}
        if self.hi == 0:
            return {"nonpositive": True}
        return {"real": True}

    # -- sampling --------------------------------------------------------------------------
    def nice(self, rng: random.Random) -> float:
        """A simple value (small integer or half) in the domain, good for a readable witness."""
        kind = self.kind
        if kind == "real":
            return rng.choice([-3, -2, -1, 1, 2, 3, 0.5, -0.5, 1.5, 4, 5, -4])
        if kind == "positive":
            return rng.choice([1, 2, 3, 4, 5, 0.5, 1.5, 2.5, 6, 7])
        if kind == "nonnegative":
            return rng.choice([0, 1, 2, 3, 4, 0.5, 1.5, 5])
        if kind == "integer":
            return float(rng.randint(-6, 6))
        if kind == "positive integer":
            return float(rng.randint(1, 9))
        lo, hi = self._finite_bounds()
        steps = rng.choice([2, 4, 5, 8, 10])
        k = rng.randint(0 if self.lo_closed else 1, steps if self.hi_closed else steps - 1)
        value = lo + (hi - lo) * k / steps
        return value if self.contains(value) else self.draw(rng)

    def draw(self, rng: random.Random) -> float:
        """A random value in the domain, mostly of moderate size, sometimes large or small.

        Rounded to 4 significant digits so that a witness printed to a learner is exact.
        """
        value = self._draw(rng)
        rounded = float(f"{value:.4g}")
        return rounded if self.contains(rounded) else value

    def _draw(self, rng: random.Random) -> float:
        kind = self.kind
        if kind == "real":
            scale = rng.choices([3.0, 10.0, 100.0], weights=[6, 3, 1])[0]
            return rng.uniform(-scale, scale)
        if kind in ("positive", "nonnegative"):
            return math.exp(rng.uniform(math.log(0.02), math.log(rng.choice([5.0, 5.0, 50.0]))))
        if kind == "integer":
            bound = rng.choices([8, 30], weights=[4, 1])[0]
            return float(rng.randint(-bound, bound))
        if kind == "positive integer":
            bound = rng.choices([10, 40], weights=[4, 1])[0]
            return float(rng.randint(1, bound))
        lo, hi = self._finite_bounds()
        for _ in range(100):
            value = rng.uniform(lo, hi)
            if self.contains(value):
                return value
        return (lo + hi) / 2

    def _finite_bounds(self) -> tuple[float, float]:
        lo, hi = self.lo, self.hi
        if math.isinf(lo) and math.isinf(hi):
            return -10.0, 10.0
        if math.isinf(lo):
            return hi - 10.0 * max(1.0, abs(hi)), hi
        if math.isinf(hi):
            return lo, lo + 10.0 * max(1.0, abs(lo))
        return lo, hi


_INTERVAL = re.compile(r"^\s*([(\[])(.*),(.*)([)\]])\s*$")
_SIMPLE = {
    "real": "real",
    "positive": "positive",
    "nonnegative": "nonnegative",
    "non-negative": "nonnegative",
    "integer": "integer",
    "positive integer": "positive integer",
    "positive-integer": "positive integer",
}


def _endpoint(text: str, whole: str) -> float:
    stripped = text.strip()
    if stripped in ("inf", "+inf", "oo", "infinity"):
        return math.inf
    if stripped in ("-inf", "-oo", "-infinity"):
        return -math.inf
    try:
        node = parse(stripped)
    except GrammarError as error:
        raise EprepError(f"domain {whole!r}: bad endpoint {stripped!r}: {error}") from None
    if free_symbols(node):
        raise EprepError(f"domain {whole!r}: endpoint {stripped!r} must be a number")
    return evaluate(node, {})


def parse_domain(text: str) -> Domain:
    """Parse `real`, `positive`, `nonnegative`, `integer`, `positive integer` or an interval."""
    if not isinstance(text, str):
        raise EprepError(f"domain must be text, got {text!r}")
    key = " ".join(text.strip().lower().split())
    if key in _SIMPLE:
        return Domain(_SIMPLE[key], text=_SIMPLE[key])
    match = _INTERVAL.match(text)
    if not match:
        raise EprepError(
            f"unknown domain {text!r}: expected real, positive, nonnegative, integer, "
            "positive integer, or an interval like (0, 1) or [1, 10]"
        )
    lo = _endpoint(match.group(2), text)
    hi = _endpoint(match.group(3), text)
    lo_closed = match.group(1) == "[" and math.isfinite(lo)
    hi_closed = match.group(4) == "]" and math.isfinite(hi)
    if not lo < hi:
        raise EprepError(f"domain {text!r}: the lower end must be below the upper end")
    shown = f"{match.group(1)}{match.group(2).strip()}, {match.group(3).strip()}{match.group(4)}"
    return Domain("interval", lo, hi, lo_closed, hi_closed, text=shown)


def parse_assume(text: str) -> tuple[str, Domain]:
    """Parse `NAME: DOMAIN` (as in `--assume` and a derivation's `assume` lines)."""
    name, sep, domain = text.partition(":")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise EprepError(f"assumption {text!r} must look like 'NAME: DOMAIN', e.g. 'r: (0, 1)'")
    canonical = {"eps": "epsilon", "lam": "lambda"}.get(name, name)
    return canonical, parse_domain(domain)
