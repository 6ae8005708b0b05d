"""Neural-network basics from their definitions: units, softmax, losses, gradients, training.

A unit is u = sum_i w_i x_i + b followed by its activation (ReLU is max(0, u), the sigmoid
1/(1 + e^-u)); the softmax is exp normalised by its sum; the losses are DLFS's sum of squares
(1/2) sum (y - t)^2 and cross-entropy -sum t log(y + delta). Gradients are `sympy.diff` of the
loss a layer feeds, written as a function of the layer's inputs and parameters; a fully connected
net's parameter count adds up the shapes of its weight matrices and bias vectors; linear
separability is decided by a linear programme over the separating line's coefficients.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    code_reference,
    float_close,
    from_float,
    grid,
    integer,
    reference,
)


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
    """Per layer a weight matrix (fan-in, fan-out) and a bias vector (fan-out,)."""
    widths = [p["IN"], p["HID"], *([p["H2"]] if "H2" in p else []), p["OUT"]]
    shapes = [s for a, b in pairwise(widths) for s in ((a, b), (b,))]
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


# --- code references: drivers run the completed template on inputs floats hold exactly -------


def _flat(values: Any) -> list[float]:
    import numpy as np

    return np.asarray(values, dtype=float).ravel().tolist()


def _matrix(rows: list[list[float]]) -> sympy.Matrix:
    return sympy.Matrix([[from_float(v) for v in row] for row in rows])


def _mismatches(
    label: str, got: list[float], want: list[sympy.Expr], rel: float = 1e-9
) -> list[str]:
    if len(got) != len(want):
        return [f"{label} has {len(got)} entries, the definition {len(want)}"]
    return [
        f"{label}[{k}] = {g}, the definition {float(sympy.N(v, 20)):.12g}"
        for k, (g, v) in enumerate(zip(got, want, strict=True))
        if not float_close(g, v, rel=rel)
    ][:3]


@code_reference("affine_backward_code")
def affine_backward_code() -> CodeDefinition:
    """dW, db and dx of Y = X W + b, from L = sum(dout * Y) differentiated by SymPy."""

    def drive(namespace, rng):
        x, W, b, dout = grid(rng, (3, 2)), grid(rng, (2, 2)), grid(rng, (2,)), grid(rng, (3, 2))
        layer = namespace["Affine"](W, b)
        layer.forward(x)
        dx = layer.backward(dout)
        return {
            "x": x.tolist(),
            "W": W.tolist(),
            "dout": dout.tolist(),
            "dx": _flat(dx),
            "dW": _flat(layer.dW),
            "db": _flat(layer.db),
        }

    def check(outputs):
        x, dout = _matrix(outputs["x"]), _matrix(outputs["dout"])
        W = sympy.Matrix(2, 2, lambda i, j: sympy.Symbol(f"W{i}{j}", real=True))
        b = sympy.Matrix(1, 2, lambda _, j: sympy.Symbol(f"b{j}", real=True))
        X = sympy.Matrix(3, 2, lambda i, j: sympy.Symbol(f"X{i}{j}", real=True))
        values = {W[i, j]: from_float(outputs["W"][i][j]) for i in range(2) for j in range(2)}
        values.update({X[i, j]: x[i, j] for i in range(3) for j in range(2)})
        Y = X * W + sympy.ones(3, 1) * b
        loss = sum((dout[i, j] * Y[i, j] for i in range(3) for j in range(2)), sympy.S.Zero)

        def grad(symbols):
            return [sympy.diff(loss, s).subs(values) for s in symbols]

        return (
            _mismatches("dW", outputs["dW"], grad(list(W)))
            + _mismatches("db", outputs["db"], grad(list(b)))
            + _mismatches("dx", outputs["dx"], grad(list(X)))
        )

    return CodeDefinition(drive, check)


@code_reference("relu_backward_code")
def relu_backward_code() -> CodeDefinition:
    """dx = dout where x > 0, else 0 — the Relu layer's mask x <= 0 takes 0 at x = 0."""

    def drive(namespace, rng):
        x, dout = grid(rng, (3, 3)), grid(rng, (3, 3))
        x[0, 0] = 0.0
        layer = namespace["Relu"]()
        layer.forward(x.copy())
        return {"x": _flat(x), "dout": _flat(dout), "dx": _flat(layer.backward(dout.copy()))}

    def check(outputs):
        want = [
            from_float(d) * sympy.Heaviside(from_float(v), 0)
            for v, d in zip(outputs["x"], outputs["dout"], strict=True)
        ]
        return _mismatches("dx", outputs["dx"], want)

    return CodeDefinition(drive, check)


