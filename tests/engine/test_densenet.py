"""DenseNet's dense block and transition layer.

Oracles: a re-implementation in torch (torch.cat of BN-ReLU-conv2d outputs, avg_pool2d) with the
same weights, forward and autograd gradients; central differences of the engine's own forward;
channel counts read off real outputs, never off the counting functions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.engine import numerical_gradient
from eprep.engine.densenet import (
    DenseBlock,
    Transition,
    dense_block,
    dense_block_channels,
    dense_layer,
    transition_channels,
)
from eprep.engine.gradcheck import relative_error
from eprep.engine.layers import Affine, Relu, Tanh

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _torch_block(block: DenseBlock, x: np.ndarray):
    """The dense block rebuilt in torch from the engine's weights (BN in training mode)."""
    features = torch.tensor(x, requires_grad=True)
    params = []
    out = features
    for layer in block.layers:
        h = out
        for inner in layer:
            name = type(inner).__name__
            if name == "BatchNormalization":
                g = torch.tensor(inner.gamma, requires_grad=True)
                b = torch.tensor(inner.beta, requires_grad=True)
                params += [g, b]
                h = F.batch_norm(h, None, None, g, b, training=True, eps=inner.eps)
            elif name == "Relu":
                h = torch.relu(h)
            else:
                w = torch.tensor(inner.W, requires_grad=True)
                params.append(w)
                h = F.conv2d(h, w, torch.tensor(inner.b), padding=inner.pad)
        out = torch.cat([out, h], dim=1)
    return features, out, params


def test_dense_block_matches_torch_forward_and_backward():
    rng = np.random.default_rng(0)
    block = dense_block(3, growth_rate=2, layers=3, rng=rng, bottleneck=4)
    x = rng.standard_normal((2, 3, 5, 4))
    out = block.forward(x)
    xt, want, params = _torch_block(block, x)
    np.testing.assert_allclose(out, want.detach().numpy(), rtol=1e-9, atol=1e-10)
    r = rng.standard_normal(out.shape)
    dx = block.backward(r)
    (want * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-8, atol=1e-10)
    engine_grads = [
        g
        for layer in block.layers
        for inner in layer
        for g in (
            (inner.dgamma, inner.dbeta)
            if hasattr(inner, "dgamma")
            else (inner.dW,)
            if hasattr(inner, "dW")
            else ()
        )
    ]
    assert len(engine_grads) == len(params)
    for mine, theirs in zip(engine_grads, params, strict=True):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("k0", "k", "layers"), [(3, 2, 1), (4, 3, 3), (5, 1, 4)])
def test_channels_after_a_block_are_read_off_the_output(k0, k, layers):
    rng = np.random.default_rng(k0 * 10 + layers)
    block = dense_block(k0, k, layers, rng)
    out = block.forward(rng.standard_normal((2, k0, 4, 4)))
    assert out.shape == (2, k0 + layers * k, 4, 4)
    assert dense_block_channels(k0, k, layers) == out.shape[1]


def test_the_block_keeps_its_input_and_every_layer_output():
    """Concatenation, not summation: the input channels come out unchanged, in front."""
    rng = np.random.default_rng(3)
    block = dense_block(2, 3, 2, rng)
    x = rng.standard_normal((2, 2, 3, 3))
    out = block.forward(x)
    np.testing.assert_array_equal(out[:, :2], x)
    # layer 2 reads x and layer 1's output: changing it changes only layer 2's channels.
    first = block.layers[0]
    h = x
    for inner in first:
        h = inner.forward(h)
    np.testing.assert_allclose(out[:, 2:5], h, rtol=1e-12)


def test_dense_block_gradient_by_central_differences():
    rng = np.random.default_rng(4)
    width = 3
    weights = [rng.standard_normal((width + i * 2, 2)) for i in range(3)]

    class Flat:
        """An Affine over channels at each pixel (the block's H_l, kept smooth by Tanh)."""

        def __init__(self, w):
            self.affine = Affine(w, np.zeros(w.shape[1]))
            self.tanh = Tanh()

        def forward(self, x, train_flg=True):
            n, c, h, w = x.shape
            self.shape = x.shape
            flat = x.transpose(0, 2, 3, 1).reshape(-1, c)
            out = self.tanh.forward(self.affine.forward(flat))
            return out.reshape(n, h, w, -1).transpose(0, 3, 1, 2)

        def backward(self, dout):
            n, c, h, w = self.shape
            d = dout.transpose(0, 2, 3, 1).reshape(-1, dout.shape[1])
            d = self.affine.backward(self.tanh.backward(d))
            return d.reshape(n, h, w, c).transpose(0, 3, 1, 2)

    block = DenseBlock([Flat(w) for w in weights])
    x = rng.standard_normal((2, width, 2, 3))
    r = rng.standard_normal(block.forward(x).shape)
    block.forward(x)
    analytic = block.backward(r)
    numeric = numerical_gradient(lambda v: float(np.sum(block.forward(v) * r)), x.copy())
    assert relative_error(analytic, numeric) < 1e-7


def test_bn_relu_conv_block_gradient_by_central_differences():
    rng = np.random.default_rng(5)
    block = dense_block(2, 2, 2, rng, bottleneck=3)
    x = rng.standard_normal((3, 2, 3, 3))
    r = rng.standard_normal(block.forward(x).shape)
    block.forward(x)
    analytic = block.backward(r)
    numeric = numerical_gradient(lambda v: float(np.sum(block.forward(v) * r)), x.copy())
    assert relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize(("m", "theta"), [(10, 0.5), (7, 0.5), (24, 0.75), (9, 1.0)])
def test_transition_matches_torch(m, theta):
    rng = np.random.default_rng(m)
    c = transition_channels(m, theta)
    assert c == math.floor(theta * m)
    w, b = rng.standard_normal((c, m)), rng.standard_normal(c)
    layer = Transition(w, b)
    x = rng.standard_normal((2, m, 6, 4))
    out = layer.forward(x)
    xt = torch.tensor(x, requires_grad=True)
    want = F.avg_pool2d(F.conv2d(xt, torch.tensor(w[:, :, None, None]), torch.tensor(b)), 2, 2)
    assert out.shape == (2, c, 3, 2)
    np.testing.assert_allclose(out, want.detach().numpy(), rtol=1e-10, atol=1e-12)
    r = rng.standard_normal(out.shape)
    (want * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(layer.backward(r), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_dense_layer_shapes_and_bad_input():
    rng = np.random.default_rng(6)
    plain = dense_layer(4, 3, rng)
    names = [type(layer).__name__ for layer in plain]
    assert names == ["BatchNormalization", "Relu", "Convolution"]
    assert plain[2].W.shape == (3, 4, 3, 3)
    bottleneck = dense_layer(4, 3, rng, bottleneck=12)
    assert [layer.W.shape for layer in bottleneck if hasattr(layer, "W")] == [
        (12, 4, 1, 1),
        (3, 12, 3, 3),
    ]
    with pytest.raises(ValueError, match="at least one layer"):
        DenseBlock([])
    with pytest.raises(ValueError, match="must keep N, H and W"):
        DenseBlock([[Transition(np.ones((2, 2)), np.zeros(2))]]).forward(np.ones((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="before forward"):
        DenseBlock([[Relu()]]).backward(np.ones((1, 2, 2, 2)))
    with pytest.raises(ValueError, match="compression"):
        transition_channels(8, 0)
