"""Probes for the Transformer, BERT and GPT questions, measured with the engine's attention.

Variances and rates are Monte-Carlo estimates whose tolerance is five of their own standard
errors; parameter counts are the scalars a backward pass gives a non-zero gradient; which
positions an output depends on is found by changing one input and seeing which outputs move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, after_pass, code_probe, probe
from eprep.checker.probes.cnn import _compare, _int, _lookup, trained_scalars
from eprep.engine import cross_entropy_error
from eprep.engine.pretraining import (
    IGNORE_LABEL,
    bert_mask_tokens,
    causal_lm_targets,
    next_sentence_pairs,
)
from eprep.engine.transformer import (
    MultiHeadAttention,
    ScaledDotProductAttention,
    causal_mask,
    merge_heads,
    padding_mask,
    positional_encoding,
    split_heads,
)


def _mean_with_tolerance(samples: np.ndarray) -> Value:
    """The sample mean, within five standard errors."""
    se = float(np.std(samples, ddof=1) / np.sqrt(samples.size))
    return Value(float(np.mean(samples)), rel_tol=0.0, abs_tol=5 * se + 1e-12)


@probe("qk_score_variance")
def qk_score_variance(variant: Params, rng: np.random.Generator) -> Value:
    """Sample q, k with the variant's variances; the variance of the engine's unscaled scores."""
    dk = _int(variant, "dk")
    n = 8000
    q = rng.normal(0.0, np.sqrt(float(variant["a"])), (n, 1, dk))
    k = rng.normal(0.0, np.sqrt(float(variant["b"])), (n, 1, dk))
    layer = ScaledDotProductAttention(scale=1.0)
    layer.forward(q, k, np.zeros((n, 1, 1)))
    scores = after_pass(layer.scores).ravel()
    # The mean is known to be 0, so the variance is the mean of the squares; its standard error
    # is the spread of the squares over sqrt(n).
    return _mean_with_tolerance(scores**2)


@probe("sdpa_weight")
def sdpa_weight(variant: Params, rng: np.random.Generator, *, keys: int = 3, dim: int = 4) -> Value:
    """The engine's attention weight of key 1 for the variant's query and keys."""
    q = np.array([[variant[f"q{i}"] for i in range(1, dim + 1)]], dtype=float)
    k = np.array([[variant[f"k{j}{i}"] for i in range(1, dim + 1)] for j in range(1, keys + 1)])
    layer = ScaledDotProductAttention()
    layer.forward(q, k.astype(float), rng.standard_normal((keys, 2)))
    return Value(float(after_pass(layer.attention_weight)[0, 0]))


@probe("causal_attention_output")
def causal_attention_output(variant: Params, rng: np.random.Generator) -> Value:
    """Engine self-attention under the causal mask; queries and keys built so that query 2's
    scaled scores are the variant's s1, s2, s3 (keys one-hot, query 2 = √d · scores)."""
    d = 3
    k = np.eye(d)
    q = rng.standard_normal((3, d))
    q[1] = np.sqrt(d) * np.array([variant["s1"], variant["s2"], variant["s3"]], dtype=float)
    v = np.array([[variant["v1"]], [variant["v2"]], [variant["v3"]]], dtype=float)
    out = ScaledDotProductAttention().forward(q, k, v, causal_mask(3))
    return Value(float(out[1, 0]))


@probe("mha_parameter_count")
def mha_parameter_count(variant: Params, rng: np.random.Generator) -> Value:
    """Scalars of an engine MultiHeadAttention's projections that their backward passes, each on
    a random upstream gradient, give a non-zero gradient. (Through the attention, the key bias
    gets none: the softmax ignores a shift of all of a query's scores, so the loss's gradient
    would miss it.)"""
    d, h = _int(variant, "d"), _int(variant, "h")
    layer = MultiHeadAttention.initialised(d, h, rng)
    x, memory = rng.standard_normal((2, 3, d)), rng.standard_normal((2, 4, d))
    layer.forward(x, memory, memory)
    count = 0
    for projection in layer.projections:
        out_shape = (*after_pass(projection.x).shape[:-1], projection.params[0].shape[1])
        projection.backward(rng.standard_normal(out_shape))
        count += trained_scalars(*projection.grads)
    return Value(count)


