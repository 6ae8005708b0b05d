"""Applied-mathematics probes against hand derivations and PyTorch's distributions."""

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


def test_eigenvalues_determinant_and_inverse_of_hand_worked_matrices() -> None:
    # [[2, 1], [1, 2]]: (2 - t)^2 - 1 = 0 gives t = 1, 3.
    assert _close(_run("largest_eigenvalue", dict(a=2, b=1, c=1, d=2), entries="abcd", n=2), 3)
    # Block matrix diag(5, [[2, 4], [4, 2]]): eigenvalues 5, 6, -2.
    block = dict(p=5, q=2, r=4, z=0)
    assert _close(_run("largest_eigenvalue", block, entries="pzzzqrzrq", n=3), 6)
    # [[1, 2, 3], [0, 1, 4], [5, 6, 0]]: 1(0 - 24) - 2(0 - 20) + 3(0 - 5) = 1.
    m = dict(zip("abcdfghik", [1, 2, 3, 0, 1, 4, 5, 6, 0], strict=True))
    assert _close(_run("determinant", m, entries="abcdfghik", n=3), 1)
    # [[4, 7], [2, 6]]^-1 = [[0.6, -0.7], [-0.2, 0.4]].
    inverse = _run("inverse_entry", dict(a=4, b=7, c=2, d=6), entries="abcd", n=2, row=1, col=2)
    assert _close(inverse, -0.7)


def test_svd_truncation_hadamard_and_definiteness() -> None:
    # [[5, 3], [3, 5]] has singular values 8 and 2: the rank-1 error is 2^2.
    error = _run("low_rank_error", dict(a=5, b=3), entries="abba", n=2, rank=1)
    assert _close(error, 4) and not _close(error, 2)
    had = _run(
        "hadamard_sum", dict(a=1, b=2, c=3, d=4, p=5, q=6, r=7, s=8), left="abcd", right="pqrs"
    )
    assert _close(had, 5 + 12 + 21 + 32)  # not the sum of the entries of the matrix product, 134
    # [[x, 2], [2, 4]] is positive definite for 4x - 4 > 0, i.e. x > 1.
    assert _close(_run("pd_threshold", dict(b=2, c=4), b="b", c="c"), 1)


def test_probabilities_by_monte_carlo() -> None:
    bayes = _run("bayes_posterior_mc", dict(prev=0.01, sens=0.9, fpr=0.1))
    assert _close(bayes, 0.009 / (0.009 + 0.099)) and bayes.abs_tol < 0.01
    assert not _close(bayes, 0.9)
    var = _run("variance_linear_mc", dict(a=2, b=3, c=1, vx=1, vy=2))
    assert _close(var, 4 * 1 + 9 * 2) and not _close(var, 2 + 6)
    cov = _run("covariance_mc", dict(p11=0.3, p10=0.2, p01=0.1, p00=0.4))
    assert _close(cov, 0.3 - 0.5 * 0.4)
    mle = _run("mle_variance_mean_mc", dict(n=4, s2=2))
    assert _close(mle, 1.5) and not _close(mle, 2.0)  # (n - 1)/n * s2, biased


@pytest.mark.parametrize(("n", "p"), [(5, 0.3), (7, 0.1)])
def test_binomial_pmf_against_torch(n: int, p: float) -> None:
    want = torch.distributions.Binomial(n, torch.tensor(p)).log_prob(torch.tensor(2.0)).exp()
    assert _close(_run("binomial_pmf_mc", dict(n=n, p=p), k=2), float(want))


def test_poisson_and_normal_against_torch() -> None:
    want = torch.distributions.Poisson(torch.tensor(1.5)).log_prob(torch.tensor(2.0)).exp()
    assert _close(_run("poisson_pmf_mc", dict(lam=1.5), k=2), float(want))
    f64 = torch.float64
    normal = torch.distributions.Normal(torch.tensor(1.0, dtype=f64), torch.tensor(3.0, dtype=f64))
    want = normal.log_prob(torch.tensor(-1.0, dtype=f64)).exp()
    assert _close(_run("normal_pdf", dict(mu=1, s2=9, x=-1)), float(want))


def test_information_measures_of_hand_worked_distributions() -> None:
    assert _close(_run("entropy", dict(a=0.5, b=0.25, c=0.25), p="a,b,c", base=2), 1.5)
    assert _close(_run("uniform_entropy", dict(n=8), n="n", base=2), 3)
    kl = _run("kl_divergence", dict(a=0.5, b=0.5, c=0.25, d=0.75), p="a,b", q="c,d")
    assert _close(kl, 0.5 * math.log(4 / 3))
    reverse = _run("kl_divergence", dict(a=0.5, b=0.5, c=0.25, d=0.75), p="c,d", q="a,b")
    assert not _close(reverse, kl.value)  # KL is not symmetric
    ce = _run("cross_entropy_mc", dict(a=0.5, b=0.5, c=0.25, d=0.75), p="a,b", q="c,d")
    assert _close(ce, -0.5 * math.log(0.25) - 0.5 * math.log(0.75))
    # Disjoint supports: each distribution is half the mixture, JS = ln 2.
    assert _close(_run("js_divergence", dict(a=1, b=0, c=0, d=1), p="a,b", q="c,d"), math.log(2))


