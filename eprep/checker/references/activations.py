"""Activations and the gradients that flow through them: each from the function's definition.

sigmoid(x) = 1/(1 + e^-x) (the logistic function), tanh(x) = (e^x - e^-x)/(e^x + e^-x),
ReLU(x) = max(0, x), Leaky ReLU max(x, a x) (Maas et al. 2013), ELU x or a(e^x - 1) (Clevert et
al. 2016), GELU x P(Z <= x) for a standard normal Z (Hendrycks & Gimpel 2016; the CDF is taken
from `sympy.stats`, not typed) and Swish x sigmoid(x) (Ramachandran et al. 2017); derivatives
are `sympy.diff` of these, chains are composed and then
differentiated, and the cross-entropy gradients differentiate -log of the softmax.
"""

from __future__ import annotations

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    Params,
    arg,
    code_reference,
    float_close,
    from_float,
    grid,
    integer,
    reference,
)


def _definition(name: str, x: sympy.Expr, alpha: sympy.Expr = sympy.S.One) -> sympy.Expr:
    if name == "leaky_relu":
        return sympy.Piecewise((x, x > 0), (alpha * x, True))
    if name == "elu":
        return sympy.Piecewise((x, x > 0), (alpha * (sympy.exp(x) - 1), True))
    if name == "gelu":
        z = stats.Normal("Z", 0, 1)
        return x * stats.cdf(z)(x)
    if name == "swish":
        return x / (1 + sympy.exp(-x))
    if name == "sigmoid":
        return 1 / (1 + sympy.exp(-x))
    if name == "tanh":
        return (sympy.exp(x) - sympy.exp(-x)) / (sympy.exp(x) + sympy.exp(-x))
    if name == "relu":
        return sympy.Max(0, x)
    raise ValueError(f"unknown activation {name!r}")


def _at(expr_of, point: sympy.Expr) -> sympy.Expr:
    """`expr_of(t)` built on a fresh real symbol, then evaluated at `point` (symbol or number)."""
    t = sympy.Dummy("t", real=True)
    return expr_of(t).subs(t, point)


@reference("activation")
def activation(p: Params, *, activation: str, var: str = "x", alpha: str = "1") -> sympy.Expr:
    """The activation itself at `var` (`alpha`: Leaky ReLU's slope, ELU's scale)."""
    return _definition(activation, p[var], arg(p, alpha))


@reference("activation_derivative")
def activation_derivative(
    p: Params, *, activation: str, var: str = "x", alpha: str = "1"
) -> sympy.Expr:
    """d/dx of the activation, at `var`."""
    a = arg(p, alpha)
    return _at(lambda t: sympy.diff(_definition(activation, t, a), t), p[var])


@reference("activation_backward_from_output")
def activation_backward_from_output(
    p: Params, *, activation: str, output: str = "y", upstream: str = "dout", alpha: str = "1"
) -> sympy.Expr:
    """dout * f'(x) where x is the (negative-side) input whose output f(x) is `output`."""
    a = arg(p, alpha)
    t = sympy.Symbol("t", negative=True)
    (x,) = sympy.solve(sympy.Eq(_definition(activation, t, a), p[output]), t)
    return p[upstream] * sympy.diff(_definition(activation, t, a), t).subs(t, x)


@reference("activation_weight_gradient")
def activation_weight_gradient(
    p: Params, *, activation: str, alpha: str = "1", upstream: str = "dout"
) -> sympy.Expr:
    """dL/dw for one unit y = f(w x + b) with dL/dy = dout, by differentiating in w."""
    w = sympy.Dummy("w", real=True)
    unit = _definition(activation, w * p["x"] + p["b"], arg(p, alpha))
    return p[upstream] * sympy.diff(unit, w).subs(w, p["w"])


@reference("activation_derivative_max")
def activation_derivative_max(p: Params, *, activation: str) -> sympy.Expr:
    """The largest value the derivative takes on the real line."""
    t = sympy.Symbol("t", real=True)
    derivative = sympy.diff(_definition(activation, t), t)
    return sympy.simplify(sympy.maximum(derivative, t, sympy.S.Reals))


@reference("chain_gradient")
def chain_gradient(
    p: Params,
    *,
    activation: str,
    layers: str = "L",
    weight: str = "w",
    z0: str = "x0",
    bias_per_weight: str = "0",
) -> sympy.Expr:
    """dz_L/dz_0 through L blocks z <- act(w z + b), b = bias_per_weight * w, at z_0."""
    depth = integer(p[layers])
    w = p[weight]
    start = arg(p, z0)
    b = arg(p, bias_per_weight) * w
    z0_symbol = sympy.Dummy("z0", real=True)
    z = z0_symbol
    for _ in range(depth):
        z = _definition(activation, w * z + b)
    return sympy.diff(z, z0_symbol).subs(z0_symbol, start).doit()


