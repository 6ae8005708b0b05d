"""The day4 lightweight, distributed, generative and learning-methods probes against values
worked out by hand here; each must also disagree with the wrong keys the questions list."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe, get_probe

from .bank_probes import evidence, separates


def _softmax(values):
    e = [math.exp(v) for v in values]
    return [x / sum(e) for x in e]


def test_softmax_temperature_by_hand():
    found = evidence("day4.lightweight.softmax-temperature", dict(z1=4, z2=0, z3=-2, T=2))
    right = _softmax([2, 0, -1])[0]
    separates(found, right, [_softmax([4, 0, -2])[0], _softmax([8, 0, -4])[0]])


def test_distillation_soft_gradient_by_hand():
    # Two classes: p1 = sigmoid((z1 - z2)/T).
    values = dict(s1=2, s2=-2, t1=-1, t2=1, T=2)
    ps, pt = 1 / (1 + math.exp(-2)), 1 / (1 + math.exp(1))
    found = evidence("day4.lightweight.distillation-soft-gradient", values)
    separates(found, 2 * (ps - pt), [(ps - pt) / 2, ps - pt, 4 * (ps - pt), 2 * (pt - ps)])


def test_zero_point_by_hand():
    # [-1, 2]: 0 is 1/3 of the way, 255/3 = 85.
    found = evidence("day4.lightweight.zero-point", dict(a=1.0, b=2.0))
    separates(found, 85, [128, 170, 86])


def test_symmetric_quantise_by_hand():
    # m = 1.27: s = 0.01, w = 0.456 -> 45.6 -> 46 (floor 45, 128 w / m = 45.96 -> 46).
    found = evidence("day4.lightweight.symmetric-quantise", dict(m=1.27, w=0.456))
    separates(found, 46, [45, 92, 23])


def test_vae_kl_by_hand():
    # mu = (1, 0), var = (1, e): (1 + 0) / 2 + (e - 1 - 1) / 2.
    found = evidence("day4.generative.vae-kl", dict(mu1=1.0, mu2=0.0, v1=1.0, v2=math.e))
    right = 0.5 + (math.e - 2) / 2
    separates(found, right, [2 * right, right / 2, right + 1])


def test_reparam_gradient_by_hand():
    values = dict(lv=math.log(4.0), eps=1.5, g=2.0)  # sigma = 2: 2 * 1.5 * 2 / 2 = 3
    found = evidence("day4.generative.reparam-gradient", values)
    separates(found, 3.0, [0.0, 6.0, 3.0 / 2 * 2 * 2, 2.0])


def test_optimal_discriminator_by_hand():
    found = evidence("day4.generative.optimal-discriminator", dict(a=0.3, b=0.1))
    separates(found, 0.75, [0.25, 0.5, 3.0, 0.7501])


def test_non_saturating_gradient_by_hand():
    found = evidence("day4.generative.non-saturating-gradient", dict(d=0.1))
    separates(found, -0.9, [-0.1, -10.0, 0.9])


def test_diffusion_variance_by_hand():
    # beta = 0.1, t = 2: v1 = 0.1, v2 = 0.9 * 0.1 + 0.1 = 0.19.
    found = evidence("day4.generative.diffusion-variance", dict(beta=0.1, t=2))
    separates(found, 0.19, [0.2, 0.81, 0.1])


def test_triplet_and_contrastive_by_hand():
    found = evidence(
        "day4.learning-methods.triplet-loss", dict(p1=3, p2=4, n1=0, n2=6, m=2)
    )  # 5 - 6 + 2
    separates(found, 1.0, [25 - 36 + 2, 6 - 5 + 2, 7 - 6 + 2])
    found = evidence("day4.learning-methods.contrastive-loss", dict(u1=0, u2=1, m=3))
    separates(found, 2.0, [0.5, 1.0, 4.0])


def test_info_nce_and_gradient_by_hand():
    values = dict(sp=0.8, s1=0.2, s2=-0.4, tau=0.5)
    e = [math.exp(1.6), math.exp(0.4), math.exp(-0.8)]
    p = e[0] / sum(e)
    found = evidence("day4.learning-methods.info-nce", values)
    separates(
        found,
        -math.log(p),
        [-math.log(e[0] / (e[1] + e[2])), -math.log(_softmax([0.8, 0.2, -0.4])[0])],
    )
    found = evidence("day4.learning-methods.info-nce-gradient", values)
    separates(found, (p - 1) / 0.5, [p - 1, (1 - p) / 0.5, p / 0.5])


def test_weighted_gradient_and_ring_by_hand():
    found = evidence("day4.distributed.weighted-gradient", dict(n1=3, n2=1, g1=1.0, g2=-1.0))
    separates(found, 0.5, [0.0, 2.0])
    found = evidence("day4.distributed.ring-allreduce", dict(K=4, M=40))
    separates(found, 60, [120, 30, 240])


def test_sync_data_parallel_is_the_full_batch_step():
    assert get_probe("sync_data_parallel")({}, np.random.default_rng(0)) == OptionId("same")


# ---------------------------------------------------------------- code probes


def loop_prune(W, sparsity):
    flat = sorted(range(W.size), key=lambda i: abs(W.flat[i]))
    out = W.copy()
    for i in flat[: round(sparsity * W.size)]:
        out.flat[i] = 0.0
    return out


def loop_distill(zs, zt, labels, T, alpha, factor=None):
    n, k = zs.shape
    loss, grad = 0.0, np.zeros_like(zs)
    for i in range(n):
        ps, pt, p = _softmax(zs[i] / T), _softmax(zt[i] / T), _softmax(zs[i])
        kl = sum(b * math.log(b / a) for a, b in zip(ps, pt, strict=True))
        loss += alpha * T * T * kl - (1 - alpha) * math.log(p[labels[i]])
        for j in range(k):
            soft = (factor or T) * (ps[j] - pt[j])
            grad[i, j] = alpha * soft + (1 - alpha) * (p[j] - (j == labels[i]))
    return loss / n, grad / n


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        (
            "prune_matches_engine",
            {"magnitude_prune": loop_prune},
            {"magnitude_prune": lambda W, s: loop_prune(-np.abs(W), s)},
        ),
        (
            "distillation_matches_engine",
            {"distill": loop_distill},
            {"distill": lambda *a: loop_distill(*a, factor=1.0)},
        ),
    ],
)
def test_code_probes_tell_right_from_wrong(name, right, wrong):
    probe = get_code_probe(name)
    probe(right, {}, np.random.default_rng(0))
    with pytest.raises(AssertionError):
        probe(wrong, {}, np.random.default_rng(0))


def test_code_probe_quantise_and_metric_loops():
    def quantize(W):
        lo, hi = min(W.min(), 0.0), max(W.max(), 0.0)
        s = (hi - lo) / 255
        z = round(-lo / s)
        q = np.array([min(max(round(w / s) + z, 0), 255) for w in W.ravel()]).reshape(W.shape)
        return q, s, z

    ok = {"quantize": quantize, "dequantize": lambda q, s, z: (q - z) * s}
    get_code_probe("quantize_matches_engine")(ok, {}, np.random.default_rng(0))
    with pytest.raises(AssertionError):
        bad = {**ok, "dequantize": lambda q, s, z: q * s - z}
        get_code_probe("quantize_matches_engine")(bad, {}, np.random.default_rng(0))

    def triplet(a, p, n, m):
        rows = [
            max(0.0, np.linalg.norm(x - y) - np.linalg.norm(x - w) + m)
            for x, y, w in zip(a, p, n, strict=True)
        ]
        return sum(rows) / len(rows)

    get_code_probe("triplet_matches_engine")(
        {"triplet_loss": triplet}, {}, np.random.default_rng(0)
    )
    with pytest.raises(AssertionError):
        squared = {"triplet_loss": lambda a, p, n, m: triplet(a, p, n, m) ** 2}
        get_code_probe("triplet_matches_engine")(squared, {}, np.random.default_rng(0))

    def nce(q, k, tau):
        total = 0.0
        for i in range(len(q)):
            sims = [float(q[i] @ k[j]) / tau for j in range(len(k))]
            total -= math.log(_softmax(sims)[i])
        return total / len(q)

    get_code_probe("info_nce_matches_engine")({"info_nce": nce}, {}, np.random.default_rng(0))
    with pytest.raises(AssertionError):
        get_code_probe("info_nce_matches_engine")(
            {"info_nce": lambda q, k, t: nce(q, k, 1.0)}, {}, np.random.default_rng(0)
        )


def test_code_probes_generative_loops():
    def sample_z(mu, log_var, rng):
        return mu + np.sqrt(np.exp(log_var)) * rng.standard_normal(mu.shape)

    def kl_term(mu, log_var):
        return sum(0.5 * (m * m + math.exp(lv) - 1 - lv) for m, lv in zip(mu, log_var, strict=True))

    ok = {"sample_z": sample_z, "kl_term": kl_term}
    get_code_probe("vae_code_matches_engine")(ok, {}, np.random.default_rng(0))
    with pytest.raises(AssertionError):
        bad = {
            **ok,
            "sample_z": lambda mu, lv, rng: mu + np.exp(lv) * rng.standard_normal(mu.shape),
        }
        get_code_probe("vae_code_matches_engine")(bad, {}, np.random.default_rng(0))

    def chain_mean_var(t, betas):
        coef, var = 1.0, 0.0
        for b in betas[:t]:
            coef, var = coef * math.sqrt(1 - b), var * (1 - b) + b
        return coef, var

    def q_sample(x0, t, betas, eps):
        coef, var = chain_mean_var(t, betas)
        return coef * x0 + math.sqrt(var) * eps

    get_code_probe("diffusion_code_matches_engine")(
        {"q_sample": q_sample}, {}, np.random.default_rng(0)
    )
    with pytest.raises(AssertionError):
        off_by_one = {"q_sample": lambda x0, t, b, e: q_sample(x0, t + 1, b, e)}
        get_code_probe("diffusion_code_matches_engine")(off_by_one, {}, np.random.default_rng(0))


def test_pipeline_bubble_by_hand():
    # K = 3 stages, M = 4 micro-batches: 6 steps, 3 * 6 - 12 = 6 idle of 18.
    found = evidence("day4.distributed.pipeline-bubble", dict(K=3, M=4))
    separates(found, 1 / 3, [0.5, 2 / 3, 2 / 7])


def test_pseudo_label_loss_by_hand():
    values = dict(c1=0.97, c2=0.99, c3=0.7, q1=0.5, q2=0.25, q3=0.4)
    right = (math.log(2) + math.log(4)) / 3  # image 3 masked, still counted in the mean
    found = evidence("day4.learning-methods.pseudo-label-loss", values)
    separates(found, right, [right * 1.5, right + math.log(2.5) / 3])
