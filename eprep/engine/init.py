"""Weight initialisation scales."""

from __future__ import annotations

import numbers

import numpy as np

_XAVIER = ("xavier", "sigmoid", "tanh")
_HE = ("he", "relu")


def weight_init_std(spec: str | float, n_in: int) -> float:
    """Standard deviation for a layer with n_in inputs.

    "xavier"/"sigmoid"/"tanh": sqrt(1 / n_in);  "he"/"relu": sqrt(2 / n_in);  a number: that number.
    """
    if isinstance(spec, str):
        if isinstance(n_in, bool) or not isinstance(n_in, numbers.Integral) or n_in < 1:
            raise ValueError(f"n_in must be a positive integer, got {n_in!r}")
        name = spec.lower()
        if name in _XAVIER:
            return float(np.sqrt(1.0 / n_in))
        if name in _HE:
            return float(np.sqrt(2.0 / n_in))
        raise ValueError(
            f"unknown weight_init_std {spec!r}: use 'xavier'/'sigmoid'/'tanh', 'he'/'relu' "
            f"or a number"
        )
    if isinstance(spec, bool) or not isinstance(spec, numbers.Real) or not spec >= 0:
        raise ValueError(f"weight_init_std must be a name or a non-negative number, got {spec!r}")
    return float(spec)
