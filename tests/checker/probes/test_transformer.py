"""The Transformer / BERT / GPT probes against values worked out by hand here.

Counts are enumerated index by index, softmax weights written out with math.exp, the BERT rates
multiplied by hand; the code probes are fed naive implementations written in this file (right
ones must pass, wrong ones fail).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import get_code_probe

from .bank_probes import evidence, separates
from .bank_probes import variants as bank_variants


def variants(question_id: str, count: int = 4) -> list[dict[str, float]]:
    return bank_variants(question_id, count)


@pytest.mark.parametrize("values", variants("day4.transformer.score-variance"))
def test_score_variance(values):
    dk, a, b = values["dk"], values["a"], values["b"]
    found = evidence("day4.transformer.score-variance", values)
    separates(found, dk * a * b, [math.sqrt(dk) * a * b, dk * (a + b), dk * dk * a * b])


def test_scaled_weight_by_hand():
    values = {"q1": 1, "q2": 0, "q3": 1, "q4": 2}
    keys = {1: (2, 1, 0, 1), 2: (0, 2, 1, -1), 3: (1, 0, -1, 2)}
    for j, k in keys.items():
        values.update({f"k{j}{i}": k[i - 1] for i in range(1, 5)})
    # scores 4, -1, 4 -> divided by 2: 2, -0.5, 2
    right = math.exp(2) / (2 * math.exp(2) + math.exp(-0.5))
    raw = math.exp(4) / (2 * math.exp(4) + math.exp(-1))
    found = evidence("day4.transformer.scaled-weights", values)
    separates(found, right, [raw, 1 / 3, 1 / (1 + math.exp(-2))])


def test_causal_output_by_hand():
    values = {"s1": 1, "s2": 0, "s3": 2, "v1": -1, "v2": 2, "v3": 5}
    right = (math.e * -1 + 1 * 2) / (math.e + 1)
    unmasked = (math.e * -1 + 2 + math.exp(2) * 5) / (math.e + 1 + math.exp(2))
    post = (math.e * -1 + 2) / (math.e + 1 + math.exp(2))
    separates(evidence("day4.transformer.causal-output", values), right, [unmasked, post])


@pytest.mark.parametrize("values", variants("day4.transformer.multi-head-parameters"))
def test_multi_head_parameters(values):
    d, h = int(values["d"]), int(values["h"])
    per_head = 3 * (d * (d // h) + d // h)
    right = h * per_head + d * d + d
    found = evidence("day4.transformer.multi-head-parameters", values)
    separates(found, right, [4 * d * d, 3 * d * d + 3 * d, 4 * d * d + 3 * d])


def test_attention_weight_count_by_hand():
    values = {"N": 2, "h": 4, "T": 5, "S": 7, "d": 32}
    found = evidence("day4.transformer.attention-weight-count", values)
    separates(found, 2 * 4 * 5 * 7, [2 * 5 * 7, 2 * 4 * 25, 2 * 5 * 32])


@pytest.mark.parametrize("T", [4, 9])
def test_causal_pairs_by_enumeration(T):
    pairs = len([(t, s) for t in range(T) for s in range(T) if s <= t])
    found = evidence("day4.transformer.causal-mask-pairs", {"T": T})
    separates(found, pairs, [T * T, pairs - T, 2 * pairs])


def test_positional_encoding_value_by_hand():
    values = {"pos": 7, "i": 1, "d": 8, "c": 2}
    # 10000^(2/8) = 10: sin(0.7)
    found = evidence("day4.transformer.positional-encoding-value", values)
    separates(found, math.sin(0.7), [math.cos(0.7), math.sin(7 / 10000 ** (1 / 8))])


@pytest.mark.parametrize("L", [128, 512])
def test_mlm_mask_count(L):
    found = evidence("day4.bert-gpt.mlm-mask-count", {"L": L})
    separates(found, 0.12 * L, [0.15 * L, 0.135 * L, 0.105 * L])


def test_mlm_loss_positions():
    found = evidence("day4.bert-gpt.mlm-loss-positions", {"B": 8, "L": 128})
    separates(found, 0.15 * 1024, [0.12 * 1024, 0.135 * 1024, 1024])


@pytest.mark.parametrize(("T", "j"), [(10, 3), (6, 6), (20, 1)])
def test_causal_reach_by_enumeration(T, j):
    reach = len([t for t in range(1, T + 1) if t >= j])
    separates(evidence("day4.bert-gpt.causal-reach", {"T": T, "j": j}), reach, [T + 1, reach - 1])


@pytest.mark.parametrize("p", [0.2, 0.8, 0.05])
def test_nsp_loss(p):
    right = 0.5 * -math.log(p) + 0.5 * -math.log(1 - p)
    entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    found = evidence("day4.bert-gpt.nsp-constant-loss", {"p": p})
    separates(found, right, [-math.log(p), entropy, math.log(2)])


def test_gpt_prediction_terms_by_hand():
    found = evidence("day4.bert-gpt.gpt-prediction-terms", {"B": 4, "T": 64})
    separates(found, 4 * 63, [4 * 64, 0.15 * 256])


# --- code probes, on naive implementations ---------------------------------------------------


def _softmax_rows(scores):
    out = np.zeros_like(scores)
    for idx in np.ndindex(scores.shape[:-1]):
        row = scores[idx]
        finite = np.isfinite(row)
        e = np.where(finite, np.exp(np.where(finite, row, 0) - row[finite].max()), 0.0)
        out[idx] = e / e.sum()
    return out


def _naive_attention(scale_by_sqrt=True, mask_value=-np.inf):
    def attention(Q, K, V, mask=None):
        d = Q.shape[-1]
        scores = np.einsum("...td,...sd->...ts", Q, K) / (np.sqrt(d) if scale_by_sqrt else d)
        if mask is not None:
            scores = np.where(np.broadcast_to(mask, scores.shape), scores, mask_value)
        weights = _softmax_rows(scores)
        return np.einsum("...ts,...sd->...td", weights, V), weights

    return attention


def test_attention_code_probe():
    probe = get_code_probe("sdpa_matches_engine")
    rng = np.random.default_rng(0)
    probe({"scaled_dot_product_attention": _naive_attention()}, {}, rng)
    for wrong in (_naive_attention(scale_by_sqrt=False), _naive_attention(mask_value=0.0)):
        with pytest.raises(AssertionError):
            probe({"scaled_dot_product_attention": wrong}, {}, rng)


def _loop_split(x, h):
    N, T, D = x.shape
    dk = D // h
    out = np.zeros((N, h, T, dk))
    for n, j, t, f in np.ndindex(out.shape):
        out[n, j, t, f] = x[n, t, j * dk + f]
    return out


def _loop_merge(x):
    N, h, T, dk = x.shape
    out = np.zeros((N, T, h * dk))
    for n, j, t, f in np.ndindex(x.shape):
        out[n, t, j * dk + f] = x[n, j, t, f]
    return out


def test_split_heads_code_probe():
    probe = get_code_probe("split_heads_matches_engine")
    rng = np.random.default_rng(1)
    probe({"split_heads": _loop_split, "merge_heads": _loop_merge}, {}, rng)

    def direct(x, h):  # the known erratum: a reshape straight to (N, h, T, d_k)
        N, T, D = x.shape
        return x.reshape(N, h, T, D // h)

    with pytest.raises(AssertionError):
        probe({"split_heads": direct, "merge_heads": _loop_merge}, {}, rng)


def test_positional_encoding_code_probe():
    probe = get_code_probe("positional_encoding_matches_engine")

    def by_hand(T, d, exponent=lambda two_i, d: two_i / d):
        pe = np.zeros((T, d))
        for pos in range(T):
            for column in range(d):
                angle = pos / 10000 ** exponent(column - column % 2, d)
                pe[pos, column] = math.sin(angle) if column % 2 == 0 else math.cos(angle)
        return pe

    rng = np.random.default_rng(2)
    probe({"positional_encoding": by_hand}, {}, rng)
    with pytest.raises(AssertionError):  # exponent i/d instead of 2i/d
        probe({"positional_encoding": lambda T, d: by_hand(T, d, lambda c, d: c / 2 / d)}, {}, rng)


@pytest.mark.parametrize(("pos", "k"), [(3, 5), (40, 7)])
def test_positional_encoding_offset_by_hand(pos, k):
    rows = [
        [math.sin(p), math.cos(p), math.sin(p / 100), math.cos(p / 100)] for p in (pos, pos + k)
    ]
    right = sum(a * b for a, b in zip(*rows, strict=True))
    found = evidence("day4.transformer.positional-encoding-offset", {"pos": pos, "k": k})
    separates(found, right, [2 * math.cos(k), math.cos(k) + math.cos(k / 10)])
