"""Probes for the math and ml formula questions (expressions and derivations).

Each samples points inside the question's variable domains and measures the quantity there with
a library that implements the concept, never the key: scikit-learn's `Ridge`, `Lasso` and
`mean_squared_error` (differentiated by central differences), SciPy's normal log-density
(maximised numerically, or summed), `scipy.integrate.quad` of p log(p/q), SciPy's Bernoulli
entropy, NumPy's weighted variance and PyTorch autograd through `binary_cross_entropy_with_logits`.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import Params, Samples, after_pass, probe


def _samples(points: list[dict], values: list[float], rel: float, abs_: float) -> Samples:
    return Samples(points=points, values=[float(v) for v in values], rel_tol=rel, abs_tol=abs_)


@probe("ridge_from_sums")
def ridge_from_sums(variant: Params, rng: np.random.Generator) -> Samples:
    """`Ridge(alpha=lam, fit_intercept=False)` on random data, indexed by Σxy and Σx²."""
    from sklearn.linear_model import Ridge

    points, values = [], []
    for _ in range(10):
        n = int(rng.integers(3, 12))
        x, y = rng.normal(size=n), rng.normal(size=n) * 2
        lam = float(rng.uniform(0.1, 5.0))
        model = Ridge(alpha=lam, fit_intercept=False, solver="cholesky").fit(x[:, None], y)
        points.append({"sxy": float(x @ y), "sxx": float(x @ x), "lam": lam})
        values.append(float(model.coef_[0]))
    return _samples(points, values, 1e-8, 1e-10)


@probe("lasso_threshold_points")
def lasso_threshold_points(variant: Params, rng: np.random.Generator) -> Samples:
    """`Lasso` on the one sample x = 1, y = z (objective (z - w)^2/2 + lam |w|), z on both sides."""
    from sklearn.linear_model import Lasso

    points, values = [], []
    for i in range(12):
        lam = float(rng.uniform(0.2, 2.0))
        # A third of the points inside the threshold (|z| < lam), the rest outside, both signs.
        z = float(
            rng.choice([-1, 1]) * (rng.uniform(0, lam) if i % 3 == 0 else lam + rng.uniform(0.1, 3))
        )
        model = Lasso(alpha=lam, fit_intercept=False, tol=1e-12, max_iter=10_000)
        model.fit(np.array([[1.0]]), np.array([z]))
        points.append({"z": z, "lam": lam})
        values.append(float(model.coef_[0]))
    return _samples(points, values, 1e-7, 1e-9)


@probe("mse_gradient_points")
def mse_gradient_points(variant: Params, rng: np.random.Generator) -> Samples:
    """d/dw of `mean_squared_error([y1, y2], [w x1, w x2])`, by central differences."""
    from sklearn.metrics import mean_squared_error

    points, values = [], []
    for _ in range(12):
        w, x1, x2, y1, y2 = (float(v) for v in rng.uniform(-3, 3, size=5))

        def loss(v: float, x1=x1, x2=x2, y1=y1, y2=y2) -> float:
            return float(mean_squared_error([y1, y2], [v * x1, v * x2]))

        h = 1e-5  # the loss is quadratic in w: the central difference is exact up to round-off
        points.append({"w": w, "x1": x1, "x2": x2, "y1": y1, "y2": y2})
        values.append((loss(w + h) - loss(w - h)) / (2 * h))
    return _samples(points, values, 1e-6, 1e-7)


@probe("gaussian_variance_mle_points")
def gaussian_variance_mle_points(variant: Params, rng: np.random.Generator) -> Samples:
    """The variance maximising SciPy's normal log-likelihood (mean known), found numerically."""
    from scipy.optimize import minimize_scalar
    from scipy.stats import norm

    points, values = [], []
    for _ in range(8):
        n = int(rng.integers(2, 30))
        mu = float(rng.uniform(-2, 2))
        x = rng.normal(mu, rng.uniform(0.5, 3.0), size=n)

        def nll(log_v: float, x=x, mu=mu) -> float:
            return -float(np.sum(norm.logpdf(x, loc=mu, scale=np.exp(log_v / 2))))

        guess = float(np.log(np.var(x) + 1e-3))
        best = minimize_scalar(nll, bracket=(guess - 1, guess + 1), method="brent", tol=1e-14)
        points.append({"S": float(np.sum((x - mu) ** 2)), "n": float(n)})
        values.append(float(np.exp(best.x)))
    return _samples(points, values, 1e-7, 1e-9)


