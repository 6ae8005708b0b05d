"""The data a question's self-check widget needs, computed at build time in Python.

Expression and derivation keys are evaluated with the answer grammar's evaluator at test points
drawn (reproducibly per question) from each variable's domain; the page's JavaScript evaluates
the learner's formula at the same points and compares. Numbers only: text stays in the HTML.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Mapping
from typing import Any

from eprep.errors import EprepError

POINTS = 8
MAX_TRIES = 200
EXPRESSION_TOLERANCE = {"rel": 1e-6, "abs": 1e-9}
# The grammar's spelling aliases; variables are keyed by their canonical names on the page.
_ALIASES = {"eps": "epsilon", "lam": "lambda"}
_INTERVAL = re.compile(r"^\s*([\[(])\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*([\])])\s*$")


class SelfCheckError(EprepError):
    """A question whose self-check data cannot be computed (e.g. the key never evaluates)."""


def canonical(name: str) -> str:
    return _ALIASES.get(name, name)


def draw(domain: str, rng: random.Random) -> float:
    """One test value from a checker domain (`real`, `positive`, ..., or an interval)."""
    domain = domain.strip()
    if domain == "real":
        return round(rng.uniform(-2.0, 2.0), 4)
    if domain == "positive":
        return round(rng.uniform(0.1, 3.0), 4)
    if domain == "nonnegative":
        return round(rng.uniform(0.0, 3.0), 4)
    if domain == "integer":
        return float(rng.randint(-5, 5))
    if domain == "positive integer":
        return float(rng.randint(1, 6))
    match = _INTERVAL.match(domain)
    if match:
        low, high = float(match.group(2)), float(match.group(3))
        # Stay inside open ends; a tenth of the width keeps away from singular boundaries.
        margin = (high - low) * 0.1
        return round(rng.uniform(low + margin, high - margin), 6)
    raise SelfCheckError(f"unknown variable domain {domain!r}")


def _safe(fn) -> float | None:
    try:
        value = float(fn())
    except (EprepError, ArithmeticError, ValueError):
        return None
    return value if math.isfinite(value) else None


def test_points(question: Any, variant: Any) -> dict[str, Any]:
    """Points, key values and known-mistake values for an expression or derivation question."""
    seed = int.from_bytes(hashlib.sha256(f"{question.id}:site-points".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    variables = {canonical(name): domain for name, domain in sorted(question.variables.items())}
    points: list[dict[str, float]] = []
    keys: list[float] = []
    mistakes: list[list[float | None]] = [[] for _ in question.mistakes]
    for _ in range(MAX_TRIES):
        if len(points) == POINTS:
            break
        point = {name: draw(domain, rng) for name, domain in variables.items()}
        key = _safe(lambda p=point: variant.evaluate(question.answer, p))
        if key is None:
            continue
        points.append(point)
        keys.append(key)
        for values, mistake in zip(mistakes, question.mistakes, strict=True):
            values.append(_safe(lambda p=point, m=mistake: variant.evaluate(m.answer, p)))
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


def check_data(question: Any, variant: Any, order: list[int]) -> dict[str, Any]:
    """JSON-ready self-check data for one question variant (`order`: options as shown)."""
    kind = question.kind
    if kind in ("choice", "code"):
        correct = next(i for i, index in enumerate(order) if question.options[index].correct)
        return {"kind": "choice", "correct": correct}
    if kind == "numeric":
        key = _safe(variant.key_value)
        if key is None:
            raise SelfCheckError(
                f"{question.location}: {question.id}: the key does not evaluate for variant 0"
            )
        return {
            "kind": "numeric",
            "key": key,
            "tolerance": {"rel": question.tolerance.rel, "abs": question.tolerance.abs},
            "mistakes": [_safe(lambda m=m: variant.evaluate(m.answer)) for m in question.mistakes],
        }
    if kind in ("expression", "derivation"):
        return {"kind": "expression", **test_points(question, variant)}
    raise SelfCheckError(f"{question.location}: unknown kind {kind!r}")


def to_json(data: Mapping[str, Any]) -> str:
    """Deterministic JSON safe to put inside a <script> element."""
    import json

    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
