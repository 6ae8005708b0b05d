"""Optimizers: each update rule written as its recurrence and unrolled by SymPy.

SGD w <- w - eta g; Momentum v <- mu v - eta g, w <- w + v (Polyak; DLFS §6.1.4); Nesterov in
Sutskever et al. (2013)'s form, the gradient taken at the look-ahead point w + mu v, reported in
that look-ahead variable; AdaGrad h <- h + g^2 (Duchi et al. 2011); RMSprop h <- rho h +
(1 - rho) g^2 (Tieleman & Hinton 2012); Adam (Kingma & Ba 2015, Algorithm 1, and the
reordered lr_t form of its §2); AdamW (Loshchilov & Hutter 2019, Algorithm 2: the decay
eta * lambda * w is applied to the weight beside the Adam step, not fed through the moments).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    arg,
    code_reference,
    exact,
    float_close,
    from_float,
    grid,
    integer,
    reference,
)


def _run(
    optimizer: str,
    w0: sympy.Expr,
    grads: Sequence[sympy.Expr],
    h: dict[str, sympy.Expr],
    form: str,
) -> list[sympy.Expr]:
    """The trajectory w_0, w_1, ..., w_T of `optimizer` fed `grads` (hyperparameters `h`)."""
    lr, eps = h["lr"], h["eps"]
    w, v, acc, m = w0, sympy.S.Zero, sympy.S.Zero, sympy.S.Zero
    theta = w0  # Nesterov: the position itself; w is the look-ahead point theta + mu v
    path = [w]
    for t, g in enumerate(grads, start=1):
        if optimizer == "sgd":
            w = w - lr * g
        elif optimizer == "momentum":
            v = h["mu"] * v - lr * g
            w = w + v
        elif optimizer == "nesterov":
            v = h["mu"] * v - lr * g  # g is the gradient at the look-ahead point w
            theta = theta + v
            w = theta + h["mu"] * v
        elif optimizer == "adagrad":
            acc = acc + g**2
            w = w - lr * g / (sympy.sqrt(acc) + eps)
        elif optimizer == "rmsprop":
            acc = h["rho"] * acc + (1 - h["rho"]) * g**2
            w = w - lr * g / (sympy.sqrt(acc) + eps)
        elif optimizer in ("adam", "adamw"):
            b1, b2 = h["b1"], h["b2"]
            decay = h["wd"] * w if optimizer == "adamw" else sympy.S.Zero
            m = b1 * m + (1 - b1) * g
            acc = b2 * acc + (1 - b2) * g**2
            if form == "paper":
                m_hat, v_hat = m / (1 - b1**t), acc / (1 - b2**t)
                w = w - lr * (m_hat / (sympy.sqrt(v_hat) + eps) + decay)
            else:  # lr_t = lr sqrt(1 - b2^t)/(1 - b1^t), applied to the raw moments
                lr_t = lr * sympy.sqrt(1 - b2**t) / (1 - b1**t)
                w = w - lr_t * m / (sympy.sqrt(acc) + eps)
        else:
            raise ValueError(f"unknown optimizer {optimizer!r}")
        path.append(w)
    return path


@reference("optimizer_steps")
def optimizer_steps(
    p: Params,
    *,
    optimizer: str,
    grads: Sequence[str],
    report: str = "final",
    eps: str = "0",
    form: str = "paper",
    repeat: str | None = None,
    w: str = "w",
    lr: str = "lr",
    mu: str = "mu",
    rho: str = "rho",
    b1: str = "b1",
    b2: str = "b2",
    wd: str = "wd",
) -> sympy.Expr:
    """w after the gradients (or the change, last step, its size, or the decrease w_0 - w_T)."""
    sequence = [arg(p, g) for g in grads]
    if repeat is not None:
        sequence = sequence * integer(p[repeat])
    w0 = p[w] if w in p else sympy.Symbol("w_0", real=True)
    hyper = {"lr": arg(p, lr), "eps": arg(p, eps)}
    for key, name in (("mu", mu), ("rho", rho), ("b1", b1), ("b2", b2), ("wd", wd)):
        if name in p:
            hyper[key] = p[name]
    path = _run(optimizer, w0, sequence, hyper, form)
    if report == "final":
        return path[-1]
    if report == "change":
        return sympy.expand(path[-1] - path[0]) if optimizer == "sgd" else path[-1] - path[0]
    if report == "decrement":
        return path[0] - path[-1]
    if report == "last-step":
        return path[-1] - path[-2]
    if report == "last-step-size":
        return sympy.Abs(path[-1] - path[-2])
    raise ValueError(f"unknown report {report!r}")


@reference("adam_first_moment")
def adam_first_moment(p: Params, *, grad: str = "g", beta: str = "b1", steps: str = "t"):
    """m_t of m <- beta m + (1 - beta) g from m_0 = 0, solved as a recurrence (rsolve)."""
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    m = sympy.Function("m")
    b, g = p[beta], p[grad]
    solution = sympy.rsolve(m(k + 1) - b * m(k) - (1 - b) * g, m(k), {m(0): 0})
    return sympy.simplify(solution.subs(k, p[steps]))


@reference("adam_lr_t")
def adam_lr_t(p: Params, *, lr: str = "lr", b1: str = "b1", b2: str = "b2", t: str = "t"):
    """The lr_t with lr_t m/sqrt(v) = lr m_hat/sqrt(v_hat) (Kingma & Ba 2015, §2)."""
    m, v = sympy.symbols("m v", positive=True)
    gap1, gap2 = sympy.symbols("G1 G2", positive=True)  # 1 - b1^t, 1 - b2^t: both in (0, 1)
    paper_step = p[lr] * (m / gap1) / sympy.sqrt(v / gap2)
    factor = sympy.simplify(paper_step / (m / sympy.sqrt(v)))
    return factor.subs({gap1: 1 - p[b1] ** p[t], gap2: 1 - p[b2] ** p[t]})


def _quadratic_factor(p: Params, curvature: str, lr: sympy.Expr) -> sympy.Expr:
    """q with w_{t+1} = q w_t for gradient descent on L(w) = a w^2 / 2."""
    w = sympy.Symbol("w", real=True)
    loss = p[curvature] * w**2 / 2
    return sympy.diff(w - lr * sympy.diff(loss, w), w)


@reference("sgd_stability_limit")
def sgd_stability_limit(p: Params, *, curvature: str = "a") -> sympy.Expr:
    """The learning rate at which |q| reaches 1 from below (q = -1), on L = a w^2 / 2."""
    eta = sympy.Symbol("eta", positive=True)
    roots = sympy.solve(sympy.Eq(_quadratic_factor(p, curvature, eta), -1), eta)
    return roots[0]


@reference("sgd_regime")
def sgd_regime(p: Params, *, curvature: str = "a", lr: str = "lr") -> Pick:
    """What w_t = q^t w_0 does: sign of q and size of |q| decide."""
    q = _quadratic_factor(p, curvature, p[lr])
    return Pick(
        {
            "zigzag": sympy.And(q < 0, q > -1),
            "monotone": sympy.And(q > 0, q < 1),
            "diverge": sympy.Abs(q) > 1,
            "stuck": sympy.Eq(q, 0),
        }
    )


@reference("momentum_terminal_step")
def momentum_terminal_step(p: Params, *, grad: str = "g", lr: str = "eta", mu: str = "mu"):
    """The fixed point of v <- mu v - eta g (the step under a constant gradient, 0 < mu < 1)."""
    v = sympy.Symbol("v", real=True)
    (fixed,) = sympy.solve(sympy.Eq(v, p[mu] * v - p[lr] * p[grad]), v)
    return fixed


_HYPER = {
    "lr": "lr",
    "momentum": "mu",
    "decay_rate": "rho",
    "beta1": "b1",
    "beta2": "b2",
    "eps": "eps",
    "weight_decay": "wd",
}


@code_reference("optimizer_code")
def optimizer_code(
    *,
    optimizer: str,
    cls: str,
    kwargs: dict,
    form: str = "paper",
    grad_scale: str = "1",
    steps: int = 3,
) -> CodeDefinition:
    """The template's optimizer class, run for a few steps, against the unrolled recurrence."""

    def drive(namespace, rng):
        instance = namespace[cls](**{k: float(v) for k, v in kwargs.items()})
        import numpy as np

        params = {"W": grid(rng, (3,))}
        start = params["W"].tolist()
        grads, path = [], []
        for _ in range(steps):
            g = grid(rng, (3,)) * float(grad_scale)
            grads.append(g.tolist())
            instance.update(params, {"W": g.copy()})
            path.append(np.asarray(params["W"], dtype=float).tolist())
        return {"start": start, "grads": grads, "path": path}

    def check(out):
        hyper = {"lr": sympy.S.Zero, "eps": sympy.S.Zero}
        hyper.update({_HYPER[k]: exact(v) for k, v in kwargs.items()})
        for i, w0 in enumerate(out["start"]):
            grads = [from_float(step[i]) for step in out["grads"]]
            want = _run(optimizer, from_float(w0), grads, hyper, form)[1:]
            for t, (got, expected) in enumerate(zip(out["path"], want, strict=True), start=1):
                if len(got) != len(out["start"]) or not float_close(got[i], expected):
                    return [f"W[{i}] after step {t} is {got[i] if len(got) > i else got}, "
                            f"the recurrence gives {float(expected):.12g}"]  # fmt: skip
        return []

    return CodeDefinition(drive, check)
