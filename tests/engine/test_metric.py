"""Contrastive, triplet and InfoNCE losses against hand values, central differences and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL

from eprep.engine import numerical_gradient
from eprep.engine.gradcheck import relative_error
from eprep.engine.metric import (
    InfoNCE,
    contrastive_loss,
    info_nce_from_similarities,
    pseudo_label_loss,
    triplet_loss,
    triplet_loss_grad,
)


def test_contrastive_loss_by_hand():
    x1 = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    x2 = np.array([[3.0, 4.0], [0.3, 0.4], [1.0, 1.0]])
    # distances 5, 0.5, 0; similar pair (y=1) 0: 25/2; dissimilar within margin 2: (1.5)^2/2;
    # identical dissimilar pair: 2^2/2.
    got = contrastive_loss(x1[:1], x2[:1], [1], margin=2.0)
    assert got == pytest.approx(12.5)
    assert contrastive_loss(x1[1:2], x2[1:2], [0], margin=2.0) == pytest.approx(1.125)
    assert contrastive_loss(x1, x2, [1, 0, 0], 2.0) == pytest.approx((12.5 + 1.125 + 2.0) / 3)
    far = contrastive_loss(x1[:1], x2[:1], [0], margin=2.0)
    assert far == 0.0


def test_triplet_parity_with_torch_and_gradient():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, p, n = (rng.standard_normal((6, 4)) for _ in range(3))
    ta, tp, tn = (torch.tensor(v, requires_grad=True) for v in (a, p, n))
    want = torch.nn.TripletMarginLoss(margin=1.5, p=2, eps=0.0)(ta, tp, tn)
    want.backward()
    assert triplet_loss(a, p, n, 1.5) == pytest.approx(float(want.detach()), rel=1e-12)
    ga, gp, gn = triplet_loss_grad(a, p, n, 1.5)
    assert np.allclose(ga, ta.grad.numpy()) and np.allclose(gp, tp.grad.numpy())
    assert np.allclose(gn, tn.grad.numpy())
    num = numerical_gradient(lambda _: triplet_loss(a, p, n, 1.5), a)
    assert relative_error(ga, num) < 1e-6


def test_triplet_by_hand_and_beyond_the_margin():
    a, p, n = np.array([0.0, 0.0]), np.array([3.0, 4.0]), np.array([6.0, 8.0])
    assert triplet_loss(a, p, n, 1.0) == 0.0  # 5 - 10 + 1 < 0
    assert triplet_loss(a, n, p, 1.0) == pytest.approx(6.0)  # 10 - 5 + 1


def test_info_nce_is_cross_entropy_of_scaled_similarities_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(1)
    q, k = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    tau = 0.2
    tq, tk = torch.tensor(q, requires_grad=True), torch.tensor(k, requires_grad=True)
    want = F.cross_entropy(tq @ tk.T / tau, torch.arange(5))
    want.backward()
    loss = InfoNCE(tau)
    assert loss.forward(q, k) == pytest.approx(float(want.detach()), rel=1e-12)
    dq, dk = loss.backward()
    assert np.allclose(dq, tq.grad.numpy()) and np.allclose(dk, tk.grad.numpy())


def test_info_nce_gradient_numeric():
    rng = np.random.default_rng(2)
    q, k = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    loss = InfoNCE(0.5)
    loss.forward(q, k)
    dq, dk = loss.backward()
    assert relative_error(dq, numerical_gradient(lambda _: loss.forward(q, k), q)) < TOL
    assert relative_error(dk, numerical_gradient(lambda _: loss.forward(q, k), k)) < TOL


def test_info_nce_from_similarities_by_hand():
    sims = np.array([0.8, 0.1, -0.3])
    tau = 0.5
    hand = -np.log(np.exp(1.6) / (np.exp(1.6) + np.exp(0.2) + np.exp(-0.6)))
    assert info_nce_from_similarities(sims, tau) == pytest.approx(hand)
    with pytest.raises(ValueError):
        InfoNCE(0.0)


def test_pseudo_label_loss_by_hand_and_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    weak = np.array([[6.0, 0.0, 0.0], [1.0, 0.8, 0.0], [0.0, 0.0, 5.0]])
    strong = np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 0.0], [0.5, 0.0, 1.5]])
    # softmax(weak) maxima: 0.995 (class 0), 0.44 (masked out), 0.987 (class 2).
    mask = torch.tensor([1.0, 0.0, 1.0])
    ce = F.cross_entropy(torch.tensor(strong), torch.tensor([0, 0, 2]), reduction="none")
    want = float((mask * ce).sum() / 3)  # divided by all three unlabelled samples
    assert pseudo_label_loss(weak, strong, 0.95) == pytest.approx(want, rel=1e-12)
    assert pseudo_label_loss(weak, strong, 0.999) == 0.0
