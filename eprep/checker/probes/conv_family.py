"""Probes for the convolution-family questions, measured on the engine's layers.

Parameters are the scalars a backward pass gives a non-zero gradient; multiply-adds are counted
by a backward pass too: with every weight 1 and no bias, a layer's input gradient for an
all-ones upstream gradient adds 1 for each product w * x, so its sum is the number of products
(the input is padded explicitly so that products with padding are counted as well). Sizes are
the shapes of real outputs; receptive fields the extent of the inputs a one-hot gradient reaches;
gradients central differences of the forward pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _int, _lookup, trained_scalars
from eprep.engine import (
    Affine,
    Conv1D,
    Convolution,
    DepthwiseConvolution,
    GlobalAveragePooling,
    PointwiseConvolution,
    TransposedConvolution,
    numerical_gradient,
)


def _backprop_count(layer: Any, x: np.ndarray, rng: np.random.Generator, grads=("dW", "db")) -> int:
    out = layer.forward(x)
    layer.backward(rng.standard_normal(out.shape))
    return trained_scalars(*(getattr(layer, g) for g in grads))


def products(layer: Any, x: np.ndarray) -> int:
    """Multiply-adds per sample of a layer whose weights are all 1 and biases 0, by backward."""
    out = layer.forward(x)
    return round(float(np.sum(layer.backward(np.ones_like(out))))) // x.shape[0]


@probe("pointwise_params")
def pointwise_params(variant: Params, rng: np.random.Generator) -> Value:
    """Parameters of an engine PointwiseConvolution C -> FN on the variant's input."""
    c, fn, h = _int(variant, "C"), _int(variant, "FN"), _int(variant, "H")
    layer = PointwiseConvolution(rng.standard_normal((fn, c)), rng.standard_normal(fn))
    return Value(_backprop_count(layer, rng.standard_normal((2, c, h, h)), rng))


@probe("pointwise_mixing")
def pointwise_mixing(variant: Params, rng: np.random.Generator) -> OptionId:
    """Perturb one input value of a 1x1 convolution and see which outputs move."""
    layer = PointwiseConvolution(rng.standard_normal((4, 3)), rng.standard_normal(4))
    x = rng.standard_normal((1, 3, 5, 5))
    base = layer.forward(x.copy())
    x[0, 1, 2, 2] += 1.0
    moved = np.abs(layer.forward(x) - base) > 1e-12
    channels = int(np.count_nonzero(moved.any(axis=(2, 3))))
    pixels = int(np.count_nonzero(moved.any(axis=1)))
    if channels > 1 and pixels == 1:
        return OptionId("channels")
    if channels == 1 and pixels > 1:
        return OptionId("space")
    if channels > 1 and pixels > 1:
        return OptionId("both")
    return OptionId("scale")


@probe("gap_head_saving")
def gap_head_saving(variant: Params, rng: np.random.Generator) -> Value:
    """Parameters of Affine on the flattened C x H x H map minus Affine after engine GAP."""
    c, h, k = _int(variant, "C"), _int(variant, "H"), _int(variant, "K")
    maps = rng.standard_normal((2, c, h, h))
    flat = Affine(np.zeros((c * h * h, k)), np.zeros(k))  # gradients do not depend on W
    pooled = GlobalAveragePooling().forward(maps)
    head = Affine(np.zeros((pooled.shape[1], k)), np.zeros(k))
    return Value(_backprop_count(flat, maps, rng) - _backprop_count(head, pooled, rng))


@probe("gap_pixel_gradient")
def gap_pixel_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference of g * (engine GAP output) with respect to one pixel."""
    h, w, g = _int(variant, "H"), _int(variant, "IW"), float(variant["g"])
    layer = GlobalAveragePooling()
    x = rng.standard_normal((1, 1, h, w))
    grad = numerical_gradient(lambda _: g * float(layer.forward(x)[0, 0]), x)
    return Value(float(grad.ravel()[h * w // 2]), rel_tol=1e-6, abs_tol=1e-9)


@probe("separable_params")
def separable_params(variant: Params, rng: np.random.Generator) -> Value:
    """Weights of engine depthwise (C, k x k) then pointwise (C -> N) layers (biases unused)."""
    c, n, k = _int(variant, "C"), _int(variant, "N"), _int(variant, "k")
    depthwise = DepthwiseConvolution(rng.standard_normal((c, 1, k, k)), np.zeros(c), pad=1)
    pointwise = PointwiseConvolution(rng.standard_normal((n, c)), np.zeros(n))
    x = rng.standard_normal((2, c, k + 1, k + 1))
    mid = depthwise.forward(x)
    counted = _backprop_count(depthwise, x, rng, ("dW",))
    return Value(counted + _backprop_count(pointwise, mid, rng, ("dW",)))


@probe("separable_cost_ratio")
def separable_cost_ratio(variant: Params, rng: np.random.Generator) -> Value:
    """Products of engine depthwise + pointwise layers over those of a standard Convolution."""
    c, n, k, h = _int(variant, "C"), _int(variant, "N"), _int(variant, "k"), _int(variant, "H")
    pad = (k - 1) // 2
    x = np.pad(np.ones((1, c, h, h)), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    standard = products(Convolution(np.ones((n, c, k, k)), np.zeros(n)), x)
    depthwise = DepthwiseConvolution(np.ones((c, 1, k, k)), np.zeros(c))
    separable = products(depthwise, x)
    separable += products(PointwiseConvolution(np.ones((n, c)), np.zeros(n)), depthwise.forward(x))
    return Value(separable / standard)


@probe("conv_mult_adds")
def conv_mult_adds(variant: Params, rng: np.random.Generator) -> Value:
    """Products of an engine Convolution (all-ones weights) on the explicitly padded input."""
    c, fn, f, h = _int(variant, "C"), _int(variant, "FN"), _int(variant, "F"), _int(variant, "H")
    pad, stride = _int(variant, "P", 0), _int(variant, "S", 1)
    x = np.pad(np.ones((1, c, h, h)), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return Value(products(Convolution(np.ones((fn, c, f, f)), np.zeros(fn), stride=stride), x))


@probe("dilated_output")
def dilated_output(variant: Params, rng: np.random.Generator) -> Value:
    """Output length of an engine Conv1D with the variant's kernel, dilation, padding, stride."""
    length, k = _int(variant, "L"), _int(variant, "K")
    layer = Conv1D(
        rng.standard_normal((2, 3, k)),
        np.zeros(2),
        stride=_int(variant, "S", 1),
        pad=_int(variant, "P", 0),
        dilation=_int(variant, "d"),
    )
    return Value(layer.forward(rng.standard_normal((1, 3, length))).shape[2])


