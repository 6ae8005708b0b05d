"""The data a question's self-check widget needs, computed at build time in Python.

Expression and derivation keys are evaluated with the answer grammar's evaluator at test points
drawn (reproducibly per question) from each variable's domain; the page's JavaScript evaluates
the learner's formula at the same points and compares. Numbers only: text stays in the HTML.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError
from eprep.grammar.vocabulary import DomainError, canonical, parse_domain, seed_of

if TYPE_CHECKING:
    from eprep.questions import Question, Variant

POINTS = 8
MAX_TRIES = 200
EXPRESSION_TOLERANCE = {"rel": 1e-6, "abs": 1e-9}


class SelfCheckError(EprepError):
    """A question whose self-check data cannot be computed (e.g. the key never evaluates)."""


def draw(domain: str, rng: random.Random) -> float:
    """One moderate test value from a variable's domain (`real`, `positive`, ..., an interval)."""
    try:
        return parse_domain(domain).moderate(rng)
    except DomainError as error:
        raise SelfCheckError(str(error)) from None


def safe(fn) -> float | None:
    try:
        value = float(fn())
    except (EprepError, ArithmeticError, ValueError):
        return None
    return value if math.isfinite(value) else None


def test_points(question: Question, variant: Variant) -> dict[str, Any]:
    """Points, key values and known-mistake values for an expression or derivation question."""
    answer = question.answer
    if answer is None:  # the loader requires one for these kinds
        raise SelfCheckError(f"{question.location}: {question.id}: no answer to check against")
    rng = random.Random(seed_of(question.id, "site-points"))
    variables = {canonical(name): domain for name, domain in sorted(question.variables.items())}
    points: list[dict[str, float]] = []
    keys: list[float] = []
    mistakes: list[list[float | None]] = [[] for _ in question.mistakes]
    for _ in range(MAX_TRIES):
        if len(points) == POINTS:
            break
        point = {name: draw(domain, rng) for name, domain in variables.items()}
        key = safe(lambda p=point: variant.evaluate(answer, p))
        if key is None:
            continue
        points.append(point)
        keys.append(key)
        for values, mistake in zip(mistakes, question.mistakes, strict=True):
            values.append(safe(lambda p=point, m=mistake: variant.evaluate(m.answer, p)))
    if len(points) < 3:
        raise SelfCheckError(
            f"{question.location}: {question.id}: the key evaluates at too few test points"
        )
    return {
        "variables": sorted(variables),
        "params": {name: variant.values[name] for name in sorted(variant.values)},
        "points": points,
        "key": keys,
        "mistakes": mistakes,
        "tolerance": EXPRESSION_TOLERANCE,
    }


def check_data(question: Question, variant: Variant, order: list[int]) -> dict[str, Any]:
    """JSON-ready self-check data for one question variant (`order`: options as shown)."""
    from eprep.site import kinds

    return kinds.get(question.kind).check_data(question, variant, order)


def to_json(data: Mapping[str, Any]) -> str:
    """Deterministic JSON safe to put inside a <script> element."""
    import json

    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
