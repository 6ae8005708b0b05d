"""Recurrent layers with the interfaces of Deep Learning from Scratch 2 (`common/time_layers.py`).

Every layer keeps its parameters in a `params` list and their gradients in a `grads` list of
arrays created once, at construction; each backward pass *overwrites* those same arrays in place
(`grad[...] = ...`), it never adds to them and never replaces them, so an optimizer or a
gradient-clipping step that holds the list sees the new values. Shapes: N batch, T time steps,
D input features, H hidden units, V vocabulary. Loops run over time steps only.

Gate layouts of the fused weight matrices (columns of Wx, Wh and b):

- LSTM: `f, g, i, o` (forget, candidate cell, input, output), as in DLFS2. PyTorch's
  `nn.LSTM` stacks rows in the order `i, f, g, o` and Keras' `LSTM` columns `i, f, c, o`;
  both mean the same gates, so converting is a permutation of the four H-wide blocks.
- GRU: `z, r, h~` (update, reset, candidate), with `h~ = tanh(x Wxh + (r * h) Whh + bh)` and
  `h' = (1 - z) * h + z * h~`. PyTorch's `nn.GRU` applies the reset *after* the matrix product,
  `n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`, and its `z` is `1 - z` here
  (`h' = (1 - z_torch) * n + z_torch * h`); the two coincide only when Whh is diagonal.
"""

from __future__ import annotations

import numpy as np

from eprep.engine.functions import sigmoid


def _zeros_like_all(params: list[np.ndarray]) -> list[np.ndarray]:
    return [np.zeros_like(p) for p in params]


def _store(grads: list[np.ndarray], values: list[np.ndarray]) -> None:
    """Overwrite each gradient array in place (the DLFS2 contract: same arrays, new values)."""
    for grad, value in zip(grads, values, strict=True):
        grad[...] = value


