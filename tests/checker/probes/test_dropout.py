"""Dropout probes against closed forms derived here (Bernoulli moments, the normal CDF via erf)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe

from .bank_probes import evidence, separates, variants


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


def _phi(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@pytest.mark.parametrize("values", variants("day2.dropout.inverted-scale", 6))
def test_kept_units_are_scaled_by_one_over_keep_probability(values: dict[str, float]) -> None:
    # E[c * m * x] = c (1 - p) x must equal the inference output x, so c = 1/(1 - p).
    p = values["p"]
    got = evidence("day2.dropout.inverted-scale", values)
    separates(got, 1.0 / (1.0 - p), [1.0 - p, 1.0 / p, 1.0, 1.1 / (1.0 - p)])
    assert got.abs_tol < 0.03 * got.value  # 5 standard errors of 200k draws


@pytest.mark.parametrize("values", variants("day2.dropout.classic-test-scale", 6))
def test_classic_test_scale_is_the_keep_probability(values: dict[str, float]) -> None:
    # Classic dropout's training output is x with probability 1 - p, else 0: E = (1 - p) x.
    p = values["p"]
    got = evidence("day2.dropout.classic-test-scale", values)
    separates(got, 1.0 - p, [1.0 / (1.0 - p), p, 1.0, 1.0 - p + 0.02])
    assert got.abs_tol < 0.01  # 5 standard errors of 200k Bernoulli draws


def test_kept_scale_probe_fails_on_a_layer_that_scales_wrongly(monkeypatch) -> None:
    from eprep.checker.probes import dropout as module
    from eprep.engine import Dropout

    class Unscaled(Dropout):  # keeps units at 1: the expectation drops to (1 - p) x
        def forward(self, x, train_flg=True):
            out = super().forward(x, train_flg)
            return out * (1.0 - self.dropout_ratio) if train_flg else out

    monkeypatch.setattr(module, "_dropout", lambda ratio, rng: Unscaled(float(ratio), rng=rng))
    with pytest.raises(AssertionError, match="keeping the expectation needs"):
        get_probe("dropout_kept_scale")({"p": 0.4}, np.random.default_rng(0))


def test_classic_probe_measures_the_layer_it_is_given(monkeypatch) -> None:
    import eprep.engine
    from eprep.engine import ClassicDropout, Dropout

    class NoTestScale(ClassicDropout):  # forgets to scale at test time
        def forward(self, x, train_flg=True):
            return super().forward(x, train_flg) if train_flg else x

    monkeypatch.setattr(eprep.engine, "ClassicDropout", NoTestScale)
    with pytest.raises(AssertionError, match="at test time"):
        get_probe("dropout_keep_fraction")({"p": 0.4}, np.random.default_rng(0))
    # The inverted layer keeps the expectation without any test-time factor: 1, not 1 - p.
    monkeypatch.setattr(eprep.engine, "ClassicDropout", Dropout)
    got = get_probe("dropout_keep_fraction")({"p": 0.4}, np.random.default_rng(0))
    separates(got, 1.0, [0.6])


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


def test_inference_probe_classifies_classic_dropout_as_scale_down(monkeypatch) -> None:
    from eprep.checker.probes import dropout as module
    from eprep.engine import ClassicDropout

    monkeypatch.setattr(module, "_dropout", lambda r, rng: ClassicDropout(float(r), rng=rng))
    assert get_probe("dropout_inference")({"p": 0.3}, np.random.default_rng(5)).option_id == (
        "scale-down"
    )


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


class _CoinDropout(_Dropout):
    draw = staticmethod(lambda rng, shape: rng.integers(0, 2, shape))


class _ScalarDropout(_Dropout):
    draw = staticmethod(lambda rng, shape: rng.random())


class _TestScaledBackward(_Dropout):
    def backward(self, dout):
        return dout * self.mask * (1.0 - self.ratio)


class _UnscaledBackward(_Dropout):
    grad_scaled = False


def test_mask_code_probe_catches_the_randn_mask() -> None:
    probe = get_code_probe("dropout_mask_code")
    probe({"DropoutLayer": _Dropout}, {}, np.random.default_rng(7))
    for wrong in (_RandnDropout, _CoinDropout, _ScalarDropout):
        with pytest.raises(AssertionError, match="drops"):
            probe({"DropoutLayer": wrong}, {}, np.random.default_rng(7))


def test_backward_code_probe_wants_the_scaled_mask() -> None:
    probe = get_code_probe("dropout_backward_code")
    probe({"DropoutLayer": _Dropout}, {}, np.random.default_rng(8))
    for wrong in (_UnscaledBackward, _TestScaledBackward):
        with pytest.raises(AssertionError, match="not the derivative"):
            probe({"DropoutLayer": wrong}, {}, np.random.default_rng(8))
