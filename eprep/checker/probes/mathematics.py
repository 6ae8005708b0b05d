"""Probes for applied mathematics: NumPy, SciPy and scikit-learn measure each variant's quantity.

Linear algebra is measured with `numpy.linalg` on the variant's matrix (eigenvalues, determinants,
inverses, an SVD truncation, a Cholesky test); probabilities and moments by Monte Carlo with a
tolerance of 5 standard errors; information measures with `scipy.stats.entropy`,
`scipy.spatial.distance.jensenshannon` and `sklearn.metrics.mutual_info_score`.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import Params, Value, probe

_DRAWS = 1_000_000  # Monte-Carlo sample size


def _matrix(variant: Params, names: str, n: int) -> np.ndarray:
    """The n x n matrix whose entries are the params named by the letters of `names`, row-wise."""
    return np.array([float(variant[c]) for c in names], dtype=float).reshape(n, n)


def _mc_mean(samples: np.ndarray) -> Value:
    """The sample mean, with a tolerance of 5 standard errors."""
    se = float(np.std(samples) / np.sqrt(samples.size))
    return Value(float(np.mean(samples)), rel_tol=0.0, abs_tol=5.0 * se + 1e-12)


def _mc_variance(samples: np.ndarray) -> Value:
    """The sample variance; its standard error estimated as std((x - mean)^2) / sqrt(M)."""
    sq = (samples - np.mean(samples)) ** 2
    se = float(np.std(sq) / np.sqrt(sq.size))
    return Value(float(np.mean(sq)), rel_tol=0.0, abs_tol=5.0 * se + 1e-12)


def _dist(variant: Params, names: str) -> np.ndarray:
    return np.array([float(variant[n]) for n in names.split(",")], dtype=float)


# --- linear algebra --------------------------------------------------------------------------


@probe("largest_eigenvalue")
def largest_eigenvalue(
    variant: Params, rng: np.random.Generator, entries: str, n: int, smallest: bool = False
) -> Value:
    """The largest (or smallest) real eigenvalue of the variant's matrix by `np.linalg.eigvals`."""
    values = np.linalg.eigvals(_matrix(variant, entries, n))
    assert np.all(np.abs(values.imag) < 1e-9), "the matrix has complex eigenvalues"
    pick = np.min if smallest else np.max
    return Value(float(pick(values.real)), rel_tol=1e-9, abs_tol=1e-9)


@probe("eigenvalue_sum")
def eigenvalue_sum(variant: Params, rng: np.random.Generator, entries: str, n: int) -> Value:
    total = np.sum(np.linalg.eigvals(_matrix(variant, entries, n)))
    return Value(float(total.real), rel_tol=1e-9, abs_tol=1e-9)


@probe("determinant")
def determinant(variant: Params, rng: np.random.Generator, entries: str, n: int) -> Value:
    return Value(float(np.linalg.det(_matrix(variant, entries, n))), rel_tol=1e-9, abs_tol=1e-9)


@probe("inverse_entry")
def inverse_entry(
    variant: Params, rng: np.random.Generator, entries: str, n: int, row: int, col: int
) -> Value:
    """Entry (row, col), 1-based, of `np.linalg.inv` of the matrix."""
    inverse = np.linalg.inv(_matrix(variant, entries, n))
    return Value(float(inverse[row - 1, col - 1]), rel_tol=1e-9, abs_tol=1e-12)


@probe("low_rank_error")
def low_rank_error(
    variant: Params, rng: np.random.Generator, entries: str, n: int, rank: int
) -> Value:
    """Squared Frobenius norm of A minus its SVD truncation to `rank` terms (measured)."""
    a = _matrix(variant, entries, n)
    u, s, vt = np.linalg.svd(a)
    approx = (u[:, :rank] * s[:rank]) @ vt[:rank]
    return Value(float(np.sum((a - approx) ** 2)), rel_tol=1e-9, abs_tol=1e-9)


@probe("hadamard_sum")
def hadamard_sum(variant: Params, rng: np.random.Generator, left: str, right: str) -> Value:
    """Sum of the entries of NumPy's element-wise product `A * B` of two 2 x 2 matrices."""
    return Value(float(np.sum(_matrix(variant, left, 2) * _matrix(variant, right, 2))))


