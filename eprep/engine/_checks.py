"""Argument checks the engine's layers share (conv.py, conv_family.py): one wording per mistake."""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value: object, minimum: int) -> int:
    """`value` as an int, when it is an integer (not a bool) of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_images(name: str, x: np.ndarray) -> np.ndarray:
    """`x` as an array of images (N, C, H, W)."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{name} expects images of shape (N, C, H, W), got shape {x.shape}")
    return x


def check_bias(name: str, b: np.ndarray, count: int) -> None:
    """`b` is a vector with one entry per filter (`count`)."""
    if np.ndim(b) != 1 or np.shape(b)[0] != count:
        raise ValueError(f"{name} needs b of shape ({count},), got {np.shape(b)}")


def check_channels(name: str, x: np.ndarray, W: np.ndarray, channels: int) -> None:
    """Images `x` have the `channels` input channels that the weights `W` expect."""
    if x.shape[1] != channels:
        raise ValueError(
            f"{name}: input x has shape {x.shape} ({x.shape[1]} channels) but W has shape "
            f"{W.shape} ({channels} input channels)"
        )
