"""Batch normalisation over a symbolic batch (Ioffe & Szegedy 2015, Algorithms 1 and 2).

Training: mu_B = (1/m) sum x_i, sigma_B^2 = (1/m) sum (x_i - mu_B)^2, x_hat_i = (x_i - mu_B) /
sqrt(sigma_B^2 + eps), y_i = gamma x_hat_i + beta. Inference (Algorithm 2, step 11): y = gamma /
sqrt(Var[x] + eps) * x + (beta - gamma E[x] / sqrt(Var[x] + eps)) with population statistics
fixed after training; the running average follows r <- momentum r + (1 - momentum) mu_B.
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
    reference,
)


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


def _column_outputs(column, gamma, beta, eps) -> list[sympy.Expr]:
    return _train_outputs([from_float(v) for v in column], from_float(gamma), from_float(beta), eps)


def _compare(label: str, got, want) -> list[str]:
    if len(got) != len(want):
        return [f"{label} has {len(got)} values, the definition {len(want)}"]
    for index, (a, b) in enumerate(zip(got, want, strict=True)):
        if not float_close(a, b):
            return [f"{label}[{index}] = {a}, the definition gives {float(b):.12g}"]
    return []


@code_reference("bn_forward_code")
def bn_forward_code(*, eps: str = "0.1") -> CodeDefinition:
    """batchnorm_forward(x, gamma, beta, eps) against Algorithm 1 per feature (column)."""

    def drive(namespace, rng):
        x, gamma, beta = grid(rng, (4, 3)), grid(rng, (3,)), grid(rng, (3,))
        y = namespace["batchnorm_forward"](x, gamma, beta, float(eps))
        return {"x": x.tolist(), "gamma": gamma.tolist(), "beta": beta.tolist(), "y": _rows(y)}

    def check(out):
        columns = list(zip(*out["x"], strict=True))
        want = [
            _column_outputs(col, g, b, exact(eps))
            for col, g, b in zip(columns, out["gamma"], out["beta"], strict=True)
        ]
        flat_want = [want[j][i] for i in range(len(out["x"])) for j in range(len(columns))]
        return _compare("y", [v for row in out["y"] for v in row], flat_want)

    return CodeDefinition(drive, check)


@code_reference("bn_channel_code")
def bn_channel_code(*, eps: str = "0.1") -> CodeDefinition:
    """A conv batch norm normalises each channel over the batch and both spatial axes."""

    def drive(namespace, rng):
        import numpy as np

        x, gamma, beta = grid(rng, (2, 3, 2, 2)), grid(rng, (3,)), grid(rng, (3,))
        y = namespace["batchnorm_conv_forward"](x, gamma, beta, float(eps))
        return {
            "x": x.tolist(),
            "gamma": gamma.tolist(),
            "beta": beta.tolist(),
            "shape": list(np.shape(y)),
            "y": np.ravel(y).tolist(),
        }

    def check(out):
        import numpy as np

        x = np.array(out["x"])
        if out["shape"] != list(x.shape):
            return [f"the output has shape {out['shape']}, not {list(x.shape)}"]
        want = np.empty(x.shape, dtype=object)
        for c in range(x.shape[1]):
            values = x[:, c].ravel()
            ys = _column_outputs(values, out["gamma"][c], out["beta"][c], exact(eps))
            want[:, c] = np.array(ys, dtype=object).reshape(x[:, c].shape)
        return _compare("y", out["y"], list(want.ravel()))

    return CodeDefinition(drive, check)


@code_reference("bn_param_grads_code")
def bn_param_grads_code(*, eps: str = "0.1") -> CodeDefinition:
    """dgamma, dbeta as sympy.diff of sum(dout * y) by gamma_j and beta_j."""

    def drive(namespace, rng):
        x, dout = grid(rng, (4, 3)), grid(rng, (4, 3))
        dgamma, dbeta = namespace["bn_param_grads"](x, dout, float(eps))
        return {
            "x": x.tolist(),
            "dout": dout.tolist(),
            "dgamma": _rows(dgamma),
            "dbeta": _rows(dbeta),
        }

    def check(out):
        g, b = sympy.symbols("gamma beta", real=True)
        want_g, want_b = [], []
        for j, column in enumerate(zip(*out["x"], strict=True)):
            ys = _train_outputs([from_float(v) for v in column], g, b, exact(eps))
            loss = sum(from_float(row[j]) * y for row, y in zip(out["dout"], ys, strict=True))
            want_g.append(sympy.diff(loss, g))
            want_b.append(sympy.diff(loss, b))
        return _compare("dgamma", out["dgamma"], want_g) + _compare("dbeta", out["dbeta"], want_b)

    return CodeDefinition(drive, check)


def _rows(values):
    import numpy as np

    return np.asarray(values, dtype=float).tolist()


@reference("bn_output_mean_square")
def bn_output_mean_square(
    p: Params, *, gamma: str = "gamma", beta: str = "beta", size: int = 4
) -> sympy.Expr:
    """The batch mean of y^2 with eps = 0, over a batch of `size` arbitrary (symbolic) inputs."""
    batch = sympy.symbols(f"z1:{size + 1}", real=True)
    outputs = _train_outputs(batch, p[gamma], p[beta], sympy.S.Zero)
    return sympy.simplify(sympy.expand(sum(y**2 for y in outputs) / size))