@probe("pd_threshold")
def pd_threshold(variant: Params, rng: np.random.Generator, b: str, c: str) -> Value:
    """The least x making [[x, b], [b, c]] positive definite: bisection on Cholesky's success."""

    def definite(x: float) -> bool:
        try:
            np.linalg.cholesky(np.array([[x, variant[b]], [variant[b], variant[c]]], dtype=float))
        except np.linalg.LinAlgError:
            return False
        return True

    low, high = -1.0, 1.0
    while definite(low):
        low *= 2
    while not definite(high):
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (low, mid) if definite(mid) else (mid, high)
    return Value(high, rel_tol=1e-7, abs_tol=1e-9)


# --- probability -----------------------------------------------------------------------------


@probe("bayes_posterior_mc")
def bayes_posterior_mc(variant: Params, rng: np.random.Generator) -> Value:
    """P(ill | positive) in a simulated population: prevalence, sensitivity, false-positive rate."""
    prevalence, sensitivity, false_pos = (float(variant[k]) for k in ("prev", "sens", "fpr"))
    ill = rng.random(4 * _DRAWS) < prevalence
    positive = np.where(ill, rng.random(ill.size) < sensitivity, rng.random(ill.size) < false_pos)
    return _mc_mean(ill[positive].astype(float))


@probe("variance_linear_mc")
def variance_linear_mc(variant: Params, rng: np.random.Generator) -> Value:
    """Var(aX - bY + c) for independent X, Y (normal, variances vx, vy), by Monte Carlo."""
    x = rng.normal(1.0, np.sqrt(float(variant["vx"])), _DRAWS)
    y = rng.normal(-2.0, np.sqrt(float(variant["vy"])), _DRAWS)
    return _mc_variance(variant["a"] * x - variant["b"] * y + variant["c"])


@probe("binomial_pmf_mc")
def binomial_pmf_mc(variant: Params, rng: np.random.Generator, k: int) -> Value:
    draws = rng.binomial(int(variant["n"]), float(variant["p"]), _DRAWS)
    return _mc_mean((draws == k).astype(float))


@probe("poisson_pmf_mc")
def poisson_pmf_mc(variant: Params, rng: np.random.Generator, k: int) -> Value:
    draws = rng.poisson(float(variant["lam"]), _DRAWS)
    return _mc_mean((draws == k).astype(float))


@probe("normal_pdf")
def normal_pdf(variant: Params, rng: np.random.Generator) -> Value:
    """The density of N(mu, s2) at x by SciPy, checked against a Monte-Carlo histogram bin."""
    from scipy import stats

    mu, s2, x = float(variant["mu"]), float(variant["s2"]), float(variant["x"])
    density = float(stats.norm(mu, np.sqrt(s2)).pdf(x))
    width = 0.01 * np.sqrt(s2)  # a narrow bin: its frequency / width estimates the density
    samples = rng.normal(mu, np.sqrt(s2), _DRAWS)
    share = np.mean(np.abs(samples - x) < width / 2)
    se = np.sqrt(share * (1 - share) / samples.size) / width
    assert abs(share / width - density) < 5 * se + 1e-3 * density, "SciPy's pdf and sampling differ"
    return Value(density, rel_tol=1e-9)


