"""Probes for the CNN questions: sizes and counts are read off real engine layers and nets.

Variant names: `H` (input height, square unless `IW` gives the width), `C` (input channels), `N`
(batch), `F` or `FH`/`FW` (filter size), `FN` (filters), `P` (padding), `S` (stride), `PH`
(pooling window), `K` (non-overlapping pooling window), `L` (stacked layers), `HID` (hidden units).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Value, Variant, code_probe, probe
from eprep.engine import Convolution, Pooling, Relu, SimpleConvNet, im2col


def _int(variant: Variant, name: str, default: int | None = None) -> int:
    if name not in variant:
        if default is None:
            raise KeyError(f"the variant has no parameter {name!r}")
        return default
    return round(float(variant[name]))


def _filter_size(variant: Variant) -> tuple[int, int]:
    if "F" in variant:
        size = _int(variant, "F")
        return size, size
    return _int(variant, "FH"), _int(variant, "FW")


def _conv_forward(variant: Variant, rng: np.random.Generator) -> np.ndarray:
    """Run an engine Convolution built from the variant on a random batch; return its output."""
    fh, fw = _filter_size(variant)
    c, fn = _int(variant, "C", 1), _int(variant, "FN", 2)
    h = _int(variant, "H")
    w = _int(variant, "IW", h)
    layer = Convolution(
        rng.standard_normal((fn, c, fh, fw)),
        rng.standard_normal(fn),
        stride=_int(variant, "S", 1),
        pad=_int(variant, "P", 0),
    )
    return layer.forward(rng.standard_normal((_int(variant, "N", 1), c, h, w)))


@probe("conv_output")
def conv_output(variant: Variant, rng: np.random.Generator, *, report: str) -> Value:
    """Shape of a real convolution's output: "height", "positions" (OH*OW) or "channels"."""
    out = _conv_forward(variant, rng)
    if report == "height":
        return Value(out.shape[2])
    if report == "positions":
        return Value(out.shape[2] * out.shape[3])
    if report == "channels":
        return Value(out.shape[1])
    raise ValueError(f"unknown report {report!r}")


@probe("same_padding")
def same_padding(variant: Variant, rng: np.random.Generator) -> Value:
    """Try paddings 0, 1, 2, ... on a stride-1 engine Convolution until the height is kept."""
    h, f = _int(variant, "H"), _int(variant, "F")
    x = rng.standard_normal((1, 1, h, h))
    for pad in range(f + 1):
        if 2 * pad + h < f:
            continue
        out = Convolution(rng.standard_normal((1, 1, f, f)), np.zeros(1), pad=pad).forward(x)
        if out.shape[2] == h:
            return Value(pad)
    raise AssertionError(f"no padding keeps height {h} with a {f}x{f} filter")


@probe("pool_output")
def pool_output(variant: Variant, rng: np.random.Generator) -> Value:
    """Output height of an engine max Pooling layer (with the variant's padding, if any)."""
    h, ph = _int(variant, "H"), _int(variant, "PH")
    layer = Pooling(ph, ph, stride=_int(variant, "S", 1), pad=_int(variant, "P", 0))
    return Value(layer.forward(rng.standard_normal((1, 2, h, h))).shape[2])


@probe("conv_param_count")
def conv_param_count(variant: Variant, rng: np.random.Generator) -> Value:
    """Size of W1 plus b1 of an engine SimpleConvNet built with the variant's conv layer.

    The count cannot depend on the image size, so the net gets the smallest input its 2x2
    pooling accepts (F + 1), and a forward pass checks that the layer really runs.
    """
    c, fn, f = _int(variant, "C"), _int(variant, "FN"), _int(variant, "F")
    net = SimpleConvNet(
        input_dim=(c, f + 1, f + 1),
        conv_param={"filter_num": fn, "filter_size": f, "pad": 0, "stride": 1},
        hidden_size=2,
        output_size=2,
        rng=rng,
    )
    net.predict(rng.standard_normal((1, c, f + 1, f + 1)))
    return Value(net.params["W1"].size + net.params["b1"].size)


@probe("flatten_after_pool")
def flatten_after_pool(variant: Variant, rng: np.random.Generator) -> Value:
    """Values per sample after engine Convolution -> Relu -> 2x2/2 Pooling."""
    out = _conv_forward(variant, rng)
    out = Pooling(2, 2, stride=2).forward(Relu().forward(out))
    return Value(out[0].size)


