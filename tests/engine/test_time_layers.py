"""Recurrent, embedding and sequence-loss layers (DLFS2 interfaces).

Oracles: central-difference gradients, PyTorch's own RNN / LSTM / GRU / cross_entropy /
clip_grad_norm_ in float64 (where torch is installed; CI installs it), and hand computations.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL

from eprep.engine import (
    GRU,
    LSTM,
    RNN,
    Embedding,
    TimeAffine,
    TimeBiLSTM,
    TimeEmbedding,
    TimeGRU,
    TimeLSTM,
    TimeRNN,
    TimeSoftmaxWithLoss,
    clip_grads,
    numerical_gradient,
)
from eprep.engine.gradcheck import relative_error

N, T, D, H = 3, 4, 5, 2


def _weights(rng, gates):
    return (
        rng.standard_normal((D, gates * H)) * 0.5,
        rng.standard_normal((H, gates * H)) * 0.5,
        rng.standard_normal(gates * H) * 0.5,
    )


def _check(loss, analytic: dict, arrays: dict) -> None:
    """Every analytic gradient against the numerical gradient of `loss` w.r.t. its array."""
    for name, grad in analytic.items():
        numeric = numerical_gradient(lambda _: loss(), arrays[name])
        assert relative_error(grad, numeric) < TOL, name


# --- one step -----------------------------------------------------------------------------


def test_rnn_cell_gradients():
    rng = np.random.default_rng(0)
    layer = RNN(*_weights(rng, 1))
    x, h = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    r = rng.standard_normal((N, H))
    out = layer.forward(x, h)
    np.testing.assert_allclose(
        out, np.tanh(h @ layer.params[1] + x @ layer.params[0] + layer.params[2])
    )
    dx, dh = layer.backward(r)
    grads = [g.copy() for g in layer.grads]

    def loss():
        return float(np.sum(layer.forward(x, h) * r))

    _check(
        loss,
        {"x": dx, "h": dh, "Wx": grads[0], "Wh": grads[1], "b": grads[2]},
        {"x": x, "h": h, "Wx": layer.params[0], "Wh": layer.params[1], "b": layer.params[2]},
    )


def test_lstm_cell_gradients_and_the_forget_gate_on_dc():
    rng = np.random.default_rng(1)
    layer = LSTM(*_weights(rng, 4))
    x, h, c = (rng.standard_normal(s) for s in ((N, D), (N, H), (N, H)))
    rh, rc = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    layer.forward(x, h, c)
    dx, dh, dc = layer.backward(rh, rc)
    grads = [g.copy() for g in layer.grads]

    def loss():
        h_next, c_next = layer.forward(x, h, c)
        return float(np.sum(h_next * rh) + np.sum(c_next * rc))

    _check(
        loss,
        {"x": dx, "h": dh, "c": dc, "Wx": grads[0], "Wh": grads[1], "b": grads[2]},
        {
            "x": x,
            "h": h,
            "c": c,
            "Wx": layer.params[0],
            "Wh": layer.params[1],
            "b": layer.params[2],
        },
    )
    # With no gradient arriving through h, dc_prev is dc_next times the forget gate (f, g, i, o).
    layer.forward(x, h, c)
    _, _, dc_only = layer.backward(np.zeros((N, H)), rc)
    pre = x @ layer.params[0] + h @ layer.params[1] + layer.params[2]
    forget = 1 / (1 + np.exp(-pre[:, :H]))
    np.testing.assert_allclose(dc_only, rc * forget, rtol=1e-12)


def test_gru_cell_gradients():
    rng = np.random.default_rng(2)
    layer = GRU(*_weights(rng, 3))
    x, h = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    r = rng.standard_normal((N, H))
    layer.forward(x, h)
    dx, dh = layer.backward(r)
    grads = [g.copy() for g in layer.grads]

    def loss():
        return float(np.sum(layer.forward(x, h) * r))

    _check(
        loss,
        {"x": dx, "h": dh, "Wx": grads[0], "Wh": grads[1], "b": grads[2]},
        {"x": x, "h": h, "Wx": layer.params[0], "Wh": layer.params[1], "b": layer.params[2]},
    )


# --- over time ----------------------------------------------------------------------------


@pytest.mark.parametrize(("layer_type", "gates"), [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_time_layer_gradients_including_the_initial_state(layer_type, gates):
    rng = np.random.default_rng(3)
    layer = layer_type(*_weights(rng, gates), stateful=True)
    xs = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    r = rng.standard_normal((N, T, H))

    def loss():
        layer.set_state(h0)
        return float(np.sum(layer.forward(xs) * r))

    loss()
    dxs = layer.backward(r)
    analytic = {"xs": dxs, "h0": layer.dh.copy()}
    analytic.update(
        {name: g.copy() for name, g in zip(("Wx", "Wh", "b"), layer.grads, strict=True)}
    )
    arrays = {
        "xs": xs,
        "h0": h0,
        "Wx": layer.params[0],
        "Wh": layer.params[1],
        "b": layer.params[2],
    }
    _check(loss, analytic, arrays)


def test_time_lstm_initial_cell_gradient():
    rng = np.random.default_rng(4)
    layer = TimeLSTM(*_weights(rng, 4), stateful=True)
    xs, h0, c0 = (rng.standard_normal(s) for s in ((N, T, D), (N, H), (N, H)))
    r = rng.standard_normal((N, T, H))

    def loss():
        layer.set_state(h0, c0)
        return float(np.sum(layer.forward(xs) * r))

    loss()
    layer.backward(r)
    _check(loss, {"c0": layer.dc.copy()}, {"c0": c0})


@pytest.mark.parametrize(("layer_type", "gates"), [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_grads_are_the_same_arrays_overwritten_not_accumulated(layer_type, gates):
    rng = np.random.default_rng(5)
    layer = layer_type(*_weights(rng, gates))
    held = list(layer.grads)
    xs, r = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    layer.forward(xs)
    layer.backward(r)
    first = [g.copy() for g in layer.grads]
    layer.forward(xs)
    layer.backward(r)
    for kept, now, before in zip(held, layer.grads, first, strict=True):
        assert kept is now
        np.testing.assert_allclose(now, before, rtol=1e-13)  # not doubled


@pytest.mark.parametrize(("layer_type", "gates"), [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_stateful_chunks_equal_one_long_forward(layer_type, gates):
    rng = np.random.default_rng(6)
    weights = _weights(rng, gates)
    xs = rng.standard_normal((N, 2 * T, D))
    whole = layer_type(*weights).forward(xs)
    stateful = layer_type(*weights, stateful=True)
    chunks = np.concatenate([stateful.forward(xs[:, :T]), stateful.forward(xs[:, T:])], axis=1)
    np.testing.assert_allclose(chunks, whole, rtol=1e-13)
    stateless = layer_type(*weights)
    stateless.forward(xs[:, :T])
    fresh = layer_type(*weights).forward(xs[:, T:])
    np.testing.assert_allclose(stateless.forward(xs[:, T:]), fresh, rtol=1e-13)  # zeros again
    assert not np.allclose(fresh, whole[:, T:])  # the carried state does matter
    stateful.reset_state()
    np.testing.assert_allclose(stateful.forward(xs[:, :T]), whole[:, :T], rtol=1e-13)


def test_truncated_bptt_stops_at_the_chunk():
    rng = np.random.default_rng(7)
    layer = TimeRNN(*_weights(rng, 1), stateful=True)
    xs = rng.standard_normal((N, 2 * T, D))
    layer.forward(xs[:, :T])
    layer.forward(xs[:, T:])
    r = rng.standard_normal((N, T, H))
    dxs = layer.backward(r)
    assert dxs.shape == (N, T, D)  # only the second chunk's inputs get gradients


# --- embeddings, affine, loss, clipping ---------------------------------------------------


def test_embedding_backward_sums_repeated_indices():
    W = np.arange(12.0).reshape(4, 3)
    layer = Embedding(W)
    idx = np.array([1, 3, 1])
    np.testing.assert_array_equal(layer.forward(idx), W[[1, 3, 1]])
    dout = np.array([[1.0, 2, 3], [4, 5, 6], [10, 20, 30]])
    held = layer.grads[0]
    layer.backward(dout)
    expected = np.zeros((4, 3))
    expected[1] = [11, 22, 33]  # rows 0 and 2 of dout both belong to word 1
    expected[3] = [4, 5, 6]
    np.testing.assert_array_equal(layer.grads[0], expected)
    layer.forward(np.array([0]))
    layer.backward(np.ones((1, 3)))
    assert layer.grads[0] is held
    assert layer.grads[0][1].sum() == 0  # zeroed, not accumulated


def test_time_embedding_and_time_affine_gradients():
    rng = np.random.default_rng(8)
    emb = TimeEmbedding(rng.standard_normal((6, D)))
    ids = rng.integers(0, 6, (N, T))
    r = rng.standard_normal((N, T, D))
    emb.forward(ids)
    emb.backward(r)
    _check(
        lambda: float(np.sum(emb.forward(ids) * r)),
        {"W": emb.grads[0].copy()},
        {"W": emb.params[0]},
    )

    affine = TimeAffine(rng.standard_normal((D, 3)), rng.standard_normal(3))
    xs, r = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, 3))
    np.testing.assert_allclose(
        affine.forward(xs), np.einsum("ntd,dm->ntm", xs, affine.params[0]) + affine.params[1]
    )
    dxs = affine.backward(r)
    _check(
        lambda: float(np.sum(affine.forward(xs) * r)),
        {"xs": dxs, "W": affine.grads[0].copy(), "b": affine.grads[1].copy()},
        {"xs": xs, "W": affine.params[0], "b": affine.params[1]},
    )


def test_time_softmax_with_loss_by_hand_and_numerically():
    rng = np.random.default_rng(9)
    xs = rng.standard_normal((2, 3, 4))
    ts = np.array([[0, 3, -1], [2, -1, 1]])
    layer = TimeSoftmaxWithLoss()
    loss = layer.forward(xs, ts)
    counted = [(n, t) for n in range(2) for t in range(3) if ts[n, t] != -1]
    by_hand = -np.mean([xs[n, t, ts[n, t]] - np.log(np.sum(np.exp(xs[n, t]))) for n, t in counted])
    assert loss == pytest.approx(by_hand, rel=1e-13)
    dxs = layer.backward(1.5)
    assert np.all(dxs[0, 2] == 0) and np.all(dxs[1, 1] == 0)
    _check(lambda: 1.5 * layer.forward(xs, ts), {"xs": dxs}, {"xs": xs})
    one_hot = np.eye(4)[np.array([[0, 3, 1], [2, 0, 1]])]
    assert TimeSoftmaxWithLoss().forward(xs, one_hot) == pytest.approx(
        TimeSoftmaxWithLoss().forward(xs, np.array([[0, 3, 1], [2, 0, 1]])), rel=1e-14
    )
    with pytest.raises(ValueError, match="every label is -1"):
        layer.forward(xs, np.full((2, 3), -1))


def test_clip_grads_scales_in_place_only_above_the_norm():
    a, b = np.array([3.0, 0.0]), np.array([[0.0], [4.0]])  # global norm 5
    held = [a, b]
    assert clip_grads(held, 10.0) == pytest.approx(5.0)
    np.testing.assert_array_equal(a, [3.0, 0.0])
    clip_grads(held, 1.0)
    rate = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(a, [3.0 * rate, 0.0], rtol=1e-15)
    np.testing.assert_allclose(b, [[0.0], [4.0 * rate]], rtol=1e-15)


def test_bilstm_is_two_lstms_and_its_gradients_hold():
    rng = np.random.default_rng(10)
    w1, w2 = _weights(rng, 4), _weights(rng, 4)
    layer = TimeBiLSTM(*w1, *w2)
    xs = rng.standard_normal((N, T, D))
    out = layer.forward(xs)
    np.testing.assert_allclose(out[:, :, :H], TimeLSTM(*w1).forward(xs), rtol=1e-13)
    np.testing.assert_allclose(
        out[:, :, H:], TimeLSTM(*w2).forward(xs[:, ::-1])[:, ::-1], rtol=1e-13
    )
    r = rng.standard_normal((N, T, 2 * H))
    dxs = layer.backward(r)
    analytic = {"xs": dxs, **{f"p{i}": g.copy() for i, g in enumerate(layer.grads)}}
    arrays = {"xs": xs, **{f"p{i}": p for i, p in enumerate(layer.params)}}
    _check(lambda: float(np.sum(layer.forward(xs) * r)), analytic, arrays)


# --- PyTorch parity (float64) -------------------------------------------------------------


def _torch_grads(torch, module_out, tensors, r):
    module_out.backward(torch.tensor(r))
    return [t.grad.numpy() for t in tensors]


def test_torch_parity_rnn():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    Wx, Wh, b = _weights(rng, 1)
    xs, r = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    ours = TimeRNN(Wx, Wh, b)
    hs = ours.forward(xs)
    dxs = ours.backward(r)
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(Wx.T))
        rnn.weight_hh_l0.copy_(torch.tensor(Wh.T))
        rnn.bias_ih_l0.copy_(torch.tensor(b))
        rnn.bias_hh_l0.zero_()
    tx = torch.tensor(xs, requires_grad=True)
    out, _ = rnn(tx)
    assert np.max(np.abs(out.detach().numpy() - hs)) < 1e-10
    out.backward(torch.tensor(r))
    assert np.max(np.abs(tx.grad.numpy() - dxs)) < 1e-10
    assert np.max(np.abs(rnn.weight_ih_l0.grad.numpy().T - ours.grads[0])) < 1e-10
    assert np.max(np.abs(rnn.weight_hh_l0.grad.numpy().T - ours.grads[1])) < 1e-10
    assert np.max(np.abs(rnn.bias_ih_l0.grad.numpy() - ours.grads[2])) < 1e-10


def _blocks(a, order, size):
    """Reorder H-wide blocks of the last axis: order lists the source block of each slot."""
    return np.concatenate([a[..., k * size : (k + 1) * size] for k in order], axis=-1)


def test_torch_parity_lstm_with_gates_remapped():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    Wx, Wh, b = _weights(rng, 4)
    xs, r = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    ours = TimeLSTM(Wx, Wh, b)
    hs = ours.forward(xs)
    dxs = ours.backward(r)
    to_torch = (2, 0, 1, 3)  # ours f, g, i, o -> torch i, f, g, o
    lstm = torch.nn.LSTM(D, H, batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(_blocks(Wx, to_torch, H).T))
        lstm.weight_hh_l0.copy_(torch.tensor(_blocks(Wh, to_torch, H).T))
        lstm.bias_ih_l0.copy_(torch.tensor(_blocks(b, to_torch, H)))
        lstm.bias_hh_l0.zero_()
    tx = torch.tensor(xs, requires_grad=True)
    out, _ = lstm(tx)
    assert np.max(np.abs(out.detach().numpy() - hs)) < 1e-10
    out.backward(torch.tensor(r))
    back = (1, 2, 0, 3)  # torch i, f, g, o -> ours f, g, i, o
    assert np.max(np.abs(tx.grad.numpy() - dxs)) < 1e-10
    assert (
        np.max(np.abs(_blocks(lstm.weight_ih_l0.grad.numpy().T, back, H) - ours.grads[0])) < 1e-10
    )
    assert (
        np.max(np.abs(_blocks(lstm.weight_hh_l0.grad.numpy().T, back, H) - ours.grads[1])) < 1e-10
    )
    assert np.max(np.abs(_blocks(lstm.bias_ih_l0.grad.numpy(), back, H) - ours.grads[2])) < 1e-10


def test_torch_parity_gru_equations_restated_in_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(13)
    Wx, Wh, b = _weights(rng, 3)
    xs, r = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    ours = TimeGRU(Wx, Wh, b)
    hs = ours.forward(xs)
    dxs = ours.backward(r)
    tWx, tWh, tb, tx = (torch.tensor(a, requires_grad=True) for a in (Wx, Wh, b, xs))
    h = torch.zeros((N, H), dtype=torch.float64)
    outs = []
    for t in range(T):
        x = tx[:, t]
        z = torch.sigmoid(x @ tWx[:, :H] + h @ tWh[:, :H] + tb[:H])
        reset = torch.sigmoid(x @ tWx[:, H : 2 * H] + h @ tWh[:, H : 2 * H] + tb[H : 2 * H])
        cand = torch.tanh(x @ tWx[:, 2 * H :] + (reset * h) @ tWh[:, 2 * H :] + tb[2 * H :])
        h = (1 - z) * h + z * cand
        outs.append(h)
    out = torch.stack(outs, dim=1)
    assert np.max(np.abs(out.detach().numpy() - hs)) < 1e-10
    out.backward(torch.tensor(r))
    for theirs, mine in zip((tx, tWx, tWh, tb), (dxs, *ours.grads), strict=True):
        assert np.max(np.abs(theirs.grad.numpy() - mine)) < 1e-10


def test_torch_parity_gru_module_where_the_formulations_coincide():
    """With a diagonal Whh, r * (h Whh) = (r * h) Whh, so torch.nn.GRU computes the same map."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(14)
    Wx, Wh, b = _weights(rng, 3)
    Wh[:, 2 * H :] = np.diag(rng.standard_normal(H))
    xs, r = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    ours = TimeGRU(Wx, Wh, b)
    hs = ours.forward(xs)
    dxs = ours.backward(r)
    # torch rows r, z, n; its z is 1 - ours: sigmoid(-a) = 1 - sigmoid(a), so negate the z block.
    sign = np.concatenate([np.ones(H), -np.ones(H), np.ones(H)])
    to_torch = (1, 0, 2)
    gru = torch.nn.GRU(D, H, batch_first=True).double()
    with torch.no_grad():
        gru.weight_ih_l0.copy_(torch.tensor((_blocks(Wx, to_torch, H) * sign).T))
        gru.weight_hh_l0.copy_(torch.tensor((_blocks(Wh, to_torch, H) * sign).T))
        gru.bias_ih_l0.copy_(torch.tensor(_blocks(b, to_torch, H) * sign))
        gru.bias_hh_l0.zero_()
    tx = torch.tensor(xs, requires_grad=True)
    out, _ = gru(tx)
    assert np.max(np.abs(out.detach().numpy() - hs)) < 1e-10
    out.backward(torch.tensor(r))
    assert np.max(np.abs(tx.grad.numpy() - dxs)) < 1e-10
    dWx = _blocks(gru.weight_ih_l0.grad.numpy().T * sign, (1, 0, 2), H)
    assert np.max(np.abs(dWx - ours.grads[0])) < 1e-10


def test_torch_parity_time_softmax_with_loss_ignore_index():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(15)
    xs = rng.standard_normal((4, 5, 7)) * 3
    ts = rng.integers(0, 7, (4, 5))
    ts[rng.random((4, 5)) < 0.3] = -1
    layer = TimeSoftmaxWithLoss()
    loss = layer.forward(xs, ts)
    dxs = layer.backward()
    tx = torch.tensor(xs.reshape(-1, 7), requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tx, torch.tensor(ts.reshape(-1)), ignore_index=-1)
    tloss.backward()
    assert abs(loss - tloss.item()) < 1e-10
    assert np.max(np.abs(tx.grad.numpy().reshape(xs.shape) - dxs)) < 1e-10


def test_torch_parity_clip_grads():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(16)
    for max_norm in (0.5, 100.0):
        grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
        params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for p, g in zip(params, grads, strict=True):
            p.grad = torch.tensor(g.copy())
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
        assert clip_grads(grads, max_norm) == pytest.approx(norm.item(), rel=1e-12)
        for p, g in zip(params, grads, strict=True):
            assert np.max(np.abs(p.grad.numpy() - g)) < 1e-12
