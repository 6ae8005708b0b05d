"""Convolution and pooling: sizes as counts of window positions, counts from parameter shapes.

A window of size F slides over a (padded) length H + 2P in steps of S; its positions are the
i >= 0 with i S + F <= H + 2P, so there are floor((H + 2P - F)/S) + 1 of them (counted one by
one when the sizes are numbers). A layer's parameter count is the sum over its parameter arrays
of the product of their shapes. AlexNet is the table of Krizhevsky, Sutskever & Hinton (2012),
§3.5 and Figure 2, on 227 x 227 inputs (the size its first layer's arithmetic needs).
"""

from __future__ import annotations

from math import prod

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    arg,
    code_reference,
    is_number,
    reference,
)


def positions(size, window, pad=0, stride=1, *, divides: bool = False) -> sympy.Expr:
    """How many places a window fits along one axis."""
    span = size + 2 * pad - window
    if all(is_number(sympy.sympify(v)) for v in (size, window, pad, stride)):
        return sympy.Integer(len(range(0, int(span) + 1, int(stride))))  # count them
    if divides:  # the positions 0, S, ..., span when S divides span
        return span / stride + 1
    return sympy.floor(span / stride) + 1  # the largest i with i*S <= span is floor(span/S)


def parameter_count(*shapes: tuple) -> sympy.Expr:
    """Sum over the parameter arrays of the product of each shape."""
    return sum((prod(shape) for shape in shapes), sympy.S.Zero)


@reference("conv_output")
def conv_output(
    p: Params,
    *,
    report: str,
    height: str = "H",
    width: str | None = None,
    filter_h: str = "F",
    filter_w: str | None = None,
    pad: str = "0",
    stride: str = "1",
    filters: str = "FN",
    divides: bool = False,
) -> sympy.Expr:
    """The output "height", "positions" (height x width) or "channels" of a convolution."""
    pad_, stride_ = arg(p, pad), arg(p, stride)
    oh = positions(p[height], p[filter_h], pad_, stride_, divides=divides)
    if report == "height":
        return oh
    if report == "positions":
        ow = positions(p[width or height], p[filter_w or filter_h], pad_, stride_, divides=divides)
        return oh * ow
    if report == "channels":
        return p[filters]  # one output map per filter: W has shape (FN, C, F, F)
    raise ValueError(f"unknown report {report!r}")


@reference("same_padding")
def same_padding(p: Params, *, height: str = "H", filter: str = "F") -> sympy.Expr:
    """The padding P that makes the stride-1 output size equal the input size."""
    pad = sympy.Symbol("P", integer=True, nonnegative=True)
    equation = sympy.Eq(positions(p[height], p[filter], pad, 1), p[height])
    unknown = sympy.Symbol("P_", real=True)  # solve the (now floor-free) equation over the reals
    (solution,) = sympy.solve(equation.subs(pad, unknown), unknown)
    return solution


@reference("pool_output")
def pool_output(
    p: Params, *, height: str = "H", window: str = "PH", stride: str = "S", pad: str = "0"
) -> sympy.Expr:
    return positions(p[height], p[window], arg(p, pad), arg(p, stride))


@reference("conv_pool_height")
def conv_pool_height(
    p: Params,
    *,
    height: str = "H",
    filter: str = "F",
    pad: str = "P",
    stride: str = "S",
    window: str = "PH",
    pool_stride: str = "PS",
) -> sympy.Expr:
    """Positions of the pooling window over the positions of the convolution's window."""
    conv = positions(p[height], p[filter], arg(p, pad), arg(p, stride))
    return positions(conv, p[window], 0, p[pool_stride])


@reference("im2col_shape")
def im2col_shape(p: Params, *, axis: int) -> sympy.Expr:
    """im2col's matrix: one row per (sample, output position), one column per window entry."""
    if axis == 1:
        fh, fw = (p["F"], p["F"]) if "F" in p else (p["FH"], p["FW"])
        return p["C"] * fh * fw
    oh = positions(p["H"], p["F"], arg(p, "P"), arg(p, "S"))
    return p["N"] * oh * oh


@reference("flatten_after_pool")
def flatten_after_pool(p: Params, *, pool: int = 2) -> sympy.Expr:
    """Values per sample after conv (stride 1, pad P), then pool x pool max pooling, stride pool."""
    oh = positions(p["H"], p["F"], arg(p, "P"), 1)
    pooled = positions(oh, pool, 0, pool)
    return p["FN"] * pooled * pooled


