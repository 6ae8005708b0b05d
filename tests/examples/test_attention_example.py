"""The attention example: its task and map checked by hand, its premise derived, its claim
checks shown able to fail."""

from __future__ import annotations

import copy

import numpy as np

from eprep.examples import load


def test_the_targets_are_the_reversed_inputs() -> None:
    from eprep.examples.attention import LENGTH, reversal_task

    x, t = reversal_task(np.random.default_rng(0), 50)
    for row, target in zip(x.tolist(), t.tolist(), strict=True):
        assert target == [row[LENGTH - 1 - i] for i in range(LENGTH)]


def test_the_attention_map_is_a_set_of_distributions_on_the_mirror(quick_results: dict) -> None:
    result = quick_results["attention"]
    weights = np.array(result["attention_map"])
    assert weights.shape == (8, 8)
    assert np.allclose(weights.sum(axis=1), 1.0, atol=1e-4)  # a softmax per output position
    mirrored = [weights[t][7 - t] for t in range(8)]
    assert abs(result["anti_diagonal"] - sum(mirrored) / 8) < 1e-4
    # uniform attention would put 1/8 on the mirror; the trained head puts several times that
    assert min(mirrored) > 3 / 8


def test_reversal_is_learnable_by_a_bilinear_score_of_the_encodings() -> None:
    """Hand derivation: sin(w(T-1-t)) = sin(wc)cos(wt) - cos(wc)sin(wt) with c = T - 1, and
    cos(w(T-1-t)) = cos(wc)cos(wt) + sin(wc)sin(wt): PE(T-1-t) = PE(t) R, one 2x2 block per
    frequency — so a score PE(t) W_Q W_Kᵀ PE(s)ᵀ can peak at s = T - 1 - t."""
    from eprep.engine.transformer import positional_encoding

    T, d = 8, 32
    pe = positional_encoding(T, d)
    w = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    R = np.zeros((d, d))
    for i, wi in enumerate(w):
        s, c = np.sin(wi * (T - 1)), np.cos(wi * (T - 1))
        R[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[-c, s], [s, c]]  # [sin, cos] row times R
    assert np.allclose(pe @ R, pe[::-1])
    scores = (pe @ R) @ pe.T  # PE(T-1-t)·PE(s) = sum_i cos(w_i (T-1-t-s)): largest at s = T-1-t
    assert np.array_equal(scores.argmax(axis=1), np.arange(T)[::-1])


def test_claim_checks_reject_a_broken_result(quick_results: dict) -> None:
    module = load("attention")
    result = quick_results["attention"]
    assert all(c.ok for c in module.check_claim(result))

    wrong = copy.deepcopy(result)
    wrong["digit_accuracy"] = 0.9
    assert not all(c.ok for c in module.check_claim(wrong))

    diagonal = copy.deepcopy(result)  # looking at the same position: a copy, not a reversal
    diagonal["attention_map"] = np.eye(8).tolist()
    assert not all(c.ok for c in module.check_claim(diagonal))

    spread = copy.deepcopy(result)
    weights = 0.45 * np.eye(8)[::-1] + 0.55 / 8
    spread["attention_map"] = weights.tolist()  # argmax on the mirror, but only ~52% there
    assert not all(c.ok for c in module.check_claim(spread))

    sharp_from_start = copy.deepcopy(result)
    sharp_from_start["first_map"] = result["attention_map"]
    assert not all(c.ok for c in module.check_claim(sharp_from_start))