@probe("simple_convnet_params")
def simple_convnet_params(variant: Variant, rng: np.random.Generator, *, layer: int) -> Value:
    """Size of W{layer} plus b{layer} of an engine SimpleConvNet built from the variant."""
    h = _int(variant, "H")
    net = SimpleConvNet(
        input_dim=(_int(variant, "C", 1), h, h),
        conv_param={
            "filter_num": _int(variant, "FN"),
            "filter_size": _int(variant, "F"),
            "pad": 0,
            "stride": 1,
        },
        hidden_size=_int(variant, "HID"),
        output_size=10,
        weight_init_std=0.01,
        rng=rng,
    )
    return Value(net.params[f"W{layer}"].size + net.params[f"b{layer}"].size)


@probe("im2col_shape")
def im2col_shape(variant: Variant, rng: np.random.Generator, *, axis: int) -> Value:
    """Rows (axis 0) or columns (axis 1) of the engine's im2col for the variant's batch."""
    fh, fw = _filter_size(variant)
    h = _int(variant, "H")
    x = rng.standard_normal((_int(variant, "N"), _int(variant, "C"), h, h))
    col = im2col(x, fh, fw, stride=_int(variant, "S", 1), pad=_int(variant, "P", 0))
    return Value(col.shape[axis])


@probe("receptive_field")
def receptive_field(variant: Variant, rng: np.random.Generator) -> Value:
    """Width of the input region that reaches one output pixel, measured by backpropagation.

    L stride-1 engine Convolutions with positive weights (so no contributions cancel) are run
    forward; a gradient of 1 at the centre output is sent back, and the non-zero input columns
    are counted.
    """
    depth, f = _int(variant, "L"), _int(variant, "F")
    size = depth * f + 5  # comfortably larger than any receptive field of these layers
    layers = [Convolution(rng.uniform(0.5, 1.5, (1, 1, f, f)), np.zeros(1)) for _ in range(depth)]
    out = rng.uniform(0.5, 1.5, (1, 1, size, size))
    for layer in layers:
        out = layer.forward(out)
    dout = np.zeros_like(out)
    dout[0, 0, out.shape[2] // 2, out.shape[3] // 2] = 1.0
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return Value(int(np.count_nonzero(np.any(dout[0, 0] != 0, axis=0))))


@probe("pool_backward_nonzero")
def pool_backward_nonzero(variant: Variant, rng: np.random.Generator) -> Value:
    """Non-zero entries of dx after engine max Pooling's backward with an all-ones gradient."""
    n, c, k, h = _int(variant, "N"), _int(variant, "C"), _int(variant, "K"), _int(variant, "H")
    layer = Pooling(k, k, stride=k)
    out = layer.forward(rng.standard_normal((n, c, h, h)))  # continuous draws: no ties
    return Value(int(np.count_nonzero(layer.backward(np.ones_like(out)))))


# Single-GPU AlexNet (as in Chainer's alex.py): (filters, size, stride, pad, pool after?).
_ALEXNET_CONVS = (
    ("conv1", 96, 11, 4, 0, True),
    ("conv2", 256, 5, 1, 2, True),
    ("conv3", 384, 3, 1, 1, False),
    ("conv4", 384, 3, 1, 1, False),
    ("conv5", 256, 3, 1, 1, True),
)
_ALEXNET_FCS = (("fc6", 4096), ("fc7", 4096), ("fc8", 1000))


@lru_cache(maxsize=1)
def alexnet_stats() -> dict[str, Any]:
    """Run a 3x227x227 image through engine layers shaped like AlexNet's convolution stack.

    Each convolution's input channel count is taken from the previous layer's real output, and
    its parameters are counted from the engine layer's W and b. The fully connected layers are
    not materialised (fc6 alone would need 300 MB): their counts follow from the measured
    flattened size, in_features * out_features + out_features.
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 227, 227))
    params: dict[str, int] = {}
    heights: dict[str, int] = {}
    for name, filters, size, stride, pad, pool in _ALEXNET_CONVS:
        w = 0.01 * rng.standard_normal((filters, x.shape[1], size, size))
        layer = Convolution(w, np.zeros(filters), stride=stride, pad=pad)
        x = Relu().forward(layer.forward(x))
        heights[name] = x.shape[2]
        params[name] = layer.W.size + layer.b.size
        if pool:
            x = Pooling(3, 3, stride=2).forward(x)
    features = x[0].size
    for name, units in _ALEXNET_FCS:
        params[name] = features * units + units
        features = units
    return {"heights": heights, "params": params, "flatten": x[0].size}


@probe("alexnet")
def alexnet(variant: Variant, rng: np.random.Generator, *, report: str) -> Value:
    """AlexNet figures: "conv1-height", "flatten", "conv1-params" or "fc6-params"."""
    stats = alexnet_stats()
    if report == "conv1-height":
        return Value(stats["heights"]["conv1"])
    if report == "flatten":
        return Value(stats["flatten"])
    if report.endswith("-params"):
        return Value(stats["params"][report.removesuffix("-params")])
    raise ValueError(f"unknown report {report!r}")


@probe("alexnet_largest_layer")
def alexnet_largest_layer(variant: Variant, rng: np.random.Generator) -> OptionId:
    """The option id (the layer's name) of AlexNet's layer with the most parameters."""
    params = alexnet_stats()["params"]
    return OptionId(max(params, key=params.__getitem__))


# ---------------------------------------------------------------- code probes

# (N, C, H, W, FN, FH, FW, stride, pad): rectangular inputs and filters, N and C above 1, so
# that swapped axes, mixed images or mixed channels cannot pass by accident.
_CONV_CASES = (
    (2, 3, 7, 9, 4, 3, 3, 1, 0),
    (3, 2, 9, 7, 3, 3, 3, 2, 1),
    (2, 2, 6, 8, 2, 2, 3, 1, 0),
)
# (N, C, H, W, pool_h, pool_w, stride, pad)
_POOL_CASES = (
    (2, 3, 6, 8, 2, 2, 2, 0),
    (2, 2, 7, 5, 3, 3, 2, 1),
    (3, 2, 6, 6, 2, 2, 2, 1),
    (2, 2, 5, 7, 3, 3, 1, 1),
)


def _compare(name: str, case: tuple[int, ...], mine: Any, theirs: np.ndarray) -> None:
    mine = np.asarray(mine)
    if mine.shape != theirs.shape:
        raise AssertionError(
            f"{name} gives shape {mine.shape}, the engine {theirs.shape} (case {case})"
        )
    if not np.allclose(mine, theirs, rtol=1e-10, atol=1e-12):
        error = np.max(np.abs(mine.astype(float) - theirs))
        raise AssertionError(f"{name} differs from the engine by up to {error:.3g} (case {case})")


def _lookup(namespace: Mapping[str, Any], name: str) -> Any:
    if name not in namespace:
        raise AssertionError(f"the completed code defines no {name}")
    return namespace[name]


@code_probe("convolution_matches_engine")
def convolution_matches_engine(
    namespace: Mapping[str, Any], variant: Variant, rng: np.random.Generator
) -> None:
    """The template's Convolution.forward must equal the engine's on random batches."""
    cls = _lookup(namespace, "Convolution")
    for case in _CONV_CASES:
        n, c, h, w, fn, fh, fw, stride, pad = case
        weights, bias = rng.standard_normal((fn, c, fh, fw)), rng.standard_normal(fn)
        x = rng.standard_normal((n, c, h, w))
        expected = Convolution(weights, bias, stride, pad).forward(x)
        _compare(
            "Convolution.forward",
            case,
            cls(weights.copy(), bias.copy(), stride, pad).forward(x.copy()),
            expected,
        )


@code_probe("pooling_matches_engine")
def pooling_matches_engine(
    namespace: Mapping[str, Any], variant: Variant, rng: np.random.Generator
) -> None:
    """The template's Pooling.forward must equal the engine's max pooling, padding included.

    Inputs are positive, so a zero-padded border (what im2col gives the template) can never win
    a window's maximum, just like the engine's -inf padding.
    """
    cls = _lookup(namespace, "Pooling")
    for case in _POOL_CASES:
        n, c, h, w, ph, pw, stride, pad = case
        x = rng.uniform(0.1, 2.0, (n, c, h, w))
        expected = Pooling(ph, pw, stride, pad).forward(x)
        _compare("Pooling.forward", case, cls(ph, pw, stride, pad).forward(x.copy()), expected)


@code_probe("im2col_matches_engine")
def im2col_matches_engine(
    namespace: Mapping[str, Any], variant: Variant, rng: np.random.Generator
) -> None:
    """The template's im2col must give the engine's matrix, element for element."""
    fn = _lookup(namespace, "im2col")
    for case in _CONV_CASES:
        n, c, h, w, _, fh, fw, stride, pad = case
        x = rng.standard_normal((n, c, h, w))
        _compare("im2col", case, fn(x.copy(), fh, fw, stride, pad), im2col(x, fh, fw, stride, pad))
