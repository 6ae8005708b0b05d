"""A code probe for the multi-blank tests: an affine layer checked against x @ W + b by loops."""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import code_probe


@code_probe("test_affine_forward")
def affine_forward(namespace, variant, rng) -> None:
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    # the oracle: each output as an explicit sum, not a matrix product
    expected = [
        [sum(x[i, k] * w[k, j] for k in range(3)) + b[j] for j in range(2)] for i in range(4)
    ]
    out = namespace["affine"](x, w, b)
    assert np.shape(out) == (4, 2), f"shape {np.shape(out)}"
    assert np.allclose(out, expected), "values differ from x @ W + b"