@probe("dilated_stack_field")
def dilated_stack_field(variant: Params, rng: np.random.Generator) -> Value:
    """Extent of the inputs a one-hot gradient at the last output of B x L causal layers reaches.

    The layers are engine causal Conv1Ds with dilations 1, 2, ..., 2^(L-1), repeated B times, and
    positive weights (nothing cancels).
    """
    k, depth, blocks = _int(variant, "K"), _int(variant, "L"), _int(variant, "B")
    layers = [
        Conv1D(rng.uniform(0.5, 1.5, (1, 1, k)), np.zeros(1), dilation=2**i, causal=True)
        for _ in range(blocks)
        for i in range(depth)
    ]
    length = blocks * k * 2**depth + 8  # longer than any receptive field of this stack
    out = np.ones((1, 1, length))
    for layer in layers:
        out = layer.forward(out)
    dout = np.zeros_like(out)
    dout[0, 0, -1] = 1.0
    for layer in reversed(layers):
        dout = layer.backward(dout)
    reached = np.flatnonzero(dout[0, 0])
    return Value(int(reached[-1] - reached[0] + 1))


@probe("causal_padding")
def causal_padding(variant: Params, rng: np.random.Generator) -> Value:
    """Left zeros z = 0, 1, ... before an engine Conv1D (no padding of its own) until the
    output is as long as the input."""
    length, k, d = _int(variant, "L"), _int(variant, "K"), _int(variant, "d")
    layer = Conv1D(rng.standard_normal((1, 1, k)), np.zeros(1), dilation=d)
    x = rng.standard_normal((1, 1, length))
    for z in range(d * k + length):
        if length + z < d * (k - 1) + 1:
            continue
        if layer.forward(np.pad(x, ((0, 0), (0, 0), (z, 0)))).shape[2] == length:
            return Value(z)
    raise AssertionError(f"no left padding keeps length {length}")


@probe("transposed_output")
def transposed_output(variant: Params, rng: np.random.Generator) -> Value:
    """Output height of an engine TransposedConvolution."""
    h, f = _int(variant, "H"), _int(variant, "F")
    layer = TransposedConvolution(
        rng.standard_normal((2, 3, f, f)),
        np.zeros(3),
        stride=_int(variant, "S"),
        pad=_int(variant, "P"),
    )
    return Value(layer.forward(rng.standard_normal((1, 2, h, h))).shape[2])


# ---------------------------------------------------------------- code probes

# (N, C, H, W, FH, FW, stride, pad): N, C > 1 and H != W so mixed axes cannot pass.
_DEPTHWISE_CASES = ((2, 3, 6, 5, 3, 3, 1, 1), (3, 2, 7, 6, 3, 2, 2, 0), (2, 4, 5, 5, 2, 2, 1, 0))


@code_probe("depthwise_matches_engine")
def depthwise_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's DepthwiseConvolution.forward must equal the engine's."""
    cls = _lookup(namespace, "DepthwiseConvolution")
    for case in _DEPTHWISE_CASES:
        n, c, h, w, fh, fw, stride, pad = case
        weights, bias = rng.standard_normal((c, 1, fh, fw)), rng.standard_normal(c)
        x = rng.standard_normal((n, c, h, w))
        expected = DepthwiseConvolution(weights, bias, stride, pad).forward(x)
        mine = cls(weights.copy(), bias.copy(), stride, pad).forward(x.copy())
        _compare("DepthwiseConvolution.forward", case, mine, expected)


@code_probe("causal_conv_matches_engine")
def causal_conv_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's causal_conv1d must equal an engine causal Conv1D (one channel)."""
    fn = _lookup(namespace, "causal_conv1d")
    for n, length, k, d in ((2, 11, 3, 2), (3, 9, 2, 4), (2, 7, 3, 1)):
        x, w = rng.standard_normal((n, length)), rng.standard_normal(k)
        expected = Conv1D(w.reshape(1, 1, k), np.zeros(1), dilation=d, causal=True)
        want = expected.forward(x.reshape(n, 1, length))[:, 0]
        _compare("causal_conv1d", (n, length, k, d), fn(x.copy(), w.copy(), d), want)


@probe("transposed_exact_padding")
def transposed_exact_padding(variant: Params, rng: np.random.Generator) -> Value:
    """Paddings 0, 1, ... of an engine TransposedConvolution until the output is S times H."""
    h, f, s = _int(variant, "H"), _int(variant, "F"), _int(variant, "S")
    x = rng.standard_normal((1, 2, h, h))
    for pad in range(f):
        layer = TransposedConvolution(rng.standard_normal((2, 1, f, f)), np.zeros(1), s, pad)
        if layer.forward(x).shape[2] == s * h:
            return Value(pad)
    raise AssertionError(f"no padding makes a {f}x{f}, stride-{s} transposed conv upsample {h}")
