"""Shared helpers for the engine tests: a layer gradient check built on numerical_gradient.

A plain module, not conftest.py: pytest registers every directory's conftest as `conftest`, so
`from conftest import TOL` picked up another directory's conftest when tests/engine ran with others.
"""

from __future__ import annotations

import numpy as np

from eprep.engine import numerical_gradient
from eprep.engine.gradcheck import relative_error

TOL = 1e-7  # the bound on the relative error of float64 gradients


def layer_gradient_errors(layer, x, rng, params=()):
    """Relative errors of backward (dx and each named parameter's d<name>) for L = sum(out * r)."""
    r = rng.standard_normal(np.shape(layer.forward(x, train_flg=True)))

    def loss(_):
        return float(np.sum(layer.forward(x, train_flg=True) * r))

    layer.forward(x, train_flg=True)
    errors = {"x": relative_error(layer.backward(r), numerical_gradient(loss, x))}
    analytic = {p: getattr(layer, {"W": "dW", "b": "db"}.get(p, "d" + p)) for p in params}
    for p in params:
        errors[p] = relative_error(analytic[p], numerical_gradient(loss, getattr(layer, p)))
    return errors
