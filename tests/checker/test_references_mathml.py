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
