"""VAE reparameterisation and KL, GAN losses, optimal discriminator, diffusion noising.

Oracles: central differences, Monte Carlo with a stated tolerance (5 standard errors), PyTorch's
distributions.kl_divergence, a grid search over D, and the one-step chain iterated by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL

from eprep.engine import numerical_gradient, sigmoid
from eprep.engine.generative import (
    Reparameterization,
    alpha_bar,
    discriminator_loss,
    discriminator_loss_grad,
    forward_step,
    gan_value,
    gaussian_kl,
    gaussian_log_density,
    generator_loss,
    generator_loss_from_logits,
    generator_loss_grad,
    optimal_discriminator,
    q_sample,
    vae_kl,
    vae_kl_grad,
)
from eprep.engine.gradcheck import relative_error


def test_reparameterisation_gradient_path():
    rng = np.random.default_rng(0)
    mu, log_var, eps = rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5)
    r = rng.standard_normal(5)
    layer = Reparameterization()
    layer.forward(mu, log_var, eps)
    dmu, dlv = layer.backward(r)
    num_mu = numerical_gradient(lambda _: float(np.sum(r * layer.forward(mu, log_var, eps))), mu)
    num_lv = numerical_gradient(
        lambda _: float(np.sum(r * layer.forward(mu, log_var, eps))), log_var
    )
    assert relative_error(dmu, num_mu) < TOL
    assert relative_error(dlv, num_lv) < TOL


def test_reparameterised_samples_have_the_target_moments():
    rng = np.random.default_rng(1)
    n = 200_000
    mu, log_var = 0.7, np.log(2.5)
    z = Reparameterization().forward(np.full(n, mu), np.full(n, log_var), rng.standard_normal(n))
    se_mean = np.sqrt(2.5 / n)
    assert abs(z.mean() - mu) < 5 * se_mean
    se_var = 2.5 * np.sqrt(2 / n)
    assert abs(z.var() - 2.5) < 5 * se_var


def test_kl_closed_form_against_monte_carlo():
    rng = np.random.default_rng(2)
    mu1, var1 = np.array([0.5, -1.0]), np.array([0.6, 2.0])
    mu2, var2 = np.array([0.0, 0.3]), np.array([1.5, 0.8])
    n = 400_000
    x = mu1 + np.sqrt(var1) * rng.standard_normal((n, 2))
    ratio = gaussian_log_density(x, mu1, var1) - gaussian_log_density(x, mu2, var2)
    estimate, se = ratio.mean(), ratio.std() / np.sqrt(n)
    assert abs(gaussian_kl(mu1, var1, mu2, var2) - estimate) < 5 * se


def test_kl_parity_with_torch_and_vae_form():
    torch = pytest.importorskip("torch")
    D = torch.distributions
    mu, log_var = np.array([0.3, -1.2, 2.0]), np.array([-0.5, 0.4, 1.0])
    p = D.Normal(torch.tensor(mu), torch.tensor(np.exp(0.5 * log_var)))
    q = D.Normal(torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))
    want = float(D.kl_divergence(p, q).sum())
    assert vae_kl(mu, log_var) == pytest.approx(want, rel=1e-12)
    assert gaussian_kl(mu, np.exp(log_var)) == pytest.approx(want, rel=1e-12)
    gmu, glv = vae_kl_grad(mu, log_var)
    assert relative_error(gmu, numerical_gradient(lambda _: vae_kl(mu, log_var), mu)) < TOL
    assert relative_error(glv, numerical_gradient(lambda _: vae_kl(mu, log_var), log_var)) < TOL
    assert gaussian_kl(mu, np.exp(log_var), mu, np.exp(log_var)) == pytest.approx(0.0, abs=1e-15)


def test_gan_losses_and_gradients():
    d_real, d_fake = np.array([0.9, 0.6, 0.7]), np.array([0.2, 0.4])
    # Hand value: -(mean log D(x) + mean log(1 - D(G(z)))).
    hand = -(np.log([0.9, 0.6, 0.7]).mean() + np.log([0.8, 0.6]).mean())
    assert discriminator_loss(d_real, d_fake) == pytest.approx(hand)
    gr, gf = discriminator_loss_grad(d_real, d_fake)
    assert (
        relative_error(gr, numerical_gradient(lambda _: discriminator_loss(d_real, d_fake), d_real))
        < TOL
    )
    assert (
        relative_error(gf, numerical_gradient(lambda _: discriminator_loss(d_real, d_fake), d_fake))
        < TOL
    )
    for form in ("minimax", "non-saturating"):
        g = generator_loss_grad(d_fake, form)
        num = numerical_gradient(lambda _, k=form: generator_loss(d_fake, k), d_fake)
        assert relative_error(g, num) < TOL
    with pytest.raises(ValueError):
        generator_loss(d_fake, "wasserstein")
    with pytest.raises(ValueError):
        discriminator_loss(np.array([1.0]), d_fake)


def test_minimax_generator_saturates_and_non_saturating_does_not():
    # A confident D (D(G(z)) ~ 0.0025): with respect to D's logit, log(1 - sigmoid(a)) has
    # derivative -sigmoid(a) -> 0, -log sigmoid(a) has -(1 - sigmoid(a)) -> -1.
    a = np.array([-6.0])
    mm = numerical_gradient(lambda _: generator_loss_from_logits(a, "minimax"), a)[0]
    ns = numerical_gradient(lambda _: generator_loss_from_logits(a, "non-saturating"), a)[0]
    d = float(sigmoid(a)[0])
    assert mm == pytest.approx(-d, rel=1e-6)
    assert ns == pytest.approx(-(1 - d), rel=1e-6)
    assert abs(ns) > 100 * abs(mm)


def test_optimal_discriminator_maximises_value_by_grid_search():
    grid = np.linspace(1e-4, 1 - 1e-4, 99_999)
    for p_data, p_g in ((0.3, 0.1), (0.05, 0.6), (1.2, 1.2)):
        best = grid[np.argmax(gan_value(grid, p_data, p_g))]
        assert best == pytest.approx(float(optimal_discriminator(p_data, p_g)), abs=2e-5)
    # At p_g = p_data, D* = 1/2 and V = -log 4 (Goodfellow et al., Theorem 1).
    assert float(gan_value(0.5, 1.0, 1.0)) == pytest.approx(-np.log(4))


def test_q_sample_closed_form_equals_iterating_the_chain():
    rng = np.random.default_rng(3)
    betas = np.linspace(1e-3, 0.2, 12)
    x0 = rng.standard_normal(4)
    # Noise per step, propagated by hand through x_t = sqrt(1 - b) x + sqrt(b) e: the chain's
    # x_0 coefficient is prod sqrt(1 - b_s), its noise variance the sum of squared coefficients.
    t = 9
    coef, var = 1.0, 0.0
    for b in betas[:t]:
        coef, var = coef * np.sqrt(1 - b), var * (1 - b) + b
    assert alpha_bar(betas)[t - 1] == pytest.approx(coef**2)
    assert 1 - alpha_bar(betas)[t - 1] == pytest.approx(var)
    # Monte Carlo: iterate the engine's one-step chain, compare mean and variance with q_sample.
    n = 100_000
    x = np.tile(x0, (n, 1))
    for b in betas[:t]:
        x = forward_step(x, b, rng.standard_normal(x.shape))
    direct = q_sample(np.tile(x0, (n, 1)), t, betas, rng.standard_normal((n, 4)))
    sd = np.sqrt(var)
    assert np.all(np.abs(x.mean(0) - direct.mean(0)) < 5 * sd * np.sqrt(2 / n))
    assert np.all(np.abs(x.var(0) - direct.var(0)) < 5 * var * np.sqrt(4 / n))
    assert np.allclose(direct.mean(0), coef * x0, atol=5 * sd / np.sqrt(n))
    with pytest.raises(ValueError):
        q_sample(x0, 0, betas, x0)
