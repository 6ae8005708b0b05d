"""A residual (skip) connection around any layer: y = x + F(x) (He et al. 2016, §3.2)."""

from __future__ import annotations

import numpy as np


class Residual:
    """y = x + inner(x) for a layer whose output has x's shape; backward adds both paths.

    `inner` is any layer with the DLFS interface (or a list of them, applied in order); its
    parameter gradients stay on the inner layers.
    """

    def __init__(self, inner) -> None:
        self.layers = list(inner) if isinstance(inner, list | tuple) else [inner]
        if not self.layers:
            raise ValueError("Residual needs at least one inner layer")

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        out = x
        for layer in self.layers:
            out = layer.forward(out, train_flg)
        if np.shape(out) != x.shape:
            raise ValueError(
                f"Residual: the inner layers map shape {x.shape} to {np.shape(out)}; the skip "
                f"connection needs equal shapes (use a projection shortcut)"
            )
        return x + out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        d = dout
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return dout + d  # the identity path passes the upstream gradient unchanged
