"""Machine learning: estimators as minimisers of their objectives, metrics from their definitions.

Least squares is the normal equation XᵀX θ = Xᵀy solved with `sympy.Matrix`; ridge and lasso are
the stationary points of their written-out objectives (lasso on each sign branch, the minimum
taken among the candidates and 0); gradients are `sympy.diff` of the loss; metrics are ratios of
confusion-matrix counts as Powers (2011) defines them; AUC is the share of (positive, negative)
pairs ranked correctly (Hanley & McNeil 1982); a k-means step is an assignment to the nearest
centre and a mean (Lloyd 1982); PCA's ratios are eigenvalues of the covariance over their sum;
kernels are their defining formulas; split gains are impurity decreases (Breiman et al. 1984).
"""

from __future__ import annotations

import sympy

from eprep.checker.references import NeedsValues, Params, is_number, reference


def _values(p: Params, names: str) -> list[sympy.Expr]:
    return [p[n] if n in p else sympy.Integer(int(n)) for n in names.split(",")]


def _numbers(*values) -> None:
    if not all(is_number(sympy.sympify(v)) for v in values):
        raise NeedsValues


# --- regression ------------------------------------------------------------------------------


def _least_squares(xs, ys) -> tuple[sympy.Expr, sympy.Expr]:
    """(intercept, slope) solving the normal equation XᵀX θ = Xᵀy, X = [1, x]."""
    design = sympy.Matrix([[1, x] for x in xs])
    target = sympy.Matrix(ys)
    theta = (design.T * design).LUsolve(design.T * target)
    return sympy.simplify(theta[0]), sympy.simplify(theta[1])


@reference("ols_fit")
def ols_fit(p: Params, *, x: str, y: str, report: str) -> sympy.Expr:
    """The least-squares "slope", "intercept", or "r2" = 1 - SS_res / SS_tot of the fit."""
    xs, ys = _values(p, x), _values(p, y)
    intercept, slope = _least_squares(xs, ys)
    if report == "slope":
        return slope
    if report == "intercept":
        return intercept
    mean = sum(ys) / len(ys)
    residual = sum((yi - intercept - slope * xi) ** 2 for xi, yi in zip(xs, ys, strict=True))
    total = sum((yi - mean) ** 2 for yi in ys)
    return sympy.simplify(1 - residual / total)


@reference("ridge_coefficient")
def ridge_coefficient(p: Params, *, x: str, y: str) -> sympy.Expr:
    """The w where d/dw [sum (y_i - w x_i)^2 + lam w^2] = 0 (the objective is convex)."""
    w = sympy.Symbol("w", real=True)
    objective = (
        sum((yi - w * xi) ** 2 for xi, yi in zip(_values(p, x), _values(p, y), strict=True))
        + p["lam"] * w**2
    )
    (solution,) = sympy.solve(sympy.diff(objective, w), w)
    return sympy.simplify(solution)


@reference("lasso_one")
def lasso_one(p: Params) -> sympy.Expr:
    """argmin_w (z - w)^2 / 2 + lam |w|: stationary points of each sign branch, and 0."""
    z, lam = p["z"], p["lam"]
    _numbers(z, lam)
    w = sympy.Symbol("w", real=True)
    candidates = [sympy.S.Zero]
    for sign in (1, -1):  # on w > 0 (w < 0) the objective is smooth with |w| = sign * w
        (root,) = sympy.solve(sympy.diff((z - w) ** 2 / 2 + lam * sign * w, w), w)
        if sign * root > 0:
            candidates.append(root)

    def objective(v):
        return (z - v) ** 2 / 2 + lam * abs(v)

    return min(candidates, key=objective)


@reference("mse_gradient")
def mse_gradient(p: Params, *, x: str, y: str) -> sympy.Expr:
    """d/dw of (1/n) sum (w x_i - y_i)^2 at the parameter w."""
    w = sympy.Symbol("w_", real=True)
    xs, ys = _values(p, x), _values(p, y)
    mse = sum((w * xi - yi) ** 2 for xi, yi in zip(xs, ys, strict=True)) / len(xs)
    return sympy.expand(sympy.diff(mse, w).subs(w, p["w"]))


# --- classification --------------------------------------------------------------------------


