"""The Transformer's attention (Vaswani et al. 2017, §3.2–3.5), in the DLFS2 layer style.

- `ScaledDotProductAttention`: softmax(Q Kᵀ/√d_k + mask) V over the last two axes, any leading
  (batch, head) axes. A mask is boolean, **True where a query may attend to a key** (the
  convention of `torch.nn.functional.scaled_dot_product_attention`; `torch.nn.MultiheadAttention`
  uses the opposite one, True = blocked). A blocked score is set to -inf before the softmax, so its
  weight is exactly 0; a query that may attend to nothing is an error rather than a row of NaN.
- `MultiHeadAttention`: Q = x_q W_Q + b_Q, K = x_k W_K + b_K, V = x_v W_V + b_V (weights
  (d_model, d_model), applied as x W as in DLFS), split into h heads of d_model/h features,
  attention per head, heads merged and projected by W_O, b_O.
- `causal_mask`, `padding_mask`: the decoder's look-ahead mask and the key-padding mask.
- `positional_encoding`: PE[pos, 2i] = sin(pos/10000^(2i/d)), PE[pos, 2i+1] = cos(same).

Layers keep `params` and `grads` lists (gradients overwritten in place) like the engine's other
attention and time layers. Imports nothing from eprep outside the engine.
"""

from __future__ import annotations

import numpy as np

from eprep.engine.functions import softmax
from eprep.engine.time_layers import TimeAffine


def causal_mask(T: int, S: int | None = None) -> np.ndarray:
    """(T, S) boolean mask, True where key s <= query t: no query sees a later position."""
    S = T if S is None else S
    return np.tril(np.ones((T, S), dtype=bool))


def padding_mask(lengths: np.ndarray | list[int], T: int) -> np.ndarray:
    """(N, 1, T) boolean mask, True for the first lengths[n] keys of sample n (the real tokens)."""
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or np.any(lengths < 1) or np.any(lengths > T):
        raise ValueError(f"padding_mask needs 1-D lengths in [1, {T}], got {lengths.tolist()}")
    return (np.arange(T)[None, :] < lengths[:, None])[:, None, :]