@probe("gaussian_kl_quad")
def gaussian_kl_quad(variant: Params, rng: np.random.Generator) -> Samples:
    """∫ p log(p/q) dx for two normals, by `scipy.integrate.quad` of SciPy's densities."""
    from scipy.integrate import quad
    from scipy.stats import norm

    points, values = [], []
    for _ in range(8):
        m1, m2 = (float(v) for v in rng.uniform(-2, 2, size=2))
        s1, s2 = (float(v) for v in rng.uniform(0.5, 2.5, size=2))
        p, q = norm(m1, s1), norm(m2, s2)
        value, _ = quad(
            lambda t, p=p, q=q: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)),
            m1 - 12 * s1,
            m1 + 12 * s1,
            epsabs=1e-12,
            epsrel=1e-12,
            limit=200,
        )
        points.append({"m1": m1, "m2": m2, "s1": s1, "s2": s2})
        values.append(value)
    return _samples(points, values, 1e-7, 1e-9)


@probe("bernoulli_entropy_points")
def bernoulli_entropy_points(variant: Params, rng: np.random.Generator) -> Samples:
    """`scipy.stats.bernoulli(p).entropy()` (nats) at random p."""
    from scipy.stats import bernoulli

    ps = rng.uniform(0.02, 0.98, size=12)
    return _samples(
        [{"p": float(p)} for p in ps], [bernoulli(p).entropy() for p in ps], 1e-9, 1e-12
    )


@probe("two_point_variance")
def two_point_variance(variant: Params, rng: np.random.Generator) -> Samples:
    """`np.cov` with weights (p, 1 - p) on the values (a, b), ddof=0: the variance of X."""
    points, values = [], []
    for _ in range(12):
        a, b = (float(v) for v in rng.uniform(-4, 4, size=2))
        p = float(rng.uniform(0.05, 0.95))
        points.append({"a": a, "b": b, "p": p})
        values.append(float(np.cov([a, b], aweights=[p, 1 - p], ddof=0)))
    return _samples(points, values, 1e-9, 1e-12)


@probe("gaussian_nll_points")
def gaussian_nll_points(variant: Params, rng: np.random.Generator) -> Samples:
    """-Σ `scipy.stats.norm.logpdf(y_i, w x_i, s)` over two samples."""
    from scipy.stats import norm

    points, values = [], []
    for _ in range(12):
        x1, x2, y1, y2, w = (float(v) for v in rng.uniform(-2, 2, size=5))
        s = float(rng.uniform(1.0, 3.0))
        nll = -float(norm.logpdf(y1, w * x1, s) + norm.logpdf(y2, w * x2, s))
        points.append({"x1": x1, "x2": x2, "y1": y1, "y2": y2, "w": w, "s": s})
        values.append(nll)
    return _samples(points, values, 1e-9, 1e-12)


@probe("log_loss_gradient_points")
def log_loss_gradient_points(variant: Params, rng: np.random.Generator) -> Samples:
    """d/dw of PyTorch's `binary_cross_entropy_with_logits(w x + b, y)` by autograd, soft y."""
    import torch

    points, values = [], []
    for _ in range(12):
        x, b = (float(v) for v in rng.uniform(-3, 3, size=2))
        y = float(rng.uniform(0, 1))
        w = torch.tensor(float(rng.uniform(-2, 2)), dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            w * x + b, torch.tensor(y, dtype=torch.float64)
        )
        loss.backward()
        points.append({"w": w.item(), "x": x, "b": b, "y": y})
        values.append(float(after_pass(w.grad)))
    return _samples(points, values, 1e-9, 1e-12)