def _sigmoid(z):
    return 1 / (1 + sympy.exp(-z))


@reference("log_loss_gradient")
def log_loss_gradient(p: Params) -> sympy.Expr:
    """d/dw of -[y ln σ(wx + b) + (1 - y) ln(1 - σ(wx + b))] at the parameter w."""
    w = sympy.Symbol("w_", real=True)
    prob = _sigmoid(w * p["x"] + p["b"])
    loss = -(p["y"] * sympy.log(prob) + (1 - p["y"]) * sympy.log(1 - prob))
    return sympy.simplify(sympy.diff(loss, w).subs(w, p["w"]))


@reference("logistic_probability")
def logistic_probability(p: Params) -> sympy.Expr:
    """P(y = 1 | x) = σ(w·x + b): the log-odds are linear in x."""
    return _sigmoid(p["w1"] * p["x1"] + p["w2"] * p["x2"] + p["b"])


@reference("softmax_probability")
def softmax_probability(p: Params, *, z: str, k: int) -> sympy.Expr:
    """exp(z_k) / sum_j exp(z_j)."""
    logits = _values(p, z)
    return sympy.exp(logits[k - 1]) / sum(sympy.exp(v) for v in logits)


# --- metrics ---------------------------------------------------------------------------------


@reference("classification_metric")
def classification_metric(p: Params, *, metric: str) -> sympy.Expr:
    """Ratios of confusion-matrix counts; F1 is the harmonic mean of precision and recall."""
    tp, fp, fn, tn = (p[k] for k in ("TP", "FP", "FN", "TN"))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    values = {
        "precision": precision,  # of those predicted positive, the share that are
        "recall": recall,  # of the actual positives, the share found
        "f1": 2 / (1 / precision + 1 / recall),
        "specificity": tn / (tn + fp),  # of the actual negatives, the share found
        "accuracy": (tp + tn) / (tp + fp + fn + tn),
        "fpr": fp / (fp + tn),  # of the actual negatives, the share wrongly flagged
    }
    return sympy.simplify(values[metric])


@reference("auc_from_ranks")
def auc_from_ranks(p: Params, *, ranks: str, n: int) -> sympy.Expr:
    """The share of (positive, negative) pairs where the positive is ranked higher."""
    positives = [p[r] for r in ranks.split(",")]
    _numbers(*positives)
    negatives = [r for r in range(1, n + 1) if r not in {int(v) for v in positives}]
    won = sum(1 for a in positives for b in negatives if a < b)  # rank 1 = highest score
    return sympy.Rational(won, len(positives) * len(negatives))


# --- clustering and PCA ----------------------------------------------------------------------


@reference("kmeans_step")
def kmeans_step(p: Params, *, points: str, centres: str, k: int) -> sympy.Expr:
    """Assign each point to its nearest centre, then centre k becomes its points' mean."""
    xs, cs = _values(p, points), _values(p, centres)
    _numbers(*xs, *cs)
    mine = [x for x in xs if min(range(len(cs)), key=lambda j: abs(x - cs[j])) == k - 1]
    if not mine:
        raise ValueError("centre k has no points")
    return sympy.Rational(1, len(mine)) * sum(mine)


def _covariance_eigen(p: Params) -> list[tuple[sympy.Expr, sympy.Matrix]]:
    """(eigenvalue, unit eigenvector) of [[a, b], [b, a]], largest eigenvalue first."""
    cov = sympy.Matrix([[p["a"], p["b"]], [p["b"], p["a"]]])
    _numbers(*cov)
    pairs = []
    for value, _, vectors in cov.eigenvects():
        pairs += [(value, v / v.norm()) for v in vectors]
    return sorted(pairs, key=lambda pair: -sympy.N(pair[0], 30))


@reference("pca_explained_ratio")
def pca_explained_ratio(p: Params) -> sympy.Expr:
    """Largest eigenvalue of the covariance over the sum of its eigenvalues (the total variance)."""
    eigen = [value for value, _ in _covariance_eigen(p)]
    return eigen[0] / sum(eigen)


