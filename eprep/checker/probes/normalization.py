"""Probes for the layer/instance/group normalisation questions, measured on engine layers.

Which values share statistics is measured, not read from the code: one input value is changed
and the outputs that move are the values normalised together with it (a normalisation's output
depends on the other inputs only through the shared mean and variance).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _int, _lookup
from eprep.engine import (
    Affine,
    BatchNormalization,
    GroupNorm,
    InstanceNorm,
    LayerNorm,
    numerical_gradient,
)


def moved_by(layer: Any, x: np.ndarray, index: tuple[int, ...]) -> np.ndarray:
    """Mask of the outputs that change when only x[index] changes."""
    base = layer.forward(x.copy())
    nudged = x.copy()
    nudged[index] += 0.5
    return np.abs(layer.forward(nudged) - base) > 1e-12


@probe("layernorm_output")
def layernorm_output(variant: Params, rng: np.random.Generator) -> Value:
    """Output [0, 0] of an engine LayerNorm over the variant's two samples of three features."""
    x = np.array([[variant[f"x{i}"] for i in (1, 2, 3)], [variant[f"z{i}"] for i in (1, 2, 3)]])
    gamma, beta = float(variant["gamma"]), float(variant["beta"])
    layer = LayerNorm(np.full(3, gamma), np.full(3, beta), eps=float(variant["epsilon"]))
    return Value(float(layer.forward(x.astype(float))[0, 0]))


@probe("groupnorm_count")
def groupnorm_count(variant: Params, rng: np.random.Generator) -> Value:
    """Outputs of an engine GroupNorm that move when x[0, 0, 0, 0] does."""
    n, c, g, h = (_int(variant, name) for name in ("N", "C", "G", "H"))
    layer = GroupNorm(g, np.ones(c), np.zeros(c))
    x = rng.standard_normal((n, c, h, h))
    return Value(int(np.count_nonzero(moved_by(layer, x, (0, 0, 0, 0)))))


@probe("groupnorm_one_group")
def groupnorm_one_group(variant: Params, rng: np.random.Generator) -> OptionId:
    """Compare, input by input, the outputs GroupNorm(G = 1) moves with those of the others."""
    shape = (3, 4, 2, 3)
    x = rng.standard_normal(shape)
    c = shape[1]
    candidates = {
        "layer": LayerNorm(np.ones(shape[1:]), np.zeros(shape[1:])),
        "instance": InstanceNorm(np.ones(c), np.zeros(c)),
        "batch": BatchNormalization(np.ones(c), np.zeros(c)),
    }
    group = GroupNorm(1, np.ones(c), np.zeros(c))
    indices = [(0, 0, 0, 0), (1, 2, 1, 0), (2, 3, 0, 2)]
    masks = [moved_by(group, x, i) for i in indices]
    for name, layer in candidates.items():
        if all((moved_by(layer, x, i) == m).all() for i, m in zip(indices, masks, strict=True)):
            return OptionId(name)
    if all(m.sum() == 1 for m in masks):
        return OptionId("each")
    raise AssertionError("GroupNorm(G = 1) shares statistics like none of the options")


# (shape, G): N > 1 and N != C, W != C, so swapped or broadcast axes cannot pass by accident.
_GROUP_CASES = (((3, 4, 2, 3), 2), ((2, 6, 3, 2), 3), ((4, 6, 2, 2), 2))


@code_probe("layernorm_matches_engine")
def layernorm_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's layer_norm must equal an engine LayerNorm over the last axis."""
    fn = _lookup(namespace, "layer_norm")
    for shape in ((4, 5), (2, 3, 5), (3, 2, 5)):
        x = rng.standard_normal(shape)
        gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
        expected = LayerNorm(gamma, beta, eps=0.1).forward(x)
        _compare("layer_norm", shape, fn(x.copy(), gamma.copy(), beta.copy(), 0.1), expected)


@code_probe("groupnorm_matches_engine")
def groupnorm_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's group_norm must equal an engine GroupNorm."""
    fn = _lookup(namespace, "group_norm")
    for shape, groups in _GROUP_CASES:
        x = rng.standard_normal(shape)
        gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
        expected = GroupNorm(groups, gamma, beta, eps=0.1).forward(x)
        mine = fn(x.copy(), groups, gamma.copy(), beta.copy(), 0.1)
        _compare("group_norm", (shape, groups), mine, expected)


@probe("bn_bias_gradient")
def bn_bias_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference, in the bias, of sum(dout * BN(x W + b)) with engine layers."""
    gamma, beta, eps = float(variant["gamma"]), float(variant["beta"]), float(variant["epsilon"])
    dout = np.array([[variant["d1"]], [variant["d2"]], [variant["d3"]]], dtype=float)
    affine = Affine(rng.standard_normal((2, 1)), rng.standard_normal(1))
    norm = BatchNormalization(np.array([gamma]), np.array([beta]), eps=eps)
    x = rng.standard_normal((3, 2))

    def loss(_: np.ndarray) -> float:
        return float(np.sum(norm.forward(affine.forward(x)) * dout))

    return Value(float(numerical_gradient(loss, affine.b)[0]), rel_tol=1e-6, abs_tol=1e-7)
