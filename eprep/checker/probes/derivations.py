"""Probes for day2 derivation and expression questions.

Each probe samples points inside the question's variable domains, runs the real engine there
(Dropout, numerical_gradient of the activations and of SoftmaxWithLoss's and MultiLayerNet's
loss, Momentum and Adam updates, BatchNormalization.forward, Convolution.forward) and returns
the measured values as `Samples`. Gradients whose formula is the key are measured by central
differences of the engine's forward pass, never taken from a backward pass that types it.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import Params, Samples, probe

_MC_UNITS = 100_000  # Monte-Carlo units per point: standard error ~ |y| sqrt(r/(1-r)) / 316


def _samples(
    points: list[dict[str, float]], values: list[float], rel: float, abs_: float
) -> Samples:
    return Samples(points=points, values=[float(v) for v in values], rel_tol=rel, abs_tol=abs_)


@probe("deriv_inverted_dropout_mean")
def deriv_inverted_dropout_mean(variant: Params, rng: np.random.Generator) -> Samples:
    """Mean training output of the engine's Dropout(r) for a constant input y (Monte Carlo).

    The tolerance is 5 standard errors of the noisiest point's estimate.
    """
    from eprep.engine import Dropout

    points, values, errors = [], [], []
    for _ in range(6):
        y = float(rng.uniform(-2.0, 2.0))
        r = float(rng.uniform(0.1, 0.8))
        out = Dropout(r, rng=rng).forward(np.full(_MC_UNITS, y), train_flg=True)
        points.append({"y": y, "r": r})
        values.append(float(np.mean(out)))
        errors.append(float(np.std(out) / np.sqrt(out.size)))
    return _samples(points, values, 0.0, 5.0 * max(errors) + 1e-12)


@probe("deriv_activation_derivative")
def deriv_activation_derivative(
    variant: Params, rng: np.random.Generator, activation: str = "sigmoid"
) -> Samples:
    """Derivative of the engine's sigmoid or tanh by its numerical_gradient at random x."""
    from eprep import engine

    fn = {"sigmoid": engine.sigmoid, "tanh": engine.tanh}[activation]
    xs = rng.uniform(-4.0, 4.0, size=16)
    # The sum of an elementwise function has the elementwise derivative as its gradient.
    grads = engine.numerical_gradient(lambda a: float(np.sum(fn(a))), xs.copy())
    # Central differences (h = 1e-4) err by about h^2 f'''/6 < 1e-9 here.
    return _samples([{"x": float(x)} for x in xs], list(grads), 1e-6, 1e-8)


