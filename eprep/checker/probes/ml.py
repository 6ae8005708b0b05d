"""Probes for machine learning: scikit-learn (and PyTorch) measure each variant's quantity.

Estimators are fitted on the variant's data (`LinearRegression`, `Ridge`, `Lasso`, `KMeans` from
the given centres, `PCA` on data built to have the given covariance, a depth-1
`DecisionTreeClassifier`), metrics come from `sklearn.metrics` on label arrays with the variant's
counts, gradients are central differences of `sklearn.metrics` losses, kernels are
`sklearn.metrics.pairwise`'s and the softmax is PyTorch's.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, after_pass, probe


def _vector(variant: Params, names: str) -> np.ndarray:
    return np.array([float(variant[n]) for n in names.split(",")], dtype=float)


def _points(variant: Params, xs: str, ys: str) -> tuple[np.ndarray, np.ndarray]:
    """The data: x values (params or numbers) and y values, comma-separated names."""
    x = np.array([float(variant[n]) if n in variant else float(n) for n in xs.split(",")])
    return x.reshape(-1, 1), _vector(variant, ys)


def _central_difference(f, w: float, h: float = 1e-5) -> Value:
    """f'(w) by a central difference; its error is O(h^2) for smooth f."""
    return Value((f(w + h) - f(w - h)) / (2 * h), rel_tol=1e-6, abs_tol=1e-7)


# --- regression ------------------------------------------------------------------------------


@probe("ols_fit")
def ols_fit(variant: Params, rng: np.random.Generator, x: str, y: str, report: str) -> Value:
    """`LinearRegression` on the points: its "slope", "intercept" or training "r2"."""
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import r2_score

    xs, ys = _points(variant, x, y)
    model = LinearRegression().fit(xs, ys)
    value = {
        "slope": lambda: model.coef_[0],
        "intercept": lambda: model.intercept_,
        "r2": lambda: r2_score(ys, model.predict(xs)),
    }[report]()
    return Value(float(value), rel_tol=1e-9, abs_tol=1e-9)


@probe("ridge_coefficient")
def ridge_coefficient(variant: Params, rng: np.random.Generator, x: str, y: str) -> Value:
    """`Ridge(alpha=lam, fit_intercept=False)`: minimises ||y - Xw||^2 + lam ||w||^2."""
    from sklearn.linear_model import Ridge

    xs, ys = _points(variant, x, y)
    model = Ridge(alpha=float(variant["lam"]), fit_intercept=False).fit(xs, ys)
    return Value(float(model.coef_[0]), rel_tol=1e-9, abs_tol=1e-12)


@probe("lasso_one")
def lasso_one(variant: Params, rng: np.random.Generator) -> Value:
    """`Lasso` on one sample x = 1, y = z: its objective is (z - w)^2 / 2 + lam |w|."""
    from sklearn.linear_model import Lasso

    model = Lasso(alpha=float(variant["lam"]), fit_intercept=False, tol=1e-12, max_iter=10_000)
    model.fit(np.array([[1.0]]), np.array([float(variant["z"])]))
    return Value(float(model.coef_[0]), rel_tol=1e-7, abs_tol=1e-9)


@probe("mse_gradient")
def mse_gradient(variant: Params, rng: np.random.Generator, x: str, y: str) -> Value:
    """d/dw of `sklearn.metrics.mean_squared_error(y, w x)` at w, by a central difference."""
    from sklearn.metrics import mean_squared_error

    xs, ys = _points(variant, x, y)
    return _central_difference(lambda w: mean_squared_error(ys, w * xs[:, 0]), float(variant["w"]))


# --- classification --------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    from scipy.special import expit

    return float(expit(z))


@probe("log_loss_gradient")
def log_loss_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """d/dw of `sklearn.metrics.log_loss` for one sample with P(y=1) = sigmoid(w x + b)."""
    from sklearn.metrics import log_loss

    x, b, y = float(variant["x"]), float(variant["b"]), int(variant["y"])

    def loss(w: float) -> float:
        p = _sigmoid(w * x + b)
        return float(log_loss([y], [[1 - p, p]], labels=[0, 1]))

    return _central_difference(loss, float(variant["w"]))