@reference("conv_param_count")
def conv_param_count(
    p: Params, *, filters: str = "FN", channels: str = "C", size: str = "F"
) -> sympy.Expr:
    """W of shape (FN, C, F, F) plus b of shape (FN,)."""
    fn, c, f = p[filters], p[channels], p[size]
    return parameter_count((fn, c, f, f), (fn,))


@reference("simple_convnet_params")
def simple_convnet_params(p: Params, *, layer: int = 2, pool: int = 2) -> sympy.Expr:
    """DLFS SimpleConvNet: conv (pad 0, stride 1) - ReLU - pool - Affine(HID) - ReLU - Affine."""
    oh = positions(p["H"], p["F"], 0, 1)
    pooled = positions(oh, pool, 0, pool)
    if layer != 2:
        raise ValueError("only the first Affine layer (layer 2) is defined here")
    features = p["FN"] * pooled * pooled
    return parameter_count((features, p["HID"]), (p["HID"],))


@reference("receptive_field")
def receptive_field(p: Params, *, layers: str = "L", size: str = "F") -> sympy.Expr:
    """r_l = r_{l-1} + (F - 1) for stride-1 layers, r_0 = 1, solved as a recurrence."""
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    r = sympy.Function("r")
    solution = sympy.rsolve(r(k + 1) - r(k) - (p[size] - 1), r(k), {r(0): 1})
    return sympy.expand(solution.subs(k, p[layers]))


@reference("pool_backward_nonzero")
def pool_backward_nonzero(p: Params) -> sympy.Expr:
    """Max pooling sends each window's gradient to its one maximum: one entry per window."""
    k = p["K"]
    per_map = positions(p["H"], k, 0, k) ** 2
    return p["N"] * p["C"] * per_map


# (name, layer type, out channels, kernel, stride, pad) on 227 x 227 x 3; pools are 3 x 3, stride 2.
_ALEXNET = (
    ("conv1", "conv", 96, 11, 4, 0),
    ("pool1", "pool", None, 3, 2, 0),
    ("conv2", "conv", 256, 5, 1, 2),
    ("pool2", "pool", None, 3, 2, 0),
    ("conv3", "conv", 384, 3, 1, 1),
    ("conv4", "conv", 384, 3, 1, 1),
    ("conv5", "conv", 256, 3, 1, 1),
    ("pool5", "pool", None, 3, 2, 0),
    ("fc6", "fc", 4096, None, None, None),
    ("fc7", "fc", 4096, None, None, None),
    ("fc8", "fc", 1000, None, None, None),
)


def _alexnet() -> dict[str, dict[str, sympy.Expr]]:
    """Each layer's output height, output size and parameter count, walked layer by layer."""
    size, channels, flat = sympy.Integer(227), sympy.Integer(3), None
    table: dict[str, dict[str, sympy.Expr]] = {}
    for name, layer_type, out, kernel, stride, pad in _ALEXNET:
        if layer_type == "conv":
            params = parameter_count((out, channels, kernel, kernel), (out,))
            size, channels = positions(size, kernel, pad, stride), sympy.Integer(out)
        elif layer_type == "pool":
            params = sympy.S.Zero
            size = positions(size, kernel, pad, stride)
        else:
            inputs = flat if flat is not None else channels * size * size
            params = parameter_count((inputs, out), (out,))
            flat = sympy.Integer(out)
        table[name] = {"height": size, "flatten": channels * size * size, "params": params}
    return table


@reference("alexnet")
def alexnet(p: Params, *, report: str) -> sympy.Expr:
    """ "conv1-height", "flatten" (after pool5), "conv1-params" or "fc6-params"."""
    table = _alexnet()
    layer, _, what = report.partition("-")
    if report == "flatten":
        return table["pool5"]["flatten"]
    return table[layer][what]


@reference("alexnet_largest_layer")
def alexnet_largest_layer(p: Params) -> Pick:
    counts = {name: row["params"] for name, row in _alexnet().items()}
    largest = max(counts, key=lambda name: counts[name])
    return Pick({name: sympy.sympify(largest == name) for name in ("fc6", "conv1", "conv4", "fc8")})


# --- code: the layers written out as sums and maxima over windows --------------------------


def _padded(x, pad: int):
    import numpy as np

    return np.pad(np.asarray(x, dtype=object), [(0, 0), (0, 0), (pad, pad), (pad, pad)])


def _window(xp, n, c, i, j, fh, fw, stride):
    return [xp[n, c, i * stride + a, j * stride + b] for a in range(fh) for b in range(fw)]


def _ints(rng, shape, low=1, high=9):
    return rng.integers(low, high + 1, size=shape).astype(float)


