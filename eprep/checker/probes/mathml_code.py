"""Code probes for the math and ml listings: the completed template against a library.

Each runs the template's function on generated data and compares it with scikit-learn (`PCA`,
`LinearRegression`, `precision_score`, `recall_score`), SciPy (`kmeans2` for one Lloyd step,
`scipy.stats.entropy`) or central differences of `sklearn.metrics.log_loss`, raising
AssertionError with the reason when the behaviour differs.

The libraries are imported with the module, i.e. in the verifier before it forks the sandboxed
children: an import inside a child would cost about 1 s per listing run (one run per option).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.cluster.vq import kmeans2
from scipy.special import expit
from scipy.stats import entropy as scipy_entropy
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression
from sklearn.metrics import log_loss, precision_score, recall_score

from eprep.checker.probes import Params, code_probe
from eprep.checker.probes.cnn import _function, _same


@code_probe("kmeans_step_matches_scipy")
def kmeans_step_matches_scipy(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """labels and new centres of one step against `scipy.cluster.vq.kmeans2(iter=1)`.

    (scikit-learn's KMeans reads /proc through threadpoolctl, which the sandbox forbids.)
    """
    truth = rng.uniform(-6, 6, size=(3, 2))
    x = np.vstack([c + rng.normal(scale=0.8, size=(12, 2)) for c in truth])
    centres = truth + rng.normal(scale=1.0, size=truth.shape)
    with np.errstate(all="ignore"):
        labels, new = _function(namespace, "kmeans_step")(x.copy(), centres.copy())
    want_centres, want_labels = kmeans2(x, centres.copy(), iter=1, minit="matrix", missing="raise")
    _same("the labels", labels, want_labels)
    _same("the new centres", new, want_centres)


@code_probe("pca_matches_sklearn")
def pca_matches_sklearn(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """Projections (up to each component's sign) and variance ratios against `PCA`."""

    rotation, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    x = (
        rng.normal(size=(60, 4)) * np.array([3.0, 2.0, 1.0, 0.5]) @ rotation
        + rng.normal(size=4) * 5
    )
    with np.errstate(all="ignore"):
        projected, ratios = _function(namespace, "pca")(x.copy(), 2)
    want = PCA(n_components=2).fit_transform(x)
    projected = np.asarray(projected, dtype=float)
    if projected.shape != want.shape:
        raise AssertionError(f"the projection has shape {projected.shape}, expected {want.shape}")
    signs = np.sign(np.sum(projected * want, axis=0))  # an eigenvector's sign is arbitrary
    _same("the projection", projected * signs, want, rtol=1e-7, atol=1e-9)
    _same("the variance ratios", ratios, PCA(n_components=4).fit(x).explained_variance_ratio_)


@code_probe("normal_equation_matches_sklearn")
def normal_equation_matches_sklearn(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """[intercept, coefficients] against `LinearRegression` on noisy data."""

    x = rng.normal(size=(25, 3))
    y = x @ rng.normal(size=3) + 2.5 + rng.normal(scale=0.3, size=25)
    with np.errstate(all="ignore"):
        theta = _function(namespace, "fit")(x.copy(), y.copy())
    model = LinearRegression().fit(x, y)
    _same("theta", theta, np.concatenate([[model.intercept_], model.coef_]), rtol=1e-8)


@code_probe("logistic_step_matches_log_loss")
def logistic_step_matches_log_loss(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """w - lr * grad, the gradient of `sklearn.metrics.log_loss` by central differences."""

    x = rng.normal(size=(20, 3))
    y = (rng.random(20) < 0.5).astype(float)
    w, lr = rng.normal(size=3), 0.3

    def loss(v: np.ndarray) -> float:
        return float(log_loss(y, expit(x @ v), labels=[0, 1]))

    h = 1e-6
    grad = np.array([(loss(w + h * e) - loss(w - h * e)) / (2 * h) for e in np.eye(3)])
    with np.errstate(all="ignore"):
        new = _function(namespace, "step")(w.copy(), x.copy(), y.copy(), lr)
    _same("the updated w", new, w - lr * grad, rtol=1e-6, atol=1e-8)


@code_probe("precision_recall_match_sklearn")
def precision_recall_match_sklearn(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """(precision, recall) against `sklearn.metrics` on labels whose four counts all differ."""

    while True:  # counts that tell every confusion of tp/fp/fn/tn apart
        y_true, y_pred = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
        counts = [np.sum((y_true == a) & (y_pred == b)) for a in (0, 1) for b in (0, 1)]
        if len(set(counts)) == 4 and min(counts) > 0:
            break
    with np.errstate(all="ignore"):
        got = _function(namespace, "precision_recall")(y_true.copy(), y_pred.copy())
    _same(
        "(precision, recall)", got, [precision_score(y_true, y_pred), recall_score(y_true, y_pred)]
    )


@code_probe("entropy_kl_match_scipy")
def entropy_kl_match_scipy(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """entropy(p) and kl(p, q) in nats against `scipy.stats.entropy`, p with zero entries."""

    for _ in range(3):
        p = rng.random(6) * (rng.random(6) < 0.7)
        p[0] = 0.0
        p[1] += 0.1  # at least one positive entry, and one zero where q > 0
        p /= p.sum()
        q = rng.random(6) + 0.05
        q /= q.sum()
        with np.errstate(all="ignore"):
            h = _function(namespace, "entropy")(p.copy())
            d = _function(namespace, "kl")(p.copy(), q.copy())
        _same("the entropy", h, scipy_entropy(p))
        _same("the KL divergence", d, scipy_entropy(p, q))