@reference("softmax_ce_gradient")
def softmax_ce_gradient(p: Params, *, logit: str = "a", other: str = "b") -> sympy.Expr:
    """d/da of L = -log softmax(a, b)_a, the cross-entropy of the true class a."""
    a, b = p[logit], p[other]
    x = sympy.Dummy("a", real=True)
    loss = -sympy.log(sympy.exp(x) / (sympy.exp(x) + sympy.exp(b)))
    return sympy.diff(loss, x).subs(x, a)


@reference("softmax_batch_gradient")
def softmax_batch_gradient(p: Params, *, prob: str = "y", batch: str = "N") -> sympy.Expr:
    """dL/da for L = (1/N) sum_n -log softmax(a_n)_t, written in y = softmax(a)_t.

    The other classes enter only through R = sum of their exponentials (> 0); the result is
    rewritten in y by solving y = e^a/(e^a + R) for R.
    """
    a = sympy.Symbol("a", real=True)
    rest = sympy.Symbol("R", positive=True)
    y, n = p[prob], p[batch]
    gradient = sympy.diff(-sympy.log(sympy.exp(a) / (sympy.exp(a) + rest)) / n, a)
    y_symbol = sympy.Symbol("y_t", positive=True)
    (r_of_y,) = sympy.solve(sympy.Eq(y_symbol, sympy.exp(a) / (sympy.exp(a) + rest)), rest)
    in_y = sympy.simplify(gradient.subs(rest, r_of_y))
    return in_y.subs(y_symbol, y)


@code_reference("sigmoid_backward_code")
def sigmoid_backward_code() -> CodeDefinition:
    """SigmoidLayer.backward(dout) must be dout times d sigmoid/dx at the forward input."""

    def drive(namespace, rng):
        x, dout = grid(rng, (2, 5)), grid(rng, (2, 5))
        layer = namespace["SigmoidLayer"]()
        layer.forward(x)
        dx = layer.backward(dout)
        return {"x": x.ravel().tolist(), "dout": dout.ravel().tolist(), "dx": _flat(dx)}

    def check(outputs):
        t = sympy.Symbol("t", real=True)
        slope = sympy.diff(_definition("sigmoid", t), t)
        problems = []
        if len(outputs["dx"]) != len(outputs["x"]):
            return [f"dx has {len(outputs['dx'])} entries for {len(outputs['x'])} inputs"]
        for x, dout, dx in zip(outputs["x"], outputs["dout"], outputs["dx"], strict=True):
            want = from_float(dout) * slope.subs(t, from_float(x))
            if not float_close(dx, want):
                problems.append(
                    f"at x = {x}, dout = {dout}: dx = {dx}, definition {float(want):.12g}"
                )
        return problems[:3]

    return CodeDefinition(drive, check)


def _flat(values) -> list[float]:
    import numpy as np

    return np.asarray(values, dtype=float).ravel().tolist()


@code_reference("elu_layer_code")
def elu_layer_code() -> CodeDefinition:
    """EluLayer(alpha): forward is ELU, backward(dout) is dout times ELU's derivative at x."""
    alpha = sympy.Rational(3, 2)

    def drive(namespace, rng):
        x, dout = grid(rng, (2, 5)), grid(rng, (2, 5))
        layer = namespace["EluLayer"](1.5)
        y = layer.forward(x)
        dx = layer.backward(dout)
        return {
            "x": x.ravel().tolist(),
            "dout": dout.ravel().tolist(),
            "y": _flat(y),
            "dx": _flat(dx),
        }

    def check(outputs):
        t = sympy.Symbol("t", real=True)
        f = _definition("elu", t, alpha)
        slope = sympy.diff(f, t)
        if not len(outputs["y"]) == len(outputs["dx"]) == len(outputs["x"]):
            return ["the outputs do not have one entry per input"]
        problems = []
        for x, dout, y, dx in zip(
            outputs["x"], outputs["dout"], outputs["y"], outputs["dx"], strict=True
        ):
            xv = from_float(x)
            if not float_close(y, f.subs(t, xv)):
                problems.append(f"at x = {x}: forward {y}, definition {float(f.subs(t, xv)):.12g}")
            want = from_float(dout) * slope.subs(t, xv)
            if not float_close(dx, want):
                problems.append(
                    f"at x = {x}, dout = {dout}: dx = {dx}, definition {float(want):.12g}"
                )
        return problems[:3]

    return CodeDefinition(drive, check)
