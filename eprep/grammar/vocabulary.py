"""The formula vocabulary every layer shares: name aliases, variable domains, "close enough",
learner-facing numbers and variant seeds. Standard library only.

One fact, one place: the loader, the checker, the quiz and the site all read these from here.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from eprep.errors import EprepError
from eprep.grammar.names import ALIASES

Number = int | float

# --- names --------------------------------------------------------------------------------

# ALIASES (names.py): spellings the grammar reads as another name; bank params may use either.


def canonical(name: str) -> str:
    """The grammar's spelling of a name (`eps` -> `epsilon`)."""
    return ALIASES.get(name, name)


def with_aliases(values: Mapping[str, Number]) -> dict[str, Number]:
    """`values` plus the canonical name of every aliased key (`eps` -> `epsilon`)."""
    env = dict(values)
    for alias, name in ALIASES.items():
        if alias in env and name not in env:
            env[name] = env[alias]
    return env


def alias_names(names: frozenset[str]) -> frozenset[str]:
    """`names` plus the canonical spelling of aliased ones."""
    return names | {ALIASES[n] for n in names if n in ALIASES}


# --- closeness ----------------------------------------------------------------------------


def close(a: float, b: float, rel: float, abs_: float) -> bool:
    """The one "close enough" rule: |a - b| <= max(rel * max(|a|, |b|), abs_).

    Symmetric (a judged answer and a key are interchangeable); infinities and NaN are close
    only to themselves.
    """
    if not (math.isfinite(a) and math.isfinite(b)):
        return a == b
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


# --- numbers shown to learners ------------------------------------------------------------


def format_number(value: Number, digits: int = 6) -> str:
    """A number as a learner would write it: `3`, `0.25`, `1.5e-8` (`digits` significant)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if value != value or value in (math.inf, -math.inf):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


EXAM_DIGITS = 3  # the exam prints results to three significant figures


def exam_numbers(values: list[float]) -> list[str]:
    """Numbers as an exam's options print them: three significant figures, more only when two
    options would otherwise read the same (at most 6); whole numbers as integers."""
    for digits in range(EXAM_DIGITS, 7):
        shown = [format_number(v, digits) for v in values]
        if len(set(shown)) == len(shown):
            return shown
    return [format_number(v) for v in values]


# --- seeds --------------------------------------------------------------------------------


def seed_of(question_id: str, k: int | str, salt: str = "") -> int:
    """A 64-bit seed for stream `salt` of variant k of a question (sha256, same everywhere)."""
    digest = hashlib.sha256(f"{question_id}:{k}{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# --- variable domains ---------------------------------------------------------------------

DOMAIN_NAMES = ("real", "positive", "nonnegative", "integer", "positive integer")
_SIMPLE = {
    "real": "real",
    "positive": "positive",
    "nonnegative": "nonnegative",
    "non-negative": "nonnegative",
    "integer": "integer",
    "positive integer": "positive integer",
    "positive-integer": "positive integer",
}
_INTERVAL = re.compile(r"^\s*([(\[])(.*),(.*)([)\]])\s*$")


class DomainError(EprepError):
    """A domain text that is not one the vocabulary knows (message says which and why)."""


@dataclass(frozen=True)
class Domain:
    """A set of values for one variable; `interval` uses lo/hi and whether each end is closed."""

    name: str  # real, positive, nonnegative, integer, positive integer or interval
    lo: float = -math.inf
    hi: float = math.inf
    lo_closed: bool = False
    hi_closed: bool = False
    text: str = ""

    def __str__(self) -> str:
        return self.text or self.name

    @property
    def is_integer(self) -> bool:
        return self.name in ("integer", "positive integer")

    def contains(self, value: float) -> bool:
        return _CONTAINS[self.name](self, value)

    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions implied by the domain (weaker than an interval itself)."""
        if self.name in _ASSUMPTIONS:
            return dict(_ASSUMPTIONS[self.name])
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
        if self.name in _NICE:
            return _NICE[self.name](rng)
        lo, hi = self.finite_bounds()
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

    def moderate(self, rng: random.Random) -> float:
        """A value of moderate size (the site's test points: a browser evaluates at them)."""
        if self.name in _MODERATE:
            return _MODERATE[self.name](rng)
        low, high = self.finite_bounds()
        # Stay inside open ends; a tenth of the width keeps away from singular boundaries.
        margin = (high - low) * 0.1
        return round(rng.uniform(low + margin, high - margin), 6)

    def _draw(self, rng: random.Random) -> float:
        if self.name in _DRAW:
            return _DRAW[self.name](rng)
        lo, hi = self.finite_bounds()
        for _ in range(100):
            value = rng.uniform(lo, hi)
            if self.contains(value):
                return value
        return (lo + hi) / 2

    def finite_bounds(self) -> tuple[float, float]:
        lo, hi = self.lo, self.hi
        if math.isinf(lo) and math.isinf(hi):
            return -10.0, 10.0
        if math.isinf(lo):
            return hi - 10.0 * max(1.0, abs(hi)), hi
        if math.isinf(hi):
            return lo, lo + 10.0 * max(1.0, abs(lo))
        return lo, hi


