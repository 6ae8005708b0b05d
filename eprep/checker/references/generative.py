"""Generative models from their primary definitions.

The VAE's KL term is the expectation E_q[log q(Z) - log p(Z)] taken by `sympy.stats` over
Z ~ N(mu, sigma^2), dimension by dimension (Kingma & Welling 2014, Appendix B, derive it so);
the reparameterised sample is differentiated by `sympy.diff` (§2.4). The optimal discriminator
solves d/dD of the pointwise value p_data log D + p_g log(1 - D) = 0 (Goodfellow et al. 2014,
Proposition 1). Diffusion variances follow the one-step chain v_s = (1 - beta) v_{s-1} + beta
(Ho et al. 2020, eq. 2), never the closed form.
"""

from __future__ import annotations

from functools import lru_cache

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    float_close,
    from_float,
    integer,
    reference,
)


def _normal_log_density(z, mean, var) -> sympy.Expr:
    return -sympy.log(2 * sympy.pi * var) / 2 - (z - mean) ** 2 / (2 * var)


@lru_cache(maxsize=1)
def _normal_moments() -> tuple[sympy.Expr, sympy.Expr, sympy.Symbol, sympy.Symbol]:
    """E[Z] and E[Z^2] of Z ~ N(m, v), by sympy.stats over symbols (once)."""
    m, v = sympy.Symbol("m", real=True), sympy.Symbol("v", positive=True)
    Z = stats.Normal("Z", m, sympy.sqrt(v))
    return sympy.simplify(stats.E(Z)), sympy.simplify(stats.E(Z**2)), m, v


def _kl_to_standard_normal(mean, var) -> sympy.Expr:
    """E over Z ~ N(mean, var) of log q(Z) - log N(Z; 0, 1).

    The log ratio is a quadratic in Z, so its expectation is fixed by E[Z] and E[Z^2], which
    sympy.stats gives for the Gaussian.
    """
    z = sympy.Symbol("z", real=True)
    ratio = sympy.Poly(
        sympy.expand(_normal_log_density(z, mean, var) - _normal_log_density(z, 0, 1)), z
    )
    first, second, m, v = _normal_moments()
    moments = [sympy.S.One, first.subs({m: mean, v: var}), second.subs({m: mean, v: var})]
    return sympy.simplify(sum(coef * moments[power] for (power,), coef in ratio.terms()))


@reference("vae_kl")
def vae_kl(p: Params) -> sympy.Expr:
    """KL of the diagonal posterior: the sum of the two one-dimensional expectations."""
    return _kl_to_standard_normal(p["mu1"], p["v1"]) + _kl_to_standard_normal(p["mu2"], p["v2"])


@reference("reparam_gradient")
def reparam_gradient(p: Params) -> sympy.Expr:
    """dL/dl = dL/dz * dz/dl for z = mu + exp(l / 2) eps, by sympy.diff."""
    ell, mu = sympy.symbols("ell mu", real=True)
    z = mu + sympy.exp(ell / 2) * p["eps"]
    return p["g"] * sympy.diff(z, ell).subs(ell, p["lv"])


@reference("optimal_discriminator")
def optimal_discriminator(p: Params) -> sympy.Expr:
    """The stationary point of a log D + b log(1 - D) on (0, 1) (concave, so the maximum)."""
    D = sympy.Symbol("D", positive=True)
    value = p["a"] * sympy.log(D) + p["b"] * sympy.log(1 - D)
    (solution,) = sympy.solve(sympy.diff(value, D), D)
    return solution


@reference("non_saturating_gradient")
def non_saturating_gradient(p: Params) -> sympy.Expr:
    """d/da of -log(sigmoid(a)) at the logit where sigmoid(a) = d."""
    a = sympy.Symbol("a", real=True)
    d = p["d"]
    loss = -sympy.log(1 / (1 + sympy.exp(-a)))
    return sympy.simplify(sympy.diff(loss, a).subs(a, sympy.log(d / (1 - d))))


