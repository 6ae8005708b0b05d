"""Lightweight models: magnitude pruning, knowledge distillation, post-training int8 quantisation.

Distillation follows Hinton, Vinyals & Dean 2015 (§2): soft targets are softmax(z / T) of the
teacher's logits; the soft term is KL(p_teacher || p_student) at temperature T, multiplied by
T^2 because its gradient with respect to the student's logits is (p_s - p_t) / T — without the
T^2 the soft term's gradients would shrink as 1/T^2 relative to the hard term's when T changes.

Quantisation maps a float weight w to an integer q with a scale s and a zero point z:
q = clamp(round(w / s) + z, qmin, qmax), dequantised as (q - z) s. The affine (asymmetric)
variant covers [min(w, 0), max(w, 0)] with the unsigned range [0, 255], so 0.0 is exactly
representable (as PyTorch's observers do); the symmetric variant uses z = 0, s = max|w| / 127
and the restricted signed range [-127, 127]. np.round rounds halves to even, as PyTorch does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eprep.engine.functions import softmax


def _check_sparsity(sparsity: float) -> float:
    sparsity = float(sparsity)
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must lie in [0, 1], got {sparsity}")
    return sparsity


def magnitude_prune(W: np.ndarray, sparsity: float) -> tuple[np.ndarray, np.ndarray]:
    """Zero the round(sparsity * W.size) weights of smallest |w| in one layer.

    Returns (pruned copy, mask of the kept weights). Ties are broken by position (a stable
    sort), so exactly that many weights are removed.
    """
    W = np.asarray(W, dtype=float)
    count = round(_check_sparsity(sparsity) * W.size)
    order = np.argsort(np.abs(W).ravel(), kind="stable")
    mask = np.ones(W.size, dtype=bool)
    mask[order[:count]] = False
    mask = mask.reshape(W.shape)
    return W * mask, mask


def global_magnitude_prune(
    weights: Sequence[np.ndarray], sparsity: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Magnitude pruning with one threshold over all layers together.

    The round(sparsity * total) smallest |w| of all layers are removed, so a layer of small
    weights may lose more than `sparsity` of its weights and another less.
    """
    arrays = [np.asarray(W, dtype=float) for W in weights]
    flat = np.concatenate([W.ravel() for W in arrays]) if arrays else np.zeros(0)
    count = round(_check_sparsity(sparsity) * flat.size)
    order = np.argsort(np.abs(flat), kind="stable")
    keep = np.ones(flat.size, dtype=bool)
    keep[order[:count]] = False
    pruned, masks, start = [], [], 0
    for W in arrays:
        mask = keep[start : start + W.size].reshape(W.shape)
        pruned.append(W * mask)
        masks.append(mask)
        start += W.size
    return pruned, masks


def sparsity_of(W: np.ndarray) -> float:
    """The fraction of exactly zero entries."""
    W = np.asarray(W)
    return float(np.count_nonzero(W == 0) / W.size)