def test_mutual_information_and_conditional_entropy_of_count_tables() -> None:
    # Y = X: I = H(X) = ln 2; independent uniform: I = 0.
    assert _close(
        _run("mutual_information", dict(a=5, b=0, c=0, d=5), counts="a,b,c,d"), math.log(2)
    )
    assert _close(_run("mutual_information", dict(a=1, b=1, c=1, d=1), counts="a,b,c,d"), 0)
    # Row x=0 is (2, 2): 1 bit, weight 1/2; row x=1 is (4, 0): 0 bits.
    assert _close(_run("conditional_entropy", dict(a=2, b=2, c=4, d=0), counts="a,b,c,d"), 0.5)


def test_eigenvector_rank_and_estimates() -> None:
    # [[2, 1], [1, 2]]: λ = 3 with eigenvector (1, 1).
    assert _close(_run("eigenvector_ratio", dict(a=2, b=1, c=1, d=2), entries="abcd"), 1.0)
    # [[4, 1], [2, 3]]: λ = 5 with eigenvector (1, 1); λ = 2 has (1, -2).
    assert _close(_run("eigenvector_ratio", dict(a=4, b=1, c=2, d=3), entries="abcd"), 1.0)
    rows = [1, 2, 3, 0, 1, 1, 2, 5, 7]  # row 3 = 2 row 1 + row 2
    assert _close(
        _run("matrix_rank", dict(zip("abcdfghik", rows, strict=True)), entries="abcdfghik", n=3), 2
    )
    assert _close(_run("bernoulli_mle", dict(k=3, n=12)), 0.25)
    # MAP with noise 2 and prior 0.5 is ridge with λ = 4 (worked by hand from the log posterior).
    assert _close(_run("map_penalty", dict(s2=2, t2=0.5)), 4.0)


def test_discrete_probabilities_by_monte_carlo() -> None:
    # X in {0, 1, 2} w.p. 0.2, 0.5, 0.3: E = 1.1, E[X^2] = 1.7, Var = 0.49.
    assert _close(_run("pmf_variance_mc", dict(p0=0.2, p1=0.5, p2=0.3)), 0.49)
    assert _close(_run("union_independent_mc", dict(pa=0.3, pb=0.5)), 1 - 0.7 * 0.5)
    want = 12 * 0.5**2 * 0.3 * 0.2  # 4!/(2! 1! 1!) orderings
    assert _close(_run("multinomial_pmf_mc", dict(p1=0.5, p2=0.3, p3=0.2), counts="2,1,1"), want)


def test_spectra_likelihoods_and_divergences_worked_by_hand() -> None:
    # [[2, 0, 0], [0, 3, 1], [0, 1, 3]]: eigenvalues 2, 4, 2 multiply to 16.
    m = dict(zip("abcdfghik", [2, 0, 0, 0, 3, 1, 0, 1, 3], strict=True))
    assert _close(_run("eigenvalue_product", m, entries="abcdfghik", n=3), 16)
    # u v^T with u = (3, 4), v = (1, 0): sigma_1 = |u| |v| = 5.
    assert _close(_run("largest_singular_value", dict(A=3, B=0, C=4, D=0), entries="ABCD", n=2), 5)
    # Residuals (1, -1, 2, 0): sum of squares 6 over n = 4.
    residuals = dict(r1=1, r2=-1, r3=2, r4=0)
    assert _close(_run("gaussian_variance_mle", residuals, residuals="r1,r2,r3,r4"), 1.5)
    # N(1, 1) against N(0, 4): ln 2 + (1 + 1)/8 - 1/2.
    kl = _run("gaussian_kl_mc", dict(m1=1, v1=1, m2=0, v2=4))
    assert _close(kl, math.log(2) + 2 / 8 - 0.5)
    assert _close(_run("log_loss", dict(a=0.2, b=0.5, c=0.3), probs="a,b,c", label=2), math.log(2))


def test_trace_smallest_eigenvalue_binomial_variance_and_correlation() -> None:
    sym = dict(a=1, b=3)  # [[1, 3], [3, 1]]: eigenvalues 4 and -2
    assert _close(_run("largest_eigenvalue", sym, entries="abba", n=2, smallest=True), -2)
    m = dict(zip("abcdfghik", [1, 2, 0, 3, 4, 1, 0, 5, -2], strict=True))
    assert _close(_run("eigenvalue_sum", m, entries="abcdfghik", n=3), 3)
    assert _close(_run("binomial_variance_mc", dict(n=20, p=0.3)), 20 * 0.3 * 0.7)
    # Two positives: 0.01 * 0.81 against 0.99 * 0.01.
    two = _run("bayes_two_tests_mc", dict(prev=0.01, sens=0.9, fpr=0.1))
    assert _close(two, 0.0081 / (0.0081 + 0.0099))
    assert _close(_run("correlation_mc", dict(vx=4, vy=9, c=3)), 0.5)


def test_matrix_power_is_the_matrix_product_not_the_entrywise_power() -> None:
    # [[2, 1], [1, 2]]^2 = [[5, 4], [4, 5]]; entry-wise it would be 4.
    got = _run(
        "matrix_power_entry", dict(a=2, b=1, m=2), entries="abba", n=2, power="m", row=1, col=1
    )
    assert _close(got, 5) and not _close(got, 4)