class RNN:
    """One step of a vanilla RNN: h_next = tanh(h_prev @ Wh + x @ Wx + b)."""

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        self.params = [Wx, Wh, b]
        self.grads = _zeros_like_all(self.params)
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def forward(self, x: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        Wx, Wh, b = self.params
        h_next = np.tanh(h_prev @ Wh + x @ Wx + b)
        self.cache = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (dx, dh_prev); dWx, dWh, db land in `grads`."""
        Wx, Wh, _ = self.params
        x, h_prev, h_next = self.cache
        dpre = dh_next * (1.0 - h_next**2)  # through tanh
        _store(self.grads, [x.T @ dpre, h_prev.T @ dpre, dpre.sum(axis=0)])
        return dpre @ Wx.T, dpre @ Wh.T


class LSTM:
    """One LSTM step; gates f, g, i, o in the columns of Wx (D, 4H), Wh (H, 4H), b (4H,).

    c_next = f * c_prev + g * i and h_next = o * tanh(c_next). The cell state c is the constant
    error carousel: its gradient flows back to c_prev multiplied only by the forget gate f.
    """

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        self.params = [Wx, Wh, b]
        self.grads = _zeros_like_all(self.params)
        self.cache: tuple[np.ndarray, ...] | None = None

    def forward(
        self, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        Wx, Wh, b = self.params
        H = Wh.shape[0]
        pre = x @ Wx + h_prev @ Wh + b
        f = sigmoid(pre[:, :H])
        g = np.tanh(pre[:, H : 2 * H])
        i = sigmoid(pre[:, 2 * H : 3 * H])
        o = sigmoid(pre[:, 3 * H :])
        c_next = f * c_prev + g * i
        tanh_c = np.tanh(c_next)
        h_next = o * tanh_c
        self.cache = (x, h_prev, c_prev, f, g, i, o, tanh_c)
        return h_next, c_next

    def backward(
        self, dh_next: np.ndarray, dc_next: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (dx, dh_prev, dc_prev)."""
        Wx, Wh, _ = self.params
        x, h_prev, c_prev, f, g, i, o, tanh_c = self.cache
        dc = dc_next + dh_next * o * (1.0 - tanh_c**2)  # both paths into c_next
        df = dc * c_prev * f * (1.0 - f)
        dg = dc * i * (1.0 - g**2)
        di = dc * g * i * (1.0 - i)
        do = dh_next * tanh_c * o * (1.0 - o)
        dpre = np.hstack((df, dg, di, do))
        _store(self.grads, [x.T @ dpre, h_prev.T @ dpre, dpre.sum(axis=0)])
        return dpre @ Wx.T, dpre @ Wh.T, dc * f


class GRU:
    """One GRU step; z, r, h~ in the columns of Wx (D, 3H), Wh (H, 3H), b (3H,).

    z = sigmoid(x Wxz + h Whz + bz), r = sigmoid(x Wxr + h Whr + br),
    h~ = tanh(x Wxh + (r * h) Whh + bh), h_next = (1 - z) * h + z * h~.
    """

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        self.params = [Wx, Wh, b]
        self.grads = _zeros_like_all(self.params)
        self.cache: tuple[np.ndarray, ...] | None = None

    def forward(self, x: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        Wx, Wh, b = self.params
        H = Wh.shape[0]
        gates = x @ Wx[:, : 2 * H] + h_prev @ Wh[:, : 2 * H] + b[: 2 * H]
        z = sigmoid(gates[:, :H])
        r = sigmoid(gates[:, H:])
        h_tilde = np.tanh(x @ Wx[:, 2 * H :] + (r * h_prev) @ Wh[:, 2 * H :] + b[2 * H :])
        self.cache = (x, h_prev, z, r, h_tilde)
        return (1.0 - z) * h_prev + z * h_tilde

    def backward(self, dh_next: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (dx, dh_prev)."""
        Wx, Wh, _ = self.params
        x, h_prev, z, r, h_tilde = self.cache
        H = Wh.shape[0]
        dcand = dh_next * z * (1.0 - h_tilde**2)  # pre-activation of h~
        dz = dh_next * (h_tilde - h_prev) * z * (1.0 - z)
        drh = dcand @ Wh[:, 2 * H :].T  # gradient of r * h_prev
        dr = drh * h_prev * r * (1.0 - r)
        dgates = np.hstack((dz, dr))
        dpre = np.hstack((dgates, dcand))
        dWh = np.hstack((h_prev.T @ dgates, (r * h_prev).T @ dcand))
        _store(self.grads, [x.T @ dpre, dWh, dpre.sum(axis=0)])
        dx = dpre @ Wx.T
        dh_prev = dh_next * (1.0 - z) + drh * r + dgates @ Wh[:, : 2 * H].T
        return dx, dh_prev


class _TimeRecurrent:
    """Shared driver of TimeRNN / TimeLSTM / TimeGRU: one cell per step, states carried over.

    `stateful=False`: every forward starts from zero states. `stateful=True`: the last states of
    one forward are the first of the next (truncated BPTT: backward stops at the chunk's first
    step). After backward, `dh` (and `dc` for the LSTM) hold the gradient at the initial state.
    """

    cell_type: type
    state_count = 1  # h only; the LSTM also carries c

    def __init__(
        self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False
    ) -> None:
        self.params = [Wx, Wh, b]
        self.grads = _zeros_like_all(self.params)
        self.stateful = stateful
        self.layers: list = []
        self.states: list[np.ndarray] | None = None
        self.d_initial: list[np.ndarray] | None = None

    @property
    def h(self) -> np.ndarray | None:
        return None if self.states is None else self.states[0]

    @property
    def dh(self) -> np.ndarray | None:
        return None if self.d_initial is None else self.d_initial[0]

    def reset_state(self) -> None:
        self.states = None

    def forward(self, xs: np.ndarray) -> np.ndarray:
        Wh = self.params[1]
        N, T, _ = xs.shape
        H = Wh.shape[0]
        if not self.stateful or self.states is None:
            self.states = [np.zeros((N, H), dtype=Wh.dtype) for _ in range(self.state_count)]
        hs = np.empty((N, T, H), dtype=np.result_type(xs, Wh))
        self.layers = []
        for t in range(T):
            layer = self.cell_type(*self.params)
            out = layer.forward(xs[:, t, :], *self.states)
            self.states = list(out) if isinstance(out, tuple) else [out]
            hs[:, t, :] = self.states[0]
            self.layers.append(layer)
        return hs

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        Wx, _, _ = self.params
        N, T, _ = dhs.shape
        dxs = np.empty((N, T, Wx.shape[0]), dtype=np.result_type(dhs, Wx))
        d_states = [np.zeros_like(dhs[:, 0, :]) for _ in range(self.state_count)]
        totals = [np.zeros_like(g) for g in self.grads]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, *d_states = layer.backward(dhs[:, t, :] + d_states[0], *d_states[1:])
            dxs[:, t, :] = dx
            for total, grad in zip(totals, layer.grads, strict=True):
                total += grad
        _store(self.grads, totals)
        self.d_initial = d_states
        return dxs


class TimeRNN(_TimeRecurrent):
    """RNN over T steps: forward(xs: N,T,D) -> hs: N,T,H; backward(dhs) -> dxs."""

    cell_type = RNN

    def set_state(self, h: np.ndarray) -> None:
        self.states = [h]


class TimeGRU(_TimeRecurrent):
    """GRU over T steps: forward(xs: N,T,D) -> hs: N,T,H; backward(dhs) -> dxs."""

    cell_type = GRU

    def set_state(self, h: np.ndarray) -> None:
        self.states = [h]


class TimeLSTM(_TimeRecurrent):
    """LSTM over T steps; carries h and c. `set_state(h, c=None)` (c defaults to zeros)."""

    cell_type = LSTM
    state_count = 2

    @property
    def c(self) -> np.ndarray | None:
        return None if self.states is None else self.states[1]

    @property
    def dc(self) -> np.ndarray | None:
        return None if self.d_initial is None else self.d_initial[1]

    def set_state(self, h: np.ndarray, c: np.ndarray | None = None) -> None:
        self.states = [h, np.zeros_like(h) if c is None else c]


class TimeBiLSTM:
    """Two TimeLSTMs, one reading the sequence forwards and one backwards; outputs concatenated.

    forward(xs: N,T,D) -> N,T,2H with [:, :, :H] from the forward LSTM and [:, :, H:] from the
    backward one (aligned to the same time step); params and grads are the two lists joined.
    """

    def __init__(
        self,
        Wx1: np.ndarray,
        Wh1: np.ndarray,
        b1: np.ndarray,
        Wx2: np.ndarray,
        Wh2: np.ndarray,
        b2: np.ndarray,
    ) -> None:
        self.forward_lstm = TimeLSTM(Wx1, Wh1, b1)
        self.backward_lstm = TimeLSTM(Wx2, Wh2, b2)
        self.params = self.forward_lstm.params + self.backward_lstm.params
        self.grads = self.forward_lstm.grads + self.backward_lstm.grads

    def forward(self, xs: np.ndarray) -> np.ndarray:
        ahead = self.forward_lstm.forward(xs)
        behind = self.backward_lstm.forward(xs[:, ::-1])[:, ::-1]
        return np.concatenate((ahead, behind), axis=2)

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        H = dhs.shape[2] // 2
        dxs = self.forward_lstm.backward(dhs[:, :, :H])
        return dxs + self.backward_lstm.backward(dhs[:, ::-1, H:])[:, ::-1]


class Embedding:
    """forward(idx) -> W[idx]; backward zeroes dW and adds each row of dout into its index's row.

    Repeated indices therefore sum (np.add.at), which plain fancy-index assignment would not.
    """

    def __init__(self, W: np.ndarray) -> None:
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx: np.ndarray | None = None

    def forward(self, idx: np.ndarray) -> np.ndarray:
        self.idx = np.asarray(idx)
        return self.params[0][self.idx]

    def backward(self, dout: np.ndarray) -> None:
        dW = self.grads[0]
        dW[...] = 0.0
        np.add.at(dW, self.idx, dout)
        return None


class TimeEmbedding(Embedding):
    """Embedding of a whole (N, T) array of word ids -> (N, T, D); the same rule per step."""


class TimeAffine:
    """Affine applied at every time step: (N, T, D) @ W (D, M) + b -> (N, T, M)."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.params = [W, b]
        self.grads = _zeros_like_all(self.params)
        self.x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        W, b = self.params
        self.x = x
        return (x.reshape(-1, x.shape[-1]) @ W + b).reshape(*x.shape[:-1], W.shape[1])

    def backward(self, dout: np.ndarray) -> np.ndarray:
        W, _ = self.params
        flat = dout.reshape(-1, dout.shape[-1])
        _store(self.grads, [self.x.reshape(-1, self.x.shape[-1]).T @ flat, flat.sum(axis=0)])
        return (flat @ W.T).reshape(self.x.shape)


IGNORE_LABEL = -1


class TimeSoftmaxWithLoss:
    """Mean cross-entropy over the positions whose label is not -1, through a stable log-softmax.

    forward(xs: N,T,V scores, ts: N,T labels or N,T,V one-hot) -> loss. Unlike DLFS's
    `cross_entropy_error` there is no 1e-7 inside the log, so the value is exactly
    `torch.nn.functional.cross_entropy(..., ignore_index=-1)` and backward is exactly
    (softmax - one_hot) / count at the counted positions and zero at the ignored ones.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...]] | None = None

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        ts = np.asarray(ts)
        if ts.ndim == xs.ndim:  # one-hot targets
            ts = ts.argmax(axis=-1)
        V = xs.shape[-1]
        scores = xs.reshape(-1, V)
        labels = ts.reshape(-1)
        counted = labels != IGNORE_LABEL
        if not counted.any():
            raise ValueError("TimeSoftmaxWithLoss: every label is -1, nothing to average over")
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        safe = np.where(counted, labels, 0)
        picked = log_probs[np.arange(labels.size), safe]
        self.cache = (np.exp(log_probs), safe, counted, xs.shape)
        return float(-picked[counted].sum() / counted.sum())

    def backward(self, dout: float = 1.0) -> np.ndarray:
        probs, safe, counted, shape = self.cache
        dx = probs.copy()
        dx[np.arange(safe.size), safe] -= 1.0
        dx *= (counted / counted.sum())[:, None] * dout
        return dx.reshape(shape)


def clip_grads(grads: list[np.ndarray], max_norm: float) -> float:
    """Scale every gradient in place so their global L2 norm is at most max_norm; return the norm.

    rate = max_norm / (norm + 1e-6), applied only when rate < 1, as PyTorch's clip_grad_norm_.
    """
    total_norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1.0:
        for grad in grads:
            grad *= rate
    return total_norm
