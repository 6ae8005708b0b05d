"""Applied mathematics: exact linear algebra, probabilities by `sympy.stats`, information as sums.

Linear algebra is built on `sympy.Matrix` from the definitions: eigenvalues are the roots of the
characteristic polynomial det(A - t I), the determinant is the Leibniz sum over permutations, an
inverse is the solution X of A X = I, singular values are the square roots of the eigenvalues of
AᵀA (Eckart–Young: the best rank-r error is the sum of the discarded σ²), positive definiteness is
Sylvester's criterion. Distributions are `sympy.stats` random variables; an MLE's expectation is
taken by expanding the estimator and replacing each moment. Entropy, KL, cross-entropy, mutual
information and JS divergence are the sums of Shannon (1948) and Kullback–Leibler (1951).
"""

from __future__ import annotations

from itertools import permutations

import sympy
from sympy import stats

from eprep.checker.references import NeedsValues, Params, integer, is_number, reference


def _matrix(p: Params, entries: str, n: int) -> sympy.Matrix:
    return sympy.Matrix(n, n, [p[c] for c in entries])


def _numbers(*values) -> None:
    if not all(is_number(sympy.sympify(v)) for v in values):
        raise NeedsValues


# --- linear algebra --------------------------------------------------------------------------


@reference("largest_eigenvalue")
def largest_eigenvalue(p: Params, *, entries: str, n: int, smallest: bool = False) -> sympy.Expr:
    """The largest (or smallest) root of det(A - t I) = 0."""
    a = _matrix(p, entries, n)
    _numbers(*a)
    t = sympy.Symbol("t")
    roots = sympy.solve((a - t * sympy.eye(n)).det(), t)
    return (min if smallest else max)(roots, key=lambda r: sympy.N(r, 30))


@reference("eigenvalue_sum")
def eigenvalue_sum(p: Params, *, entries: str, n: int) -> sympy.Expr:
    """The sum of the roots of det(A - t I), counted with multiplicity."""
    a = _matrix(p, entries, n)
    _numbers(*a)
    t = sympy.Symbol("t")
    roots = sympy.roots(sympy.Poly((a - t * sympy.eye(n)).det(), t))
    return sympy.simplify(sum(root * m for root, m in roots.items()))


@reference("determinant")
def determinant(p: Params, *, entries: str, n: int) -> sympy.Expr:
    """Leibniz: the sum over permutations s of sign(s) * prod_i a[i, s(i)]."""
    a = _matrix(p, entries, n)
    total = sympy.S.Zero
    for perm in permutations(range(n)):
        inversions = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        term = sympy.Integer(-1) ** inversions
        for i in range(n):
            term *= a[i, perm[i]]
        total += term
    return sympy.expand(total)


@reference("inverse_entry")
def inverse_entry(p: Params, *, entries: str, n: int, row: int, col: int) -> sympy.Expr:
    """Entry (row, col) of the X solving A X = I (the linear system written out)."""
    a = _matrix(p, entries, n)
    x = sympy.Matrix(n, n, sympy.symbols(f"x0:{n * n}"))
    solution = sympy.solve(list(a * x - sympy.eye(n)), list(x), dict=True)
    if len(solution) != 1:
        raise ValueError("A is singular")
    return sympy.simplify(x[row - 1, col - 1].xreplace(solution[0]))


@reference("low_rank_error")
def low_rank_error(p: Params, *, entries: str, n: int, rank: int) -> sympy.Expr:
    """Eckart–Young: the discarded squared singular values (eigenvalues of AᵀA) summed."""
    a = _matrix(p, entries, n)
    _numbers(*a)
    eigen = []
    for value, multiplicity in (a.T * a).eigenvals().items():
        eigen += [sympy.nsimplify(value)] * multiplicity
    eigen.sort(key=lambda v: sympy.N(v, 30), reverse=True)
    return sympy.nsimplify(sum(eigen[rank:], sympy.S.Zero))


