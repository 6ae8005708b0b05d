"""Depthwise, pointwise, separable, 1-D (dilated, causal), transposed convolution, global average
pooling, Residual and the counting functions.

Oracles: nested loops written from each definition, central-difference gradients (gradient_checks),
torch.nn.functional (conv2d with groups, conv1d with dilation, conv_transpose2d,
adaptive_avg_pool2d) and torch modules' parameter counts, and counts measured on the layers
(scalars with a non-zero gradient, products summed by a backward pass).
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL, layer_gradient_errors

from eprep.engine import (
    Affine,
    Conv1D,
    Convolution,
    DepthwiseConvolution,
    GlobalAveragePooling,
    PointwiseConvolution,
    Residual,
    SeparableConvolution,
    Tanh,
    TransposedConvolution,
    conv1d_output_size,
    conv_mult_adds,
    conv_param_count,
    dilated_receptive_field,
    numerical_gradient,
    separable_mult_adds,
    separable_param_count,
    transposed_output_size,
)
from eprep.engine.gradcheck import relative_error


def test_depthwise_against_a_loop():
    rng = np.random.default_rng(1)
    x, W, b = (
        rng.standard_normal((2, 3, 6, 5)),
        rng.standard_normal((3, 1, 3, 2)),
        rng.standard_normal(3),
    )
    out = DepthwiseConvolution(W, b, stride=2, pad=1).forward(x)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    assert out.shape == (2, 3, 3, 3)
    for n, c, i, j in np.ndindex(out.shape):
        want = b[c] + np.sum(W[c, 0] * xp[n, c, 2 * i : 2 * i + 3, 2 * j : 2 * j + 2])
        assert out[n, c, i, j] == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_pointwise_is_an_affine_layer_at_every_pixel():
    rng = np.random.default_rng(2)
    x, W, b = rng.standard_normal((2, 4, 3, 3)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    out = PointwiseConvolution(W, b).forward(x)
    for n, i, j in np.ndindex(2, 3, 3):
        np.testing.assert_allclose(out[n, :, i, j], W @ x[n, :, i, j] + b, rtol=1e-12)


def test_conv1d_dilated_and_causal_against_a_loop():
    rng = np.random.default_rng(3)
    x, W, b = (
        rng.standard_normal((2, 3, 11)),
        rng.standard_normal((4, 3, 3)),
        rng.standard_normal(4),
    )
    out = Conv1D(W, b, stride=2, pad=1, dilation=2).forward(x)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    assert out.shape == (2, 4, 5)  # positions t with 2t + 2*2 <= 12 (padded length 13)
    for n, f, t in np.ndindex(out.shape):
        want = b[f] + sum(W[f, c, j] * xp[n, c, 2 * t + 2 * j] for c in range(3) for j in range(3))
        assert out[n, f, t] == pytest.approx(want, rel=1e-12)
    causal = Conv1D(W, b, dilation=2, causal=True).forward(x)
    assert causal.shape == (2, 4, 11)
    for n, f, t in np.ndindex(causal.shape):
        # Tap j reads x[t - d (K - 1 - j)]: the present and the past only.
        want = b[f] + sum(
            W[f, c, j] * x[n, c, t - 2 * (2 - j)]
            for c in range(3)
            for j in range(3)
            if t - 2 * (2 - j) >= 0
        )
        assert causal[n, f, t] == pytest.approx(want, rel=1e-12)


def test_causal_output_never_depends_on_the_future():
    rng = np.random.default_rng(4)
    layer = Conv1D(rng.standard_normal((2, 1, 2)), np.zeros(2), dilation=4, causal=True)
    x = rng.standard_normal((1, 1, 12))
    base = layer.forward(x.copy())
    x[0, 0, 7] += 1.0
    changed = np.flatnonzero(np.any(np.abs(layer.forward(x) - base) > 0, axis=1)[0])
    assert list(changed) == [7, 11]  # itself and t = 7 + d


def scatter_loop(x, W, b, stride, pad):
    """Transposed convolution as its definition: each input pixel adds W-weighted patches."""
    n, c_in, h, w = x.shape
    _, c_out, fh, fw = W.shape
    full = np.zeros((n, c_out, (h - 1) * stride + fh, (w - 1) * stride + fw))
    for i, ci, y, z in np.ndindex(n, c_in, h, w):
        full[i, :, y * stride : y * stride + fh, z * stride : z * stride + fw] += (
            x[i, ci, y, z] * W[ci]
        )
    out = full[:, :, pad : full.shape[2] - pad, pad : full.shape[3] - pad]
    return out + b[None, :, None, None]


def test_transposed_against_the_scatter_loop_and_as_the_adjoint_of_convolution():
    rng = np.random.default_rng(5)
    x, W, b = (
        rng.standard_normal((2, 3, 4, 3)),
        rng.standard_normal((3, 2, 3, 3)),
        rng.standard_normal(2),
    )
    layer = TransposedConvolution(W, b, stride=2, pad=1)
    out = layer.forward(x)
    assert out.shape == (2, 2, 7, 5)
    np.testing.assert_allclose(out, scatter_loop(x, W, b, 2, 1), rtol=1e-12, atol=1e-12)
    # <conv(y), x> = <y, convT(x)> with the same W read as (C_out, C_in) of the convolution.
    y = rng.standard_normal(out.shape)
    conv = Convolution(W, np.zeros(3), stride=2, pad=1)
    lhs = np.sum(conv.forward(y) * x)
    rhs = np.sum(TransposedConvolution(W, np.zeros(2), stride=2, pad=1).forward(x) * y)
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_global_average_pooling_value_and_gradient():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3, 4, 5))
    out = GlobalAveragePooling().forward(x)
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(sum(x[1, 2].ravel()) / 20, rel=1e-12)


GRAD_CASES = [
    (
        lambda r: DepthwiseConvolution(r.standard_normal((3, 1, 3, 3)), r.standard_normal(3), 2, 1),
        (2, 3, 5, 6),
        ("W", "b"),
    ),
    (
        lambda r: DepthwiseConvolution(r.standard_normal((2, 1, 2, 3)), r.standard_normal(2), 1, 0),
        (2, 2, 4, 4),
        ("W", "b"),
    ),
    (
        lambda r: PointwiseConvolution(r.standard_normal((4, 3)), r.standard_normal(4)),
        (2, 3, 3, 2),
        ("W", "b"),
    ),
    (
        lambda r: Conv1D(r.standard_normal((3, 2, 3)), r.standard_normal(3), 2, 1, 2),
        (2, 2, 10),
        ("W", "b"),
    ),
    (
        lambda r: Conv1D(
            r.standard_normal((2, 2, 2)), r.standard_normal(2), dilation=3, causal=True
        ),
        (2, 2, 9),
        ("W", "b"),
    ),
    (
        lambda r: TransposedConvolution(
            r.standard_normal((3, 2, 3, 3)), r.standard_normal(2), 2, 1
        ),
        (2, 3, 3, 4),
        ("W", "b"),
    ),
    (
        lambda r: TransposedConvolution(
            r.standard_normal((2, 3, 2, 2)), r.standard_normal(3), 2, 0, 1
        ),
        (1, 2, 3, 3),
        ("W", "b"),
    ),
    (lambda r: GlobalAveragePooling(), (2, 3, 3, 4), ()),
]


@pytest.mark.parametrize(("make", "shape", "params"), GRAD_CASES)
def test_gradients_against_central_differences(make, shape, params):
    rng = np.random.default_rng(7)
    errors = layer_gradient_errors(make(rng), rng.standard_normal(shape), rng, params)
    assert max(errors.values()) < TOL, errors


def test_separable_block_and_residual_gradients():
    rng = np.random.default_rng(8)
    block = SeparableConvolution(
        DepthwiseConvolution(rng.standard_normal((3, 1, 3, 3)), rng.standard_normal(3), pad=1),
        PointwiseConvolution(rng.standard_normal((4, 3)), rng.standard_normal(4)),
    )
    x = rng.standard_normal((2, 3, 4, 4))
    assert layer_gradient_errors(block, x, rng)["x"] < TOL
    residual = Residual([Affine(rng.standard_normal((4, 4)), rng.standard_normal(4)), Tanh()])
    assert layer_gradient_errors(residual, rng.standard_normal((3, 4)), rng)["x"] < TOL


def trained_scalars(layer, x, rng):
    out = layer.forward(x)
    layer.backward(rng.standard_normal(out.shape))
    return sum(int(np.count_nonzero(getattr(layer, g))) for g in ("dW", "db"))


def products(layer, x_shape):
    """Multiply-adds per sample of a bias-free linear layer with all-ones weights: sum of dx
    for dout = 1, divided by the batch.

    Each product w * x contributes its weight (1) to dx of the input it reads, once.
    """
    out = layer.forward(np.ones(x_shape))
    return round(float(np.sum(layer.backward(np.ones_like(out))))) // x_shape[0]


@pytest.mark.parametrize(
    ("c_in", "c_out", "k", "size"), [(3, 8, 3, 6), (16, 4, 5, 7), (1, 1, 1, 3)]
)
def test_counting_functions_against_measured_layers_and_torch(c_in, c_out, k, size):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((4, c_in, size, size))
    standard = Convolution(rng.standard_normal((c_out, c_in, k, k)), rng.standard_normal(c_out))
    assert trained_scalars(standard, x, rng) == conv_param_count(c_in, c_out, k)
    dw = DepthwiseConvolution(rng.standard_normal((c_in, 1, k, k)), rng.standard_normal(c_in))
    pw = PointwiseConvolution(rng.standard_normal((c_out, c_in)), rng.standard_normal(c_out))
    mid = dw.forward(x)
    measured = trained_scalars(dw, x, rng) + trained_scalars(pw, mid, rng)
    assert measured == separable_param_count(c_in, c_out, k)
    out = size - k + 1
    ones = Convolution(np.ones((c_out, c_in, k, k)), np.zeros(c_out))
    assert products(ones, x.shape) == conv_mult_adds(c_in, c_out, k, out, out)
    sep = SeparableConvolution(
        DepthwiseConvolution(np.ones((c_in, 1, k, k)), np.zeros(c_in)),
        PointwiseConvolution(np.ones((c_out, c_in)), np.zeros(c_out)),
    )
    depthwise_part = products(sep.depthwise, x.shape)
    pointwise_part = products(sep.pointwise, (4, c_in, out, out))
    assert depthwise_part + pointwise_part == separable_mult_adds(c_in, c_out, k, out, out)
    ratio = separable_mult_adds(c_in, c_out, k, out, out) / conv_mult_adds(c_in, c_out, k, out, out)
    assert ratio == pytest.approx(1 / c_out + 1 / k**2, rel=1e-12)
    torch = pytest.importorskip("torch")
    nn = torch.nn
    assert conv_param_count(c_in, c_out, k) == sum(
        p.numel() for p in nn.Conv2d(c_in, c_out, k).parameters()
    )
    torch_sep = nn.Sequential(nn.Conv2d(c_in, c_in, k, groups=c_in), nn.Conv2d(c_in, c_out, 1))
    assert separable_param_count(c_in, c_out, k) == sum(p.numel() for p in torch_sep.parameters())


def test_sizes_and_receptive_field_against_the_layers():
    rng = np.random.default_rng(10)
    for length, k, s, p, d in [
        (20, 3, 1, 0, 2),
        (17, 2, 2, 1, 4),
        (9, 5, 3, 2, 1),
        (30, 3, 1, 2, 8),
    ]:
        layer = Conv1D(rng.standard_normal((1, 1, k)), np.zeros(1), s, p, d)
        assert layer.forward(rng.standard_normal((1, 1, length))).shape[2] == conv1d_output_size(
            length, k, s, p, d
        )
    for h, f, s, p, op in [(4, 3, 2, 1, 0), (5, 4, 2, 1, 1), (3, 5, 3, 0, 2), (7, 1, 1, 0, 0)]:
        layer = TransposedConvolution(rng.standard_normal((1, 1, f, f)), np.zeros(1), s, p, op)
        assert layer.forward(rng.standard_normal((1, 1, h, h))).shape[2] == transposed_output_size(
            h, f, s, p, op
        )
    # Receptive field: the span of inputs a one-hot gradient at the last output reaches.
    for k, dilations in [(2, [1, 2, 4, 8]), (3, [1, 2, 4]), (2, [1, 1, 1]), (3, [2, 3])]:
        layers = [
            Conv1D(rng.uniform(0.5, 1.5, (1, 1, k)), np.zeros(1), dilation=d, causal=True)
            for d in dilations
        ]
        out = np.ones((1, 1, 64))
        for layer in layers:
            out = layer.forward(out)
        d = np.zeros_like(out)
        d[0, 0, -1] = 1.0
        for layer in reversed(layers):
            d = layer.backward(d)
        reached = np.flatnonzero(d[0, 0])
        # The extent, first to last input reached (dilations 2 and 3 leave holes inside it).
        assert reached[-1] - reached[0] + 1 == dilated_receptive_field(k, dilations)
    with pytest.raises(ValueError, match="output_padding 2"):
        transposed_output_size(4, 3, 2, 0, 2)


def test_residual_gradient_is_one_plus_the_inner_derivative():
    rng = np.random.default_rng(11)
    w = rng.standard_normal((3, 3))
    block = Residual(Affine(w, np.zeros(3)))
    x = rng.standard_normal((1, 3))
    r = rng.standard_normal((1, 3))
    block.forward(x)
    analytic = block.backward(r)
    numeric = numerical_gradient(lambda _: float(np.sum(block.forward(x) * r)), x)
    assert relative_error(analytic, numeric) < TOL
    np.testing.assert_allclose(analytic, r @ (np.eye(3) + w).T, rtol=1e-12)
    with pytest.raises(ValueError, match="projection shortcut"):
        Residual(Affine(np.ones((3, 2)), np.zeros(2))).forward(x)


def test_torch_parity_convolution_family():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(12)

    def check(ours, theirs, x, weights):
        out = ours.forward(x)
        dout = rng.standard_normal(out.shape)
        dx = ours.backward(dout)
        tx = torch.tensor(x, requires_grad=True)
        tw = [torch.tensor(w, requires_grad=True) for w in weights]
        tout = theirs(tx, *tw)
        tout.backward(torch.tensor(dout))
        np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-11)
        np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(
            ours.dW.reshape(tw[0].shape), tw[0].grad.numpy(), rtol=1e-9, atol=1e-11
        )
        np.testing.assert_allclose(ours.db, tw[1].grad.numpy(), rtol=1e-9, atol=1e-11)

    x = rng.standard_normal((2, 4, 7, 6))
    W, b = rng.standard_normal((4, 1, 3, 3)), rng.standard_normal(4)
    check(
        DepthwiseConvolution(W, b, 2, 1),
        lambda t, w, c: F.conv2d(t, w, c, 2, 1, groups=4),
        x,
        [W, b],
    )
    W, b = rng.standard_normal((5, 4)), rng.standard_normal(5)
    check(
        PointwiseConvolution(W, b), lambda t, w, c: F.conv2d(t, w[:, :, None, None], c), x, [W, b]
    )
    s = rng.standard_normal((2, 3, 16))
    W, b = rng.standard_normal((4, 3, 3)), rng.standard_normal(4)
    check(Conv1D(W, b, 2, 2, 3), lambda t, w, c: F.conv1d(t, w, c, 2, 2, 3), s, [W, b])
    check(
        Conv1D(W, b, dilation=4, causal=True),
        lambda t, w, c: F.conv1d(F.pad(t, (8, 0)), w, c, dilation=4),
        s,
        [W, b],
    )
    W, b = rng.standard_normal((4, 3, 4, 4)), rng.standard_normal(3)
    check(
        TransposedConvolution(W, b, 2, 1),
        lambda t, w, c: F.conv_transpose2d(t, w, c, 2, 1),
        x,
        [W, b],
    )
    check(
        TransposedConvolution(W, b, 3, 1, 2),
        lambda t, w, c: F.conv_transpose2d(t, w, c, 3, 1, output_padding=2),
        x,
        [W, b],
    )
    gap = GlobalAveragePooling()
    out = gap.forward(x)
    dout = rng.standard_normal(out.shape)
    tx = torch.tensor(x, requires_grad=True)
    tout = F.adaptive_avg_pool2d(tx, 1).flatten(1)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gap.backward(dout), tx.grad.numpy(), rtol=1e-12)