@code_reference("softmax_with_loss_code")
def softmax_with_loss_code() -> CodeDefinition:
    """dx of the batch-mean softmax cross-entropy, by SymPy's derivative (1e-7 ignored: 1e-6)."""

    def drive(namespace, rng):
        import numpy as np

        x = grid(rng, (3, 3))
        t = np.eye(3)[[0, 2, 1]]
        layer = namespace["SoftmaxWithLoss"]()
        layer.forward(x, t)
        return {"x": x.tolist(), "t": t.tolist(), "dx": _flat(layer.backward(1.0))}

    def check(outputs):
        X = sympy.Matrix(3, 3, lambda i, j: sympy.Symbol(f"a{i}{j}", real=True))
        t = _matrix(outputs["t"])
        loss = sympy.S.Zero
        for i in range(3):
            probs = softmax([X[i, j] for j in range(3)])
            loss -= sum((t[i, j] * sympy.log(probs[j]) for j in range(3)), sympy.S.Zero) / 3
        values = {X[i, j]: from_float(outputs["x"][i][j]) for i in range(3) for j in range(3)}
        want = [sympy.diff(loss, s).subs(values) for s in X]
        return _mismatches("dx", outputs["dx"], want, rel=1e-6)

    return CodeDefinition(drive, check)


@code_reference("numerical_gradient_code")
def numerical_gradient_code() -> CodeDefinition:
    """The central difference (f(x+h) - f(x-h)) / 2h with h = 1e-4, for f = sum(x^3)."""

    def drive(namespace, rng):
        import numpy as np

        x = grid(rng, (2, 2))
        grad = namespace["numerical_gradient"](lambda v: float(np.sum(v**3)), x.copy())
        return {"x": _flat(x), "grad": _flat(grad)}

    def check(outputs):
        h = sympy.Rational(1, 10**4)
        want = [
            ((from_float(v) + h) ** 3 - (from_float(v) - h) ** 3) / (2 * h) for v in outputs["x"]
        ]
        return _mismatches("the gradient", outputs["grad"], want, rel=1e-7)

    return CodeDefinition(drive, check)


@code_reference("cross_entropy_code")
def cross_entropy_code() -> CodeDefinition:
    """-sum(t log(y + 1e-7)) / N for one-hot targets, including a zero probability."""

    def drive(namespace, rng):
        import numpy as np

        y = np.array([[0.0, 1.0, 0.0], [0.25, 0.5, 0.25], [0.125, 0.125, 0.75]])
        t = np.eye(3)[[0, 1, 2]]
        return {
            "y": y.tolist(),
            "t": t.tolist(),
            "loss": float(namespace["cross_entropy_error"](y, t)),
        }

    def check(outputs):
        delta = sympy.Rational(1, 10**7)
        y, t = _matrix(outputs["y"]), _matrix(outputs["t"])
        total = sum(
            (t[i, j] * sympy.log(y[i, j] + delta) for i in range(3) for j in range(3)),
            sympy.S.Zero,
        )
        return _mismatches("the loss", [outputs["loss"]], [-total / 3])

    return CodeDefinition(drive, check)


@reference("binary_cross_entropy")
def binary_cross_entropy(p: Params) -> sympy.Expr:
    """The batch mean of -(t log y + (1 - t) log(1 - y)) for (y1, t = 1) and (y2, t = 0)."""
    pairs = [(p["y1"], 1), (p["y2"], 0)]
    losses = [-(t * sympy.log(y) + (1 - t) * sympy.log(1 - y)) for y, t in pairs]
    return sum(losses, sympy.S.Zero) / len(losses)


@reference("chain_rule_weight_gradient")
def chain_rule_weight_gradient(p: Params) -> sympy.Expr:
    """dL/dw of L = (1/2)(sigmoid(x w + b) - t)^2."""
    w = sympy.Symbol("w", real=True)
    loss = sympy.Rational(1, 2) * (sigmoid(p["x"] * w + p["b"]) - p["t"]) ** 2
    return sympy.diff(loss, w).subs(w, p["w"])


