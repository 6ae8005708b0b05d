"""The grad-cam example: its claim can fail, its numbers are what they say, it reuses cnn's net."""

from __future__ import annotations

import copy

import numpy as np
from scipy.stats import spearmanr

from eprep.examples import load
from eprep.examples.cache import cache_key


def test_the_claim_rejects_broken_results(quick_results: dict) -> None:
    module = load("grad-cam")
    result = quick_results["grad-cam"]
    assert all(c.ok for c in module.check_claim(result))
    swapped = copy.deepcopy(result)
    swapped["rho"], swapped["baseline_rho"] = result["baseline_rho"], result["rho"]
    assert not all(c.ok for c in module.check_claim(swapped))
    off_strokes = copy.deepcopy(result)
    off_strokes["stroke_lift"] = [
        0.8 * v / np.median(result["stroke_lift"]) for v in result["stroke_lift"]
    ]
    assert not all(c.ok for c in module.check_claim(off_strokes))


def test_shown_correlations_are_spearmans_of_the_shown_maps(quick_results: dict) -> None:
    digits = quick_results["grad-cam"]["digits"]
    assert sorted(d["label"] for d in digits) == list(range(10))
    for d in digits:
        cam, occlusion = np.array(d["cam"]), np.array(d["occlusion"])
        assert cam.shape == occlusion.shape == (8, 8)
        assert cam.min() >= 0  # Grad-CAM ends in a ReLU
        # the maps are stored to 4 significant digits, so ties may shift the ranks slightly
        assert abs(spearmanr(cam.ravel(), occlusion.ravel()).statistic - d["rho"]) < 0.05


def test_the_raw_digits_are_the_standardised_test_set():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from eprep.examples.data import digits_images

    data = digits_images()
    raw = load("grad-cam")._raw_test_images(data.t_test).reshape(len(data.t_test), -1)
    bunch = load_digits()
    train, _ = train_test_split(bunch.data, test_size=0.3, random_state=0, stratify=bunch.target)
    std = train.std(axis=0)
    std[std == 0] = 1
    assert np.allclose((raw - train.mean(axis=0)) / std, data.x_test.reshape(len(raw), -1))


def test_the_cache_key_covers_the_cnn_it_builds_on(monkeypatch) -> None:
    module = load("grad-cam")
    assert "eprep.examples.cnn" in module.USES
    with_cnn = cache_key("grad-cam", True, 0)
    monkeypatch.setattr(module, "USES", ())
    assert cache_key("grad-cam", True, 0) != with_cnn
