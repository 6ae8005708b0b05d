"""Probes for day2 regularisation: L2/L1 penalties and their gradients, weight decay on weights.

The penalty terms are isolated inside real engine networks: with an all-zero input batch the
data term does not depend on W1 at all (the first layer computes 0 @ W1), so the gradient of the
loss with respect to W1 is the penalty's alone. Gradients are measured by central differences of
the engine's loss (`numerical_gradient`), not taken from the engine's backward pass (which adds
the decay term by its own formula); the backward pass must agree with them. A penalty's value is
measured as the work its backward-pass gradient does along the straight path from 0 to the
weights, and the engine's loss must agree with that.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Samples, Value, code_probe, probe


def _net(rng: np.random.Generator, seed: int | None = None, **kwargs: Any):
    """A small engine MultiLayerNet; nets built with the same seed start with equal weights."""
    from eprep.engine import MultiLayerNet

    generator = np.random.default_rng(seed) if seed is not None else rng
    kwargs.setdefault("hidden_size_list", [5])
    return MultiLayerNet(4, kwargs.pop("hidden_size_list"), 3, rng=generator, **kwargs)


def _zero_batch(n_in: int = 4, batch: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """An all-zero input batch (the data term has no gradient for W1) with one-hot targets."""
    return np.zeros((batch, n_in)), np.eye(3)[np.arange(batch) % 3]


def _penalty_gradient_w1(net, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dW1 by central differences of the engine's loss, checked against its backward pass."""
    from eprep.engine import numerical_gradient

    measured = numerical_gradient(lambda _: net.loss(x, t), net.params["W1"])
    backward = net.gradient(x, t)["W1"]
    if not np.allclose(backward, measured, rtol=1e-6, atol=1e-9):
        error = float(np.max(np.abs(backward - measured)))
        raise AssertionError(f"the backward pass differs from the loss's slope by {error:.3g}")
    return measured


# A penalty is quadratic or piecewise linear in each weight, so central differences are exact up
# to round-off: about 1e-16 * |loss| / h with h = 1e-4.
_FD_REL, _FD_ABS = 1e-7, 1e-10


@probe("l2_penalty_gradient_samples")
def l2_penalty_gradient_samples(variant: Params, rng: np.random.Generator) -> Samples:
    """dL/dw of the engine's L2 weight decay (strength wd) at random weights w."""
    net = _net(rng, weight_decay_lambda=float(variant["wd"]))
    net.params["W1"][...] = rng.uniform(-3.0, 3.0, net.params["W1"].shape)
    x, t = _zero_batch()
    grad = _penalty_gradient_w1(net, x, t)
    ws = net.params["W1"].ravel()
    return Samples(
        points=[{"w": float(w)} for w in ws],
        values=[float(g) for g in grad.ravel()],
        rel_tol=_FD_REL,
        abs_tol=_FD_ABS,
    )


@probe("l1_penalty_gradient")
def l1_penalty_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """dL/dw of the engine's L1 penalty (strength wd) at the weight w = variant["w"]."""
    net = _net(rng, l1_lambda=float(variant["wd"]))
    net.params["W1"][0, 0] = float(variant["w"])
    x, t = _zero_batch()
    return Value(float(_penalty_gradient_w1(net, x, t)[0, 0]), rel_tol=_FD_REL, abs_tol=_FD_ABS)


def penalty_by_work(with_penalty, without, x: np.ndarray, t: np.ndarray) -> float:
    """The penalty at the nets' (equal) parameters θ, as the integral of its gradient from 0.

    P(θ) = ∫_0^1 ∇P(sθ)·θ ds with P(0) = 0, where ∇P is the difference of the two nets'
    backward-pass gradients at sθ (the data term cancels). Along the path ∇P·θ is linear in s
    for weight decay and constant for L1 (on s > 0), so two-point Gauss-Legendre quadrature,
    which is exact up to cubics and never evaluates s = 0, gives the integral exactly.
    """
    theta = {key: value.copy() for key, value in with_penalty.params.items()}

    def slope(s: float) -> float:
        for net in (with_penalty, without):
            for key, value in theta.items():
                net.params[key][...] = s * value
        g1, g0 = with_penalty.gradient(x, t), without.gradient(x, t)
        return float(sum(np.sum((g1[key] - g0[key]) * theta[key]) for key in theta))

    offset = 0.5 / np.sqrt(3.0)
    work = (slope(0.5 - offset) + slope(0.5 + offset)) / 2.0
    for net in (with_penalty, without):  # leave both nets at θ
        for key, value in theta.items():
            net.params[key][...] = value
    return work


@probe("l2_penalty_loss")
def l2_penalty_loss(variant: Params, rng: np.random.Generator) -> Value:
    """What L2 weight decay adds to the loss of an n-h-o net whose parameters all equal c.

    Measured as the work of the decay's gradient (penalty_by_work); the engine's loss must rise
    by the same amount.
    """
    n, h, o, c = int(variant["n"]), int(variant["h"]), int(variant["o"]), float(variant["c"])
    from eprep.engine import MultiLayerNet

    x = rng.standard_normal((4, n))
    t = np.eye(o)[rng.integers(0, o, size=4)]
    nets = [
        MultiLayerNet(n, [h], o, weight_decay_lambda=wd, rng=np.random.default_rng(7))
        for wd in (float(variant["wd"]), 0.0)
    ]
    for net in nets:
        for key in ("W1", "b1", "W2", "b2"):  # biases too: decay must still ignore them
            net.params[key][...] = c
    work = penalty_by_work(nets[0], nets[1], x, t)
    rise = nets[0].loss(x, t) - nets[1].loss(x, t)
    if not np.isclose(rise, work, rtol=1e-9, atol=1e-12):
        raise AssertionError(f"the loss rises by {rise:.10g}, the penalty's work is {work:.10g}")
    return Value(work, rel_tol=1e-9, abs_tol=1e-12)


