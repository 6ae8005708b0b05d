"""Layer, instance and group normalisation from their papers' definitions.

Each normalisation computes a mean and a biased variance over a set S of indices of x and
returns gamma (x - mean_S)/sqrt(var_S + eps) + beta. The sets are: batch norm, one channel over
(N, H, W) (Ioffe & Szegedy 2015, §3.2); layer norm, one sample over all its values (Ba, Kiros &
Hinton 2016, §3); instance norm, one (sample, channel) over (H, W) (Ulyanov et al. 2016, §2);
group norm, one (sample, group of C/G consecutive channels) over those channels and (H, W)
(Wu & He 2018, §3.1). The sets are built here index by index.
"""

from __future__ import annotations

from itertools import product

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    code_reference,
    exact,
    float_close,
    from_float,
    grid,
    integer,
    reference,
)


def _standardised(values, target, eps) -> sympy.Expr:
    """(target - mean)/sqrt(biased variance + eps) over the list `values`."""
    count = len(values)
    mean = sum(values) / count
    var = sum((v - mean) ** 2 for v in values) / count
    return (target - mean) / sympy.sqrt(var + eps)


@reference("layernorm_output")
def layernorm_output(p: Params) -> sympy.Expr:
    """y for feature 1 of sample 1: statistics over sample 1's features only."""
    sample = [p["x1"], p["x2"], p["x3"]]
    return p["gamma"] * _standardised(sample, p["x1"], p["epsilon"]) + p["beta"]


def _share_set(scheme: str, shape: tuple[int, ...], index: tuple[int, ...], groups: int = 1):
    """The indices whose values enter the statistics that normalise x[index]."""
    n0, c0 = index[:2]
    size = shape[1] // groups
    members = set()
    for idx in product(*(range(s) for s in shape)):
        n, c = idx[:2]
        same = {
            "batch": c == c0,
            "layer": n == n0,
            "instance": n == n0 and c == c0,
            "group": n == n0 and c // size == c0 // size,
        }[scheme]
        if same:
            members.add(idx)
    return members


@reference("groupnorm_count")
def groupnorm_count(p: Params) -> sympy.Expr:
    """How many values share the statistics of x[0, 0, 0, 0] under group norm."""
    n, c, g, h = (integer(p[name]) for name in ("N", "C", "G", "H"))
    # The set is a product over axes (every position shares the channel's statistics), so it
    # is built with one position and two samples (enough to see whether samples mix), then
    # multiplied by the H*H positions.
    channels = _share_set("group", (min(n, 2), c, 1, 1), (0, 0, 0, 0), g)
    return sympy.Integer(len(channels) * h * h)


@reference("groupnorm_one_group")
def groupnorm_one_group(p: Params) -> Pick:
    """Which normalisation shares statistics over the same sets as group norm with G = 1."""
    shape = (2, 4, 2, 2)
    indices = list(product(*(range(s) for s in shape)))
    group = [_share_set("group", shape, i, 1) for i in indices]
    same = {
        scheme: all(_share_set(scheme, shape, i) == s for i, s in zip(indices, group, strict=True))
        for scheme in ("layer", "instance", "batch")
    }
    single = all(s == {i} for i, s in zip(indices, group, strict=True))
    return Pick(
        {
            "layer": sympy.sympify(same["layer"]),
            "instance": sympy.sympify(same["instance"]),
            "batch": sympy.sympify(same["batch"]),
            "each": sympy.sympify(single),
        }
    )


def _check_outputs(x, y, gamma, beta, eps, scheme, groups=1) -> list[str]:
    """y must equal gamma[c] * standardised + beta[c] over the scheme's sets, value by value."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if y.shape != x.shape:
        return [f"the output has shape {list(y.shape)}, not {list(x.shape)}"]
    cache: dict[frozenset, list] = {}
    for idx in np.ndindex(x.shape):
        if scheme == "layer":
            members = [(*idx[:-1], j) for j in range(x.shape[-1])]
            g, b = gamma[idx[-1]], beta[idx[-1]]
        else:
            members = sorted(_share_set(scheme, x.shape, idx, groups))
            g, b = gamma[idx[1]], beta[idx[1]]
        key = frozenset(members)
        if key not in cache:
            cache[key] = [from_float(x[m]) for m in members]
        want = from_float(g) * _standardised(cache[key], from_float(x[idx]), eps) + from_float(b)
        if not float_close(float(y[idx]), want):
            return [f"y{list(idx)} = {y[idx]}, the definition gives {float(want):.12g}"]
    return []


@code_reference("layernorm_code")
def layernorm_code(*, eps: str = "0.1") -> CodeDefinition:
    """layer_norm(x, gamma, beta, eps) on (N, D) and (B, T, D) inputs: each row over its D."""

    def drive(namespace, rng):
        import numpy as np

        cases = []
        for shape in ((3, 4), (2, 3, 4)):
            x, gamma, beta = grid(rng, shape), grid(rng, (4,)), grid(rng, (4,))
            y = namespace["layer_norm"](x, gamma, beta, float(eps))
            cases.append(
                {
                    "x": x.tolist(),
                    "gamma": gamma.tolist(),
                    "beta": beta.tolist(),
                    "y": np.asarray(y, dtype=float).tolist(),
                }
            )
        return {"cases": cases}

    def check(out):
        problems: list[str] = []
        for case in out["cases"]:
            problems += _check_outputs(
                case["x"], case["y"], case["gamma"], case["beta"], exact(eps), "layer"
            )
        return problems[:1]

    return CodeDefinition(drive, check)


@code_reference("groupnorm_code")
def groupnorm_code(*, eps: str = "0.1", groups: int = 2) -> CodeDefinition:
    """group_norm(x, G, gamma, beta, eps) on (N, C, H, W): each (sample, group) over its values."""

    def drive(namespace, rng):
        import numpy as np

        x, gamma, beta = grid(rng, (3, 4, 2, 3)), grid(rng, (4,)), grid(rng, (4,))
        y = namespace["group_norm"](x, groups, gamma, beta, float(eps))
        return {
            "x": x.tolist(),
            "gamma": gamma.tolist(),
            "beta": beta.tolist(),
            "y": np.asarray(y, dtype=float).tolist(),
        }

    def check(out):
        return _check_outputs(
            out["x"], out["y"], out["gamma"], out["beta"], exact(eps), "group", groups
        )

    return CodeDefinition(drive, check)


@reference("bn_bias_gradient")
def bn_bias_gradient(p: Params) -> sympy.Expr:
    """d/db of sum_i dout_i * BN(x_i + b)_i over a symbolic batch of three (Ioffe & Szegedy
    §3.2: the bias before batch norm is cancelled by the mean subtraction)."""
    b = sympy.Symbol("b", real=True)
    xs = sympy.symbols("u1:4", real=True)
    shifted = [x + b for x in xs]
    outputs = [p["gamma"] * _standardised(shifted, v, p["epsilon"]) + p["beta"] for v in shifted]
    loss = sum(p[f"d{i}"] * y for i, y in zip((1, 2, 3), outputs, strict=True))
    return sympy.simplify(sympy.diff(loss, b))