def _loss_slope(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dx of the engine's SoftmaxWithLoss.forward by central differences (numerical_gradient).

    The loss is smooth with third derivatives below 1, so h = 1e-4 errs by under 1e-9.
    """
    from eprep.engine import SoftmaxWithLoss, numerical_gradient

    layer = SoftmaxWithLoss()
    return numerical_gradient(lambda a: layer.forward(a, t), x.copy())


@probe("deriv_softmax_ce_grad")
def deriv_softmax_ce_grad(variant: Params, rng: np.random.Generator) -> Samples:
    """dL/da of SoftmaxWithLoss for scores (a, b) and true class 0, by central differences."""
    points, values = [], []
    for _ in range(12):
        a, b = (float(v) for v in rng.uniform(-3.0, 3.0, size=2))
        points.append({"a": a, "b": b})
        values.append(float(_loss_slope(np.array([[a, b]]), np.array([0]))[0, 0]))
    return _samples(points, values, 1e-6, 1e-8)


@probe("deriv_softmax_batch_grad")
def deriv_softmax_batch_grad(variant: Params, rng: np.random.Generator) -> Samples:
    """dL/dx for the true class of one row of a batch of N, as a function of that row's y.

    Scores log(y), log(1 - y) give softmax (y, 1 - y); the engine's loss is the batch mean. The
    slope is measured by central differences of the engine's loss.
    """
    points, values = [], []
    for _ in range(12):
        y = float(rng.uniform(0.05, 0.95))
        n = int(rng.integers(1, 17))
        x = np.tile(np.log([[y, 1.0 - y]]), (n, 1))
        points.append({"y": y, "N": n})
        values.append(float(_loss_slope(x, np.zeros(n, dtype=int))[0, 0]))
    return _samples(points, values, 1e-6, 1e-9)


def _momentum_run(theta: float, g: float, eta: float, mu: float, steps: int) -> list[float]:
    """theta after each of `steps` engine Momentum updates with the constant gradient g."""
    from eprep.engine import Momentum

    opt = Momentum(lr=eta, momentum=mu)
    params = {"W": np.array([theta])}
    history = []
    for _ in range(steps):
        opt.update(params, {"W": np.array([g])})
        history.append(float(params["W"][0]))
    return history


@probe("deriv_momentum_terminal_step")
def deriv_momentum_terminal_step(variant: Params, rng: np.random.Generator) -> Samples:
    """theta_{t+1} - theta_t after 1000 engine Momentum updates with the constant gradient g.

    mu <= 0.95, so the transient mu^t is below 1e-22 by then.
    """
    points, values = [], []
    for _ in range(8):
        g = float(rng.uniform(-2.0, 2.0))
        eta, mu = float(rng.uniform(0.001, 0.1)), float(rng.uniform(0.0, 0.95))
        history = _momentum_run(0.0, g, eta, mu, 1001)
        points.append({"g": g, "eta": eta, "mu": mu})
        values.append(history[-1] - history[-2])
    return _samples(points, values, 1e-8, 1e-12)


@probe("deriv_adam_first_step")
def deriv_adam_first_step(variant: Params, rng: np.random.Generator) -> Samples:
    """theta_0 - theta_1 for one engine Adam update (paper form, eps = 0) with gradient g."""
    from eprep.engine import Adam

    points, values = [], []
    for _ in range(12):
        g = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 3.0))
        eta = float(rng.uniform(0.0001, 0.1))
        beta1, beta2 = float(rng.uniform(0.5, 0.99)), float(rng.uniform(0.9, 0.9999))
        opt = Adam(lr=eta, beta1=beta1, beta2=beta2, eps=0.0, form="paper")
        params = {"W": np.array([1.0])}
        opt.update(params, {"W": np.array([g])})
        points.append({"g": g, "eta": eta, "beta1": beta1, "beta2": beta2})
        values.append(1.0 - float(params["W"][0]))
    return _samples(points, values, 1e-9, 1e-12)


@probe("deriv_batchnorm_output_variance")
def deriv_batchnorm_output_variance(variant: Params, rng: np.random.Generator) -> Samples:
    """Batch variance of the engine's BatchNormalization output for a batch of variance s."""
    from eprep.engine import BatchNormalization

    eps = float(variant["eps"])
    points, values = [], []
    for _ in range(12):
        gamma = float(rng.uniform(-3.0, 3.0))
        s = float(rng.uniform(0.005, 2.0))
        z = rng.standard_normal(64)
        # Standardise so that the batch's (biased) variance is exactly s.
        x = (z - z.mean()) / z.std() * np.sqrt(s) + rng.uniform(-5.0, 5.0)
        bn = BatchNormalization(np.array([gamma]), np.array([rng.uniform(-1.0, 1.0)]), eps=eps)
        out = bn.forward(x.reshape(-1, 1), train_flg=True)
        points.append({"gamma": gamma, "s": s})
        values.append(float(np.var(out)))
    return _samples(points, values, 1e-9, 1e-12)


@probe("deriv_elastic_net_gradient")
def deriv_elastic_net_gradient(variant: Params, rng: np.random.Generator) -> Samples:
    """What l1_lambda and weight_decay_lambda add to the slope of MultiLayerNet's loss.

    A one-layer engine net with both penalties gets an all-zero input batch, so the data term
    does not depend on W1 (0 @ W1 = 0): central differences of its loss with respect to W1 are
    the penalties' gradient alone (exact up to round-off, |w| >= 0.05 > h).
    """
    from eprep.engine import MultiLayerNet, numerical_gradient

    l1, l2 = float(variant["l1"]), float(variant["l2"])
    net = MultiLayerNet(4, [], 3, weight_decay_lambda=l2, l1_lambda=l1)
    w = rng.choice([-1.0, 1.0], size=(4, 3)) * rng.uniform(0.05, 2.0, size=(4, 3))
    net.params["W1"][...] = w
    x, t = np.zeros((5, 4)), rng.integers(0, 3, size=5)
    slope = numerical_gradient(lambda _: net.loss(x, t), net.params["W1"])
    return _samples([{"w": float(v)} for v in w.ravel()], list(slope.ravel()), 1e-7, 1e-10)


@probe("deriv_tanh_values")
def deriv_tanh_values(variant: Params, rng: np.random.Generator) -> Samples:
    """Outputs of the engine's Tanh layer at random x."""
    from eprep.engine import Tanh

    xs = rng.uniform(-4.0, 4.0, size=16)
    ys = Tanh().forward(xs.copy(), train_flg=False)
    return _samples([{"x": float(x)} for x in xs], list(ys), 1e-9, 1e-12)
