"""Probes for day2 vanishing gradients: activation derivatives, gradient products, initial scales.

Every probe runs the real engine: derivatives come from `numerical_gradient` of the engine's
activation functions, gradient products from `backward` through stacked engine layers, and
initial scales from the property they exist for: the weight std that keeps the variance of the
activations constant through a deep stack of engine layers, found by search (no probe computes
sqrt(1/n) or reads the engine's initialiser).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from eprep.checker.probes import OptionId, Params, Samples, Value, code_probe, probe


def _derivative(fn: Callable[[np.ndarray], np.ndarray], xs: np.ndarray) -> np.ndarray:
    """Elementwise derivative of an elementwise `fn` by the engine's central difference."""
    from eprep.engine import numerical_gradient

    points = np.array(xs, dtype=np.float64)
    # The sum of an elementwise function has the elementwise derivative as its gradient.
    return numerical_gradient(lambda a: float(np.sum(fn(a))), points)


def _activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    from eprep import engine

    return {"sigmoid": engine.sigmoid, "tanh": engine.tanh, "relu": engine.relu}[name]


# Central differences with h = 1e-4 are accurate to about h^2 * f''' / 6 ~ 1e-9 here.
_FD_REL = 1e-6
_FD_ABS = 1e-8


@probe("activation_derivative_at")
def activation_derivative_at(
    variant: Params, rng: np.random.Generator, activation: str = "sigmoid", at: str = "x"
) -> Value:
    """The derivative of an engine activation at the point `variant[at]`."""
    grad = _derivative(_activation(activation), np.array([float(variant[at])]))
    return Value(float(grad[0]), rel_tol=_FD_REL, abs_tol=_FD_ABS)


@probe("activation_derivative_samples")
def activation_derivative_samples(
    variant: Params, rng: np.random.Generator, activation: str = "sigmoid", var: str = "x"
) -> Samples:
    """The derivative of an engine activation at random points, as a function of `var`."""
    xs = rng.uniform(-5.0, 5.0, size=24)
    grads = _derivative(_activation(activation), xs)
    return Samples(
        points=[{var: float(x)} for x in xs],
        values=[float(g) for g in grads],
        rel_tol=_FD_REL,
        abs_tol=_FD_ABS,
    )


@probe("activation_derivative_max")
def activation_derivative_max(
    variant: Params, rng: np.random.Generator, activation: str = "sigmoid"
) -> Value:
    """The largest derivative of an engine activation over a grid of [-4, 4] with step 0.01.

    The grid contains 0, where sigmoid and tanh peak; both decrease monotonically away from it.
    """
    grid = np.linspace(-4.0, 4.0, 801)
    return Value(float(np.max(_derivative(_activation(activation), grid))), abs_tol=1e-8)


@probe("activation_chain_gradient")
def activation_chain_gradient(
    variant: Params, rng: np.random.Generator, activation: str = "sigmoid"
) -> Value:
    """dL/dx through L engine (Affine -> activation) blocks, each with weight w, for dL/dy = 1.

    Sigmoid chain: input 0.5 and bias -w/2, so every pre-activation is 0 (sigmoid's best case).
    ReLU chain: positive input x0 and zero bias, so every pre-activation is positive.
    """
    from eprep.engine import Affine, Relu, Sigmoid

    depth, w = int(variant["L"]), float(variant["w"])
    layer_cls: type[Sigmoid] | type[Relu]
    if activation == "sigmoid":
        x, bias, layer_cls = 0.5, -w / 2.0, Sigmoid
    else:
        x, bias, layer_cls = float(variant["x0"]), 0.0, Relu
    layers: list = []
    for _ in range(depth):
        layers.append(Affine(np.array([[w]]), np.array([bias])))
        layers.append(layer_cls())
    out = np.array([[x]])
    for layer in layers:
        out = layer.forward(out)
    dout = np.ones_like(out)
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return Value(float(dout[0, 0]))


# Deep stacks for the initial-scale probes: depth grows as the width shrinks (a narrow layer's
# gain is noisier: its squared weight norm alone has a relative spread of sqrt(2) / width), and
# the batch is the number of input vectors pushed through.
_STACK_BATCH = 8


