"""Generative models: the VAE's reparameterisation and KL term, GAN losses, diffusion noising.

VAE (Kingma & Welling 2014, §2.4 and Appendix B): z = mu + sigma * eps with eps ~ N(0, I) and
sigma = exp(log_var / 2), so the sample is a differentiable function of (mu, log_var) and the
noise carries no parameter. KL(N(mu, diag var) || N(0, I)) = -1/2 sum(1 + log var - mu^2 - var).

GAN (Goodfellow et al. 2014, §3–4): V(D, G) = E_data[log D(x)] + E_z[log(1 - D(G(z)))]. D
maximises V (its loss is -V), the minimax generator minimises log(1 - D(G(z))), the
non-saturating generator minimises -log D(G(z)). For fixed G the optimal discriminator is
p_data / (p_data + p_g). Losses here are batch means of D's outputs in (0, 1).

Diffusion (Ho et al. 2020, eq. 2 and 4): one step x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t)
eps_t; in closed form q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I), abar_t = prod_{s<=t}
(1 - beta_s). `betas[0]` is beta_1; t counts steps from 1.
"""

from __future__ import annotations

import numpy as np

from eprep.engine.functions import sigmoid


class Reparameterization:
    """z = mu + exp(log_var / 2) * eps; backward(dz) -> (dmu, dlog_var).

    dz/dmu = 1 and dz/dlog_var = eps * sigma / 2: the gradient reaches mu and log_var, never eps.
    """

    def __init__(self) -> None:
        self.cache: tuple[np.ndarray, np.ndarray] | None = None

    def forward(self, mu: np.ndarray, log_var: np.ndarray, eps: np.ndarray) -> np.ndarray:
        sigma = np.exp(0.5 * np.asarray(log_var, dtype=float))
        eps = np.asarray(eps, dtype=float)
        self.cache = (sigma, eps)
        return np.asarray(mu, dtype=float) + sigma * eps

    def backward(self, dz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.cache is None:
            raise RuntimeError("backward() before forward()")
        sigma, eps = self.cache
        dz = np.asarray(dz, dtype=float)
        return dz.copy(), dz * eps * sigma * 0.5


def reparameterize(mu: np.ndarray, log_var: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """z = mu + exp(log_var / 2) * eps."""
    return Reparameterization().forward(mu, log_var, eps)


def gaussian_kl(
    mu1: np.ndarray, var1: np.ndarray, mu2: np.ndarray | float = 0.0, var2: np.ndarray | float = 1.0
) -> float:
    """KL(N(mu1, diag var1) || N(mu2, diag var2)), summed over dimensions (closed form)."""
    mu1, var1 = np.asarray(mu1, dtype=float), np.asarray(var1, dtype=float)
    mu2, var2 = np.asarray(mu2, dtype=float), np.asarray(var2, dtype=float)
    terms = np.log(var2 / var1) + (var1 + (mu1 - mu2) ** 2) / var2 - 1.0
    return float(0.5 * np.sum(terms))


def vae_kl(mu: np.ndarray, log_var: np.ndarray) -> float:
    """The VAE's KL term against N(0, I): -1/2 sum(1 + log_var - mu^2 - exp(log_var))."""
    mu, log_var = np.asarray(mu, dtype=float), np.asarray(log_var, dtype=float)
    return float(-0.5 * np.sum(1.0 + log_var - mu**2 - np.exp(log_var)))


def vae_kl_grad(mu: np.ndarray, log_var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(d/dmu, d/dlog_var) of vae_kl: (mu, (exp(log_var) - 1) / 2)."""
    mu, log_var = np.asarray(mu, dtype=float), np.asarray(log_var, dtype=float)
    return mu.copy(), 0.5 * (np.exp(log_var) - 1.0)


def gaussian_log_density(x: np.ndarray, mu: np.ndarray, var: np.ndarray) -> np.ndarray:
    """log N(x; mu, diag var), summed over the last axis."""
    x, mu, var = (np.asarray(a, dtype=float) for a in (x, mu, var))
    return -0.5 * np.sum(np.log(2 * np.pi * var) + (x - mu) ** 2 / var, axis=-1)


def _probabilities(d: np.ndarray) -> np.ndarray:
    d = np.asarray(d, dtype=float)
    if np.any((d <= 0) | (d >= 1)):
        raise ValueError("discriminator outputs must lie strictly between 0 and 1")
    return d


def discriminator_loss(d_real: np.ndarray, d_fake: np.ndarray) -> float:
    """-[mean log D(x) + mean log(1 - D(G(z)))]: the discriminator's loss (minus V)."""
    d_real, d_fake = _probabilities(d_real), _probabilities(d_fake)
    return float(-(np.mean(np.log(d_real)) + np.mean(np.log(1.0 - d_fake))))


def discriminator_loss_grad(
    d_real: np.ndarray, d_fake: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(d/dD(x), d/dD(G(z))) of discriminator_loss: (-1/(N D(x)), 1/(M (1 - D(G(z)))))."""
    d_real, d_fake = _probabilities(d_real), _probabilities(d_fake)
    return -1.0 / (d_real.size * d_real), 1.0 / (d_fake.size * (1.0 - d_fake))


def generator_loss(d_fake: np.ndarray, form: str = "non-saturating") -> float:
    """ "minimax": mean log(1 - D(G(z))); "non-saturating": -mean log D(G(z))."""
    d_fake = _probabilities(d_fake)
    if form == "minimax":
        return float(np.mean(np.log(1.0 - d_fake)))
    if form == "non-saturating":
        return float(-np.mean(np.log(d_fake)))
    raise ValueError(f"form must be 'minimax' or 'non-saturating', got {form!r}")


def generator_loss_grad(d_fake: np.ndarray, form: str = "non-saturating") -> np.ndarray:
    """d/dD(G(z)) of generator_loss: -1/(M (1 - D)) (minimax) or -1/(M D) (non-saturating)."""
    d_fake = _probabilities(d_fake)
    if form == "minimax":
        return -1.0 / (d_fake.size * (1.0 - d_fake))
    if form == "non-saturating":
        return -1.0 / (d_fake.size * d_fake)
    raise ValueError(f"form must be 'minimax' or 'non-saturating', got {form!r}")


def generator_loss_from_logits(a_fake: np.ndarray, form: str = "non-saturating") -> float:
    """generator_loss of D = sigmoid(a) for D's logits a (where saturation shows)."""
    return generator_loss(sigmoid(np.asarray(a_fake, dtype=float)), form)


def gan_value(d: np.ndarray, p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """The integrand of V for a discriminator value d at a point: p_data log d + p_g log(1 - d)."""
    d = _probabilities(d)
    return np.asarray(p_data) * np.log(d) + np.asarray(p_g) * np.log(1.0 - d)


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014, Proposition 1)."""
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    return p_data / (p_data + p_g)


def alpha_bar(betas: np.ndarray) -> np.ndarray:
    """abar_t = prod_{s=1}^{t} (1 - beta_s) for t = 1 .. len(betas)."""
    return np.cumprod(1.0 - np.asarray(betas, dtype=float))


def forward_step(x_prev: np.ndarray, beta: float, eps: np.ndarray) -> np.ndarray:
    """One noising step: sqrt(1 - beta) x_{t-1} + sqrt(beta) eps."""
    return np.sqrt(1.0 - beta) * np.asarray(x_prev, dtype=float) + np.sqrt(beta) * eps


def q_sample(x0: np.ndarray, t: int, betas: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """x_t drawn from q(x_t | x_0) in one go: sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps."""
    if not 1 <= t <= len(betas):
        raise ValueError(f"t must lie in 1 .. {len(betas)}, got {t}")
    ab = alpha_bar(betas)[t - 1]
    return np.sqrt(ab) * np.asarray(x0, dtype=float) + np.sqrt(1.0 - ab) * eps


__all__ = [
    "Reparameterization",
    "alpha_bar",
    "discriminator_loss",
    "discriminator_loss_grad",
    "forward_step",
    "gan_value",
    "gaussian_kl",
    "gaussian_log_density",
    "generator_loss",
    "generator_loss_from_logits",
    "generator_loss_grad",
    "optimal_discriminator",
    "q_sample",
    "reparameterize",
    "vae_kl",
    "vae_kl_grad",
]
