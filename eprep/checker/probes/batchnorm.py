"""Probes for day2 batch normalisation: forward statistics, γ/β, running averages, backward.

Every number comes from the engine's `BatchNormalization` layer run on the variant's data.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import OptionId, Value, Variant, code_probe, probe


def _bn(gamma: float = 1.0, beta: float = 0.0, **kwargs: object):
    """An engine BatchNormalization layer over one feature."""
    from eprep.engine import BatchNormalization

    return BatchNormalization(np.array([float(gamma)]), np.array([float(beta)]), **kwargs)


def _column(variant: Variant, names: tuple[str, ...]) -> np.ndarray:
    """The variant's values `names` as a batch of shape (N, 1)."""
    return np.array([[float(variant[name])] for name in names])


_BATCH3 = ("x1", "x2", "x3")


@probe("bn_train_output")
def bn_train_output(variant: Variant, rng: np.random.Generator, index: int = 0) -> Value:
    """Training-mode output for sample `index` of the batch (x1, x2, x3) with γ, β, ε."""
    layer = _bn(variant["gamma"], variant["beta"], eps=float(variant["epsilon"]))
    out = layer.forward(_column(variant, _BATCH3), train_flg=True)
    return Value(float(out[index, 0]))


@probe("bn_batch_variance")
def bn_batch_variance(variant: Variant, rng: np.random.Generator) -> Value:
    """The variance the engine's forward pass uses, read from running_var after one step.

    With momentum 0 the running variance is replaced by the batch variance.
    """
    layer = _bn(momentum=0.0)
    layer.forward(_column(variant, _BATCH3), train_flg=True)
    return Value(float(layer.running_var[0]))


@probe("bn_output_mean")
def bn_output_mean(variant: Variant, rng: np.random.Generator) -> Value:
    """Batch mean of the training-mode output for a random batch of one feature."""
    x = rng.normal(loc=rng.uniform(-5, 5), scale=rng.uniform(0.5, 4), size=(16, 1))
    out = _bn(variant["gamma"], variant["beta"]).forward(x, train_flg=True)
    return Value(float(np.mean(out[:, 0])), abs_tol=1e-9)


@probe("bn_running_mean")
def bn_running_mean(variant: Variant, rng: np.random.Generator) -> Value:
    """running_mean after two training steps on batches with means m1 then m2 (start at 0)."""
    layer = _bn(momentum=float(variant["momentum"]))
    for name in ("m1", "m2"):
        spread = rng.uniform(0.5, 2.0)  # any symmetric batch around the mean will do
        mean = float(variant[name])
        layer.forward(np.array([[mean - spread], [mean + spread], [mean]]), train_flg=True)
    return Value(float(layer.running_mean[0]))


@probe("bn_inference_output")
def bn_inference_output(variant: Variant, rng: np.random.Generator) -> Value:
    """Inference-mode output for input x with given running statistics, γ, β, ε."""
    layer = _bn(
        variant["gamma"],
        variant["beta"],
        running_mean=np.array([float(variant["rm"])]),
        running_var=np.array([float(variant["rv"])]),
        eps=float(variant["epsilon"]),
    )
    out = layer.forward(np.array([[float(variant["x"])]]), train_flg=False)
    return Value(float(out[0, 0]))


@probe("bn_inference_statistics")
def bn_inference_statistics(variant: Variant, rng: np.random.Generator) -> OptionId:
    """Which statistics the engine's inference pass normalises with.

    Compares the train_flg=False output with normalising by the running statistics and by the
    batch's own statistics, and checks whether inference changed the running statistics.
    """
    from eprep.engine import BatchNormalization

    d = 3
    gamma, beta = rng.uniform(0.5, 2.0, d), rng.uniform(-1.0, 1.0, d)
    rm, rv = rng.uniform(-2.0, 2.0, d), rng.uniform(0.5, 3.0, d)
    layer = BatchNormalization(gamma, beta, running_mean=rm.copy(), running_var=rv.copy())
    x = rng.normal(3.0, 2.0, size=(8, d))  # batch statistics far from the running ones
    out = layer.forward(x, train_flg=False)
    if not (np.array_equal(layer.running_mean, rm) and np.array_equal(layer.running_var, rv)):
        return OptionId("update")
    by_running = gamma * (x - rm) / np.sqrt(rv + layer.eps) + beta
    by_batch = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + layer.eps) + beta
    if np.allclose(out, by_running, rtol=1e-10, atol=1e-12):
        return OptionId("running")
    if np.allclose(out, by_batch, rtol=1e-10, atol=1e-12):
        return OptionId("batch")
    return OptionId("other")


@probe("bn_dx_sum")
def bn_dx_sum(variant: Variant, rng: np.random.Generator) -> Value:
    """Sum over the batch of dL/dx from the engine's backward pass, for a random upstream dout."""
    n = int(variant["N"])
    layer = _bn(rng.uniform(0.5, 2.0), rng.uniform(-1.0, 1.0))
    x = rng.normal(rng.uniform(-3, 3), rng.uniform(0.5, 3), size=(n, 1))
    layer.forward(x, train_flg=True)
    dx = layer.backward(rng.standard_normal((n, 1)))
    return Value(float(np.sum(dx[:, 0])), abs_tol=1e-9)


def _check_forward(fn, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> None:
    from eprep.engine import BatchNormalization

    expected = BatchNormalization(gamma, beta, eps=eps).forward(x, train_flg=True)
    got = np.asarray(fn(x, gamma, beta, eps))
    np.testing.assert_allclose(
        got,
        expected,
        rtol=1e-9,
        atol=1e-12,
        err_msg=f"differs from the engine's BatchNormalization for input shape {x.shape}",
    )


@code_probe("bn_forward_code")
def bn_forward_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
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
def bn_channel_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """`batchnorm_conv_forward(x, gamma, beta, eps)` must match the engine on (N, C, H, W) input."""
    fn = namespace["batchnorm_conv_forward"]
    n, c, h, w = 4, 3, 5, 6  # all different, so a wrong axis cannot match by accident
    x = rng.normal(size=(n, c, h, w)) * rng.uniform(0.5, 3, size=(1, c, 1, 1)) + rng.uniform(
        -2, 2, size=(1, c, 1, 1)
    )
    gamma, beta = rng.uniform(0.5, 2.0, c), rng.uniform(-1.0, 1.0, c)
    _check_forward(fn, x, gamma, beta, 1e-5)


@code_probe("bn_param_grads_code")
def bn_param_grads_code(namespace: dict, variant: Variant, rng: np.random.Generator) -> None:
    """`bn_param_grads(x, dout, eps)` must return the engine's (dgamma, dbeta)."""
    from eprep.engine import BatchNormalization

    n, d = 7, 3
    x = rng.normal(1.0, 2.0, size=(n, d))
    dout = rng.standard_normal((n, d))
    layer = BatchNormalization(rng.uniform(0.5, 2.0, d), rng.uniform(-1, 1, d), eps=1e-5)
    layer.forward(x, train_flg=True)
    layer.backward(dout)
    dgamma, dbeta = namespace["bn_param_grads"](x, dout, 1e-5)
    np.testing.assert_allclose(np.asarray(dbeta), layer.dbeta, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        np.asarray(dgamma),
        layer.dgamma,
        rtol=1e-9,
        atol=1e-12,
        err_msg="dgamma differs from the engine's BatchNormalization.dgamma",
    )
