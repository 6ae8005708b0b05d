"""Probes for the architecture questions (VGG, GoogLeNet, ResNet, AlexNet's LRN), measured on
engine layers: receptive fields by backpropagating a one-hot gradient, parameters as scalars
with a non-zero gradient, multiply-adds as the sum of an all-ones backward pass through
all-ones weights, gradients by central differences of the forward pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _int, _lookup, trained_scalars
from eprep.checker.probes.conv_family import products
from eprep.engine import (
    Affine,
    BatchNormalization,
    Convolution,
    LocalResponseNormalization,
    PointwiseConvolution,
    Residual,
    Tanh,
    numerical_gradient,
    relative_error,
)


def _weights_counted(layer: Any, x: np.ndarray, rng: np.random.Generator) -> int:
    out = layer.forward(x)
    layer.backward_params(rng.standard_normal(out.shape))
    return trained_scalars(layer.dW)


def _stack_field(depth: int, size: int, rng: np.random.Generator) -> int:
    """Width of the input region one centre output of `depth` stride-1 engine convs reads."""
    layers = [
        Convolution(rng.uniform(0.5, 1.5, (1, 1, size, size)), np.zeros(1)) for _ in range(depth)
    ]
    out = np.ones((1, 1, depth * size + 5, depth * size + 5))
    for layer in layers:
        out = layer.forward(out)
    dout = np.zeros_like(out)
    dout[0, 0, out.shape[2] // 2, out.shape[3] // 2] = 1.0
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return int(np.count_nonzero(np.any(dout[0, 0] != 0, axis=0)))


@probe("vgg_stack_saving")
def vgg_stack_saving(variant: Params, rng: np.random.Generator) -> Value:
    """Measure the stack's receptive field, then count the weights of one conv of that size and
    of the n 3x3 layers (C -> C), each by backpropagation."""
    n, c = _int(variant, "n"), _int(variant, "C")
    field = _stack_field(n, 3, rng)
    x = rng.standard_normal((1, c, field + 1, field + 1))
    single = _weights_counted(
        Convolution(rng.standard_normal((c, c, field, field)), np.zeros(c)), x, rng
    )
    small = rng.standard_normal((1, c, 4, 4))
    stack = sum(
        _weights_counted(Convolution(rng.standard_normal((c, c, 3, 3)), np.zeros(c)), small, rng)
        for _ in range(n)
    )
    return Value(single - stack)


@probe("inception_bottleneck_params")
def inception_bottleneck_params(variant: Params, rng: np.random.Generator) -> Value:
    """Weights of an engine 1x1 (Cin -> B) then K x K (B -> Cout) convolution, by backprop."""
    cin, b, cout, k = (_int(variant, name) for name in ("Cin", "B", "Cout", "K"))
    x = rng.standard_normal((1, cin, k + 1, k + 1))
    reduce = PointwiseConvolution(rng.standard_normal((b, cin)), np.zeros(b))
    mid = reduce.forward(x)
    reduce.backward(rng.standard_normal(mid.shape))
    conv = Convolution(rng.standard_normal((cout, b, k, k)), np.zeros(cout))
    return Value(trained_scalars(reduce.dW) + _weights_counted(conv, mid, rng))


@probe("inception_cost_ratio")
def inception_cost_ratio(variant: Params, rng: np.random.Generator) -> Value:
    """Products of an engine K x K conv (Cin -> Cout) over those of 1x1 (Cin -> B) + K x K."""
    cin, b, cout, k, h = (_int(variant, name) for name in ("Cin", "B", "Cout", "K", "H"))
    pad = (k - 1) // 2
    x = np.ones((1, cin, h, h))
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    direct = products(Convolution(np.ones((cout, cin, k, k)), np.zeros(cout)), padded)
    reduce = PointwiseConvolution(np.ones((b, cin)), np.zeros(b))
    path = products(reduce, x)
    mid = np.pad(reduce.forward(x), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    path += products(Convolution(np.ones((cout, b, k, k)), np.zeros(cout)), mid)
    return Value(direct / path)


@probe("residual_gradient")
def residual_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference of L stacked engine Residual(Affine) blocks, F(x) = a x."""
    a, depth = float(variant["a"]), _int(variant, "L")
    blocks = [Residual(Affine(np.array([[a]]), np.zeros(1))) for _ in range(depth)]

    def output(x: np.ndarray) -> float:
        for block in blocks:
            x = block.forward(x)
        return float(x[0, 0])

    x = rng.uniform(-1, 1, (1, 1))
    return Value(float(numerical_gradient(output, x)[0, 0]), rel_tol=1e-6, abs_tol=1e-9)


