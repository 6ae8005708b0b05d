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
    # Linear stack, std 0.05, 100 units: Var multiplies by 100 * 0.05^2 = 1/4 per layer, so the
    # std of layer k is 0.5^k (each unit's ||w|| scatters ~7%; over 5 layers 15% covers it).
    linear = cases["linear, std 0.05"]["layers"]
    for depth, layer in enumerate(linear, start=1):
        assert abs(layer["std"] / 0.5**depth - 1) < 0.15, (depth, layer["std"])
        assert abs(layer["mean"]) < 0.05 * 0.5**depth + 0.01


def test_single_unit_cannot_beat_ln2_on_xor(quick_results: dict) -> None:
    """Hand derivation: the logistic loss on XOR is convex and symmetric under (x1, x2) ->
    (1 - x1, 1 - x2) with flipped weights, so its minimum is at w = 0: loss ln 2, output 1/2."""
    task = next(t for t in quick_results["perceptron"]["tasks"] if t["label"] == "single unit: XOR")
    assert task["loss"] >= math.log(2) - 1e-3
    assert all(abs(y - 0.5) < 0.05 for y in task["outputs"])


def test_binary_addition_data_is_addition() -> None:
    """The bit streams, read back by hand, are a, b and a + b (least significant bit first)."""
    from eprep.examples.rnn_binary_addition import additions

    x, t = additions(np.random.default_rng(0), 50)
    weights = 2 ** np.arange(8)
    a, b, total = x[:, :, 0] @ weights, x[:, :, 1] @ weights, t @ weights
    np.testing.assert_array_equal(a + b, total)
    assert a.max() < 128 and b.max() < 128


def test_lstm_gradient_flow_matches_a_direct_finite_difference(quick_results: dict) -> None:
    """The RNN's tiny first-step gradient is real: perturbing x_1 barely moves the last output."""
    from eprep.examples.lstm_vs_rnn import sequences
    from eprep.examples.sequence import SequenceClassifier

    model = SequenceClassifier("rnn", 8, 16, 4, np.random.default_rng([0, 0]))
    xs, ts, _ = sequences(np.random.default_rng(1), 5)
    model.loss_layer.forward(model.scores(xs), ts)
    analytic = model.backward()[:, 0, :]
    h = 1e-4
    direction = np.zeros_like(xs)
    direction[:, 0, :] = np.sign(analytic)

    def loss(shift: float) -> float:
        return model.loss_layer.forward(model.scores(xs + shift * direction), ts)

    # The directional derivative along sign(g) is sum |g|; central difference, relative 1e-4.
    moved = (loss(h) - loss(-h)) / (2 * h)
    expected = np.abs(analytic).sum()
    assert expected > 0 and abs(moved - expected) < 1e-4 * expected
    flow = quick_results["lstm-vs-rnn"]["cells"]["rnn"]["gradient_norms"]
    assert flow[0] < flow[-1]


def test_word2vec_contexts_by_hand() -> None:
    from eprep.examples.word2vec import contexts_and_targets, read_corpus

    contexts, targets = contexts_and_targets(np.array([10, 11, 12, 13, 14, 15]), 2)
    np.testing.assert_array_equal(targets, [12, 13])
    np.testing.assert_array_equal(contexts, [[10, 11, 13, 14], [11, 12, 14, 15]])
    corpus, vocab = read_corpus()
    assert 3000 <= corpus.size <= 4000 and "cat" in vocab


def test_pca_ratios_match_an_svd_of_the_digits(quick_results: dict) -> None:
    """Explained-variance ratios from the squared singular values of the full data (not quick)."""
    from sklearn.datasets import load_digits

    x = load_digits().data.astype(float)
    s = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)
    full_k90 = int(np.searchsorted(np.cumsum(s**2) / np.sum(s**2), 0.9) + 1)
    result = quick_results["pca"]  # a random half of the digits: close to the full set's
    assert abs(result["components_for_90"] - full_k90) <= 3
    assert abs(result["ratios"][0] - s[0] ** 2 / np.sum(s**2)) < 0.02


def test_bias_variance_noise_floor_is_sigma_squared(quick_results: dict) -> None:
    """No model beats the irreducible error: every test error exceeds σ² minus sampling error."""
    result = quick_results["bias-variance"]
    for row in result["table"]:
        assert row["test_error"] > 0.95 * result["noise"] ** 2


def test_logistic_regression_solution_has_zero_gradient(quick_results: dict) -> None:
    """At scikit-learn's coefficients the penalised log-loss gradient vanishes (computed here)."""
    from sklearn.datasets import load_iris

    bunch = load_iris()
    keep = bunch.target > 0
    x = bunch.data[keep]
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = (bunch.target[keep] == 2).astype(float)
    sk = quick_results["logistic-regression"]["sklearn"]
    w, b = np.array(sk["w"]), sk["b"]
    p = 1 / (1 + np.exp(-(x @ w + b)))
    grad_w = x.T @ (p - y) + w  # C = 1: sum of log-losses plus ||w||^2 / 2
    assert np.max(np.abs(grad_w)) < 1e-6 and abs(np.sum(p - y)) < 1e-6
    for run in quick_results["logistic-regression"]["runs"].values():
        assert np.max(np.abs(np.array(run["w"]) - w)) < 1e-3