@reference("diffusion_variance")
def diffusion_variance(p: Params) -> sympy.Expr:
    """Var(x_t | x_0) by the one-step recurrence v_s = (1 - beta) v_{s-1} + beta, v_0 = 0."""
    steps = integer(p["t"])
    var = sympy.S.Zero
    for _ in range(steps):
        var = (1 - p["beta"]) * var + p["beta"]  # scaling by sqrt(1-beta) squares to 1-beta
    return sympy.expand(var)


# ---------------------------------------------------------------- code definitions


class _FixedNoise:
    """A generator whose standard_normal returns exact quarter-integers (recorded)."""

    def __init__(self, rng) -> None:
        self.rng = rng
        self.drawn: list[float] = []

    def standard_normal(self, shape=None):
        values = self.rng.integers(-8, 9, size=shape) / 4.0
        import numpy as np

        self.drawn.extend(np.ravel(values).tolist())
        return values


@code_reference("vae_code")
def vae_code() -> CodeDefinition:
    """z = mean + sqrt(variance) * noise; the KL term as the expectation by sympy.stats."""

    def drive(namespace, rng):
        import numpy as np

        mu = rng.integers(-6, 7, size=3) / 4.0
        log_var = rng.integers(-6, 7, size=3) / 4.0
        noise = _FixedNoise(rng)
        z = namespace["sample_z"](mu.copy(), log_var.copy(), noise)
        kl = namespace["kl_term"](mu.copy(), log_var.copy())
        return {
            "mu": mu.tolist(),
            "log_var": log_var.tolist(),
            "eps": noise.drawn,
            "z": np.asarray(z, dtype=float).ravel().tolist(),
            "kl": float(kl),
        }

    def check(out):
        mus = [from_float(v) for v in out["mu"]]
        variances = [sympy.exp(from_float(v)) for v in out["log_var"]]
        if len(out["eps"]) != len(mus) or len(out["z"]) != len(mus):
            return [f"{len(out['eps'])} noise values drawn for {len(mus)} latent dimensions"]
        for m, var, e, got in zip(mus, variances, out["eps"], out["z"], strict=True):
            want = m + sympy.sqrt(var) * from_float(e)
            if not float_close(got, want):
                return [f"z = {got} for eps = {e}, a draw of N(mu, sigma^2) is {float(want):.12g}"]
        want_kl = sum(_kl_to_standard_normal(m, v) for m, v in zip(mus, variances, strict=True))
        if not float_close(out["kl"], want_kl):
            return [f"the KL term is {out['kl']}, the expectation gives {float(want_kl):.12g}"]
        return []

    return CodeDefinition(drive, check)


@code_reference("diffusion_code")
def diffusion_code() -> CodeDefinition:
    """x_t's coefficients of x_0 and of the noise from the one-step chain, step by step."""

    def drive(namespace, rng):
        import numpy as np

        betas = rng.integers(1, 40, size=8) / 200.0
        cases = []
        for t in (1, 3, 8):
            x0 = rng.integers(-8, 9, size=4) / 4.0
            eps = rng.integers(-8, 9, size=4) / 4.0
            xt = namespace["q_sample"](x0.copy(), t, betas.copy(), eps.copy())
            cases.append(
                {
                    "t": t,
                    "x0": x0.tolist(),
                    "eps": eps.tolist(),
                    "xt": np.asarray(xt, dtype=float).ravel().tolist(),
                }
            )
        return {"betas": betas.tolist(), "cases": cases}

    def check(out):
        betas = [from_float(b) for b in out["betas"]]
        for case in out["cases"]:
            mean_coef, var = sympy.S.One, sympy.S.Zero
            for beta in betas[: case["t"]]:
                mean_coef, var = mean_coef * sympy.sqrt(1 - beta), (1 - beta) * var + beta
            if len(case["xt"]) != len(case["x0"]):
                return [f"x_t has {len(case['xt'])} values for {len(case['x0'])}"]
            for x0, e, got in zip(case["x0"], case["eps"], case["xt"], strict=True):
                want = mean_coef * from_float(x0) + sympy.sqrt(var) * from_float(e)
                if not float_close(got, want):
                    return [f"t = {case['t']}: x_t = {got}, the chain gives {float(want):.12g}"]
        return []

    return CodeDefinition(drive, check)
