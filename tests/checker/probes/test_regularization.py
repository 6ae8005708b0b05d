"""Regularisation probes against the penalty formulas and SGD recursions written out here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe

from .bank_probes import evidence, separates, variants


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


@pytest.mark.parametrize("wd", [0.01, 0.5])
def test_l2_gradient_samples_are_lambda_w(wd: float) -> None:
    # d/dw of (wd/2) w^2 is wd w; the wrong keys drop the square's 2 or take the L1 slope.
    samples = get_probe("l2_penalty_gradient_samples")({"wd": wd}, np.random.default_rng(0))
    assert len(samples.points) >= 10
    separates(samples, "wd*w", ["wd*w/2", "2*wd*w", "wd*abs(w)/w", "wd*w + wd/100"], {"wd": wd})


@pytest.mark.parametrize("values", variants("day2.regularization.l1-gradient", 6))
def test_l1_gradient_is_lambda_sign_w(values: dict) -> None:
    # d/dw of wd |w| is wd sign(w) for w != 0.
    w, wd = values["w"], values["wd"]
    got = evidence("day2.regularization.l1-gradient", values)
    separates(got, math.copysign(wd, w), [wd * w, wd * abs(w), -math.copysign(wd, w)])


@pytest.mark.parametrize("values", variants("day2.regularization.l2-penalty-loss", 6))
def test_l2_penalty_counts_weights_only(values: dict) -> None:
    n, h, o, c, wd = (values[k] for k in ("n", "h", "o", "c", "wd"))
    weights = n * h + h * o  # counted by hand: W1 is n x h, W2 is h x o; biases not decayed
    got = evidence("day2.regularization.l2-penalty-loss", values)
    wrong = [0.5 * wd * c * c * (weights + h + o), wd * c * c * weights, 0.5 * wd * c * weights]
    separates(got, 0.5 * wd * c * c * weights, wrong)


def test_penalty_by_work_is_the_integral_of_the_gradient() -> None:
    # For L1 (gradient wd sign(w), constant along the path) the work is wd * sum |w|.
    from eprep.checker.probes.regularization import _net, penalty_by_work

    rng = np.random.default_rng(3)
    with_l1, plain = _net(rng, seed=4, l1_lambda=0.3), _net(rng, seed=4)
    x, t = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    total = sum(float(np.sum(np.abs(v))) for k, v in with_l1.params.items() if k[0] == "W")
    assert math.isclose(penalty_by_work(with_l1, plain, x, t), 0.3 * total, rel_tol=1e-10)


@pytest.mark.parametrize(("w", "eta", "wd", "k"), [(2.0, 0.1, 0.5, 3), (1.3, 0.2, 1.0, 5)])
def test_decay_steps_follow_the_sgd_recursions(w: float, eta: float, wd: float, k: int) -> None:
    l2, l1 = w, w
    for _ in range(k):
        l2 = l2 - eta * (wd * l2)
        l1 = l1 - eta * wd * (1.0 if l1 > 0 else -1.0)
    v = {"w": w, "eta": eta, "wd": wd, "k": k}
    found_l2 = get_probe("decay_steps")(v, np.random.default_rng(3), penalty="l2")
    found_l1 = get_probe("decay_steps")(v, np.random.default_rng(4), penalty="l1")
    separates(found_l2, l2, [l1, w * (1 - eta * wd) ** (k - 1), w * (1 - wd) ** k])
    separates(found_l1, l1, [l2, w - (k - 1) * eta * wd, w - k * wd])


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

    def sum_then_square(params, lam):
        return sum(0.5 * lam * np.sum(W) ** 2 for k, W in params.items() if k.startswith("W"))

    def norm(params, lam):
        return sum(0.5 * lam * np.sqrt(np.sum(W**2)) for k, W in params.items() if k[0] == "W")

    for wrong in (_penalty(False), _penalty(True, ("W", "b")), sum_then_square, norm):
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

    def half(grads, params, lam):
        return {k: g + 0.5 * lam * params[k] if k[0] == "W" else g for k, g in grads.items()}

    def penalty_itself(grads, params, lam):
        return {k: g + 0.5 * lam * params[k] ** 2 if k[0] == "W" else g for k, g in grads.items()}

    for wrong in (_add_decay(("W",), l1=True), _add_decay(("W", "b")), half, penalty_itself):
        with pytest.raises(AssertionError):
            probe({"add_weight_decay": wrong}, {}, np.random.default_rng(7))
