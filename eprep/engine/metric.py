"""Metric and self-supervised learning losses: contrastive, triplet, InfoNCE.

Contrastive loss (Hadsell, Chopra & LeCun 2006, eq. 4, with y = 1 for a similar pair here):
L = y d^2 / 2 + (1 - y) max(0, m - d)^2 / 2, d = ||x1 - x2||. Triplet loss (Schroff et al.
2015, FaceNet eq. 1 with non-squared distances, as torch.nn.TripletMarginLoss):
max(0, ||a - p|| - ||a - n|| + m). InfoNCE (van den Oord et al. 2018, eq. 4; SimCLR's NT-Xent
without the normalisation): for queries q_i and keys k_j with k_i the positive of q_i,
L = mean_i -log(exp(q_i.k_i / tau) / sum_j exp(q_i.k_j / tau)), the cross-entropy of the
similarity logits / tau with the diagonal as labels. FixMatch's pseudo-label loss (Sohn et al.
2020) is the semi-supervised one. All losses are batch means.
"""

from __future__ import annotations

import numpy as np

from eprep.engine.functions import softmax


def _rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x.reshape(1, -1) if x.ndim == 1 else x


def euclidean_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise ||a - b||."""
    return np.sqrt(np.sum((_rows(a) - _rows(b)) ** 2, axis=-1))


def contrastive_loss(x1: np.ndarray, x2: np.ndarray, y: np.ndarray, margin: float = 1.0) -> float:
    """mean(y d^2 / 2 + (1 - y) max(0, margin - d)^2 / 2); y = 1 similar, 0 dissimilar."""
    d = euclidean_distance(x1, x2)
    y = np.asarray(y, dtype=float).reshape(-1)
    per_pair = y * d**2 / 2 + (1 - y) * np.maximum(0.0, margin - d) ** 2 / 2
    return float(np.mean(per_pair))


def triplet_loss(
    anchor: np.ndarray, positive: np.ndarray, negative: np.ndarray, margin: float = 1.0
) -> float:
    """mean(max(0, ||a - p|| - ||a - n|| + margin))."""
    d_pos = euclidean_distance(anchor, positive)
    d_neg = euclidean_distance(anchor, negative)
    return float(np.mean(np.maximum(0.0, d_pos - d_neg + margin)))


def triplet_loss_grad(
    anchor: np.ndarray, positive: np.ndarray, negative: np.ndarray, margin: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d/da, d/dp, d/dn) of triplet_loss; zero for triplets already beyond the margin."""
    a, p, n = _rows(anchor), _rows(positive), _rows(negative)
    d_pos = euclidean_distance(a, p)[:, None]
    d_neg = euclidean_distance(a, n)[:, None]
    active = ((d_pos - d_neg + margin) > 0).astype(float) / a.shape[0]
    u_pos, u_neg = (a - p) / d_pos, (a - n) / d_neg
    return active * (u_pos - u_neg), -active * u_pos, active * u_neg


class InfoNCE:
    """InfoNCE over a batch: logits = q k^T / tau, positives on the diagonal.

    backward() returns (dq, dk): with G = (softmax(logits) - I) / N, dq = G k / tau and
    dk = G^T q / tau.
    """

    def __init__(self, tau: float = 0.1) -> None:
        if tau <= 0:
            raise ValueError(f"the temperature must be positive, got {tau}")
        self.tau = float(tau)
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def forward(self, q: np.ndarray, k: np.ndarray) -> float:
        q, k = _rows(q), _rows(k)
        if q.shape[0] != k.shape[0]:
            raise ValueError(f"{q.shape[0]} queries but {k.shape[0]} keys: one positive each")
        logits = q @ k.T / self.tau
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.cache = (q, k, softmax(logits))
        return float(-np.mean(np.diag(log_p)))

    def backward(self) -> tuple[np.ndarray, np.ndarray]:
        if self.cache is None:
            raise RuntimeError("backward() before forward()")
        q, k, p = self.cache
        g = (p - np.eye(p.shape[0])) / p.shape[0]
        return g @ k / self.tau, g.T @ q / self.tau


def info_nce(q: np.ndarray, k: np.ndarray, tau: float = 0.1) -> float:
    """InfoNCE(tau).forward(q, k)."""
    return InfoNCE(tau).forward(q, k)


def info_nce_from_similarities(sims: np.ndarray, tau: float, positive: int = 0) -> float:
    """-log softmax(sims / tau)[positive] for one query's similarities to its candidates."""
    s = np.asarray(sims, dtype=float) / tau
    s = s - s.max()
    return float(-(s[positive] - np.log(np.sum(np.exp(s)))))


def pseudo_label_loss(
    weak_logits: np.ndarray, strong_logits: np.ndarray, threshold: float = 0.95
) -> float:
    """FixMatch's unlabelled loss (Sohn et al. 2020, eq. 4): mean over ALL unlabelled samples
    of 1[max softmax(weak) >= threshold] * CE(argmax softmax(weak), softmax(strong)).

    The pseudo-label comes from the weakly augmented view and is a hard label; samples below
    the threshold contribute 0 but still count in the mean.
    """
    weak, strong = _rows(weak_logits), _rows(strong_logits)
    p = softmax(weak)
    labels = np.argmax(p, axis=1)
    mask = (np.max(p, axis=1) >= threshold).astype(float)
    shifted = strong - strong.max(axis=1, keepdims=True)
    log_q = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(np.mean(mask * -log_q[np.arange(len(labels)), labels]))


__all__ = [
    "InfoNCE",
    "contrastive_loss",
    "euclidean_distance",
    "info_nce",
    "info_nce_from_similarities",
    "pseudo_label_loss",
    "triplet_loss",
    "triplet_loss_grad",
]
