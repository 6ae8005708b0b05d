"""Probes for the generative-model questions, measured with `eprep.engine.generative`.

The KL term is integrated numerically from the engine's Gaussian log densities (never its
closed form); the reparameterisation and generator gradients are central differences of the
engine's forward passes; the optimal discriminator is found by a grid search over the engine's
GAN value; the diffusion variance is the sum of squared responses of the engine's one-step chain
to each step's unit noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _lookup
from eprep.engine import numerical_gradient
from eprep.engine.generative import (
    Reparameterization,
    forward_step,
    gan_value,
    gaussian_log_density,
    generator_loss_from_logits,
    q_sample,
    reparameterize,
    vae_kl,
)


def _f(variant: Params, name: str) -> float:
    return float(variant[name])


def _kl_by_quadrature(mean: float, var: float) -> float:
    """E_q[log q - log p] for q = N(mean, var), p = N(0, 1), by the trapezoid rule."""
    sd = np.sqrt(var)
    z = np.linspace(mean - 14 * sd, mean + 14 * sd, 40_001).reshape(-1, 1)
    log_q = gaussian_log_density(z, np.array([mean]), np.array([var]))
    log_p = gaussian_log_density(z, np.zeros(1), np.ones(1))
    return float(np.trapezoid(np.exp(log_q) * (log_q - log_p), z[:, 0]))


@probe("vae_kl_quadrature")
def vae_kl_quadrature(variant: Params, rng: np.random.Generator) -> Value:
    """The KL of the two-dimensional diagonal posterior as two numerical integrals."""
    total = sum(_kl_by_quadrature(_f(variant, f"mu{i}"), _f(variant, f"v{i}")) for i in (1, 2))
    return Value(total, rel_tol=1e-7, abs_tol=1e-9)


@probe("reparam_gradient")
def reparam_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference in log_var of g * z with z from the engine's Reparameterization."""
    layer = Reparameterization()
    mu, eps = rng.standard_normal(1), np.array([_f(variant, "eps")])
    log_var = np.array([_f(variant, "lv")])
    g = _f(variant, "g")
    grad = numerical_gradient(lambda _: float(g * layer.forward(mu, log_var, eps)[0]), log_var)
    return Value(float(grad[0]), rel_tol=1e-6, abs_tol=1e-9)


@probe("optimal_discriminator")
def optimal_discriminator(variant: Params, rng: np.random.Generator) -> Value:
    """Grid search, refined five times, for the D in (0, 1) maximising the engine's GAN value."""
    a, b = _f(variant, "a"), _f(variant, "b")
    lo, hi = 1e-9, 1 - 1e-9
    for _ in range(5):
        grid = np.linspace(lo, hi, 2001)
        best = grid[int(np.argmax(gan_value(grid, np.asarray(a), np.asarray(b))))]
        step = grid[1] - grid[0]
        lo, hi = max(best - 2 * step, 1e-12), min(best + 2 * step, 1 - 1e-12)
    return Value(float(best), rel_tol=1e-6, abs_tol=1e-9)


@probe("non_saturating_gradient")
def non_saturating_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference of the engine's non-saturating generator loss in D's logit."""
    d = _f(variant, "d")
    logit = np.array([np.log(d / (1 - d))])
    grad = numerical_gradient(lambda _: generator_loss_from_logits(logit, "non-saturating"), logit)
    return Value(float(grad[0]), rel_tol=1e-6, abs_tol=1e-9)


@probe("diffusion_variance")
def diffusion_variance(variant: Params, rng: np.random.Generator) -> Value:
    """Run the engine's one-step chain from x_0 = 0 with unit noise at one step s, zero at the
    others: x_t is that noise's coefficient; the variance is the sum of their squares."""
    beta, steps = _f(variant, "beta"), round(_f(variant, "t"))
    coefficients = []
    for s in range(steps):
        x = np.zeros(1)
        for step in range(steps):
            x = forward_step(x, beta, np.ones(1) if step == s else np.zeros(1))
        coefficients.append(float(x[0]))
    return Value(float(np.sum(np.square(coefficients))), rel_tol=1e-9, abs_tol=1e-12)


@code_probe("vae_code_matches_engine")
def vae_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """sample_z must give the engine's reparameterised z for the same noise; kl_term vae_kl."""
    sample_z, kl_term = _lookup(namespace, "sample_z"), _lookup(namespace, "kl_term")
    for size in (3, 5):
        mu, log_var = rng.standard_normal(size), rng.standard_normal(size)
        seed = int(rng.integers(1 << 30))
        eps = np.random.default_rng(seed).standard_normal(size)
        z = sample_z(mu.copy(), log_var.copy(), np.random.default_rng(seed))
        _compare("sample_z", (size,), z, reparameterize(mu, log_var, eps))
        _compare(
            "kl_term",
            (size,),
            np.asarray(float(kl_term(mu, log_var))),
            np.asarray(vae_kl(mu, log_var)),
        )


@code_probe("diffusion_code_matches_engine")
def diffusion_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """q_sample must equal the engine's q_sample for every t of a random schedule."""
    fn = _lookup(namespace, "q_sample")
    betas = rng.uniform(0.01, 0.3, size=6)
    for t in (1, 2, 4, 5):
        x0, eps = rng.standard_normal(3), rng.standard_normal(3)
        _compare(
            "q_sample",
            (t,),
            fn(x0.copy(), t, betas.copy(), eps.copy()),
            q_sample(x0, t, betas, eps),
        )