def _stack_depth(width: int) -> int:
    return max(4, min(64, 6400 // width))


def _stack_gains(sigma: float, draws: list[np.ndarray], x: np.ndarray, relu: bool) -> np.ndarray:
    """E[u_l^2] / E[u_{l-1}^2] for each layer of a stack of engine layers with weights sigma*Z.

    u_0 = x; layer l computes u_l = Affine(sigma * Z_l, 0).forward(act(u_{l-1})), where act is
    an engine Relu (He's setting) or nothing (Xavier's linear regime, the slope-1 centre of tanh
    that Glorot's derivation assumes). Pre-activations have mean zero, so E[u^2] is their
    variance. Each u_l is rescaled to E[u^2] = 1 before the next layer (both settings are
    positively homogeneous, so no gain changes), which keeps a deep stack from under- or
    overflowing.
    """
    from eprep.engine import Affine, Relu

    gains = np.empty(len(draws))
    u = x / np.sqrt(np.mean(x * x))
    for index, z in enumerate(draws):
        a = Relu().forward(u) if relu else u
        u = Affine(sigma * z, np.zeros(z.shape[1])).forward(a)
        gains[index] = float(np.mean(u * u))
        if gains[index] == 0.0:
            raise AssertionError("every unit of a layer is off for the whole batch")
        u = u / np.sqrt(gains[index])
    return gains


def _root_in_log(f, low: float, high: float, iterations: int = 200) -> float:
    """A root of the increasing function f(log s) in [log low, log high] (Illinois regula falsi)."""
    a, b = np.log(low), np.log(high)
    fa, fb = f(a), f(b)
    if not fa < 0 < fb:
        raise AssertionError(f"no variance-keeping scale between {low} and {high}")
    side = 0
    for _ in range(iterations):
        c = (a * fb - b * fa) / (fb - fa)
        fc = f(c)
        if abs(fc) < 1e-12 or abs(b - a) < 1e-13:
            return float(np.exp(c))
        if (fc > 0) == (fb > 0):
            b, fb = c, fc
            if side == -1:
                fa /= 2
            side = -1
        else:
            a, fa = c, fc
            if side == 1:
                fb /= 2
            side = 1
    return float(np.exp(c))


def variance_keeping_std(width: int, relu: bool, rng: np.random.Generator) -> tuple[float, float]:
    """The weight std that keeps the activation variance through a deep stack, and its rel. SE.

    The condition is that a layer keeps the variance on average: the mean over the stack's
    layers of their variance gains is 1. The draws Z and the input are fixed, so the mean gain
    is a deterministic, increasing function of sigma, and its root is found by search. The
    standard error comes from the spread of the per-layer gains at the root (each layer is an
    independent draw); a gain goes as sigma^2, so sigma has half its relative standard error.
    """
    depth = _stack_depth(width)
    draws = [rng.standard_normal((width, width)) for _ in range(depth)]
    x = rng.standard_normal((_STACK_BATCH, width))
    sigma = _root_in_log(
        lambda log_s: float(np.log(np.mean(_stack_gains(np.exp(log_s), draws, x, relu)))),
        1e-3,
        10.0,
    )
    gains = _stack_gains(sigma, draws, x, relu)
    return sigma, float(np.std(gains, ddof=1) / np.sqrt(depth) / np.mean(gains) / 2.0)


@probe("init_weight_std")
def init_weight_std(variant: Params, rng: np.random.Generator, spec: str = "xavier") -> Value:
    """The weight std that keeps the activation variance through deep engine stacks of width n.

    spec "xavier": Affine layers alone (the linear regime); "he": Affine layers with ReLU
    between them. The tolerance is 5 standard errors of the measured std.
    """
    if spec not in ("xavier", "he"):
        raise ValueError(f"unknown spec {spec!r}: use 'xavier' or 'he'")
    sigma, rel_se = variance_keeping_std(int(variant["n"]), spec == "he", rng)
    return Value(sigma, rel_tol=5.0 * rel_se, abs_tol=0.0)


@probe("zero_init_symmetry")
def zero_init_symmetry(variant: Params, rng: np.random.Generator) -> OptionId:
    """Train an engine net whose weights all start at 0 and see what happens to its hidden units.

    Returns "symmetry" when some gradient is non-zero but every hidden unit of the first layer
    keeps exactly the same incoming and outgoing weights after several SGD steps; "no-gradient"
    when no weight ever receives a gradient; "other" otherwise.
    """
    from eprep.engine import SGD, MultiLayerNet

    n_in, hidden, n_out, batch = 6, int(variant.get("H", 5)), 3, 8
    net = MultiLayerNet(n_in, [hidden], n_out, activation="sigmoid", weight_init_std=0.01, rng=rng)
    for key in ("W1", "W2"):
        net.params[key][...] = 0.0  # in place: the layers share these arrays
    x = rng.standard_normal((batch, n_in))
    t = np.eye(n_out)[rng.integers(0, n_out, size=batch)]
    optimizer = SGD(lr=0.5)
    any_gradient = False
    for _ in range(5):
        grads = net.gradient(x, t)
        any_gradient = any_gradient or any(np.any(grads[k] != 0) for k in ("W1", "W2"))
        optimizer.update(net.params, grads)
    w1, w2 = net.params["W1"], net.params["W2"]
    symmetric = np.allclose(w1, w1[:, :1], rtol=0, atol=1e-12) and np.allclose(
        w2, w2[:1, :], rtol=0, atol=1e-12
    )
    if not any_gradient:
        return OptionId("no-gradient")
    return OptionId("symmetry" if symmetric else "other")


@code_probe("sigmoid_backward_code")
def sigmoid_backward_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """The template's `SigmoidLayer.backward` must be the derivative of its own forward.

    forward must match the engine's sigmoid; backward(dout) must equal the engine's
    numerical_gradient of sum(forward(x) * dout), a central difference of the forward pass.
    """
    from eprep.engine import numerical_gradient, sigmoid

    for shape in [(4, 3), (2, 5)]:
        x = rng.standard_normal(shape) * 3.0
        dout = rng.standard_normal(shape)
        layer = namespace["SigmoidLayer"]()
        np.testing.assert_allclose(layer.forward(x), sigmoid(x), rtol=1e-12, atol=1e-15)

        def loss(a: np.ndarray, dout: np.ndarray = dout) -> float:
            return float(np.sum(namespace["SigmoidLayer"]().forward(a) * dout))

        numeric = numerical_gradient(loss, x.copy())
        layer.forward(x)
        np.testing.assert_allclose(
            layer.backward(dout),
            numeric,
            rtol=_FD_REL,
            atol=_FD_ABS,
            err_msg="SigmoidLayer.backward is not the derivative of its forward pass",
        )


# Widths of the ReLU stack the He code probe builds: alternating, so that a fan-out scale
# (sqrt(2/n_out)) gains 300/120 on one layer and 120/300 on the next; each layer is judged.
_HE_WIDTHS = (300, 120, 300, 120, 300)
_HE_BATCH = 64
# A layer's log-gain has a standard error of about sqrt(2 / (n_out * batch)) <= 0.016 here;
# 0.2 is over 10 of those, and the nearest wrong scale (Xavier's) is log 2 = 0.69 away.
_HE_LOG_GAIN_TOL = 0.2


@code_probe("he_init_code")
def he_init_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """Weights from the template's `he_normal(n_in, n_out, rng)` must keep ReLU nets' variance.

    A stack of engine Affine layers with ReLU between them is built from the template's weights;
    the second moment of the pre-activations must stay the same through every layer.
    """
    from eprep.engine import Affine, Relu

    u = rng.standard_normal((_HE_BATCH, _HE_WIDTHS[0]))
    for n_in, n_out in itertools.pairwise(_HE_WIDTHS):
        weights = np.asarray(namespace["he_normal"](n_in, n_out, rng), dtype=np.float64)
        assert weights.shape == (n_in, n_out), f"shape {weights.shape}, expected {(n_in, n_out)}"
        before = float(np.mean(u * u))
        u = Affine(weights, np.zeros(n_out)).forward(Relu().forward(u))
        gain = float(np.mean(u * u)) / before
        assert gain > 0 and abs(np.log(gain)) < _HE_LOG_GAIN_TOL, (
            f"a ReLU layer {n_in} -> {n_out} with these weights multiplies the activation "
            f"variance by {gain:.3f} instead of keeping it"
        )


_STACK_BATCH = 200
_NETWORKS = 200  # independent ReLU stacks, 4 inputs each


@probe("signal_after_layers")
def signal_after_layers(
    variant: Params, rng: np.random.Generator, *, activation: str = "linear"
) -> Value:
    """RMS of the layer-L pre-activations of random stacks on unit-normal inputs (zero biases).

    Weights are drawn N(0, sigma^2), n units per layer. Linear: one engine Affine stack on a
    batch of 200 (spread about 0.7 % per 100-unit layer). ReLU: after a ReLU the inputs have a
    mean, and the sum of a unit's weights then scatters one network's mean square by several
    percent, so 200 independent stacks (NumPy matmul, the engine's Relu between layers) are
    averaged: the spread measured over 20 seeds is 1.3 % with 400 stacks at n = 100, L = 6 (so about
    1.6 % with 200), inside the 5 %.
    """
    from eprep.engine import Affine, Relu

    n, depth, sigma = int(variant["n"]), int(variant["L"]), float(variant["sigma"])
    if activation == "linear":
        a = rng.standard_normal((_STACK_BATCH, n))
        for _ in range(depth):
            a = Affine(rng.standard_normal((n, n)) * sigma, np.zeros(n)).forward(a)
    else:
        a = rng.standard_normal((_NETWORKS, 4, n))
        for layer in range(depth):
            if layer > 0:
                a = Relu().forward(a)
            a = np.matmul(a, rng.standard_normal((_NETWORKS, n, n)) * sigma)
    return Value(float(np.sqrt(np.mean(a * a))), rel_tol=0.05)