def _in_interval(domain: Domain, value: float) -> bool:
    above = value >= domain.lo if domain.lo_closed else value > domain.lo
    below = value <= domain.hi if domain.hi_closed else value < domain.hi
    return above and below


_CONTAINS: dict[str, Callable[[Domain, float], bool]] = {
    "real": lambda d, v: math.isfinite(v),
    "positive": lambda d, v: v > 0,
    "nonnegative": lambda d, v: v >= 0,
    "integer": lambda d, v: v == int(v),
    "positive integer": lambda d, v: v == int(v) and v >= 1,
    "interval": _in_interval,
}
_ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "integer": {"integer": True},
    "positive integer": {"integer": True, "positive": True},
}
_NICE: dict[str, Callable[[random.Random], float]] = {
    "real": lambda rng: rng.choice([-3, -2, -1, 1, 2, 3, 0.5, -0.5, 1.5, 4, 5, -4]),
    "positive": lambda rng: rng.choice([1, 2, 3, 4, 5, 0.5, 1.5, 2.5, 6, 7]),
    "nonnegative": lambda rng: rng.choice([0, 1, 2, 3, 4, 0.5, 1.5, 5]),
    "integer": lambda rng: float(rng.randint(-6, 6)),
    "positive integer": lambda rng: float(rng.randint(1, 9)),
}


def _draw_real(rng: random.Random) -> float:
    scale = rng.choices([3.0, 10.0, 100.0], weights=[6, 3, 1])[0]
    return rng.uniform(-scale, scale)


def _draw_positive(rng: random.Random) -> float:
    return math.exp(rng.uniform(math.log(0.02), math.log(rng.choice([5.0, 5.0, 50.0]))))


_DRAW: dict[str, Callable[[random.Random], float]] = {
    "real": _draw_real,
    "positive": _draw_positive,
    "nonnegative": _draw_positive,
    "integer": lambda rng: float(rng.randint(-(b := rng.choices([8, 30], [4, 1])[0]), b)),
    "positive integer": lambda rng: float(rng.randint(1, rng.choices([10, 40], [4, 1])[0])),
}
_MODERATE: dict[str, Callable[[random.Random], float]] = {
    "real": lambda rng: round(rng.uniform(-2.0, 2.0), 4),
    "positive": lambda rng: round(rng.uniform(0.1, 3.0), 4),
    "nonnegative": lambda rng: round(rng.uniform(0.0, 3.0), 4),
    "integer": lambda rng: float(rng.randint(-5, 5)),
    "positive integer": lambda rng: float(rng.randint(1, 6)),
}


def _endpoint(text: str, whole: str) -> float:
    from eprep.grammar.errors import GrammarError
    from eprep.grammar.evaluator import evaluate, free_symbols
    from eprep.grammar.parser import parse

    stripped = text.strip()
    if stripped in ("inf", "+inf", "oo", "infinity"):
        return math.inf
    if stripped in ("-inf", "-oo", "-infinity"):
        return -math.inf
    try:
        node = parse(stripped)
    except GrammarError as error:
        raise DomainError(f"domain {whole!r}: bad endpoint {stripped!r}: {error}") from None
    if free_symbols(node):
        raise DomainError(f"domain {whole!r}: endpoint {stripped!r} must be a number")
    return evaluate(node, {})


def parse_domain(text: object) -> Domain:
    """Parse `real`, `positive`, `nonnegative`, `integer`, `positive integer` or an interval.

    Spacing and case do not matter (`positive  integer`); DomainError says what is wrong.
    """
    if not isinstance(text, str):
        raise DomainError(f"domain must be text, got {text!r}")
    key = " ".join(text.strip().lower().split())
    if key in _SIMPLE:
        return Domain(_SIMPLE[key], text=_SIMPLE[key])
    match = _INTERVAL.match(text)
    if not match:
        raise DomainError(
            f"unknown domain {text!r}: expected real, positive, nonnegative, integer, "
            "positive integer, or an interval like (0, 1) or [1, 10]"
        )
    lo = _endpoint(match.group(2), text)
    hi = _endpoint(match.group(3), text)
    lo_closed = match.group(1) == "[" and math.isfinite(lo)
    hi_closed = match.group(4) == "]" and math.isfinite(hi)
    if not lo < hi:
        raise DomainError(f"domain {text!r}: the lower end must be below the upper end")
    shown = f"{match.group(1)}{match.group(2).strip()}, {match.group(3).strip()}{match.group(4)}"
    return Domain("interval", lo, hi, lo_closed, hi_closed, text=shown)
