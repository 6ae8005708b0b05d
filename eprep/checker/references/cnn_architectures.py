"""Applied CNN models (day4): MobileNet, DenseNet, ResNet, normalisation axes, EfficientNet, ViT.

Definitions: a layer's multiply-adds are one product per (output value, weight that output
reads), summed layer by layer over the output positions a window of the layer visits; a
parameter count is the sum of the products of the weight arrays' shapes; a dense block's width
is grown by concatenation, one layer at a time (Huang et al. 2017, §3, x_l = H_l([x_0, ...,
x_{l-1}])), and a transition keeps floor(theta m) of m channels (§3, compression); a residual
block is the function x -> x + F(x), differentiated with sympy.diff; a normalisation's
statistics are the mean and biased variance of the set of indices it shares (the sets built
index by index); a ViT's input sequence is the class token followed by one token per patch
position (Dosovitskiy et al. 2021, eq. 1).
"""

from __future__ import annotations

import functools
from fractions import Fraction
from itertools import product

import sympy

from eprep.checker.references import (
    CodeDefinition,
    NeedsValues,
    Params,
    code_reference,
    is_number,
    reference,
)
from eprep.checker.references.cnn import parameter_count, positions


def _mult_adds(out_h, out_w, out_channels, reads_per_output) -> sympy.Expr:
    """One multiply-add per (output value, weight it reads)."""
    return out_h * out_w * out_channels * reads_per_output