@probe("decay_steps")
def decay_steps(variant: Params, rng: np.random.Generator, penalty: str = "l2") -> Value:
    """A weight w after k SGD steps (lr eta) that see only the L2 or L1 penalty's gradient.

    Each step's gradient of W1 is measured by central differences of the engine's loss on an
    all-zero batch (so only the penalty depends on W1), checked against the backward pass.
    """
    from eprep.engine import SGD

    wd = float(variant["wd"])
    kwargs: dict[str, Any] = {"weight_decay_lambda": wd} if penalty == "l2" else {"l1_lambda": wd}
    net = _net(rng, **kwargs)
    net.params["W1"][0, 0] = float(variant["w"])
    x, t = _zero_batch()
    optimizer = SGD(lr=float(variant["eta"]))
    for _ in range(int(variant["k"])):
        optimizer.update({"W1": net.params["W1"]}, {"W1": _penalty_gradient_w1(net, x, t)})
    return Value(float(net.params["W1"][0, 0]), rel_tol=1e-7, abs_tol=1e-10)


@probe("decayed_parameters")
def decayed_parameters(variant: Params, rng: np.random.Generator) -> OptionId:
    """Which parameters of an engine net (with batch norm) weight decay changes the gradient of."""
    from eprep.engine import MultiLayerNetExtend

    seed = int(rng.integers(2**32))
    x = rng.standard_normal((6, 4))
    t = np.eye(3)[rng.integers(0, 3, size=6)]
    grads = []
    for wd in (float(variant["wd"]), 0.0):
        net = MultiLayerNetExtend(
            4,
            [5, 5],
            3,
            weight_decay_lambda=wd,
            use_batchnorm=True,
            rng=np.random.default_rng(seed),
        )
        for key in net.params:  # make every parameter non-zero, so decay would show on each
            net.params[key][...] = np.random.default_rng(seed).uniform(
                0.5, 1.5, net.params[key].shape
            )
        grads.append(net.gradient(x, t))
    changed = {
        key for key in grads[0] if not np.allclose(grads[0][key], grads[1][key], rtol=0, atol=0)
    }
    kinds = {key.rstrip("0123456789") for key in changed}
    options = {
        frozenset({"W"}): "weights",
        frozenset({"W", "b"}): "weights-biases",
        frozenset({"W", "b", "gamma", "beta"}): "all",
    }
    return OptionId(options.get(frozenset(kinds), "other"))


def _nets_with_and_without(rng: np.random.Generator, wd: float):
    """Two engine nets with equal parameters, with and without L2 weight decay.

    The biases are set to non-zero values (engine nets start them at 0), so that code which
    wrongly decays the biases too gives a different answer.
    """
    seed = int(rng.integers(2**32))
    nets = (
        _net(rng, seed=seed, hidden_size_list=[6, 5], weight_decay_lambda=wd),
        _net(rng, seed=seed, hidden_size_list=[6, 5]),
    )
    for key in nets[0].params:
        if key.startswith("b"):
            values = rng.uniform(0.5, 1.5, nets[0].params[key].shape)
            for net in nets:
                net.params[key][...] = values
    return nets


@code_probe("l2_penalty_code")
def l2_penalty_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """`weight_decay_loss(params, lam)` must equal the work of the engine's decay gradient."""
    for wd in (0.1, 0.05):
        with_decay, without = _nets_with_and_without(rng, wd)
        x = rng.standard_normal((5, 4))
        t = np.eye(3)[rng.integers(0, 3, size=5)]
        expected = penalty_by_work(with_decay, without, x, t)
        got = float(namespace["weight_decay_loss"](with_decay.params, wd))
        np.testing.assert_allclose(
            got,
            expected,
            rtol=1e-9,
            atol=1e-12,
            err_msg=f"penalty {got} is not the decay gradient's work {expected} (lambda {wd})",
        )


def _decay_slope(with_decay, without, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
    """Central differences of loss(with decay) - loss(without), the nets kept at equal params."""
    from eprep.engine import numerical_gradient

    def rise(key: str) -> float:
        without.params[key][...] = with_decay.params[key]  # follow the perturbed value
        return with_decay.loss(x, t) - without.loss(x, t)

    slope = {}
    for key in with_decay.params:

        def loss_at(_: np.ndarray, key: str = key) -> float:
            return rise(key)

        slope[key] = numerical_gradient(loss_at, with_decay.params[key])
        without.params[key][...] = with_decay.params[key]
    return slope


@code_probe("l2_gradient_code")
def l2_gradient_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """`add_weight_decay(grads, params, lam)` must add the slope of the engine's penalty.

    The expected gradients are the plain net's backward pass plus central differences of the
    loss increase that weight decay causes (loss with decay minus loss without), per parameter.
    """

    for wd in (0.1, 0.05):
        with_decay, without = _nets_with_and_without(rng, wd)
        x = rng.standard_normal((5, 4))
        t = np.eye(3)[rng.integers(0, 3, size=5)]
        plain = without.gradient(x, t)
        slope = _decay_slope(with_decay, without, x, t)
        expected = {key: plain[key] + slope[key] for key in plain}
        got = namespace["add_weight_decay"](
            {k: v.copy() for k, v in plain.items()}, with_decay.params, wd
        )
        for key, value in expected.items():
            np.testing.assert_allclose(
                np.asarray(got[key]),
                value,
                rtol=1e-6,
                atol=1e-9,
                err_msg=f"gradient of {key} differs from the penalty's slope (lambda {wd})",
            )
