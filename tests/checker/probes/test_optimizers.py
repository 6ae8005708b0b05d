"""The optimizer probes against update rules written out by hand in this file.

Each oracle below is an independent plain-Python implementation of the textbook rule (Nesterov
in Sutskever's look-ahead form, not the engine's rearranged form), run on the bank's own
variants and on hand-picked numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import OptionId, Samples, get_code_probe, get_probe

from .bank_probes import BANK, run
from .bank_probes import variants as bank_variants


def variants(question_id: str, count: int = 8) -> list[dict[str, float]]:
    return bank_variants(question_id, count)


# ---------------------------------------------------------------- hand-written oracles


def sgd(w: float, grads: list[float], lr: float) -> list[float]:
    path = [w]
    for g in grads:
        w = w - lr * g
        path.append(w)
    return path


def momentum(w: float, grads: list[float], lr: float, mu: float) -> list[float]:
    v, path = 0.0, [w]
    for g in grads:
        v = mu * v - lr * g
        w = w + v
        path.append(w)
    return path


def nesterov_lookahead(w: float, grads: list[float], lr: float, mu: float) -> list[float]:
    """Sutskever's NAG: v <- mu v - lr grad(theta + mu v); theta <- theta + v.

    The gradients given are those at the look-ahead points, and the tracked quantity is the
    look-ahead point theta + mu v itself, which is what the question's w stands for.
    """
    theta, v, path = w, 0.0, [w]
    for g in grads:
        v = mu * v - lr * g
        theta = theta + v
        path.append(theta + mu * v)
    return path


def adagrad(w: float, grads: list[float], lr: float, eps: float) -> list[float]:
    h, path = 0.0, [w]
    for g in grads:
        h += g * g
        w -= lr * g / (math.sqrt(h) + eps)
        path.append(w)
    return path


def rmsprop(w: float, grads: list[float], lr: float, rho: float, eps: float) -> list[float]:
    h, path = 0.0, [w]
    for g in grads:
        h = rho * h + (1 - rho) * g * g
        w -= lr * g / (math.sqrt(h) + eps)
        path.append(w)
    return path


def adam_paper(
    w: float, grads: list[float], lr: float, b1: float, b2: float, eps: float
) -> list[float]:
    m = v = 0.0
    path = [w]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        path.append(w)
    return path


def adam_lr_t(
    w: float, grads: list[float], lr: float, b1: float, b2: float, eps: float
) -> list[float]:
    m = v = 0.0
    path = [w]
    for t, g in enumerate(grads, start=1):
        m += (1 - b1) * (g - m)  # DLFS's spelling of the same moving average
        v += (1 - b2) * (g * g - v)
        lr_t = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        w -= lr_t * m / (math.sqrt(v) + eps)
        path.append(w)
    return path


# ---------------------------------------------------------------- value probes


@pytest.mark.parametrize("values", variants("day2.optimizers.sgd-step"))
def test_sgd_step(values: dict[str, float]) -> None:
    expected = sgd(values["w"], [values["g"]], values["lr"])[-1]
    assert run("day2.optimizers.sgd-step", values) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("values", variants("day2.optimizers.momentum-two-steps"))
def test_momentum_two_steps(values: dict[str, float]) -> None:
    path = momentum(values["w"], [values["g1"], values["g2"]], values["lr"], values["mu"])
    assert run("day2.optimizers.momentum-two-steps", values) == pytest.approx(path[-1], rel=1e-12)


@pytest.mark.parametrize("values", variants("day2.optimizers.momentum-velocity"))
def test_momentum_velocity_is_second_displacement(values: dict[str, float]) -> None:
    path = momentum(0.0, [values["g1"], values["g2"]], values["lr"], values["mu"])
    got = run("day2.optimizers.momentum-velocity", values)
    assert got == pytest.approx(path[2] - path[1], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    "question_id, grads",
    [
        ("day2.optimizers.nesterov-two-steps", ["g1", "g2"]),
    ],
)
def test_nesterov_matches_lookahead_form(question_id: str, grads: list[str]) -> None:
    for values in variants(question_id):
        path = nesterov_lookahead(
            values["w"], [values[g] for g in grads], values["lr"], values["mu"]
        )
        assert run(question_id, values) == pytest.approx(path[-1], rel=1e-12)


def test_nesterov_is_not_the_new_velocity_erratum() -> None:
    # One gradient then a zero one: the old velocity gives (1 + a + a^2) eta g1 in all, the
    # erratum (new velocity in the a^2 v term) one more power of a.
    values = {"w": 0.0, "g1": 1.0, "g2": 0.0, "lr": 0.1, "mu": 0.9}
    got = run("day2.optimizers.nesterov-two-steps", values)
    assert got == pytest.approx(-(1 + 0.9 + 0.81) * 0.1)
    assert got != pytest.approx(-(1 + 0.9 + 0.81 + 0.729) * 0.1)


@pytest.mark.parametrize("question_id", ["day2.optimizers.adagrad-two-steps"])
def test_adagrad(question_id: str) -> None:
    for values in variants(question_id):
        grads = [values[g] for g in ("g1", "g2", "g") if g in values]
        assert run(question_id, values) == pytest.approx(
            adagrad(values["w"], grads, values["lr"], 1e-7)[-1], rel=1e-12
        )


@pytest.mark.parametrize("values", variants("day2.optimizers.adagrad-decay"))
def test_adagrad_step_shrinks_like_one_over_sqrt_t(values: dict[str, float]) -> None:
    path = adagrad(0.0, [values["g"]] * int(values["t"]), values["lr"], 1e-7)
    got = run("day2.optimizers.adagrad-decay", values)
    assert got == pytest.approx(abs(path[-1] - path[-2]), rel=1e-10)
    assert got == pytest.approx(values["lr"] / math.sqrt(values["t"]), rel=1e-5)


@pytest.mark.parametrize("values", variants("day2.optimizers.rmsprop-two-steps"))
def test_rmsprop_two_steps(values: dict[str, float]) -> None:
    path = rmsprop(values["w"], [values["g1"], values["g2"]], values["lr"], values["rho"], 1e-7)
    assert run("day2.optimizers.rmsprop-two-steps", values) == pytest.approx(path[-1], rel=1e-12)


@pytest.mark.parametrize("values", variants("day2.optimizers.rmsprop-first-step"))
def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho(values: dict[str, float]) -> None:
    got = run("day2.optimizers.rmsprop-first-step", values)
    assert got == pytest.approx(values["lr"] / math.sqrt(1 - values["rho"]), rel=1e-5)


@pytest.mark.parametrize("values", variants("day2.optimizers.adam-first-step"))
def test_adam_first_step_has_size_lr(values: dict[str, float]) -> None:
    got = run("day2.optimizers.adam-first-step", values)
    path = adam_paper(0.0, [values["g"]], values["lr"], values["b1"], values["b2"], 1e-8)
    assert got == pytest.approx(path[-1], rel=1e-12)
    assert abs(got) == pytest.approx(values["lr"], rel=1e-6)


@pytest.mark.parametrize("values", variants("day2.optimizers.adam-two-steps"))
def test_adam_two_steps(values: dict[str, float]) -> None:
    path = adam_paper(
        values["w"], [values["g1"], values["g2"]], values["lr"], values["b1"], values["b2"], 1e-8
    )
    assert run("day2.optimizers.adam-two-steps", values) == pytest.approx(path[-1], rel=1e-12)


@pytest.mark.parametrize("values", variants("day2.optimizers.adam-eps-lr-t-form"))
def test_adam_lr_t_form_with_large_epsilon(values: dict[str, float]) -> None:
    path = adam_lr_t(0.0, [values["g"]], values["lr"], values["b1"], values["b2"], values["ep"])
    got = run("day2.optimizers.adam-eps-lr-t-form", values)
    assert got == pytest.approx(path[-1], rel=1e-12)
    # ...and it differs visibly from the paper form with the same epsilon (the trap).
    paper = adam_paper(0.0, [values["g"]], values["lr"], values["b1"], values["b2"], values["ep"])
    assert abs(got - paper[-1]) > 0.01 * abs(paper[-1])


@pytest.mark.parametrize("values", variants("day2.optimizers.adam-first-moment"))
def test_adam_first_moment_sums_a_geometric_series(values: dict[str, float]) -> None:
    b1, g, t = values["b1"], values["g"], int(values["t"])
    expected = sum((1 - b1) * b1**k * g for k in range(t))
    assert run("day2.optimizers.adam-first-moment", values) == pytest.approx(expected, rel=1e-12)


def test_adam_lr_t_samples() -> None:
    question = BANK.get("day2.optimizers.adam-lr-t")
    evidence = get_probe(question.probe)({}, np.random.default_rng(3))
    assert isinstance(evidence, Samples) and len(evidence.points) >= 5
    for point, value in zip(evidence.points, evidence.values, strict=True):
        lr, b1, b2, t = point["lr"], point["b1"], point["b2"], point["t"]
        assert value == pytest.approx(lr * math.sqrt(1 - b2**t) / (1 - b1**t), rel=1e-9)


@pytest.mark.parametrize("a", [0.25, 1.0, 4.0, 20.0])
def test_sgd_lr_limit_is_two_over_curvature(a: float) -> None:
    evidence = get_probe("sgd_lr_limit")({"a": a}, np.random.default_rng(0))
    assert evidence.value == pytest.approx(2.0 / a, rel=1e-6)


@pytest.mark.parametrize(
    "product, expected",
    [(0.5, "monotone"), (1.0, "stuck"), (1.5, "zigzag"), (2.5, "diverge")],
)
def test_sgd_regime(product: float, expected: str) -> None:
    a = 4.0
    evidence = get_probe("sgd_regime")({"a": a, "lr": product / a}, np.random.default_rng(0))
    assert evidence == OptionId(expected)


def test_sgd_zigzag_variants_are_all_zigzag() -> None:
    for values in variants("day2.optimizers.sgd-zigzag", 20):
        assert get_probe("sgd_regime")(values, np.random.default_rng(0)) == OptionId("zigzag")


# ---------------------------------------------------------------- code probe


class HandMomentum:
    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            self.v[key] = self.momentum * self.v.get(key, 0.0) - self.lr * grads[key]
            params[key] += self.v[key]


class NewVelocityNesterov:
    """The classic erratum: v updated first, then used in the mu^2 term."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            self.v[key] = self.momentum * self.v.get(key, 0.0) - self.lr * grads[key]
            params[key] += (
                self.momentum**2 * self.v[key] - (1 + self.momentum) * self.lr * grads[key]
            )


