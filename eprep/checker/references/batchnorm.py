"""Batch normalisation over a symbolic batch (Ioffe & Szegedy 2015, Algorithms 1 and 2).

Training: mu_B = (1/m) sum x_i, sigma_B^2 = (1/m) sum (x_i - mu_B)^2, x_hat_i = (x_i - mu_B) /
sqrt(sigma_B^2 + eps), y_i = gamma x_hat_i + beta. Inference (Algorithm 2, step 11): y = gamma /
sqrt(Var[x] + eps) * x + (beta - gamma E[x] / sqrt(Var[x] + eps)) with population statistics
fixed after training; the running average follows r <- momentum r + (1 - momentum) mu_B.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from eprep.checker.references import Params, Pick, arg, reference


def _statistics(batch: Sequence[sympy.Expr]) -> tuple[sympy.Expr, sympy.Expr]:
    m = len(batch)
    mean = sum(batch) / m
    return mean, sum((x - mean) ** 2 for x in batch) / m


def _train_outputs(batch, gamma, beta, eps) -> list[sympy.Expr]:
    mean, var = _statistics(batch)
    return [gamma * (x - mean) / sympy.sqrt(var + eps) + beta for x in batch]


@reference("bn_train_output")
def bn_train_output(
    p: Params,
    *,
    batch: Sequence[str] = ("x1", "x2", "x3"),
    sample: int = 0,
    gamma: str = "gamma",
    beta: str = "beta",
    eps: str = "epsilon",
) -> sympy.Expr:
    """y of the batch's `sample`-th element (0-based) in training mode."""
    outputs = _train_outputs([p[x] for x in batch], p[gamma], p[beta], arg(p, eps))
    return outputs[sample]


@reference("bn_batch_variance")
def bn_batch_variance(p: Params, *, batch: Sequence[str] = ("x1", "x2", "x3")) -> sympy.Expr:
    """The (biased) batch variance sigma_B^2."""
    return _statistics([p[x] for x in batch])[1]


@reference("bn_output_mean")
def bn_output_mean(
    p: Params, *, gamma: str = "gamma", beta: str = "beta", size: int = 4
) -> sympy.Expr:
    """The batch mean of y over a batch of `size` arbitrary (symbolic) inputs."""
    batch = sympy.symbols(f"z1:{size + 1}", real=True)
    eps = sympy.Symbol("eps", positive=True)
    outputs = _train_outputs(batch, p[gamma], p[beta], eps)
    return sympy.simplify(sympy.together(sum(outputs) / size))


@reference("bn_running_mean")
def bn_running_mean(
    p: Params, *, batches: Sequence[str] = ("m1", "m2"), momentum: str = "momentum"
) -> sympy.Expr:
    """The running mean after the batch means `batches`, starting from 0."""
    running = sympy.S.Zero
    for mean in batches:
        running = p[momentum] * running + (1 - p[momentum]) * p[mean]
    return running


@reference("bn_inference_output")
def bn_inference_output(
    p: Params,
    *,
    x: str = "x",
    mean: str = "rm",
    var: str = "rv",
    gamma: str = "gamma",
    beta: str = "beta",
    eps: str = "epsilon",
) -> sympy.Expr:
    """Algorithm 2, step 11: the inference transform with fixed population statistics."""
    scale = p[gamma] / sympy.sqrt(p[var] + arg(p, eps))
    return scale * p[x] + (p[beta] - scale * p[mean])


@reference("bn_inference_statistics")
def bn_inference_statistics(p: Params) -> Pick:
    """Which statistics the inference transform uses: differentiate it by batch and by statistic."""
    x1, x2, e, g, b = sympy.symbols("x1 x2 E gamma beta", real=True)
    v = sympy.Symbol("V", positive=True)
    eps = sympy.Symbol("eps", positive=True)
    scale = g / sympy.sqrt(v + eps)
    y1 = scale * x1 + (b - scale * e)  # the output for x1; x2 is another sample of the batch
    uses_batch = sympy.diff(y1, x2) != 0
    uses_statistics = sympy.diff(y1, e) != 0 and sympy.diff(y1, v) != 0
    updated = False  # Algorithm 2 fixes E[x] and Var[x] once, after training
    return Pick(
        {
            "running": sympy.sympify(uses_statistics and not uses_batch and not updated),
            "batch": sympy.sympify(uses_batch),
            "update": sympy.sympify(updated),
            "none": sympy.sympify(not uses_statistics),
        }
    )


@reference("bn_dx_sum")
def bn_dx_sum(p: Params, *, batch: str = "N") -> sympy.Expr:
    """sum_i dL/dx_i = dL/dt for the shift x_i + t, over a symbolic batch of N (IndexedBase)."""
    n = p[batch]
    x, d = sympy.IndexedBase("x"), sympy.IndexedBase("d")
    i, k = sympy.symbols("i k", integer=True, positive=True)
    t = sympy.Symbol("t", real=True)
    gamma, eps = sympy.Symbol("gamma", real=True), sympy.Symbol("eps", positive=True)
    mean = sympy.Sum(x[i] + t, (i, 1, n)) / n
    deviation = lambda j: x[j] + t - mean  # noqa: E731 - the centred input of sample j
    var = sympy.Sum(deviation(i) ** 2, (i, 1, n)) / n
    y_k = gamma * deviation(k) / sympy.sqrt(var + eps)
    slope = sympy.diff(y_k, t).doit()
    slope = sympy.simplify(sympy.expand(slope.subs(t, 0).doit()))
    return sympy.simplify(sympy.Sum(d[k] * slope, (k, 1, n)).doit())


@reference("bn_output_variance")
def bn_output_variance(
    p: Params, *, gamma: str = "gamma", var: str = "s", eps: str = "eps"
) -> sympy.Expr:
    """Var[y] for y = gamma (x - mu)/sqrt(s + eps) + beta, x of mean mu and variance s."""
    from sympy import stats

    mean, beta = sympy.Symbol("mu", real=True), sympy.Symbol("beta", real=True)
    x = stats.Normal("x", mean, sympy.sqrt(p[var]))  # any law of variance s gives the same
    y = p[gamma] * (x - mean) / sympy.sqrt(p[var] + arg(p, eps)) + beta
    return sympy.simplify(stats.variance(y))
