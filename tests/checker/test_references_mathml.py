"""The math and ml reference definitions against values worked by hand (exact rationals)."""

from __future__ import annotations

import sympy

from eprep.checker.references import NeedsValues, get_reference

R = sympy.Rational


def ref(name: str, values: dict, **args):
    p = {k: sympy.nsimplify(v) for k, v in values.items()}
    return sympy.simplify(get_reference(name)(p, **args))


def test_linear_algebra_definitions() -> None:
    assert ref("largest_eigenvalue", dict(a=2, b=1, c=1, d=2), entries="abcd", n=2) == 3
    m = dict(zip("abcdfghik", [1, 2, 3, 0, 1, 4, 5, 6, 0], strict=True))
    assert ref("determinant", m, entries="abcdfghik", n=3) == 1
    inverse = ref("inverse_entry", dict(a=4, b=7, c=2, d=6), entries="abcd", n=2, row=1, col=2)
    assert inverse == R(-7, 10)
    assert ref("low_rank_error", dict(a=5, b=3), entries="abba", n=2, rank=1) == 4
    assert ref("pd_threshold", dict(b=2, c=4), b="b", c="c") == 1


def test_probability_definitions() -> None:
    bayes = ref("bayes_posterior", dict(prev=R(1, 100), sens=R(9, 10), fpr=R(1, 10)))
    assert bayes == R(9, 108)
    assert ref("binomial_pmf", dict(n=5, p=R(3, 10)), k=2) == 10 * R(9, 100) * R(343, 1000)
    assert ref("mle_variance_mean", dict(n=4, s2=2)) == R(3, 2)
    cov = dict(p11=R(3, 10), p10=R(2, 10), p01=R(1, 10), p00=R(4, 10))
    assert ref("covariance_binary", cov) == R(1, 10)


def test_information_definitions() -> None:
    half = dict(a=R(1, 2), b=R(1, 4), c=R(1, 4))
    assert ref("entropy", half, p_="a,b,c", base=2) == R(3, 2)
    pq = dict(a=R(1, 2), b=R(1, 2), c=R(1, 4), d=R(3, 4))
    assert (
        sympy.simplify(
            ref("kl_divergence", pq, p_="a,b", q="c,d") - sympy.log(4) / 2 + sympy.log(3) / 2
        )
        == 0
    )
    assert ref("js_divergence", dict(a=1, b=0, c=0, d=1), p_="a,b", q="c,d") == sympy.log(2)
    assert ref("conditional_entropy", dict(a=2, b=2, c=4, d=0), counts="a,b,c,d") == R(1, 2)


def test_ml_definitions() -> None:
    ys = dict(y0=1, y1=2, y2=2, y3=4)
    assert ref("ols_fit", ys, x="0,1,2,3", y="y0,y1,y2,y3", report="slope") == R(9, 10)
    assert ref("ridge_coefficient", dict(y1=1, y2=2, y3=3, lam=1), x="1,2,3", y="y1,y2,y3") == R(
        14, 15
    )
    assert ref("lasso_one", dict(z=-3, lam=1)) == -2
    assert ref("lasso_one", dict(z=R(1, 2), lam=1)) == 0
    assert ref("auc_from_ranks", dict(r1=1, r2=2, r3=4), ranks="r1,r2,r3", n=6) == R(8, 9)
    km = dict(x1=0, x2=1, x3=5, x4=6, x5=7, c1=0, c2=4)
    assert ref("kmeans_step", km, points="x1,x2,x3,x4,x5", centres="c1,c2", k=2) == 6
    assert ref("pca_lost_variance", dict(a=5, b=3)) == 2
    assert ref("split_gain", dict(la=4, lb=0, ra=0, rb=4), criterion="entropy") == 1


def test_count_definitions_need_numbers() -> None:
    a = sympy.Symbol("a", positive=True)
    try:
        get_reference("kmeans_step")({"x1": a, "c1": 0}, points="x1", centres="c1", k=1)
    except NeedsValues:
        return
    raise AssertionError("a k-means step over symbols must ask for numbers")


