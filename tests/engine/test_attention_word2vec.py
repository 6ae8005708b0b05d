"""Attention (DLFS2 ch. 8) and word2vec's pieces (DLFS2 ch. 3-4).

Oracles: central-difference gradients, torch's scaled_dot_product_attention, hand computations
of the negative-sampling loss, and a Monte-Carlo frequency test of the sampler (5 standard errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from gradient_checks import TOL

from eprep.engine import (
    CBOW,
    Attention,
    AttentionWeight,
    EmbeddingDot,
    NegativeSamplingLoss,
    SkipGram,
    TimeAttention,
    UnigramSampler,
    WeightSum,
    numerical_gradient,
)
from eprep.engine.gradcheck import relative_error

N, T, H = 3, 5, 4


def _close(analytic, loss, array):
    return relative_error(analytic, numerical_gradient(lambda _: loss(), array)) < TOL


@pytest.mark.parametrize("scaled", [False, True])
def test_attention_weight_gradients_and_weights_sum_to_one(scaled):
    rng = np.random.default_rng(0)
    hs, h = rng.standard_normal((N, T, H)), rng.standard_normal((N, H))
    layer = AttentionWeight(scaled)
    a = layer.forward(hs, h)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-14)
    r = rng.standard_normal((N, T))
    dhs, dh = layer.backward(r)

    def loss():
        return float(np.sum(layer.forward(hs, h) * r))

    assert _close(dhs, loss, hs) and _close(dh, loss, h)


def test_weight_sum_and_attention_gradients():
    rng = np.random.default_rng(1)
    hs, a = rng.standard_normal((N, T, H)), rng.random((N, T))
    layer = WeightSum()
    c = layer.forward(hs, a)
    np.testing.assert_allclose(c[1], sum(a[1, t] * hs[1, t] for t in range(T)), rtol=1e-13)
    r = rng.standard_normal((N, H))
    dhs, da = layer.backward(r)
    assert _close(dhs, lambda: float(np.sum(layer.forward(hs, a) * r)), hs)
    assert _close(da, lambda: float(np.sum(layer.forward(hs, a) * r)), a)

    h = rng.standard_normal((N, H))
    attention = Attention(scaled=True)
    attention.forward(hs, h)
    dhs, dh = attention.backward(r)
    assert _close(dhs, lambda: float(np.sum(attention.forward(hs, h) * r)), hs)
    assert _close(dh, lambda: float(np.sum(attention.forward(hs, h) * r)), h)


def test_time_attention_gradients():
    rng = np.random.default_rng(2)
    enc, dec = rng.standard_normal((N, T, H)), rng.standard_normal((N, 3, H))
    layer = TimeAttention()
    layer.forward(enc, dec)
    r = rng.standard_normal((N, 3, H))
    denc, ddec = layer.backward(r)
    assert len(layer.attention_weights) == 3
    assert _close(denc, lambda: float(np.sum(layer.forward(enc, dec) * r)), enc)
    assert _close(ddec, lambda: float(np.sum(layer.forward(enc, dec) * r)), dec)


@pytest.mark.parametrize("scaled", [False, True])
def test_torch_parity_attention(scaled):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    enc, dec = rng.standard_normal((N, T, H)), rng.standard_normal((N, 2, H))
    ours = TimeAttention(scaled).forward(enc, dec)
    q, kv = torch.tensor(dec), torch.tensor(enc)
    theirs = torch.nn.functional.scaled_dot_product_attention(
        q, kv, kv, scale=None if scaled else 1.0
    )
    assert np.max(np.abs(theirs.numpy() - ours)) < 1e-12


# --- word2vec ------------------------------------------------------------------------------


def test_unigram_sampler_frequencies_follow_the_075_power():
    corpus = np.array([0] * 8 + [1] * 4 + [2] * 2 + [3] * 1)
    sampler = UnigramSampler(corpus, power=0.75, sample_size=1, rng=np.random.default_rng(4))
    target = np.full(40000, 0)
    drawn = sampler.get_negative_sample(target)[:, 0]
    assert not np.any(drawn == 0)
    weights = np.array([8, 4, 2, 1], dtype=float) ** 0.75
    expected = weights[1:] / weights[1:].sum()  # target excluded, the rest renormalised
    for word, p in zip((1, 2, 3), expected, strict=True):
        freq = np.mean(drawn == word)
        assert abs(freq - p) < 5 * math.sqrt(p * (1 - p) / target.size), (word, freq, p)


def test_unigram_sampler_rows_are_distinct_and_avoid_their_target():
    corpus = np.arange(10).repeat(3)
    sampler = UnigramSampler(corpus, sample_size=4, rng=np.random.default_rng(5))
    target = np.arange(10)
    rows = sampler.get_negative_sample(target)
    assert rows.shape == (10, 4)
    for row, t in zip(rows, target, strict=True):
        assert len(set(row)) == 4 and t not in row
    with pytest.raises(ValueError, match="distinct words"):
        UnigramSampler(np.array([0, 1, 1]), sample_size=2)


def _fixed_negatives(loss_layer, negatives):
    loss_layer.sampler.get_negative_sample = lambda target: negatives


def test_negative_sampling_loss_by_hand_and_its_gradients():
    rng = np.random.default_rng(6)
    V, D = 7, 3
    W = rng.standard_normal((V, D))
    h = rng.standard_normal((2, D))
    target = np.array([1, 4])
    negatives = np.array([[0, 2], [5, 6]])
    layer = NegativeSamplingLoss(W, np.arange(V), sample_size=2)
    _fixed_negatives(layer, negatives)
    loss = layer.forward(h, target)

    def log_sigmoid(x):
        return -math.log1p(math.exp(-x))

    by_hand = 0.0
    for n in range(2):
        by_hand -= log_sigmoid(W[target[n]] @ h[n]) / 2
        for k in negatives[n]:
            by_hand -= log_sigmoid(-(W[k] @ h[n])) / 2  # log(1 - sigmoid(s)) = log sigmoid(-s)
    assert loss == pytest.approx(by_hand, rel=1e-12)
    dh = layer.backward(1.0)
    dW = layer.grads[0].copy()
    assert _close(dh, lambda: layer.forward(h, target), h)
    assert _close(dW, lambda: layer.forward(h, target), W)


def test_embedding_dot_gradients():
    rng = np.random.default_rng(7)
    W, h = rng.standard_normal((6, 3)), rng.standard_normal((4, 3))
    idx = np.array([1, 1, 5, 0])
    layer = EmbeddingDot(W)
    np.testing.assert_allclose(
        layer.forward(h, idx), [W[i] @ v for i, v in zip(idx, h, strict=True)]
    )
    r = rng.standard_normal(4)
    dh = layer.backward(r)
    dW = layer.grads[0].copy()
    assert _close(dh, lambda: float(layer.forward(h, idx) @ r), h)
    assert _close(dW, lambda: float(layer.forward(h, idx) @ r), W)


@pytest.mark.parametrize("model_type", [CBOW, SkipGram])
def test_cbow_and_skipgram_gradients(model_type):
    rng = np.random.default_rng(8)
    V, D = 8, 3
    W_in, W_out = rng.standard_normal((V, D)), rng.standard_normal((V, D))
    contexts = np.array([[0, 2], [3, 3], [5, 1]])
    target = np.array([1, 4, 7])
    model = model_type(W_in, W_out, np.arange(V).repeat(2), sample_size=2)
    rows = contexts.size if model_type is SkipGram else len(target)
    _fixed_negatives(model.loss_layer, rng.integers(0, V, (rows, 2)))
    model.forward(contexts, target)
    model.backward(1.0)
    dW_in, dW_out = (g.copy() for g in model.grads)
    assert _close(dW_in, lambda: model.forward(contexts, target), W_in)
    assert _close(dW_out, lambda: model.forward(contexts, target), W_out)
    assert model.word_vecs is W_in
