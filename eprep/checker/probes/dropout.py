"""Probes for day2 dropout: scaling conventions, expectations by Monte Carlo, the randn erratum.

Monte-Carlo probes run the engine's `Dropout` (inverted) or `ClassicDropout` (DLFS's original) on
many units and set their tolerance to 5 standard errors of the estimate they return. Scale factors
are measured as the factor that preserves the expected activation (what they exist for), from
which units the layer keeps, never read from the layer's own scale.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, code_probe, probe

_UNITS = 200_000  # Monte-Carlo sample size: standard error about 0.001 for a fraction


def _dropout(ratio: float, rng: np.random.Generator):
    from eprep.engine import Dropout

    return Dropout(float(ratio), rng=rng)


def _mc_mean(samples: np.ndarray) -> Value:
    """The sample mean, with a tolerance of 5 standard errors."""
    se = float(np.std(samples) / np.sqrt(samples.size))
    return Value(float(np.mean(samples)), rel_tol=0.0, abs_tol=5.0 * se + 1e-12)


@probe("dropout_kept_scale")
def dropout_kept_scale(variant: Params, rng: np.random.Generator) -> Value:
    """The factor kept units need in training so that the expectation equals inference's output.

    The engine's inverted Dropout runs on many random inputs x: at inference it returns y, in
    training it keeps some units (measured: which outputs are non-zero, mask m). The factor c
    with E[c * m * x] = E[y] is mean(y) / mean(m * x); the tolerance is 5 standard errors of it
    (delta method on mean(m * x)). The layer must then really multiply its kept units by c.
    """
    layer = _dropout(variant["p"], rng)
    x = rng.uniform(0.5, 2.0, _UNITS)
    inference = np.asarray(layer.forward(x, train_flg=False), dtype=np.float64)
    out = np.asarray(layer.forward(x, train_flg=True), dtype=np.float64)
    kept = out != 0
    unscaled = x * kept
    factor = float(np.mean(inference) / np.mean(unscaled))
    tol = 5.0 * factor * float(np.std(unscaled) / np.sqrt(_UNITS) / np.mean(unscaled))
    used = out[kept] / x[kept]
    assert np.allclose(used, used[0], rtol=1e-12), "kept units are not scaled by one factor"
    assert abs(float(used[0]) - factor) <= tol, (
        f"the layer scales kept units by {used[0]:.6g}, but keeping the expectation needs "
        f"{factor:.6g}"
    )
    return Value(factor, rel_tol=0.0, abs_tol=tol)


@probe("dropout_keep_fraction")
def dropout_keep_fraction(variant: Params, rng: np.random.Generator) -> Value:
    """The test-time factor classic dropout needs: mean training output / input (Monte Carlo).

    The engine's ClassicDropout keeps units unscaled in training; the factor c with
    c * x = E[train output] is measured on many units of a constant input. The layer's own
    inference output must agree with it within the tolerance (5 standard errors).
    """
    from eprep.engine import ClassicDropout

    layer = ClassicDropout(float(variant["p"]), rng=rng)
    x = 1.5
    out = np.asarray(layer.forward(np.full(_UNITS, x), train_flg=True))
    measured = _mc_mean(out / x)
    test_factor = float(np.asarray(layer.forward(np.array([x]), train_flg=False))[0]) / x
    assert abs(test_factor - measured.value) <= measured.abs_tol, (
        f"ClassicDropout multiplies by {test_factor:.6g} at test time, but its expected "
        f"training output is {measured.value:.6g} times the input"
    )
    return measured


@probe("dropout_output_mean")
def dropout_output_mean(variant: Params, rng: np.random.Generator) -> Value:
    """Mean training output of the engine's Dropout for a constant input x (Monte Carlo)."""
    out = _dropout(variant["p"], rng).forward(np.full(_UNITS, float(variant["x"])), train_flg=True)
    return _mc_mean(out)


@probe("dropout_output_variance")
def dropout_output_variance(variant: Params, rng: np.random.Generator) -> Value:
    """Variance of the training output of the engine's Dropout for a constant input x.

    The standard error of a sample variance is estimated as std((y - mean)^2) / sqrt(M).
    """
    out = _dropout(variant["p"], rng).forward(np.full(_UNITS, float(variant["x"])), train_flg=True)
    sq = (out - np.mean(out)) ** 2
    se = float(np.std(sq) / np.sqrt(sq.size))
    return Value(float(np.mean(sq)), rel_tol=0.0, abs_tol=5.0 * se + 1e-12)


@probe("dropout_ratio_meaning")
def dropout_ratio_meaning(variant: Params, rng: np.random.Generator) -> OptionId:
    """Whether the engine's dropout_ratio is the probability of dropping or of keeping a unit."""
    p = float(variant["p"])
    dropped = float(np.mean(_dropout(p, rng).forward(np.ones(_UNITS), train_flg=True) == 0))
    tol = 5.0 * np.sqrt(p * (1 - p) / _UNITS)
    if abs(dropped - p) < tol:
        return OptionId("drop-probability")
    if abs(dropped - (1 - p)) < tol:
        return OptionId("keep-probability")
    return OptionId("other")


@probe("dropout_inference")
def dropout_inference(variant: Params, rng: np.random.Generator) -> OptionId:
    """What the engine's Dropout does with train_flg=False, classified by output / input."""
    p = float(variant["p"])
    x = rng.uniform(0.5, 2.0, 50)
    ratio = np.asarray(_dropout(p, rng).forward(x, train_flg=False)) / x
    if not np.allclose(ratio, ratio[0], rtol=1e-12, atol=0):
        return OptionId("random-mask")  # units treated differently: a mask is still applied
    if np.isclose(ratio[0], 1.0, rtol=1e-12, atol=0):
        return OptionId("identity")
    return OptionId("scale-down" if ratio[0] < 1.0 else "scale-up")


