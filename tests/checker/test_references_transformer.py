"""The Transformer / BERT / GPT references against hand-worked exact values, their symbolic
identities, and the code definitions against listings written here (right and wrong)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from eprep.checker.references import NeedsValues, get_code_reference, get_reference

R = sympy.Rational


def ref(name: str, values: dict, **args):
    p = {k: sympy.nsimplify(v) for k, v in values.items()}
    return sympy.simplify(get_reference(name)(p, **args))


def test_definitions_at_numbers():
    assert ref("qk_score_variance", dict(dk=64, a=2, b=3)) == 384
    assert ref("attention_weight_count", dict(N=2, h=4, T=5, S=7)) == 280
    assert ref("causal_allowed_pairs", dict(T=4)) == 10  # 1 + 2 + 3 + 4
    assert ref("causal_reach", dict(T=10, j=3)) == 8  # positions 3..10
    assert ref("mlm_mask_count", dict(L=100)) == 12
    assert ref("mlm_loss_positions", dict(B=2, L=100)) == 30
    assert ref("gpt_prediction_terms", dict(B=3, T=5)) == 12
    assert ref("mha_parameter_count", dict(d=8, h=2)) == 4 * 64 + 4 * 8
    nsp = ref("nsp_chance_loss", dict(p=R(1, 4)))
    assert sympy.simplify(nsp - (sympy.log(4) + sympy.log(R(4, 3))) / 2) == 0
    pe = ref("positional_encoding_value", dict(pos=7, i=1, d=8))
    assert sympy.simplify(pe - sympy.sin(R(7, 10))) == 0


def test_attention_definitions_by_hand():
    values = dict(s1=1, s2=0, s3=2, v1=-1, v2=2, v3=5)
    want = (sympy.E * -1 + 2) / (sympy.E + 1)
    assert sympy.simplify(ref("causal_attention_output", values) - want) == 0
    weights = dict(q1=1, q2=0, q3=0, q4=0)
    for j, first in ((1, 2), (2, 0), (3, 0)):
        weights.update({f"k{j}{i}": (first if i == 1 else 0) for i in range(1, 5)})
    # scores 2, 0, 0 over sqrt(4): 1, 0, 0
    want = sympy.E / (sympy.E + 2)
    assert sympy.simplify(ref("sdpa_weight", weights) - want) == 0


def test_identities_over_symbols():
    d, h = sympy.symbols("d h", positive=True, integer=True)
    assert sympy.expand(get_reference("mha_parameter_count")({"d": d, "h": h})) == 4 * d**2 + 4 * d
    dk, a, b = sympy.symbols("dk a b", positive=True)
    assert (
        sympy.simplify(get_reference("qk_score_variance")({"dk": dk, "a": a, "b": b})) == dk * a * b
    )
    pos, k = sympy.symbols("pos k", positive=True, integer=True)
    dot = get_reference("positional_encoding_dot")({"pos": pos, "k": k})
    assert sympy.simplify(dot - sympy.cos(k) - sympy.cos(k / 100)) == 0  # pos drops out
    with pytest.raises(NeedsValues):
        get_reference("causal_allowed_pairs")({"T": sympy.Symbol("T", positive=True)})


def _listing(source: str) -> dict:
    namespace = {"np": np}
    exec(source, namespace)  # a listing written in this test, not user input
    return namespace


RIGHT_ATTENTION = """
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.swapaxes(-1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V, w
"""


def test_code_definitions_accept_right_and_reject_wrong_listings():
    rng = np.random.default_rng(0)
    sdpa = get_code_reference("sdpa_code")()
    assert sdpa.check(sdpa.drive(_listing(RIGHT_ATTENTION), rng)) == []
    zero_masked = RIGHT_ATTENTION.replace("-np.inf", "0")
    assert sdpa.check(sdpa.drive(_listing(zero_masked), rng))

    heads = get_code_reference("split_heads_code")()
    right = """
def split_heads(x, h):
    N, T, D = x.shape
    return x.reshape(N, T, h, D // h).transpose(0, 2, 1, 3)

def merge_heads(x):
    N, h, T, d_k = x.shape
    return x.transpose(0, 2, 1, 3).reshape(N, T, h * d_k)
"""
    assert heads.check(heads.drive(_listing(right), rng)) == []
    wrong = right.replace(
        "reshape(N, T, h, D // h).transpose(0, 2, 1, 3)", "reshape(N, h, T, D // h)"
    )
    assert heads.check(heads.drive(_listing(wrong), rng))

    pe = get_code_reference("positional_encoding_code")()
    right = """
def positional_encoding(T, d_model):
    pos = np.arange(T)[:, None]
    two_i = np.arange(0, d_model, 2)[None, :]
    angle = pos / np.power(10000, two_i / d_model)
    pe = np.zeros((T, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe
"""
    assert pe.check(pe.drive(_listing(right), rng)) == []
    assert pe.check(pe.drive(_listing(right.replace("0::2] = np.sin", "1::2] = np.sin")), rng))
