"""Probes for the optimizer questions: every number comes from the engine optimizers' `update()`.

Hyperparameters are read from the variant by fixed names: `lr`, `mu` (momentum), `rho` (RMSprop's
decay rate), `b1`, `b2` (Adam), `wd` (AdamW's weight decay), `ep` (epsilon, when the question
varies it), `w` (the starting weight, 0 if absent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Samples, Value, after_pass, code_probe, probe
from eprep.engine import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSprop

_ENGINE_CLASSES = {
    "SGD": SGD,
    "Momentum": Momentum,
    "Nesterov": Nesterov,
    "AdaGrad": AdaGrad,
    "RMSprop": RMSprop,
    "Adam": Adam,
    "AdamW": AdamW,
}


def make_optimizer(
    name: str, variant: Params, eps: float | None = None, form: str = "paper"
) -> Any:
    """Build the engine optimizer `name` with the hyperparameters the variant names."""
    lr = float(variant["lr"])
    if "ep" in variant:
        eps = float(variant["ep"])
    if name == "sgd":
        return SGD(lr=lr)
    if name == "momentum":
        return Momentum(lr=lr, momentum=float(variant["mu"]))
    if name == "nesterov":
        return Nesterov(lr=lr, momentum=float(variant["mu"]))
    if name == "adagrad":
        return AdaGrad(lr=lr, **_eps(eps))
    if name == "rmsprop":
        return RMSprop(lr=lr, decay_rate=float(variant["rho"]), **_eps(eps))
    if name == "adam":
        return Adam(
            lr=lr,
            beta1=float(variant.get("b1", 0.9)),
            beta2=float(variant.get("b2", 0.999)),
            form=form,
            **_eps(eps),
        )
    if name == "adamw":
        return AdamW(
            lr=lr,
            beta1=float(variant.get("b1", 0.9)),
            beta2=float(variant.get("b2", 0.999)),
            weight_decay=float(variant["wd"]),
            **_eps(eps),
        )
    raise ValueError(f"unknown optimizer {name!r}")


def _eps(eps: float | None) -> dict[str, float]:
    # None keeps the engine's default epsilon.
    return {} if eps is None else {"eps": float(eps)}


def trajectory(optimizer: Any, w0: float, gradients: Sequence[float]) -> list[float]:
    """Run one scalar weight through `update()` with the given gradients; return w_0, w_1, ..."""
    params = {"w": np.array([float(w0)])}
    path = [float(params["w"][0])]
    for g in gradients:
        optimizer.update(params, {"w": np.array([float(g)])})
        path.append(float(params["w"][0]))
    return path


def _gradients(variant: Params, grads: Sequence[str], repeat: str | int | None) -> list[float]:
    # A name of the variant, or a number written as text ("0": a step without loss gradient).
    values = [float(variant[name]) if name in variant else float(name) for name in grads]
    if repeat is None:
        return values
    count = int(variant[repeat]) if isinstance(repeat, str) else int(repeat)
    return values * count


@probe("optimizer_steps")
def optimizer_steps(
    variant: Params,
    rng: np.random.Generator,
    *,
    optimizer: str,
    grads: Sequence[str],
    report: str = "final",
    repeat: str | int | None = None,
    eps: float | None = None,
    form: str = "paper",
) -> Value:
    """Apply the gradients named in `grads` (the list `repeat` times) and report the weight.

    report: "final" (w after all steps), "change" (w_final - w_0), "last-step" (w_T - w_{T-1}),
    "last-step-size" (|w_T - w_{T-1}|).
    """
    opt = make_optimizer(optimizer, variant, eps=eps, form=form)
    path = trajectory(opt, float(variant.get("w", 0.0)), _gradients(variant, grads, repeat))
    if report == "final":
        return Value(path[-1])
    if report == "change":
        return Value(path[-1] - path[0])
    if report == "last-step":
        return Value(path[-1] - path[-2])
    if report == "last-step-size":
        return Value(abs(path[-1] - path[-2]))
    raise ValueError(f"unknown report {report!r}")


def _converges(lr: float, a: float, steps: int = 40) -> bool:
    """Whether engine SGD on L(w) = a/2 w^2 ends with |w| below its start."""
    opt = SGD(lr=lr)
    params = {"w": np.array([1.0])}
    for _ in range(steps):
        opt.update(params, {"w": a * params["w"]})
    return abs(float(params["w"][0])) < 1.0


@probe("sgd_lr_limit")
def sgd_lr_limit(variant: Params, rng: np.random.Generator) -> Value:
    """Bisect, with real SGD runs, for the learning rate where |w| stops shrinking."""
    a = float(variant["a"])
    low, high = 0.0, 1.0
    while _converges(high, a):  # grow until a divergent rate brackets the threshold
        high *= 2.0
    for _ in range(34):  # brackets the threshold to about 1e-10 of `high`
        mid = 0.5 * (low + high)
        if _converges(mid, a):
            low = mid
        else:
            high = mid
    return Value(0.5 * (low + high), rel_tol=1e-6)


@probe("sgd_regime")
def sgd_regime(variant: Params, rng: np.random.Generator) -> OptionId:
    """Classify 30 engine SGD steps on L(w) = a/2 w^2 from w = 1 as an option id."""
    a, lr = float(variant["a"]), float(variant["lr"])
    path = [1.0]
    opt, params = SGD(lr=lr), {"w": np.array([1.0])}
    for _ in range(30):
        opt.update(params, {"w": a * params["w"]})
        path.append(float(params["w"][0]))
    sizes = np.abs(path)
    signs = np.sign(path)
    if sizes[1] == 0.0:
        return OptionId("stuck")
    if sizes[-1] >= sizes[0]:
        return OptionId("diverge")
    if np.all(signs[1:] == -signs[:-1]):
        return OptionId("zigzag")
    return OptionId("monotone")


@probe("adam_first_moment")
def adam_first_moment(variant: Params, rng: np.random.Generator) -> Value:
    """The engine Adam's raw first moment m after t updates with a constant gradient."""
    opt = Adam(lr=0.001, beta1=float(variant["b1"]))
    params = {"w": np.array([0.0])}
    g = np.array([float(variant["g"])])
    for _ in range(int(variant["t"])):
        opt.update(params, {"w": g})
    return Value(float(after_pass(opt.m)["w"][0]))


