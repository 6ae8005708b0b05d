"""Transformer attention: torch parity, central-difference gradients, masks, positional encoding.

Oracles: `torch.nn.functional.scaled_dot_product_attention` and `torch.nn.MultiheadAttention`
(weights mapped from in_proj_weight / out_proj), the engine's numerical gradient, a per-query
loop written from the definition, and the angle-addition identities for the encoding.
"""

from __future__ import annotations

import numpy as np
import pytest

from eprep.engine import numerical_gradient, relative_error
from eprep.engine.transformer import (
    MultiHeadAttention,
    ScaledDotProductAttention,
    causal_mask,
    merge_heads,
    padding_mask,
    positional_encoding,
    split_heads,
)

TOL = 1e-7


def _qkv(rng, lead=(2, 3), tq=4, tk=5, dk=6, dv=3):
    return (
        rng.standard_normal((*lead, tq, dk)),
        rng.standard_normal((*lead, tk, dk)),
        rng.standard_normal((*lead, tk, dv)),
    )


def test_attention_matches_a_loop_over_queries_written_from_the_definition() -> None:
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s) for s in ((3, 4), (5, 4), (5, 2)))
    out = ScaledDotProductAttention().forward(q, k, v)
    for t in range(3):
        scores = np.array([q[t] @ k[s] / 2.0 for s in range(5)])  # sqrt(d_k) = sqrt(4) = 2
        weights = np.exp(scores) / np.exp(scores).sum()
        assert np.allclose(out[t], sum(weights[s] * v[s] for s in range(5)), atol=1e-12)


@pytest.mark.parametrize("mask_kind", ["none", "causal", "padding", "random"])
def test_scaled_dot_product_attention_matches_torch(mask_kind: str) -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(1)
    q, k, v = _qkv(rng, tq=5, tk=5)
    mask = {
        "none": None,
        "causal": causal_mask(5),
        "padding": padding_mask([5, 3], 5)[:, None],  # (N, 1, 1, Tk) over heads and queries
        "random": np.c_[np.ones((5, 1), bool), rng.random((5, 4)) < 0.5],
    }[mask_kind]
    tensors = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    if mask_kind == "causal":
        expected = F.scaled_dot_product_attention(*tensors, is_causal=True)
    else:
        attn_mask = None if mask is None else torch.tensor(mask)
        expected = F.scaled_dot_product_attention(*tensors, attn_mask=attn_mask)
    layer = ScaledDotProductAttention()
    out = layer.forward(q, k, v, mask)
    assert np.allclose(out, expected.detach().numpy(), atol=1e-12)
    dout = rng.standard_normal(out.shape)
    expected.backward(torch.tensor(dout))
    for mine, theirs in zip(layer.backward(dout), tensors, strict=True):
        assert np.allclose(mine, theirs.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("masked", [False, True])
def test_attention_gradients_match_central_differences(masked: bool) -> None:
    rng = np.random.default_rng(2)
    q, k, v = _qkv(rng, lead=(2,), tq=4, tk=4)
    mask = causal_mask(4) if masked else None
    r = rng.standard_normal((2, 4, 3))
    layer = ScaledDotProductAttention()

    def loss(_):
        return float(np.sum(layer.forward(q, k, v, mask) * r))

    layer.forward(q, k, v, mask)
    grads = layer.backward(r)
    for analytic, x in zip(grads, (q, k, v), strict=True):
        assert relative_error(analytic, numerical_gradient(loss, x)) < TOL


def test_masked_positions_get_exactly_zero_weight_and_no_gradient() -> None:
    rng = np.random.default_rng(3)
    q, k, v = _qkv(rng, lead=(2,), tq=4, tk=4)
    layer = ScaledDotProductAttention()
    layer.forward(q, k, v, causal_mask(4))
    a = layer.attention_weight
    assert np.all(a[:, np.triu_indices(4, 1)[0], np.triu_indices(4, 1)[1]] == 0.0)
    assert np.allclose(a.sum(axis=-1), 1.0)
    assert np.allclose(a[:, 0, 0], 1.0)  # the first query sees only itself
    # A later key changes nothing for an earlier query: the causal mask's promise.
    k2, v2 = k.copy(), v.copy()
    k2[:, 3] += 5.0
    v2[:, 3] += 5.0
    out, out2 = layer.forward(q, k, v, causal_mask(4)), layer.forward(q, k2, v2, causal_mask(4))
    assert np.allclose(out[:, :3], out2[:, :3]) and not np.allclose(out[:, 3], out2[:, 3])
    # Gradients from the queries 0..2 never reach key 3, which none of them may see.
    dout = np.ones_like(out)
    dout[:, 3] = 0.0
    layer.forward(q, k, v, causal_mask(4))
    _, dk, dv = layer.backward(dout)
    assert np.all(dk[:, 3] == 0.0) and np.all(dv[:, 3] == 0.0)
    assert np.all(np.abs(dv[:, :3]) > 0)
    # Padding: the padded keys of sample 1 get weight 0 from every query.
    layer.forward(q, k, v, padding_mask([4, 2], 4))
    assert np.all(layer.attention_weight[1, :, 2:] == 0.0)
    assert np.all(layer.attention_weight[0] > 0)


def test_a_query_with_nothing_to_attend_to_is_an_error() -> None:
    rng = np.random.default_rng(4)
    q, k, v = _qkv(rng, lead=(), tq=2, tk=2)
    with pytest.raises(ValueError, match="no key"):
        ScaledDotProductAttention().forward(q, k, v, np.array([[True, False], [False, False]]))
    with pytest.raises(ValueError, match="lengths"):
        padding_mask([0, 2], 3)


def test_split_and_merge_heads_are_inverse_and_group_consecutive_features() -> None:
    x = np.arange(2 * 3 * 8, dtype=float).reshape(2, 3, 8)
    heads = split_heads(x, 4)
    assert heads.shape == (2, 4, 3, 2)
    assert np.array_equal(heads[1, 2, 0], x[1, 0, 4:6])  # head 2 = features 4, 5
    assert np.array_equal(merge_heads(heads), x)
    with pytest.raises(ValueError, match="divisible"):
        split_heads(x, 3)


def _torch_mha(layer: MultiHeadAttention, d: int, h: int):
    """A torch.nn.MultiheadAttention holding the engine layer's weights (torch computes x Wᵀ)."""
    torch = pytest.importorskip("torch")
    W_Q, b_Q, W_K, b_K, W_V, b_V, W_O, b_O = layer.params
    mha = torch.nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.tensor(np.concatenate([W_Q.T, W_K.T, W_V.T])))
        mha.in_proj_bias.copy_(torch.tensor(np.concatenate([b_Q, b_K, b_V])))
        mha.out_proj.weight.copy_(torch.tensor(W_O.T))
        mha.out_proj.bias.copy_(torch.tensor(b_O))
    return torch, mha