@reference("hadamard_sum")
def hadamard_sum(p: Params, *, left: str, right: str) -> sympy.Expr:
    product = _matrix(p, left, 2).multiply_elementwise(_matrix(p, right, 2))
    return sum(product, sympy.S.Zero)


@reference("pd_threshold")
def pd_threshold(p: Params, *, b: str, c: str) -> sympy.Expr:
    """Sylvester: [[x, b], [b, c]] (c > 0) is positive definite iff its leading minors are > 0."""
    x = sympy.Symbol("x", real=True)
    m = sympy.Matrix([[x, p[b]], [p[b], p[c]]])
    minors = [m[:k, :k].det() for k in (1, 2)]
    (boundary,) = sympy.solve(sympy.Eq(minors[1], 0), x)  # the 2 x 2 minor changes sign here
    assert minors[0].subs(x, boundary + 1).is_positive is not False
    return boundary


# --- probability -----------------------------------------------------------------------------


@reference("bayes_posterior")
def bayes_posterior(p: Params) -> sympy.Expr:
    """P(ill | +) = P(ill, +) / P(+) over the joint table of (ill, test result)."""
    prior = {True: p["prev"], False: 1 - p["prev"]}
    positive_given = {True: p["sens"], False: p["fpr"]}
    joint = {ill: prior[ill] * positive_given[ill] for ill in (True, False)}
    return sympy.simplify(joint[True] / sum(joint.values()))


@reference("variance_linear")
def variance_linear(p: Params) -> sympy.Expr:
    """Var(aX - bY + c) with X, Y independent `sympy.stats` normals of variances vx, vy.

    The means do not enter a variance; zero keeps SymPy's integrals free of erf terms.
    """
    x = stats.Normal("X", 0, sympy.sqrt(p["vx"]))
    y = stats.Normal("Y", 0, sympy.sqrt(p["vy"]))
    return sympy.simplify(stats.variance(p["a"] * x - p["b"] * y + p["c"]))


@reference("binomial_pmf")
def binomial_pmf(p: Params, *, k: int) -> sympy.Expr:
    return sympy.simplify(stats.density(stats.Binomial("X", integer(p["n"]), p["p"]))(k))


@reference("poisson_pmf")
def poisson_pmf(p: Params, *, k: int) -> sympy.Expr:
    return sympy.simplify(stats.density(stats.Poisson("X", p["lam"]))(k))


@reference("normal_pdf")
def normal_pdf(p: Params) -> sympy.Expr:
    return sympy.simplify(stats.density(stats.Normal("X", p["mu"], sympy.sqrt(p["s2"])))(p["x"]))


@reference("mle_variance_mean")
def mle_variance_mean(p: Params) -> sympy.Expr:
    """E[(1/n) sum (x_i - mean)^2] for i.i.d. x_i of mean 0, variance s2: moments replaced."""
    n = integer(p["n"])
    xs = sympy.symbols(f"x0:{n}")
    mean = sum(xs) / n
    estimator = sympy.Poly(sympy.expand(sum((x - mean) ** 2 for x in xs) / n), *xs)
    total = sympy.S.Zero
    for powers, coeff in estimator.terms():  # E[x_i^2] = s2, E[x_i x_j] = E[x_i] E[x_j] = 0
        if sorted(powers)[-1] == 2:
            total += coeff * p["s2"]
    return sympy.simplify(total)


@reference("covariance_binary")
def covariance_binary(p: Params) -> sympy.Expr:
    """E[(X - EX)(Y - EY)] over the joint table of two binary variables."""
    table = {(1, 1): p["p11"], (1, 0): p["p10"], (0, 1): p["p01"], (0, 0): p["p00"]}
    ex = sum(x * w for (x, _), w in table.items())
    ey = sum(y * w for (_, y), w in table.items())
    return sympy.simplify(sum((x - ex) * (y - ey) * w for (x, y), w in table.items()))


# --- information theory ----------------------------------------------------------------------


def _probs(p: Params, names: str) -> list[sympy.Expr]:
    return [p[n] for n in names.split(",")]


def _log(x: sympy.Expr, base) -> sympy.Expr:
    return sympy.log(x) if base is None else sympy.log(x, sympy.Integer(base))


