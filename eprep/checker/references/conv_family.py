"""1x1, depthwise-separable, dilated, causal and transposed convolution; global average pooling.

Definitions: a layer's parameters are the sum of the products of its arrays' shapes; its
multiply-adds are one product per (output value, weight that output reads); a dilated kernel's
taps sit at j*d for j = 0 .. K-1, and an output exists for every start t (a multiple of S) whose
last tap lies inside the padded input; a receptive field is grown layer by layer (each layer adds
the reach of its last tap); a transposed convolution's output is the smallest size that a
convolution with the same (F, S, P) maps back onto the input size (its adjoint); global average
pooling is the mean of a channel's map, differentiated with sympy.diff.
"""

from __future__ import annotations

import sympy

from eprep.checker.references import (
    CodeDefinition,
    NeedsValues,
    Params,
    Pick,
    arg,
    code_reference,
    integer,
    is_number,
    reference,
)
from eprep.checker.references.cnn import parameter_count, positions


def _dilated_positions(length, kernel, dilation, pad, stride):
    """Starts t = 0, S, 2S, ... whose last tap t + d (K - 1) is inside the padded input."""
    last_tap = dilation * (kernel - 1)
    padded = length + 2 * pad
    if all(is_number(sympy.sympify(v)) for v in (length, kernel, dilation, pad, stride)):
        return sympy.Integer(
            sum(1 for t in range(0, int(padded), int(stride)) if t + last_tap <= padded - 1)
        )
    return sympy.floor((padded - 1 - last_tap) / stride) + 1


@reference("pointwise_params")
def pointwise_params(p: Params, *, inputs: str = "C", outputs: str = "FN") -> sympy.Expr:
    """A 1x1 convolution: W of shape (FN, C, 1, 1) and b of shape (FN,)."""
    return parameter_count((p[outputs], p[inputs], 1, 1), (p[outputs],))


@reference("gap_head_saving")
def gap_head_saving(p: Params) -> sympy.Expr:
    """Flatten + affine: W (C*H*H, K), b (K,); GAP + affine: W (C, K), b (K,). The difference."""
    c, h, k = p["C"], p["H"], p["K"]
    flatten_head = parameter_count((c * h * h, k), (k,))
    gap_head = parameter_count((c, k), (k,))
    return sympy.expand(flatten_head - gap_head)