class _NormalDraws:
    """Stands in for a Generator whose `random` returns standard-normal draws (the erratum)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng

    def random(self, size: int | tuple[int, ...] | None = None) -> np.ndarray:
        return self._rng.standard_normal(size)


@probe("randn_drop_fraction")
def randn_drop_fraction(variant: Params, rng: np.random.Generator) -> Value:
    """Fraction of units actually dropped when the mask is drawn with randn instead of rand.

    The engine's Dropout is run with a generator whose uniform draws were replaced by
    standard-normal ones, i.e. `mask = randn(...) > ratio`; the dropped fraction is measured.
    """
    from eprep.engine import Dropout

    # Duck-typed: Dropout only calls rng.random(shape).
    layer = Dropout(float(variant["p"]), rng=cast(np.random.Generator, _NormalDraws(rng)))
    out = layer.forward(np.ones(_UNITS), train_flg=True)
    return _mc_mean((out == 0).astype(np.float64))


@code_probe("dropout_mask_code")
def dropout_mask_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """The template's `DropoutLayer` must drop a fraction `ratio` and keep the expectation.

    By Monte Carlo on a constant input: the dropped fraction must be within 5 standard errors
    of dropout_ratio (the probability the layer is asked to drop with) and the mean training
    output within 5 standard errors of the input (inverted dropout is the identity at inference).
    """
    for ratio in (0.2, 0.5, 0.7):
        layer = namespace["DropoutLayer"](ratio, rng)
        out = np.asarray(layer.forward(np.ones(_UNITS), train_flg=True), dtype=np.float64)
        if out.shape != (_UNITS,):
            raise AssertionError(f"the layer returns shape {out.shape} for {_UNITS} inputs")
        dropped = float(np.mean(out == 0))
        se = np.sqrt(ratio * (1 - ratio) / _UNITS)
        assert abs(dropped - ratio) < 5.0 * se, (
            f"dropout_ratio={ratio}: the layer drops {dropped:.4f} of the units"
        )
        mean, mean_se = float(np.mean(out)), float(np.std(out) / np.sqrt(_UNITS))
        assert abs(mean - 1.0) < 5.0 * mean_se + 1e-12, (
            f"dropout_ratio={ratio}: the mean training output is {mean:.4f} for inputs of 1"
        )


@code_probe("dropout_backward_code")
def dropout_backward_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """The template's `DropoutLayer.backward` must be the derivative of its forward pass.

    With the mask fixed (a generator with the same seed for every forward), the engine's
    numerical_gradient of sum(forward(x) * dout) is compared with backward(dout).
    """
    from eprep.engine import numerical_gradient

    for ratio in (0.3, 0.6):
        seed = int(rng.integers(2**32))
        x = rng.standard_normal((6, 5))
        dout = rng.standard_normal((6, 5))

        def loss(
            a: np.ndarray, ratio: float = ratio, seed: int = seed, dout: np.ndarray = dout
        ) -> float:
            layer = namespace["DropoutLayer"](ratio, np.random.default_rng(seed))
            return float(np.sum(layer.forward(a, train_flg=True) * dout))

        numeric = numerical_gradient(loss, x.copy())
        layer = namespace["DropoutLayer"](ratio, np.random.default_rng(seed))
        layer.forward(x, train_flg=True)
        np.testing.assert_allclose(
            layer.backward(dout),
            numeric,
            rtol=1e-7,
            atol=1e-9,
            err_msg=f"backward is not the derivative of forward (ratio {ratio})",
        )


@probe("dropout_subnetworks")
def dropout_subnetworks(variant: Params, rng: np.random.Generator, *, units: list[str]) -> Value:
    """Distinct masks the engine's Dropout (p = 0.5) draws over many training steps.

    With at most 10 droppable units (1024 masks) and 40 000 steps every mask appears with
    probability above 1 - 1024 * (1 - 1/1024)^40000, i.e. 1 - 1e-13.
    """
    n = sum(int(variant[name]) for name in units)
    assert n <= 10, "too many units to enumerate the masks"
    layer = _dropout(0.5, rng)
    steps = 40_000
    kept = np.asarray(layer.forward(np.ones((steps, n)), train_flg=True)) != 0
    return Value(len({row.tobytes() for row in kept}))


@probe("dropout_ensemble_mean")
def dropout_ensemble_mean(
    variant: Params, rng: np.random.Generator, *, weights: list[str], inputs: list[str]
) -> Value:
    """Mean of w . (ClassicDropout training output) over many steps: the sub-networks' average.

    Each step draws one sub-network with its probability, so the sample mean estimates the
    probability-weighted ensemble (5 standard errors). The layer's inference output, w . (test
    output), must agree with it: that is the weight-scaling rule the question is about.
    """
    from eprep.engine import ClassicDropout

    w = np.array([float(variant[name]) for name in weights])
    x = np.array([float(variant[name]) for name in inputs])
    layer = ClassicDropout(float(variant["p"]), rng=rng)
    outputs = np.asarray(layer.forward(np.tile(x, (_UNITS, 1)), train_flg=True)) @ w
    measured = _mc_mean(outputs)
    inference = float(np.asarray(layer.forward(x[None, :], train_flg=False))[0] @ w)
    assert abs(inference - measured.value) <= measured.abs_tol, (
        f"the inference output {inference:.6g} is not the ensemble mean {measured.value:.6g}"
    )
    return measured
