"""Probes of the issue-19 additions against hand derivations and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe


def _run(name: str, values: dict, seed: int = 0, **args):
    return get_probe(name)(values, np.random.default_rng(seed), **args)


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


def test_model_selection_probes_worked_by_hand() -> None:
    # bias (c - 1) mu = -1, variance c^2 s^2 / n = 1/16: MSE 1 + 1/16.
    mse = _run("shrinkage_mse_mc", dict(mu=2, s=1, n=4, c=0.5))
    assert _close(mse, 17 / 16) and not _close(mse, 1 / 16)
    assert _close(_run("interpolating_degree", dict(n=5)), 4)
    # 3 candidates x 5 folds, plus the refit.
    assert _close(_run("grid_search_fits", dict(n=20, k=5, m=3)), 16)
    assert _close(_run("loo_training_total", dict(n=7)), 7 * 6)
    assert _close(_run("kfold_training_total", dict(n=60, k=4)), 4 * 45)  # 4 fits on 45 each


def test_ranking_probes_worked_by_hand() -> None:
    ranks = dict(r1=1, r2=3, r3=6)
    ap = _run("average_precision", ranks, positives="r1,r2,r3", n=8)
    assert _close(ap, (1 / 1 + 2 / 3 + 3 / 6) / 3)
    top = _run("precision_at_top", {**ranks, "t": 4}, positives="r1,r2,r3", n=8)
    assert _close(top, 2 / 4)


def test_hard_margin_uses_only_the_closest_points() -> None:
    # Closest negative -1, closest positive 3: w (3) + b = 1, w (-1) + b = -1, w = 1/2.
    data = dict(u=-1, v=3, n2=-2, n3=-4, p2=4, p3=5)
    got = _run("hard_margin_weight", data, negatives="n3,n2,u", positives="v,p2,p3")
    assert _close(got, 0.5)
    moved = _run(
        "hard_margin_weight", {**data, "n3": -40}, negatives="n3,n2,u", positives="v,p2,p3"
    )
    assert _close(moved, 0.5)  # a point that is not a support vector does not matter


def test_eigen_reconstruction_and_gaussian_moment() -> None:
    q = np.array([[3.0, -4.0], [4.0, 3.0]]) / 5  # unit eigenvectors as columns
    a = q @ np.diag([3.0, -1.0]) @ q.T
    assert _close(_run("eigen_reconstruction", dict(l1=3, l2=-1), row=1, col=1), a[0, 0])
    cube = _run("eigen_reconstruction", dict(l1=3, l2=-1, n=3), row=1, col=2, power="n")
    assert _close(cube, (a @ a @ a)[0, 1])
    assert _close(_run("normal_second_moment_mc", dict(mu=2, s=3)), 4 + 9)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


FORMULAS = {
    "ridge_from_sums": lambda sxy, sxx, lam: sxy / (sxx + lam),
    "lasso_threshold_points": lambda z, lam: math.copysign(max(abs(z) - lam, 0), z),
    "mse_gradient_points": lambda w, x1, x2, y1, y2: (w * x1 - y1) * x1 + (w * x2 - y2) * x2,
    "gaussian_variance_mle_points": lambda S, n: S / n,
    "gaussian_kl_quad": lambda m1, m2, s1, s2: (
        math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    ),
    "bernoulli_entropy_points": lambda p: -p * math.log(p) - (1 - p) * math.log(1 - p),
    "two_point_variance": lambda a, b, p: p * (1 - p) * (a - b) ** 2,
    "gaussian_nll_points": lambda x1, x2, y1, y2, w, s: (
        math.log(2 * math.pi * s * s) + ((y1 - w * x1) ** 2 + (y2 - w * x2) ** 2) / (2 * s * s)
    ),
    "log_loss_gradient_points": lambda w, x, b, y: (_sigmoid(w * x + b) - y) * x,
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_formula_probes_match_hand_derived_formulas(name: str) -> None:
    samples = get_probe(name)({}, np.random.default_rng(3))
    assert len(samples.points) >= 8
    for point, value in zip(samples.points, samples.values, strict=True):
        want = FORMULAS[name](**point)
        assert abs(value - want) <= max(samples.abs_tol, samples.rel_tol * abs(want)), point


CORRECT = {
    "kmeans_step_matches_scipy": """
