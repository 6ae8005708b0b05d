"""Neural-network basics from their definitions: units, softmax, losses, gradients, training.

A unit is u = sum_i w_i x_i + b followed by its activation (ReLU is max(0, u), the sigmoid
1/(1 + e^-u)); the softmax is exp normalised by its sum; the losses are DLFS's sum of squares
(1/2) sum (y - t)^2 and cross-entropy -sum t log(y + delta). Gradients are `sympy.diff` of the
loss a layer feeds, written as a function of the layer's inputs and parameters; a fully connected
net's parameter count adds up the shapes of its weight matrices and bias vectors; linear
separability is decided by a linear programme over the separating line's coefficients.
"""

from __future__ import annotations

import sympy

from eprep.checker.references import Params, Pick, reference


def sigmoid(u: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-u))


def softmax(scores: list[sympy.Expr]) -> list[sympy.Expr]:
    total = sum((sympy.exp(s) for s in scores), sympy.S.Zero)
    return [sympy.exp(s) / total for s in scores]


@reference("unit_output")
def unit_output(p: Params, *, activation: str = "relu") -> sympy.Expr:
    u = p["w1"] * p["x1"] + p["w2"] * p["x2"] + p["b"]
    return {"relu": sympy.Max(0, u), "sigmoid": sigmoid(u), "identity": u}[activation]


@reference("mlp_parameter_count")
def mlp_parameter_count(p: Params) -> sympy.Expr:
    """Weight matrices (in, hidden), (hidden, out) and bias vectors (hidden,), (out,)."""
    shapes = [(p["IN"], p["HID"]), (p["HID"],), (p["HID"], p["OUT"]), (p["OUT"],)]
    return sum((sympy.Mul(*shape) for shape in shapes), sympy.S.Zero)


@reference("stacked_linear_layers")
def stacked_linear_layers(p: Params) -> Pick:
    """(x w1 + b1) w2 + b2 has second derivative 0 in x: the stack is one affine map."""
    x, w1, b1, w2, b2 = sympy.symbols("x w1 b1 w2 b2", real=True)
    stacked = (x * w1 + b1) * w2 + b2
    affine = sympy.simplify(sympy.diff(stacked, x, 2)) == 0
    return Pick(
        {
            "collapses": sympy.sympify(affine),
            "speed": sympy.false,
            "normalise": sympy.false,
            "fewer-parameters": sympy.false,
        }
    )


@reference("softmax_entry")
def softmax_entry(p: Params) -> sympy.Expr:
    return softmax([p["z1"], p["z2"], p["z3"]])[0]


@reference("softmax_shift")
def softmax_shift(p: Params) -> Pick:
    """softmax(a + C) - softmax(a), simplified, for symbolic scores and shift."""
    a = sympy.symbols("a1:4", real=True)
    shift = sympy.Symbol("C", real=True)
    moved = softmax([s + shift for s in a])
    unchanged = all(
        sympy.simplify(m - o) == 0 for m, o in zip(moved, softmax(list(a)), strict=True)
    )
    return Pick(
        {
            "unchanged": sympy.sympify(unchanged),
            "changes": sympy.sympify(not unchanged),
            "no-sum": sympy.sympify(sympy.simplify(sum(moved) - 1) != 0),
            "scaled": sympy.false,
        }
    )


@reference("sum_squared_error")
def sum_squared_error(p: Params) -> sympy.Expr:
    pairs = [(p["y1"], p["t1"]), (p["y2"], p["t2"])]
    return sympy.Rational(1, 2) * sum(((y - t) ** 2 for y, t in pairs), sympy.S.Zero)


@reference("cross_entropy_error")
def cross_entropy_error(p: Params, *, y: tuple = (0, 1), t: tuple = (1, 0)) -> sympy.Expr:
    """-sum_k t_k log(y_k + delta) for the given output and one-hot target."""
    delta = p["delta"]
    return -sum((tk * sympy.log(yk + delta) for yk, tk in zip(y, t, strict=True)), sympy.S.Zero)


@reference("softmax_cross_entropy")
def softmax_cross_entropy(p: Params) -> sympy.Expr:
    """-log of the softmax probability of the first (correct) class."""
    return -sympy.log(softmax([p["z1"], p["z2"], p["z3"]])[0])


