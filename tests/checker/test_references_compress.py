"""The day4 lightweight, distributed, generative and learning-methods references against
hand-worked values (exact where the definition is), and their code definitions against
right and wrong completions run here."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from eprep.checker.references import NeedsValues, Pick, get_code_reference, get_reference

R = sympy.Rational


def ref(name: str, values: dict, **args):
    p = {k: sympy.nsimplify(v) for k, v in values.items()}
    return get_reference(name)(p, **args)


def close(value, number: float) -> bool:
    return abs(float(sympy.N(value, 30)) - number) < 1e-12 * max(1.0, abs(number))


def test_lightweight_references():
    assert close(ref("softmax_temperature", dict(z1=2, z2=0, z3=0, T=2)), np.e / (np.e + 2))
    ps, pt = 1 / (1 + np.exp(-2)), 1 / (1 + np.exp(1))
    assert close(
        ref("distillation_soft_gradient", dict(s1=2, s2=-2, t1=-1, t2=1, T=2)), 2 * (ps - pt)
    )
    assert ref("zero_point", dict(a=1, b=2)) == 85
    assert ref("zero_point", dict(a=R(1, 2), b=R(3, 2))) == 64  # 63.75
    assert ref("symmetric_quantise", dict(m=R(127, 100), w=R(456, 1000))) == 46
    assert ref("symmetric_quantise", dict(m=R(127, 100), w=R(-456, 1000))) == -46


def test_generative_references():
    assert (
        sympy.simplify(ref("vae_kl", dict(mu1=1, mu2=0, v1=1, v2=sympy.E)) - (sympy.E - 1) / 2) == 0
    )
    mu, v = sympy.Symbol("mu", real=True), sympy.Symbol("v", positive=True)
    symbolic = get_reference("vae_kl")({"mu1": mu, "mu2": 0, "v1": v, "v2": 1})
    assert sympy.simplify(symbolic - (mu**2 + v - 1 - sympy.log(v)) / 2) == 0
    assert ref("reparam_gradient", dict(lv=sympy.log(4), eps=R(3, 2), g=2)) == 3
    assert ref("optimal_discriminator", dict(a=R(3, 10), b=R(1, 10))) == R(3, 4)
    assert sympy.simplify(ref("non_saturating_gradient", dict(d=R(1, 10))) + R(9, 10)) == 0
    assert ref("diffusion_variance", dict(beta=R(1, 10), t=2)) == R(19, 100)
    with pytest.raises(NeedsValues):
        get_reference("diffusion_variance")({"beta": R(1, 10), "t": sympy.Symbol("t")})


def test_metric_and_distributed_references():
    assert ref("triplet_loss", dict(p1=3, p2=4, n1=0, n2=6, m=2)) == 1
    assert ref("triplet_loss", dict(p1=3, p2=4, n1=0, n2=9, m=2)) == 0
    assert ref("contrastive_loss", dict(u1=0, u2=1, m=3)) == 2
    e = [sympy.exp(R(8, 5)), sympy.exp(R(2, 5)), sympy.exp(R(-4, 5))]
    values = dict(sp=R(4, 5), s1=R(1, 5), s2=R(-2, 5), tau=R(1, 2))
    assert sympy.simplify(ref("info_nce", values) + sympy.log(e[0] / sum(e))) == 0
    assert sympy.simplify(ref("info_nce_gradient", values) - 2 * (e[0] / sum(e) - 1)) == 0
    assert ref("weighted_gradient", dict(n1=3, n2=1, g1=1, g2=-1)) == R(1, 2)
    assert ref("ring_allreduce_traffic", dict(K=4, M=40)) == 60
    pick = get_reference("sync_data_parallel")({})
    assert isinstance(pick, Pick)
    assert {k for k, v in pick.conditions.items() if bool(v)} == {"same"}


def _run(name: str, namespace: dict, **args) -> list[str]:
    definition = get_code_reference(name)(**args)
    return definition.check(definition.drive(namespace, np.random.default_rng(0)))


def test_code_definitions_accept_right_and_refuse_wrong_completions():
    def prune(W, s, wrong=False):
        k = round(s * W.size)
        order = np.argsort(W.ravel() if wrong else np.abs(W).ravel(), kind="stable")
        mask = np.ones(W.size, bool)
        mask[order[:k]] = False
        return W * mask.reshape(W.shape)

    assert _run("prune_code", {"magnitude_prune": prune}) == []
    assert _run("prune_code", {"magnitude_prune": lambda W, s: prune(W, s, True)})

    def triplet(a, p, n, m, squared=False):
        dp = np.sum((a - p) ** 2, axis=1)
        dn = np.sum((a - n) ** 2, axis=1)
        if not squared:
            dp, dn = np.sqrt(dp), np.sqrt(dn)
        return np.mean(np.maximum(0, dp - dn + m))

    assert _run("triplet_code", {"triplet_loss": triplet}) == []
    assert _run("triplet_code", {"triplet_loss": lambda *a: triplet(*a, squared=True)})

    def q_sample(x0, t, betas, eps, shift=1):
        ab = np.cumprod(1 - betas)[t - shift]
        return np.sqrt(ab) * x0 + np.sqrt(1 - ab) * eps

    assert _run("diffusion_code", {"q_sample": q_sample}) == []
    assert _run("diffusion_code", {"q_sample": lambda *a: q_sample(*a, shift=2)})


def test_pipeline_bubble_reference_counts_slots():
    assert ref("pipeline_bubble", dict(K=3, M=4)) == R(1, 3)
    assert ref("pipeline_bubble", dict(K=4, M=1)) == R(3, 4)
    with pytest.raises(NeedsValues):
        get_reference("pipeline_bubble")({"K": sympy.Symbol("K"), "M": 4})


def test_pseudo_label_reference_masks_by_the_threshold():
    values = dict(c1=R(97, 100), c2=R(99, 100), c3=R(7, 10), q1=R(1, 2), q2=R(1, 4), q3=R(2, 5))
    assert sympy.simplify(ref("pseudo_label_loss", values) - sympy.log(8) / 3) == 0
    values["c3"] = R(96, 100)
    want = (sympy.log(8) + sympy.log(R(5, 2))) / 3
    assert sympy.simplify(ref("pseudo_label_loss", values) - want) == 0
