"""Probes for day2 regularisation: L2/L1 penalties and their gradients, weight decay on weights.

The penalty terms are isolated inside real engine networks: with an all-zero input batch the
data term contributes nothing to dL/dW1 (it is x^T · delta), so the first layer's gradient is the
penalty's gradient alone; loss differences between otherwise identical nets give the penalty value.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import OptionId, Samples, Value, Variant, code_probe, probe


def _net(rng: np.random.Generator, seed: int | None = None, **kwargs: object):
    """A small engine MultiLayerNet; nets built with the same seed start with equal weights."""
    from eprep.engine import MultiLayerNet

    generator = np.random.default_rng(seed) if seed is not None else rng
    kwargs.setdefault("hidden_size_list", [5])
    return MultiLayerNet(4, kwargs.pop("hidden_size_list"), 3, rng=generator, **kwargs)


def _zero_batch(n_in: int = 4, batch: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """An all-zero input batch (the data term has no gradient for W1) with one-hot targets."""
    return np.zeros((batch, n_in)), np.eye(3)[np.arange(batch) % 3]


@probe("l2_penalty_gradient_samples")
def l2_penalty_gradient_samples(variant: Variant, rng: np.random.Generator) -> Samples:
    """dL/dw of the engine's L2 weight decay (strength wd) at random weights w."""
    net = _net(rng, weight_decay_lambda=float(variant["wd"]))
    net.params["W1"][...] = rng.uniform(-3.0, 3.0, net.params["W1"].shape)
    x, t = _zero_batch()
    grad = net.gradient(x, t)["W1"]
    ws = net.params["W1"].ravel()
    return Samples(points=[{"w": float(w)} for w in ws], values=[float(g) for g in grad.ravel()])


@probe("l1_penalty_gradient")
def l1_penalty_gradient(variant: Variant, rng: np.random.Generator) -> Value:
    """dL/dw of the engine's L1 penalty (strength wd) at the weight w = variant["w"]."""
    net = _net(rng, l1_lambda=float(variant["wd"]))
    net.params["W1"][0, 0] = float(variant["w"])
    x, t = _zero_batch()
    return Value(float(net.gradient(x, t)["W1"][0, 0]))


@probe("l2_penalty_loss")
def l2_penalty_loss(variant: Variant, rng: np.random.Generator) -> Value:
    """How much L2 weight decay adds to the loss of an n-h-o net whose parameters all equal c."""
    n, h, o, c = int(variant["n"]), int(variant["h"]), int(variant["o"]), float(variant["c"])
    from eprep.engine import MultiLayerNet

    losses = []
    x = rng.standard_normal((4, n))
    t = np.eye(o)[rng.integers(0, o, size=4)]
    for wd in (float(variant["wd"]), 0.0):
        net = MultiLayerNet(n, [h], o, weight_decay_lambda=wd, rng=np.random.default_rng(7))
        for key in ("W1", "b1", "W2", "b2"):  # biases too: decay must still ignore them
            net.params[key][...] = c
        losses.append(net.loss(x, t))
    return Value(losses[0] - losses[1], rel_tol=1e-9, abs_tol=1e-9)


@probe("decay_steps")
def decay_steps(variant: Variant, rng: np.random.Generator, penalty: str = "l2") -> Value:
    """A weight w after k SGD steps (lr eta) that see only the L2 or L1 penalty's gradient."""
    from eprep.engine import SGD

    wd = float(variant["wd"])
    kwargs = {"weight_decay_lambda": wd} if penalty == "l2" else {"l1_lambda": wd}
    net = _net(rng, **kwargs)
    net.params["W1"][0, 0] = float(variant["w"])
    x, t = _zero_batch()
    optimizer = SGD(lr=float(variant["eta"]))
    for _ in range(int(variant["k"])):
        optimizer.update(net.params, net.gradient(x, t))
    return Value(float(net.params["W1"][0, 0]))


@probe("decayed_parameters")
def decayed_parameters(variant: Variant, rng: np.random.Generator) -> OptionId:
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
def l2_penalty_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """`weight_decay_loss(params, lam)` must equal what weight decay adds to the engine's loss."""
    for wd in (0.1, 0.05):
        with_decay, without = _nets_with_and_without(rng, wd)
        x = rng.standard_normal((5, 4))
        t = np.eye(3)[rng.integers(0, 3, size=5)]
        expected = with_decay.loss(x, t) - without.loss(x, t)
        got = float(namespace["weight_decay_loss"](with_decay.params, wd))
        np.testing.assert_allclose(
            got,
            expected,
            rtol=1e-9,
            atol=1e-12,
            err_msg=f"penalty {got} is not the engine's loss increase {expected} (lambda {wd})",
        )


@code_probe("l2_gradient_code")
def l2_gradient_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """`add_weight_decay(grads, params, lam)` must give the engine's weight-decayed gradients."""
    for wd in (0.1, 0.05):
        with_decay, without = _nets_with_and_without(rng, wd)
        x = rng.standard_normal((5, 4))
        t = np.eye(3)[rng.integers(0, 3, size=5)]
        expected = with_decay.gradient(x, t)
        plain = without.gradient(x, t)
        got = namespace["add_weight_decay"](
            {k: v.copy() for k, v in plain.items()}, with_decay.params, wd
        )
        for key, value in expected.items():
            np.testing.assert_allclose(
                np.asarray(got[key]),
                value,
                rtol=1e-10,
                atol=1e-12,
                err_msg=f"gradient of {key} differs from the engine's (lambda {wd})",
            )
