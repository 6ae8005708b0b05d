"""LayerNorm, GroupNorm, InstanceNorm and LRN.

Oracles: central-difference gradients (gradient_checks), torch.nn.functional (forward and backward),
per-sample loops written from each paper's definition, and which outputs a perturbed input moves.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL, layer_gradient_errors

from eprep.engine import GroupNorm, InstanceNorm, LayerNorm, LocalResponseNormalization


def loop_standardize(values, eps):
    """(v - mean)/sqrt(biased var + eps), computed with plain Python sums."""
    values = list(values)
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    return [(v - mean) / (var + eps) ** 0.5 for v in values]


def test_layernorm_rows_against_a_loop():
    rng = np.random.default_rng(1)
    x, g, b = rng.standard_normal((4, 5)), rng.standard_normal(5), rng.standard_normal(5)
    out = LayerNorm(g, b, eps=1e-3).forward(x)
    for n in range(4):
        want = [g[d] * v + b[d] for d, v in enumerate(loop_standardize(x[n], 1e-3))]
        np.testing.assert_allclose(out[n], want, rtol=1e-12)


def test_groupnorm_groups_against_a_loop():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 3, 2))
    g, b = rng.standard_normal(6), rng.standard_normal(6)
    out = GroupNorm(3, g, b, eps=1e-2).forward(x)
    for n in range(2):
        for group in range(3):
            channels = [2 * group, 2 * group + 1]
            values = [x[n, c, i, j] for c in channels for i in range(3) for j in range(2)]
            xn = iter(loop_standardize(values, 1e-2))
            for c in channels:
                for i in range(3):
                    for j in range(2):
                        assert out[n, c, i, j] == pytest.approx(g[c] * next(xn) + b[c], rel=1e-12)


def moved_outputs(layer, shape, rng):
    """Which outputs change when only x[0, 0, 0, 0] changes: the values sharing its statistics."""
    x = rng.standard_normal(shape)
    base = layer.forward(x.copy())
    x[0, 0, 0, 0] += 0.5
    return np.abs(layer.forward(x) - base) > 1e-12


def test_each_norm_shares_statistics_over_its_documented_axes():
    rng = np.random.default_rng(3)
    shape = (3, 6, 4, 5)
    ones, zeros = np.ones(6), np.zeros(6)
    layer = moved_outputs(LayerNorm(np.ones(shape[1:]), np.zeros(shape[1:])), shape, rng)
    assert layer[0].all() and not layer[1:].any()  # the whole first sample, nothing else
    group = moved_outputs(GroupNorm(3, ones, zeros), shape, rng)
    assert group[0, :2].all() and not group[0, 2:].any() and not group[1:].any()
    instance = moved_outputs(InstanceNorm(ones, zeros), shape, rng)
    assert instance[0, 0].all() and instance.sum() == 4 * 5


LAYER_CASES = [
    (lambda rng: LayerNorm(rng.standard_normal(5), rng.standard_normal(5)), (4, 5)),
    (
        lambda rng: LayerNorm(rng.standard_normal((3, 2, 2)), rng.standard_normal((3, 2, 2))),
        (2, 3, 2, 2),
    ),
    (lambda rng: GroupNorm(2, rng.standard_normal(4), rng.standard_normal(4)), (2, 4, 3, 3)),
    (lambda rng: GroupNorm(1, rng.standard_normal(4), rng.standard_normal(4)), (3, 4, 2)),
    (lambda rng: GroupNorm(3, rng.standard_normal(3), rng.standard_normal(3)), (2, 3)),
    (lambda rng: InstanceNorm(rng.standard_normal(3), rng.standard_normal(3)), (2, 3, 3, 4)),
]


@pytest.mark.parametrize(("make", "shape"), LAYER_CASES)
def test_gradients_against_central_differences(make, shape):
    rng = np.random.default_rng(4)
    layer = make(rng)
    errors = layer_gradient_errors(layer, rng.standard_normal(shape), rng, ("gamma", "beta"))
    assert max(errors.values()) < TOL, errors


def test_lrn_against_the_papers_sum_and_gradient():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 7, 2, 3))
    layer = LocalResponseNormalization(n=5, k=2.0, alpha=0.2, beta=0.75)
    out = layer.forward(x)
    for c in range(7):
        window = range(max(0, c - 2), min(6, c + 2) + 1)
        denominator = (2.0 + 0.2 * sum(x[:, j] ** 2 for j in window)) ** 0.75
        np.testing.assert_allclose(out[:, c], x[:, c] / denominator, rtol=1e-12)
    errors = layer_gradient_errors(layer, x, rng)
    assert errors["x"] < TOL


def test_input_errors_are_one_line_value_errors():
    with pytest.raises(ValueError, match=r"num_groups 4 must .* divide the 6 channels"):
        GroupNorm(4, np.ones(6), np.zeros(6))
    with pytest.raises(ValueError, match=r"x must be \(N, \.\.\., 5\)"):
        LayerNorm(np.ones(5), np.zeros(5)).forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="at least one spatial axis"):
        InstanceNorm(np.ones(3), np.zeros(3)).forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="positive odd"):
        LocalResponseNormalization(n=4)
    with pytest.raises(ValueError, match="eps must be positive"):
        LayerNorm(np.ones(2), np.zeros(2), eps=0)


def torch_check(torch, ours, theirs, x, params, rng):
    """Forward outputs and every gradient equal torch's for a random upstream gradient."""
    out = ours.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = ours.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tout = theirs(tx, **tparams)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    for k, t in tparams.items():
        np.testing.assert_allclose(getattr(ours, "d" + k), t.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_torch_parity_layer_group_instance_norm_and_lrn():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 6, 4, 5))
    g, b = rng.standard_normal((6, 4, 5)), rng.standard_normal((6, 4, 5))
    torch_check(
        torch,
        LayerNorm(g, b),
        lambda t, gamma, beta: F.layer_norm(t, (6, 4, 5), gamma, beta, eps=1e-5),
        x,
        {"gamma": g, "beta": b},
        rng,
    )
    g, b = rng.standard_normal(6), rng.standard_normal(6)
    torch_check(
        torch,
        LayerNorm(g, b, eps=1e-3),
        lambda t, gamma, beta: F.layer_norm(t, (6,), gamma, beta, eps=1e-3),
        x.transpose(0, 2, 3, 1).copy(),
        {"gamma": g, "beta": b},
        rng,
    )
    for groups in (1, 2, 3, 6):
        torch_check(
            torch,
            GroupNorm(groups, g, b),
            lambda t, gamma, beta, G=groups: F.group_norm(t, G, gamma, beta, eps=1e-5),
            x,
            {"gamma": g, "beta": b},
            rng,
        )
    torch_check(
        torch,
        InstanceNorm(g, b),
        lambda t, gamma, beta: F.instance_norm(t, weight=gamma, bias=beta, eps=1e-5),
        x,
        {"gamma": g, "beta": b},
        rng,
    )
    # torch averages the squares (alpha / n); the paper sums them.
    torch_check(
        torch,
        LocalResponseNormalization(n=5, k=2.0, alpha=0.3, beta=0.75),
        lambda t: F.local_response_norm(t, 5, alpha=0.3 * 5, beta=0.75, k=2.0),
        x,
        {},
        rng,
    )
