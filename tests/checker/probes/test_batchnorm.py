"""Batch-norm probes against the paper's equations written here, and PyTorch where installed."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe

from .bank_probes import evidence, separates, variants

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
    # Shifting every sample by h shifts the mean by h and leaves the output alone: slope 0.
    separates(got, 0.0, [1.0, float(n), 1e-6])


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


# ---------------------------------------------------------------- wrong keys and broken layers


@pytest.mark.parametrize("values", variants("day2.batchnorm.forward-output", 6))
def test_training_output_rejects_the_eps_errata(values: dict) -> None:
    xs = [values["x1"], values["x2"], values["x3"]]
    mu, var = sum(xs) / 3, statistics.pvariance(xs)
    g, b, e, d = values["gamma"], values["beta"], values["epsilon"], values["x1"] - mu
    found = evidence("day2.batchnorm.forward-output", values)
    wrong = [
        g * d / math.sqrt(var - e) + b,
        g * d / (math.sqrt(var) + e) + b,
        g * d / (var + e) + b,
    ]
    wrong.append(g * d / math.sqrt(statistics.variance(xs) + e) + b)  # unbiased variance
    separates(found, _hand_output(values), wrong)


@pytest.mark.parametrize("values", variants("day2.batchnorm.batch-variance", 6))
def test_batch_variance_rejects_the_unbiased_one(values: dict) -> None:
    xs = [values["x1"], values["x2"], values["x3"]]
    found = evidence("day2.batchnorm.batch-variance", values)
    wrong = [statistics.variance(xs), statistics.pstdev(xs), statistics.pvariance(xs) + 1e-3]
    separates(found, statistics.pvariance(xs), wrong)


@pytest.mark.parametrize("values", variants("day2.batchnorm.inference-output", 6))
def test_inference_output_rejects_wrong_keys(values: dict) -> None:
    g, b, e = values["gamma"], values["beta"], values["epsilon"]
    d, rv = values["x"] - values["rm"], values["rv"]
    found = evidence("day2.batchnorm.inference-output", values)
    right = g * d / math.sqrt(rv + e) + b
    separates(found, right, [g * d / (rv + e) + b, d / math.sqrt(rv + e), g * d / math.sqrt(rv)])


def test_batch_with_statistics_has_them() -> None:
    from eprep.checker.probes.batchnorm import batch_with_statistics

    batch = batch_with_statistics(2.9, -0.8, 0.25)[:, 0]
    assert batch[0] == 2.9
    assert statistics.fmean(batch) == pytest.approx(-0.8, abs=1e-12)
    assert statistics.pvariance(batch) == pytest.approx(0.25, rel=1e-10)


def _broken_bn(monkeypatch, forward):
    """Make the engine's BatchNormalization use `forward(self, x, train_flg)` for the probes."""
    import eprep.engine

    class Broken(eprep.engine.BatchNormalization):
        pass

    Broken.forward = forward
    monkeypatch.setattr(eprep.engine, "BatchNormalization", Broken)


def test_train_output_probe_fails_when_training_ignores_the_batch_mean(monkeypatch) -> None:
    from eprep.engine import BatchNormalization

    original = BatchNormalization.forward

    def uncentred(self, x, train_flg=True):
        out = original(self, x, train_flg)
        if train_flg:  # adds the batch mean back: no longer a normalisation by the mean
            out = out + self.gamma * x.mean(axis=0) / self.std
        return out

    _broken_bn(monkeypatch, uncentred)
    v = VARIANTS[0]
    with pytest.raises(AssertionError, match="not a normalisation"):
        get_probe("bn_train_output")(v, np.random.default_rng(0))


def test_inference_output_probe_fails_when_inference_ignores_eps(monkeypatch) -> None:
    from eprep.engine import BatchNormalization

    original = BatchNormalization.forward

    def no_eps_at_inference(self, x, train_flg=True):
        if train_flg:
            return original(self, x, train_flg)
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var) + self.beta

    _broken_bn(monkeypatch, no_eps_at_inference)
    v = {"x": 1.3, "rm": 0.4, "rv": 0.3, "gamma": 1.2, "beta": -0.3, "epsilon": 0.1}
    with pytest.raises(AssertionError, match="inference gives"):
        get_probe("bn_inference_output")(v, np.random.default_rng(0))


def test_inference_statistics_probe_sees_a_layer_that_uses_the_batch(monkeypatch) -> None:
    from eprep.engine import BatchNormalization

    original = BatchNormalization.forward
    _broken_bn(monkeypatch, lambda self, x, train_flg=True: original(self, x, True))
    found = get_probe("bn_inference_statistics")({}, np.random.default_rng(5))
    assert found.option_id in ("batch", "update")  # training mode also moves the running stats
