"""Central-difference numerical gradients and the relative error used to compare gradients."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Central-difference step, as in DLFS: small enough for an O(h^2) truncation error of ~1e-8,
# large enough that float64 round-off (~1e-16 / h) stays far below it.
NUMERICAL_H = 1e-4


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """Gradient of the scalar f at x by central differences (h = 1e-4), DLFS style.

    f is called with the array x itself; each element is perturbed in place and restored
    before the next, so f may ignore its argument and read shared parameters instead
    (as `lambda W: net.loss(x, t)` does). Returns an array of x's shape and dtype.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"numerical_gradient needs a NumPy float array x (perturbed in place), "
            f"got {type(x).__name__}"
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"numerical_gradient needs a float array x, got dtype {x.dtype} with shape "
            f"{x.shape}: perturbing integers by h = {NUMERICAL_H} is impossible; use "
            f"x.astype(np.float64)"
        )
    if not x.flags.writeable:
        raise ValueError(
            f"numerical_gradient perturbs x in place, but x (shape {x.shape}) is read-only"
        )
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx].copy()
        x[idx] = original + NUMERICAL_H
        f_plus = float(f(x))
        x[idx] = original - NUMERICAL_H
        f_minus = float(f(x))
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * NUMERICAL_H)
    return grad


# Smallest denominator of relative_error. A gradient that is exactly zero in theory (the bias of an
# Affine followed by batch-norm) comes out as round-off, ~1e-17 analytic vs ~1e-12 numerical;
# dividing round-off by round-off would report 1.0. Below this norm the error is in effect
# absolute: a 1e-7 threshold then means an absolute error under 1e-10.
RELATIVE_ERROR_FLOOR = 1e-3


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = RELATIVE_ERROR_FLOOR) -> float:
    """||a - b|| / max(||a|| + ||b||, floor), norms over all elements."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    denominator = max(float(np.linalg.norm(a) + np.linalg.norm(b)), floor)
    return float(np.linalg.norm(a - b) / denominator)
