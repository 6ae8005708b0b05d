"""Pruning, distillation and int8 quantisation against independent oracles.

Oracles: counts and thresholds worked out by hand, central differences of the loss, PyTorch's
F.kl_div / F.cross_entropy for the distillation loss, and a quantisation derived by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL

from eprep.engine import numerical_gradient
from eprep.engine.gradcheck import relative_error
from eprep.engine.lightweight import (
    DistillationLoss,
    dequantize,
    global_magnitude_prune,
    magnitude_prune,
    quantize_affine,
    quantize_symmetric,
    reconstruction_error,
    soft_target_gradient,
    softmax_with_temperature,
    sparsity_of,
)
from eprep.engine.parallel import (
    data_parallel_gradient,
    idle_fraction,
    pipeline_schedule,
    ring_allreduce,
)


def test_magnitude_prune_removes_the_smallest_by_hand():
    W = np.array([[0.3, -0.1, 2.0], [-0.05, 1.5, -0.7]])
    pruned, mask = magnitude_prune(W, 0.5)
    # |w| sorted: 0.05, 0.1, 0.3 | 0.7, 1.5, 2.0: the first three go.
    assert pruned.tolist() == [[0.0, 0.0, 2.0], [0.0, 1.5, -0.7]]
    assert mask.sum() == 3
    assert sparsity_of(pruned) == 0.5


def test_global_prune_differs_from_per_layer():
    small = np.array([0.01, -0.02, 0.03, 0.04])
    large = np.array([1.0, -2.0, 3.0, 0.5])
    _, masks = global_magnitude_prune([small, large], 0.5)
    # The four smallest of all eight are the whole small layer.
    assert masks[0].sum() == 0 and masks[1].sum() == 4
    per_layer = [magnitude_prune(w, 0.5)[1].sum() for w in (small, large)]
    assert per_layer == [2, 2]
    with pytest.raises(ValueError):
        magnitude_prune(small, 1.5)


def test_temperature_softens_and_keeps_order():
    z = np.array([2.0, 1.0, -1.0])
    hand = np.exp(z / 4) / np.exp(z / 4).sum()
    assert np.allclose(softmax_with_temperature(z, 4.0), hand)
    p1, p4 = softmax_with_temperature(z, 1.0), softmax_with_temperature(z, 4.0)
    assert p4.max() < p1.max() and np.argmax(p4) == 0
    entropy = [-(p * np.log(p)).sum() for p in (p1, p4)]
    assert entropy[1] > entropy[0]


@pytest.mark.parametrize(("T", "alpha"), [(1.0, 0.5), (3.0, 0.7), (5.0, 1.0), (2.0, 0.0)])
def test_distillation_gradient_numeric(T, alpha):
    rng = np.random.default_rng(1)
    zs, zt = rng.standard_normal((4, 5)), rng.standard_normal((4, 5)) * 2
    labels = np.array([0, 3, 2, 4])
    loss = DistillationLoss(T, alpha)
    loss.forward(zs, zt, labels)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda _: loss.forward(zs, zt, labels), zs)
    assert relative_error(analytic, numeric) < TOL


def test_soft_gradient_is_T_times_difference_and_T2_keeps_its_scale():
    rng = np.random.default_rng(2)
    zs, zt = rng.standard_normal(6), rng.standard_normal(6)
    for T in (2.0, 8.0):

        def soft(z, T=T):
            return DistillationLoss(T, 1.0).forward(z, zt, [0])

        numeric = numerical_gradient(soft, zs.copy())
        assert relative_error(soft_target_gradient(zs, zt, T), numeric) < TOL
    # High-T limit (Hinton et al. §2.1): T (p_s - p_t) -> (z_s - z_t)/K for zero-mean logits.
    zs0, zt0 = zs - zs.mean(), zt - zt.mean()
    limit = soft_target_gradient(zs0, zt0, 1e4)
    assert np.allclose(limit, (zs0 - zt0) / 6, atol=1e-4)


def test_distillation_parity_with_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    zs, zt = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    labels = np.array([1, 0, 3, 2, 1])
    T, alpha = 3.0, 0.6
    s = torch.tensor(zs, requires_grad=True)
    t = torch.tensor(zt)
    soft = F.kl_div(
        F.log_softmax(s / T, dim=1),
        F.log_softmax(t / T, dim=1),
        reduction="batchmean",
        log_target=True,
    )
    hard = F.cross_entropy(s, torch.tensor(labels))
    want = alpha * T**2 * soft + (1 - alpha) * hard
    want.backward()
    loss = DistillationLoss(T, alpha)
    assert loss.forward(zs, zt, labels) == pytest.approx(float(want.detach()), rel=1e-12)
    assert np.allclose(loss.backward(), s.grad.numpy(), atol=1e-12)


def test_affine_quantisation_by_hand():
    W = np.array([[-1.0, 0.5], [0.2, 2.0]])
    q, scale, zero = quantize_affine(W)
    # Range [-1, 2] over 255 steps: s = 3/255 = 1/85; z = round(1/s) = 85;
    # q = round(w * 85) + 85: -85 + 85 = 0, 42.5 -> 42 (half to even) + 85 = 127,
    # 17 + 85 = 102, 170 + 85 = 255.
    assert scale == pytest.approx(1 / 85)
    assert zero == 85
    assert q.tolist() == [[0, 127], [102, 255]]
    back = dequantize(q, scale, zero)
    assert np.allclose(back, [[-1.0, 42 / 85], [0.2, 2.0]], rtol=0, atol=1e-15)
    err = reconstruction_error(W, back)
    assert err["max_abs"] == pytest.approx(0.5 / 85)
    # Zero is representable exactly, and every weight is within half a step.
    assert dequantize(np.array([zero]), scale, zero)[0] == 0.0
    rng = np.random.default_rng(4)
    V = rng.uniform(-0.3, 1.7, size=(20, 20))
    qv, sv, zv = quantize_affine(V)
    assert qv.min() >= 0 and qv.max() <= 255
    assert reconstruction_error(V, dequantize(qv, sv, zv))["max_abs"] <= sv / 2 + 1e-12


def test_affine_range_always_includes_zero():
    q, scale, zero = quantize_affine(np.array([0.5, 1.0, 3.0]))
    assert zero == 0 and scale == pytest.approx(3 / 255)
    assert q.tolist() == [round(0.5 * 85), 85, 255]


def test_symmetric_quantisation_by_hand():
    W = np.array([-0.635, 0.127, 1.27, -1.0])
    q, scale = quantize_symmetric(W)
    # s = 1.27/127 = 0.01: -63.5 -> -64 (to even), 12.7 -> 13, 127, -100.
    assert scale == pytest.approx(0.01)
    assert q.tolist() == [-64, 13, 127, -100]
    grid = np.linspace(-1.27, 1.27, 10001)
    qg, sg = quantize_symmetric(grid)
    worst = reconstruction_error(grid, dequantize(qg, sg))["max_abs"]
    assert worst == pytest.approx(sg / 2, rel=1e-3)


def test_data_parallel_average_is_full_batch_gradient():
    rng = np.random.default_rng(5)
    x, t = rng.standard_normal((10, 3)), rng.standard_normal(10)
    w = rng.standard_normal(3)

    def grad(xs, ts):  # mean squared error of a linear model, by central differences
        def loss(_):
            return float(np.mean((xs @ w - ts) ** 2))

        return numerical_gradient(loss, w)

    full = grad(x, t)
    for k in (2, 3, 4):  # 3 and 4 give unequal shards
        assert np.allclose(data_parallel_gradient(grad, x, t, k), full, atol=1e-9)
    unweighted = np.mean([grad(x[i], t[i]) for i in np.array_split(np.arange(10), 4)], axis=0)
    assert not np.allclose(unweighted, full, atol=1e-6)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_ring_allreduce_sums_and_sends_2_k_minus_1_over_k(k):
    rng = np.random.default_rng(k)
    arrays = [rng.standard_normal((k * 3, 2)) for _ in range(k)]
    results, sent = ring_allreduce(arrays)
    total = np.sum(arrays, axis=0)
    assert all(np.allclose(r, total) for r in results)
    m = arrays[0].size
    assert sent == [2 * (k - 1) * m // k] * k


def test_pipeline_without_micro_batches_keeps_one_device_busy():
    grid = pipeline_schedule(4, 1)
    # One micro-batch walks down the stages: a diagonal, 3 of every 4 slots idle.
    assert grid.tolist() == [[0, -1, -1, -1], [-1, 0, -1, -1], [-1, -1, 0, -1], [-1, -1, -1, 0]]
    assert idle_fraction(grid) == 0.75


@pytest.mark.parametrize(("stages", "micro"), [(2, 3), (3, 4), (4, 8)])
def test_pipeline_schedule_by_counting(stages, micro):
    grid = pipeline_schedule(stages, micro)
    # Each stage handles every micro-batch once, in order, one step after the previous stage.
    for s in range(stages):
        row = grid[s]
        assert [m for m in row if m >= 0] == list(range(micro))
        assert int(np.flatnonzero(row >= 0)[0]) == s
    # Hand count: stage s works in steps s .. s + micro - 1 of stages + micro - 1 steps.
    steps = stages + micro - 1
    assert grid.shape == (stages, steps)
    assert idle_fraction(grid) == pytest.approx(
        (stages * steps - stages * micro) / (stages * steps)
    )