def _separable_layer_cost(channels, outputs, size, kernel=3, stride=1) -> sympy.Expr:
    """Depthwise k x k (pad (k-1)/2, stride) on `channels` maps, then pointwise to `outputs`."""
    out = positions(size, kernel, (kernel - 1) // 2, stride, divides=stride == 1)
    depthwise = _mult_adds(out, out, channels, kernel * kernel)  # one input channel each
    pointwise = _mult_adds(out, out, outputs, channels)  # every input channel, one tap
    return depthwise + pointwise


@reference("mobilenet_strided_mult_adds")
def mobilenet_strided_mult_adds(p: Params) -> sympy.Expr:
    """A 3x3 depthwise convolution with stride 2 and padding 1, then a 1x1 to N channels."""
    if not is_number(p["C"]):
        raise NeedsValues  # the positions of a stride-2 window are a floor: count them
    return sympy.expand(_separable_layer_cost(p["C"], p["N"], p["H"], stride=2))


@reference("mobilenet_multiplier_mult_adds")
def mobilenet_multiplier_mult_adds(p: Params) -> sympy.Expr:
    """The layer rebuilt with alpha M input and alpha N output channels on a rho D map."""
    alpha, rho = p["alpha"], p["rho"]
    return sympy.expand(_separable_layer_cost(alpha * p["M"], alpha * p["N"], rho * p["D"]))


@functools.cache
def _width_recurrence() -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """c_{l+1} = c_l + k (each layer's k outputs concatenated), c_0 = k_0, solved once."""
    step = sympy.Symbol("l", integer=True, nonnegative=True)
    start, growth = sympy.symbols("k_0 k", positive=True)
    c = sympy.Function("c")
    solution = sympy.rsolve(c(step + 1) - c(step) - growth, c(step), {c(0): start})
    return solution, (start, growth, step)


def _block_width(in_channels, growth, layers) -> sympy.Expr:
    """The width after `layers` concatenations, from the solved recurrence."""
    solution, (start, k, step) = _width_recurrence()
    return sympy.expand(solution.subs({start: in_channels, k: growth, step: layers}))


@reference("densenet_transition_channels")
def densenet_transition_channels(p: Params) -> sympy.Expr:
    """floor(theta * width after L concatenations)."""
    if not all(is_number(p[name]) for name in ("k0", "k", "L")):
        raise NeedsValues  # a floor: evaluate it at each variant
    return sympy.floor(p["theta"] * _block_width(p["k0"], p["k"], p["L"]))


@reference("densenet_bottleneck_params")
def densenet_bottleneck_params(p: Params) -> sympy.Expr:
    """Layer l reads the width after l - 1 layers: 1x1 W (4k, c, 1, 1), 3x3 W (k, 4k, 3, 3)."""
    k = p["k"]
    reads = _block_width(p["k0"], k, p["l"] - 1)
    return sympy.expand(parameter_count((4 * k, reads, 1, 1), (k, 4 * k, 3, 3)))


@reference("resnet_projection_block_params")
def resnet_projection_block_params(p: Params) -> sympy.Expr:
    """1x1 (Cin -> B), 3x3 (B -> B), 1x1 (B -> 4B) and a 1x1 projection shortcut (Cin -> 4B)."""
    cin, b = p["Cin"], p["B"]
    return sympy.expand(
        parameter_count((b, cin, 1, 1), (b, b, 3, 3), (4 * b, b, 1, 1), (4 * b, cin, 1, 1))
    )


@reference("residual_jacobian_entry")
def residual_jacobian_entry(p: Params) -> sympy.Expr:
    """d y_1 / d x_1 of y = x + W2 max(0, W1 x) at the variant's x, by sympy.diff."""
    names = ("a", "b", "c", "d", "p", "q", "x1", "x2")
    if not all(is_number(p[name]) for name in names):
        raise NeedsValues  # max(0, .) has a kink: differentiate at the given point only
    x = sympy.Matrix(sympy.symbols("u1 u2", real=True))
    w1 = sympy.Matrix([[p["a"], p["b"]], [p["c"], p["d"]]])
    w2_row = sympy.Matrix([[p["p"], p["q"]]])
    hidden = (w1 * x).applyfunc(lambda v: sympy.Max(0, v))
    y1 = x[0] + (w2_row * hidden)[0]
    return sympy.diff(y1, x[0]).subs({x[0]: p["x1"], x[1]: p["x2"]})


# ---------------------------------------------------------------- normalisation axes

_NAMES = ("a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2")  # x[n, c, 0, w], order n, c, w


def _tensor(p: Params) -> dict[tuple[int, int, int], sympy.Expr]:
    """The (N, C, H, W) = (2, 2, 1, 2) tensor of the prompt, keyed (n, c, w)."""
    indices = product(range(2), range(2), range(2))
    return {idx: p[name] for idx, name in zip(indices, _NAMES, strict=True)}


def _shared(scheme: str, index: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """The indices whose values enter the statistics that normalise x[index]."""
    n0, c0, _ = index
    same = {
        "batch": lambda n, c: c == c0,
        "layer": lambda n, c: n == n0,
        "instance": lambda n, c: n == n0 and c == c0,
    }[scheme]
    return [idx for idx in product(range(2), range(2), range(2)) if same(idx[0], idx[1])]


@reference("norm_axes_statistic")
def norm_axes_statistic(
    p: Params, *, scheme: str, statistic: str, sample: int, channel: int
) -> sympy.Expr:
    """The mean or biased variance `scheme` computes for x[sample, channel] (1-based)."""
    x = _tensor(p)
    values = [x[idx] for idx in _shared(scheme, (sample - 1, channel - 1, 0))]
    mean = sum(values) / len(values)
    if statistic == "mean":
        return mean
    return sympy.expand(sum((v - mean) ** 2 for v in values) / len(values))


# ---------------------------------------------------------------- EfficientNet, ViT


@reference("efficientnet_flops_factor")
def efficientnet_flops_factor(p: Params) -> sympy.Expr:
    """Multiply-adds of a stack of L k x k layers (C -> C channels, "same" padding) on an H x H
    map, scaled to depth a^phi L, width b^phi C and resolution c^phi H, over the unscaled stack."""
    depth, width, size, kernel = sympy.symbols("L_0 C_0 H_0 k_0", positive=True)

    def stack(layers, channels, resolution):
        return layers * _mult_adds(resolution, resolution, channels, channels * kernel**2)

    phi = p["phi"]
    scaled = stack(p["a"] ** phi * depth, p["b"] ** phi * width, p["c"] ** phi * size)
    return sympy.simplify(scaled / stack(depth, width, size))


@reference("efficientnet_resolution_base")
def efficientnet_resolution_base(p: Params) -> sympy.Expr:
    """The gamma > 0 for which one step of phi multiplies the stack's multiply-adds by 2."""
    gamma = sympy.Symbol("gamma_", positive=True)
    step = efficientnet_flops_factor({"a": p["a"], "b": p["b"], "c": gamma, "phi": 1})
    (solution,) = sympy.solve(sympy.Eq(step, 2), gamma)
    return solution


@reference("vit_sequence_length")
def vit_sequence_length(p: Params) -> sympy.Expr:
    """[x_class; x_p^1 E; ...; x_p^N E]: a token per P x P patch position and the class token."""
    h, patch = p["H"], p["P"]
    per_side = positions(h, patch, 0, patch, divides=True)
    return sympy.expand(per_side * per_side + 1)


@reference("vit_embedding_params")
def vit_embedding_params(p: Params) -> sympy.Expr:
    """E (P^2 C, D) with a bias (D,), the class token (D,), E_pos (N + 1, D)."""
    h, patch, d = p["H"], p["P"], p["D"]
    per_side = positions(h, patch, 0, patch, divides=True)
    return sympy.expand(
        parameter_count((patch * patch * 3, d), (d,), (d,), (per_side * per_side + 1, d))
    )


# ---------------------------------------------------------------- code


@code_reference("mobilenet_block_code")
def mobilenet_block_code() -> CodeDefinition:
    """Depthwise W (C, 1, 3, 3), pointwise W (N, C); multiply-adds counted output by output."""
    cases = ((3, 5, 1, 6, 5), (4, 2, 2, 7, 6), (2, 3, 2, 8, 8))  # C, N, stride, H, W

    def drive(namespace, rng):
        rows = []
        for c, n, stride, h, w in cases:
            block = namespace["MobileNetBlock"](c, n, stride, rng)
            rows.append(
                {
                    "case": [c, n, stride, h, w],
                    "dw": list(block.dw.W.shape),
                    "pw": list(block.pw.W.shape),
                    "mult_adds": int(block.mult_adds(h, w)),
                }
            )
        return {"rows": rows}

    def check(out):
        for row in out["rows"]:
            c, n, stride, h, w = row["case"]
            if row["dw"] != [c, 1, 3, 3] or row["pw"] != [n, c]:
                return [f"case {row['case']}: weights {row['dw']} and {row['pw']}"]
            oh, ow = int(positions(h, 3, 1, stride)), int(positions(w, 3, 1, stride))
            count = 0
            for _ in product(range(c), range(oh), range(ow)):
                count += 3 * 3  # a depthwise output reads its own channel's 3 x 3 taps
            for _ in product(range(n), range(oh), range(ow)):
                count += c  # a pointwise output reads every channel at one pixel
            if row["mult_adds"] != count:
                return [f"case {row['case']}: mult_adds {row['mult_adds']}, counted {count}"]
        return []

    return CodeDefinition(drive, check)


class _Scale:
    """H_l(z) = sum over channels of z, times integer weights, k new channels (exact arithmetic)."""

    def __init__(self, weights):
        self.weights = weights  # (k, c_in) integers

    def forward(self, x, train_flg=True):
        import numpy as np

        return np.einsum("kc,nchw->nkhw", np.asarray(self.weights, dtype=float), x)


@code_reference("dense_block_code")
def dense_block_code() -> CodeDefinition:
    """features_l = [features_{l-1}, H_l(features_{l-1})] on axis 1; transition floor(theta m)."""
    k0, growth, depth = 2, 2, 3

    def drive(namespace, rng):
        import numpy as np

        weights = [
            rng.integers(-2, 3, size=(growth, k0 + i * growth)).tolist() for i in range(depth)
        ]
        x = rng.integers(-3, 4, size=(2, k0, 2, 2)).astype(float)
        block = namespace["DenseBlockSketch"]([_Scale(w) for w in weights])
        out = np.asarray(block.forward(x))
        pairs = [(10, "3/10"), (24, "3/4"), (15, "2/5"), (7, "1/2")]
        kept = [int(namespace["transition_channels"](m, float(Fraction(t)))) for m, t in pairs]
        return {
            "weights": weights,
            "x": x.tolist(),
            "out": out.tolist(),
            "pairs": pairs,
            "kept": kept,
        }

    def check(out):
        x = out["x"]
        batch, rows, cols = len(x), len(x[0][0]), len(x[0][0][0])
        features = [[[list(map(Fraction, r)) for r in ch] for ch in sample] for sample in x]
        for w in out["weights"]:
            new = [
                [
                    [
                        [
                            sum(w[k][c] * features[n][c][i][j] for c in range(len(w[k])))
                            for j in range(cols)
                        ]
                        for i in range(rows)
                    ]
                    for k in range(len(w))
                ]
                for n in range(batch)
            ]
            features = [features[n] + new[n] for n in range(batch)]
        got = out["out"]
        if len(got) != batch or len(got[0]) != len(features[0]):
            return [f"the block gives {len(got[0]) if got else 0} channels, not {len(features[0])}"]
        for n, c, i, j in product(range(batch), range(len(features[0])), range(rows), range(cols)):
            if got[n][c][i][j] != features[n][c][i][j]:
                return [f"out[{n}, {c}, {i}, {j}] = {got[n][c][i][j]}, not {features[n][c][i][j]}"]
        for (m, theta), kept in zip(out["pairs"], out["kept"], strict=True):
            want = int(sympy.floor(Fraction(theta) * m))
            if kept != want:
                return [f"transition_channels({m}, {theta}) = {kept}, floor(theta m) = {want}"]
        return []

    return CodeDefinition(drive, check)
