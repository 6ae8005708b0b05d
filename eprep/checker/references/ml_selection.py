"""Model selection and ranking, from their definitions.

The mean squared error of an estimator is E[(θ̂ - θ)²] over `sympy.stats` normal samples; the
interpolating degree is the smallest d whose Vandermonde matrix at n distinct points has rank n;
the number of fits is counted from the procedure (one per candidate and fold, plus the refit);
leave-one-out's training sizes are summed split by split; average precision is the mean, over
the relevant items, of the precision at each one's rank (Manning et al. 2008, §8.4); precision
at a cut-off is the share of positives above it; the hard-margin SVM is the feasible (w, b) of
least |w| among those with one positive and one negative constraint active (Cortes & Vapnik 1995).
"""

from __future__ import annotations

import sympy
from sympy import stats

from eprep.checker.references import Params, integer, reference


@reference("shrinkage_mse")
def shrinkage_mse(p: Params) -> sympy.Expr:
    """E[(c x̄ - mu)^2], x̄ = S/n with S the sum of n independent N(mu, s^2) draws.

    The square is expanded over the draws: E[S] = n E[X], and E[S^2] has n terms E[X^2] and
    n(n - 1) cross terms E[X_i X_j] = E[X]^2 (independence); the moments come from `sympy.stats`.
    """
    n = p["n"]
    x = stats.Normal("X", p["mu"], p["s"])
    m1, m2 = stats.E(x), stats.E(x**2)
    sum_mean, sum_square = n * m1, n * m2 + n * (n - 1) * m1**2
    c = p["c"]
    return sympy.expand(c**2 * sum_square / n**2 - 2 * c * p["mu"] * sum_mean / n + p["mu"] ** 2)


@reference("interpolating_degree")
def interpolating_degree(p: Params) -> sympy.Expr:
    """The least d such that [x_i^j] (j <= d) at n distinct x has rank n (any y is fitted)."""
    n = integer(p["n"])
    xs = [sympy.Rational(i + 1, n + 1) for i in range(n)]
    for d in range(n + 1):
        if sympy.Matrix([[x**j for j in range(d + 1)] for x in xs]).rank() == n:
            return sympy.Integer(d)
    raise AssertionError("unreachable: degree n - 1 interpolates")


@reference("grid_search_fits")
def grid_search_fits(p: Params) -> sympy.Expr:
    """One fit per (candidate, fold) pair, then one refit of the best on all the data."""
    fits = 0
    for _candidate in range(integer(p["m"])):
        for _fold in range(integer(p["k"])):
            fits += 1
    return sympy.Integer(fits + 1)


@reference("loo_training_total")
def loo_training_total(p: Params) -> sympy.Expr:
    """Split i trains on every sample but i; the sizes summed over the n splits."""
    n = integer(p["n"])
    return sympy.Integer(sum(len([j for j in range(n) if j != i]) for i in range(n)))


def _relevant(p: Params, positives: str, n: int) -> list[bool]:
    ranks = {integer(p[name]) for name in positives.split(",")}
    return [r in ranks for r in range(1, n + 1)]


@reference("average_precision")
def average_precision(p: Params, *, positives: str, n: int) -> sympy.Expr:
    """(1/R) Σ over relevant items of precision@(its rank)."""
    relevant = _relevant(p, positives, n)
    total, hits = sympy.Integer(0), 0
    for rank, is_hit in enumerate(relevant, start=1):
        if is_hit:
            hits += 1
            total += sympy.Rational(hits, rank)
    return total / sum(relevant)


@reference("precision_at_top")
def precision_at_top(p: Params, *, positives: str, n: int) -> sympy.Expr:
    """Positives among the t items ranked highest, over t."""
    t = integer(p["t"])
    return sympy.Rational(sum(_relevant(p, positives, n)[:t]), t)


@reference("hard_margin_weight")
def hard_margin_weight(p: Params, *, negatives: str, positives: str) -> sympy.Expr:
    """min |w| s.t. y_i (w x_i + b) >= 1, searched over the active pairs (x+, x-)."""

    def value(name: str):
        return p[name] if name in p else sympy.Integer(int(name))

    neg = [value(n) for n in negatives.split(",")]
    pos = [value(n) for n in positives.split(",")]
    for x in neg + pos:
        integer(x)  # a search over candidates needs numbers
    best = None
    for xp in pos:
        for xn in neg:
            if xp == xn:
                continue
            w = sympy.Rational(2) / (xp - xn)  # w xp + b = 1 and w xn + b = -1
            b = 1 - w * xp
            feasible = all(w * x + b >= 1 for x in pos) and all(-(w * x + b) >= 1 for x in neg)
            if feasible and (best is None or abs(w) < abs(best)):
                best = w
    if best is None:
        raise AssertionError("the classes are not separable")
    return best


@reference("kfold_training_total")
def kfold_training_total(p: Params) -> sympy.Expr:
    """Fold f is held out once; the fit for fold f trains on the other k - 1 folds of n/k."""
    n, k = integer(p["n"]), integer(p["k"])
    folds = [n // k] * k  # n is a multiple of k in the question
    return sympy.Integer(sum(sum(size for g, size in enumerate(folds) if g != f) for f in range(k)))