def _entropy(probs, base=None) -> sympy.Expr:
    """Shannon: H = -sum p log p (terms with p = 0 contribute nothing)."""
    total = sum(probs)
    return -sum((w / total) * _log(w / total, base) for w in probs if w != 0)


@reference("entropy")
def entropy(p: Params, *, p_: str, base: int | None = None) -> sympy.Expr:
    return _entropy(_probs(p, p_), base)


@reference("uniform_information")
def uniform_information(p: Params, *, n: str, base: int = 2) -> sympy.Expr:
    """Self-information -log P(x) of one of n equally likely outcomes: P(x) = 1/n, counted."""
    outcomes = integer(p[n])
    return -_log(sympy.Rational(1, outcomes), base)


@reference("kl_divergence")
def kl_divergence(p: Params, *, p_: str, q: str) -> sympy.Expr:
    """KL(P || Q) = sum_x P(x) ln(P(x) / Q(x))."""
    return sum(
        a * sympy.log(a / b) for a, b in zip(_probs(p, p_), _probs(p, q), strict=True) if a != 0
    )


@reference("cross_entropy")
def cross_entropy(p: Params, *, p_: str, q: str) -> sympy.Expr:
    """H(P, Q) = -sum_x P(x) ln Q(x)."""
    return -sum(a * sympy.log(b) for a, b in zip(_probs(p, p_), _probs(p, q), strict=True))


@reference("js_divergence")
def js_divergence(p: Params, *, p_: str, q: str) -> sympy.Expr:
    """JS = (KL(P || M) + KL(Q || M)) / 2 with M = (P + Q) / 2, natural log."""
    ps, qs = _probs(p, p_), _probs(p, q)
    ms = [(a + b) / 2 for a, b in zip(ps, qs, strict=True)]

    def kl(xs, ys):
        return sum(a * sympy.log(a / b) for a, b in zip(xs, ys, strict=True) if a != 0)

    return (kl(ps, ms) + kl(qs, ms)) / 2


def _joint(p: Params, counts: str) -> dict[tuple[int, int], sympy.Expr]:
    values = _probs(p, counts)
    total = sum(values)
    return {(i, j): values[2 * i + j] / total for i in range(2) for j in range(2)}


@reference("mutual_information")
def mutual_information(p: Params, *, counts: str) -> sympy.Expr:
    """I(X; Y) = sum p(x, y) ln(p(x, y) / (p(x) p(y))) in nats."""
    joint = _joint(p, counts)
    px = {i: joint[i, 0] + joint[i, 1] for i in range(2)}
    py = {j: joint[0, j] + joint[1, j] for j in range(2)}
    return sum(w * sympy.log(w / (px[i] * py[j])) for (i, j), w in joint.items() if w != 0)


@reference("conditional_entropy")
def conditional_entropy(p: Params, *, counts: str) -> sympy.Expr:
    """H(Y | X) = -sum p(x, y) log2 p(y | x)."""
    joint = _joint(p, counts)
    px = {i: joint[i, 0] + joint[i, 1] for i in range(2)}
    return -sum(w * sympy.log(w / px[i], 2) for (i, _), w in joint.items() if w != 0)


# --- more linear algebra and statistics ------------------------------------------------------


@reference("eigenvector_ratio")
def eigenvector_ratio(p: Params, *, entries: str) -> sympy.Expr:
    """v2 / v1 of a basis vector of the null space of A - λ_max I."""
    a = _matrix(p, entries, 2)
    top = largest_eigenvalue(p, entries=entries, n=2)
    (v,) = (a - top * sympy.eye(2)).nullspace()
    return sympy.simplify(v[1] / v[0])


@reference("matrix_rank")
def matrix_rank(p: Params, *, entries: str, n: int) -> sympy.Expr:
    """The number of non-zero rows of the row echelon form (exact)."""
    a = _matrix(p, entries, n)
    _numbers(*a)
    echelon = a.echelon_form()
    return sympy.Integer(sum(1 for i in range(n) if any(v != 0 for v in echelon.row(i))))


