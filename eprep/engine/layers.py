"""Fully connected, activation, loss and dropout layers: forward(x, ...), backward(dout) -> dx."""

from __future__ import annotations

import math

import numpy as np

from eprep.engine.functions import (
    _as_batch,
    elu,
    elu_grad,
    gelu,
    gelu_grad,
    leaky_relu,
    leaky_relu_grad,
    sigmoid,
    swish,
    swish_grad,
)


class Affine:
    """out = x @ W + b for x of any rank: x is flattened to (N, prod(rest)) and dx is restored.

    Holds W and b by reference (not copies), so a net's params dict updated in place changes
    what forward uses. Gradients land in dW and db.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        if np.ndim(W) != 2 or np.ndim(b) != 1 or np.shape(b)[0] != np.shape(W)[1]:
            raise ValueError(
                f"Affine needs W of shape (in, out) and b of shape (out,), got W {np.shape(W)} "
                f"and b {np.shape(b)}"
            )
        self.W = W
        self.b = b
        self.x: np.ndarray | None = None
        self.original_x_shape: tuple[int, ...] | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim < 2 or math.prod(x.shape[1:]) != self.W.shape[0]:
            raise ValueError(
                f"Affine: input x has shape {x.shape} but W has shape {self.W.shape}; x must be "
                f"(N, ...) with {self.W.shape[0]} features per sample"
            )
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.backward_params(dout)
        return (dout @ self.W.T).reshape(self.original_x_shape)

    def backward_params(self, dout: np.ndarray) -> None:
        """Set dW and db only; for a first layer, whose input gradient nobody uses."""
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)


class Relu:
    """max(0, x); backward passes dout where x > 0 (without modifying dout, unlike DLFS)."""

    def __init__(self) -> None:
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        self.mask = x <= 0  # DLFS's meaning: True where the unit is off
        return np.maximum(x, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * ~self.mask


class Sigmoid:
    """1 / (1 + exp(-x)); backward uses the stored output: dout * y (1 - y)."""

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self.out * (1.0 - self.out)


class Activation:
    """An elementwise activation layer: forward f(x), backward dout * f'(x) at the stored x."""

    def __init__(self, function, derivative) -> None:
        self._f, self._df = function, derivative
        self.x: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        self.x = np.asarray(x)
        return self._f(self.x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self._df(self.x)


class LeakyRelu(Activation):
    """x for x > 0, alpha x elsewhere (torch.nn.LeakyReLU(negative_slope=alpha))."""

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__(lambda x: leaky_relu(x, alpha), lambda x: leaky_relu_grad(x, alpha))
        self.alpha = alpha


class Elu(Activation):
    """x for x > 0, alpha (e^x - 1) elsewhere (torch.nn.ELU(alpha))."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__(lambda x: elu(x, alpha), lambda x: elu_grad(x, alpha))
        self.alpha = alpha


class Gelu(Activation):
    """x Phi(x), the exact GELU (torch.nn.GELU(approximate="none"))."""

    def __init__(self) -> None:
        super().__init__(gelu, gelu_grad)


class Swish(Activation):
    """x sigmoid(beta x); beta = 1 is torch.nn.SiLU."""

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__(lambda x: swish(x, beta), lambda x: swish_grad(x, beta))
        self.beta = beta


class Tanh:
    """tanh(x); backward uses the stored output: dout * (1 - y^2)."""

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1.0 - self.out * self.out)


class SoftmaxWithLoss:
    """Softmax followed by the cross-entropy loss; t is one-hot (or a distribution) or labels.

    forward computes the loss through a stable log-softmax, x - max - log(sum(exp(x - max))),
    so no 1e-7 is added: the loss is exactly -mean(sum(t * log softmax(x))), as in
    torch.nn.functional.cross_entropy. backward(dout) returns dout * (y - t) / N, DLFS's formula,
    which is the exact derivative of that loss when each row of t sums to 1. (The function
    cross_entropy_error, which the exam asks about, keeps DLFS's log(y + 1e-7).)
    """

    def __init__(self) -> None:
        self.loss: float | None = None
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, x: np.ndarray, t: np.ndarray, train_flg: bool = True) -> float:
        x = np.asarray(x)
        if x.ndim != 2:
            raise ValueError(f"SoftmaxWithLoss needs scores x of shape (N, classes), got {x.shape}")
        _, self.t = _as_batch(x, t)
        z = x - np.max(x, axis=1, keepdims=True)
        e = np.exp(z)
        total = np.sum(e, axis=1, keepdims=True)
        self.y = e / total
        n = x.shape[0]
        if self.t.shape == x.shape:
            log_y = z - np.log(total)
            self.loss = float(-np.sum(self.t * log_y) / n)
        else:
            picked = z[np.arange(n), self.t] - np.log(total[:, 0])
            self.loss = float(-np.sum(picked) / n)
        return self.loss

    def backward(self, dout: float | np.ndarray = 1.0) -> np.ndarray:
        y, t = self.y, self.t
        n = y.shape[0]
        if t.shape == y.shape:
            dx = y - t
        else:
            dx = y.copy()
            dx[np.arange(n), t] -= 1.0
        if isinstance(dout, int | float):
            dx *= dout / n  # dx is a fresh array and the scale a Python number: in place
            return dx
        return dx * (dout / n)


class Dropout:
    """Inverted dropout: keep a unit with probability 1 - dropout_ratio, scaled by 1/(1 - ratio).

    The mask is a uniform draw, `rng.random(x.shape) > dropout_ratio`, so a unit is dropped with
    probability exactly dropout_ratio. At inference (train_flg=False) the layer is the identity.
    DLFS's classic version (ClassicDropout) differs: it keeps units unscaled at training time
    and multiplies by (1 - ratio) at inference instead; both preserve the expected activation,
    but only the inverted form leaves inference untouched. Pass a numpy Generator as rng for
    reproducibility.
    """

    def __init__(self, dropout_ratio: float = 0.5, rng: np.random.Generator | None = None) -> None:
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"dropout_ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng()
        self.mask: np.ndarray | None = None
        self.scale = 1.0 / (1.0 - dropout_ratio)
        # When True, train-mode forward keeps the last mask (used by numerical gradient checks).
        self.reuse_mask = False

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if not train_flg:
            self.mask = None
            return x
        if not (self.reuse_mask and self.mask is not None and self.mask.shape == np.shape(x)):
            self.mask = self.rng.random(np.shape(x)) > self.dropout_ratio
        return x * self.mask * np.asarray(self.scale, dtype=np.result_type(x, np.float32))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.mask is None:
            return dout
        return dout * self.mask * np.asarray(self.scale, dtype=np.result_type(dout, np.float32))


class ClassicDropout:
    """DLFS's original (non-inverted) dropout: x * mask in training, x * (1 - ratio) at inference.

    The mask is drawn as in Dropout (`rng.random(x.shape) > dropout_ratio`), so a unit is dropped
    with probability dropout_ratio and kept unscaled; at inference (train_flg=False) every unit is
    multiplied by the keep probability 1 - ratio, which matches the expected training output.
    backward is the derivative of the last forward: dout * mask, or dout * (1 - ratio) after an
    inference pass. Prefer the inverted Dropout in new code: it leaves inference untouched.
    """

    def __init__(self, dropout_ratio: float = 0.5, rng: np.random.Generator | None = None) -> None:
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"dropout_ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng()
        self.mask: np.ndarray | None = None
        # When True, train-mode forward keeps the last mask (used by numerical gradient checks).
        self.reuse_mask = False

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if not train_flg:
            self.mask = None
            return x * np.asarray(1.0 - self.dropout_ratio, dtype=np.result_type(x, np.float32))
        if not (self.reuse_mask and self.mask is not None and self.mask.shape == np.shape(x)):
            self.mask = self.rng.random(np.shape(x)) > self.dropout_ratio
        return x * self.mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.mask is None:
            keep = np.asarray(1.0 - self.dropout_ratio, dtype=np.result_type(dout, np.float32))
            return dout * keep
        return dout * self.mask
