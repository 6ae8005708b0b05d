"""Probes for day2 batch normalisation: forward statistics, γ/β, running averages, backward.

Every number comes from the engine's `BatchNormalization` layer run on the variant's data, and
the layer is not trusted to compute its own statistics: the batch mean and variance are computed
here by a per-sample loop (a route that shares no code with the layer), and the layer's two modes
are checked against each other with them. The variance a layer uses is measured from its outputs.
No probe evaluates a batch-norm formula itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, after_pass, code_probe, probe


def _bn(gamma: float = 1.0, beta: float = 0.0, **kwargs: Any):
    """An engine BatchNormalization layer over one feature."""
    from eprep.engine import BatchNormalization

    return BatchNormalization(np.array([float(gamma)]), np.array([float(beta)]), **kwargs)


def _column(variant: Params, names: tuple[str, ...]) -> np.ndarray:
    """The variant's values `names` as a batch of shape (N, 1)."""
    return np.array([[float(variant[name])] for name in names])


_BATCH3 = ("x1", "x2", "x3")


def loop_statistics(values: list[float]) -> tuple[float, float]:
    """Mean and population variance by Welford's one-pass loop over the samples."""
    mean, m2 = 0.0, 0.0
    for count, value in enumerate(values, start=1):
        delta = value - mean
        mean += delta / count
        m2 += delta * (value - mean)
    return mean, m2 / len(values)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=1e-10, atol=1e-12))


@probe("bn_train_output")
def bn_train_output(variant: Params, rng: np.random.Generator, index: int = 0) -> Value:
    """Training-mode output for sample `index` of the batch (x1, x2, x3) with γ, β, ε.

    The check that makes it a measurement of batch normalisation, not of the layer's own
    arithmetic: the same layer in inference mode, given the batch's mean and variance computed
    by a per-sample loop as its running statistics, must return the same outputs.
    """
    gamma, beta, eps = (float(variant[k]) for k in ("gamma", "beta", "epsilon"))
    x = _column(variant, _BATCH3)
    out = _bn(gamma, beta, eps=eps).forward(x, train_flg=True)
    mean, var = loop_statistics([float(v) for v in x[:, 0]])
    replay = _bn(gamma, beta, running_mean=np.array([mean]), running_var=np.array([var]), eps=eps)
    if not _same(replay.forward(x, train_flg=False), out):
        raise AssertionError(
            "the layer's training output is not a normalisation by the batch's mean and variance"
        )
    return Value(float(out[index, 0]))


def measured_variance(layer_factory, x: np.ndarray) -> float:
    """The variance a batch-norm layer divides by, read off its training outputs.

    With γ = 1 and β = 0 the outputs are (x_i - mean) / d, so d = (x_i - x_j) / (y_i - y_j)
    for the two most distant samples, and the variance used is d^2 (ε is 1e-12, far below any
    tolerance here, so no assumption about where ε goes is needed).
    """
    y = layer_factory().forward(x, train_flg=True)[:, 0]
    i, j = int(np.argmax(x[:, 0])), int(np.argmin(x[:, 0]))
    return float(((x[i, 0] - x[j, 0]) / (y[i] - y[j])) ** 2)


@probe("bn_batch_variance")
def bn_batch_variance(variant: Params, rng: np.random.Generator) -> Value:
    """The variance the engine's training forward pass divides by, measured from its outputs."""
    return Value(measured_variance(lambda: _bn(eps=1e-12), _column(variant, _BATCH3)))


@probe("bn_output_mean")
def bn_output_mean(variant: Params, rng: np.random.Generator) -> Value:
    """Batch mean of the training-mode output for a random batch of one feature."""
    x = rng.normal(loc=rng.uniform(-5, 5), scale=rng.uniform(0.5, 4), size=(16, 1))
    out = _bn(variant["gamma"], variant["beta"]).forward(x, train_flg=True)
    return Value(float(np.mean(out[:, 0])), abs_tol=1e-9)


@probe("bn_running_mean")
def bn_running_mean(variant: Params, rng: np.random.Generator) -> Value:
    """running_mean after two training steps on batches with means m1 then m2 (start at 0)."""
    layer = _bn(momentum=float(variant["momentum"]))
    for name in ("m1", "m2"):
        spread = rng.uniform(0.5, 2.0)  # any symmetric batch around the mean will do
        mean = float(variant[name])
        layer.forward(np.array([[mean - spread], [mean + spread], [mean]]), train_flg=True)
    return Value(float(layer.running_mean[0]))