class SkipFirstAdaGrad:
    """The erratum of the course notes: h starts at 1e-4 and the first gradient is not added."""

    def __init__(self, lr: float = 0.01, eps: float = 1e-7) -> None:
        self.lr, self.h, self.calls = lr, {}, 0

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            if self.calls == 0:
                self.h[key] = np.full_like(params[key], 1e-4)
            else:
                self.h[key] += grads[key] ** 2
            params[key] -= self.lr * grads[key] / np.sqrt(self.h[key])
        self.calls += 1


def check(namespace: dict, **probe_args: object) -> None:
    get_code_probe("optimizer_matches_engine")(
        namespace, {}, np.random.default_rng(1), **probe_args
    )


def test_code_probe_accepts_a_hand_written_momentum() -> None:
    check({"Momentum": HandMomentum}, name="Momentum", kwargs={"lr": 0.1, "momentum": 0.9})


def test_code_probe_rejects_the_nesterov_erratum() -> None:
    with pytest.raises(AssertionError, match=r"Nesterov\.update differs"):
        check(
            {"Nesterov": NewVelocityNesterov}, name="Nesterov", kwargs={"lr": 0.1, "momentum": 0.9}
        )


def test_code_probe_rejects_the_adagrad_erratum() -> None:
    with pytest.raises(AssertionError, match="step 1"):
        check({"AdaGrad": SkipFirstAdaGrad}, name="AdaGrad", kwargs={"lr": 0.1, "eps": 1e-7})


def test_code_probe_rejects_a_missing_class() -> None:
    with pytest.raises(AssertionError, match="defines no class Adam"):
        check({}, name="Adam", kwargs={"lr": 0.01})
