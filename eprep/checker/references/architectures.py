"""VGG, GoogLeNet (Inception), ResNet and AlexNet's LRN, from their papers' definitions.

Receptive fields grow layer by layer (a stride-1 F x F layer adds F - 1); parameter counts are
sums of the products of the weight arrays' shapes; multiply-adds are one product per (output
value, weight it reads); a residual block is the function x -> x + F(x), composed and
differentiated with sympy.diff; LRN is Krizhevsky et al. 2012, §3.3, summed over the channels
that exist in the window.
"""

from __future__ import annotations

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    integer,
    reference,
)
from eprep.checker.references.cnn import parameter_count


def _stacked_field(layers, size) -> sympy.Expr:
    """r_{l+1} = r_l + (F - 1), r_0 = 1, solved as a recurrence."""
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    r = sympy.Function("r")
    solution = sympy.rsolve(r(k + 1) - r(k) - (size - 1), r(k), {r(0): 1})
    return sympy.expand(solution.subs(k, layers))


@reference("vgg_stack_saving")
def vgg_stack_saving(p: Params) -> sympy.Expr:
    """Weights of one conv with the stack's receptive field minus those of n 3x3 layers."""
    n, c = p["n"], p["C"]
    field = _stacked_field(n, 3)
    single = parameter_count((c, c, field, field))
    stack = n * parameter_count((c, c, 3, 3))
    return sympy.expand(single - stack)


@reference("inception_bottleneck_params")
def inception_bottleneck_params(p: Params) -> sympy.Expr:
    """1x1 conv W (B, Cin, 1, 1), then K x K conv W (Cout, B, K, K); no biases."""
    return parameter_count((p["B"], p["Cin"], 1, 1), (p["Cout"], p["B"], p["K"], p["K"]))


@reference("inception_cost_ratio")
def inception_cost_ratio(p: Params) -> sympy.Expr:
    """Multiply-adds of the direct K x K conv over those of the 1x1 bottleneck path."""
    h, cin, b, cout, k = p["H"], p["Cin"], p["B"], p["Cout"], p["K"]
    direct = h * h * cout * (cin * k * k)  # every output value reads Cin K^2 weights
    bottleneck = h * h * b * cin + h * h * cout * (b * k * k)
    return sympy.simplify(direct / bottleneck)


@reference("residual_gradient")
def residual_gradient(p: Params) -> sympy.Expr:
    """d/dx of L blocks x -> x + F(x) with F(x) = a x, by composition and sympy.diff."""
    x = sympy.Symbol("x", real=True)
    y = x
    for _ in range(integer(p["L"])):
        y = y + p["a"] * y
    return sympy.diff(y, x)


@reference("projection_shortcut_params")
def projection_shortcut_params(p: Params) -> sympy.Expr:
    """1x1 conv W (Cout, Cin, 1, 1) without bias, then batch norm's gamma and beta (Cout,)."""
    cin, cout = p["Cin"], p["Cout"]
    return parameter_count((cout, cin, 1, 1), (cout,), (cout,))


@reference("lrn_value")
def lrn_value(p: Params, *, channel: int = 3, channels: int = 5, n: int = 3) -> sympy.Expr:
    """b_i = a_i / (k + alpha sum_{j = max(1, i - n/2)}^{min(N, i + n/2)} a_j^2)^beta."""
    a = {j: p[f"a{j}"] for j in range(1, channels + 1)}
    low, high = max(1, channel - n // 2), min(channels, channel + n // 2)
    window = sum(a[j] ** 2 for j in range(low, high + 1))
    return a[channel] / (p["k"] + p["alpha"] * window) ** p["beta"]


@code_reference("residual_code")
def residual_code() -> CodeDefinition:
    """forward: x + F(x); backward: d sum(dout * y)/dx, for F two linear maps x W1 W2."""

    class _Linear:
        def __init__(self, w):
            self.w = w

        def forward(self, x):
            return x @ self.w

        def backward(self, dout):
            return dout @ self.w.T

    def drive(namespace, rng):
        import numpy as np

        w1, w2 = (rng.integers(-3, 4, size=(3, 3)).astype(float) for _ in range(2))
        x, dout = (rng.integers(-4, 5, size=(2, 3)).astype(float) for _ in range(2))
        block = namespace["ResidualBlock"]([_Linear(w1), _Linear(w2)])
        y = block.forward(x)
        dx = block.backward(dout)
        return {
            "w1": w1.tolist(),
            "w2": w2.tolist(),
            "x": x.tolist(),
            "dout": dout.tolist(),
            "y": np.asarray(y).tolist(),
            "dx": np.asarray(dx).tolist(),
        }

    def check(out):
        w1, w2 = sympy.Matrix(out["w1"]), sympy.Matrix(out["w2"])
        rows, cols = len(out["x"]), len(out["x"][0])
        xs = sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"x{i}_{j}"))
        y = xs + xs * w1 * w2
        values = {xs[i, j]: out["x"][i][j] for i in range(rows) for j in range(cols)}
        loss = sum(out["dout"][i][j] * y[i, j] for i in range(rows) for j in range(cols))
        problems = []
        for i in range(rows):
            for j in range(cols):
                want_y = y[i, j].subs(values)
                want_dx = sympy.diff(loss, xs[i, j])
                if out["y"][i][j] != want_y:
                    problems.append(
                        f"y[{i}, {j}] = {out['y'][i][j]}, the definition gives {want_y}"
                    )
                if out["dx"][i][j] != want_dx:
                    problems.append(
                        f"dx[{i}, {j}] = {out['dx'][i][j]}, the definition gives {want_dx}"
                    )
        return problems[:1]

    return CodeDefinition(drive, check)


@reference("bottleneck_block_params")
def bottleneck_block_params(p: Params) -> sympy.Expr:
    """1x1 (C -> B), 3x3 (B -> B), 1x1 (B -> C) weights, no biases (He et al. 2016, Fig. 5)."""
    c, b = p["C"], p["B"]
    return parameter_count((b, c, 1, 1), (b, b, 3, 3), (c, b, 1, 1))