@reference("sgd_steps_on_square")
def sgd_steps_on_square(p: Params) -> sympy.Expr:
    """k steps of w <- w - eta dL/dw with L = w^2."""
    w = sympy.Symbol("w", real=True)
    gradient = sympy.diff(w**2, w)
    value = p["w0"]
    for _ in range(integer(p["k"])):
        value = value - p["eta"] * gradient.subs(w, value)
    return value


@reference("affine_input_gradient")
def affine_input_gradient(p: Params) -> sympy.Expr:
    """dL/dx_1 of L = dout . (x W), W = [[w11, w12], [w21, w22]]."""
    x1, x2 = sympy.symbols("x1 x2", real=True)
    W = sympy.Matrix([[p["w11"], p["w12"]], [p["w21"], p["w22"]]])
    out = sympy.Matrix([[x1, x2]]) * W
    loss = p["d1"] * out[0, 0] + p["d2"] * out[0, 1]
    return sympy.diff(loss, x1)


_GATE_WEIGHTS = {
    "and": (sympy.Rational(1, 2), sympy.Rational(1, 2), sympy.Rational(-7, 10)),
    "or": (sympy.Rational(1, 2), sympy.Rational(1, 2), sympy.Rational(-1, 5)),
    "nand": (sympy.Rational(-1, 2), sympy.Rational(-1, 2), sympy.Rational(7, 10)),
    "none": (sympy.Rational(1, 2), sympy.Rational(-1, 2), sympy.Rational(3, 10)),
}


@reference("perceptron_gate")
def perceptron_gate(p: Params) -> Pick:
    """Which option's step(w1 x1 + w2 x2 + b) has AND's truth table (0, 0, 0, 1)."""
    table = ((0, 0), (0, 1), (1, 0), (1, 1))

    def outputs(w1, w2, b):
        return tuple(int(sympy.Heaviside(w1 * x1 + w2 * x2 + b, 0)) for x1, x2 in table)

    return Pick(
        {name: sympy.sympify(outputs(*w) == (0, 0, 0, 1)) for name, w in _GATE_WEIGHTS.items()}
    )


@reference("zero_centred_activation")
def zero_centred_activation(p: Params) -> Pick:
    """An activation is centred on 0 when it is odd: f(-x) = -f(x)."""
    x = sympy.Symbol("x", real=True)
    definitions = {
        "tanh": sympy.tanh(x),
        "sigmoid": sigmoid(x),
        "relu": sympy.Max(0, x),
    }
    odd = {name: sympy.simplify(f.subs(x, -x) + f) == 0 for name, f in definitions.items()}
    return Pick(
        {
            "tanh": sympy.sympify(odd["tanh"] and not odd["sigmoid"] and not odd["relu"]),
            "sigmoid": sympy.sympify(odd["sigmoid"]),
            "relu": sympy.sympify(odd["relu"]),
            "none": sympy.sympify(not any(odd.values())),
        }
    )


@code_reference("softmax_code")
def softmax_code() -> CodeDefinition:
    """Each row exp(x_k) / sum_j exp(x_j), exactly, on a batch."""

    def drive(namespace, rng):
        x = grid(rng, (2, 3))
        return {"x": x.tolist(), "y": _flat(namespace["softmax"](x.copy()))}

    def check(outputs):
        want = []
        for row in outputs["x"]:
            want += softmax([from_float(v) for v in row])
        return _mismatches("softmax", outputs["y"], want)

    return CodeDefinition(drive, check)


@reference("sigmoid_value")
def sigmoid_value(p: Params, *, report: str = "value") -> sympy.Expr:
    """The sigmoid at x, or its derivative there (by `sympy.diff`)."""
    x = sympy.Symbol("x", real=True)
    f = sigmoid(x) if report == "value" else sympy.diff(sigmoid(x), x)
    return f.subs(x, p["x"])


@reference("squared_error_gradient")
def squared_error_gradient(p: Params) -> sympy.Expr:
    """d/dy_1 of (1/2) sum_k (y_k - t_k)^2."""
    y1 = sympy.Symbol("y1", real=True)
    error = sympy.Rational(1, 2) * ((y1 - p["t1"]) ** 2 + (p["y2"] - p["t2"]) ** 2)
    return sympy.diff(error, y1).subs(y1, p["y1"])