@probe("logistic_probability")
def logistic_probability(variant: Params, rng: np.random.Generator) -> Value:
    """`LogisticRegression.predict_proba` with the variant's weights set on a fitted model."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    model.coef_ = np.array([[float(variant["w1"]), float(variant["w2"])]])
    model.intercept_ = np.array([float(variant["b"])])
    x = np.array([[float(variant["x1"]), float(variant["x2"])]])
    return Value(float(model.predict_proba(x)[0, 1]), rel_tol=1e-9)


@probe("softmax_probability")
def softmax_probability(variant: Params, rng: np.random.Generator, z: str, k: int) -> Value:
    """Component k (1-based) of `torch.softmax` of the logits."""
    import torch

    logits = torch.tensor(_vector(variant, z), dtype=torch.float64)
    return Value(float(torch.softmax(logits, dim=0)[k - 1]), rel_tol=1e-9)


# --- metrics ---------------------------------------------------------------------------------


def _labels(variant: Params) -> tuple[np.ndarray, np.ndarray]:
    """y_true, y_pred with the variant's TP, FP, FN, TN (shuffled: order must not matter)."""
    tp, fp, fn, tn = (int(variant[k]) for k in ("TP", "FP", "FN", "TN"))
    pairs = [(1, 1)] * tp + [(0, 1)] * fp + [(1, 0)] * fn + [(0, 0)] * tn
    order = np.random.default_rng(0).permutation(len(pairs))
    arr = np.array(pairs)[order]
    return arr[:, 0], arr[:, 1]


@probe("classification_metric")
def classification_metric(variant: Params, rng: np.random.Generator, metric: str) -> Value:
    """`sklearn.metrics` precision, recall, f1, specificity (recall of class 0) or accuracy."""
    from sklearn import metrics

    y_true, y_pred = _labels(variant)
    value = {
        "precision": lambda: metrics.precision_score(y_true, y_pred),
        "recall": lambda: metrics.recall_score(y_true, y_pred),
        "f1": lambda: metrics.f1_score(y_true, y_pred),
        "specificity": lambda: metrics.recall_score(y_true, y_pred, pos_label=0),
        "accuracy": lambda: metrics.accuracy_score(y_true, y_pred),
        "fpr": lambda: metrics.roc_curve(y_true, y_pred)[0][1],  # the hard labels' ROC point
    }[metric]()
    return Value(float(value), rel_tol=1e-9)


@probe("auc_from_ranks")
def auc_from_ranks(variant: Params, rng: np.random.Generator, ranks: str, n: int) -> Value:
    """`roc_auc_score` for n items ranked 1 (highest score) .. n, positives at the given ranks."""
    from sklearn.metrics import roc_auc_score

    positives = {int(variant[r]) for r in ranks.split(",")}
    y_true = [1 if rank in positives else 0 for rank in range(1, n + 1)]
    scores = [float(n + 1 - rank) for rank in range(1, n + 1)]
    return Value(float(roc_auc_score(y_true, scores)), rel_tol=1e-9)


# --- clustering and PCA ----------------------------------------------------------------------


@probe("kmeans_step")
def kmeans_step(
    variant: Params, rng: np.random.Generator, points: str, centres: str, k: int
) -> Value:
    """Centre k (1-based) after one Lloyd iteration of `KMeans` started from the given centres."""
    from sklearn.cluster import KMeans

    x = _vector(variant, points).reshape(-1, 1)
    init = _vector(variant, centres).reshape(-1, 1)
    model = KMeans(len(init), init=init, n_init=1, max_iter=1, algorithm="lloyd").fit(x)
    return Value(float(model.cluster_centers_[k - 1, 0]), rel_tol=1e-9)


def _data_with_covariance(a: float, b: float, rng: np.random.Generator) -> np.ndarray:
    """500 points of mean exactly 0 whose sample covariance (ddof=1) is exactly [[a, b], [b, a]]."""
    z = rng.standard_normal((500, 2))
    z -= z.mean(axis=0)
    # Whiten to identity sample covariance, then colour with a Cholesky factor of the target.
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return z @ np.linalg.cholesky(np.array([[a, b], [b, a]])).T