def positional_encoding(T: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """(T, d_model) sinusoidal encoding: sin on even columns 2i, cos on odd columns 2i+1."""
    if T < 1 or d_model < 1:
        raise ValueError(f"positional_encoding needs T >= 1 and d_model >= 1, got {T}, {d_model}")
    pos = np.arange(T, dtype=np.float64)[:, None]
    two_i = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angle = pos / base ** (two_i / d_model)
    pe = np.empty((T, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe


def split_heads(x: np.ndarray, num_heads: int) -> np.ndarray:
    """(N, T, d_model) -> (N, h, T, d_model/h): head j holds features j·d_k ... (j+1)·d_k - 1."""
    N, T, d = x.shape
    if d % num_heads:
        raise ValueError(f"d_model = {d} is not divisible by {num_heads} heads")
    return x.reshape(N, T, num_heads, d // num_heads).transpose(0, 2, 1, 3)


def merge_heads(x: np.ndarray) -> np.ndarray:
    """(N, h, T, d_k) -> (N, T, h·d_k), the inverse of `split_heads`."""
    N, h, T, dk = x.shape
    return x.transpose(0, 2, 1, 3).reshape(N, T, h * dk)


class ScaledDotProductAttention:
    """forward(q: ...,Tq,d_k, k: ...,Tk,d_k, v: ...,Tk,d_v, mask) -> ...,Tq,d_v; no parameters.

    `scores` keeps the last scaled scores q·k·scale before masking, `attention_weight` the softmax
    weights (..., Tq, Tk); `scale` defaults to 1/√d_k.
    """

    def __init__(self, scale: float | None = None) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.scale = scale
        self.scores: np.ndarray | None = None
        self.attention_weight: np.ndarray | None = None
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float] | None = None

    def forward(
        self, q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
            raise ValueError(
                f"attention needs q (..., Tq, d_k), k (..., Tk, d_k), v (..., Tk, d_v); got "
                f"{q.shape}, {k.shape}, {v.shape}"
            )
        scale = 1.0 / np.sqrt(q.shape[-1]) if self.scale is None else self.scale
        scores = np.matmul(q, np.swapaxes(k, -1, -2)) * scale
        self.scores = scores
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            allowed = np.broadcast_to(mask, scores.shape)
            if not allowed.any(axis=-1).all():
                raise ValueError("the mask leaves a query with no key to attend to")
            scores = np.where(allowed, scores, -np.inf)
        a = softmax(scores)
        self.attention_weight = a
        self.cache = (q, k, v, a, scale)
        return np.matmul(a, v)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (dq, dk, dv). Blocked positions have a = 0, so no gradient flows through them."""
        q, k, v, a, scale = self.cache
        dv = np.matmul(np.swapaxes(a, -1, -2), dout)
        da = np.matmul(dout, np.swapaxes(v, -1, -2))
        dscores = a * (da - np.sum(a * da, axis=-1, keepdims=True)) * scale
        dq = np.matmul(dscores, k)
        dk = np.matmul(np.swapaxes(dscores, -1, -2), q)
        return _reduce_to(dq, q.shape), _reduce_to(dk, k.shape), _reduce_to(dv, v.shape)


def _reduce_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back onto an input of `shape`."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    axes = tuple(i for i, (g, s) in enumerate(zip(grad.shape, shape, strict=True)) if s == 1 < g)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


class MultiHeadAttention:
    """Multi-head attention (Vaswani et al. 2017, §3.2.2): params [W_Q, b_Q, W_K, b_K, W_V, b_V,
    W_O, b_O], each W (d_model, d_model) applied as x W, each b (d_model,).

    forward(query: N,Tq,d, key: N,Tk,d, value: N,Tk,d, mask) -> N,Tq,d. The mask (True = may
    attend) broadcasts against the scores (N, h, Tq, Tk): a (Tq, Tk) causal mask, or a (N, 1, Tk)
    padding mask, which gets the head axis inserted. backward(dout) -> (dquery, dkey, dvalue);
    for self-attention the caller adds the three. `attention_weight` is (N, h, Tq, Tk).
    """

    def __init__(self, params: list[np.ndarray], num_heads: int) -> None:
        if len(params) != 8:
            raise ValueError("MultiHeadAttention needs [W_Q, b_Q, W_K, b_K, W_V, b_V, W_O, b_O]")
        d = params[0].shape[0]
        for W, b in zip(params[0::2], params[1::2], strict=True):
            if W.shape != (d, d) or b.shape != (d,):
                raise ValueError(f"every W must be ({d}, {d}) and every b ({d},)")
        if d % num_heads:
            raise ValueError(f"d_model = {d} is not divisible by {num_heads} heads")
        # Four TimeAffine projections (Q, K, V, O) own the arrays; params/grads list them.
        self.projections = [
            TimeAffine(W, b) for W, b in zip(params[0::2], params[1::2], strict=True)
        ]
        self.params = [p for layer in self.projections for p in layer.params]
        self.grads = [g for layer in self.projections for g in layer.grads]
        self.num_heads = num_heads
        self.attention = ScaledDotProductAttention()
        self.attention_weight: np.ndarray | None = None

    @classmethod
    def initialised(
        cls, d_model: int, num_heads: int, rng: np.random.Generator
    ) -> MultiHeadAttention:
        """Xavier-uniform weights (as torch's in_proj) and zero biases."""
        bound = np.sqrt(6.0 / (2 * d_model))
        params: list[np.ndarray] = []
        for _ in range(4):
            params += [rng.uniform(-bound, bound, (d_model, d_model)), np.zeros(d_model)]
        return cls(params, num_heads)

    @property
    def parameter_count(self) -> int:
        """The number of scalars in the layer's parameter arrays."""
        return int(sum(p.size for p in self.params))

    def forward(
        self,
        query: np.ndarray,
        key: np.ndarray,
        value: np.ndarray,
        mask: np.ndarray | None = None,
    ) -> np.ndarray:
        to_q, to_k, to_v, to_out = self.projections
        h = self.num_heads
        q = split_heads(to_q.forward(query), h)
        k = split_heads(to_k.forward(key), h)
        v = split_heads(to_v.forward(value), h)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.ndim == 3:  # (N, Tq or 1, Tk): the same for every head
                mask = mask[:, None, :, :]
        heads = self.attention.forward(q, k, v, mask)
        self.attention_weight = self.attention.attention_weight
        return to_out.forward(merge_heads(heads))

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (dquery, dkey, dvalue); the projections' gradients land in `grads`.

        b_K always gets a zero gradient: adding q·b_K to every score of a query leaves its
        softmax unchanged, so the key bias has no effect on the output (it is still a parameter).
        """
        to_q, to_k, to_v, to_out = self.projections
        dheads = split_heads(to_out.backward(dout), self.num_heads)
        dq, dk, dv = self.attention.backward(dheads)
        return (
            to_q.backward(merge_heads(dq)),
            to_k.backward(merge_heads(dk)),
            to_v.backward(merge_heads(dv)),
        )