@reference("pca_projection")
def pca_projection(p: Params) -> sympy.Expr:
    """The point's coordinate along the unit eigenvector of the largest eigenvalue (sum > 0)."""
    _, direction = _covariance_eigen(p)[0]
    if sum(direction) < 0:
        direction = -direction
    return sympy.nsimplify(sympy.simplify(direction.dot(sympy.Matrix([p["x1"], p["x2"]]))))


@reference("pca_lost_variance")
def pca_lost_variance(p: Params) -> sympy.Expr:
    """The variance along the discarded directions: the eigenvalues after the first, summed."""
    return sum((value for value, _ in _covariance_eigen(p)[1:]), sympy.S.Zero)


# --- kernels, SVM losses and trees -----------------------------------------------------------


@reference("hinge_loss")
def hinge_loss(p: Params) -> sympy.Expr:
    """max(0, 1 - y f(x)): zero once the sample is beyond the margin."""
    return sympy.Max(0, 1 - p["y"] * p["f"])


@reference("kernel_value")
def kernel_value(p: Params, *, x: str, z: str, form: str) -> sympy.Expr:
    """RBF exp(-gamma ||x - z||^2) or polynomial (x·z + c)^d."""
    a, b = _values(p, x), _values(p, z)
    if form == "rbf":
        return sympy.exp(-p["gamma"] * sum((u - v) ** 2 for u, v in zip(a, b, strict=True)))
    return (sum(u * v for u, v in zip(a, b, strict=True)) + p["c"]) ** p["d"]


def _impurity(counts, criterion: str) -> sympy.Expr:
    total = sum(counts)
    shares = [c / total for c in counts]
    if criterion == "gini":
        return 1 - sum(s**2 for s in shares)
    return -sum(s * sympy.log(s, 2) for s in shares if s != 0)


@reference("split_gain")
def split_gain(p: Params, *, criterion: str) -> sympy.Expr:
    """I(parent) - sum over children of (n_child / n) I(child)."""
    left, right = (p["la"], p["lb"]), (p["ra"], p["rb"])
    _numbers(*left, *right)
    parent = (left[0] + right[0], left[1] + right[1])
    n = sum(parent)
    children = sum(sum(c) / n * _impurity(c, criterion) for c in (left, right))
    return _impurity(parent, criterion) - children


# --- distances, margins, validation and dimensionality ---------------------------------------


@reference("distance")
def distance(p: Params, *, x: str, z: str, measure: str) -> sympy.Expr:
    """Minkowski p = 2, 1, ∞; cosine of the angle; Mahalanobis with a diagonal covariance."""
    a, b = _values(p, x), _values(p, z)
    diffs = [u - v for u, v in zip(a, b, strict=True)]
    if measure == "euclidean":
        return sympy.sqrt(sum(d**2 for d in diffs))
    if measure == "cityblock":
        return sum(abs(d) for d in diffs)
    if measure == "chebyshev":
        return sympy.Max(*[abs(d) for d in diffs])
    if measure == "cosine":
        dot = sum(u * v for u, v in zip(a, b, strict=True))
        return dot / (sympy.sqrt(sum(u**2 for u in a)) * sympy.sqrt(sum(v**2 for v in b)))
    if measure == "mahalanobis":
        cov = sympy.diag(p["s1"], p["s2"])
        d = sympy.Matrix(diffs)
        return sympy.sqrt((d.T * cov.inv() * d)[0])
    raise ValueError(f"unknown distance {measure!r}")


@reference("margin_width")
def margin_width(p: Params) -> sympy.Expr:
    """Distance between the parallel lines wᵀx = ±1: minimise |x - y| over one point on each."""
    w = sympy.Matrix([p["w1"], p["w2"]])
    t = sympy.Symbol("t", real=True)
    # The shortest segment between parallel lines is along the normal w: from t w to (t + s) w.
    (start,) = sympy.solve(sympy.Eq((t * w).dot(w), -1), t)
    (end,) = sympy.solve(sympy.Eq((t * w).dot(w), 1), t)
    return sympy.simplify(((end - start) * w).norm())


@reference("kfold_train_size")
def kfold_train_size(p: Params) -> sympy.Expr:
    """k equal folds of n samples; each model trains on every fold but its own."""
    n, k = p["n"], p["k"]
    return n - n / k