def softmax_with_temperature(z: np.ndarray, T: float = 1.0) -> np.ndarray:
    """softmax(z / T) over the last axis; T > 1 softens, T -> 0 approaches one-hot."""
    if T <= 0:
        raise ValueError(f"the temperature must be positive, got {T}")
    return softmax(np.asarray(z, dtype=float) / T)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def _as_rows(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    return z.reshape(1, -1) if z.ndim == 1 else z


class DistillationLoss:
    """L = alpha * T^2 * KL(p_t^T || p_s^T) + (1 - alpha) * CE(labels, softmax(z_s)), batch mean.

    p^T = softmax(z / T). `alpha` weighs the soft (teacher) term, 1 - alpha the hard labels
    (at T = 1). backward() returns dL/dz_s: alpha * T (p_s^T - p_t^T) / N for the soft term
    (the T^2 turns the 1/T of the chain rule into T) plus (1 - alpha)(softmax(z_s) - onehot) / N.
    """

    def __init__(self, T: float = 2.0, alpha: float = 0.5) -> None:
        if T <= 0:
            raise ValueError(f"the temperature must be positive, got {T}")
        self.T = float(T)
        self.alpha = float(alpha)
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def forward(self, z_student: np.ndarray, z_teacher: np.ndarray, labels: np.ndarray) -> float:
        zs, zt = _as_rows(z_student), _as_rows(z_teacher)
        labels = np.asarray(labels, dtype=int).reshape(-1)
        n = zs.shape[0]
        log_ps, log_pt = _log_softmax(zs / self.T), _log_softmax(zt / self.T)
        p_t = np.exp(log_pt)
        kl = np.sum(p_t * (log_pt - log_ps)) / n
        log_p = _log_softmax(zs)
        ce = -np.sum(log_p[np.arange(n), labels]) / n
        self.cache = (np.exp(log_ps), p_t, np.exp(log_p), labels)
        return float(self.alpha * self.T**2 * kl + (1 - self.alpha) * ce)

    def backward(self) -> np.ndarray:
        if self.cache is None:
            raise RuntimeError("backward() before forward()")
        p_s, p_t, p, labels = self.cache
        n = p.shape[0]
        onehot = np.zeros_like(p)
        onehot[np.arange(n), labels] = 1.0
        soft = self.alpha * self.T * (p_s - p_t)
        hard = (1 - self.alpha) * (p - onehot)
        return (soft + hard) / n


def distillation_loss(
    z_student: np.ndarray,
    z_teacher: np.ndarray,
    labels: np.ndarray,
    T: float = 2.0,
    alpha: float = 0.5,
) -> float:
    """DistillationLoss(T, alpha).forward(z_student, z_teacher, labels)."""
    return DistillationLoss(T, alpha).forward(z_student, z_teacher, labels)


def soft_target_gradient(z_student: np.ndarray, z_teacher: np.ndarray, T: float) -> np.ndarray:
    """d/dz_s of T^2 KL(p_t^T || p_s^T) for one sample (rows: each its own): T (p_s^T - p_t^T)."""
    return T * (softmax_with_temperature(z_student, T) - softmax_with_temperature(z_teacher, T))


def quantize_affine(W: np.ndarray, bits: int = 8) -> tuple[np.ndarray, float, int]:
    """Asymmetric (affine) quantisation to unsigned `bits`: (q, scale, zero_point).

    scale = (max(w, 0) - min(w, 0)) / (2^bits - 1), zero_point = clamp(round(-min / scale)),
    q = clamp(round(w / scale) + zero_point, 0, 2^bits - 1).
    """
    W = np.asarray(W, dtype=float)
    qmin, qmax = 0, 2**bits - 1
    lo, hi = min(float(W.min()), 0.0), max(float(W.max()), 0.0)
    scale = (hi - lo) / (qmax - qmin) if hi > lo else 1.0
    zero_point = int(np.clip(np.round(qmin - lo / scale), qmin, qmax))
    q = np.clip(np.round(W / scale) + zero_point, qmin, qmax).astype(np.int64)
    return q, scale, zero_point


def quantize_symmetric(W: np.ndarray, bits: int = 8) -> tuple[np.ndarray, float]:
    """Symmetric quantisation to signed `bits` with zero point 0: (q, scale).

    scale = max|w| / (2^(bits-1) - 1), q = clamp(round(w / scale), -(2^(bits-1) - 1), ...).
    """
    W = np.asarray(W, dtype=float)
    qmax = 2 ** (bits - 1) - 1
    peak = float(np.max(np.abs(W)))
    scale = peak / qmax if peak > 0 else 1.0
    q = np.clip(np.round(W / scale), -qmax, qmax).astype(np.int64)
    return q, scale


def quantize_with(W: np.ndarray, scale: float, zero_point: int, qmin: int, qmax: int) -> np.ndarray:
    """q = clamp(round(w / scale) + zero_point, qmin, qmax) with given parameters."""
    W = np.asarray(W, dtype=float)
    return np.clip(np.round(W / scale) + zero_point, qmin, qmax).astype(np.int64)


def dequantize(q: np.ndarray, scale: float, zero_point: int = 0) -> np.ndarray:
    """(q - zero_point) * scale."""
    return (np.asarray(q, dtype=float) - zero_point) * scale


def reconstruction_error(W: np.ndarray, W_hat: np.ndarray) -> dict[str, float]:
    """Max absolute and mean squared error of a reconstruction W_hat of W."""
    diff = np.asarray(W, dtype=float) - np.asarray(W_hat, dtype=float)
    return {"max_abs": float(np.max(np.abs(diff))), "mse": float(np.mean(diff**2))}


__all__ = [
    "DistillationLoss",
    "dequantize",
    "distillation_loss",
    "global_magnitude_prune",
    "magnitude_prune",
    "quantize_affine",
    "quantize_symmetric",
    "quantize_with",
    "reconstruction_error",
    "soft_target_gradient",
    "softmax_with_temperature",
    "sparsity_of",
]
