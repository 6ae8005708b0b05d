"""Gradient checks of the lightweight, generative and metric-learning losses, for
`eprep engine gradcheck`: each analytic gradient against numerical_gradient of its loss."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from eprep.engine.generative import (
    Reparameterization,
    discriminator_loss,
    discriminator_loss_grad,
    generator_loss,
    generator_loss_grad,
    vae_kl,
    vae_kl_grad,
)
from eprep.engine.gradcheck import numerical_gradient, relative_error
from eprep.engine.lightweight import DistillationLoss
from eprep.engine.metric import InfoNCE, triplet_loss, triplet_loss_grad

Result = tuple[str, tuple[int, ...], float]


def _one(name: str, loss: Callable[[], float], grad: np.ndarray, array: np.ndarray) -> Result:
    numeric = numerical_gradient(lambda _: loss(), array)
    return name, np.shape(grad), relative_error(grad, numeric)


def compress_checks(seed: int) -> Iterator[Result]:
    """(name, shape, relative error) for every loss gradient of these three modules."""
    rng = np.random.default_rng(seed + 20)
    normal = rng.standard_normal
    zs, zt, labels = normal((3, 4)), normal((3, 4)), np.array([0, 3, 1])
    distill = DistillationLoss(T=3.0, alpha=0.6)
    distill.forward(zs, zt, labels)
    yield _one(
        "DistillationLoss(T=3) dz_s",
        lambda: distill.forward(zs, zt, labels),
        distill.backward(),
        zs,
    )
    mu, log_var, eps, r = normal(4), normal(4), normal(4), normal(4)
    reparam = Reparameterization()
    reparam.forward(mu, log_var, eps)
    dmu, dlv = reparam.backward(r)

    def sampled() -> float:
        return float(np.sum(r * reparam.forward(mu, log_var, eps)))

    yield _one("Reparameterization dmu", sampled, dmu, mu)
    yield _one("Reparameterization dlog_var", sampled, dlv, log_var)
    gmu, glv = vae_kl_grad(mu, log_var)
    yield _one("vae_kl dmu", lambda: vae_kl(mu, log_var), gmu, mu)
    yield _one("vae_kl dlog_var", lambda: vae_kl(mu, log_var), glv, log_var)
    d_real, d_fake = rng.uniform(0.1, 0.9, 4), rng.uniform(0.1, 0.9, 3)
    g_real, g_fake = discriminator_loss_grad(d_real, d_fake)
    yield _one(
        "discriminator_loss dD(x)", lambda: discriminator_loss(d_real, d_fake), g_real, d_real
    )
    yield _one(
        "discriminator_loss dD(G(z))", lambda: discriminator_loss(d_real, d_fake), g_fake, d_fake
    )
    for form in ("minimax", "non-saturating"):
        yield _one(
            f"generator_loss({form})",
            lambda form=form: generator_loss(d_fake, form),
            generator_loss_grad(d_fake, form),
            d_fake,
        )
    a, p, n = normal((4, 3)), normal((4, 3)), normal((4, 3))
    ga, gp, gn = triplet_loss_grad(a, p, n, 2.0)
    for label, grad, array in (("a", ga, a), ("p", gp, p), ("n", gn, n)):
        yield _one(f"triplet_loss d{label}", lambda: triplet_loss(a, p, n, 2.0), grad, array)
    q, k = normal((4, 3)), normal((4, 3))
    nce = InfoNCE(0.5)
    nce.forward(q, k)
    dq, dk = nce.backward()
    yield _one("InfoNCE(tau=0.5) dq", lambda: nce.forward(q, k), dq, q)
    yield _one("InfoNCE(tau=0.5) dk", lambda: nce.forward(q, k), dk, k)
