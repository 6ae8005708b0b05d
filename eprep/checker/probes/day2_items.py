"""Probes for day2 items that ask for a consequence of an idea instead of a given value.

Each one measures on real engine layers: the mean square of a batch-norm output, the batch mean of
one inverted-dropout step with a known number of dropped units, and a feature map's height after
a convolution followed by pooling.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import Params, Value, probe

_MAX_MASKS = 20_000  # masks drawn until one drops exactly k units (P >= 1/1000 for the banks' n)


@probe("bn_output_mean_square")
def bn_output_mean_square(variant: Params, rng: np.random.Generator) -> Value:
    """Batch mean of y**2 of a training-mode engine BatchNormalization on a random batch.

    The question sets eps = 0; the engine needs eps > 0, and 1e-12 against a batch variance of at
    least 0.25 moves the result by under 4e-12 relatively, far inside the 1e-9 tolerance.
    """
    from eprep.engine import BatchNormalization

    layer = BatchNormalization(
        np.array([float(variant["gamma"])]), np.array([float(variant["beta"])]), eps=1e-12
    )
    x = rng.normal(loc=rng.uniform(-5, 5), scale=rng.uniform(0.5, 4), size=(16, 1))
    out = layer.forward(x, train_flg=True)
    return Value(float(np.mean(out[:, 0] ** 2)))


@probe("dropout_step_batch_mean")
def dropout_step_batch_mean(variant: Params, rng: np.random.Generator) -> Value:
    """Mean output of one training step of the engine's Dropout on n equal inputs x.

    Masks are drawn until one drops exactly k of the n units; the mean over that step is returned.
    """
    from eprep.engine import Dropout

    n, k = round(float(variant["n"])), round(float(variant["k"]))
    layer = Dropout(float(variant["p"]), rng=rng)
    x = np.full(n, float(variant["x"]))
    for _ in range(_MAX_MASKS):
        out = layer.forward(x, train_flg=True)
        if int(np.count_nonzero(out == 0)) == k:
            return Value(float(np.mean(out)))
    raise AssertionError(f"no mask dropped exactly {k} of {n} units in {_MAX_MASKS} draws")


@probe("conv_pool_height")
def conv_pool_height(variant: Params, rng: np.random.Generator) -> Value:
    """Height after an engine Convolution (F, S, P) and a max Pooling (PH, stride PS) on H x H."""
    from eprep.engine import Convolution, Pooling

    def whole(name: str, default: int) -> int:
        return round(float(variant[name])) if name in variant else default

    h, f, c = whole("H", 0), whole("F", 1), whole("C", 1)
    conv = Convolution(
        rng.standard_normal((2, c, f, f)),
        np.zeros(2),
        stride=whole("S", 1),
        pad=whole("P", 0),
    )
    out = conv.forward(rng.standard_normal((1, c, h, h)))
    ph = whole("PH", 2)
    out = Pooling(ph, ph, stride=whole("PS", ph)).forward(out)
    return Value(out.shape[2])
