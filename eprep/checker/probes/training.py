"""Probes for gradient clipping and learning-rate schedules, measured with the engine.

Clipping runs the engine's `clip_grads` (by norm, DLFS2's) and `clip_by_value` on real arrays.
A schedule's rate is measured as the step it makes an engine SGD take: the weight's change at
update t divided by the gradient fed in, never read from the schedule's own formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe


@probe("clip_by_value_norm")
def clip_by_value_norm(variant: Params, rng: np.random.Generator, *, grads: Sequence[str]) -> Value:
    """The L2 norm of the gradient after the engine's clip_by_value with limit c."""
    from eprep.engine import clip_by_value

    g = np.array([float(variant[name]) for name in grads])
    clip_by_value([g], float(variant["c"]))
    return Value(float(np.sqrt(np.sum(g * g))))


def _schedule(name: str, optimizer: Any, variant: Params, names: Mapping[str, str]) -> Any:
    from eprep.engine import CosineLR, StepLR, WarmupCosineLR

    def get(key: str) -> float:
        return float(variant[names.get(key, key)])

    builders = {
        "step": lambda: StepLR(optimizer, step_size=int(get("s")), gamma=get("gamma")),
        "cosine": lambda: CosineLR(
            optimizer, total=int(get("T")), min_lr=get("low") if "low" in names else 0.0
        ),
        "warmup-cosine": lambda: WarmupCosineLR(
            optimizer, warmup=int(get("W")), total=int(get("T"))
        ),
    }
    if name not in builders:
        raise ValueError(f"unknown schedule {name!r}")
    return builders[name]()


def measured_rates(name: str, variant: Params, names: Mapping[str, str], steps: int) -> list[float]:
    """The rate of updates 0 .. steps - 1: -(change of w)/g for an engine SGD under the schedule."""
    from eprep.engine import SGD

    optimizer = SGD(lr=float(variant[names.get("lr", "lr")]))
    schedule = _schedule(name, optimizer, variant, names)
    params = {"w": np.array([0.0])}
    rates = []
    for _ in range(steps):
        before = float(params["w"][0])
        optimizer.update(params, {"w": np.array([1.0])})  # gradient 1: the step is the rate
        rates.append(before - float(params["w"][0]))
        schedule.step()
    return rates


@probe("schedule_rate")
def schedule_rate(
    variant: Params,
    rng: np.random.Generator,
    *,
    schedule: str,
    names: Mapping[str, str] | None = None,
    at: str = "t",
) -> Value:
    """The learning rate an engine SGD actually uses at update/epoch `at` under the schedule."""
    t = int(variant[at])
    return Value(measured_rates(schedule, variant, names or {}, t + 1)[t], rel_tol=1e-9)


@code_probe("warmup_cosine_matches_engine")
def warmup_cosine_matches_engine(
    namespace: dict, variant: Params, rng: np.random.Generator
) -> None:
    """The template's lr_at(t, ...) must be the rate an engine SGD takes under WarmupCosineLR."""
    for base, warmup, total in ((0.4, 4, 12), (0.1, 3, 20)):
        values = {"lr": base, "W": warmup, "T": total}
        measured = measured_rates("warmup-cosine", values, {}, total + 1)
        for t, rate in enumerate(measured):
            got = float(namespace["lr_at"](t, base, warmup, total))
            assert abs(got - rate) <= 1e-12 + 1e-9 * abs(rate), (
                f"lr_at({t}) = {got}, but SGD under warm-up + cosine steps with {rate}"
            )


@probe("warmup_rate_sum")
def warmup_rate_sum(variant: Params, rng: np.random.Generator) -> Value:
    """How far an engine SGD moves during the warm-up with gradient 1: the sum of its rates."""
    warmup = int(variant["W"])
    values = {"lr": float(variant["lr"]), "W": warmup, "T": warmup + 10}
    return Value(float(sum(measured_rates("warmup-cosine", values, {}, warmup))), rel_tol=1e-9)
