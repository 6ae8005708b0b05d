"""Probes for day2 dropout: scaling conventions, expectations by Monte Carlo, the randn erratum.

Monte-Carlo probes run the engine's `Dropout` on many units and set their tolerance to 5 standard
errors of the estimate they return.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import OptionId, Value, Variant, code_probe, probe

_UNITS = 200_000  # Monte-Carlo sample size: standard error about 0.001 for a fraction


def _dropout(ratio: float, rng: np.random.Generator):
    from eprep.engine import Dropout

    return Dropout(float(ratio), rng=rng)


def _mc_mean(samples: np.ndarray) -> Value:
    """The sample mean, with a tolerance of 5 standard errors."""
    se = float(np.std(samples) / np.sqrt(samples.size))
    return Value(float(np.mean(samples)), rel_tol=0.0, abs_tol=5.0 * se + 1e-12)


@probe("dropout_kept_scale")
def dropout_kept_scale(variant: Variant, rng: np.random.Generator) -> Value:
    """The factor the engine's (inverted) Dropout multiplies a kept unit by in training."""
    out = _dropout(variant["p"], rng).forward(np.ones(1000), train_flg=True)
    kept = out[out != 0]
    assert kept.size and np.all(kept == kept[0]), "kept units are not scaled by one common factor"
    return Value(float(kept[0]))


@probe("dropout_keep_fraction")
def dropout_keep_fraction(variant: Variant, rng: np.random.Generator) -> Value:
    """Fraction of units the engine's Dropout keeps in training (Monte Carlo)."""
    out = _dropout(variant["p"], rng).forward(np.ones(_UNITS), train_flg=True)
    return _mc_mean((out != 0).astype(np.float64))


@probe("dropout_output_mean")
def dropout_output_mean(variant: Variant, rng: np.random.Generator) -> Value:
    """Mean training output of the engine's Dropout for a constant input x (Monte Carlo)."""
    out = _dropout(variant["p"], rng).forward(np.full(_UNITS, float(variant["x"])), train_flg=True)
    return _mc_mean(out)


@probe("dropout_output_variance")
def dropout_output_variance(variant: Variant, rng: np.random.Generator) -> Value:
    """Variance of the training output of the engine's Dropout for a constant input x.

    The standard error of a sample variance is estimated as std((y - mean)^2) / sqrt(M).
    """
    out = _dropout(variant["p"], rng).forward(np.full(_UNITS, float(variant["x"])), train_flg=True)
    sq = (out - np.mean(out)) ** 2
    se = float(np.std(sq) / np.sqrt(sq.size))
    return Value(float(np.mean(sq)), rel_tol=0.0, abs_tol=5.0 * se + 1e-12)


@probe("dropout_ratio_meaning")
def dropout_ratio_meaning(variant: Variant, rng: np.random.Generator) -> OptionId:
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
def dropout_inference(variant: Variant, rng: np.random.Generator) -> OptionId:
    """What the engine's Dropout does with train_flg=False."""
    p = float(variant["p"])
    x = rng.standard_normal(50)
    out = _dropout(p, rng).forward(x, train_flg=False)
    for option, expected in (
        ("identity", x),
        ("scale-down", x * (1 - p)),
        ("scale-up", x / (1 - p)),
    ):
        if np.array_equal(out, expected) or np.allclose(out, expected, rtol=1e-12, atol=0):
            return OptionId(option)
    return OptionId("random-mask")


class _NormalDraws:
    """Stands in for a Generator whose `random` returns standard-normal draws (the erratum)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng

    def random(self, size: object = None) -> np.ndarray:
        return self._rng.standard_normal(size)


@probe("randn_drop_fraction")
def randn_drop_fraction(variant: Variant, rng: np.random.Generator) -> Value:
    """Fraction of units actually dropped when the mask is drawn with randn instead of rand.

    The engine's Dropout is run with a generator whose uniform draws were replaced by
    standard-normal ones, i.e. `mask = randn(...) > ratio`; the dropped fraction is measured.
    """
    from eprep.engine import Dropout

    layer = Dropout(float(variant["p"]), rng=_NormalDraws(rng))
    out = layer.forward(np.ones(_UNITS), train_flg=True)
    return _mc_mean((out == 0).astype(np.float64))


def _drop_rate(layer: object, units: int) -> float:
    out = np.asarray(layer.forward(np.ones(units), train_flg=True))
    return float(np.mean(out == 0))


@code_probe("dropout_mask_code")
def dropout_mask_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """The template's `DropoutLayer` must drop and scale units like the engine's Dropout.

    Drop rates are compared by Monte Carlo: |template - engine| < 5 standard errors of the
    difference.
    """
    for ratio in (0.2, 0.5, 0.7):
        mine = namespace["DropoutLayer"](ratio, rng)
        engine_rate = _drop_rate(_dropout(ratio, rng), _UNITS)
        my_rate = _drop_rate(mine, _UNITS)
        se = np.sqrt(2.0 * ratio * (1 - ratio) / _UNITS)
        assert abs(my_rate - engine_rate) < 5.0 * se, (
            f"dropout_ratio={ratio}: the layer drops {my_rate:.4f} of the units, "
            f"the engine's Dropout {engine_rate:.4f}"
        )
        out = np.asarray(mine.forward(np.ones(1000), train_flg=True))
        kept = out[out != 0]
        np.testing.assert_allclose(kept, 1.0 / (1.0 - ratio), rtol=1e-12)


@code_probe("dropout_backward_code")
def dropout_backward_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """The template's `DropoutLayer.backward` must equal the engine's for the same mask.

    Both layers draw their mask from generators with the same seed, so their forward passes
    coincide; then their backward passes must too.
    """
    from eprep.engine import Dropout

    for ratio in (0.3, 0.6):
        seed = int(rng.integers(2**32))
        x = rng.standard_normal((6, 5))
        dout = rng.standard_normal((6, 5))
        mine = namespace["DropoutLayer"](ratio, np.random.default_rng(seed))
        ref = Dropout(ratio, rng=np.random.default_rng(seed))
        np.testing.assert_allclose(mine.forward(x, train_flg=True), ref.forward(x, train_flg=True))
        np.testing.assert_allclose(
            mine.backward(dout),
            ref.backward(dout),
            rtol=1e-12,
            atol=0,
            err_msg=f"backward differs from the engine's Dropout (ratio {ratio})",
        )
