"""Probes for the activation-function questions (Leaky ReLU, ELU, GELU, Swish).

Derivatives are central differences of the engine's forward functions, never its `*_grad`;
GELU's value is measured by Monte Carlo as x * P(Z <= x) over standard-normal draws (its
definition), and the engine's `gelu` must agree; layer gradients come from real backward passes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from eprep.checker.probes import Params, Samples, Value, after_pass, code_probe, probe

_FD_REL = 1e-6  # central differences, h = 1e-4: error about h^2 f''' / 6
_FD_ABS = 1e-8
_DRAWS = 400_000


def _function(name: str, alpha: float) -> Callable[[np.ndarray], np.ndarray]:
    from eprep import engine

    return {
        "leaky_relu": lambda x: engine.leaky_relu(x, alpha),
        "elu": lambda x: engine.elu(x, alpha),
        "gelu": engine.gelu,
        "swish": engine.swish,
    }[name]


def _slopes(fn: Callable[[np.ndarray], np.ndarray], xs: np.ndarray) -> np.ndarray:
    from eprep.engine import numerical_gradient

    # The sum of an elementwise function has the elementwise derivative as its gradient.
    return numerical_gradient(lambda a: float(np.sum(fn(a))), np.array(xs, dtype=np.float64))


def _alpha(variant: Params, alpha: str | float) -> float:
    return float(variant[alpha]) if isinstance(alpha, str) else float(alpha)


@probe("activation_slope_samples")
def activation_slope_samples(
    variant: Params,
    rng: np.random.Generator,
    *,
    activation: str,
    alpha: str | float = 1.0,
    low: float = -4.0,
    high: float = 4.0,
    var: str = "x",
) -> Samples:
    """f'(x) of the engine's activation at random points of [low, high], by central differences."""
    xs = rng.uniform(low, high, size=24)
    xs = xs[np.abs(xs) > 1e-3]  # away from Leaky ReLU's and ELU's kink at 0
    slopes = _slopes(_function(activation, _alpha(variant, alpha)), xs)
    return Samples(
        points=[{var: float(x)} for x in xs],
        values=[float(s) for s in slopes],
        rel_tol=_FD_REL,
        abs_tol=_FD_ABS,
    )


@probe("gelu_value")
def gelu_value(variant: Params, rng: np.random.Generator, *, at: str = "x") -> Value:
    """GELU(x) = x * P(Z <= x) by Monte Carlo (5 standard errors); the engine's gelu must agree."""
    from eprep.engine import gelu

    x = float(variant[at])
    samples = x * (rng.standard_normal(_DRAWS) <= x)
    mean = float(np.mean(samples))
    tolerance = 5.0 * float(np.std(samples)) / np.sqrt(_DRAWS) + 1e-12
    engine = float(gelu(np.array([x]))[0])
    assert abs(engine - mean) <= tolerance, f"engine gelu({x}) = {engine}, Monte Carlo {mean}"
    return Value(mean, rel_tol=0.0, abs_tol=tolerance)


@probe("elu_backward_from_output")
def elu_backward_from_output(variant: Params, rng: np.random.Generator) -> Value:
    """dx of the engine's Elu layer at the input whose output is y (found by bisection)."""
    from eprep.engine import Elu

    alpha, y, dout = float(variant["alpha"]), float(variant["y"]), float(variant["dout"])
    layer = Elu(alpha)
    low, high = -60.0, 0.0  # ELU is increasing: bisect its forward pass for f(x) = y
    for _ in range(200):
        mid = 0.5 * (low + high)
        if float(layer.forward(np.array([mid]))[0]) < y:
            low = mid
        else:
            high = mid
    x = np.array([0.5 * (low + high)])
    assert abs(float(layer.forward(x)[0]) - y) < 1e-12, "bisection did not reach the output"
    return Value(float(layer.backward(np.array([dout]))[0]), rel_tol=1e-9, abs_tol=1e-12)


@probe("activation_weight_gradient")
def activation_weight_gradient(
    variant: Params, rng: np.random.Generator, *, activation: str, alpha: str | float = 1.0
) -> Value:
    """dL/dw of one unit f(w x + b): the engine's Affine + activation layer, backward from dout."""
    from eprep.engine import Affine, Elu, LeakyRelu, Swish

    a = _alpha(variant, alpha)
    layers = {"leaky_relu": lambda: LeakyRelu(a), "elu": lambda: Elu(a), "swish": Swish}
    affine = Affine(np.array([[float(variant["w"])]]), np.array([float(variant["b"])]))
    act = layers[activation]()
    act.forward(affine.forward(np.array([[float(variant["x"])]])))
    affine.backward(act.backward(np.array([[float(variant["dout"])]])))
    return Value(float(after_pass(affine.dW)[0, 0]), rel_tol=1e-9, abs_tol=1e-12)


@code_probe("elu_layer_code")
def elu_layer_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """The template's `EluLayer` must match the engine's Elu forward, and its backward must be the
    central difference of its own forward pass."""
    from eprep.engine import Elu, numerical_gradient

    alpha = 1.5
    for shape in [(4, 3), (2, 5)]:
        x = rng.standard_normal(shape) * 2.0
        x[np.abs(x) < 1e-3] = 0.5  # away from the kink
        dout = rng.standard_normal(shape)
        layer = namespace["EluLayer"](alpha)
        np.testing.assert_allclose(
            layer.forward(x), Elu(alpha).forward(x), rtol=1e-12, atol=1e-15,
            err_msg="EluLayer.forward differs from ELU",
        )  # fmt: skip

        def loss(a: np.ndarray, dout: np.ndarray = dout) -> float:
            return float(np.sum(namespace["EluLayer"](alpha).forward(a) * dout))

        numeric = numerical_gradient(loss, x.copy())
        np.testing.assert_allclose(
            layer.backward(dout), numeric, rtol=_FD_REL, atol=_FD_ABS,
            err_msg="EluLayer.backward is not the derivative of its forward pass",
        )  # fmt: skip