@probe("projection_shortcut_params")
def projection_shortcut_params(variant: Params, rng: np.random.Generator) -> Value:
    """Scalars with a gradient in an engine 1x1 stride-2 Convolution (weights; no bias is
    used) followed by an engine BatchNormalization: its running statistics get none."""
    cin, cout = _int(variant, "Cin"), _int(variant, "Cout")
    conv = Convolution(rng.standard_normal((cout, cin, 1, 1)), np.zeros(cout), stride=2)
    norm = BatchNormalization(np.ones(cout), np.zeros(cout))
    x = rng.standard_normal((4, cin, 6, 6))
    out = norm.forward(conv.forward(x))
    conv.backward(norm.backward(rng.standard_normal(out.shape)))
    return Value(trained_scalars(conv.dW, norm.dgamma, norm.dbeta))


@probe("lrn_value")
def lrn_value(variant: Params, rng: np.random.Generator, *, channel: int = 3, n: int = 3) -> Value:
    """Channel `channel` (1-based) of an engine LRN over the variant's five activations."""
    a = np.array([float(variant[f"a{j}"]) for j in range(1, 6)]).reshape(1, 5, 1, 1)
    layer = LocalResponseNormalization(
        n=n, k=float(variant["k"]), alpha=float(variant["alpha"]), beta=float(variant["beta"])
    )
    return Value(float(layer.forward(a)[0, channel - 1, 0, 0]))


def _residual_case(cls: Any, rows: int, width: int, rng: np.random.Generator) -> None:
    w1, w2 = rng.standard_normal((width, width)), rng.standard_normal((width, width))
    b1, b2 = rng.standard_normal(width), rng.standard_normal(width)

    def layers() -> list[Any]:
        return [Affine(w1.copy(), b1.copy()), Tanh(), Affine(w2.copy(), b2.copy())]

    x = rng.standard_normal((rows, width))
    mine = cls(layers())
    expected = Residual(layers()).forward(x)
    _compare("ResidualBlock.forward", (rows, width), mine.forward(x.copy()), expected)
    r = rng.standard_normal((rows, width))
    mine.forward(x.copy())
    analytic = np.asarray(mine.backward(r.copy()))
    fresh = cls(layers())
    numeric = numerical_gradient(lambda v: float(np.sum(fresh.forward(v) * r)), x.copy())
    if analytic.shape != numeric.shape or relative_error(analytic, numeric) > 1e-6:
        raise AssertionError(
            f"ResidualBlock.backward differs from central differences of its forward "
            f"(shape {analytic.shape}, case {(rows, width)})"
        )


@code_probe("residual_matches_engine")
def residual_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's ResidualBlock must give the engine Residual's forward, and a backward
    that matches central differences of its own forward."""
    cls = _lookup(namespace, "ResidualBlock")
    for rows, width in ((2, 3), (3, 4)):
        _residual_case(cls, rows, width, rng)


@probe("bottleneck_block_params")
def bottleneck_block_params(variant: Params, rng: np.random.Generator) -> Value:
    """Weights with a gradient in engine 1x1 (C -> B), 3x3 (B -> B, pad 1), 1x1 (B -> C) layers."""
    c, b = _int(variant, "C"), _int(variant, "B")
    x = rng.standard_normal((2, c, 4, 4))
    reduce = PointwiseConvolution(rng.standard_normal((b, c)), np.zeros(b))
    middle = Convolution(rng.standard_normal((b, b, 3, 3)), np.zeros(b), pad=1)
    expand = PointwiseConvolution(rng.standard_normal((c, b)), np.zeros(c))
    layers: list[PointwiseConvolution | Convolution] = [reduce, middle, expand]
    out = x
    for layer in layers:
        out = layer.forward(out)
    dout = rng.standard_normal(out.shape)
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return Value(trained_scalars(*(layer.dW for layer in layers)))
