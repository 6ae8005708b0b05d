"""Weight initialisation: scales solved from the variance-propagation condition.

For u = sum_i w_i x_i with n independent terms, zero-mean weights independent of the inputs,
Var[u] = n Var[w] E[x^2]. Xavier/Glorot (Glorot & Bengio 2010, §4.2.1) keeps the variance of a
(near-linear) layer's signal: E[x^2] = Var[z]; He (He et al. 2015, §2.2) feeds x = ReLU(z), whose
E[x^2] is computed here with `sympy.stats` for a zero-mean normal z. The std solves
Var[u] = Var[z] for sigma > 0.
"""

from __future__ import annotations

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    code_reference,
    float_close,
    integer,
    reference,
)


def _second_moment_of_input(rule: str, s: sympy.Symbol) -> sympy.Expr:
    """E[x^2] when the previous pre-activation z has variance s^2."""
    z = stats.Normal("z", 0, s)
    if rule == "xavier":
        return stats.E(z**2)
    if rule == "he":
        return stats.E(z**2, z > 0) * stats.P(z > 0)  # E[ReLU(z)^2]
    raise ValueError(f"unknown rule {rule!r}")


@reference("init_std")
def init_std(p: Params, *, rule: str, fan_in: str = "n") -> sympy.Expr:
    """The weight std that makes Var[u] = Var[z] with n = fan_in inputs per unit."""
    s = sympy.Symbol("s", positive=True)
    sigma = sympy.Symbol("sigma", positive=True)
    n = sympy.Symbol("n", positive=True)
    condition = sympy.Eq(n * sigma**2 * _second_moment_of_input(rule, s), s**2)
    (solution,) = sympy.solve(condition, sigma)
    return solution.subs(n, p[fan_in])


@reference("zero_init_symmetry")
def zero_init_symmetry(p: Params) -> Pick:
    """A 2-input, 3-hidden-sigmoid, 1-output net with every weight equal, differentiated.

    The hidden units' weight gradients are compared row by row (symmetry), the whole gradient
    with zero (no-gradient), the sigmoid's slope at 0 with 1 (explode) and the softmax of equal
    logits with 0 (log-zero).
    """
    a, c = sympy.symbols("a c", real=True)  # the common value of every W1 and W2 entry
    x = sympy.symbols("x1 x2", real=True)
    t = sympy.Symbol("t", real=True)
    # Differentiate through per-unit copies so each unit's gradient is its own expression.
    u = [[sympy.Symbol(f"u{i}{j}", real=True) for j in range(3)] for i in range(2)]
    v = [sympy.Symbol(f"v{j}", real=True) for j in range(3)]
    hidden = [1 / (1 + sympy.exp(-(x[0] * u[0][j] + x[1] * u[1][j]))) for j in range(3)]
    loss = (sum(h * w for h, w in zip(hidden, v, strict=True)) - t) ** 2 / 2
    at_equal = {**{u[i][j]: a for i in range(2) for j in range(3)}, **{v[j]: c for j in range(3)}}
    rows = [
        [sympy.diff(loss, u[i][j]).subs(at_equal) for i in range(2)]
        + [sympy.diff(loss, v[j]).subs(at_equal)]
        for j in range(3)
    ]
    symmetric = all(
        sympy.simplify(first - other) == 0
        for row in rows[1:]
        for first, other in zip(rows[0], row, strict=True)
    )
    at_zero = {a: 0, c: 0, x[0]: 1, x[1]: 2, t: 1}
    no_gradient = all(sympy.simplify(g.subs(at_zero)) == 0 for row in rows for g in row)
    s = sympy.Symbol("s", real=True)
    slope_at_zero = sympy.diff(1 / (1 + sympy.exp(-s)), s).subs(s, 0)
    softmax_of_equal = sympy.exp(0) / (3 * sympy.exp(0))
    return Pick(
        {
            "symmetry": sympy.sympify(symmetric and not no_gradient),
            "no-gradient": sympy.sympify(no_gradient),
            "explode": sympy.Gt(slope_at_zero, 1),
            "log-zero": sympy.Eq(softmax_of_equal, 0),
        }
    )


class _Ones:
    """A generator whose standard normal draws are all 1, so the template's scale shows."""

    def standard_normal(self, shape):
        import numpy as np

        return np.ones(shape)


@code_reference("he_init_code")
def he_init_code(*, fan_in: int = 50, fan_out: int = 30) -> CodeDefinition:
    """he_normal(n_in, n_out, rng) must scale unit draws by the He std for n_in inputs."""

    def drive(namespace, rng):
        weights = namespace["he_normal"](fan_in, fan_out, _Ones())
        import numpy as np

        return {"shape": list(np.shape(weights)), "w": np.ravel(weights).tolist()}

    def check(outputs):
        want = init_std({"n": sympy.Integer(fan_in)}, rule="he")
        if outputs["shape"] != [fan_in, fan_out]:
            return [f"the weights have shape {outputs['shape']}, not ({fan_in}, {fan_out})"]
        wrong = [w for w in outputs["w"] if not float_close(w, want)]
        return (
            [f"the scale is {wrong[0]}, the definition gives {float(want):.12g}"] if wrong else []
        )

    return CodeDefinition(drive, check)


@reference("signal_after_layers")
def signal_after_layers(
    p: Params, *, rule: str, fan_in: str = "n", std: str = "sigma", layers: str = "L"
) -> sympy.Expr:
    """The RMS (linear: also the std) of the pre-activations of layer L for unit-variance inputs.

    Layer 1 sees the inputs (E[x^2] = 1); each later layer sees act(z) of the one before, whose
    E[x^2] is `_second_moment_of_input` (identity: Var z; ReLU: E[ReLU(z)^2]); then
    E[u^2] = n sigma^2 E[x^2]. Repeated L times, then the square root.
    """
    n, sigma = p[fan_in], p[std]
    depth = integer(p[layers])
    rule = {"linear": "xavier", "relu": "he"}.get(rule, rule)  # the input's E[x^2] rule
    s = sympy.Symbol("s", positive=True)
    moment = n * sigma**2  # layer 1: unit-variance inputs
    for _ in range(depth - 1):
        moment = n * sigma**2 * _second_moment_of_input(rule, s).subs(s, sympy.sqrt(moment))
    return sympy.sqrt(sympy.simplify(moment))
