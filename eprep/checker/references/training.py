"""Training techniques: gradient clipping, learning-rate schedules, from their definitions.

Clipping by norm rescales the whole gradient vector g to norm c when ||g|| > c (Pascanu et al.
2013, Algorithm 1; PyTorch's clip_grad_norm_ divides by ||g|| + 1e-6, as DLFS2's clip_grads);
clipping by value clamps every entry to [-c, c]. Step decay multiplies the rate by gamma every s
epochs (run as that recurrence, not as a closed form); cosine annealing is SGDR's eq. (5)
(Loshchilov & Hutter 2017); linear warm-up climbs to the base rate over W updates (Goyal et al.
2017, §2.2).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    arg,
    code_reference,
    float_close,
    integer,
    reference,
)


def _norm(values: Sequence[sympy.Expr]) -> sympy.Expr:
    return sympy.sqrt(sum(v**2 for v in values))


@reference("clip_by_value_norm")
def clip_by_value_norm(p: Params, *, grads: Sequence[str], threshold: str = "c") -> sympy.Expr:
    """The norm of g after clamping every entry to [-c, c]."""
    c = p[threshold]
    return _norm([sympy.Min(sympy.Max(p[name], -c), c) for name in grads])


@reference("step_decay")
def step_decay(
    p: Params, *, base: str = "lr", gamma: str = "gamma", every: str = "s", epoch: str = "t"
) -> sympy.Expr:
    """The rate at epoch t: start at base, multiply by gamma at epochs s, 2s, ... (a recurrence)."""
    rate = p[base]
    every_n = integer(p[every])
    for e in range(1, integer(p[epoch]) + 1):
        if e % every_n == 0:
            rate = rate * p[gamma]
    return rate


def _cosine(high: sympy.Expr, low: sympy.Expr, done: sympy.Expr, span: sympy.Expr) -> sympy.Expr:
    return low + (high - low) * (1 + sympy.cos(sympy.pi * done / span)) / 2


@reference("cosine_annealing")
def cosine_annealing(
    p: Params, *, high: str = "lr", low: str = "0", total: str = "T", epoch: str = "t"
) -> sympy.Expr:
    """SGDR eq. (5) within one period: eta_min + (eta_max - eta_min)(1 + cos(pi t/T))/2."""
    return _cosine(p[high], arg(p, low), p[epoch], p[total])


@reference("warmup_cosine")
def warmup_cosine(
    p: Params, *, base: str = "lr", warmup: str = "W", total: str = "T", step: str = "t"
) -> sympy.Expr:
    """Update t (from 0): base (t+1)/W while t < W, then the cosine from base to 0 over T - W."""
    t, w = integer(p[step]), integer(p[warmup])  # plain ints or exact SymPy integers
    if t < w:
        return p[base] * sympy.Integer(t + 1) / w
    return _cosine(p[base], sympy.S.Zero, sympy.Integer(t - w), p[total] - w)


@code_reference("warmup_cosine_code")
def warmup_cosine_code(*, base: str = "0.4", warmup: int = 4, total: int = 12) -> CodeDefinition:
    """lr_at(t, base_lr, warmup, total) for every update t = 0 .. total against the definition."""

    def drive(namespace, rng):
        rates = [float(namespace["lr_at"](t, float(base), warmup, total)) for t in range(total + 1)]
        return {"rates": rates}

    def check(outputs):
        for t, got in enumerate(outputs["rates"]):
            want = warmup_cosine(
                {
                    "lr": sympy.Rational(base),
                    "W": sympy.Integer(warmup),
                    "T": sympy.Integer(total),
                    "t": sympy.Integer(t),
                }
            )
            if not float_close(got, want):
                return [f"lr_at({t}) = {got}, the definition gives {float(want):.12g}"]
        return []

    return CodeDefinition(drive, check)


@reference("warmup_rate_sum")
def warmup_rate_sum(p: Params, *, base: str = "lr", warmup: str = "W") -> sympy.Expr:
    """The sum of the rates of the warm-up updates t = 0 .. W - 1 (how far SGD moves in all)."""
    w = integer(p[warmup])
    one = sympy.Integer
    rates = [
        warmup_cosine({"lr": p[base], "W": one(w), "T": one(w + 1), "t": one(t)}) for t in range(w)
    ]
    return sum(rates, sympy.S.Zero)
