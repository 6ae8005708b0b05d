"""The probes of the reworked day2 items against PyTorch and hand computations written here."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eprep.checker.probes import get_probe
from tests.checker.probes.bank_probes import run, variants


@pytest.mark.parametrize("values", variants("day2.batchnorm.output-mean", 5))
def test_bn_output_mean_square_matches_torch(values: dict) -> None:
    layer = torch.nn.BatchNorm1d(1, eps=1e-12)
    layer.weight.data[:] = values["gamma"]
    layer.bias.data[:] = values["beta"]
    layer.train()
    x = torch.tensor(np.random.default_rng(1).normal(2.0, 3.0, (16, 1)))
    with torch.no_grad():
        expected = float((layer(x.float()) ** 2).mean())
    got = run("day2.batchnorm.output-mean", values)
    assert got == pytest.approx(expected, rel=1e-5)  # float32 in torch
    assert got != pytest.approx(values["gamma"] ** 2, rel=1e-3)  # the mean matters too


@pytest.mark.parametrize("values", variants("day2.dropout.inverted-expectation", 5))
def test_one_dropout_step_mean_counts_only_kept_units(values: dict) -> None:
    n, k, p, x = values["n"], values["k"], values["p"], values["x"]
    kept = [x / (1 - p)] * (n - k) + [0.0] * k  # hand: kept units scaled, dropped ones zero
    assert run("day2.dropout.inverted-expectation", values) == pytest.approx(sum(kept) / n)


def test_one_dropout_step_needs_a_possible_mask() -> None:
    probe = get_probe("dropout_step_batch_mean")
    with pytest.raises(AssertionError, match="no mask dropped exactly"):
        probe({"n": 4, "k": 5, "p": 0.5, "x": 1.0}, np.random.default_rng(0))


@pytest.mark.parametrize("values", variants("day2.cnn.alexnet-conv1-output", 5))
def test_conv_pool_height_matches_torch(values: dict) -> None:
    h = values["H"]
    with torch.no_grad():
        x = torch.zeros(1, 3, h, h)
        out = torch.nn.MaxPool2d(3, 2)(torch.nn.Conv2d(3, 96, 11, stride=4)(x))
    assert run("day2.cnn.alexnet-conv1-output", values) == out.shape[2]


def test_conv_pool_height_reads_its_layers_from_the_variant() -> None:
    probe = get_probe("conv_pool_height")
    got = probe({"H": 28, "F": 5, "C": 1, "PH": 2}, np.random.default_rng(0))
    assert got.value == (28 - 5 + 1) // 2  # conv 24, non-overlapping 2x2 pooling halves it