@probe("attention_weight_count")
def attention_weight_count(variant: Params, rng: np.random.Generator) -> Value:
    """Size of the weights an engine cross-attention forward pass produces."""
    n, h, t, s, d = (_int(variant, name) for name in ("N", "h", "T", "S", "d"))
    layer = MultiHeadAttention.initialised(d, h, rng)
    layer.forward(rng.standard_normal((n, t, d)), *(2 * [rng.standard_normal((n, s, d))]))
    return Value(int(after_pass(layer.attention_weight).size))


def _moved(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Positions (axis 1) whose output changed."""
    return np.any(np.abs(after - before) > 1e-12, axis=tuple(range(2, before.ndim)))[0]


@probe("causal_allowed_pairs")
def causal_allowed_pairs(variant: Params, rng: np.random.Generator) -> Value:
    """(query t, key s) pairs where changing key/value s changes output t, causal attention."""
    T = _int(variant, "T")
    q, k, v = (rng.standard_normal((1, T, 4)) for _ in range(3))
    layer = ScaledDotProductAttention()
    base = layer.forward(q, k, v, causal_mask(T))
    pairs = 0
    for s in range(T):
        k2, v2 = k.copy(), v.copy()
        k2[0, s] += 1.0
        v2[0, s] += 1.0
        pairs += int(_moved(base, layer.forward(q, k2, v2, causal_mask(T))).sum())
    return Value(pairs)


@probe("causal_reach")
def causal_reach(variant: Params, rng: np.random.Generator) -> Value:
    """Outputs of an engine masked self-attention layer that move when token j's vector moves."""
    T, j = _int(variant, "T"), _int(variant, "j")
    layer = MultiHeadAttention.initialised(8, 2, rng)
    x = rng.standard_normal((1, T, 8))
    base = layer.forward(x, x, x, causal_mask(T))
    x2 = x.copy()
    x2[0, j - 1] += 1.0
    return Value(int(_moved(base, layer.forward(x2, x2, x2, causal_mask(T))).sum()))


@probe("positional_encoding_value")
def positional_encoding_value(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's encoding at row pos, column 2i."""
    pos, i, d = _int(variant, "pos"), _int(variant, "i"), _int(variant, "d")
    return Value(float(positional_encoding(pos + 1, d)[pos, 2 * i]))


@probe("positional_encoding_dot")
def positional_encoding_dot(
    variant: Params, rng: np.random.Generator, *, d_model: int = 4
) -> Value:
    """The dot product of the engine's encoding rows pos and pos + k."""
    pos, k = _int(variant, "pos"), _int(variant, "k")
    pe = positional_encoding(pos + k + 1, d_model)
    return Value(float(pe[pos] @ pe[pos + k]))


_MASK_ID = 0


# Tokens corrupted per probe: enough for a 5-standard-error tolerance of about 2% on a count
# that is 15% (or 12%) of them, while the nearest wrong key is at least 10% away.
_MLM_TOKENS = 300_000


def _masked_batches(rng: np.random.Generator, replicas: int, length: int):
    vocab = 1000
    tokens = rng.integers(1, vocab, size=(replicas, length))
    return bert_mask_tokens(tokens, rng, vocab, _MASK_ID)


@probe("mlm_mask_count")
def mlm_mask_count(variant: Params, rng: np.random.Generator) -> Value:
    """[MASK] tokens per sequence of L after the engine's BERT corruption, averaged."""
    L = _int(variant, "L")
    inputs, _ = _masked_batches(rng, max(1, _MLM_TOKENS // L), L)
    return _mean_with_tolerance(np.sum(inputs == _MASK_ID, axis=1).astype(float))


@probe("mlm_loss_positions")
def mlm_loss_positions(variant: Params, rng: np.random.Generator) -> Value:
    """Positions with a label (entering the loss) per batch of B sequences of L, averaged."""
    B, L = _int(variant, "B"), _int(variant, "L")
    replicas = max(2, _MLM_TOKENS // (B * L))
    _, labels = _masked_batches(rng, replicas * B, L)
    per_batch = np.sum(labels.reshape(replicas, B * L) != IGNORE_LABEL, axis=1)
    return _mean_with_tolerance(per_batch.astype(float))


@probe("nsp_chance_loss")
def nsp_chance_loss(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's cross-entropy of a classifier that says IsNext with probability p, over the
    labels of the engine's NSP pairs; tolerance five standard errors of the label frequency."""
    p = float(variant["p"])
    documents = [[(d, i) for i in range(6)] for d in range(1500)]
    labels = np.array([label for _, _, label in next_sentence_pairs(documents, rng)])
    prediction = np.array([[1 - p, p]])
    mean = cross_entropy_error(np.repeat(prediction, labels.size, axis=0), labels)
    # A pair's loss is one of two values; their spread sets the standard error of the mean.
    is_next, not_next = (cross_entropy_error(prediction, np.array([y])) for y in (1, 0))
    gap = abs(is_next - not_next)
    frequency = float(labels.mean())
    se = gap * np.sqrt(frequency * (1 - frequency) / labels.size)
    return Value(mean, rel_tol=0.0, abs_tol=5 * se + 1e-6)


@probe("gpt_prediction_terms")
def gpt_prediction_terms(variant: Params, rng: np.random.Generator) -> Value:
    """Targets of the engine's causal-LM shift of a (B, T) batch."""
    B, T = _int(variant, "B"), _int(variant, "T")
    _, targets = causal_lm_targets(rng.integers(0, 50, size=(B, T)))
    return Value(int(targets.size))


# --- code probes ---------------------------------------------------------------------------


@code_probe("sdpa_matches_engine")
def sdpa_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's attention must give the engine's output and weights, with and without
    masks, for Tq != Tk and for (batch, head) leading axes."""
    fn = _lookup(namespace, "scaled_dot_product_attention")
    cases = (((3, 4), (5, 4), (5, 2)), ((2, 2, 4, 8), (2, 2, 4, 8), (2, 2, 4, 3)))
    for shapes in cases:
        q, k, v = (rng.standard_normal(s) for s in shapes)
        tq, tk = shapes[0][-2], shapes[1][-2]
        masks = [None, causal_mask(tq, tk)]
        if len(shapes[0]) == 4:
            masks.append(padding_mask([tk, 2], tk)[:, None])
        for mask in masks:
            layer = ScaledDotProductAttention()
            expected = layer.forward(q, k, v, mask)
            out, weights = fn(q.copy(), k.copy(), v.copy(), mask)
            case = (shapes, "no mask" if mask is None else mask.shape)
            _compare("the output", case, out, expected)
            _compare("the weights", case, weights, after_pass(layer.attention_weight))


@code_probe("split_heads_matches_engine")
def split_heads_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """split_heads and merge_heads must equal the engine's, whose multi-head attention matches
    torch.nn.MultiheadAttention."""
    split, merge = _lookup(namespace, "split_heads"), _lookup(namespace, "merge_heads")
    for shape, heads in (((2, 5, 12), 3), ((3, 4, 8), 2), ((1, 6, 8), 4)):
        x = rng.standard_normal(shape)
        _compare("split_heads", (shape, heads), split(x.copy(), heads), split_heads(x, heads))
        y = split_heads(x, heads)
        _compare("merge_heads", (shape, heads), merge(y.copy()), merge_heads(y))


@code_probe("positional_encoding_matches_engine")
def positional_encoding_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's encoding must equal the engine's for several lengths and widths."""
    fn = _lookup(namespace, "positional_encoding")
    for length, d in ((10, 8), (50, 16), (7, 6)):
        _compare("positional_encoding", (length, d), fn(length, d), positional_encoding(length, d))
