"""Probes for model selection and ranking: resampling, fits counted, curves and SVMs measured.

The bias and variance of a shrinkage estimator are estimated by drawing many data sets (5 SE),
the interpolating degree by `np.polyfit` residuals, the number of fits by counting an estimator's
`fit` calls under `GridSearchCV` and the splits of `LeaveOneOut`, ranking metrics by
`sklearn.metrics` on scored lists, and the hard-margin SVM by `SVC` with a huge C.
"""

from __future__ import annotations

import warnings

import numpy as np

from eprep.checker.probes import Params, Value, probe

_MC_SETS = 400_000  # data sets per Monte-Carlo estimate


@probe("shrinkage_mse_mc")
def shrinkage_mse_mc(variant: Params, rng: np.random.Generator) -> Value:
    """E[(c x̄ - mu)^2] over data sets of n draws from N(mu, s^2), by Monte Carlo (5 SE)."""
    mu, s, n, c = (float(variant[k]) for k in ("mu", "s", "n", "c"))
    data = rng.normal(mu, s, size=(_MC_SETS, int(n)))
    errors = (c * data.mean(axis=1) - mu) ** 2
    return Value(float(errors.mean()), rel_tol=0.0, abs_tol=5 * float(errors.std()) / _MC_SETS**0.5)


@probe("interpolating_degree")
def interpolating_degree(variant: Params, rng: np.random.Generator) -> Value:
    """The smallest degree whose `np.polyfit` leaves zero training error on n noisy points."""
    n = int(variant["n"])
    x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    while np.min(np.diff(x)) < 0.05:  # distinct, and far enough apart to stay well conditioned
        x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    y = rng.standard_normal(n)
    for degree in range(n + 2):
        with warnings.catch_warnings():  # a degree >= n is rank deficient: polyfit warns
            warnings.simplefilter("ignore")
            coefficients = np.polyfit(x, y, degree)
        residual = float(np.mean((np.polyval(coefficients, x) - y) ** 2))
        # Round-off leaves ~1e-28; a degree short of interpolation leaves ~0.1 on random y.
        if residual < 1e-12:
            return Value(float(degree), rel_tol=0.0, abs_tol=1e-9)
    raise AssertionError("no degree interpolates the points")


@probe("grid_search_fits")
def grid_search_fits(variant: Params, rng: np.random.Generator) -> Value:
    """How often `GridSearchCV` (k folds, m candidates, refit) calls the estimator's `fit`."""
    from sklearn.base import BaseEstimator, RegressorMixin
    from sklearn.model_selection import GridSearchCV, KFold

    calls = []

    class Counting(BaseEstimator, RegressorMixin):
        def __init__(self, alpha: float = 0.0) -> None:
            self.alpha = alpha

        def fit(self, x, y):
            calls.append(len(x))
            self.mean_ = float(np.mean(y))
            return self

        def predict(self, x):
            return np.full(len(x), self.mean_)

    n, k, m = int(variant["n"]), int(variant["k"]), int(variant["m"])
    x, y = rng.standard_normal((n, 2)), rng.standard_normal(n)
    search = GridSearchCV(
        Counting(), {"alpha": list(range(m))}, cv=KFold(k), refit=True, n_jobs=None
    )
    search.fit(x, y)
    return Value(float(len(calls)), rel_tol=0.0, abs_tol=1e-9)


@probe("loo_training_total")
def loo_training_total(variant: Params, rng: np.random.Generator) -> Value:
    """The training-set sizes of `LeaveOneOut`'s splits of n samples, summed."""
    from sklearn.model_selection import LeaveOneOut

    x = np.zeros((int(variant["n"]), 1))
    return Value(float(sum(len(train) for train, _ in LeaveOneOut().split(x))), rel_tol=0.0)


def _ranked(variant: Params, positives: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels in rank order (rank 1 first, positives at the named ranks) and falling scores."""
    ranks = {int(variant[name]) for name in positives.split(",")}
    labels = np.array([1 if r in ranks else 0 for r in range(1, n + 1)])
    return labels, np.linspace(1.0, 0.0, n)


@probe("average_precision")
def average_precision(variant: Params, rng: np.random.Generator, positives: str, n: int) -> Value:
    """`sklearn.metrics.average_precision_score` of a ranked list."""
    from sklearn.metrics import average_precision_score

    labels, scores = _ranked(variant, positives, n)
    return Value(float(average_precision_score(labels, scores)), rel_tol=1e-12)


@probe("precision_at_top")
def precision_at_top(variant: Params, rng: np.random.Generator, positives: str, n: int) -> Value:
    """`precision_score` when the t highest-scored items are predicted positive."""
    from sklearn.metrics import precision_recall_curve

    labels, scores = _ranked(variant, positives, n)
    precision, _, thresholds = precision_recall_curve(labels, scores)
    t = int(variant["t"])
    # The threshold that lets exactly the top t through is the t-th highest score.
    at = int(np.flatnonzero(np.isclose(thresholds, scores[t - 1]))[0])
    return Value(float(precision[at]), rel_tol=1e-12)


@probe("hard_margin_weight")
def hard_margin_weight(
    variant: Params, rng: np.random.Generator, negatives: str, positives: str
) -> Value:
    """The weight of `SVC(kernel="linear")` with a huge C on 1-D data: a hard margin."""
    from sklearn.svm import SVC

    neg = [float(variant[n]) if n in variant else float(n) for n in negatives.split(",")]
    pos = [float(variant[n]) if n in variant else float(n) for n in positives.split(",")]
    x = np.array(neg + pos).reshape(-1, 1)
    y = np.array([-1] * len(neg) + [1] * len(pos))
    model = SVC(kernel="linear", C=1e8, tol=1e-10).fit(x, y)
    margins = y * model.decision_function(x)
    if np.min(margins) < 1 - 1e-6:
        raise AssertionError("the fitted SVM violates the hard margin")
    return Value(float(model.coef_[0, 0]), rel_tol=1e-6, abs_tol=1e-9)


@probe("kfold_training_total")
def kfold_training_total(variant: Params, rng: np.random.Generator) -> Value:
    """The training-set sizes of `KFold(k)`'s splits of n samples, summed."""
    from sklearn.model_selection import KFold

    x = np.zeros((int(variant["n"]), 1))
    splits = KFold(int(variant["k"]), shuffle=True, random_state=0).split(x)
    return Value(float(sum(len(train) for train, _ in splits)), rel_tol=0.0)