@probe("mle_variance_mean_mc")
def mle_variance_mean_mc(variant: Params, rng: np.random.Generator) -> Value:
    """The mean of `np.var(sample)` (ddof=0, the MLE) over many samples of size n from N(0, s2)."""
    n, s2 = int(variant["n"]), float(variant["s2"])
    samples = rng.normal(0.0, np.sqrt(s2), (_DRAWS // n * 2, n))
    return _mc_mean(np.var(samples, axis=1))


@probe("covariance_mc")
def covariance_mc(variant: Params, rng: np.random.Generator) -> Value:
    """Sample covariance of binary (X, Y) drawn from the joint table p11, p10, p01, p00."""
    probs = np.array([variant["p11"], variant["p10"], variant["p01"], variant["p00"]], dtype=float)
    cells = rng.choice(4, size=_DRAWS, p=probs / probs.sum())
    x = (cells <= 1).astype(float)
    y = ((cells == 0) | (cells == 2)).astype(float)
    products = (x - x.mean()) * (y - y.mean())
    return _mc_mean(products)


# --- information theory ----------------------------------------------------------------------


@probe("entropy")
def entropy(variant: Params, rng: np.random.Generator, p: str, base: float = np.e) -> Value:
    """`scipy.stats.entropy` of the distribution whose probabilities are the params in `p`."""
    from scipy import stats

    return Value(float(stats.entropy(_dist(variant, p), base=base)), rel_tol=1e-9)


@probe("uniform_entropy")
def uniform_entropy(variant: Params, rng: np.random.Generator, n: str, base: float = 2) -> Value:
    """Entropy of the uniform distribution on n outcomes (each outcome's information)."""
    from scipy import stats

    return Value(float(stats.entropy(np.ones(int(variant[n])), base=base)), rel_tol=1e-9)


@probe("kl_divergence")
def kl_divergence(variant: Params, rng: np.random.Generator, p: str, q: str) -> Value:
    """KL(p || q) in nats by `scipy.stats.entropy(p, q)`."""
    from scipy import stats

    return Value(float(stats.entropy(_dist(variant, p), _dist(variant, q))), rel_tol=1e-9)


@probe("cross_entropy_mc")
def cross_entropy_mc(variant: Params, rng: np.random.Generator, p: str, q: str) -> Value:
    """E_{x~p}[-ln q(x)] by sampling x from p (Monte Carlo)."""
    pv, qv = _dist(variant, p), _dist(variant, q)
    draws = rng.choice(pv.size, size=_DRAWS, p=pv / pv.sum())
    return _mc_mean(-np.log(qv[draws]))


@probe("js_divergence")
def js_divergence(variant: Params, rng: np.random.Generator, p: str, q: str) -> Value:
    """SciPy's Jensen-Shannon *distance* squared (natural log) is the divergence."""
    from scipy.spatial.distance import jensenshannon

    return Value(float(jensenshannon(_dist(variant, p), _dist(variant, q)) ** 2), rel_tol=1e-9)


def _labels(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label arrays (x, y) with exactly counts[x, y] samples of each pair."""
    xs, ys = [], []
    for (i, j), count in np.ndenumerate(counts.astype(int)):
        xs += [i] * count
        ys += [j] * count
    return np.array(xs), np.array(ys)


@probe("mutual_information")
def mutual_information(variant: Params, rng: np.random.Generator, counts: str) -> Value:
    """`sklearn.metrics.mutual_info_score` (nats) on labels with the given 2 x 2 count table."""
    from sklearn.metrics import mutual_info_score

    x, y = _labels(_dist(variant, counts).reshape(2, 2))
    return Value(float(mutual_info_score(x, y)), rel_tol=1e-9, abs_tol=1e-12)


@probe("conditional_entropy")
def conditional_entropy(variant: Params, rng: np.random.Generator, counts: str) -> Value:
    """H(Y | X) in bits: each row's `scipy.stats.entropy`, weighted by the row's frequency."""
    from scipy import stats

    table = _dist(variant, counts).reshape(2, 2)
    rows = table.sum(axis=1)
    value = sum(rows[i] / rows.sum() * stats.entropy(table[i], base=2) for i in range(2))
    return Value(float(value), rel_tol=1e-9, abs_tol=1e-12)


# --- more linear algebra and statistics ------------------------------------------------------


@probe("eigenvector_ratio")
def eigenvector_ratio(variant: Params, rng: np.random.Generator, entries: str) -> Value:
    """v2 / v1 of `np.linalg.eig`'s eigenvector for the largest eigenvalue of a 2 x 2 matrix."""
    values, vectors = np.linalg.eig(_matrix(variant, entries, 2))
    v = vectors[:, int(np.argmax(values.real))].real
    return Value(float(v[1] / v[0]), rel_tol=1e-9, abs_tol=1e-9)


@probe("matrix_rank")
def matrix_rank(variant: Params, rng: np.random.Generator, entries: str, n: int) -> Value:
    return Value(float(np.linalg.matrix_rank(_matrix(variant, entries, n))))


@probe("bernoulli_mle")
def bernoulli_mle(variant: Params, rng: np.random.Generator) -> Value:
    """The p minimising the binary cross-entropy of k ones in n draws (`minimize_scalar`)."""
    from scipy.optimize import minimize_scalar

    k, n = int(variant["k"]), int(variant["n"])
    labels = np.array([1.0] * k + [0.0] * (n - k))

    def cross_entropy(p: float) -> float:
        return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))

    found = minimize_scalar(cross_entropy, bounds=(1e-9, 1 - 1e-9), method="bounded",
                            options={"xatol": 1e-12})  # fmt: skip
    return Value(float(found.x), rel_tol=1e-6, abs_tol=1e-8)


@probe("pmf_variance_mc")
def pmf_variance_mc(variant: Params, rng: np.random.Generator) -> Value:
    """Sample variance of X in {0, 1, 2} with probabilities p0, p1, p2 (Monte Carlo)."""
    probs = np.array([variant["p0"], variant["p1"], variant["p2"]], dtype=float)
    return _mc_variance(rng.choice(3, size=_DRAWS, p=probs / probs.sum()).astype(float))


@probe("union_independent_mc")
def union_independent_mc(variant: Params, rng: np.random.Generator) -> Value:
    """P(A or B) for independently drawn A ~ Bernoulli(pa), B ~ Bernoulli(pb)."""
    a = rng.random(_DRAWS) < float(variant["pa"])
    b = rng.random(_DRAWS) < float(variant["pb"])
    return _mc_mean((a | b).astype(float))


@probe("multinomial_pmf_mc")
def multinomial_pmf_mc(variant: Params, rng: np.random.Generator, counts: str) -> Value:
    """P(counts) for n = sum(counts) draws over three categories (p1, p2, p3), Monte Carlo."""
    want = np.array([int(c) for c in counts.split(",")])
    probs = _dist(variant, "p1,p2,p3")
    draws = rng.multinomial(int(want.sum()), probs / probs.sum(), size=_DRAWS)
    return _mc_mean(np.all(draws == want, axis=1).astype(float))


@probe("map_penalty")
def map_penalty(variant: Params, rng: np.random.Generator) -> Value:
    """The ridge λ whose `Ridge` solution equals the MAP estimate (noise s2, prior t2).

    On generated data the log-posterior is maximised numerically; then λ is found by
    bisection on `sklearn.linear_model.Ridge(alpha=λ)` until its coefficient matches.
    """
    from scipy.optimize import minimize_scalar
    from sklearn.linear_model import Ridge

    s2, t2 = float(variant["s2"]), float(variant["t2"])
    x = rng.normal(size=30)
    y = 0.8 * x + rng.normal(scale=np.sqrt(s2), size=30)

    def negative_log_posterior(w: float) -> float:
        return float(np.sum((y - w * x) ** 2) / (2 * s2) + w**2 / (2 * t2))

    w_map = minimize_scalar(negative_log_posterior, bracket=(-5, 5), tol=1e-14).x

    def ridge_w(lam: float) -> float:
        return float(Ridge(alpha=lam, fit_intercept=False).fit(x[:, None], y).coef_[0])

    low, high = 0.0, 1.0
    while abs(ridge_w(high)) > abs(w_map):
        high *= 2
    for _ in range(100):  # |w_ridge| shrinks as λ grows
        mid = (low + high) / 2
        shrunk_too_far = abs(ridge_w(mid)) < abs(w_map)
        low, high = (low, mid) if shrunk_too_far else (mid, high)
    return Value((low + high) / 2, rel_tol=1e-5, abs_tol=1e-8)


@probe("eigenvalue_product")
def eigenvalue_product(variant: Params, rng: np.random.Generator, entries: str, n: int) -> Value:
    """The product of `np.linalg.eigvals` (complex pairs multiply to a real number)."""
    product = np.prod(np.linalg.eigvals(_matrix(variant, entries, n)))
    return Value(float(product.real), rel_tol=1e-9, abs_tol=1e-9)


@probe("largest_singular_value")
def largest_singular_value(
    variant: Params, rng: np.random.Generator, entries: str, n: int
) -> Value:
    return Value(float(np.linalg.svd(_matrix(variant, entries, n), compute_uv=False)[0]))


@probe("gaussian_variance_mle")
def gaussian_variance_mle(variant: Params, rng: np.random.Generator, residuals: str) -> Value:
    """The σ² minimising the Gaussian negative log-likelihood of the residuals."""
    from scipy import stats
    from scipy.optimize import minimize_scalar

    r = _dist(variant, residuals)

    def nll(log_s2: float) -> float:
        return float(-np.sum(stats.norm(0.0, np.exp(log_s2 / 2)).logpdf(r)))

    found = minimize_scalar(nll, bracket=(-3, 3), tol=1e-12)
    return Value(float(np.exp(found.x)), rel_tol=1e-6, abs_tol=1e-9)


@probe("gaussian_kl_mc")
def gaussian_kl_mc(variant: Params, rng: np.random.Generator) -> Value:
    """E_{x~p}[ln p(x) - ln q(x)] for p = N(m1, v1), q = N(m2, v2), by sampling from p."""
    from scipy import stats

    p = stats.norm(float(variant["m1"]), np.sqrt(float(variant["v1"])))
    q = stats.norm(float(variant["m2"]), np.sqrt(float(variant["v2"])))
    x = p.rvs(size=_DRAWS, random_state=rng)
    return _mc_mean(p.logpdf(x) - q.logpdf(x))


@probe("log_loss")
def log_loss(variant: Params, rng: np.random.Generator, probs: str, label: int) -> Value:
    """`sklearn.metrics.log_loss` of one sample of class `label` (1-based) with predicted probs."""
    from sklearn.metrics import log_loss as sk_log_loss

    q = _dist(variant, probs)
    return Value(float(sk_log_loss([label - 1], [q], labels=list(range(q.size)))), rel_tol=1e-9)


@probe("binomial_variance_mc")
def binomial_variance_mc(variant: Params, rng: np.random.Generator) -> Value:
    return _mc_variance(rng.binomial(int(variant["n"]), float(variant["p"]), _DRAWS).astype(float))


@probe("bayes_two_tests_mc")
def bayes_two_tests_mc(variant: Params, rng: np.random.Generator) -> Value:
    """P(ill | two independent positive tests) in a simulated population."""
    prevalence, sensitivity, false_pos = (float(variant[k]) for k in ("prev", "sens", "fpr"))
    ill = rng.random(4 * _DRAWS) < prevalence
    rate = np.where(ill, sensitivity, false_pos)
    both = (rng.random(ill.size) < rate) & (rng.random(ill.size) < rate)
    return _mc_mean(ill[both].astype(float))


@probe("correlation_mc")
def correlation_mc(variant: Params, rng: np.random.Generator) -> Value:
    """`np.corrcoef` of normal pairs drawn with covariance [[vx, c], [c, vy]].

    The standard error of a sample correlation is about (1 - ρ²)/√N.
    """
    cov = np.array([[variant["vx"], variant["c"]], [variant["c"], variant["vy"]]], dtype=float)
    pairs = rng.multivariate_normal([0.0, 0.0], cov, size=_DRAWS)
    rho = float(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1])
    return Value(rho, rel_tol=0.0, abs_tol=5 * (1 - rho**2) / np.sqrt(_DRAWS) + 1e-12)


@probe("matrix_power_entry")
def matrix_power_entry(
    variant: Params, rng: np.random.Generator, entries: str, n: int, power: str, row: int, col: int
) -> Value:
    """Entry (row, col) of `np.linalg.matrix_power` of the matrix (integer arithmetic)."""
    a = np.array([int(variant[c]) for c in entries], dtype=np.int64).reshape(n, n)
    value = np.linalg.matrix_power(a, int(variant[power]))[row - 1, col - 1]
    return Value(float(value))
