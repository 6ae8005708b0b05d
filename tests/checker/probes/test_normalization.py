"""The layer/group normalisation probes against values worked out by hand here."""

from __future__ import annotations

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe, get_probe

from .bank_probes import evidence, run
from .bank_probes import variants as bank_variants


def test_layernorm_output_by_hand():
    # Sample 1 = (1, 2, 3): mean 2, biased variance 2/3; with eps = 1/3 the std is 1.
    values = dict(x1=1.0, x2=2.0, x3=3.0, z1=5.0, z2=-1.0, z3=0.5, gamma=2.0, beta=0.5)
    values["epsilon"] = 1 / 3
    assert run("day2.normalization.layernorm-output", values) == pytest.approx(2 * -1 + 0.5)


@pytest.mark.parametrize("values", bank_variants("day2.normalization.groupnorm-count", 6))
def test_groupnorm_count(values):
    c, g, h = values["C"], values["G"], values["H"]
    group_of = [ch // (c // g) for ch in range(c)]
    expected = sum(1 for ch in range(c) if group_of[ch] == group_of[0]) * h * h
    assert run("day2.normalization.groupnorm-count", values) == expected


def test_groupnorm_one_group_is_layer_norm():
    found = get_probe("groupnorm_one_group")({}, np.random.default_rng(0))
    assert found == OptionId("layer")


def loop_layer_norm(x, gamma, beta, eps, ddof=0):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape[:-1]):
        v = x[idx]
        mean = sum(v) / len(v)
        var = sum((a - mean) ** 2 for a in v) / (len(v) - ddof)
        out[idx] = gamma * (v - mean) / (var + eps) ** 0.5 + beta
    return out


def test_layernorm_code_probe():
    probe = get_code_probe("layernorm_matches_engine")
    probe({"layer_norm": loop_layer_norm}, {}, np.random.default_rng(0))
    unbiased = {"layer_norm": lambda x, g, b, e: loop_layer_norm(x, g, b, e, ddof=1)}
    with pytest.raises(AssertionError):
        probe(unbiased, {}, np.random.default_rng(0))


def loop_group_norm(x, groups, gamma, beta, eps, interleave=False):
    n, c = x.shape[:2]
    size = c // groups
    out = np.empty_like(x)
    for i in range(n):
        for g in range(groups):
            chans = [ch for ch in range(c) if (ch % groups if interleave else ch // size) == g]
            values = x[i, chans].ravel()
            mean, var = values.mean(), ((values - values.mean()) ** 2).mean()
            for ch in chans:
                out[i, ch] = gamma[ch] * (x[i, ch] - mean) / np.sqrt(var + eps) + beta[ch]
    return out


def test_groupnorm_code_probe():
    probe = get_code_probe("groupnorm_matches_engine")
    probe({"group_norm": loop_group_norm}, {}, np.random.default_rng(0))
    wrong = {"group_norm": lambda *a: loop_group_norm(*a, interleave=True)}
    with pytest.raises(AssertionError):
        probe(wrong, {}, np.random.default_rng(0))


def test_bias_before_batch_norm_gets_no_gradient():
    values = dict(d1=1.5, d2=-0.3, d3=0.9, gamma=1.4, beta=0.2, epsilon=0.1)
    found = evidence("day2.normalization.bn-bias-gradient", values)
    assert abs(found.value) < 1e-7  # the gradient of an affine bias alone would be 2.1
    assert not abs(found.value - 2.1) <= found.abs_tol
