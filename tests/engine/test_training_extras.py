"""Activations (Leaky ReLU, ELU, GELU, Swish), AdamW, LR schedules, clipping: against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eprep.engine import (
    SGD,
    AdamW,
    CosineLR,
    Elu,
    Gelu,
    LeakyRelu,
    StepLR,
    Swish,
    WarmupCosineLR,
    clip_by_value,
    numerical_gradient,
)

LAYERS = [
    (lambda: LeakyRelu(0.1), lambda: torch.nn.LeakyReLU(0.1)),
    (lambda: Elu(1.3), lambda: torch.nn.ELU(1.3)),
    (Gelu, lambda: torch.nn.GELU(approximate="none")),
    (lambda: Swish(1.0), torch.nn.SiLU),
]


@pytest.mark.parametrize("ours, theirs", LAYERS)
def test_activation_layers_match_torch_forward_and_backward(ours, theirs) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 5)) * 3
    dout = rng.standard_normal((6, 5))
    layer = ours()
    y = layer.forward(x)
    dx = layer.backward(dout)
    xt = torch.tensor(x, requires_grad=True)
    yt = theirs()(xt)
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ours, _", LAYERS)
def test_activation_backward_is_the_numerical_gradient(ours, _) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4)) * 2 + 0.05  # away from the kink at 0
    dout = rng.standard_normal((3, 4))
    layer = ours()
    layer.forward(x)
    numeric = numerical_gradient(lambda a: float(np.sum(ours().forward(a) * dout)), x.copy())
    np.testing.assert_allclose(layer.backward(dout), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("weight_decay", [0.0, 0.01, 0.3])
def test_adamw_matches_torch(weight_decay: float) -> None:
    rng = np.random.default_rng(2)
    w0 = rng.standard_normal((3, 2))
    grads = [rng.standard_normal((3, 2)) for _ in range(6)]
    ours = {"W": w0.copy()}
    optimizer = AdamW(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=weight_decay)
    theirs = torch.tensor(w0.copy(), requires_grad=True)
    reference = torch.optim.AdamW(
        [theirs], lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=weight_decay
    )
    for g in grads:
        optimizer.update(ours, {"W": g})
        theirs.grad = torch.tensor(g)
        reference.step()
    np.testing.assert_allclose(ours["W"], theirs.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_adamw_differs_from_l2_in_adam() -> None:
    # torch.optim.Adam's weight_decay is L2 (added to the gradient); AdamW's is decoupled.
    w0 = np.array([2.0, -0.5])
    ours = {"W": w0.copy()}
    optimizer = AdamW(lr=0.1, weight_decay=0.5)
    l2 = torch.tensor(w0.copy(), requires_grad=True)
    adam = torch.optim.Adam([l2], lr=0.1, weight_decay=0.5)
    for _ in range(3):
        optimizer.update(ours, {"W": np.zeros(2)})
        l2.grad = torch.zeros(2, dtype=torch.float64)
        adam.step()
    # zero loss gradient: AdamW shrinks geometrically, L2-in-Adam moves by ~lr per step
    np.testing.assert_allclose(ours["W"], w0 * (1 - 0.1 * 0.5) ** 3, rtol=1e-12)
    np.testing.assert_allclose(l2.detach().numpy(), w0 - 0.3 * np.sign(w0), rtol=0.05)


def _torch_rates(make, steps: int) -> list[float]:
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=0.4)
    scheduler = make(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def _our_rates(make, steps: int) -> list[float]:
    optimizer = SGD(lr=0.4)
    schedule = make(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(optimizer.lr)
        schedule.step()
    return rates


def test_step_and_cosine_schedules_match_torch() -> None:
    step_ours = _our_rates(lambda o: StepLR(o, step_size=3, gamma=0.5), 10)
    step_torch = _torch_rates(
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10
    )
    np.testing.assert_allclose(step_ours, step_torch, rtol=1e-12)
    cos_ours = _our_rates(lambda o: CosineLR(o, total=8, min_lr=0.01), 9)
    cos_torch = _torch_rates(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.01), 9
    )
    np.testing.assert_allclose(cos_ours, cos_torch, rtol=1e-9)


def test_warmup_then_cosine_by_hand() -> None:
    rates = _our_rates(lambda o: WarmupCosineLR(o, warmup=4, total=8), 9)
    # warm-up 0.1, 0.2, 0.3, 0.4; then 0.4 (1 + cos(pi k / 4)) / 2 for k = 0..4
    half = np.sqrt(2) / 2
    expected = [0.1, 0.2, 0.3, 0.4, 0.4, 0.2 * (1 + half), 0.2, 0.2 * (1 - half), 0.0]
    np.testing.assert_allclose(rates, expected, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="warm-up"):
        WarmupCosineLR(SGD(), warmup=5, total=5)


def test_clip_by_value_matches_torch() -> None:
    rng = np.random.default_rng(3)
    grads = [rng.standard_normal((4, 3)) * 2, rng.standard_normal(5) * 2]
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads, strict=True):
        t.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_value_(tensors, 0.7)
    clip_by_value(grads, 0.7)
    for t, g in zip(tensors, grads, strict=True):
        np.testing.assert_array_equal(g, t.grad.numpy())
