"""Probes for the lightweight-model questions, measured with `eprep.engine.lightweight`.

Soft targets are read from the engine's temperature softmax; gradients are central differences
of the engine's DistillationLoss; zero points and codes are the integers the engine's quantisers
give the real 0 and the weight in question; code templates are compared with the engine's
pruning, distillation loss and backward, and quantiser on random inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _lookup
from eprep.engine import numerical_gradient
from eprep.engine.lightweight import (
    DistillationLoss,
    dequantize,
    magnitude_prune,
    quantize_affine,
    quantize_symmetric,
    softmax_with_temperature,
)


def _f(variant: Params, name: str) -> float:
    return float(variant[name])


@probe("softmax_temperature")
def softmax_temperature(variant: Params, rng: np.random.Generator) -> Value:
    """Class 1's probability from the engine's softmax_with_temperature."""
    z = np.array([_f(variant, "z1"), _f(variant, "z2"), _f(variant, "z3")])
    return Value(float(softmax_with_temperature(z, _f(variant, "T"))[0]))


@probe("distillation_soft_gradient")
def distillation_soft_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference in z_s1 of the engine's distillation loss with alpha = 1 (soft only)."""
    zs = np.array([[_f(variant, "s1"), _f(variant, "s2")]])
    zt = np.array([[_f(variant, "t1"), _f(variant, "t2")]])
    loss = DistillationLoss(T=_f(variant, "T"), alpha=1.0)
    grad = numerical_gradient(lambda _: loss.forward(zs, zt, np.array([0])), zs)
    return Value(float(grad[0, 0]), rel_tol=1e-6, abs_tol=1e-8)


@probe("zero_point")
def zero_point(variant: Params, rng: np.random.Generator) -> Value:
    """The code the engine's affine quantiser gives the real 0 among weights in [-a, b]."""
    a, b = _f(variant, "a"), _f(variant, "b")
    weights = np.concatenate([[-a, b, 0.0], rng.uniform(-a, b, 13)])
    q, _, _ = quantize_affine(weights)
    return Value(int(q[2]), abs_tol=1e-9)


@probe("symmetric_quantise")
def symmetric_quantise(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's symmetric int8 code of w in a matrix whose largest |w| is m."""
    m, w = _f(variant, "m"), _f(variant, "w")
    weights = np.concatenate([[w, -m], rng.uniform(-m, m, 14) * 0.99])
    q, _ = quantize_symmetric(weights)
    return Value(int(q[0]), abs_tol=1e-9)


@code_probe("prune_matches_engine")
def prune_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's magnitude_prune must equal the engine's on signed random matrices."""
    fn = _lookup(namespace, "magnitude_prune")
    for shape, sparsity in (((3, 4), 0.25), ((4, 5), 0.5), ((2, 6), 0.75)):
        W = rng.standard_normal(shape)
        expected, _ = magnitude_prune(W, sparsity)
        _compare("magnitude_prune", (*shape, sparsity), fn(W.copy(), sparsity), expected)


@code_probe("distillation_matches_engine")
def distillation_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's distill must give the engine DistillationLoss's value and backward."""
    fn = _lookup(namespace, "distill")
    for n, k, T, alpha in ((3, 4, 2.0, 0.5), (2, 5, 4.0, 0.8)):
        zs, zt = rng.standard_normal((n, k)), 2 * rng.standard_normal((n, k))
        labels = rng.integers(0, k, size=n)
        engine = DistillationLoss(T, alpha)
        want = engine.forward(zs, zt, labels)
        loss, dzs = fn(zs.copy(), zt.copy(), labels.copy(), T, alpha)
        _compare("the loss", (n, k), np.asarray(float(loss)), np.asarray(want))
        _compare("the gradient", (n, k), dzs, engine.backward())


@code_probe("quantize_matches_engine")
def quantize_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """quantize must give the engine's codes, scale and zero point; dequantize its values."""
    quantize, back = _lookup(namespace, "quantize"), _lookup(namespace, "dequantize")
    for lo, hi in ((-1.3, 2.1), (-0.4, 0.9), (-2.0, -0.5)):
        W = rng.uniform(lo, hi, size=(4, 5))
        q, scale, zero = quantize(W.copy())
        want_q, want_scale, want_zero = quantize_affine(W)
        _compare("q", (lo, hi), np.asarray(q), want_q)
        _compare(
            "scale, zero point",
            (lo, hi),
            np.array([scale, zero]),
            np.array([want_scale, want_zero]),
        )
        want_back = dequantize(want_q, want_scale, want_zero)
        _compare("dequantize", (lo, hi), back(np.asarray(q), scale, zero), want_back)
