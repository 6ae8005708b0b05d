"""Derivation probes against the closed forms derived by hand in each test."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from eprep.checker.probes import Samples, get_probe

Formula = Callable[[dict[str, float]], float]


def _matches(samples: Samples, formula: Formula) -> bool:
    """Every sampled value lies within the probe's tolerance of the formula at its point."""
    return all(
        abs(value - formula(point)) <= max(samples.abs_tol, samples.rel_tol * abs(formula(point)))
        for point, value in zip(samples.points, samples.values, strict=True)
    )


def _run(name: str, seed: int, variant: dict[str, float] | None = None) -> Samples:
    samples = get_probe(name)(variant or {}, np.random.default_rng(seed))
    assert isinstance(samples, Samples)
    assert len(samples.points) == len(samples.values) >= 6
    return samples


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@pytest.mark.parametrize("seed", [0, 1])
def test_inverted_dropout_mean_is_y(seed: int) -> None:
    samples = _run("deriv_inverted_dropout_mean", seed)
    assert all(0 < p["r"] < 1 for p in samples.points)
    assert _matches(samples, lambda p: p["y"])
    # Classic (unscaled) dropout's (1 - r) y is rejected: 5 standard errors are far smaller.
    assert not _matches(samples, lambda p: (1 - p["r"]) * p["y"])


@pytest.mark.parametrize("seed", [0, 1])
def test_sigmoid_derivative_is_sigma_one_minus_sigma(seed: int) -> None:
    samples = _run("deriv_activation_derivative", seed, None)
    assert _matches(samples, lambda p: _sigmoid(p["x"]) * (1 - _sigmoid(p["x"])))
    assert not _matches(samples, lambda p: 1 - _sigmoid(p["x"]) ** 2)


def test_tanh_derivative_is_one_minus_tanh_squared() -> None:
    samples = get_probe("deriv_activation_derivative")(
        {}, np.random.default_rng(3), activation="tanh"
    )
    assert _matches(samples, lambda p: 1 - math.tanh(p["x"]) ** 2)
    assert not _matches(samples, lambda p: math.tanh(p["x"]) * (1 - math.tanh(p["x"])))


def test_softmax_ce_gradient_is_y_minus_t() -> None:
    samples = _run("deriv_softmax_ce_grad", 4)
    # dL/da of -log(e^a / (e^a + e^b)) = e^a / (e^a + e^b) - 1 = sigmoid(a - b) - 1.
    assert _matches(samples, lambda p: _sigmoid(p["a"] - p["b"]) - 1)
    assert not _matches(samples, lambda p: 1 - _sigmoid(p["a"] - p["b"]))
    assert not _matches(samples, lambda p: _sigmoid(p["a"] - p["b"]))  # t dropped


def test_softmax_batch_gradient_divides_by_n() -> None:
    samples = _run("deriv_softmax_batch_grad", 5)
    assert all(p["N"] >= 1 and float(p["N"]).is_integer() for p in samples.points)
    assert any(p["N"] > 1 for p in samples.points)
    assert _matches(samples, lambda p: (p["y"] - 1) / p["N"])
    assert not _matches(samples, lambda p: p["y"] - 1)


def test_momentum_terminal_step_is_geometric_series_limit() -> None:
    samples = _run("deriv_momentum_terminal_step", 7)
    assert _matches(samples, lambda p: -p["eta"] * p["g"] / (1 - p["mu"]))
    assert not _matches(samples, lambda p: -p["eta"] * p["g"])


def test_adam_first_step_is_eta_sign_g() -> None:
    samples = _run("deriv_adam_first_step", 8)
    assert _matches(samples, lambda p: math.copysign(p["eta"], p["g"]))

    def uncorrected(p: dict[str, float]) -> float:
        return math.copysign(p["eta"] * (1 - p["beta1"]) / math.sqrt(1 - p["beta2"]), p["g"])

    assert not _matches(samples, uncorrected)


@pytest.mark.parametrize("eps", [0.01, 0.2])
def test_batchnorm_output_variance(eps: float) -> None:
    samples = _run("deriv_batchnorm_output_variance", 9, {"eps": eps})
    assert all(p["s"] > 0 for p in samples.points)
    assert _matches(samples, lambda p: p["gamma"] ** 2 * p["s"] / (p["s"] + eps))
    assert not _matches(samples, lambda p: p["gamma"] ** 2)


@pytest.mark.parametrize(("l1", "l2"), [(0.01, 0.1), (0.1, 1.0)])
def test_elastic_net_gradient(l1: float, l2: float) -> None:
    samples = _run("deriv_elastic_net_gradient", 11, {"l1": l1, "l2": l2})
    assert _matches(samples, lambda p: l1 * math.copysign(1.0, p["w"]) + l2 * p["w"])
    assert not _matches(samples, lambda p: l1 * math.copysign(1.0, p["w"]) + 2 * l2 * p["w"])
    assert not _matches(samples, lambda p: l1 * abs(p["w"]) + l2 * p["w"])
    assert not _matches(samples, lambda p: l2 * p["w"])


def test_tanh_values_equal_stretched_sigmoid() -> None:
    samples = _run("deriv_tanh_values", 12)
    assert _matches(samples, lambda p: math.tanh(p["x"]))
    assert _matches(samples, lambda p: 2 * _sigmoid(2 * p["x"]) - 1)
    assert not _matches(samples, lambda p: 2 * _sigmoid(p["x"]) - 1)
