"""References for the math and ml formula questions, each from its primary definition.

Ridge is the stationary point of its objective written with the sums Σxy, Σx², Σy²; the
Gaussian variance MLE is the root of the log-likelihood's derivative; KL(p‖q) is E_p[log p − log q]
over `sympy.stats` normal densities; entropy is −Σ P log P over a `sympy.stats` Bernoulli; the
variance of a two-point variable is `sympy.stats.variance`; a Gaussian negative log-likelihood is
−log of the product of `sympy.stats` densities; the MSE gradient is `sympy.diff` of the mean.
"""

from __future__ import annotations

import sympy
from sympy import stats

from eprep.checker.references import Params, reference


@reference("ridge_from_sums")
def ridge_from_sums(p: Params) -> sympy.Expr:
    """argmin_w Σ(y_i - w x_i)² + lam w², the sum expanded as Σy² - 2wΣxy + w²Σx²."""
    w, syy = sympy.Symbol("w_", real=True), sympy.Symbol("syy_", positive=True)
    objective = syy - 2 * w * p["sxy"] + w**2 * p["sxx"] + p["lam"] * w**2
    (solution,) = sympy.solve(sympy.diff(objective, w), w)
    return sympy.simplify(solution)


@reference("gaussian_variance_mle_formula")
def gaussian_variance_mle_formula(p: Params) -> sympy.Expr:
    """The v solving d/dv [-(n/2) log(2π v) - S/(2v)] = 0 (mean known, S = Σ(x_i - μ)²)."""
    v = sympy.Symbol("v_", positive=True)
    log_likelihood = -p["n"] / 2 * sympy.log(2 * sympy.pi * v) - p["S"] / (2 * v)
    (solution,) = sympy.solve(sympy.diff(log_likelihood, v), v)
    return sympy.simplify(solution)


@reference("gaussian_kl_formula")
def gaussian_kl_formula(p: Params) -> sympy.Expr:
    """E_p[log p(X) - log q(X)] with X ~ N(m1, s1²), p, q the `sympy.stats` densities."""
    t = sympy.Symbol("t_", real=True)
    dens_p = stats.density(stats.Normal("P", p["m1"], p["s1"]))(t)
    dens_q = stats.density(stats.Normal("Q", p["m2"], p["s2"]))(t)
    log_ratio = sympy.expand(sympy.expand_log(sympy.log(dens_p) - sympy.log(dens_q), force=True))
    x = stats.Normal("X", p["m1"], p["s1"])
    return sympy.simplify(stats.E(log_ratio.subs(t, x)))


@reference("bernoulli_entropy_formula")
def bernoulli_entropy_formula(p: Params) -> sympy.Expr:
    """-Σ_k P(B = k) log P(B = k) for B ~ Bernoulli(p), in nats."""
    b = stats.Bernoulli("B", p["p"])
    return -sum(stats.P(sympy.Eq(b, k)) * sympy.log(stats.P(sympy.Eq(b, k))) for k in (0, 1))


@reference("two_point_variance")
def two_point_variance(p: Params) -> sympy.Expr:
    """`sympy.stats.variance` of X = b + (a - b) B with B ~ Bernoulli(p): X = a w.p. p, else b."""
    x = p["b"] + (p["a"] - p["b"]) * stats.Bernoulli("B", p["p"])
    return sympy.factor(stats.variance(x))


@reference("gaussian_nll_two")
def gaussian_nll_two(p: Params) -> sympy.Expr:
    """-log of the product of the N(w x_i, s²) densities at y_1 and y_2."""
    dens = [
        stats.density(stats.Normal(f"Y{i}", p["w"] * p[f"x{i}"], p["s"]))(p[f"y{i}"])
        for i in (1, 2)
    ]
    return -sympy.log(dens[0] * dens[1])


@reference("mse_gradient_formula")
def mse_gradient_formula(p: Params) -> sympy.Expr:
    """d/dw of (1/2) Σ_{i=1,2} (w x_i - y_i)²."""
    w = sympy.Symbol("w_", real=True)
    mse = sum((w * p[f"x{i}"] - p[f"y{i}"]) ** 2 for i in (1, 2)) / 2
    return sympy.expand(sympy.diff(mse, w).subs(w, p["w"]))


@reference("soft_threshold_formula")
def soft_threshold_formula(p: Params) -> sympy.Expr:
    """argmin_w (w - z)²/2 + lam |w|: on each sign branch the objective is a smooth convex
    parabola; its stationary point is the minimum where it lies on the branch, else w = 0."""
    z, lam = p["z"], p["lam"]
    w = sympy.Symbol("w_", real=True)
    pieces = []
    for sign in (1, -1):  # |w| = sign * w on the branch sign * w > 0
        (root,) = sympy.solve(sympy.diff((w - z) ** 2 / 2 + lam * sign * w, w), w)
        pieces.append((root, sign * root > 0))
    return sympy.Piecewise(*pieces, (sympy.S.Zero, True))
