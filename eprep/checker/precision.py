"""The precision a numeric answer is asked for and judged at: the one rule, stated once.

A numeric question's tolerance (`rel`, `abs`, see SCHEMA.md) sets what the learner is asked for:

- a whole-number key whose tolerance is absolute (a count: parameters, iterations), or that
  has no more digits than the figures below (an output size of 7), is asked **exactly**;
- otherwise the question asks for `n` **significant figures**, the most that the relative
  tolerance covers with ordinary rounding: n = ⌊log10(5 / rel)⌋ (rel 1e-3 and 5e-3 → 3).

An answer is right when it lies within the tolerance of the key **or** is the key rounded to the
figures asked (within half a unit of the n-th figure; `-1.66` for −1.65685). It is a **near
miss** ("close — rounding?") when it is not right but lies within five units of that figure and
has the key's sign (`0.12` for 0.121729); a near miss is wrong, but not rated as a lapse
(`eprep.quiz.scheduling`). Exact answers have no near misses: a count off by one is wrong.

The prompt (`describe`), the judging (`accepts`, `near`) and `eprep verify` (no known mistake may
be accepted) all read this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

_WORDS = {
    "en": {"exact": "exact value", "figures": "{n} significant figures"},
    "ja": {"exact": "正確な値", "figures": "有効数字{n}桁"},
}


class ToleranceLike(Protocol):
    # read-only, so a frozen `questions.Tolerance` satisfies it
    @property
    def rel(self) -> float: ...

    @property
    def abs(self) -> float: ...

    def accepts(self, answer: float, key: float) -> bool: ...


@dataclass(frozen=True)
class Precision:
    """What is asked of one variant's numeric answer: exact, or `figures` significant figures."""

    tolerance: ToleranceLike
    key: float
    figures: int | None  # None: the exact value

    @property
    def unit(self) -> float | None:
        """One unit in the last figure asked of the key (None: exact or a zero key)."""
        if self.figures is None or self.key == 0 or not math.isfinite(self.key):
            return None
        return 10.0 ** (math.floor(math.log10(abs(self.key))) - self.figures + 1)

    def accepts(self, value: float) -> bool:
        """Right: within the tolerance, or the key rounded to the figures asked."""
        if self.tolerance.accepts(value, self.key):
            return True
        unit = self.unit
        return unit is not None and abs(value - self.key) <= 0.5 * unit * (1 + 1e-9)

    def near(self, value: float) -> bool:
        """Not right, but close enough to be a rounding slip (same sign, within 5 units)."""
        unit = self.unit
        if unit is None or self.accepts(value) or value * self.key <= 0:
            return False
        return abs(value - self.key) <= 5 * unit * (1 + 1e-9)

    def describe(self, lang: str = "en") -> str:
        """`3 significant figures` / `有効数字3桁`, or the exact value."""
        words = _WORDS.get(lang, _WORDS["en"])
        if self.figures is None:
            return words["exact"]
        return words["figures"].format(n=self.figures)


def precision(tolerance: ToleranceLike, key: float) -> Precision:
    """The precision a question with this tolerance asks of the answer `key`."""
    whole = math.isfinite(key) and abs(key - round(key)) <= 1e-9 * max(1.0, abs(key))
    if tolerance.rel <= 0 or (whole and tolerance.abs >= tolerance.rel * abs(key)):
        return Precision(tolerance, key, None)
    figures = max(1, math.floor(math.log10(5 / tolerance.rel) + 1e-9))
    if whole and len(str(abs(round(key)))) <= figures:
        return Precision(tolerance, key, None)  # 7 to 3 figures is 7: an exact small number
    return Precision(tolerance, key, figures)