@reference("sigmoid_backward")
def sigmoid_backward(p: Params) -> sympy.Expr:
    x = sympy.Dummy("x", real=True)
    return p["dout"] * sympy.diff(sigmoid(x), x).subs(x, p["x"])


@reference("affine_backward")
def affine_backward(p: Params, *, report: str) -> sympy.Expr:
    """dL/db or dL/dW for y_n = x_n W + b, with L = sum_n dout_n y_n (the upstream gradient)."""
    w, b = sympy.symbols("W b", real=True)
    loss = p["d1"] * (p["x1"] * w + b) + p["d2"] * (p["x2"] * w + b)
    return sympy.diff(loss, {"db": b, "dW": w}[report])


@reference("softmax_loss_gradient")
def softmax_loss_gradient(p: Params) -> sympy.Expr:
    """d/d a_1 of the batch mean over N samples of -log softmax(a)_1, for one sample's a_1."""
    a1 = sympy.Symbol("a1", real=True)
    one_sample = -sympy.log(softmax([a1, p["z2"]])[0])
    return (sympy.diff(one_sample, a1) / p["N"]).subs(a1, p["z1"])


@reference("relu_layer_backward")
def relu_layer_backward(p: Params) -> Pick:
    """DLFS's Relu layer: the gradient passes where x > 0; its mask x <= 0 blocks x = 0 too."""
    x = (-1, 0, 2)
    dout = (5, 6, 7)
    dx = [d * sympy.Heaviside(v, 0) for v, d in zip(x, dout, strict=True)]
    label = "-".join(str(int(v)) for v in dx)
    return Pick({option: sympy.sympify(option == label) for option in _RELU_OPTIONS})


_RELU_OPTIONS = ("0-0-7", "0-6-7", "5-6-7", "0-0-14")


@reference("central_difference_error")
def central_difference_error(p: Params) -> sympy.Expr:
    """(f(x+h) - f(x-h)) / 2h - f'(x) for f = x^3."""
    x, h = sympy.Symbol("x", real=True), p["h"]

    def f(v: sympy.Expr) -> sympy.Expr:
        return v**3

    estimate = (f(x + h) - f(x - h)) / (2 * h)
    return sympy.expand(estimate - sympy.diff(f(x), x)).subs(x, p["x"])


@reference("sgd_step_on_square")
def sgd_step_on_square(p: Params) -> sympy.Expr:
    w = sympy.Symbol("w", real=True)
    gradient = sympy.diff(w**2, w)
    return (w - p["eta"] * gradient).subs(w, p["x"])


@reference("iterations_in_epochs")
def iterations_in_epochs(p: Params) -> sympy.Expr:
    """Each epoch uses every example once in batches of B; E epochs."""
    batches_per_epoch = sympy.ceiling(p["N"] / p["B"])
    return p["E"] * batches_per_epoch


@reference("single_unit_separability")
def single_unit_separability(p: Params) -> Pick:
    """A line w1 x1 + w2 x2 + b separates a truth table iff a linear programme has margin > 0."""
    from sympy.solvers.simplex import lpmax

    inputs = ((0, 0), (0, 1), (1, 0), (1, 1))

    def separable(targets: tuple[int, ...]) -> bool:
        w1, w2, b, margin = sympy.symbols("w1 w2 b margin", real=True)
        constraints = [margin <= 1]
        for (x1, x2), t in zip(inputs, targets, strict=True):
            side = w1 * x1 + w2 * x2 + b
            constraints.append(side >= margin if t else -side >= margin)
        for v in (w1, w2, b):
            constraints += [v <= 10, v >= -10]
        best, _ = lpmax(margin, constraints)
        return best > 0

    and_ok, xor_ok = separable((0, 0, 0, 1)), separable((0, 1, 1, 0))
    return Pick(
        {
            "not-separable": sympy.sympify(and_ok and not xor_ok),
            "both": sympy.sympify(and_ok and xor_ok),
            "neither": sympy.sympify(not and_ok and not xor_ok),
            "xor-only": sympy.sympify(xor_ok and not and_ok),
        }
    )
