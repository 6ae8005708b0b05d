"""Run a bank question's probe on its own variants (shared by the probe tests).

`agrees` is how a probe test asks whether a number lies within a probe's stated tolerance: a
test passes a hand-computed right answer (it must agree) and deliberately wrong keys (they must
not), so every probe is shown able to disagree with a wrong key.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from eprep.checker.probes import Evidence, Samples, Value, get_probe
from eprep.questions.loader import load_bank
from eprep.questions.variants import evaluate_formula

BANK = load_bank()


def variants(question_id: str, count: int) -> list[dict[str, float]]:
    """The parameter values of the question's first `count` variants (fewer if it has fewer)."""
    question = BANK.get(question_id)
    assert question is not None, question_id
    return [dict(question.variant(k).values) for k in range(question.variant_count(count))]


def evidence(question_id: str, values: dict[str, float], seed: int = 0) -> Evidence:
    """What the question's probe returns on the engine for `values`."""
    question = BANK.get(question_id)
    assert question is not None, question_id
    rng = np.random.default_rng(seed)
    return get_probe(question.probe)(values, rng, **question.probe_args)


def run(question_id: str, values: dict[str, float]) -> float:
    """The number the question's probe measures on the engine for `values`."""
    found = evidence(question_id, values)
    assert isinstance(found, Value)
    return found.value


def within(found: Value, number: float) -> bool:
    """Is `number` within the tolerance the probe states for its value (verify's rule)?"""
    scale = max(abs(number), abs(found.value))
    return abs(number - found.value) <= max(found.rel_tol * scale, found.abs_tol)


def agrees(found: Evidence, key: float | str, values: dict[str, float] | None = None) -> bool:
    """Does a key (a number, or a formula of the variant's values) agree with the evidence?

    For Samples the formula is evaluated at every sampled point (with `values` for the params).
    """
    if isinstance(found, Value):
        number = key if isinstance(key, float | int) else evaluate_formula(key, values or {})
        return within(found, float(number))
    assert isinstance(found, Samples) and isinstance(key, str)
    for point, value in zip(found.points, found.values, strict=True):
        number = evaluate_formula(key, {**(values or {}), **point})
        if not within(Value(value, found.rel_tol, found.abs_tol), number):
            return False
    return True


def separates(
    found: Evidence,
    right: float | str,
    wrong: Iterable[float | str],
    values: dict[str, float] | None = None,
) -> None:
    """Assert that the evidence agrees with `right` and with none of the `wrong` keys."""
    assert agrees(found, right, values), f"{found} disagrees with the right answer {right!r}"
    for key in wrong:
        assert not agrees(found, key, values), f"{found} cannot tell the wrong key {key!r} apart"