@probe("adam_lr_t")
def adam_lr_t(variant: Params, rng: np.random.Generator, *, points: int = 12) -> Samples:
    """Measure lr_t = step / (m / sqrt(v)) from the engine's bias-corrected (paper) Adam, eps = 0.

    At random (lr, b1, b2, t) the engine runs t steps on random gradients; the last step divided
    by the engine's own raw m / sqrt(v) is the learning rate the lr_t form would need.
    """
    sampled: list[dict[str, float]] = []
    values: list[float] = []
    for _ in range(points):
        point = {
            "lr": float(rng.uniform(0.001, 1.0)),
            "b1": float(rng.uniform(0.5, 0.99)),
            "b2": float(rng.uniform(0.9, 0.9999)),
            "t": float(rng.integers(1, 30)),
        }
        opt = Adam(lr=point["lr"], beta1=point["b1"], beta2=point["b2"], eps=0.0, form="paper")
        params = {"w": np.zeros(4)}
        for _ in range(int(point["t"])):
            before = params["w"].copy()
            opt.update(params, {"w": rng.uniform(0.5, 2.0, size=4)})
        step = before - params["w"]
        ratio = after_pass(opt.m)["w"] / np.sqrt(after_pass(opt.v)["w"])
        sampled.append(point)
        values.append(float(np.mean(step / ratio)))
    return Samples(sampled, values, rel_tol=1e-9, abs_tol=1e-12)


def _random_params(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}


@code_probe("optimizer_matches_engine")
def optimizer_matches_engine(
    namespace: Mapping[str, Any],
    variant: Params,
    rng: np.random.Generator,
    *,
    name: str,
    kwargs: Mapping[str, Any],
    engine_kwargs: Mapping[str, Any] | None = None,
    grad_scale: float = 1.0,
    steps: int = 6,
) -> None:
    """The template's class `name` must move parameters exactly as the engine's class does."""
    if name not in namespace:
        raise AssertionError(f"the completed code defines no class {name}")
    candidate = namespace[name](**kwargs)
    reference = _ENGINE_CLASSES[name](**kwargs, **(engine_kwargs or {}))
    start = _random_params(rng)
    mine = {key: value.copy() for key, value in start.items()}
    theirs = {key: value.copy() for key, value in start.items()}
    for step in range(1, steps + 1):
        grads = {key: grad_scale * rng.standard_normal(value.shape) for key, value in start.items()}
        with np.errstate(all="ignore"):
            candidate.update(mine, {key: g.copy() for key, g in grads.items()})
        reference.update(theirs, grads)
        for key in start:
            if not np.allclose(mine[key], theirs[key], rtol=1e-9, atol=1e-12):
                error = np.max(np.abs(np.asarray(mine[key], dtype=float) - theirs[key]))
                raise AssertionError(
                    f"{name}.update differs from the engine at step {step} for {key!r} "
                    f"(max abs difference {error:.3g})"
                )