@reference("bernoulli_mle")
def bernoulli_mle(p: Params) -> sympy.Expr:
    """The stationary point of the log-likelihood k ln q + (n - k) ln(1 - q)."""
    q = sympy.Symbol("q", positive=True)
    loglik = p["k"] * sympy.log(q) + (p["n"] - p["k"]) * sympy.log(1 - q)
    (solution,) = sympy.solve(sympy.diff(loglik, q), q)
    return solution


@reference("pmf_variance")
def pmf_variance(p: Params) -> sympy.Expr:
    """Var[X] of `sympy.stats.FiniteRV` on {0, 1, 2}."""
    total = p["p0"] + p["p1"] + p["p2"]
    x = stats.FiniteRV("X", {0: p["p0"] / total, 1: p["p1"] / total, 2: p["p2"] / total})
    return sympy.simplify(stats.variance(x))


@reference("union_independent")
def union_independent(p: Params) -> sympy.Expr:
    """P(A ∪ B) for independent Bernoulli events, by `sympy.stats`."""
    a, b = stats.Bernoulli("A", p["pa"]), stats.Bernoulli("B", p["pb"])
    return sympy.simplify(stats.P(sympy.Or(sympy.Eq(a, 1), sympy.Eq(b, 1))))


@reference("multinomial_pmf")
def multinomial_pmf(p: Params, *, counts: str) -> sympy.Expr:
    """The multinomial pmf: the count of orderings times the probability of one of them."""
    ks = [int(c) for c in counts.split(",")]
    probs = [p["p1"], p["p2"], p["p3"]]
    orderings = len(set(permutations([i for i, k in enumerate(ks) for _ in range(k)])))
    one = sympy.S.One
    for prob, k in zip(probs, ks, strict=True):
        one *= prob**k
    return orderings * one


@reference("map_penalty")
def map_penalty(p: Params) -> sympy.Expr:
    """λ with argmin of -log posterior = argmin of Σ(y - wx)² + λw², for a Gaussian prior.

    -log p(w | D) = Σ(y - wx)² / (2 s2) + w² / (2 t2) + const; multiplying by 2 s2 (which
    does not move the minimiser) gives the ridge objective, whose λ is read off as the
    coefficient of w² after the sum's own coefficient is normalised to 1.
    """
    w, residual = sympy.symbols("w r", real=True)
    objective = sympy.expand(2 * p["s2"] * (residual**2 / (2 * p["s2"]) + w**2 / (2 * p["t2"])))
    return sympy.simplify(objective.coeff(w, 2) / objective.coeff(residual, 2))


@reference("eigenvalue_product")
def eigenvalue_product(p: Params, *, entries: str, n: int) -> sympy.Expr:
    """The product of the roots of det(A - t I), counted with multiplicity."""
    a = _matrix(p, entries, n)
    _numbers(*a)
    t = sympy.Symbol("t")
    product = sympy.S.One
    for root, multiplicity in sympy.roots(sympy.Poly((a - t * sympy.eye(n)).det(), t)).items():
        product *= root**multiplicity
    return sympy.simplify(product)


@reference("largest_singular_value")
def largest_singular_value(p: Params, *, entries: str, n: int) -> sympy.Expr:
    """The square root of the largest eigenvalue of AᵀA."""
    a = _matrix(p, entries, n)
    _numbers(*a)
    values = list((a.T * a).eigenvals())
    return sympy.sqrt(max(values, key=lambda v: sympy.N(v, 30)))


@reference("gaussian_variance_mle")
def gaussian_variance_mle(p: Params, *, residuals: str) -> sympy.Expr:
    """The stationary point in s2 of -Σ ln N(r_i | 0, s2)."""
    s2 = sympy.Symbol("s2", positive=True)
    nll = -sum(sympy.log(stats.density(stats.Normal("R", 0, sympy.sqrt(s2)))(r))
               for r in _probs(p, residuals))  # fmt: skip
    (solution,) = sympy.solve(sympy.diff(sympy.expand_log(nll, force=True), s2), s2)
    return solution


