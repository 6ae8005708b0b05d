"""Probes for day2 vanishing gradients: activation derivatives, gradient products, initial scales.

Every probe runs the real engine: derivatives come from `numerical_gradient` of the engine's
activation functions, gradient products from `backward` through stacked engine layers, weight
scales from the weights an engine network actually draws.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from eprep.checker.probes import OptionId, Samples, Value, Variant, code_probe, probe


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
    variant: Variant, rng: np.random.Generator, activation: str = "sigmoid", at: str = "x"
) -> Value:
    """The derivative of an engine activation at the point `variant[at]`."""
    grad = _derivative(_activation(activation), np.array([float(variant[at])]))
    return Value(float(grad[0]), rel_tol=_FD_REL, abs_tol=_FD_ABS)


@probe("activation_derivative_samples")
def activation_derivative_samples(
    variant: Variant, rng: np.random.Generator, activation: str = "sigmoid", var: str = "x"
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
    variant: Variant, rng: np.random.Generator, activation: str = "sigmoid"
) -> Value:
    """The largest derivative of an engine activation over a grid of [-4, 4] with step 0.01.

    The grid contains 0, where sigmoid and tanh peak; both decrease monotonically away from it.
    """
    grid = np.linspace(-4.0, 4.0, 801)
    return Value(float(np.max(_derivative(_activation(activation), grid))), abs_tol=1e-8)


@probe("activation_chain_gradient")
def activation_chain_gradient(
    variant: Variant, rng: np.random.Generator, activation: str = "sigmoid"
) -> Value:
    """dL/dx through L engine (Affine -> activation) blocks, each with weight w, for dL/dy = 1.

    Sigmoid chain: input 0.5 and bias -w/2, so every pre-activation is 0 (sigmoid's best case).
    ReLU chain: positive input x0 and zero bias, so every pre-activation is positive.
    """
    from eprep.engine import Affine, Relu, Sigmoid

    depth, w = int(variant["L"]), float(variant["w"])
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


def _net_weight_std(n: int, spec: str, rng: np.random.Generator) -> tuple[float, int]:
    """Sample std of W1 of an engine MultiLayerNet with `n` inputs, and the number of weights."""
    from eprep.engine import MultiLayerNet

    hidden = 400
    activation = "relu" if spec in ("he", "relu") else "sigmoid"
    net = MultiLayerNet(n, [hidden], 10, activation=activation, weight_init_std=spec, rng=rng)
    weights = net.params["W1"]
    return float(np.std(weights)), int(weights.size)


@probe("init_weight_std")
def init_weight_std(variant: Variant, rng: np.random.Generator, spec: str = "xavier") -> Value:
    """Std of the first-layer weights an engine network draws with `weight_init_std=spec`.

    The sample std of M normal draws has relative standard error about 1/sqrt(2M); the tolerance
    is 5 of those.
    """
    std, count = _net_weight_std(int(variant["n"]), spec, rng)
    return Value(std, rel_tol=float(5.0 / np.sqrt(2.0 * count)), abs_tol=0.0)


@probe("zero_init_symmetry")
def zero_init_symmetry(variant: Variant, rng: np.random.Generator) -> OptionId:
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
def sigmoid_backward_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """The template's `SigmoidLayer` must match the engine's `Sigmoid` forward and backward."""
    from eprep.engine import Sigmoid

    for shape in [(4, 3), (2, 5)]:
        x = rng.standard_normal(shape) * 3.0
        dout = rng.standard_normal(shape)
        mine, ref = namespace["SigmoidLayer"](), Sigmoid()
        np.testing.assert_allclose(mine.forward(x), ref.forward(x), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(
            mine.backward(dout),
            ref.backward(dout),
            rtol=1e-10,
            atol=1e-14,
            err_msg="SigmoidLayer.backward differs from the engine's Sigmoid.backward",
        )


@code_probe("he_init_code")
def he_init_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """The template's `he_normal(n_in, n_out, rng)` must draw weights with the engine's He scale."""
    from eprep.engine import weight_init_std

    n_in, n_out = 300, 120  # different, so a fan-out scale is caught
    weights = np.asarray(namespace["he_normal"](n_in, n_out, rng))
    assert weights.shape == (n_in, n_out), f"shape {weights.shape}, expected {(n_in, n_out)}"
    expected = weight_init_std("he", n_in)
    rel_se = 1.0 / np.sqrt(2.0 * weights.size)  # standard error of a sample std, relative
    std = float(np.std(weights))
    assert abs(std / expected - 1.0) < 5.0 * rel_se, (
        f"weights have std {std:.5f}, the engine's He scale for n_in={n_in} is {expected:.5f}"
    )
