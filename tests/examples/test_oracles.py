"""Example results checked against computations that do not use the example's code."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm


def test_randn_mask_drops_the_normal_cdf(quick_results: dict) -> None:
    """P(randn <= r) = Φ(r) (scipy's CDF, not the example's), within 5 binomial sigmas."""
    result = quick_results["dropout"]
    units = result["units"]
    for row in result["fractions"]:
        expected = norm.cdf(row["ratio"])
        sigma = math.sqrt(expected * (1 - expected) / units)
        assert abs(row["randn"] - expected) < 5 * sigma
        sigma = math.sqrt(row["ratio"] * (1 - row["ratio"]) / units)
        assert abs(row["rand"] - row["ratio"]) < 5 * sigma
        assert abs(row["engine"] - row["ratio"]) < 5 * sigma


def test_dropout_mixing_conventions_is_off_by_the_keep_probability(quick_results: dict) -> None:
    """Hand derivation: classic training output averages to (1 - p) x; served as-is it misses x
    by p x, a relative error of p = 0.5."""
    e = quick_results["dropout"]["expectation"]
    noise = 5 * math.sqrt(e["ratio"] * (1 - e["ratio"]) / e["draws"])
    assert abs(e["mixed_error"] - e["ratio"]) < noise + 0.01


def _sigmoid_moments(scale: float) -> tuple[float, float]:
    """Mean and std of sigmoid(z), z ~ N(0, scale^2), by Gauss–Hermite quadrature."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    values = 1 / (1 + np.exp(-scale * nodes))
    mean = float(np.sum(weights * values))
    return mean, float(np.sqrt(np.sum(weights * (values - mean) ** 2)))


def test_first_layer_activations_match_quadrature(quick_results: dict) -> None:
    """Layer 1 sees x ~ N(0, I_100), so z = x·w ~ N(0, 100 s²): the sigmoid's spread follows."""
    cases = {case["label"]: case for case in quick_results["initial-weights"]["cases"]}
    for label, s in (
        ("sigmoid, std 1", 1.0),
        ("sigmoid, std 0.01", 0.01),
        ("sigmoid, Xavier", 0.1),
    ):
        mean, std = _sigmoid_moments(math.sqrt(100) * s)
        layer = cases[label]["layers"][0]
        assert abs(layer["mean"] - mean) < 0.02
        # Each unit's ||w|| varies by ~7% around sqrt(100) s; 12% covers it.
        assert abs(layer["std"] - std) < 0.12 * std
    # He + ReLU: z ~ N(0, 2), E[relu(z)^2] = 2/2 = 1, so the RMS is 1; half the units are zero.
    he = cases["ReLU, He"]["layers"][0]
    assert abs(he["rms"] - 1.0) < 0.1
    assert abs(he["zero"] - 0.5) < 0.05


def test_single_unit_cannot_beat_ln2_on_xor(quick_results: dict) -> None:
    """Hand derivation: the logistic loss on XOR is convex and symmetric under (x1, x2) ->
    (1 - x1, 1 - x2) with flipped weights, so its minimum is at w = 0: loss ln 2, output 1/2."""
    task = next(t for t in quick_results["perceptron"]["tasks"] if t["label"] == "single unit: XOR")
    assert task["loss"] >= math.log(2) - 1e-3
    assert all(abs(y - 0.5) < 0.05 for y in task["outputs"])