@reference("gaussian_kl")
def gaussian_kl(p: Params) -> sympy.Expr:
    """KL(p || q) = E_p[ln p(X) - ln q(X)]; the log-ratio is quadratic: E[X], E[X²] suffice."""
    x = sympy.Symbol("x", real=True)
    dp = stats.density(stats.Normal("P", p["m1"], sympy.sqrt(p["v1"])))(x)
    dq = stats.density(stats.Normal("Q", p["m2"], sympy.sqrt(p["v2"])))(x)
    ratio = sympy.Poly(sympy.expand(sympy.expand_log(sympy.log(dp) - sympy.log(dq), force=True)), x)
    moments = {0: 1, 1: p["m1"], 2: p["v1"] + p["m1"] ** 2}
    return sympy.simplify(sum(c * moments[k] for (k,), c in ratio.terms()))


@reference("log_loss")
def log_loss(p: Params, *, probs: str, label: int) -> sympy.Expr:
    """Cross-entropy with a one-hot target: -Σ_k t_k ln q_k."""
    q = _probs(p, probs)
    return -sum(sympy.log(qk) * (1 if k == label - 1 else 0) for k, qk in enumerate(q))


@reference("binomial_variance")
def binomial_variance(p: Params) -> sympy.Expr:
    return sympy.simplify(stats.variance(stats.Binomial("X", integer(p["n"]), p["p"])))


@reference("bayes_two_tests")
def bayes_two_tests(p: Params) -> sympy.Expr:
    """P(ill | +, +) over the joint table, the two results independent given the state."""
    prior = {True: p["prev"], False: 1 - p["prev"]}
    rate = {True: p["sens"], False: p["fpr"]}
    joint = {ill: prior[ill] * rate[ill] * rate[ill] for ill in (True, False)}
    return sympy.simplify(joint[True] / sum(joint.values()))


@reference("correlation")
def correlation(p: Params) -> sympy.Expr:
    """Cov[X, Y] / (σ_X σ_Y) for X = σ_X Z₁, Y = (c/σ_X) Z₁ + s Z₂ with Z₁, Z₂ standard normal."""
    z1, z2 = stats.Normal("Z1", 0, 1), stats.Normal("Z2", 0, 1)
    sx = sympy.sqrt(p["vx"])
    x = sx * z1
    y = p["c"] / sx * z1 + sympy.sqrt(p["vy"] - p["c"] ** 2 / p["vx"]) * z2
    cov = stats.covariance(x, y)
    return sympy.simplify(cov / (stats.std(x) * stats.std(y)))


@reference("matrix_power_entry")
def matrix_power_entry(
    p: Params, *, entries: str, n: int, power: str, row: int, col: int
) -> sympy.Expr:
    """Entry (row, col) of A·A·…·A, the product written out."""
    a = _matrix(p, entries, n)
    product = sympy.eye(n)
    for _ in range(integer(p[power])):
        product = product * a
    return sympy.expand(product[row - 1, col - 1])


def _eigenbasis() -> sympy.Matrix:
    """Columns q1 = (3, 4)/5 and q2 = (-4, 3)/5: an orthonormal basis."""
    return sympy.Matrix([[3, -4], [4, 3]]) / 5


@reference("eigen_reconstruction")
def eigen_reconstruction(p: Params, *, row: int, col: int, power: str = "") -> sympy.Expr:
    """A = Q Λ Qᵀ from the eigenpairs (or its n-th power, the product written out)."""
    q = _eigenbasis()
    a = q * sympy.diag(p["l1"], p["l2"]) * q.T
    if power:
        product = sympy.eye(2)
        for _ in range(integer(p[power])):
            product = product * a
        a = product
    return sympy.expand(a[row - 1, col - 1])


@reference("normal_second_moment")
def normal_second_moment(p: Params) -> sympy.Expr:
    """E[X^2] for X ~ N(mu, s^2), by `sympy.stats`."""
    return sympy.simplify(stats.E(stats.Normal("X", p["mu"], p["s"]) ** 2))