@reference("gap_pixel_gradient")
def gap_pixel_gradient(p: Params) -> sympy.Expr:
    """d(g * mean of an H x IW map)/d(one pixel), the mean written as a sum of symbols."""
    h, w = integer(p["H"]), integer(p["IW"])
    pixels = sympy.symbols(f"a0:{h * w}", real=True)
    loss = p["g"] * sum(pixels) / (h * w)
    return sympy.diff(loss, pixels[h * w // 2])


@reference("separable_params")
def separable_params(p: Params) -> sympy.Expr:
    """Depthwise W (C, 1, k, k) plus pointwise W (N, C, 1, 1), no biases."""
    c, n, k = p["C"], p["N"], p["k"]
    return parameter_count((c, 1, k, k), (n, c, 1, 1))


def _mult_adds(out_h, out_w, out_channels, reads_per_output):
    """One multiply-add per (output value, weight it reads)."""
    return out_h * out_w * out_channels * reads_per_output


@reference("separable_cost_ratio")
def separable_cost_ratio(p: Params) -> sympy.Expr:
    """Multiply-adds of depthwise + pointwise over those of a standard k x k convolution."""
    c, n, k, h = p["C"], p["N"], p["k"], p["H"]
    depthwise = _mult_adds(h, h, c, k * k)  # each output channel reads one input channel
    pointwise = _mult_adds(h, h, n, c)
    standard = _mult_adds(h, h, n, c * k * k)
    return sympy.simplify((depthwise + pointwise) / standard)


@reference("conv_mult_adds")
def conv_mult_adds(p: Params) -> sympy.Expr:
    """Every output value of FN maps of OH x OH reads C * F * F weights."""
    oh = positions(p["H"], p["F"], arg(p, "P"), arg(p, "S"), divides=True)
    return _mult_adds(oh, oh, p["FN"], p["C"] * p["F"] ** 2)


@reference("dilated_output")
def dilated_output(p: Params) -> sympy.Expr:
    return _dilated_positions(p["L"], p["K"], p["d"], p["P"], p["S"])


@reference("dilated_stack_field")
def dilated_stack_field(p: Params) -> sympy.Expr:
    """B repeats of L causal layers with dilations 1, 2, ..., 2^(L-1): r grows by d (K - 1)."""
    i = sympy.Symbol("i", integer=True, nonnegative=True)
    per_stack = sympy.summation(2**i * (p["K"] - 1), (i, 0, p["L"] - 1))
    return sympy.expand(1 + p["B"] * per_stack)


@reference("causal_padding")
def causal_padding(p: Params) -> sympy.Expr:
    """The left padding z (none on the right) that keeps L outputs: solve positions = L."""
    z = sympy.Symbol("z", real=True)
    length, kernel, dilation = p["L"], p["K"], p["d"]
    outputs = (length + z - 1 - dilation * (kernel - 1)) + 1  # starts 0 .. padded - 1 - last tap
    (solution,) = sympy.solve(sympy.Eq(outputs, length), z)
    return solution


@reference("transposed_output")
def transposed_output(p: Params) -> sympy.Expr:
    """The smallest size O whose convolution with (F, S, P) has H positions (the adjoint)."""
    h, f, s, pad = (integer(p[name]) for name in ("H", "F", "S", "P"))
    size = 1
    while size + 2 * pad < f or positions(size, f, pad, s) != h:
        size += 1
        if size > 10 * (h + f) * s:
            raise NeedsValues
    return sympy.Integer(size)


# ---------------------------------------------------------------- code


def _ints(rng, shape, low=-5, high=5):
    values = rng.integers(low, high + 1, size=shape)
    values[values == 0] = 1  # no zero weights: every tap must matter
    return values.astype(float)


@code_reference("depthwise_code")
def depthwise_code(*, stride: int = 1, pad: int = 1) -> CodeDefinition:
    """out[n, c, i, j] = b[c] + sum_{a,b} W[c, 0, a, b] x_pad[n, c, iS + a, jS + b]."""

    def drive(namespace, rng):
        import numpy as np

        w, b = _ints(rng, (3, 1, 3, 2)), _ints(rng, (3,))
        x = _ints(rng, (2, 3, 5, 4))
        out = namespace["DepthwiseConvolution"](w, b, stride=stride, pad=pad).forward(x)
        return {"W": w.tolist(), "b": b.tolist(), "x": x.tolist(), "out": np.asarray(out).tolist()}

    def check(out):
        import numpy as np

        w, b = np.array(out["W"], dtype=object), np.array(out["b"], dtype=object)
        x = np.array(out["x"], dtype=object)
        channels, _, fh, fw = w.shape
        oh = int(positions(x.shape[2], fh, pad, stride))
        ow = int(positions(x.shape[3], fw, pad, stride))
        got = np.array(out["out"], dtype=float)
        if list(got.shape) != [x.shape[0], channels, oh, ow]:
            return [f"the output has shape {list(got.shape)}, not {[x.shape[0], channels, oh, ow]}"]
        xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
        for n, c, i, j in np.ndindex(got.shape):
            want = b[c] + sum(
                w[c, 0, a, e] * xp[n, c, i * stride + a, j * stride + e]
                for a in range(fh)
                for e in range(fw)
            )
            if got[n, c, i, j] != want:
                return [f"out[{n}, {c}, {i}, {j}] = {got[n, c, i, j]}, the definition gives {want}"]
        return []

    return CodeDefinition(drive, check)


@code_reference("causal_conv_code")
def causal_conv_code(*, dilation: int = 2) -> CodeDefinition:
    """out[n, t] = sum_j w[j] x[n, t - d (K - 1 - j)], taps before t = 0 reading zero."""

    def drive(namespace, rng):
        import numpy as np

        x, w = _ints(rng, (2, 9)), _ints(rng, (3,))
        out = namespace["causal_conv1d"](x, w, dilation)
        return {"x": x.tolist(), "w": w.tolist(), "out": np.asarray(out).tolist()}

    def check(out):
        x, w, got = out["x"], out["w"], out["out"]
        k = len(w)
        if len(got) != len(x) or any(len(r) != len(x[0]) for r in got):
            return [f"the output has {len(got)} rows of {len(got[0]) if got else 0} values"]
        for n, row in enumerate(x):
            for t in range(len(row)):
                want = sum(
                    w[j] * row[t - dilation * (k - 1 - j)]
                    for j in range(k)
                    if t - dilation * (k - 1 - j) >= 0
                )
                if got[n][t] != want:
                    return [f"out[{n}, {t}] = {got[n][t]}, the definition gives {want}"]
        return []

    return CodeDefinition(drive, check)


@reference("pointwise_mixing")
def pointwise_mixing(p: Params) -> Pick:
    """y[f, i, j] = sum_c W[f, c] x[c, i, j]: which outputs have a non-zero d/dx[0, 0, 0]."""
    channels, filters, size = 2, 3, 2
    x = {
        (c, i, j): sympy.Symbol(f"x_{c}_{i}_{j}")
        for c in range(channels)
        for i in range(size)
        for j in range(size)
    }
    w = sympy.Matrix(filters, channels, lambda f, c: sympy.Symbol(f"w_{f}_{c}"))
    moved = [
        (f, i, j)
        for f in range(filters)
        for i in range(size)
        for j in range(size)
        if sympy.diff(sum(w[f, c] * x[c, i, j] for c in range(channels)), x[0, 0, 0]) != 0
    ]
    out_channels = len({f for f, _, _ in moved})
    pixels = len({(i, j) for _, i, j in moved})
    return Pick(
        {
            "channels": sympy.sympify(out_channels > 1 and pixels == 1),
            "space": sympy.sympify(out_channels == 1 and pixels > 1),
            "both": sympy.sympify(out_channels > 1 and pixels > 1),
            "scale": sympy.sympify(out_channels == 1 and pixels == 1),
        }
    )


@reference("transposed_exact_padding")
def transposed_exact_padding(p: Params) -> sympy.Expr:
    """The padding P for which the scattered patches, cropped by P on each side, span S*H rows.

    The patches of inputs 0 .. H-1 start at i*S and end at i*S + F - 1, so they cover rows 0 to
    (H - 1) S + F - 1; cropping P on both sides leaves that extent minus 2P.
    """
    pad = sympy.Symbol("P_", real=True)
    h, f, s = p["H"], p["F"], p["S"]
    extent = ((h - 1) * s + f - 1) - 0 + 1  # last covered row minus first, plus one
    (solution,) = sympy.solve(sympy.Eq(extent - 2 * pad, s * h), pad)
    return solution
