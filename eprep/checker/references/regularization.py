"""Weight decay: penalties differentiated, summed over parameter shapes, and iterated.

L2: (lambda/2) ||W||^2 over the weight matrices only, as DLFS's `MultiLayerNet` defines it
(§6.4.1); L1: lambda |w|; elastic net: the sum of both. SGD under a penalty alone follows
w <- w - eta dP/dw, solved as a recurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    code_reference,
    exact,
    float_close,
    from_float,
    grid,
    reference,
)


def _l2(w: sympy.Expr, lam: sympy.Expr) -> sympy.Expr:
    return lam / 2 * w**2


def _l1(w: sympy.Expr, lam: sympy.Expr) -> sympy.Expr:
    return lam * sympy.Abs(w)


def _gradient(penalty, w: sympy.Expr) -> sympy.Expr:
    t = sympy.Dummy("w", real=True)
    return sympy.diff(penalty(t), t).subs(t, w)


@reference("l2_penalty_gradient")
def l2_penalty_gradient(p: Params, *, weight: str = "w", decay: str = "wd") -> sympy.Expr:
    return _gradient(lambda t: _l2(t, p[decay]), p[weight])


@reference("l1_penalty_gradient")
def l1_penalty_gradient(p: Params, *, weight: str = "w", decay: str = "wd") -> sympy.Expr:
    return _gradient(lambda t: _l1(t, p[decay]), p[weight])


@reference("elastic_net_gradient")
def elastic_net_gradient(
    p: Params, *, weight: str = "w", l1: str = "l1", l2: str = "l2"
) -> sympy.Expr:
    return _gradient(lambda t: _l1(t, p[l1]) + _l2(t, p[l2]), p[weight])


@reference("l2_penalty_loss")
def l2_penalty_loss(
    p: Params, *, sizes: Sequence[str] = ("n", "h", "o"), value: str = "c", decay: str = "wd"
) -> sympy.Expr:
    """(lambda/2) sum over W_1..W_L of sum_ij W_ij^2, every entry equal to `value`."""
    i, j = sympy.symbols("i j", integer=True, positive=True)
    total = sympy.S.Zero
    for rows, cols in pairwise(sizes):  # W_l has shape (d_l, d_{l+1})
        total += sympy.Sum(p[value] ** 2, (i, 1, p[rows]), (j, 1, p[cols])).doit()
    return p[decay] / 2 * total


@reference("decay_steps")
def decay_steps(
    p: Params,
    *,
    penalty: str,
    weight: str = "w",
    lr: str = "eta",
    decay: str = "wd",
    steps: str = "k",
) -> sympy.Expr:
    """w_k of w <- w - eta dP/dw from w_0 = w > 0 (the data gives no gradient), by rsolve."""
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    w = sympy.Function("w")
    positive = sympy.Symbol("u", positive=True)  # the weight stays positive (the question's where)
    shape = {"l2": _l2, "l1": _l1}[penalty]
    slope = sympy.diff(shape(positive, p[decay]), positive)
    step = slope.subs(positive, w(k)) if slope.has(positive) else slope
    solution = sympy.rsolve(w(k + 1) - w(k) + p[lr] * step, w(k), {w(0): p[weight]})
    return sympy.simplify(solution.subs(k, p[steps]))


@reference("decayed_parameters")
def decayed_parameters(p: Params, *, decay: str = "wd") -> Pick:
    """Which parameters of a 2-layer batch-norm net the L2 penalty's gradient reaches."""
    names = ["W1", "b1", "gamma1", "beta1", "W2", "b2"]
    theta = {name: sympy.Symbol(name, real=True) for name in names}
    weights = [name for name in names if name.startswith("W")]  # the matrices DLFS penalises
    penalty = sum(_l2(theta[name], p[decay]) for name in weights)
    reached = {name for name in names if sympy.diff(penalty, theta[name]) != 0}
    return Pick(
        {
            "weights": sympy.sympify(reached == {"W1", "W2"}),
            "weights-biases": sympy.sympify(reached == {"W1", "W2", "b1", "b2"}),
            "all": sympy.sympify(reached == set(names)),
            "output": sympy.sympify(reached == {"W2"}),
        }
    )


def _weights(rng):
    return {"W1": grid(rng, (2, 3)), "b1": grid(rng, (3,)), "W2": grid(rng, (3, 2))}


def _penalty_of(params: dict, lam: sympy.Expr) -> tuple[sympy.Expr, dict]:
    """The L2 penalty over the weight matrices, with one symbol per entry of every parameter."""
    symbols, values = {}, {}
    for key, array in params.items():
        for index, value in enumerate(array):
            s = sympy.Symbol(f"{key}_{index}", real=True)
            symbols[(key, index)] = s
            values[s] = from_float(value)
    total = sum(_l2(s, lam) for (key, _), s in symbols.items() if key.startswith("W"))
    return total, {"symbols": symbols, "values": values}


def _flat_params(params) -> dict:
    import numpy as np

    return {k: np.ravel(v).tolist() for k, v in params.items()}


@code_reference("l2_penalty_code")
def l2_penalty_code(*, lam: str = "0.5") -> CodeDefinition:
    """weight_decay_loss(params, lam) against (lambda/2) sum over W of sum W_ij^2."""

    def drive(namespace, rng):
        params = _weights(rng)
        loss = namespace["weight_decay_loss"](params, float(lam))
        return {"params": _flat_params(params), "loss": float(loss)}

    def check(out):
        total, info = _penalty_of(out["params"], exact(lam))
        want = total.xreplace(info["values"])
        return [] if float_close(out["loss"], want) else [
            f"the penalty is {out['loss']}, the definition gives {float(want):.12g}"
        ]  # fmt: skip

    return CodeDefinition(drive, check)


@code_reference("l2_gradient_code")
def l2_gradient_code(*, lam: str = "0.5") -> CodeDefinition:
    """add_weight_decay(grads, params, lam): each gradient plus d(penalty)/d(parameter)."""

    def drive(namespace, rng):
        params, grads = _weights(rng), _weights(rng)
        before = _flat_params(grads)
        after = namespace["add_weight_decay"](
            {k: v.copy() for k, v in grads.items()}, params, float(lam)
        )
        return {"params": _flat_params(params), "grads": before, "after": _flat_params(after)}

    def check(out):
        total, info = _penalty_of(out["params"], exact(lam))
        for (key, index), s in info["symbols"].items():
            want = from_float(out["grads"][key][index]) + sympy.diff(total, s).xreplace(
                info["values"]
            )
            got = out["after"].get(key, [])
            if len(got) <= index or not float_close(got[index], want):
                return [f"{key}[{index}] is {got[index] if len(got) > index else 'missing'}, "
                        f"the definition gives {float(want):.12g}"]  # fmt: skip
        return []

    return CodeDefinition(drive, check)