def _shape_problem(got, want) -> list[str]:
    return (
        [] if list(got) == list(want) else [f"the output has shape {list(got)}, not {list(want)}"]
    )


@code_reference("convolution_code")
def convolution_code(*, stride: int = 1, pad: int = 1) -> CodeDefinition:
    """out[n, f, i, j] = b[f] + sum_{c,a,b} W[f, c, a, b] x_pad[n, c, iS + a, jS + b]."""

    def drive(namespace, rng):
        import numpy as np

        w, b = _ints(rng, (2, 3, 3, 2), -4, 4), _ints(rng, (2,), -3, 3)
        x = _ints(rng, (2, 3, 5, 6), -5, 5)
        out = namespace["Convolution"](w, b, stride=stride, pad=pad).forward(x)
        return {"W": w.tolist(), "b": b.tolist(), "x": x.tolist(), "out": np.asarray(out).tolist()}

    def check(out):
        import numpy as np

        w, b, x = (np.array(out[k], dtype=object) for k in ("W", "b", "x"))
        fn, channels, fh, fw = w.shape
        oh = int(positions(x.shape[2], fh, pad, stride))
        ow = int(positions(x.shape[3], fw, pad, stride))
        got = np.array(out["out"], dtype=float)
        problems = _shape_problem(got.shape, (x.shape[0], fn, oh, ow))
        if problems:
            return problems
        xp = _padded(x, pad)
        for n, f, i, j in np.ndindex(got.shape):
            want = b[f] + sum(
                w[f, c, a, bb] * xp[n, c, i * stride + a, j * stride + bb]
                for c in range(channels)
                for a in range(fh)
                for bb in range(fw)
            )
            if got[n, f, i, j] != want:
                return [f"out[{n}, {f}, {i}, {j}] = {got[n, f, i, j]}, the definition gives {want}"]
        return []

    return CodeDefinition(drive, check)


@code_reference("pooling_code")
def pooling_code(*, size: int = 2, stride: int = 2, pad: int = 1) -> CodeDefinition:
    """out[n, c, i, j] = the maximum of the (zero-padded, positive) input over window (i, j)."""

    def drive(namespace, rng):
        import numpy as np

        x = _ints(rng, (2, 3, 4, 6))  # (4 + 2 - 2) and (6 + 2 - 2): the stride divides both
        out = namespace["Pooling"](size, size, stride=stride, pad=pad).forward(x)
        return {"x": x.tolist(), "out": np.asarray(out).tolist()}

    def check(out):
        import numpy as np

        x = np.array(out["x"], dtype=object)
        oh = int(positions(x.shape[2], size, pad, stride))
        ow = int(positions(x.shape[3], size, pad, stride))
        got = np.array(out["out"], dtype=float)
        problems = _shape_problem(got.shape, (x.shape[0], x.shape[1], oh, ow))
        if problems:
            return problems
        xp = _padded(x, pad)
        for n, c, i, j in np.ndindex(got.shape):
            want = max(_window(xp, n, c, i, j, size, size, stride))
            if got[n, c, i, j] != want:
                return [
                    f"out[{n}, {c}, {i}, {j}] = {got[n, c, i, j]}, the window's maximum is {want}"
                ]
        return []

    return CodeDefinition(drive, check)


@code_reference("im2col_code")
def im2col_code(*, fh: int = 3, fw: int = 2, stride: int = 1, pad: int = 1) -> CodeDefinition:
    """Row (n, i, j) of im2col is window (i, j) of sample n, flattened in (c, a, b) order."""

    def drive(namespace, rng):
        import numpy as np

        x = _ints(rng, (2, 2, 4, 5), -9, 9)
        col = namespace["im2col"](x, fh, fw, stride, pad)
        return {"x": x.tolist(), "col": np.asarray(col).tolist()}

    def check(out):
        import numpy as np

        x = np.array(out["x"], dtype=object)
        n_, channels = x.shape[:2]
        oh = int(positions(x.shape[2], fh, pad, stride))
        ow = int(positions(x.shape[3], fw, pad, stride))
        got = np.array(out["col"], dtype=float)
        problems = _shape_problem(got.shape, (n_ * oh * ow, channels * fh * fw))
        if problems:
            return problems
        xp = _padded(x, pad)
        for n, i, j in np.ndindex(n_, oh, ow):
            want = [v for c in range(channels) for v in _window(xp, n, c, i, j, fh, fw, stride)]
            row = (n * oh + i) * ow + j
            if list(got[row]) != want:
                return [f"row {row} (sample {n}, window {i}, {j}) is not that window's values"]
        return []

    return CodeDefinition(drive, check)