@probe("pca_explained_ratio")
def pca_explained_ratio(variant: Params, rng: np.random.Generator) -> Value:
    """`PCA` on data of sample covariance [[a, b], [b, a]]: the first component's ratio."""
    from sklearn.decomposition import PCA

    data = _data_with_covariance(float(variant["a"]), float(variant["b"]), rng)
    ratio = PCA(n_components=2).fit(data + rng.normal(size=2)).explained_variance_ratio_[0]
    return Value(float(ratio), rel_tol=1e-9)


@probe("pca_projection")
def pca_projection(variant: Params, rng: np.random.Generator) -> Value:
    """`PCA.transform` of (x1, x2): the first score, the direction taken with a positive sum."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=1).fit(_data_with_covariance(variant["a"], variant["b"], rng))
    sign = 1.0 if pca.components_[0].sum() > 0 else -1.0
    score = pca.transform(np.array([[float(variant["x1"]), float(variant["x2"])]]))[0, 0]
    return Value(float(sign * score), rel_tol=1e-9, abs_tol=1e-9)


@probe("pca_lost_variance")
def pca_lost_variance(variant: Params, rng: np.random.Generator) -> Value:
    """Squared reconstruction error of a 1-component `PCA`, summed over points, over n - 1."""
    from sklearn.decomposition import PCA

    data = _data_with_covariance(float(variant["a"]), float(variant["b"]), rng)
    pca = PCA(n_components=1).fit(data)
    error = np.sum((data - pca.inverse_transform(pca.transform(data))) ** 2)
    return Value(float(error / (len(data) - 1)), rel_tol=1e-9)


# --- kernels, SVM losses and trees -----------------------------------------------------------


@probe("hinge_loss")
def hinge_loss(variant: Params, rng: np.random.Generator) -> Value:
    """`sklearn.metrics.hinge_loss` of one sample with label y (±1) and decision value f."""
    from sklearn.metrics import hinge_loss as hinge

    y = int(variant["y"])
    return Value(float(hinge([y, -y], [float(variant["f"]), -y * 5.0])) * 2, rel_tol=1e-9)


@probe("kernel_value")
def kernel_value(variant: Params, rng: np.random.Generator, x: str, z: str, form: str) -> Value:
    """`sklearn.metrics.pairwise` RBF (gamma) or polynomial (degree d, coef0 c, gamma 1) kernel."""
    from sklearn.metrics import pairwise

    a, b = _vector(variant, x).reshape(1, -1), _vector(variant, z).reshape(1, -1)
    if form == "rbf":
        value = pairwise.rbf_kernel(a, b, gamma=float(variant["gamma"]))
    else:
        value = pairwise.polynomial_kernel(
            a, b, degree=int(variant["d"]), gamma=1.0, coef0=float(variant["c"])
        )
    return Value(float(value[0, 0]), rel_tol=1e-9, abs_tol=1e-15)


@probe("split_gain")
def split_gain(variant: Params, rng: np.random.Generator, criterion: str) -> Value:
    """Impurity decrease of a depth-1 `DecisionTreeClassifier` forced onto one binary split.

    The left child holds `la` samples of class 1 and `lb` of class 0, the right `ra` and `rb`;
    with a single split at the root, the unnormalised feature importance is the gain.
    """
    la, lb, ra, rb = (int(variant[k]) for k in ("la", "lb", "ra", "rb"))
    x = np.array([0] * (la + lb) + [1] * (ra + rb)).reshape(-1, 1)
    y = np.array([1] * la + [0] * lb + [1] * ra + [0] * rb)
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=1, criterion=criterion).fit(x, y)
    assert tree.tree_.node_count == 3, "the tree did not split"
    gain = tree.tree_.compute_feature_importances(normalize=False)[0]
    return Value(float(gain), rel_tol=1e-9, abs_tol=1e-12)


# --- distances, margins, validation and dimensionality ---------------------------------------


@probe("distance")
def distance(variant: Params, rng: np.random.Generator, x: str, z: str, measure: str) -> Value:
    """`scipy.spatial.distance`: euclidean, cityblock, chebyshev, cosine similarity, mahalanobis."""
    from scipy.spatial import distance as d

    a, b = _vector(variant, x), _vector(variant, z)
    if measure == "cosine":
        value = 1.0 - d.cosine(a, b)  # SciPy returns the cosine distance 1 - similarity
    elif measure == "mahalanobis":
        inverse = np.linalg.inv(np.diag(_vector(variant, "s1,s2")))
        value = d.mahalanobis(a, b, inverse)
    else:
        value = getattr(d, measure)(a, b)
    return Value(float(value), rel_tol=1e-9, abs_tol=1e-12)


@probe("margin_width")
def margin_width(variant: Params, rng: np.random.Generator) -> Value:
    """The least distance between the planes wᵀx = 1 and wᵀx = -1, found by SLSQP."""
    from scipy.optimize import minimize

    w = _vector(variant, "w1,w2")
    constraints = [
        {"type": "eq", "fun": lambda v: w @ v[:2] - 1.0},
        {"type": "eq", "fun": lambda v: w @ v[2:] + 1.0},
    ]
    found = minimize(
        lambda v: np.sum((v[:2] - v[2:]) ** 2),
        rng.normal(size=4),
        constraints=constraints,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert found.success, found.message
    return Value(float(np.sqrt(found.fun)), rel_tol=1e-6, abs_tol=1e-9)


@probe("kfold_train_size")
def kfold_train_size(variant: Params, rng: np.random.Generator) -> Value:
    """Training-set size of every split of `sklearn.model_selection.KFold(k)` on n samples."""
    from sklearn.model_selection import KFold

    n, k = int(variant["n"]), int(variant["k"])
    sizes = {len(train) for train, _ in KFold(k).split(np.zeros((n, 1)))}
    assert len(sizes) == 1, f"the folds have different training sizes {sorted(sizes)}"
    return Value(float(sizes.pop()))


@probe("subcube_edge_mc")
def subcube_edge_mc(variant: Params, rng: np.random.Generator) -> Value:
    """Edge e of the corner cube [0, e]^d holding a fraction r of uniform points (Monte Carlo).

    A point lies in [0, e]^d iff its largest coordinate is <= e, so e is the r-quantile of
    the largest coordinate; its standard error is sqrt(r (1 - r) / N) / f(e), with the
    density f of the maximum estimated from the sample by a narrow histogram bin.
    """
    d, r = int(variant["d"]), float(variant["r"])
    largest = rng.random((400_000, d)).max(axis=1)
    edge = float(np.quantile(largest, r))
    width = 0.01
    density = np.mean(np.abs(largest - edge) < width / 2) / width
    se = np.sqrt(r * (1 - r) / largest.size) / density
    return Value(edge, rel_tol=0.0, abs_tol=5 * se)


@probe("odds_ratio")
def odds_ratio(variant: Params, rng: np.random.Generator) -> Value:
    """Odds at x + 1 over odds at x from `LogisticRegression.predict_proba` with weight w."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(np.array([[0.0], [1.0]]), np.array([0, 1]))
    model.coef_ = np.array([[float(variant["w"])]])
    model.intercept_ = np.array([float(variant["b"])])
    p = model.predict_proba(np.array([[0.5], [1.5]]))[:, 1]
    return Value(float((p[1] / (1 - p[1])) / (p[0] / (1 - p[0]))), rel_tol=1e-9)


