"""Activation and loss functions with the names and conventions of Deep Learning from Scratch."""

from __future__ import annotations

import numpy as np

# Added inside the logarithm of cross_entropy_error, as in DLFS, so log(0) never happens.
CROSS_ENTROPY_DELTA = 1e-7


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), computed as exp(-log(1 + exp(-x))) so it never overflows."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x)))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of sigmoid at x: s(x) (1 - s(x))."""
    s = sigmoid(x)
    return s * (1.0 - s)


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x) elementwise."""
    return np.maximum(x, 0)


def relu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of relu: 1 where x > 0, else 0 (the subgradient at 0 is taken as 0, like DLFS)."""
    x = np.asarray(x)
    return (x > 0).astype(np.result_type(x, np.float32))


def step_function(x: np.ndarray) -> np.ndarray:
    """1 where x > 0, else 0 (DLFS's definition: the step at exactly 0 is 0)."""
    return (np.asarray(x) > 0).astype(np.int64)


def leaky_relu(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """x where x > 0, alpha * x elsewhere (a small slope keeps negative units trainable)."""
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Derivative of leaky_relu: 1 where x > 0, alpha elsewhere (alpha taken at 0)."""
    x = np.asarray(x)
    return np.where(x > 0, 1.0, alpha).astype(np.result_type(x, np.float32))


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """x where x > 0, alpha (e^x - 1) elsewhere (Clevert et al. 2016); saturates at -alpha."""
    x = np.asarray(x, dtype=np.result_type(x, np.float64))
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Derivative of elu: 1 where x > 0, alpha e^x elsewhere (= elu(x) + alpha there)."""
    x = np.asarray(x, dtype=np.result_type(x, np.float64))
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    from math import erf, sqrt

    return 0.5 * (1.0 + np.vectorize(erf, otypes=[float])(np.asarray(x) / sqrt(2.0)))


def gelu(x: np.ndarray) -> np.ndarray:
    """x * Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel 2016; torch's exact GELU)."""
    x = np.asarray(x, dtype=np.float64)
    return x * _normal_cdf(x)


def gelu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of gelu: Phi(x) + x phi(x), phi the standard normal density."""
    x = np.asarray(x, dtype=np.float64)
    return _normal_cdf(x) + x * np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def swish(x: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """x * sigmoid(beta x) (Ramachandran et al. 2017); beta = 1 is SiLU (torch.nn.SiLU)."""
    x = np.asarray(x, dtype=np.float64)
    return x * sigmoid(beta * x)


def swish_grad(x: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """Derivative of swish: s + beta x s (1 - s), s = sigmoid(beta x)."""
    x = np.asarray(x, dtype=np.float64)
    s = sigmoid(beta * x)
    return s + beta * x * s * (1.0 - s)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent elementwise."""
    return np.tanh(x)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of tanh at x: 1 - tanh(x)^2."""
    y = np.tanh(x)
    return 1.0 - y * y


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (row-wise for a batch), with the row maximum subtracted first."""
    x = np.asarray(x)
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _as_batch(y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make y a (N, K) batch and t either an (N, K) target or (N,) integer labels."""
    y = np.asarray(y)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.size else t.reshape(1)
    if y.ndim != 2:
        raise ValueError(f"y must be 1-D or 2-D (batch, classes), got shape {y.shape}")
    if t.shape == y.shape:
        return y, t
    if t.shape == (y.shape[0],):
        if t.dtype.kind not in "iu":  # signed or unsigned integers (np.issubdtype, cheaper)
            raise TypeError(f"label targets t must be integers, got dtype {t.dtype}")
        if t.size and (t.min() < 0 or t.max() >= y.shape[1]):
            raise ValueError(
                f"label targets t must lie in [0, {y.shape[1]}), got min {t.min()}, max {t.max()}"
            )
        return y, t
    raise ValueError(
        f"target t has shape {t.shape}; expected {y.shape} (one-hot) or ({y.shape[0]},) "
        f"(labels) for y of shape {y.shape}"
    )


def cross_entropy_error(y: np.ndarray, t: np.ndarray) -> float:
    """Mean over the batch of -sum_k t_k log(y_k + 1e-7); t one-hot (or soft) or integer labels."""
    y, t = _as_batch(y, t)
    n = y.shape[0]
    if t.shape == y.shape:
        return float(-np.sum(t * np.log(y + CROSS_ENTROPY_DELTA)) / n)
    return float(-np.sum(np.log(y[np.arange(n), t] + CROSS_ENTROPY_DELTA)) / n)


def sum_squared_error(y: np.ndarray, t: np.ndarray) -> float:
    """0.5 * sum((y - t)^2), summed over everything (DLFS's definition, no batch mean)."""
    y = np.asarray(y)
    t = np.asarray(t)
    if y.shape != t.shape:
        raise ValueError(f"y has shape {y.shape} but t has shape {t.shape}; they must match")
    return float(0.5 * np.sum((y - t) ** 2))