def kmeans_step(X, centres):
    labels = np.array([min(range(len(centres)), key=lambda k: sum((x - centres[k]) ** 2))
                       for x in X])
    return labels, np.array([X[labels == k].mean(axis=0) for k in range(len(centres))])
""",
    "pca_matches_sklearn": """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    u, s, vt = np.linalg.svd(Xc, full_matrices=False)
    return Xc @ vt[:k].T, s**2 / np.sum(s**2)
""",
    "normal_equation_matches_sklearn": """
def fit(X, y):
    X1 = np.hstack([np.ones((len(X), 1)), X])
    return np.linalg.lstsq(X1, y, rcond=None)[0]
""",
    "logistic_step_matches_log_loss": """
def step(w, X, y, lr):
    grad = sum((1 / (1 + np.exp(-x @ w)) - t) * x for x, t in zip(X, y)) / len(y)
    return w - lr * grad
""",
    "precision_recall_match_sklearn": """
def precision_recall(y_true, y_pred):
    pairs = list(zip(y_true.tolist(), y_pred.tolist()))
    tp, fp, fn = pairs.count((1, 1)), pairs.count((0, 1)), pairs.count((1, 0))
    return tp / (tp + fp), tp / (tp + fn)
""",
    "entropy_kl_match_scipy": """
import math
def entropy(p):
    return -sum(v * math.log(v) for v in p if v > 0)
def kl(p, q):
    return sum(a * math.log(a / b) for a, b in zip(p, q) if a > 0)
""",
}

# One planted slip each: the probe must reject it.
WRONG = {
    "kmeans_step_matches_scipy": ("X[labels == k].mean(axis=0)", "X[labels == k].sum(axis=0)"),
    "pca_matches_sklearn": ("Xc = X - X.mean(axis=0)", "Xc = X - X.mean()"),
    "normal_equation_matches_sklearn": ("np.ones((len(X), 1)), X", "np.zeros((len(X), 1)), X"),
    "logistic_step_matches_log_loss": ("w - lr * grad", "w + lr * grad"),
    "precision_recall_match_sklearn": (
        "tp / (tp + fp), tp / (tp + fn)",
        "tp / (tp + fn), tp / (tp + fp)",
    ),
    "entropy_kl_match_scipy": ("a * math.log(a / b)", "b * math.log(b / a)"),
}


def _namespace(source: str) -> dict:
    namespace = {"np": np}
    exec(source, namespace)  # test-written implementations, not bank text
    return namespace


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_code_probes_accept_an_independent_implementation_and_reject_a_slip(name: str) -> None:
    probe = get_code_probe(name)
    probe(_namespace(CORRECT[name]), {}, np.random.default_rng(0))
    old, new = WRONG[name]
    assert old in CORRECT[name]
    with pytest.raises(AssertionError):
        probe(_namespace(CORRECT[name].replace(old, new)), {}, np.random.default_rng(0))


REFERENCES = {
    "kmeans_step_code": "kmeans_step_matches_scipy",
    "pca_code": "pca_matches_sklearn",
    "normal_equation_code": "normal_equation_matches_sklearn",
    "logistic_step_code": "logistic_step_matches_log_loss",
    "precision_recall_code": "precision_recall_match_sklearn",
    "entropy_kl_code": "entropy_kl_match_scipy",
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_code_references_accept_the_independent_implementation_and_reject_the_slip(
    name: str,
) -> None:
    from eprep.checker.references import get_code_reference

    definition = get_code_reference(name)()
    source = CORRECT[REFERENCES[name]]
    rng = np.random.default_rng(0)
    assert definition.check(definition.drive(_namespace(source), rng)) == []
    old, new = WRONG[REFERENCES[name]]
    with np.errstate(all="ignore"):
        outputs = definition.drive(_namespace(source.replace(old, new)), rng)
    assert definition.check(outputs) != []