@probe("softmax_ce_logit_gradient")
def softmax_ce_logit_gradient(
    variant: Params, rng: np.random.Generator, z: str, t: int, k: int
) -> Value:
    """∂L/∂z_k of `torch.nn.functional.cross_entropy` for the logits and true class t (autograd)."""
    import torch

    logits = torch.tensor(_vector(variant, z), dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(logits[None], torch.tensor([t - 1]))
    loss.backward()
    return Value(float(after_pass(logits.grad)[k - 1]), rel_tol=1e-9, abs_tol=1e-12)


@probe("naive_bayes_posterior")
def naive_bayes_posterior(variant: Params, rng: np.random.Generator) -> Value:
    """`BernoulliNB.predict_proba` for x = (1, 1), its prior and likelihoods set from the variant.

    Class 1 has prior `prior` and P(x_j = 1 | c) = a1, a2; class 0 has b1, b2.
    """
    from sklearn.naive_bayes import BernoulliNB

    model = BernoulliNB().fit(np.array([[0, 0], [1, 1]]), np.array([0, 1]))
    prior = float(variant["prior"])
    model.class_log_prior_ = np.log([1 - prior, prior])
    likelihood = np.array([[variant["b1"], variant["b2"]], [variant["a1"], variant["a2"]]], float)
    model.feature_log_prob_ = np.log(likelihood)
    return Value(float(model.predict_proba(np.array([[1, 1]]))[0, 1]), rel_tol=1e-9)


@probe("polynomial_feature_count")
def polynomial_feature_count(variant: Params, rng: np.random.Generator) -> Value:
    """`PolynomialFeatures(degree).n_output_features_` for d inputs (bias included)."""
    from sklearn.preprocessing import PolynomialFeatures

    features = PolynomialFeatures(int(variant["p"])).fit(np.zeros((1, int(variant["d"]))))
    return Value(float(features.n_output_features_))


@probe("binary_log_loss")
def binary_log_loss(variant: Params, rng: np.random.Generator) -> Value:
    """`sklearn.metrics.log_loss` of one sample with label y and P(y=1) = sigmoid(z)."""
    from sklearn.metrics import log_loss

    p = _sigmoid(float(variant["z"]))
    return Value(float(log_loss([int(variant["y"])], [[1 - p, p]], labels=[0, 1])), rel_tol=1e-9)


@probe("node_impurity")
def node_impurity(variant: Params, rng: np.random.Generator, counts: str, criterion: str) -> Value:
    """The root impurity of a `DecisionTreeClassifier` fitted to labels with the given counts."""
    from sklearn.tree import DecisionTreeClassifier

    sizes = [int(variant[c]) for c in counts.split(",")]
    y = np.concatenate([np.full(size, label) for label, size in enumerate(sizes)])
    tree = DecisionTreeClassifier(max_depth=1, criterion=criterion).fit(np.zeros((y.size, 1)), y)
    return Value(float(tree.tree_.impurity[0]), rel_tol=1e-9, abs_tol=1e-12)


@probe("kmeans_inertia")
def kmeans_inertia(variant: Params, rng: np.random.Generator, points: str, centres: str) -> Value:
    """`KMeans.inertia_` after one Lloyd iteration from the given centres."""
    from sklearn.cluster import KMeans

    x = _vector(variant, points).reshape(-1, 1)
    init = _vector(variant, centres).reshape(-1, 1)
    model = KMeans(len(init), init=init, n_init=1, max_iter=1, algorithm="lloyd").fit(x)
    return Value(float(model.inertia_), rel_tol=1e-9, abs_tol=1e-9)


@probe("sigmoid_derivative")
def sigmoid_derivative(variant: Params, rng: np.random.Generator) -> Value:
    """A central difference of SciPy's `expit` at z."""
    return _central_difference(_sigmoid, float(variant["z"]))


@probe("svm_c_effect")
def svm_c_effect(variant: Params, rng: np.random.Generator) -> OptionId:
    """Fit a linear `SVC` with the small and the large C on overlapping blobs; compare them.

    The margin is 2/‖w‖ of each fitted `coef_`; support vectors are counted by `n_support_`.
    """
    from sklearn.svm import SVC

    x = np.vstack([rng.normal([-1.0, 0.0], 1.0, (100, 2)), rng.normal([1.0, 0.0], 1.0, (100, 2))])
    y = np.array([0] * 100 + [1] * 100)
    fits = [SVC(kernel="linear", C=float(variant[c])).fit(x, y) for c in ("c1", "c2")]
    margins = [2.0 / np.linalg.norm(f.coef_) for f in fits]
    vectors = [int(f.n_support_.sum()) for f in fits]
    if margins[1] < margins[0] and vectors[1] < vectors[0]:
        return OptionId("narrower")
    if margins[1] > margins[0] and vectors[1] > vectors[0]:
        return OptionId("wider")
    if np.isclose(margins[0], margins[1]) and vectors[0] == vectors[1]:
        return OptionId("no-effect")
    return OptionId("kernel-width")


@probe("loo_train_uses")
def loo_train_uses(variant: Params, rng: np.random.Generator) -> Value:
    """In how many `LeaveOneOut` splits sample 0 is in the training indices."""
    from sklearn.model_selection import LeaveOneOut

    splits = LeaveOneOut().split(np.zeros((int(variant["n"]), 1)))
    return Value(float(sum(1 for train, _ in splits if 0 in train)))