@reference("subcube_edge")
def subcube_edge(p: Params) -> sympy.Expr:
    """The e with volume(e^d) = r: solve e^d = r for e > 0."""
    e = sympy.Symbol("e", positive=True)
    (solution,) = sympy.solve(sympy.Eq(e ** p["d"], p["r"]), e)
    return solution


@reference("odds_ratio")
def odds_ratio(p: Params) -> sympy.Expr:
    """odds(x + 1) / odds(x) with odds = σ(z) / (1 - σ(z)), z = w x + b."""
    x = sympy.Symbol("x", real=True)

    def odds(at):
        prob = _sigmoid(p["w"] * at + p["b"])
        return prob / (1 - prob)

    return sympy.simplify(odds(x + 1) / odds(x))


@reference("softmax_ce_logit_gradient")
def softmax_ce_logit_gradient(p: Params, *, z: str, t: int, k: int) -> sympy.Expr:
    """∂/∂z_k of -ln softmax(z)_t."""
    logits = _values(p, z)
    symbols = sympy.symbols(f"z_0:{len(logits)}", real=True)
    loss = -sympy.log(sympy.exp(symbols[t - 1]) / sum(sympy.exp(s) for s in symbols))
    gradient = sympy.diff(loss, symbols[k - 1])
    return sympy.simplify(gradient.xreplace(dict(zip(symbols, logits, strict=True))))


@reference("naive_bayes_posterior")
def naive_bayes_posterior(p: Params) -> sympy.Expr:
    """Bayes with features independent given the class: P(c | x) ∝ P(c) Π P(x_j | c)."""
    joint = {
        1: p["prior"] * p["a1"] * p["a2"],
        0: (1 - p["prior"]) * p["b1"] * p["b2"],
    }
    return sympy.simplify(joint[1] / (joint[0] + joint[1]))


@reference("polynomial_feature_count")
def polynomial_feature_count(p: Params) -> sympy.Expr:
    """The number of exponent vectors (e_1, ..., e_d) >= 0 with sum <= p, counted one by one."""
    from itertools import product

    d, degree = p["d"], p["p"]
    _numbers(d, degree)
    count = sum(1 for e in product(range(int(degree) + 1), repeat=int(d)) if sum(e) <= degree)
    return sympy.Integer(count)


@reference("binary_log_loss")
def binary_log_loss(p: Params) -> sympy.Expr:
    """-[y ln σ(z) + (1 - y) ln(1 - σ(z))]."""
    prob = _sigmoid(p["z"])
    return -(p["y"] * sympy.log(prob) + (1 - p["y"]) * sympy.log(1 - prob))


@reference("node_impurity")
def node_impurity(p: Params, *, counts: str, criterion: str) -> sympy.Expr:
    """Gini 1 - Σ p_k² or entropy -Σ p_k log₂ p_k of the class shares."""
    sizes = [p[c] for c in counts.split(",")]
    _numbers(*sizes)
    return _impurity(sizes, criterion)


@reference("kmeans_inertia")
def kmeans_inertia(p: Params, *, points: str, centres: str) -> sympy.Expr:
    """One Lloyd step (assign, take means), then Σ of squared distances to the nearest centre."""
    xs, cs = _values(p, points), _values(p, centres)
    _numbers(*xs, *cs)

    def nearest(x, centres_):
        return min(range(len(centres_)), key=lambda j: abs(x - centres_[j]))

    new = []
    for j in range(len(cs)):
        mine = [x for x in xs if nearest(x, cs) == j]
        new.append(sympy.Rational(1, len(mine)) * sum(mine) if mine else cs[j])
    return sum((x - new[nearest(x, new)]) ** 2 for x in xs)


@reference("sigmoid_derivative")
def sigmoid_derivative(p: Params) -> sympy.Expr:
    z = sympy.Symbol("z_", real=True)
    return sympy.diff(_sigmoid(z), z).subs(z, p["z"])


@reference("loo_train_uses")
def loo_train_uses(p: Params) -> sympy.Expr:
    """Over the held-out 1-subsets of n samples, those that leave sample 0 in training, counted."""
    from itertools import combinations

    _numbers(p["n"])
    return sympy.Integer(sum(1 for held in combinations(range(int(p["n"])), 1) if 0 not in held))
