"""Probes for day4's applied CNN models, measured on engine layers.

Multiply-adds are counted by a backward pass (`conv_family.products`: all-ones weights, the sum
of the input gradient of an all-ones upstream gradient is the number of products w * x, the
input padded explicitly so that products with padding count); parameters are the scalars a
backward pass gives a non-zero gradient; a dense block's width is the channel count of its real
output; a Jacobian entry is a central difference of the engine's forward pass; a normalisation's
statistics are recovered from its outputs (two values of one shared set give sigma and mu);
sequence lengths are the lengths of real token arrays.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _int, _lookup, trained_scalars
from eprep.checker.probes.conv_family import products
from eprep.engine import (
    Affine,
    BatchNormalization,
    Convolution,
    DepthwiseConvolution,
    InstanceNorm,
    LayerNorm,
    PointwiseConvolution,
    Relu,
    Residual,
    numerical_gradient,
)
from eprep.engine.densenet import (
    DenseBlock,
    Transition,
    dense_layer,
    transition_channels,
)


def one_blas_thread(fn: Callable[..., Value]) -> Callable[..., Value]:
    """Run a probe with one BLAS thread: its many small matrix products cost several times
    more when every verify worker's BLAS spins up threads on the same few cores."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Value:
        with threadpool_limits(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return wrapper


def _pad(x: np.ndarray, pad: int) -> np.ndarray:
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def _separable_products(channels: int, outputs: int, size: int, stride: int) -> int:
    """Products of an engine 3x3 depthwise (padding 1, stride) and 1x1 pointwise pair."""
    x = _pad(np.ones((1, channels, size, size)), 1)
    depthwise = DepthwiseConvolution(np.ones((channels, 1, 3, 3)), np.zeros(channels), stride)
    pointwise = PointwiseConvolution(np.ones((outputs, channels)), np.zeros(outputs))
    return products(depthwise, x) + products(pointwise, depthwise.forward(x))


@probe("mobilenet_strided_mult_adds")
@one_blas_thread
def mobilenet_strided_mult_adds(variant: Params, rng: np.random.Generator) -> Value:
    """Products of the engine's stride-2 depthwise 3x3 then pointwise C -> N."""
    c, n, h = _int(variant, "C"), _int(variant, "N"), _int(variant, "H")
    return Value(_separable_products(c, n, h, stride=2))


@probe("mobilenet_multiplier_mult_adds")
@one_blas_thread
def mobilenet_multiplier_mult_adds(variant: Params, rng: np.random.Generator) -> Value:
    """Products of the engine's depthwise + pointwise pair built at the thinned, smaller size."""
    alpha, rho = float(variant["alpha"]), float(variant["rho"])
    m, n, d = (
        round(alpha * _int(variant, "M")),
        round(alpha * _int(variant, "N")),
        round(rho * _int(variant, "D")),
    )
    return Value(_separable_products(m, n, d, stride=1))


def _growth_block(k0: int, k: int, layers: int, rng: np.random.Generator) -> DenseBlock:
    """An engine DenseBlock whose H_l are 1x1 convolutions emitting k channels (cheap to run;
    the concatenation is the block's, whatever H_l computes)."""
    return DenseBlock(
        [
            PointwiseConvolution(rng.standard_normal((k, k0 + i * k)), np.zeros(k))
            for i in range(layers)
        ]
    )


@probe("densenet_transition_channels")
def densenet_transition_channels(variant: Params, rng: np.random.Generator) -> Value:
    """Channels of an engine Transition after an engine dense block (width read off the block's
    output, the transition sized by the engine's compression rule and run)."""
    k0 = _int(variant, "k0")
    block = _growth_block(k0, _int(variant, "k"), _int(variant, "L"), rng)
    width = block.forward(rng.standard_normal((1, k0, 2, 2))).shape[1]
    kept = transition_channels(width, float(variant["theta"]))
    layer = Transition(rng.standard_normal((kept, width)), np.zeros(kept))
    return Value(layer.forward(rng.standard_normal((1, width, 2, 2))).shape[1])


@probe("densenet_bottleneck_params")
@one_blas_thread
def densenet_bottleneck_params(variant: Params, rng: np.random.Generator) -> Value:
    """Convolution weights with a gradient in layer l of an engine DenseNet-B block (4k wide):
    the l - 1 layers before it are cheap 1x1 layers, layer l the engine's BN-ReLU-Conv(1x1)-
    BN-ReLU-Conv(3x3), built for the width the block hands it."""
    k0, k, layer = _int(variant, "k0"), _int(variant, "k"), _int(variant, "l")
    x = rng.standard_normal((2, k0, 2, 2))
    reads = _growth_block(k0, k, layer - 1, rng).forward(x)
    last = dense_layer(reads.shape[1], k, rng, bottleneck=4 * k)
    for inner in last:
        if isinstance(inner, BatchNormalization):
            inner.beta = np.full_like(inner.beta, 5.0)  # every ReLU passes: no dead taps
    block = DenseBlock([last])
    out = block.forward(reads)
    block.backward(rng.standard_normal(out.shape))
    convs = [inner for inner in last if isinstance(inner, Convolution)]
    return Value(trained_scalars(*(conv.dW for conv in convs)))


@probe("resnet_projection_block_params")
@one_blas_thread
def resnet_projection_block_params(variant: Params, rng: np.random.Generator) -> Value:
    """Weights with a gradient in an engine bottleneck (1x1, 3x3, 1x1 to 4B) plus a 1x1
    projection shortcut, the two paths added as in y = F(x) + W_s x."""
    cin, b = _int(variant, "Cin"), _int(variant, "B")
    x = rng.standard_normal((1, cin, 2, 2))
    path: list[PointwiseConvolution | Convolution] = [
        PointwiseConvolution(rng.standard_normal((b, cin)), np.zeros(b)),
        Convolution(rng.standard_normal((b, b, 3, 3)), np.zeros(b), pad=1),
        PointwiseConvolution(rng.standard_normal((4 * b, b)), np.zeros(4 * b)),
    ]
    shortcut = PointwiseConvolution(rng.standard_normal((4 * b, cin)), np.zeros(4 * b))
    out = x
    for layer in path:
        out = layer.forward(out)
    out = out + shortcut.forward(x)
    dout = rng.standard_normal(out.shape)
    shortcut.backward(dout)
    for layer in reversed(path):
        dout = layer.backward(dout)
    return Value(trained_scalars(*(layer.dW for layer in [*path, shortcut])))


@probe("residual_jacobian_entry")
def residual_jacobian_entry(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference of y_1 for an engine Residual([Affine, Relu, Affine]) at x."""
    v = {name: float(variant[name]) for name in ("a", "b", "c", "d", "p", "q", "x1", "x2")}
    w1 = np.array([[v["a"], v["b"]], [v["c"], v["d"]]])
    w2 = np.array([[v["p"], v["q"]], rng.uniform(-2, 2, 2)])  # row 2 does not reach y_1
    # Affine computes x @ W (row vectors): W1 x as a column is x @ W1.T.
    block = Residual([Affine(w1.T.copy(), np.zeros(2)), Relu(), Affine(w2.T.copy(), np.zeros(2))])
    x = np.array([[v["x1"], v["x2"]]])
    grad = numerical_gradient(lambda z: float(block.forward(z)[0, 0]), x)
    return Value(float(grad[0, 0]), rel_tol=1e-6, abs_tol=1e-7)


# ---------------------------------------------------------------- normalisation axes

_LETTERS = ("a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2")  # x[n, c, 0, w], order n, c, w


def _norm_layer(scheme: str) -> Any:
    if scheme == "layer":
        return LayerNorm(np.ones((2, 1, 2)), np.zeros((2, 1, 2)))
    if scheme == "instance":
        return InstanceNorm(np.ones(2), np.zeros(2))
    return BatchNormalization(np.ones(2), np.zeros(2))


@probe("norm_axes_statistic")
def norm_axes_statistic(
    variant: Params,
    rng: np.random.Generator,
    *,
    scheme: str,
    statistic: str,
    sample: int,
    channel: int,
) -> Value:
    """The mean or variance the engine's layer used for x[sample, channel, 0, 0].

    The values sharing its statistics are those whose perturbation moves its output; two of
    them with different inputs give sigma = (x_i - x_j)/(y_i - y_j) and mu = x_i - sigma y_i.
    """
    x = np.array([float(variant[name]) for name in _LETTERS]).reshape(2, 2, 1, 2)
    layer = _norm_layer(scheme)
    target = (sample - 1, channel - 1, 0, 0)
    y = layer.forward(x.copy())
    shared = []
    for idx in np.ndindex(x.shape):
        moved = x.copy()
        moved[idx] += 0.5
        if abs(layer.forward(moved)[target] - y[target]) > 1e-9:
            shared.append(idx)
    other = next((j for j in shared if x[j] != x[target]), None)
    if other is None:
        raise AssertionError("every value of the shared set is equal: sigma is not measurable")
    sigma = (x[target] - x[other]) / (y[target] - y[other])
    mu = x[target] - sigma * y[target]
    if statistic == "mean":
        return Value(float(mu), rel_tol=1e-6, abs_tol=1e-6)
    return Value(float(sigma**2 - layer.eps), rel_tol=1e-6, abs_tol=1e-6)


# ---------------------------------------------------------------- EfficientNet, ViT


def _stack_products(depth: int, channels: int, size: int) -> int:
    """Products of `depth` engine 3x3 convolutions (C -> C, "same" padding) on size x size."""
    x = _pad(np.ones((1, channels, size, size)), 1)
    layer = Convolution(np.ones((channels, channels, 3, 3)), np.zeros(channels))
    return depth * products(layer, x)


@probe("efficientnet_flops_factor")
@one_blas_thread
def efficientnet_flops_factor(variant: Params, rng: np.random.Generator) -> Value:
    """Measure how the engine's conv-stack cost grows with depth, width and resolution (each
    doubled on its own), then apply those growth exponents to d = a^phi, w = b^phi, r = c^phi."""
    base = _stack_products(2, 2, 4)
    exponents = [
        math.log2(_stack_products(*dims) / base) for dims in ((4, 2, 4), (2, 4, 4), (2, 2, 8))
    ]
    phi = float(variant["phi"])
    factors = [float(variant[name]) ** phi for name in ("a", "b", "c")]
    return Value(math.prod(f**e for f, e in zip(factors, exponents, strict=True)), rel_tol=1e-9)


@probe("efficientnet_resolution_base")
@one_blas_thread
def efficientnet_resolution_base(variant: Params, rng: np.random.Generator) -> Value:
    """Bisect for the resolution base gamma at which one step of phi (depth a, width b,
    resolution gamma) doubles the cost, the cost's growth exponents measured as above."""
    base = _stack_products(2, 2, 4)
    exponents = [
        math.log2(_stack_products(*dims) / base) for dims in ((4, 2, 4), (2, 4, 4), (2, 2, 8))
    ]
    a, b = float(variant["a"]), float(variant["b"])

    def step(gamma: float) -> float:
        return math.prod(f**e for f, e in zip((a, b, gamma), exponents, strict=True))

    low, high = 1e-3, 10.0
    for _ in range(80):  # step() grows with gamma: halve the bracket around step = 2
        middle = (low + high) / 2
        low, high = (middle, high) if step(middle) < 2 else (low, middle)
    return Value((low + high) / 2, rel_tol=1e-9)


def _patch_embedding(h: int, patch: int, dim: int, rng: np.random.Generator):
    """An engine Convolution with a P x P kernel and stride P, run on one 3-channel image;
    returns the layer, its output maps and the tokens (1, positions, dim)."""
    conv = Convolution(
        rng.standard_normal((dim, 3, patch, patch)), rng.standard_normal(dim), stride=patch
    )
    maps = conv.forward(rng.standard_normal((1, 3, h, h)))
    return conv, maps, maps.reshape(1, dim, -1).transpose(0, 2, 1)


@probe("vit_sequence_length")
@one_blas_thread
def vit_sequence_length(variant: Params, rng: np.random.Generator) -> Value:
    """Length of [class token; patch tokens] built from the engine's patch embedding."""
    _, _, tokens = _patch_embedding(_int(variant, "H"), _int(variant, "P"), 2, rng)
    cls = rng.standard_normal((1, 1, 2))
    return Value(np.concatenate([cls, tokens], axis=1).shape[1])


@probe("vit_embedding_params")
@one_blas_thread
def vit_embedding_params(variant: Params, rng: np.random.Generator) -> Value:
    """Scalars with a gradient in z_0 = [x_class; patches E] + E_pos, through the engine conv."""
    d = _int(variant, "D")
    conv, maps, tokens = _patch_embedding(_int(variant, "H"), _int(variant, "P"), d, rng)
    cls, pos = rng.standard_normal((1, 1, d)), rng.standard_normal((tokens.shape[1] + 1, d))
    z = np.concatenate([cls, tokens], axis=1) + pos
    # The sum and the concatenation pass dz unchanged to E_pos, to x_class and to the tokens.
    dz = rng.standard_normal(z.shape)
    dpos, dcls = dz.sum(axis=0), dz[:, 0]
    conv.backward_params(dz[:, 1:].transpose(0, 2, 1).reshape(maps.shape))
    return Value(trained_scalars(conv.dW, conv.db, dcls, dpos))


# ---------------------------------------------------------------- code probes


@code_probe("mobilenet_block_matches_engine")
def mobilenet_block_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's block must run like engine depthwise-ReLU-pointwise-ReLU, and its
    mult_adds must equal the products the engine layers of its shapes perform."""
    cls = _lookup(namespace, "MobileNetBlock")
    for c, n, stride, h, w in ((3, 5, 1, 6, 5), (4, 2, 2, 7, 6), (2, 6, 2, 8, 8)):
        block = cls(c, n, stride, rng)
        x = rng.standard_normal((2, c, h, w))
        dw = DepthwiseConvolution(block.dw.W.copy(), np.zeros(c), stride, pad=1)
        pw = PointwiseConvolution(block.pw.W.copy(), np.zeros(n))
        want = np.maximum(pw.forward(np.maximum(dw.forward(x), 0)), 0)
        _compare("MobileNetBlock.forward", (c, n, stride, h, w), block.forward(x.copy()), want)
        ones = _pad(np.ones((1, c, h, w)), 1)
        depthwise = DepthwiseConvolution(np.ones(block.dw.W.shape), np.zeros(c), stride)
        pointwise = PointwiseConvolution(np.ones(block.pw.W.shape), np.zeros(n))
        counted = products(depthwise, ones) + products(pointwise, depthwise.forward(ones))
        if int(block.mult_adds(h, w)) != counted:
            raise AssertionError(
                f"mult_adds({h}, {w}) = {block.mult_adds(h, w)} for C={c}, N={n}, "
                f"stride={stride}; the layers perform {counted} multiply-adds"
            )


class _Composite:
    """Several engine layers as one H_l (the listing calls layer.forward once)."""

    def __init__(self, layers: list) -> None:
        self.layers = layers

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, train_flg)
        return x


@code_probe("dense_block_matches_engine")
def dense_block_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's block must equal an engine DenseBlock on the same layers, and its
    transition_channels the engine's compression rule."""
    cls = _lookup(namespace, "DenseBlockSketch")
    fn = _lookup(namespace, "transition_channels")
    for k0, k, depth in ((3, 2, 3), (2, 4, 2)):
        layers = [
            [PointwiseConvolution(rng.standard_normal((k, k0 + i * k)), np.zeros(k)), Relu()]
            for i in range(depth)
        ]
        x = rng.standard_normal((2, k0, 3, 3))
        want = DenseBlock(layers).forward(x)
        mine = cls([_Composite(layer) for layer in layers]).forward(x.copy())
        _compare("DenseBlockSketch.forward", (k0, k, depth), mine, want)
    for m, theta in ((10, 0.3), (24, 0.75), (15, 0.4), (7, 0.5)):
        if int(fn(m, theta)) != transition_channels(m, theta):
            raise AssertionError(
                f"transition_channels({m}, {theta}) = {fn(m, theta)}, the transition keeps "
                f"{transition_channels(m, theta)}"
            )