@reference("numerical_gradient_evaluations")
def numerical_gradient_evaluations(p: Params) -> sympy.Expr:
    """Each parameter is moved to x + h and to x - h, and f is evaluated at both."""
    evaluations_per_parameter = len(("x + h", "x - h"))
    return evaluations_per_parameter * p["P"]


@reference("affine_output_entry")
def affine_output_entry(p: Params) -> sympy.Expr:
    """The second output of x W + b."""
    x = sympy.Matrix([[p["x1"], p["x2"]]])
    W = sympy.Matrix([[p["w11"], p["w12"]], [p["w21"], p["w22"]]])
    b = sympy.Matrix([[p["b1"], p["b2"]]])
    return (x * W + b)[0, 1]


@code_reference("function_code")
def function_code(*, name: str) -> CodeDefinition:
    """sigmoid(x) = 1/(1 + e^-x) elementwise, or (1/2) sum (y - t)^2, evaluated exactly."""

    def drive(namespace, rng):
        x, t = grid(rng, (2, 3)), grid(rng, (2, 3))
        if name == "sigmoid":
            return {"x": _flat(x), "out": _flat(namespace["sigmoid"](x.copy()))}
        return {"x": _flat(x), "t": _flat(t), "out": [float(namespace[name](x.copy(), t.copy()))]}

    def check(outputs):
        xs = [from_float(v) for v in outputs["x"]]
        if name == "sigmoid":
            return _mismatches("sigmoid", outputs["out"], [sigmoid(v) for v in xs])
        ts = [from_float(v) for v in outputs["t"]]
        want = sympy.Rational(1, 2) * sum(((a - b) ** 2 for a, b in zip(xs, ts, strict=True)), 0)
        return _mismatches("the error", outputs["out"], [want])

    return CodeDefinition(drive, check)


@code_reference("accuracy_code")
def accuracy_code() -> CodeDefinition:
    """The fraction of rows whose largest score is at the target's class."""

    def drive(namespace, rng):
        import numpy as np

        y = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])
        labels = np.array([1, 2, 2, 0])
        got = [float(namespace["accuracy"](y, t)) for t in (labels, np.eye(3)[labels])]
        return {"y": y.tolist(), "labels": labels.tolist(), "got": got}

    def check(outputs):
        rows = outputs["y"]
        right = sum(
            1 for row, k in zip(rows, outputs["labels"], strict=True) if row.index(max(row)) == k
        )
        want = sympy.Rational(right, len(rows))
        return _mismatches("the accuracy", outputs["got"], [want, want])

    return CodeDefinition(drive, check)


@code_reference("one_hot_code")
def one_hot_code() -> CodeDefinition:
    """Row n has a single 1, in column labels[n]."""

    def drive(namespace, rng):
        import numpy as np

        labels = np.array([3, 0, 3, 9, 5])
        return {
            "labels": labels.tolist(),
            "out": np.asarray(namespace["to_one_hot"](labels, 10)).tolist(),
        }

    def check(outputs):
        want = [[1 if j == k else 0 for j in range(10)] for k in outputs["labels"]]
        flat_got = [float(v) for row in outputs["out"] for v in row]
        return _mismatches(
            "the one-hot matrix", flat_got, [sympy.Integer(v) for row in want for v in row]
        )

    return CodeDefinition(drive, check)


@code_reference("affine_flatten_code")
def affine_flatten_code() -> CodeDefinition:
    """y_n = vec(x_n) W + b: each sample flattened in C order, then the affine map."""

    def drive(namespace, rng):
        x = grid(rng, (2, 2, 1, 2))
        W, b = grid(rng, (4, 2)), grid(rng, (2,))
        out = namespace["Affine"](W, b).forward(x)
        return {"x": x.reshape(2, -1).tolist(), "W": W.tolist(), "b": b.tolist(), "out": _flat(out)}

    def check(outputs):
        y = _matrix(outputs["x"]) * _matrix(outputs["W"]) + sympy.ones(2, 1) * _matrix(
            [outputs["b"]]
        )
        return _mismatches("the output", outputs["out"], list(y))

    return CodeDefinition(drive, check)


