"""Dot-product attention as Deep Learning from Scratch 2 (chapter 8) builds it, layer by layer.

hs (N, T, H) are the encoder's hidden states, h (N, H) one decoder state. `AttentionWeight`
scores each encoder step by the dot product h . hs[:, t] (divided by sqrt(H) when `scaled`, the
Transformer's choice, so the scores' variance does not grow with H) and turns the scores into
weights a (N, T) by a softmax over time; `WeightSum` forms the context vector sum_t a_t hs[:, t];
`Attention` chains the two; `TimeAttention` runs it for every decoder step. None has parameters
(`params` and `grads` are empty lists, as in DLFS2).
"""

from __future__ import annotations

import numpy as np

from eprep.engine.functions import softmax


class AttentionWeight:
    """forward(hs: N,T,H, h: N,H) -> a: N,T, the softmax over T of the scores h . hs_t."""

    def __init__(self, scaled: bool = False) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.scaled = scaled
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray, float] | None = None

    def forward(self, hs: np.ndarray, h: np.ndarray) -> np.ndarray:
        scale = 1.0 / np.sqrt(hs.shape[2]) if self.scaled else 1.0
        scores = np.einsum("nth,nh->nt", hs, h) * scale
        a = softmax(scores)
        self.cache = (hs, h, a, scale)
        return a

    def backward(self, da: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (dhs, dh)."""
        hs, h, a, scale = self.cache
        dscores = a * (da - np.sum(a * da, axis=1, keepdims=True)) * scale  # softmax backward
        return dscores[:, :, None] * h[:, None, :], np.einsum("nt,nth->nh", dscores, hs)


class WeightSum:
    """forward(hs: N,T,H, a: N,T) -> c: N,H, the context vector sum_t a_t hs_t."""

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.cache: tuple[np.ndarray, np.ndarray] | None = None

    def forward(self, hs: np.ndarray, a: np.ndarray) -> np.ndarray:
        self.cache = (hs, a)
        return np.einsum("nth,nt->nh", hs, a)

    def backward(self, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (dhs, da)."""
        hs, a = self.cache
        return a[:, :, None] * dc[:, None, :], np.einsum("nth,nh->nt", hs, dc)


class Attention:
    """AttentionWeight then WeightSum: forward(hs, h) -> context c; `attention_weight` keeps a."""

    def __init__(self, scaled: bool = False) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.weight_layer = AttentionWeight(scaled)
        self.sum_layer = WeightSum()
        self.attention_weight: np.ndarray | None = None

    def forward(self, hs: np.ndarray, h: np.ndarray) -> np.ndarray:
        self.attention_weight = self.weight_layer.forward(hs, h)
        return self.sum_layer.forward(hs, self.attention_weight)

    def backward(self, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (dhs, dh): hs feeds both the weights and the sum, so its gradients add."""
        dhs_sum, da = self.sum_layer.backward(dc)
        dhs_weight, dh = self.weight_layer.backward(da)
        return dhs_sum + dhs_weight, dh


class TimeAttention:
    """Attention for every decoder step: forward(hs_enc: N,T,H, hs_dec: N,S,H) -> N,S,H."""

    def __init__(self, scaled: bool = False) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.scaled = scaled
        self.layers: list[Attention] = []
        self.attention_weights: list[np.ndarray] = []

    def forward(self, hs_enc: np.ndarray, hs_dec: np.ndarray) -> np.ndarray:
        out = np.empty_like(hs_dec, dtype=np.result_type(hs_enc, hs_dec))
        self.layers = []
        self.attention_weights = []
        for s in range(hs_dec.shape[1]):
            layer = Attention(self.scaled)
            out[:, s, :] = layer.forward(hs_enc, hs_dec[:, s, :])
            self.layers.append(layer)
            self.attention_weights.append(layer.attention_weight)
        return out

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (dhs_enc, dhs_dec); every decoder step adds into the encoder's gradient."""
        dhs_enc = 0.0
        dhs_dec = np.empty_like(dout)
        for s, layer in enumerate(self.layers):
            dhs, dh = layer.backward(dout[:, s, :])
            dhs_enc = dhs_enc + dhs
            dhs_dec[:, s, :] = dh
        return dhs_enc, dhs_dec