def batch_with_statistics(x: float, mean: float, var: float) -> np.ndarray:
    """A batch (N, 1) that contains x and has exactly the given mean and population variance.

    The other N - 1 samples are pairs c ± d around one centre c; N grows until d^2 >= 0.
    """
    n = 3
    while True:
        c = (n * mean - x) / (n - 1)
        d2 = (n * var - (x - mean) ** 2) / (n - 1) - (c - mean) ** 2
        if n % 2 == 1 and d2 > 0:
            break
        n += 1
    d = np.sqrt(d2)
    others = [c + d, c - d] * ((n - 1) // 2)
    return np.array([[x], *([v] for v in others)])


@probe("bn_inference_output")
def bn_inference_output(variant: Params, rng: np.random.Generator) -> Value:
    """Inference-mode output for input x with given running statistics, γ, β, ε.

    The check that makes it a measurement of what running statistics mean: in training mode the
    same layer must give x the same output inside a batch whose mean and variance (by a
    per-sample loop) are the running ones.
    """
    gamma, beta, eps = (float(variant[k]) for k in ("gamma", "beta", "epsilon"))
    x, rm, rv = (float(variant[k]) for k in ("x", "rm", "rv"))
    layer = _bn(gamma, beta, running_mean=np.array([rm]), running_var=np.array([rv]), eps=eps)
    out = float(layer.forward(np.array([[x]]), train_flg=False)[0, 0])
    batch = batch_with_statistics(x, rm, rv)
    mean, var = loop_statistics([float(v) for v in batch[:, 0]])
    if not (np.isclose(mean, rm, rtol=1e-12, atol=1e-12) and np.isclose(var, rv, rtol=1e-10)):
        raise AssertionError(f"the constructed batch has mean {mean}, variance {var}")
    in_training = float(_bn(gamma, beta, eps=eps).forward(batch, train_flg=True)[0, 0])
    if not np.isclose(in_training, out, rtol=1e-9, atol=1e-12):
        raise AssertionError(
            f"inference gives {out:.10g}, training on a batch with the running statistics "
            f"{in_training:.10g}"
        )
    return Value(out)


@probe("bn_inference_statistics")
def bn_inference_statistics(variant: Params, rng: np.random.Generator) -> OptionId:
    """Which statistics the engine's inference pass normalises with, by experiment.

    "update" if an inference call changes the running statistics; "batch" if a sample's output
    changes when the rest of the batch changes; "running" if it changes when the running
    statistics do (and the batch does not matter); "none" if neither matters.
    """
    from eprep.engine import BatchNormalization

    d = 3
    gamma, beta = rng.uniform(0.5, 2.0, d), rng.uniform(-1.0, 1.0, d)
    rm, rv = rng.uniform(-2.0, 2.0, d), rng.uniform(0.5, 3.0, d)

    def infer(x: np.ndarray, mean: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, bool]:
        layer = BatchNormalization(gamma, beta, running_mean=mean.copy(), running_var=var.copy())
        out = layer.forward(x, train_flg=False)
        kept = np.array_equal(after_pass(layer.running_mean), mean) and np.array_equal(
            after_pass(layer.running_var), var
        )
        return out, kept

    x = rng.normal(3.0, 2.0, size=(8, d))
    out, kept = infer(x, rm, rv)
    if not kept:
        return OptionId("update")
    other_batch = x.copy()
    other_batch[1:] = rng.normal(-1.0, 0.5, size=(7, d))  # row 0 unchanged
    if not _same(infer(other_batch, rm, rv)[0][0], out[0]):
        return OptionId("batch")
    if not _same(infer(x, rm + 1.0, rv * 2.0)[0][0], out[0]):
        return OptionId("running")
    return OptionId("none")


@probe("bn_dx_sum")
def bn_dx_sum(variant: Params, rng: np.random.Generator) -> Value:
    """Sum over the batch of dL/dx for L = sum(y * dout), measured without the backward pass.

    The sum of a gradient's entries is the derivative along the all-ones direction: a central
    difference of L at x + h and x - h (every sample shifted by h, h = 1e-3). The engine's
    backward pass must agree with it.
    """
    n = int(variant["N"])
    gamma, beta = rng.uniform(0.5, 2.0), rng.uniform(-1.0, 1.0)
    x = rng.normal(rng.uniform(-3, 3), rng.uniform(0.5, 3), size=(n, 1))
    dout = rng.standard_normal((n, 1))

    def loss(a: np.ndarray) -> float:
        return float(np.sum(_bn(gamma, beta).forward(a, train_flg=True) * dout))

    h = 1e-3
    along_ones = (loss(x + h) - loss(x - h)) / (2 * h)
    layer = _bn(gamma, beta)
    layer.forward(x, train_flg=True)
    backward = float(np.sum(layer.backward(dout)))
    if abs(backward - along_ones) > 1e-6:
        raise AssertionError(
            f"backward sums to {backward:.3g}, the loss's slope along ones is {along_ones:.3g}"
        )
    return Value(along_ones, abs_tol=1e-9)


def _check_forward(fn, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> None:
    """The template's training forward must equal batch norm with per-sample-loop statistics.

    Each feature's (or, for 4-D input (N, C, H, W), each channel's) values are gathered by
    np.transpose into columns; their mean and population variance come from loop_statistics,
    and the engine's layer normalises with them as its running statistics (train_flg=False), so
    neither the layer's own statistics nor its 4-D handling are used.
    """
    from eprep.engine import BatchNormalization

    c = x.shape[1]
    flat = x.transpose(0, 2, 3, 1).reshape(-1, c) if x.ndim == 4 else x
    stats = [loop_statistics([float(v) for v in flat[:, k]]) for k in range(c)]
    mean, var = (np.array(column) for column in zip(*stats, strict=True))
    layer = BatchNormalization(gamma, beta, running_mean=mean, running_var=var, eps=eps)
    expected = layer.forward(flat, train_flg=False)
    if x.ndim == 4:
        n, _, h, w = x.shape
        expected = expected.reshape(n, h, w, c).transpose(0, 3, 1, 2)
    got = np.asarray(fn(x, gamma, beta, eps))
    np.testing.assert_allclose(
        got,
        expected,
        rtol=1e-9,
        atol=1e-12,
        err_msg=f"differs from batch norm by the batch's statistics for input shape {x.shape}",
    )


@code_probe("bn_forward_code")
def bn_forward_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """`batchnorm_forward(x, gamma, beta, eps)` must match the engine's training forward pass.

    One batch has a variance comparable to eps, so an eps that is dropped, subtracted or added
    outside the square root changes the result far beyond the tolerance.
    """
    fn = namespace["batchnorm_forward"]
    d = 4
    gamma, beta = rng.uniform(0.5, 2.0, d), rng.uniform(-1.0, 1.0, d)
    _check_forward(fn, rng.normal(1.0, 2.0, size=(10, d)), gamma, beta, 1e-5)
    _check_forward(fn, rng.normal(0.0, 0.01, size=(10, d)), gamma, beta, 1e-4)


@code_probe("bn_channel_code")
def bn_channel_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """`batchnorm_conv_forward(x, gamma, beta, eps)` must match the engine on (N, C, H, W) input."""
    fn = namespace["batchnorm_conv_forward"]
    n, c, h, w = 4, 3, 5, 6  # all different, so a wrong axis cannot match by accident
    x = rng.normal(size=(n, c, h, w)) * rng.uniform(0.5, 3, size=(1, c, 1, 1)) + rng.uniform(
        -2, 2, size=(1, c, 1, 1)
    )
    gamma, beta = rng.uniform(0.5, 2.0, c), rng.uniform(-1.0, 1.0, c)
    _check_forward(fn, x, gamma, beta, 1e-5)


@code_probe("bn_param_grads_code")
def bn_param_grads_code(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """`bn_param_grads(x, dout, eps)` must return the derivatives of the forward pass.

    The references are central differences (the engine's numerical_gradient) of
    sum(forward(x) * dout) for the engine's layer with respect to γ and β, not its backward.
    """
    from eprep.engine import BatchNormalization, numerical_gradient

    n, d = 7, 3
    x = rng.normal(1.0, 2.0, size=(n, d))
    dout = rng.standard_normal((n, d))
    gamma, beta = rng.uniform(0.5, 2.0, d), rng.uniform(-1, 1, d)

    def loss(_: np.ndarray) -> float:
        layer = BatchNormalization(gamma, beta, eps=1e-5)
        return float(np.sum(layer.forward(x, train_flg=True) * dout))

    expected_dgamma, expected_dbeta = (
        numerical_gradient(loss, gamma),
        numerical_gradient(loss, beta),
    )
    dgamma, dbeta = namespace["bn_param_grads"](x, dout, 1e-5)
    # The loss is linear in γ and β, so central differences are exact up to round-off.
    np.testing.assert_allclose(np.asarray(dbeta), expected_dbeta, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(
        np.asarray(dgamma),
        expected_dgamma,
        rtol=1e-7,
        atol=1e-9,
        err_msg="dgamma is not the derivative of the forward pass with respect to gamma",
    )
