"""Probes for the CNN questions: sizes and counts are measured on real engine layers and nets.

Sizes are the shapes of real forward outputs; parameter counts are the number of parameter
scalars to which the engine's backward pass gives a non-zero gradient (what training can
change), never the size of an allocated array or a product of layer sizes.

Params names: `H` (input height, square unless `IW` gives the width), `C` (input channels), `N`
(batch), `F` or `FH`/`FW` (filter size), `FN` (filters), `P` (padding), `S` (stride), `PH`
(pooling window), `K` (non-overlapping pooling window), `L` (stacked layers), `HID` (hidden units).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, after_pass, code_probe, probe
from eprep.engine import Affine, Convolution, Pooling, Relu, SimpleConvNet, im2col


def _int(variant: Params, name: str, default: int | None = None) -> int:
    if name not in variant:
        if default is None:
            raise KeyError(f"the variant has no parameter {name!r}")
        return default
    return round(float(variant[name]))


def _filter_size(variant: Params) -> tuple[int, int]:
    if "F" in variant:
        size = _int(variant, "F")
        return size, size
    return _int(variant, "FH"), _int(variant, "FW")


def _conv_forward(variant: Params, rng: np.random.Generator) -> np.ndarray:
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
def conv_output(variant: Params, rng: np.random.Generator, *, report: str) -> Value:
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
def same_padding(variant: Params, rng: np.random.Generator) -> Value:
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
def pool_output(variant: Params, rng: np.random.Generator) -> Value:
    """Output height of an engine max Pooling layer (with the variant's padding, if any)."""
    h, ph = _int(variant, "H"), _int(variant, "PH")
    layer = Pooling(ph, ph, stride=_int(variant, "S", 1), pad=_int(variant, "P", 0))
    return Value(layer.forward(rng.standard_normal((1, 2, h, h))).shape[2])


def trained_scalars(*grads: np.ndarray | None) -> int:
    """How many parameter scalars received a non-zero gradient from a backward pass."""
    return int(sum(np.count_nonzero(after_pass(g)) for g in grads))


def _layer_trained_scalars(net: Any, index: int, x: np.ndarray, rng: np.random.Generator) -> int:
    """Parameters of the layer holding W{index}/b{index} of an engine net, by backpropagation.

    x runs forward through the net's layers up to that layer, which then runs backward on a
    random upstream gradient (not the loss's: a hidden ReLU unit that is off for the whole batch
    would hide its weights); the non-zero entries of its dW and db are counted.
    """
    weights = net.params[f"W{index}"]
    for layer in net.layers.values():
        if getattr(layer, "W", None) is weights:
            out = layer.forward(x)
            layer.backward(rng.standard_normal(out.shape))
            return trained_scalars(layer.dW, layer.db)
        x = layer.forward(x, train_flg=True)
    raise ValueError(f"no layer of the net holds params['W{index}']")


# Images per batch when counting: a pooled feature is 0 for all of B random images with
# probability about 16^-B, which would hide the weights it feeds.
_COUNT_BATCH = 16


@probe("conv_param_count")
def conv_param_count(variant: Params, rng: np.random.Generator) -> Value:
    """Parameters of the conv layer of an engine SimpleConvNet, counted by backpropagation.

    The count cannot depend on the image size, so the net gets a small (F + 1) x (F + 1) input.
    """
    c, fn, f = _int(variant, "C"), _int(variant, "FN"), _int(variant, "F")
    net = SimpleConvNet(
        input_dim=(c, f + 1, f + 1),
        conv_param={"filter_num": fn, "filter_size": f, "pad": 0, "stride": 1},
        hidden_size=4,
        output_size=3,
        weight_init_std="he",
        rng=rng,
    )
    x = rng.standard_normal((_COUNT_BATCH, c, f + 1, f + 1))
    return Value(_layer_trained_scalars(net, 1, x, rng))


@probe("flatten_after_pool")
def flatten_after_pool(variant: Params, rng: np.random.Generator) -> Value:
    """Values per sample after engine Convolution -> Relu -> 2x2/2 Pooling."""
    out = _conv_forward(variant, rng)
    out = Pooling(2, 2, stride=2).forward(Relu().forward(out))
    return Value(out[0].size)


@probe("simple_convnet_params")
def simple_convnet_params(variant: Params, rng: np.random.Generator, *, layer: int) -> Value:
    """Parameters of layer W{layer}/b{layer} of an engine SimpleConvNet, by backpropagation.

    The net has the variant's input and conv layer, HID hidden units and 10 classes; it runs on
    a batch of random images, and the layer's parameters are counted as in conv_param_count.
    """
    h, c = _int(variant, "H"), _int(variant, "C", 1)
    net = SimpleConvNet(
        input_dim=(c, h, h),
        conv_param={
            "filter_num": _int(variant, "FN"),
            "filter_size": _int(variant, "F"),
            "pad": 0,
            "stride": 1,
        },
        hidden_size=_int(variant, "HID"),
        output_size=10,
        weight_init_std="he",
        rng=rng,
    )
    x = rng.standard_normal((_COUNT_BATCH, c, h, h))
    return Value(_layer_trained_scalars(net, layer, x, rng))


@probe("im2col_shape")
def im2col_shape(variant: Params, rng: np.random.Generator, *, axis: int) -> Value:
    """Rows of the engine's im2col (axis 0), or the input values one row reads (axis 1).

    For axis 1 every input value is labelled by a distinct positive number, and the distinct
    labels in a row are counted (padding reads 0 and is not counted): the taps of one window.
    """
    fh, fw = _filter_size(variant)
    h = _int(variant, "H")
    shape = (_int(variant, "N"), _int(variant, "C"), h, h)
    stride, pad = _int(variant, "S", 1), _int(variant, "P", 0)
    if axis == 0:
        return Value(im2col(rng.standard_normal(shape), fh, fw, stride=stride, pad=pad).shape[0])
    labels = np.arange(1, int(np.prod(shape)) + 1, dtype=np.float64).reshape(shape)
    col = im2col(labels, fh, fw, stride=stride, pad=pad)
    row = col[col.shape[0] // 2]  # a window in the middle of the first image's batch
    return Value(len(np.unique(row[row > 0])))


@probe("receptive_field")
def receptive_field(variant: Params, rng: np.random.Generator) -> Value:
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
def pool_backward_nonzero(variant: Params, rng: np.random.Generator) -> Value:
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


# Output units of a fully connected layer built at once when counting (memory: fc6 is 9216 x
# 4096; 512 units of it at a time in float32 is 19 MB).
_FC_CHUNK = 512


def _fc_trained_scalars(features: int, units: int, rng: np.random.Generator) -> int:
    """Parameters of a fully connected layer (features -> units), counted by backpropagation.

    The layer is built as engine Affine layers of at most _FC_CHUNK output units side by side
    (the same function: each output unit has its own weights); each runs forward and backward on
    a random batch, and the non-zero entries of dW and db are counted. The weights start at zero:
    an affine layer's gradients x^T dout and sum(dout) do not depend on them, and drawing 58 M
    random weights would dominate the probe's time.
    """
    total = 0
    x = rng.standard_normal((2, features)).astype(np.float32)
    zeros = np.zeros((features, min(_FC_CHUNK, units)), np.float32)  # shared: never written
    for start in range(0, units, _FC_CHUNK):
        width = min(_FC_CHUNK, units - start)
        layer = Affine(zeros[:, :width], np.zeros(width, np.float32))
        out = layer.forward(x)
        layer.backward(rng.standard_normal(out.shape).astype(np.float32))
        total += trained_scalars(layer.dW, layer.db)
    return total


@lru_cache(maxsize=1)
def alexnet_stats() -> dict[str, Any]:
    """Run a 3x227x227 image through engine layers shaped like AlexNet's convolution stack.

    Each convolution's input channel count is taken from the previous layer's real output.
    Parameters are counted by backpropagation: each layer runs forward on a random input of
    the shape it really receives (the real one has whole channels that ReLU silenced, which would
    hide their weights) and backward on a random upstream gradient, and the non-zero entries of
    its gradients are counted. The fully connected layers get the flattened size the convolution
    stack really produces.
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 227, 227))
    params: dict[str, int] = {}
    heights: dict[str, int] = {}
    for name, filters, size, stride, pad, pool in _ALEXNET_CONVS:
        w = 0.01 * rng.standard_normal((filters, x.shape[1], size, size))
        layer = Convolution(w, np.zeros(filters), stride=stride, pad=pad)
        counted = layer.forward(rng.standard_normal(x.shape))
        layer.backward_params(rng.standard_normal(counted.shape))
        params[name] = trained_scalars(layer.dW, layer.db)
        x = Relu().forward(layer.forward(x))
        heights[name] = x.shape[2]
        if pool:
            x = Pooling(3, 3, stride=2).forward(x)
    features = x[0].size
    for name, units in _ALEXNET_FCS:
        params[name] = _fc_trained_scalars(features, units, rng)
        features = units
    return {"heights": heights, "params": params, "flatten": x[0].size}


@probe("alexnet")
def alexnet(variant: Params, rng: np.random.Generator, *, report: str) -> Value:
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
def alexnet_largest_layer(variant: Params, rng: np.random.Generator) -> OptionId:
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


def _compare(name: str, case: object, mine: Any, theirs: np.ndarray) -> None:
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


def _function(namespace: Mapping[str, Any], name: str) -> Any:
    """Like `_lookup`, for a function: the failure says so ("defines no function softmax")."""
    if name not in namespace:
        raise AssertionError(f"the completed code defines no function {name}")
    return namespace[name]


def _same(what: str, got: Any, want: Any, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        raise AssertionError(f"{what} has shape {got.shape}, expected {want.shape}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what} differs (max abs difference {np.max(np.abs(got - want)):.3g})"
        )


@code_probe("convolution_matches_engine")
def convolution_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
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
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
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
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's im2col must give the engine's matrix, element for element."""
    fn = _lookup(namespace, "im2col")
    for case in _CONV_CASES:
        n, c, h, w, _, fh, fw, stride, pad = case
        x = rng.standard_normal((n, c, h, w))
        _compare("im2col", case, fn(x.copy(), fh, fw, stride, pad), im2col(x, fh, fw, stride, pad))