def test_issue19_numeric_definitions_worked_by_hand() -> None:
    # bias² (1/2 - 1)^2 * 2^2 = 1, variance (1/4)(1)/4 = 1/16.
    assert ref("shrinkage_mse", dict(mu=2, s=1, n=4, c=R(1, 2))) == R(17, 16)
    assert ref("interpolating_degree", dict(n=6)) == 5
    assert ref("grid_search_fits", dict(m=3, k=5)) == 16
    assert ref("loo_training_total", dict(n=7)) == 42
    assert ref("kfold_training_total", dict(n=60, k=4)) == 180
    ranks = dict(r1=1, r2=3, r3=6, t=4)
    assert ref("average_precision", ranks, positives="r1,r2,r3", n=8) == R(13, 18)
    assert ref("precision_at_top", ranks, positives="r1,r2,r3", n=8) == R(1, 2)
    margin = dict(u=-1, v=3, n2=-2, n3=-4, p2=4, p3=5)
    assert ref("hard_margin_weight", margin, negatives="n3,n2,u", positives="v,p2,p3") == R(1, 2)
    # A = 3 q1 q1ᵀ - q2 q2ᵀ with q1 = (3, 4)/5, q2 = (-4, 3)/5: a11 = (27 - 16)/25.
    assert ref("eigen_reconstruction", dict(l1=3, l2=-1), row=1, col=1) == R(11, 25)
    cube = ref("eigen_reconstruction", dict(l1=3, l2=-1, n=3), row=1, col=2, power="n")
    assert cube == R(12 * (27 + 1), 25)
    assert ref("normal_second_moment", dict(mu=2, s=3)) == 13


def test_issue19_formula_definitions_as_identities() -> None:
    sxy, w, x1, x2, y1, y2, m1, m2 = sympy.symbols("sxy w x1 x2 y1 y2 m1 m2", real=True)
    sxx, lam, s, s1, s2, big_s, n = sympy.symbols("sxx lam s s1 s2 S n", positive=True)
    p_ = sympy.Symbol("p", positive=True)
    a, b = sympy.symbols("a b", real=True)

    def same(name: str, values: dict, want) -> None:
        got = get_reference(name)(values)
        assert sympy.simplify(sympy.expand_log(got - want, force=True)) == 0, (name, got)

    same("ridge_from_sums", dict(sxy=sxy, sxx=sxx, lam=lam), sxy / (sxx + lam))
    same("gaussian_variance_mle_formula", dict(S=big_s, n=n), big_s / n)
    kl = sympy.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - R(1, 2)
    same("gaussian_kl_formula", dict(m1=m1, m2=m2, s1=s1, s2=s2), kl)
    entropy = -p_ * sympy.log(p_) - (1 - p_) * sympy.log(1 - p_)
    same("bernoulli_entropy_formula", dict(p=p_), entropy)
    same("two_point_variance", dict(a=a, b=b, p=p_), p_ * (1 - p_) * (a - b) ** 2)
    nll = sympy.log(2 * sympy.pi * s**2) + ((y1 - w * x1) ** 2 + (y2 - w * x2) ** 2) / (2 * s**2)
    same("gaussian_nll_two", dict(w=w, x1=x1, x2=x2, y1=y1, y2=y2, s=s), nll)
    grad = (w * x1 - y1) * x1 + (w * x2 - y2) * x2
    same("mse_gradient_formula", dict(w=w, x1=x1, x2=x2, y1=y1, y2=y2), grad)
    soft = get_reference("soft_threshold_formula")
    z = sympy.Symbol("z", real=True)
    for zv, lv, want in [(3, 1, 2), (-3, 1, -2), (R(1, 2), 1, 0), (-R(1, 2), 1, 0)]:
        assert soft(dict(z=z, lam=lam)).subs({z: zv, lam: lv}) == want
