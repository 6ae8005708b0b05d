"""Machine-learning probes against NumPy, SciPy, PyTorch autograd and hand derivations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from eprep.checker.probes import get_probe


def _run(name: str, values: dict, seed: int = 0, **args):
    return get_probe(name)(values, np.random.default_rng(seed), **args)


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


def test_least_squares_against_numpy_polyfit() -> None:
    ys = [1.0, 2.0, 2.0, 4.0]
    values = dict(zip(["y0", "y1", "y2", "y3"], ys, strict=True))
    slope, intercept = np.polyfit([0, 1, 2, 3], ys, 1)
    args = dict(x="0,1,2,3", y="y0,y1,y2,y3")
    assert _close(_run("ols_fit", values, report="slope", **args), slope)
    assert _close(_run("ols_fit", values, report="intercept", **args), intercept)
    residual = np.sum((np.array(ys) - (slope * np.arange(4) + intercept)) ** 2)
    total = np.sum((np.array(ys) - np.mean(ys)) ** 2)
    assert _close(_run("ols_fit", values, report="r2", **args), 1 - residual / total)


def test_ridge_and_lasso_closed_forms_worked_by_hand() -> None:
    # sum x y = 14, sum x^2 = 14: w = 14 / (14 + 1).
    ridge = _run("ridge_coefficient", dict(y1=1, y2=2, y3=3, lam=1), x="1,2,3", y="y1,y2,y3")
    assert _close(ridge, 14 / 15) and not _close(ridge, 1.0)
    assert _close(_run("lasso_one", dict(z=-3, lam=1)), -2)  # moved towards 0 by lam
    assert _close(_run("lasso_one", dict(z=0.5, lam=1)), 0)  # inside the threshold


def test_gradients_against_torch_autograd() -> None:
    w = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)
    torch.mean((w * x - y) ** 2).backward()
    got = _run("mse_gradient", dict(w=1.5, y1=1, y2=0, y3=2), x="1,2,3", y="y1,y2,y3")
    assert _close(got, float(w.grad))

    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    logit = w * 3.0 - 1.0
    torch.nn.functional.binary_cross_entropy_with_logits(
        logit, torch.tensor(0.0, dtype=torch.float64)
    ).backward()
    assert _close(_run("log_loss_gradient", dict(w=0.5, x=3, b=-1, y=0)), float(w.grad))


def test_logistic_and_softmax_probabilities() -> None:
    values = dict(w1=1, w2=-2, b=1, x1=2, x2=1)  # z = 2 - 2 + 1 = 1
    assert _close(_run("logistic_probability", values), 1 / (1 + math.exp(-1)))
    from scipy.special import softmax

    got = _run("softmax_probability", dict(z1=3, z2=1, z3=0), z="z1,z2,z3", k=1)
    assert _close(got, float(softmax([3.0, 1.0, 0.0])[0]))


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("precision", 8 / 10),
        ("recall", 8 / 12),
        ("f1", 2 * 0.8 * (2 / 3) / (0.8 + 2 / 3)),
        ("specificity", 6 / 8),
        ("accuracy", 14 / 20),
    ],
)
def test_confusion_matrix_metrics(metric: str, expected: float) -> None:
    got = _run("classification_metric", dict(TP=8, FP=2, FN=4, TN=6), metric=metric)
    assert _close(got, expected)


def test_auc_counts_correctly_ordered_pairs() -> None:
    # Positives at ranks 1, 2, 4 of 6: they beat 3 + 3 + 2 of the 9 (positive, negative) pairs.
    got = _run("auc_from_ranks", dict(r1=1, r2=2, r3=4), ranks="r1,r2,r3", n=6)
    assert _close(got, 8 / 9)


def test_kmeans_step_and_pca() -> None:
    values = dict(x1=0, x2=1, x3=5, x4=6, x5=7, c1=0, c2=4)
    args = dict(points="x1,x2,x3,x4,x5", centres="c1,c2")
    assert _close(_run("kmeans_step", values, k=1, **args), 0.5)
    assert _close(_run("kmeans_step", values, k=2, **args), 6.0)
    # [[5, 3], [3, 5]]: eigenvalues 8 along (1, 1)/sqrt 2 and 2 along (1, -1)/sqrt 2.
    assert _close(_run("pca_explained_ratio", dict(a=5, b=3), seed=1), 0.8)
    assert _close(_run("pca_projection", dict(a=5, b=3, x1=1, x2=3), seed=2), 4 / math.sqrt(2))
    assert _close(_run("pca_lost_variance", dict(a=5, b=3), seed=3), 2.0)


def test_hinge_kernels_and_split_gains() -> None:
    assert _close(_run("hinge_loss", dict(y=1, f=0.3)), 0.7)
    assert _close(_run("hinge_loss", dict(y=-1, f=0.5)), 1.5)
    assert _close(_run("hinge_loss", dict(y=1, f=2.0)), 0.0)
    rbf = _run(
        "kernel_value", dict(x1=0, x2=0, z1=1, z2=1, gamma=0.5), x="x1,x2", z="z1,z2", form="rbf"
    )
    assert _close(rbf, math.exp(-1))
    poly = _run(
        "kernel_value", dict(x1=1, x2=2, z1=3, z2=1, c=1, d=2), x="x1,x2", z="z1,z2", form="poly"
    )
    assert _close(poly, 36)
    pure = dict(la=4, lb=0, ra=0, rb=4)  # a perfect split of a 50/50 node
    assert _close(_run("split_gain", pure, criterion="gini"), 0.5)
    assert _close(_run("split_gain", pure, criterion="entropy"), 1.0)


def test_distances_margin_and_validation() -> None:
    pts = dict(x1=1, x2=2, x3=3, z1=4, z2=0, z3=3)  # differences 3, 2, 0
    args = dict(x="x1,x2,x3", z="z1,z2,z3")
    assert _close(_run("distance", pts, measure="cityblock", **args), 5)
    assert _close(_run("distance", pts, measure="chebyshev", **args), 3)
    assert _close(_run("distance", pts, measure="euclidean", **args), math.sqrt(13))
    assert _close(_run("distance", pts, measure="cosine", **args), 13 / (math.sqrt(14) * 5))
    maha = dict(x1=0, x2=0, z1=2, z2=6, s1=4, s2=9)
    assert _close(_run("distance", maha, x="x1,x2", z="z1,z2", measure="mahalanobis"), math.sqrt(5))
    assert _close(_run("margin_width", dict(w1=3, w2=4)), 2 / 5)
    assert _close(_run("kfold_train_size", dict(n=100, k=5)), 80)
    edge = _run("subcube_edge_mc", dict(d=10, r=0.1))
    assert _close(edge, 0.1 ** (1 / 10)) and not _close(edge, 0.1)


def test_odds_ratio_and_softmax_gradient() -> None:
    assert _close(_run("odds_ratio", dict(w=0.7, b=-1)), math.exp(0.7))
    from scipy.special import logsumexp

    def loss(z1: float) -> float:  # -ln softmax(z)_1, by SciPy rather than torch
        return float(logsumexp([z1, 0.0, 1.0]) - z1)

    h = 1e-6
    numeric = (loss(2 + h) - loss(2 - h)) / (2 * h)
    got = _run("softmax_ce_logit_gradient", dict(z1=2, z2=0, z3=1), z="z1,z2,z3", t=1, k=1)
    assert abs(got.value - numeric) < 1e-8


def test_naive_bayes_feature_count_and_log_loss() -> None:
    # Joint 0.5 * 0.8 * 0.5 = 0.2 against 0.5 * 0.2 * 0.5 = 0.05: posterior 0.8.
    values = dict(prior=0.5, a1=0.8, a2=0.5, b1=0.2, b2=0.5)
    assert _close(_run("naive_bayes_posterior", values), 0.8)
    # d = 3, degree 2: 1, x1, x2, x3, 3 squares, 3 products.
    assert _close(_run("polynomial_feature_count", dict(d=3, p=2)), 10)
    assert _close(_run("binary_log_loss", dict(z=0.0, y=1)), math.log(2))
    assert _close(_run("binary_log_loss", dict(z=2.0, y=0)), math.log(1 + math.exp(2)))


def test_node_impurities_and_false_positive_rate() -> None:
    assert _close(_run("node_impurity", dict(a=2, b=2), counts="a,b", criterion="entropy"), 1.0)
    # Shares 1/2, 1/4, 1/4: Gini 1 - 1/4 - 1/16 - 1/16.
    gini = _run("node_impurity", dict(a=2, b=1, c=1), counts="a,b,c", criterion="gini")
    assert _close(gini, 0.625)
    assert _close(_run("classification_metric", dict(TP=8, FP=2, FN=4, TN=6), metric="fpr"), 0.25)


def test_kmeans_inertia_and_sigmoid_derivative() -> None:
    # From centres 0 and 4: clusters {0, 1} and {5, 6, 7}, new centres 0.5 and 6.
    values = dict(x1=0, x2=1, x3=5, x4=6, x5=7, c1=0, c2=4)
    got = _run("kmeans_inertia", values, points="x1,x2,x3,x4,x5", centres="c1,c2")
    assert _close(got, 0.25 + 0.25 + 1 + 0 + 1)
    s = 1 / (1 + math.exp(-1.0))
    assert _close(_run("sigmoid_derivative", dict(z=1.0)), s * (1 - s))


def test_a_larger_c_narrows_the_margin_of_a_fitted_svm() -> None:
    from eprep.checker.probes import OptionId

    assert _run("svm_c_effect", dict(c1=0.01, c2=100)) == OptionId("narrower")
    assert _run("svm_c_effect", dict(c1=100, c2=0.01)) == OptionId(
        "wider"
    )  # the probe can disagree


def test_leave_one_out_trains_each_sample_n_minus_one_times() -> None:
    assert _close(_run("loo_train_uses", dict(n=10)), 9)
