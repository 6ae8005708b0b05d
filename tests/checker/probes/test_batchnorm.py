"""Batch-norm probes against the paper's equations written here, and PyTorch where installed."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe

VARIANTS = [
    {"x1": 1.0, "x2": -0.5, "x3": 0.2, "gamma": 1.5, "beta": 0.3, "epsilon": 0.1},
    {"x1": -1.7, "x2": 0.4, "x3": 1.9, "gamma": 0.6, "beta": -0.8, "epsilon": 0.01},
]


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


def _hand_output(v: dict) -> float:
    xs = [v["x1"], v["x2"], v["x3"]]
    mu = sum(xs) / 3
    var = sum((x - mu) ** 2 for x in xs) / 3
    return v["gamma"] * (v["x1"] - mu) / math.sqrt(var + v["epsilon"]) + v["beta"]


@pytest.mark.parametrize("v", VARIANTS)
def test_training_output_follows_the_paper(v: dict) -> None:
    got = get_probe("bn_train_output")(v, np.random.default_rng(0))
    assert _close(got, _hand_output(v))
    xs = [v["x1"], v["x2"], v["x3"]]
    erratum = (
        v["gamma"] * (v["x1"] - sum(xs) / 3) / math.sqrt(statistics.pvariance(xs) - v["epsilon"])
    )
    assert not _close(got, erratum + v["beta"])


@pytest.mark.parametrize("v", VARIANTS)
def test_training_output_matches_torch(v: dict) -> None:
    torch = pytest.importorskip("torch")
    x = torch.tensor([[v["x1"]], [v["x2"]], [v["x3"]]], dtype=torch.float64)
    out = torch.nn.functional.batch_norm(
        x,
        None,
        None,
        torch.tensor([v["gamma"]], dtype=torch.float64),
        torch.tensor([v["beta"]], dtype=torch.float64),
        training=True,
        eps=v["epsilon"],
    )
    assert _close(get_probe("bn_train_output")(v, np.random.default_rng(0)), float(out[0, 0]))


@pytest.mark.parametrize("v", VARIANTS)
def test_batch_variance_is_the_biased_one(v: dict) -> None:
    got = get_probe("bn_batch_variance")(v, np.random.default_rng(1))
    xs = [v["x1"], v["x2"], v["x3"]]
    assert _close(got, statistics.pvariance(xs))
    assert not _close(got, statistics.variance(xs))


@pytest.mark.parametrize(("gamma", "beta"), [(1.5, 0.3), (0.7, -1.9)])
def test_output_mean_is_beta(gamma: float, beta: float) -> None:
    got = get_probe("bn_output_mean")({"gamma": gamma, "beta": beta}, np.random.default_rng(2))
    assert _close(got, beta)


@pytest.mark.parametrize(("m1", "m2", "momentum"), [(2.0, -1.0, 0.9), (-0.7, 2.5, 0.8)])
def test_running_mean_is_an_ema_from_zero(m1: float, m2: float, momentum: float) -> None:
    running = 0.0
    for mean in (m1, m2):
        running = momentum * running + (1 - momentum) * mean
    got = get_probe("bn_running_mean")(
        {"m1": m1, "m2": m2, "momentum": momentum}, np.random.default_rng(3)
    )
    assert _close(got, running)


def test_inference_output_uses_running_statistics() -> None:
    v = {"x": 1.3, "rm": 0.4, "rv": 2.5, "gamma": 1.2, "beta": -0.3, "epsilon": 1e-5}
    expected = v["gamma"] * (v["x"] - v["rm"]) / math.sqrt(v["rv"] + v["epsilon"]) + v["beta"]
    assert _close(get_probe("bn_inference_output")(v, np.random.default_rng(4)), expected)
    torch = pytest.importorskip("torch")
    out = torch.nn.functional.batch_norm(
        torch.tensor([[v["x"]]], dtype=torch.float64),
        torch.tensor([v["rm"]], dtype=torch.float64),
        torch.tensor([v["rv"]], dtype=torch.float64),
        torch.tensor([v["gamma"]], dtype=torch.float64),
        torch.tensor([v["beta"]], dtype=torch.float64),
        training=False,
        eps=v["epsilon"],
    )
    assert math.isclose(float(out[0, 0]), expected, rel_tol=1e-12)


def test_inference_statistics_are_the_running_ones() -> None:
    assert get_probe("bn_inference_statistics")({}, np.random.default_rng(5)).option_id == "running"


@pytest.mark.parametrize("n", [4, 17])
def test_input_gradient_sums_to_zero(n: int) -> None:
    got = get_probe("bn_dx_sum")({"N": n}, np.random.default_rng(6))
    assert _close(got, 0.0)


def _forward(x, gamma, beta, eps, denominator):
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return gamma * (x - mu) / denominator(var, eps) + beta


def test_forward_code_probe_rejects_the_minus_eps_erratum_and_eps_outside() -> None:
    probe = get_code_probe("bn_forward_code")
    good = {
        "batchnorm_forward": lambda x, g, b, e: _forward(x, g, b, e, lambda v, e: np.sqrt(v + e))
    }
    probe(good, {}, np.random.default_rng(7))
    for wrong in (lambda v, e: np.sqrt(v - e), lambda v, e: np.sqrt(v) + e):
        ns = {"batchnorm_forward": lambda x, g, b, e, d=wrong: _forward(x, g, b, e, d)}
        with np.errstate(invalid="ignore"), pytest.raises(AssertionError):
            probe(ns, {}, np.random.default_rng(7))


def _conv_bn(axes):
    def fn(x, gamma, beta, eps):
        mu = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        return gamma.reshape(1, -1, 1, 1) * (x - mu) / np.sqrt(var + eps) + beta.reshape(
            1, -1, 1, 1
        )

    return fn


def test_channel_code_probe_accepts_only_per_channel_statistics() -> None:
    probe = get_code_probe("bn_channel_code")
    probe({"batchnorm_conv_forward": _conv_bn((0, 2, 3))}, {}, np.random.default_rng(8))
    for axes in ((1, 2, 3), (2, 3), 0):
        with pytest.raises(AssertionError):
            probe({"batchnorm_conv_forward": _conv_bn(axes)}, {}, np.random.default_rng(8))


def _param_grads(weight_by_xn: bool):
    def fn(x, dout, eps):
        xc = x - x.mean(axis=0)
        xn = xc / np.sqrt((xc**2).mean(axis=0) + eps)
        return (np.sum((xn if weight_by_xn else xc) * dout, axis=0), dout.sum(axis=0))

    return fn


def test_param_grads_code_probe_wants_xn_times_dout() -> None:
    probe = get_code_probe("bn_param_grads_code")
    probe({"bn_param_grads": _param_grads(True)}, {}, np.random.default_rng(9))
    with pytest.raises(AssertionError):
        probe({"bn_param_grads": _param_grads(False)}, {}, np.random.default_rng(9))