@pytest.mark.parametrize(("h", "masked"), [(1, False), (2, True), (4, False), (4, True)])
def test_multi_head_attention_matches_torch(h: int, masked: bool) -> None:
    d, N, T, S = 8, 2, 4, 5
    rng = np.random.default_rng(10 + h)
    params = [rng.standard_normal(s) * 0.5 for s in [(d, d), (d,)] * 4]
    layer = MultiHeadAttention(params, h)
    torch, mha = _torch_mha(layer, d, h)
    query, key, value = (rng.standard_normal((N, n, d)) for n in (T, S, S))
    mask = causal_mask(T, S) if masked else None
    out = layer.forward(query, key, value, mask)
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (query, key, value))
    blocked = None if mask is None else torch.tensor(~mask)  # torch's MHA: True = blocked
    expected, weights = mha(tq, tk, tv, attn_mask=blocked, average_attn_weights=False)
    assert np.allclose(out, expected.detach().numpy(), atol=1e-12)
    assert np.allclose(layer.attention_weight, weights.detach().numpy(), atol=1e-12)
    dout = rng.standard_normal(out.shape)
    expected.backward(torch.tensor(dout))
    for mine, theirs in zip(layer.backward(dout), (tq, tk, tv), strict=True):
        assert np.allclose(mine, theirs.grad.numpy(), atol=1e-10)
    d_in = mha.in_proj_weight.grad.numpy()
    db_in = mha.in_proj_bias.grad.numpy()
    for j in range(3):
        assert np.allclose(layer.grads[2 * j], d_in[j * d : (j + 1) * d].T, atol=1e-10)
        assert np.allclose(layer.grads[2 * j + 1], db_in[j * d : (j + 1) * d], atol=1e-10)
    assert np.allclose(layer.grads[6], mha.out_proj.weight.grad.numpy().T, atol=1e-10)
    assert np.allclose(layer.grads[7], mha.out_proj.bias.grad.numpy(), atol=1e-10)


