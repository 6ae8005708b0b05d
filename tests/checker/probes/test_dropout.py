"""Dropout probes against closed forms derived here (Bernoulli moments, the normal CDF via erf)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


def _phi(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_kept_units_are_scaled_by_one_over_keep_probability(p: float) -> None:
    got = get_probe("dropout_kept_scale")({"p": p}, np.random.default_rng(0))
    assert _close(got, 1.0 / (1.0 - p))


@pytest.mark.parametrize("p", [0.25, 0.75])
def test_keep_fraction_is_one_minus_ratio(p: float) -> None:
    keep = get_probe("dropout_keep_fraction")({"p": p}, np.random.default_rng(1))
    assert _close(keep, 1.0 - p)
    assert keep.abs_tol < 0.01  # 5 standard errors of 200k Bernoulli draws
    assert not _close(keep, p)


@pytest.mark.parametrize(("x", "p"), [(2.0, 0.3), (-1.4, 0.6)])
def test_output_mean_and_variance(x: float, p: float) -> None:
    mean = get_probe("dropout_output_mean")({"x": x, "p": p}, np.random.default_rng(3))
    var = get_probe("dropout_output_variance")({"x": x, "p": p}, np.random.default_rng(4))
    assert _close(mean, x)
    assert not _close(mean, (1 - p) * x)
    # y = x/(1-p) w.p. 1-p, else 0: E[y^2] = x^2/(1-p), so Var = x^2 p/(1-p).
    assert _close(var, x * x * p / (1 - p))
    assert not _close(var, x * x * p * (1 - p))


def test_ratio_is_the_drop_probability_and_inference_is_identity() -> None:
    rng = np.random.default_rng(5)
    assert get_probe("dropout_ratio_meaning")({"p": 0.3}, rng).option_id == "drop-probability"
    assert get_probe("dropout_inference")({"p": 0.3}, rng).option_id == "identity"


@pytest.mark.parametrize("p", [0.0, 0.5, 0.8])
def test_randn_mask_drops_phi_of_ratio(p: float) -> None:
    got = get_probe("randn_drop_fraction")({"p": p}, np.random.default_rng(6))
    assert _close(got, _phi(p))
    if p > 0:
        assert not _close(got, p)  # the intended rate is not what a randn mask gives


class _Dropout:
    """Inverted dropout written here; `draw(rng, shape)` makes the raw mask numbers."""

    draw = staticmethod(lambda rng, shape: rng.random(shape))
    grad_scaled = True

    def __init__(self, ratio, rng):
        self.ratio, self.rng = ratio, rng

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = self.draw(self.rng, np.shape(x)) > self.ratio
        return x * self.mask / (1.0 - self.ratio)

    def backward(self, dout):
        return dout * self.mask / (1.0 - self.ratio) if self.grad_scaled else dout * self.mask


class _RandnDropout(_Dropout):
    draw = staticmethod(lambda rng, shape: rng.standard_normal(shape))


class _UnscaledBackward(_Dropout):
    grad_scaled = False


def test_mask_code_probe_catches_the_randn_mask() -> None:
    probe = get_code_probe("dropout_mask_code")
    probe({"DropoutLayer": _Dropout}, {}, np.random.default_rng(7))
    with pytest.raises(AssertionError):
        probe({"DropoutLayer": _RandnDropout}, {}, np.random.default_rng(7))


def test_backward_code_probe_wants_the_scaled_mask() -> None:
    probe = get_code_probe("dropout_backward_code")
    probe({"DropoutLayer": _Dropout}, {}, np.random.default_rng(8))
    with pytest.raises(AssertionError):
        probe({"DropoutLayer": _UnscaledBackward}, {}, np.random.default_rng(8))