@code_reference("two_layer_predict_code")
def two_layer_predict_code() -> CodeDefinition:
    """y = softmax(sigmoid(x W1 + b1) W2 + b2), row by row, exactly."""

    def drive(namespace, rng):
        params = {"W1": grid(rng, (2, 2)), "b1": grid(rng, (2,)), "W2": grid(rng, (2, 2))}
        params["b2"] = grid(rng, (2,))
        x = grid(rng, (2, 2))
        y = namespace["predict"]({k: v.copy() for k, v in params.items()}, x)
        return {**{k: v.tolist() for k, v in params.items()}, "x": x.tolist(), "y": _flat(y)}

    def check(outputs):
        x, W1, W2 = (_matrix(outputs[k]) for k in ("x", "W1", "W2"))
        b1, b2 = _matrix([outputs["b1"]]), _matrix([outputs["b2"]])
        hidden = (x * W1 + sympy.ones(2, 1) * b1).applyfunc(sigmoid)
        scores = hidden * W2 + sympy.ones(2, 1) * b2
        want = [v for i in range(2) for v in softmax([scores[i, 0], scores[i, 1]])]
        return _mismatches("y", outputs["y"], want)

    return CodeDefinition(drive, check)


@code_reference("gradient_descent_code")
def gradient_descent_code() -> CodeDefinition:
    """Steps x <- x - lr f'(x) on f = sum x^2 (whose central difference is exactly 2x)."""

    def drive(namespace, rng):
        import numpy as np

        start = grid(rng, (2,))
        end = namespace["gradient_descent"](
            lambda v: float(np.sum(v**2)), start.copy(), lr=0.25, step_num=3
        )
        return {"start": _flat(start), "end": _flat(end)}

    def check(outputs):
        x = sympy.Symbol("x", real=True)
        slope = sympy.diff(x**2, x)
        want = []
        for value in outputs["start"]:
            v = from_float(value)
            for _ in range(3):
                v = v - sympy.Rational(1, 4) * slope.subs(x, v)
            want.append(v)
        return _mismatches("the end point", outputs["end"], want, rel=1e-7)

    return CodeDefinition(drive, check)


@reference("leaky_relu_sum")
def leaky_relu_sum(p: Params) -> sympy.Expr:
    """Leaky ReLU: x where x > 0, alpha x elsewhere; summed over the two inputs."""

    def leaky(x: sympy.Expr) -> sympy.Expr:
        return sympy.Piecewise((x, x > 0), (p["alpha"] * x, True))

    return leaky(p["x1"]) + leaky(p["x2"])


@reference("step_at_zero")
def step_at_zero(p: Params) -> Pick:
    """Deep Learning from Scratch's step function is y = 1 for x > 0 and 0 otherwise (§2.5)."""
    value = sympy.Heaviside(0, 0)  # the step with H(0) = 0, as that definition gives
    return Pick(
        {
            "zero": sympy.sympify(value == 0),
            "one": sympy.sympify(value == 1),
            "half": sympy.sympify(value == sympy.Rational(1, 2)),
            "other": sympy.false,
        }
    )


@reference("regression_output_activation")
def regression_output_activation(p: Params) -> Pick:
    """Which output function's range contains a target of 5: the sigmoid and softmax are < 1."""
    x = sympy.Symbol("x", real=True)
    sup = {
        "sigmoid": sympy.limit(sigmoid(x), x, sympy.oo),
        "softmax": sympy.limit(sympy.exp(x) / (sympy.exp(x) + 1), x, sympy.oo),
        "identity": sympy.limit(x, x, sympy.oo),
    }
    reachable = {name: bool(value > 5) for name, value in sup.items()}
    return Pick(
        {
            "identity": sympy.sympify(reachable["identity"] and not reachable["sigmoid"]),
            "sigmoid": sympy.sympify(reachable["sigmoid"]),
            "softmax": sympy.sympify(reachable["softmax"]),
            "other": sympy.false,
        }
    )


@reference("numerical_gradient_precision")
def numerical_gradient_precision(p: Params) -> Pick:
    """Rounding error ~ eps_machine |f| / h against truncation error h^2 f'''/6, at h = 1e-4."""
    h = sympy.Rational(1, 10**4)
    truncation = h**2  # f = x^3 at x = 1: f'''/6 = 1
    rounding32 = sympy.Rational(1, 2**24) / h  # float32's unit roundoff over h
    rounding64 = sympy.Rational(1, 2**53) / h
    dominated = rounding32 > 100 * max(truncation, rounding64)
    return Pick({"rounding": sympy.sympify(dominated), "same": sympy.sympify(not dominated)})
