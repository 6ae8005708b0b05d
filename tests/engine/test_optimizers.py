"""Optimizers against update equations written here, and against torch.optim."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.engine import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

STEPS = 5


def gradient_sequence(seed=0, shape=(3, 2)):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(STEPS)]


def run(optimizer, theta0, grads):
    params = {"w": theta0.copy()}
    array = params["w"]
    for g in grads:
        optimizer.update(params, {"w": g})
    assert params["w"] is array  # updated in place, never rebound
    return params["w"]


def scalar_reference(theta0, grads, step):
    """Apply a per-element scalar update rule, element by element, in plain Python floats."""
    out = np.empty_like(theta0)
    for idx in np.ndindex(theta0.shape):
        state = {}
        theta = float(theta0[idx])
        for t, g in enumerate(grads, start=1):
            theta = step(theta, float(g[idx]), t, state)
        out[idx] = theta
    return out


def test_sgd():
    theta0, grads = np.ones((3, 2)), gradient_sequence()
    expected = scalar_reference(theta0, grads, lambda th, g, t, s: th - 0.1 * g)
    np.testing.assert_allclose(run(SGD(lr=0.1), theta0, grads), expected, rtol=1e-13)


def test_momentum():
    def step(th, g, t, s):
        s["v"] = 0.9 * s.get("v", 0.0) - 0.05 * g
        return th + s["v"]

    theta0, grads = np.ones((3, 2)), gradient_sequence(1)
    got = run(Momentum(lr=0.05, momentum=0.9), theta0, grads)
    np.testing.assert_allclose(got, scalar_reference(theta0, grads, step), rtol=1e-13)


def test_nesterov_uses_the_old_velocity():
    mu, lr = 0.8, 0.05

    def step(th, g, t, s):
        v_old = s.get("v", 0.0)
        th = th + mu * mu * v_old - (1 + mu) * lr * g
        s["v"] = mu * v_old - lr * g
        return th

    theta0, grads = np.ones((3, 2)), gradient_sequence(2)
    got = run(Nesterov(lr=lr, momentum=mu), theta0, grads)
    np.testing.assert_allclose(got, scalar_reference(theta0, grads, step), rtol=1e-13)


def test_adagrad_counts_the_first_gradient():
    def step(th, g, t, s):
        s["h"] = s.get("h", 0.0) + g * g
        return th - 0.1 * g / (math.sqrt(s["h"]) + 1e-7)

    theta0, grads = np.ones((3, 2)), gradient_sequence(3)
    got = run(AdaGrad(lr=0.1), theta0, grads)
    np.testing.assert_allclose(got, scalar_reference(theta0, grads, step), rtol=1e-13)
    # first step: h = g^2, so the step is lr * sign(g) (up to eps), never a division by 0
    first = run(AdaGrad(lr=0.1), theta0, grads[:1])
    np.testing.assert_allclose(first, theta0 - 0.1 * np.sign(grads[0]), atol=1e-6)


def test_rmsprop():
    def step(th, g, t, s):
        s["h"] = 0.9 * s.get("h", 0.0) + 0.1 * g * g
        return th - 0.01 * g / (math.sqrt(s["h"]) + 1e-7)

    theta0, grads = np.ones((3, 2)), gradient_sequence(4)
    got = run(RMSprop(lr=0.01, decay_rate=0.9), theta0, grads)
    np.testing.assert_allclose(got, scalar_reference(theta0, grads, step), rtol=1e-13)


def adam_reference(theta0, grads, lr, b1, b2, eps, form):
    def step(th, g, t, s):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        if form == "paper":
            m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
            return th - lr * m_hat / (math.sqrt(v_hat) + eps)
        lr_t = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        return th - lr_t * s["m"] / (math.sqrt(s["v"]) + eps)

    return scalar_reference(theta0, grads, step)


@pytest.mark.parametrize("form", ["paper", "dlfs"])
def test_adam_forms_follow_their_equations(form):
    theta0, grads = np.ones((3, 2)), [0.01 * g for g in gradient_sequence(5)]
    got = run(Adam(lr=0.01, eps=1e-3, form=form), theta0, grads)
    expected = adam_reference(theta0, grads, 0.01, 0.9, 0.999, 1e-3, form)
    np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_adam_forms_equal_without_eps_and_differ_with_it():
    theta0, grads = np.ones((3, 2)), [0.01 * g for g in gradient_sequence(6)]
    paper0 = run(Adam(lr=0.01, eps=0.0, form="paper"), theta0, grads)
    dlfs0 = run(Adam(lr=0.01, eps=0.0, form="dlfs"), theta0, grads)
    np.testing.assert_allclose(paper0, dlfs0, rtol=1e-14)
    paper = run(Adam(lr=0.01, eps=1e-3, form="paper"), theta0, grads)
    dlfs = run(Adam(lr=0.01, eps=1e-3, form="dlfs"), theta0, grads)
    assert np.max(np.abs(paper - dlfs)) > 1e-4
    with pytest.raises(ValueError, match="'adamw'"):
        Adam(form="adamw")


def test_optimizer_bad_input():
    with pytest.raises(ValueError, match=r"'w' has shape \(2,\) but its gradient has shape \(3,\)"):
        SGD().update({"w": np.zeros(2)}, {"w": np.zeros(3)})
    with pytest.raises(KeyError, match="'b'"):
        SGD().update({"w": np.zeros(2)}, {"b": np.zeros(2)})


def test_torch_parity_optimizer_steps():
    torch = pytest.importorskip("torch")
    theta0 = np.random.default_rng(7).standard_normal((4, 3))
    grads = gradient_sequence(8, (4, 3))
    cases = [
        (Adam(lr=0.01, eps=1e-8), lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-8)),
        (
            RMSprop(lr=0.01, decay_rate=0.99, eps=1e-7),
            lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-7),
        ),
        (AdaGrad(lr=0.1, eps=1e-7), lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-7)),
        # torch's buffer b = mu*b + g, theta -= lr*b is Momentum with v = -lr*b
        (Momentum(lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        (
            Nesterov(lr=0.05, momentum=0.9),
            lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        ),
    ]
    for mine, make_torch in cases:
        ours = run(mine, theta0, grads)
        w = torch.tensor(theta0.copy(), requires_grad=True)
        opt = make_torch([w])
        for g in grads:
            w.grad = torch.tensor(g)
            opt.step()
        assert np.max(np.abs(ours - w.detach().numpy())) < 1e-10, type(mine).__name__
