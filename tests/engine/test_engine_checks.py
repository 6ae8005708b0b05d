"""The engine's layers reject bad arguments with one wording (`eprep/engine/_checks.py`): the
convolution family and `Convolution` itself say the same thing about the same mistake."""

from __future__ import annotations

import numpy as np
import pytest

from eprep.engine import conv, conv_family

RNG = np.random.default_rng(0)


def images(c: int) -> np.ndarray:
    return RNG.normal(size=(2, c, 5, 5))


LAYERS = {
    "Convolution": lambda **k: conv.Convolution(RNG.normal(size=(4, 3, 3, 3)), np.zeros(4), **k),
    "DepthwiseConvolution": lambda **k: conv_family.DepthwiseConvolution(
        RNG.normal(size=(3, 1, 3, 3)), np.zeros(3), **k
    ),
    "TransposedConvolution": lambda **k: conv_family.TransposedConvolution(
        RNG.normal(size=(3, 4, 3, 3)), np.zeros(4), **k
    ),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_stride_and_pad_are_checked_alike(name: str) -> None:
    with pytest.raises(TypeError, match=r"^stride must be an integer, got 1\.5$"):
        LAYERS[name](stride=1.5)
    with pytest.raises(TypeError, match=r"^stride must be an integer, got True$"):
        LAYERS[name](stride=True)
    with pytest.raises(ValueError, match=r"^pad must be >= 0, got -1$"):
        LAYERS[name](pad=-1)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_inputs_are_checked_alike(name: str) -> None:
    layer = LAYERS[name]()
    out_channels = 3 if name == "DepthwiseConvolution" else 4
    assert layer.forward(images(3)).shape[1] == out_channels
    with pytest.raises(ValueError, match=rf"^{name} expects images of shape \(N, C, H, W\)"):
        layer.forward(RNG.normal(size=(3, 5, 5)))
    if name == "Convolution":
        return  # its own channel message names both shapes (conv.py, left as it is)
    with pytest.raises(
        ValueError, match=rf"^{name}: input x has shape \(2, 2, 5, 5\) \(2 channels\)"
    ):
        layer.forward(images(2))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: conv_family.DepthwiseConvolution(np.zeros((3, 2, 3, 3)), np.zeros(3)),
            r"^DepthwiseConvolution needs W of shape \(C, 1, FH, FW\), got \(3, 2, 3, 3\)$",
        ),
        (
            lambda: conv_family.DepthwiseConvolution(np.zeros((3, 1, 3, 3)), np.zeros(4)),
            r"^DepthwiseConvolution needs b of shape \(3,\), got \(4,\)$",
        ),
        (
            lambda: conv_family.TransposedConvolution(np.zeros((3, 4, 3)), np.zeros(4)),
            r"^TransposedConvolution needs W of shape \(C_in, C_out, FH, FW\), got \(3, 4, 3\)$",
        ),
        (  # the bias follows the output channels, W's second axis
            lambda: conv_family.TransposedConvolution(np.zeros((3, 4, 3, 3)), np.zeros(3)),
            r"^TransposedConvolution needs b of shape \(4,\), got \(3,\)$",
        ),
        (
            lambda: conv_family.PointwiseConvolution(np.zeros((4, 3)), np.zeros(3)),
            r"^PointwiseConvolution needs b of shape \(4,\), got \(3,\)$",
        ),
    ],
)
def test_weights_and_bias_are_checked(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()
