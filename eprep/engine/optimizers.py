"""Optimizers with DLFS's interface: update(params, grads) changes each params[key] in place.

State (velocities, accumulators) is kept per key and created on the first update.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np

Params = MutableMapping[str, np.ndarray]
Grads = Mapping[str, np.ndarray]


def _shape(a: object) -> tuple[int, ...]:
    return a.shape if isinstance(a, np.ndarray) else np.shape(a)  # np.shape is slower on arrays


def _check(params: Params, grads: Grads) -> None:
    for key, grad in grads.items():
        if key not in params:
            raise KeyError(f"gradient for {key!r} has no matching parameter")
        if _shape(params[key]) != _shape(grad):
            raise ValueError(
                f"parameter {key!r} has shape {np.shape(params[key])} but its gradient has "
                f"shape {np.shape(grad)}"
            )


class SGD:
    """theta -= lr * g."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        for key, g in grads.items():
            params[key] -= self.lr * g


class Momentum:
    """v = momentum * v - lr * g;  theta += v."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: dict[str, np.ndarray] | None = None

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        if self.v is None:
            self.v = {}
        for key, g in grads.items():
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            v *= self.momentum
            v -= self.lr * g
            params[key] += v


class Nesterov:
    """Nesterov momentum in the form that needs only the gradient at theta (Bengio et al. 2013).

    With the OLD velocity v:  theta += momentum^2 * v - (1 + momentum) * lr * g,  then
    v = momentum * v - lr * g.  Equivalently theta += momentum * v_new - lr * g, which is torch's
    SGD(nesterov=True) with v = -lr * buffer. DLFS's classic code updates v first and then uses
    the NEW velocity in the momentum^2 term, which adds an extra momentum^2 * (v_new - v_old).
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: dict[str, np.ndarray] | None = None

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        if self.v is None:
            self.v = {}
        mu = self.momentum
        for key, g in grads.items():
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            params[key] += mu * mu * v - (1 + mu) * self.lr * g
            v *= mu
            v -= self.lr * g


class AdaGrad:
    """h += g^2 before the step (the first gradient counts); theta -= lr * g / (sqrt(h) + eps)."""

    def __init__(self, lr: float = 0.01, eps: float = 1e-7) -> None:
        self.lr = lr
        self.eps = eps
        self.h: dict[str, np.ndarray] | None = None

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        if self.h is None:
            self.h = {}
        for key, g in grads.items():
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            h += g * g
            params[key] -= self.lr * g / (np.sqrt(h) + self.eps)


class RMSprop:
    """h = decay_rate * h + (1 - decay_rate) * g^2;  theta -= lr * g / (sqrt(h) + eps)."""

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99, eps: float = 1e-7) -> None:
        self.lr = lr
        self.decay_rate = decay_rate
        self.eps = eps
        self.h: dict[str, np.ndarray] | None = None

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        if self.h is None:
            self.h = {}
        for key, g in grads.items():
            h = self.h.setdefault(key, np.zeros_like(params[key]))
            h *= self.decay_rate
            h += (1 - self.decay_rate) * g * g
            params[key] -= self.lr * g / (np.sqrt(h) + self.eps)


class Adam:
    """Adam. Both forms keep m = b1*m + (1-b1)*g and v = b2*v + (1-b2)*g^2 at step t = 1, 2, ...

    form="paper" (Kingma & Ba, and torch.optim.Adam):
        m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t),  theta -= lr * m_hat / (sqrt(v_hat) + eps)
    form="dlfs" (Deep Learning from Scratch's lr_t form):
        lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t),  theta -= lr_t * m / (sqrt(v) + eps)
    They coincide when eps = 0. Otherwise, since sqrt(v_hat) = sqrt(v) / sqrt(1 - b2^t), the dlfs
    step equals the paper step with eps replaced by eps / sqrt(1 - b2^t):
    dlfs(eps) == paper(eps / sqrt(1 - b2^t)), equivalently paper(eps) == dlfs(eps * sqrt(1 - b2^t)).
    dlfs's eps therefore weighs more, most at early steps (1/sqrt(0.001) ~ 32x at t = 1).
    """

    FORMS = ("paper", "dlfs")

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        form: str = "paper",
    ) -> None:
        if form not in self.FORMS:
            raise ValueError(f"Adam form must be one of {self.FORMS}, got {form!r}")
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.form = form
        self.iter = 0
        self.m: dict[str, np.ndarray] | None = None
        self.v: dict[str, np.ndarray] | None = None

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        if self.m is None:
            self.m, self.v = {}, {}
        self.iter += 1
        t = self.iter
        correction1 = 1 - self.beta1**t
        correction2 = 1 - self.beta2**t
        for key, g in grads.items():
            m = self.m.setdefault(key, np.zeros_like(params[key]))
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            if self.form == "paper":
                params[key] -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
            else:
                lr_t = self.lr * np.sqrt(correction2) / correction1
                params[key] -= lr_t * m / (np.sqrt(v) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019; torch.optim.AdamW).

    Each step first shrinks the parameter, theta *= 1 - lr * weight_decay, then takes the paper-form
    Adam step on the loss gradient alone. L2 regularisation in Adam instead adds weight_decay *
    theta to the gradient, which the division by sqrt(v_hat) then rescales: parameters with large
    gradients are hardly decayed. Here the decay is the same fraction of every parameter.
    """

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps, form="paper")
        self.weight_decay = weight_decay

    def update(self, params: Params, grads: Grads) -> None:
        _check(params, grads)
        for key in grads:
            params[key] *= 1 - self.lr * self.weight_decay
        super().update(params, grads)