def test_multi_head_key_padding_matches_torch() -> None:
    d, h = 6, 3
    rng = np.random.default_rng(20)
    layer = MultiHeadAttention.initialised(d, h, rng)
    torch, mha = _torch_mha(layer, d, h)
    x = rng.standard_normal((2, 4, d))
    mask = padding_mask([4, 2], 4)
    out = layer.forward(x, x, x, mask)
    t = torch.tensor(x)
    expected, _ = mha(t, t, t, key_padding_mask=torch.tensor(~mask[:, 0, :]))
    assert np.allclose(out, expected.detach().numpy(), atol=1e-12)
    assert np.all(layer.attention_weight[1, :, :, 2:] == 0)


@pytest.mark.parametrize("d", [4, 8, 12])
def test_parameter_count_matches_torch_module(d: int) -> None:
    torch = pytest.importorskip("torch")
    layer = MultiHeadAttention.initialised(d, 2, np.random.default_rng(0))
    mha = torch.nn.MultiheadAttention(d, 2)
    assert layer.parameter_count == sum(p.numel() for p in mha.parameters())


def test_multi_head_gradients_match_central_differences() -> None:
    d, h = 4, 2
    rng = np.random.default_rng(30)
    layer = MultiHeadAttention([rng.standard_normal(s) for s in [(d, d), (d,)] * 4], h)
    query, key, value = (rng.standard_normal((2, n, d)) for n in (3, 4, 4))
    mask = np.array([[1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]], dtype=bool)
    r = rng.standard_normal((2, 3, d))

    def loss(_):
        return float(np.sum(layer.forward(query, key, value, mask) * r))

    layer.forward(query, key, value, mask)
    dx = layer.backward(r)
    for analytic, x in zip(dx, (query, key, value), strict=True):
        assert relative_error(analytic, numerical_gradient(loss, x)) < TOL
    for param, grad in zip(layer.params, layer.grads, strict=True):
        assert relative_error(grad, numerical_gradient(loss, param)) < TOL


def test_positional_encoding_values_by_hand() -> None:
    pe = positional_encoding(50, 8)
    assert pe.shape == (50, 8)
    assert np.array_equal(pe[0], np.tile([0.0, 1.0], 4))  # sin 0, cos 0
    # column 2i = 2 has frequency 1/10000^(2/8) = 0.1: PE(pos, 2) = sin(pos/10)
    assert np.isclose(pe[7, 2], np.sin(0.7)) and np.isclose(pe[7, 3], np.cos(0.7))
    assert np.isclose(pe[3, 6], np.sin(3 / 10000 ** (6 / 8)))
    odd = positional_encoding(5, 5)
    assert np.isclose(odd[2, 4], np.sin(2 / 10000 ** (4 / 5)))


def test_positional_encoding_shift_is_a_rotation_per_frequency_pair() -> None:
    """sin(w(p+k)) = sin(wp)cos(wk) + cos(wp)sin(wk), cos(w(p+k)) = cos(wp)cos(wk) - sin(wp)sin(wk):
    PE(p + k) is PE(p) with each pair (2i, 2i+1) rotated by w_i k, whatever p is."""
    d, k = 16, 5
    pe = positional_encoding(40, d)
    w = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    for p in (0, 3, 17, 30):
        for i in range(d // 2):
            c, s = np.cos(w[i] * k), np.sin(w[i] * k)
            rotation = np.array([[c, -s], [s, c]])  # [sin, cos] row times the rotation
            assert np.allclose(pe[p, 2 * i : 2 * i + 2] @ rotation, pe[p + k, 2 * i : 2 * i + 2])
    # every pair lies on the unit circle, so ||PE(p)||^2 = d/2 and PE(p)·PE(q) depends on p - q
    assert np.allclose((pe**2).sum(axis=1), d / 2)
    assert np.isclose(pe[3] @ pe[10], pe[20] @ pe[27])


def test_the_key_bias_gets_no_gradient_because_the_softmax_ignores_shifts() -> None:
    """Hand derivation: b_K adds q_t·b_K to every score of query t, a shift the softmax removes."""
    d = 4
    rng = np.random.default_rng(40)
    layer = MultiHeadAttention([rng.standard_normal(s) for s in [(d, d), (d,)] * 4], 2)
    x = rng.standard_normal((2, 3, d))
    r = rng.standard_normal((2, 3, d))

    def loss(_):
        return float(np.sum(layer.forward(x, x, x) * r))

    layer.forward(x, x, x)
    layer.backward(r)
    assert np.allclose(layer.grads[3], 0.0, atol=1e-12)
    assert np.allclose(numerical_gradient(loss, layer.params[3]), 0.0, atol=1e-9)
    assert np.abs(layer.grads[1]).max() > 1e-3  # the query bias does matter
