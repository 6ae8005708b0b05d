"""Affine, activations, SoftmaxWithLoss, Dropout and BatchNormalization."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gradient_checks import TOL, layer_gradient_errors

from eprep.engine import (
    Affine,
    BatchNormalization,
    ClassicDropout,
    Dropout,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
    numerical_gradient,
)
from eprep.engine.gradcheck import relative_error


def test_affine_any_rank_forward_and_gradients():
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((12, 4)), rng.standard_normal(4)
    x = rng.standard_normal((3, 2, 2, 3))
    layer = Affine(W, b)
    np.testing.assert_allclose(layer.forward(x), x.reshape(3, 12) @ W + b, rtol=1e-14)
    errors = layer_gradient_errors(layer, x, rng, ("W", "b"))
    assert max(errors.values()) < TOL, errors
    assert layer.backward(np.ones((3, 4))).shape == x.shape


def test_affine_bad_shapes_are_named():
    layer = Affine(np.zeros((5, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"x has shape \(3, 4\) but W has shape \(5, 2\)"):
        layer.forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"W \(5, 2\) and b \(3,\)"):
        Affine(np.zeros((5, 2)), np.zeros(3))


@pytest.mark.parametrize("layer_type", [Relu, Sigmoid, Tanh])
def test_activation_layer_gradients(layer_type):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5))
    assert layer_gradient_errors(layer_type(), x, rng)["x"] < TOL


def test_relu_backward_leaves_dout_alone():
    layer = Relu()
    layer.forward(np.array([-1.0, 2.0]))
    dout = np.array([5.0, 7.0])
    np.testing.assert_array_equal(layer.backward(dout), [0.0, 7.0])
    np.testing.assert_array_equal(dout, [5.0, 7.0])


@pytest.mark.parametrize("targets", ["labels", "one-hot"])
def test_softmax_with_loss_value_and_gradient_honour_dout(targets):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 4))
    labels = rng.integers(0, 4, 5)
    t = labels if targets == "labels" else np.eye(4)[labels]
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    expected = 0.0
    for row, k in zip(x, labels, strict=True):
        p = math.exp(row[k]) / sum(math.exp(v) for v in row)
        expected -= math.log(p) / 5  # no 1e-7: the loss goes through log-softmax
    assert loss == pytest.approx(expected, rel=1e-13)
    dout = 2.5
    dx = layer.backward(dout)
    numeric = numerical_gradient(lambda _: dout * layer.forward(x, t), x)
    assert relative_error(dx, numeric) < TOL
    # exactly DLFS's (y - t) / N, times dout
    y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(dx, dout * (y - np.eye(4)[labels]) / 5, rtol=1e-13, atol=1e-16)


def test_softmax_with_loss_is_stable_for_huge_scores():
    layer = SoftmaxWithLoss()
    x = np.array([[1000.0, 0.0, -1000.0], [-800.0, 800.0, 0.0]])
    loss = layer.forward(x, np.array([2, 0]))
    # log-softmax of the true classes: -2000 and -1600, exactly representable
    assert loss == pytest.approx((2000.0 + 1600.0) / 2, rel=1e-15)
    dx = layer.backward()
    np.testing.assert_allclose(dx, [[0.5, 0.0, -0.5], [-0.5, 0.5, 0.0]], atol=1e-15)


@pytest.mark.parametrize("targets", ["labels", "one-hot", "soft"])
def test_torch_parity_softmax_with_loss(targets):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(20)
    for n, k, scale in ((8, 10, 1.0), (5, 3, 8.0), (16, 5, 0.1)):
        x = rng.standard_normal((n, k)) * scale
        labels = rng.integers(0, k, n)
        if targets == "labels":
            t, tt = labels, torch.tensor(labels)
        elif targets == "one-hot":
            t = np.eye(k)[labels]
            tt = torch.tensor(t)
        else:
            t = rng.dirichlet(np.ones(k), size=n)
            tt = torch.tensor(t)
        layer = SoftmaxWithLoss()
        loss = layer.forward(x, t)
        dout = 1.7
        dx = layer.backward(dout)
        tx = torch.tensor(x, requires_grad=True)
        tloss = torch.nn.functional.cross_entropy(tx, tt)
        (tloss * dout).backward()
        assert abs(loss - tloss.item()) < 1e-10
        assert np.max(np.abs(dx - tx.grad.numpy())) < 1e-10


def test_dropout_drop_rate_and_expectation_monte_carlo():
    ratio = 0.3
    layer = Dropout(ratio, rng=np.random.default_rng(3))
    x = np.full(200_000, 2.0)
    out = layer.forward(x, train_flg=True)
    n = x.size
    dropped = np.mean(out == 0)
    # Binomial proportion: standard error sqrt(p(1-p)/n) ~ 1e-3; allow 5 standard errors.
    assert abs(dropped - ratio) < 5 * math.sqrt(ratio * (1 - ratio) / n)
    # Kept units are scaled by 1/(1-p): each output is 0 or 2/(1-p), mean 2, sd 2*sqrt(p/(1-p)).
    assert set(np.unique(out)) == {0.0, 2.0 / (1 - ratio)}
    se = 2 * math.sqrt(ratio / (1 - ratio)) / math.sqrt(n)
    assert abs(out.mean() - 2.0) < 5 * se
    np.testing.assert_array_equal(layer.forward(x, train_flg=False), x)
    np.testing.assert_array_equal(layer.backward(np.ones(3)), np.ones(3))


def test_dropout_backward_uses_the_same_mask_and_scale():
    layer = Dropout(0.5, rng=np.random.default_rng(4))
    x = np.random.default_rng(5).standard_normal((6, 7))
    out = layer.forward(x)
    kept = out != 0
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), kept * 2.0)
    assert layer_gradient_errors(_FixedDropout(0.5), x, np.random.default_rng(6))["x"] < TOL


class _FixedDropout(Dropout):
    """Dropout whose mask is drawn once, so the loss is a function of x alone."""

    def __init__(self, ratio):
        super().__init__(ratio, rng=np.random.default_rng(7))
        self.reuse_mask = True


def test_dropout_reproducible_and_validated():
    a = Dropout(0.4, rng=np.random.default_rng(9)).forward(np.ones(50))
    b = Dropout(0.4, rng=np.random.default_rng(9)).forward(np.ones(50))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"\[0, 1\), got 1.0"):
        Dropout(1.0)


def test_batchnorm_2d_per_feature_and_gradients():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((8, 5)) * 3 + 1
    gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
    layer = BatchNormalization(gamma, beta, eps=1e-5)
    out = layer.forward(x, train_flg=True)
    mu, var = x.mean(axis=0), ((x - x.mean(axis=0)) ** 2).mean(axis=0)
    np.testing.assert_allclose(out, gamma * (x - mu) / np.sqrt(var + 1e-5) + beta, rtol=1e-12)
    errors = layer_gradient_errors(layer, x, rng, ("gamma", "beta"))
    assert max(errors.values()) < TOL, errors


def test_batchnorm_4d_is_per_channel_and_gradients():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 4, 2, 5)) * np.array([1, 2, 3, 4])[None, :, None, None]
    layer = BatchNormalization(np.ones(4), np.zeros(4))
    out = layer.forward(x, train_flg=True)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, rtol=1e-5)  # var/(var+eps)
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    layer = BatchNormalization(gamma, beta)
    errors = layer_gradient_errors(layer, x, rng, ("gamma", "beta"))
    assert max(errors.values()) < TOL, errors


def test_batchnorm_running_statistics_and_inference():
    rng = np.random.default_rng(12)
    layer = BatchNormalization(np.ones(3), np.zeros(3), momentum=0.8)
    batches = [rng.standard_normal((6, 3)) + 2 for _ in range(3)]
    mean, var = np.zeros(3), np.zeros(3)
    for batch in batches:
        layer.forward(batch, train_flg=True)
        mean = 0.8 * mean + 0.2 * batch.mean(axis=0)
        var = 0.8 * var + 0.2 * batch.var(axis=0)
    np.testing.assert_allclose(layer.running_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(layer.running_var, var, rtol=1e-12)
    x = rng.standard_normal((2, 3))
    np.testing.assert_allclose(
        layer.forward(x, train_flg=False), (x - mean) / np.sqrt(var + layer.eps), rtol=1e-12
    )
    assert layer.eps == 1e-7


def test_batchnorm_bad_shapes():
    layer = BatchNormalization(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"x has shape \(2, 4\) but gamma has shape \(3,\)"):
        layer.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="more than one value"):
        layer.forward(np.zeros((1, 3)), train_flg=True)


def test_torch_parity_batchnorm_training_mode():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(13)
    for shape in ((6, 4), (3, 4, 2, 3)):
        x = rng.standard_normal(shape) * 2 + 0.5
        gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
        layer = BatchNormalization(gamma, beta, eps=1e-5)
        out = layer.forward(x, train_flg=True)
        dout = rng.standard_normal(shape)
        dx = layer.backward(dout)
        tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
        tout = F.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
        tout.backward(torch.tensor(dout))
        for mine, theirs in (
            (out, tout),
            (dx, tx.grad),
            (layer.dgamma, tg.grad),
            (layer.dbeta, tb.grad),
        ):
            assert np.max(np.abs(mine - theirs.detach().numpy())) < 1e-10


def test_float32_stays_float32_and_agrees_with_float64():
    rng = np.random.default_rng(14)
    x64, W64 = rng.standard_normal((6, 5)), rng.standard_normal((5, 4))
    t = rng.integers(0, 4, 6)

    def run(dtype):
        layers = [
            Affine(W64.astype(dtype), np.zeros(4, dtype)),
            BatchNormalization(np.ones(4, dtype), np.zeros(4, dtype)),
            Sigmoid(),
            Dropout(0.5, rng=np.random.default_rng(15)),
            Tanh(),
            Relu(),
        ]
        h = x64.astype(dtype)
        for layer in layers:
            h = layer.forward(h, train_flg=True)
        last = SoftmaxWithLoss()
        loss = last.forward(h, t)
        d = last.backward(1.0)
        for layer in reversed(layers):
            d = layer.backward(d)
        return h, loss, d, layers[0].dW

    h32, loss32, dx32, dW32 = run(np.float32)
    h64, loss64, dx64, _ = run(np.float64)
    assert h32.dtype == dx32.dtype == dW32.dtype == np.float32
    np.testing.assert_allclose(h32, h64, rtol=1e-5, atol=1e-6)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(dx32, dx64, rtol=1e-3, atol=1e-6)


def test_classic_dropout_train_mask_unscaled_and_inference_scaled_monte_carlo():
    ratio = 0.3
    layer = ClassicDropout(ratio, rng=np.random.default_rng(30))
    x = np.full(200_000, 2.0)
    out = layer.forward(x, train_flg=True)
    # Kept units are passed unscaled: every output is 0 or exactly the input.
    assert set(np.unique(out)) == {0.0, 2.0}
    n = x.size
    assert abs(np.mean(out == 0) - ratio) < 5 * math.sqrt(ratio * (1 - ratio) / n)
    # Inference multiplies by the keep probability, which is the training output's expectation:
    # E[2 * mask] = 2 * 0.7 = 1.4; Monte-Carlo standard error 2 * sqrt(0.21 / n).
    test = layer.forward(x, train_flg=False)
    np.testing.assert_allclose(test, 2.0 * 0.7, rtol=1e-15)
    assert abs(out.mean() - test[0]) < 5 * 2 * math.sqrt(0.21 / n)


def test_classic_dropout_backward_and_gradients_in_both_modes():
    rng = np.random.default_rng(31)
    x = rng.standard_normal((6, 7))
    layer = ClassicDropout(0.4, rng=np.random.default_rng(32))
    out = layer.forward(x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), (out != 0).astype(float))
    fixed = ClassicDropout(0.4, rng=np.random.default_rng(33))
    fixed.reuse_mask = True
    assert layer_gradient_errors(fixed, x, rng)["x"] < TOL
    fixed.forward(x, train_flg=False)
    r = rng.standard_normal(x.shape)
    numeric = numerical_gradient(lambda _: float(np.sum(fixed.forward(x, train_flg=False) * r)), x)
    fixed.forward(x, train_flg=False)
    assert relative_error(fixed.backward(r), numeric) < TOL
    with pytest.raises(ValueError, match=r"\[0, 1\), got 1.0"):
        ClassicDropout(1.0)
    assert ClassicDropout(0.5).forward(np.ones(3, np.float32), train_flg=False).dtype == np.float32


def test_softmax_with_loss_backward_leaves_its_cache_alone_and_scales_by_dout():
    """backward scales a fresh array in place; y must not change, and dout still scales."""
    rng = np.random.default_rng(21)
    x, labels = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    layer = SoftmaxWithLoss()
    layer.forward(x, labels)
    y = layer.y.copy()
    onehot = np.eye(3)[labels]
    expected = (np.exp(x) / np.exp(x).sum(axis=1, keepdims=True) - onehot) / 4
    first = layer.backward(1.0)
    np.testing.assert_allclose(first, expected, rtol=1e-12)
    np.testing.assert_array_equal(layer.y, y)
    np.testing.assert_allclose(layer.backward(1.0), first, rtol=0)
    np.testing.assert_allclose(layer.backward(3), 3 * expected, rtol=1e-12)
    np.testing.assert_allclose(layer.backward(np.float64(0.5)), 0.5 * expected, rtol=1e-12)
    np.testing.assert_array_equal(layer.y, y)
