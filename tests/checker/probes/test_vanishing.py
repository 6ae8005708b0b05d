"""Vanishing-gradient probes against hand derivations written here (math module, closed forms)."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe, get_probe, is_code_probe

from .bank_probes import separates

BANK = Path(__file__).resolve().parents[3] / "eprep" / "questions" / "bank" / "day2"


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _close(evidence, expected: float) -> bool:
    return abs(evidence.value - expected) <= max(evidence.abs_tol, evidence.rel_tol * abs(expected))


@pytest.mark.parametrize("topic", ["vanishing", "batchnorm", "dropout", "regularization"])
def test_every_question_names_a_registered_probe_of_its_kind(topic: str) -> None:
    questions = tomllib.loads((BANK / f"{topic}.toml").read_text(encoding="utf-8"))["question"]
    for q in questions:
        if q.get("concept"):
            assert "probe" not in q, q["id"]
            continue
        assert is_code_probe(q["probe"]) == (q["kind"] == "code"), q["id"]


@pytest.mark.parametrize("x", [-3.7, -0.4, 0.0, 1.3, 4.0])
def test_sigmoid_derivative_matches_s_times_one_minus_s(x: float) -> None:
    got = get_probe("activation_derivative_at")({"x": x}, np.random.default_rng(0))
    expected = _sigmoid(x) * (1.0 - _sigmoid(x))
    assert _close(got, expected)
    assert not _close(got, _sigmoid(x))  # the tolerance separates the key from a mistake


def test_tanh_derivative_samples_match_one_minus_tanh_squared() -> None:
    samples = get_probe("activation_derivative_samples")(
        {}, np.random.default_rng(1), activation="tanh", var="x"
    )
    assert len(samples.points) >= 10
    for point, value in zip(samples.points, samples.values, strict=True):
        expected = 1.0 - math.tanh(point["x"]) ** 2
        assert abs(value - expected) <= samples.abs_tol + samples.rel_tol * abs(expected)


def test_sigmoid_derivative_maximum_is_a_quarter() -> None:
    got = get_probe("activation_derivative_max")({}, np.random.default_rng(2))
    assert _close(got, 0.25)
    assert not _close(got, 0.5)


@pytest.mark.parametrize(("depth", "w"), [(3, 1), (5, 2), (8, 3)])
def test_sigmoid_chain_gradient_is_w_over_4_to_the_depth(depth: int, w: int) -> None:
    got = get_probe("activation_chain_gradient")({"L": depth, "w": w}, np.random.default_rng(3))
    assert _close(got, (w / 4) ** depth)


@pytest.mark.parametrize(("depth", "w", "x0"), [(3, 0.5, 1.2), (6, 2.0, 0.7)])
def test_relu_chain_gradient_is_w_to_the_depth(depth: int, w: float, x0: float) -> None:
    probe = get_probe("activation_chain_gradient")
    got = probe({"L": depth, "w": w, "x0": x0}, np.random.default_rng(4), activation="relu")
    assert _close(got, w**depth)


@pytest.mark.parametrize(("spec", "factor"), [("xavier", 1.0), ("he", 2.0)])
@pytest.mark.parametrize("n", [20, 57, 300])
def test_initial_weight_std_is_sqrt_factor_over_n(spec: str, factor: float, n: int) -> None:
    # Hand derivation: Var[u] = n Var[w] Var[x] (linear) or n Var[w] E[relu(x)^2] = n Var[w]
    # Var[x] / 2 (ReLU); keeping Var[u] = Var[x] needs std sqrt(1/n) or sqrt(2/n).
    got = get_probe("init_weight_std")({"n": n}, np.random.default_rng(5), spec=spec)
    other = 3.0 - factor  # the other initialiser's factor must fall outside the tolerance
    wrong = [math.sqrt(other / n), factor / n, math.sqrt(factor / (2 * n))]
    separates(got, math.sqrt(factor / n), wrong)


def test_initial_weight_std_search_finds_the_scale_not_a_formula() -> None:
    # The probe only sees its own stack: a stack of linear layers of width 50 is kept at unit
    # variance by std 1/sqrt(50), whatever the variant's other values are.
    got = get_probe("init_weight_std")({"n": 50, "x": 7.0}, np.random.default_rng(9))
    assert abs(got.value * math.sqrt(50) - 1.0) < got.rel_tol
    assert got.rel_tol < 0.1


def test_zero_initialisation_keeps_hidden_units_symmetric() -> None:
    got = get_probe("zero_init_symmetry")({"H": 5}, np.random.default_rng(6))
    assert got.option_id == "symmetry"


class _GoodSigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)


class _TanhRuleSigmoid(_GoodSigmoid):
    def backward(self, dout):
        return dout * (1.0 - self.out**2)


class _OutSigmoid(_GoodSigmoid):
    def backward(self, dout):
        return dout * self.out


class _ExpOfOutSigmoid(_GoodSigmoid):
    def backward(self, dout):
        return dout * np.exp(-self.out) / (1.0 + np.exp(-self.out)) ** 2


def test_sigmoid_backward_code_probe_accepts_only_the_right_rule() -> None:
    probe = get_code_probe("sigmoid_backward_code")
    probe({"SigmoidLayer": _GoodSigmoid}, {}, np.random.default_rng(7))
    for wrong in (_TanhRuleSigmoid, _OutSigmoid, _ExpOfOutSigmoid):
        with pytest.raises(AssertionError, match="not the derivative"):
            probe({"SigmoidLayer": wrong}, {}, np.random.default_rng(7))


def _he(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_in)


def _xavier(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * math.sqrt(1.0 / n_in)


def _he_fan_out(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_out)


def _he_variance(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * (2.0 / n_in)


def test_he_init_code_probe_accepts_only_fan_in_he() -> None:
    probe = get_code_probe("he_init_code")
    for seed in range(3):
        probe({"he_normal": _he}, {}, np.random.default_rng(seed))
    for wrong in (_xavier, _he_fan_out, _he_variance):
        with pytest.raises(AssertionError, match="variance"):
            probe({"he_normal": wrong}, {}, np.random.default_rng(8))
