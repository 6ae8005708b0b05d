"""Regularisation probes against the penalty formulas and SGD recursions written out here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


@pytest.mark.parametrize("wd", [0.01, 0.5])
def test_l2_gradient_samples_are_lambda_w(wd: float) -> None:
    samples = get_probe("l2_penalty_gradient_samples")({"wd": wd}, np.random.default_rng(0))
    assert len(samples.points) >= 10
    for point, value in zip(samples.points, samples.values, strict=True):
        assert math.isclose(value, wd * point["w"], rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize(("w", "wd"), [(-0.7, 0.1), (1.6, 0.05)])
def test_l1_gradient_is_lambda_sign_w(w: float, wd: float) -> None:
    got = get_probe("l1_penalty_gradient")({"w": w, "wd": wd}, np.random.default_rng(1))
    assert _close(got, math.copysign(wd, w))


@pytest.mark.parametrize(("n", "h", "o", "c", "wd"), [(3, 4, 2, 0.5, 0.1), (6, 2, 3, 0.2, 1.0)])
def test_l2_penalty_counts_weights_only(n: int, h: int, o: int, c: float, wd: float) -> None:
    got = get_probe("l2_penalty_loss")(
        {"n": n, "h": h, "o": o, "c": c, "wd": wd}, np.random.default_rng(2)
    )
    assert _close(got, 0.5 * wd * c * c * (n * h + h * o))
    assert not _close(got, 0.5 * wd * c * c * (n * h + h * o + h + o))  # biases included


@pytest.mark.parametrize(("w", "eta", "wd", "k"), [(2.0, 0.1, 0.5, 3), (1.3, 0.2, 1.0, 5)])
def test_decay_steps_follow_the_sgd_recursions(w: float, eta: float, wd: float, k: int) -> None:
    l2, l1 = w, w
    for _ in range(k):
        l2 = l2 - eta * (wd * l2)
        l1 = l1 - eta * wd * (1.0 if l1 > 0 else -1.0)
    v = {"w": w, "eta": eta, "wd": wd, "k": k}
    assert _close(get_probe("decay_steps")(v, np.random.default_rng(3), penalty="l2"), l2)
    assert _close(get_probe("decay_steps")(v, np.random.default_rng(4), penalty="l1"), l1)


def test_only_weights_are_decayed() -> None:
    got = get_probe("decayed_parameters")({"wd": 0.1}, np.random.default_rng(5))
    assert got.option_id == "weights"


def _penalty(square_each: bool, prefixes: tuple[str, ...] = ("W",)):
    def fn(params, lam):
        total = 0.0
        for key, W in params.items():
            if key.startswith(prefixes):
                total += 0.5 * lam * (np.sum(W**2) if square_each else np.sum(np.abs(W)))
        return total

    return fn


def test_penalty_code_probe_wants_the_sum_of_squares() -> None:
    probe = get_code_probe("l2_penalty_code")
    probe({"weight_decay_loss": _penalty(True)}, {}, np.random.default_rng(6))
    for wrong in (_penalty(False), _penalty(True, ("W", "b"))):
        with pytest.raises(AssertionError):
            probe({"weight_decay_loss": wrong}, {}, np.random.default_rng(6))


def _add_decay(prefixes: tuple[str, ...], l1: bool = False):
    def fn(grads, params, lam):
        for key in params:
            if key.startswith(prefixes):
                grads[key] = grads[key] + (lam * np.sign(params[key]) if l1 else lam * params[key])
        return grads

    return fn


def test_gradient_code_probe_wants_lambda_w_on_weights_only() -> None:
    probe = get_code_probe("l2_gradient_code")
    probe({"add_weight_decay": _add_decay(("W",))}, {}, np.random.default_rng(7))
    for wrong in (_add_decay(("W",), l1=True), _add_decay(("W", "b"))):
        with pytest.raises(AssertionError):
            probe({"add_weight_decay": wrong}, {}, np.random.default_rng(7))
