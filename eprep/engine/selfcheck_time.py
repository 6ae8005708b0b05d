"""Gradient checks of the DLFS2-style layers (params/grads lists), for `eprep engine gradcheck`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from eprep.engine.attention import TimeAttention
from eprep.engine.gradcheck import numerical_gradient, relative_error
from eprep.engine.time_layers import (
    TimeAffine,
    TimeBiLSTM,
    TimeEmbedding,
    TimeGRU,
    TimeLSTM,
    TimeRNN,
    TimeSoftmaxWithLoss,
)
from eprep.engine.transformer import MultiHeadAttention, ScaledDotProductAttention, causal_mask
from eprep.engine.word2vec import CBOW


def _compare(
    name: str,
    loss: Callable[[], float],
    analytic: Sequence[np.ndarray],
    arrays: Sequence[np.ndarray],
    labels: Sequence[str],
) -> Iterator[tuple[str, tuple[int, ...], float]]:
    for label, grad, array in zip(labels, analytic, arrays, strict=True):
        numeric = numerical_gradient(lambda _: loss(), array)
        yield f"{name} d{label}", np.shape(grad), relative_error(grad, numeric)


def time_layer_checks(seed: int) -> Iterator[tuple[str, tuple[int, ...], float]]:
    """(name, shape, relative error) for every recurrent, attention and word2vec gradient."""
    rng = np.random.default_rng(seed + 10)
    normal = rng.standard_normal
    n, t, d, h = 2, 3, 4, 3
    for layer_type, gates in ((TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)):
        layer = layer_type(normal((d, gates * h)), normal((h, gates * h)), normal(gates * h))
        xs, r = normal((n, t, d)), normal((n, t, h))
        layer.forward(xs)
        dxs = layer.backward(r)
        analytic = [dxs, *(g.copy() for g in layer.grads)]

        def loss(layer=layer, xs=xs, r=r) -> float:
            return float(np.sum(layer.forward(xs) * r))

        yield from _compare(
            layer_type.__name__, loss, analytic, [xs, *layer.params], ["xs", "Wx", "Wh", "b"]
        )

    weights = [normal(s) for s in ((d, 4 * h), (h, 4 * h), (4 * h,))] * 2
    bi = TimeBiLSTM(*(w.copy() for w in weights))
    xs, r = normal((n, t, d)), normal((n, t, 2 * h))
    bi.forward(xs)
    dxs = bi.backward(r)
    yield from _compare(
        "TimeBiLSTM", lambda: float(np.sum(bi.forward(xs) * r)), [dxs], [xs], ["xs"]
    )

    affine = TimeAffine(normal((d, 5)), normal(5))
    scores_loss = TimeSoftmaxWithLoss()
    labels = rng.integers(0, 5, (n, t))
    labels[0, 1] = -1

    def sequence_loss() -> float:
        return scores_loss.forward(affine.forward(xs), labels)

    sequence_loss()
    dxs = affine.backward(scores_loss.backward())
    analytic = [dxs, *(g.copy() for g in affine.grads)]
    yield from _compare(
        "TimeAffine+TimeSoftmaxWithLoss",
        sequence_loss,
        analytic,
        [xs, *affine.params],
        ["xs", "W", "b"],
    )

    embedding = TimeEmbedding(normal((6, d)))
    ids, r = rng.integers(0, 6, (n, t)), normal((n, t, d))
    embedding.forward(ids)
    embedding.backward(r)
    yield from _compare(
        "TimeEmbedding",
        lambda: float(np.sum(embedding.forward(ids) * r)),
        [embedding.grads[0].copy()],
        embedding.params,
        ["W"],
    )

    attention = TimeAttention(scaled=True)
    enc, dec, r = normal((n, t, h)), normal((n, 2, h)), normal((n, 2, h))
    attention.forward(enc, dec)
    analytic = list(attention.backward(r))
    yield from _compare(
        "TimeAttention(scaled)",
        lambda: float(np.sum(attention.forward(enc, dec) * r)),
        analytic,
        [enc, dec],
        ["hs_enc", "hs_dec"],
    )

    sdpa = ScaledDotProductAttention()
    q, k, v, r = normal((n, t, d)), normal((n, t, d)), normal((n, t, h)), normal((n, t, h))
    sdpa.forward(q, k, v, causal_mask(t))
    yield from _compare(
        "ScaledDotProductAttention(causal)",
        lambda: float(np.sum(sdpa.forward(q, k, v, causal_mask(t)) * r)),
        list(sdpa.backward(r)),
        [q, k, v],
        ["q", "k", "v"],
    )

    mha = MultiHeadAttention([normal(s) for s in ((d, d), (d,)) * 4], num_heads=2)
    query, memory, r = normal((n, t, d)), normal((n, t + 1, d)), normal((n, t, d))
    mha.forward(query, memory, memory)
    dq, dk, dv = mha.backward(r)
    yield from _compare(
        "MultiHeadAttention",
        lambda: float(np.sum(mha.forward(query, memory, memory) * r)),
        [dq, dk + dv, *(g.copy() for g in mha.grads)],
        [query, memory, *mha.params],
        ["query", "memory", "W_Q", "b_Q", "W_K", "b_K", "W_V", "b_V", "W_O", "b_O"],
    )

    cbow = CBOW(normal((8, d)), normal((8, d)), np.arange(8), sample_size=2)
    negatives = rng.integers(0, 8, (n, 2))
    cbow.loss_layer.sampler.get_negative_sample = lambda target: negatives  # fixed for the check
    contexts, target = rng.integers(0, 8, (n, 2)), rng.integers(0, 8, n)
    cbow.forward(contexts, target)
    cbow.backward()
    yield from _compare(
        "CBOW(negative sampling)",
        lambda: cbow.forward(contexts, target),
        [g.copy() for g in cbow.grads],
        cbow.params,
        ["W_in", "W_out"],
    )
