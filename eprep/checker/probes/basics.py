"""Probes for day1: neurons, activations, losses, backpropagation, numerical gradients, training.

Each probe runs engine layers or functions on the variant's numbers and reports what they
produce; counts are read off the gradients a backward pass fills, and choice questions are
decided by experiments (a fitted layer, a trained unit) whose outcome names the option.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, after_pass, code_probe, probe


def _int(variant: Params, name: str) -> int:
    return round(float(variant[name]))


@probe("affine_unit_output")
def affine_unit_output(variant: Params, rng: np.random.Generator, *, activation: str) -> Value:
    """Output of one engine Affine unit on inputs (x1, x2), weights (w1, w2), bias b, activated."""
    from eprep.engine import Affine, Relu, Sigmoid

    x = np.array([[variant["x1"], variant["x2"]]], dtype=float)
    layer = Affine(
        np.array([[variant["w1"]], [variant["w2"]]], dtype=float), np.array([variant["b"]])
    )
    out = layer.forward(x)
    if activation != "identity":
        units: dict[str, type[Sigmoid] | type[Relu]] = {"sigmoid": Sigmoid, "relu": Relu}
        out = units[activation]().forward(out)
    return Value(float(out[0, 0]))


@probe("mlp_parameter_count")
def mlp_parameter_count(variant: Params, rng: np.random.Generator) -> Value:
    """Scalars of an engine MultiLayerNet (IN - HID [- H2] - OUT) that a backward pass reaches."""
    from eprep.engine import MultiLayerNet

    hidden = [_int(variant, "HID")] + ([_int(variant, "H2")] if "H2" in variant else [])
    sizes = [_int(variant, "IN"), *hidden, _int(variant, "OUT")]
    net = MultiLayerNet(sizes[0], hidden, sizes[-1], activation="sigmoid", rng=rng)
    x = rng.standard_normal((4, sizes[0]))
    t = rng.integers(0, sizes[-1], 4)
    grads = net.gradient(x, t)
    return Value(sum(int(np.count_nonzero(g)) for g in grads.values()))


@probe("softmax_entry")
def softmax_entry(variant: Params, rng: np.random.Generator) -> Value:
    """The first output of the engine softmax on scores (z1, z2, z3)."""
    from eprep.engine import softmax

    return Value(float(softmax(np.array([variant["z1"], variant["z2"], variant["z3"]]))[0]))


@probe("softmax_shift")
def softmax_shift(variant: Params, rng: np.random.Generator) -> OptionId:
    """Add the same constant to every score and compare the engine softmax's outputs."""
    from eprep.engine import softmax

    z = rng.standard_normal((3, 5))
    shifted = softmax(z + 1000.0)
    if np.allclose(shifted, softmax(z), rtol=1e-9):
        return OptionId("unchanged")
    return OptionId("changes")


@probe("linear_layers_collapse")
def linear_layers_collapse(variant: Params, rng: np.random.Generator) -> OptionId:
    """Two engine Affine layers without an activation, against one Affine fitted by least squares.

    If the fitted single layer reproduces the two-layer net exactly on random inputs, the
    stack adds no expressive power; with a ReLU in between the fit must fail.
    """
    from eprep.engine import Affine, Relu

    first = Affine(rng.standard_normal((3, 6)), rng.standard_normal(6))
    second = Affine(rng.standard_normal((6, 2)), rng.standard_normal(2))
    x = rng.standard_normal((50, 3))

    def residual(activation: bool) -> float:
        hidden = first.forward(x)
        if activation:
            hidden = Relu().forward(hidden)
        y = second.forward(hidden)
        design = np.hstack([x, np.ones((50, 1))])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        return float(np.max(np.abs(design @ coef - y)))

    if residual(False) < 1e-9 and residual(True) > 1e-3:
        return OptionId("collapses")
    return OptionId("other")


@probe("squared_error_value")
def squared_error_value(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's sum_squared_error for y = (y1, y2), t = (t1, t2)."""
    from eprep.engine import sum_squared_error

    y = np.array([variant["y1"], variant["y2"]], dtype=float)
    t = np.array([variant["t1"], variant["t2"]], dtype=float)
    return Value(sum_squared_error(y, t))


@probe("cross_entropy_of_zero")
def cross_entropy_of_zero(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's cross_entropy_error when the right class gets probability exactly 0."""
    from eprep.engine import cross_entropy_error

    return Value(cross_entropy_error(np.array([[0.0, 1.0]]), np.array([0])))


@probe("softmax_loss_gradient_entry")
def softmax_loss_gradient_entry(variant: Params, rng: np.random.Generator) -> Value:
    """dx[0, 0] of the engine SoftmaxWithLoss for N identical rows of scores (z1, z2), label 0."""
    from eprep.engine import SoftmaxWithLoss

    n = _int(variant, "N")
    x = np.tile([float(variant["z1"]), float(variant["z2"])], (n, 1))
    layer = SoftmaxWithLoss()
    layer.forward(x, np.zeros(n, dtype=int))
    return Value(float(layer.backward(1.0)[0, 0]), rel_tol=1e-5)


@probe("one_hot_cross_entropy")
def one_hot_cross_entropy(variant: Params, rng: np.random.Generator) -> Value:
    """The engine SoftmaxWithLoss loss for scores (z1, z2, z3), correct class k (default 0)."""
    from eprep.engine import SoftmaxWithLoss

    x = np.array([[variant["z1"], variant["z2"], variant["z3"]]], dtype=float)
    label = round(float(variant.get("k", 0)))
    return Value(SoftmaxWithLoss().forward(x, np.array([label])), rel_tol=1e-5)


@probe("sigmoid_backward_value")
def sigmoid_backward_value(variant: Params, rng: np.random.Generator) -> Value:
    """dx of the engine Sigmoid layer at input x for upstream gradient dout."""
    from eprep.engine import Sigmoid

    layer = Sigmoid()
    layer.forward(np.array([float(variant["x"])]))
    return Value(float(layer.backward(np.array([float(variant["dout"])]))[0]))


@probe("relu_backward_vector")
def relu_backward_vector(variant: Params, rng: np.random.Generator) -> OptionId:
    """dx of the engine Relu layer for x = (-1, 0, 2) and dout = (5, 6, 7), as "a-b-c"."""
    from eprep.engine import Relu

    layer = Relu()
    layer.forward(np.array([-1.0, 0.0, 2.0]))
    dx = layer.backward(np.array([5.0, 6.0, 7.0]))
    return OptionId("-".join(str(round(float(v))) for v in dx))


@probe("affine_backward_entry")
def affine_backward_entry(variant: Params, rng: np.random.Generator, *, report: str) -> Value:
    """db or dW of a 1-in, 1-out engine Affine after a batch x = (x1, x2), dout = (d1, d2)."""
    from eprep.engine import Affine

    layer = Affine(rng.standard_normal((1, 1)), rng.standard_normal(1))
    layer.forward(np.array([[variant["x1"]], [variant["x2"]]], dtype=float))
    layer.backward(np.array([[variant["d1"]], [variant["d2"]]], dtype=float))
    return Value(float(after_pass({"db": layer.db, "dW": layer.dW}[report]).ravel()[0]))


@probe("central_difference_error")
def central_difference_error(variant: Params, rng: np.random.Generator) -> Value:
    """Error of the engine's numerical_gradient of x^3 at x, against the exact slope 3x^2."""
    from eprep.engine import numerical_gradient

    x = float(variant["x"])
    grad = numerical_gradient(lambda v: float(v[0] ** 3), np.array([x]))
    return Value(float(grad[0]) - 3 * x * x, rel_tol=1e-3)


@probe("sgd_step_on_square")
def sgd_step_on_square(variant: Params, rng: np.random.Generator) -> Value:
    """x after one engine SGD step on L(x) = x^2, its gradient measured numerically."""
    from eprep.engine import SGD, numerical_gradient

    params = {"x": np.array([float(variant["x"])])}
    grads = {"x": numerical_gradient(lambda v: float(v[0] ** 2), params["x"])}
    SGD(lr=float(variant["eta"])).update(params, grads)
    return Value(float(params["x"][0]), rel_tol=1e-6)


@probe("iterations_in_epochs")
def iterations_in_epochs(variant: Params, rng: np.random.Generator) -> Value:
    """Mini-batches drawn until every one of N examples was seen E times (no replacement)."""
    from eprep.examples.training import batches

    n, batch, epochs = _int(variant, "N"), _int(variant, "B"), _int(variant, "E")
    seen = np.zeros(n, dtype=int)
    drawn = 0
    for indices in batches(n, batch, rng):
        seen[indices] += 1
        drawn += 1
        if seen.min() >= epochs:
            break
    return Value(drawn)


@probe("xor_single_unit")
def xor_single_unit(variant: Params, rng: np.random.Generator) -> OptionId:
    """Train one engine Affine + Sigmoid unit on AND and on XOR by gradient descent."""
    from eprep.engine import Affine, Sigmoid

    inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

    def accuracy(targets: np.ndarray) -> float:
        affine = Affine(rng.standard_normal((2, 1)), np.zeros(1))
        unit = Sigmoid()
        for _ in range(3000):
            y = unit.forward(affine.forward(inputs))[:, 0]
            # Cross-entropy through the sigmoid: its gradient at the unit's input is (y - t)/N.
            affine.backward(((y - targets) / 4)[:, None])
            affine.W -= 2.0 * after_pass(affine.dW)
            affine.b -= 2.0 * after_pass(affine.db)
        y = unit.forward(affine.forward(inputs))[:, 0]
        return float(np.mean((y > 0.5) == (targets > 0.5)))

    learns_and = accuracy(np.array([0.0, 0.0, 0.0, 1.0])) == 1.0
    learns_xor = accuracy(np.array([0.0, 1.0, 1.0, 0.0])) == 1.0
    if learns_and and not learns_xor:
        return OptionId("not-separable")
    return OptionId("other")


# --- code probes: a template's layer or function must behave as the engine's -----------------


def _same(name: str, got: object, want: object, rtol: float = 1e-9) -> None:
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=1e-12):
        detail = (
            f"shape {got.shape} instead of {want.shape}"
            if got.shape != want.shape
            else f"max abs difference {np.max(np.abs(got - want)):.3g}"
        )
        raise AssertionError(f"{name} differs from the engine's ({detail})")


@code_probe("basic_layer_matches_engine")
def basic_layer_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator, *, cls: str
) -> None:
    """The template's Affine / Relu / SoftmaxWithLoss must match the engine's, both passes."""
    from eprep import engine

    if cls not in namespace:
        raise AssertionError(f"the completed code defines no class {cls}")
    x = rng.standard_normal((4, 3))
    x[0, 0] = 0.0  # the Relu trap: exactly zero
    if cls == "Affine":
        W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)
        mine, theirs = namespace[cls](W.copy(), b.copy()), engine.Affine(W, b)
        _same("forward", mine.forward(x.copy()), theirs.forward(x))
        dout = rng.standard_normal((4, 2))
        _same("dx", mine.backward(dout.copy()), theirs.backward(dout))
        _same("dW", mine.dW, theirs.dW)
        _same("db", mine.db, theirs.db)
        return
    if cls == "Relu":
        mine, relu = namespace[cls](), engine.Relu()
        _same("forward", mine.forward(x.copy()), relu.forward(x))
        dout = rng.standard_normal((4, 3))
        _same("dx", mine.backward(dout.copy()), relu.backward(dout))
        return
    if cls == "SoftmaxWithLoss":
        t = rng.integers(0, 3, 4)
        one_hot = np.eye(3)[t]
        mine, loss = namespace[cls](), engine.SoftmaxWithLoss()
        # DLFS's loss keeps a 1e-7 inside the log: compare to 1e-6, not to rounding.
        _same("loss", mine.forward(x.copy(), one_hot), loss.forward(x, t), rtol=1e-6)
        _same("dx", mine.backward(1.0), loss.backward(1.0), rtol=1e-6)
        return
    raise ValueError(f"unknown class {cls!r}")


@code_probe("numerical_gradient_matches_engine")
def numerical_gradient_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's numerical_gradient must return the engine's central differences."""
    from eprep.engine import numerical_gradient

    if "numerical_gradient" not in namespace:
        raise AssertionError("the completed code defines no function numerical_gradient")
    x = rng.standard_normal((2, 3))

    def f(v: np.ndarray) -> float:
        # Not separable: every partial derivative depends on every element, so an element
        # left unrestored spoils the differences taken after it.
        return float(np.sum(v**3) + np.sum(v) ** 2 + np.prod(np.cos(v)))

    given = x.copy()
    with np.errstate(all="ignore"):
        mine = namespace["numerical_gradient"](f, given)
    _same("the gradient", mine, numerical_gradient(f, x.copy()), rtol=1e-7)
    _same("x after the call (it must be restored)", given, x)


@code_probe("cross_entropy_matches_engine")
def cross_entropy_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's cross_entropy_error must equal the engine's (DLFS's) on a batch."""
    from eprep.engine import cross_entropy_error, softmax

    if "cross_entropy_error" not in namespace:
        raise AssertionError("the completed code defines no function cross_entropy_error")
    y = softmax(rng.standard_normal((5, 4)))
    y[0] = [0.0, 1.0, 0.0, 0.0]  # a zero probability for the right class
    t = np.eye(4)[[0, 2, 3, 1, 0]]
    with np.errstate(all="ignore"):
        mine = namespace["cross_entropy_error"](y.copy(), t.copy())
    _same("the loss", mine, cross_entropy_error(y, t))


@probe("binary_cross_entropy")
def binary_cross_entropy(variant: Params, rng: np.random.Generator) -> Value:
    """The engine SigmoidWithLoss on outputs y1 (label 1) and y2 (label 0); inputs logit(y)."""
    from eprep.engine import SigmoidWithLoss

    y = np.array([float(variant["y1"]), float(variant["y2"])])
    return Value(SigmoidWithLoss().forward(np.log(y / (1 - y)), np.array([1.0, 0.0])))


@probe("chain_rule_weight_gradient")
def chain_rule_weight_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """dL/dw by the engine's numerical_gradient of L = sum_squared_error(sigmoid(x w + b), t)."""
    from eprep.engine import Affine, Sigmoid, numerical_gradient, sum_squared_error

    w = np.array([[float(variant["w"])]])
    layer = Affine(w, np.array([float(variant["b"])]))
    x, t = np.array([[float(variant["x"])]]), np.array([[float(variant["t"])]])

    def loss(_: np.ndarray) -> float:
        return sum_squared_error(Sigmoid().forward(layer.forward(x)), t)

    return Value(float(numerical_gradient(loss, w)[0, 0]), rel_tol=1e-6)


@probe("sgd_steps_on_square")
def sgd_steps_on_square(variant: Params, rng: np.random.Generator) -> Value:
    """w after k engine SGD steps on L(w) = w^2, each gradient measured numerically."""
    from eprep.engine import SGD, numerical_gradient

    params = {"w": np.array([float(variant["w0"])])}
    optimizer = SGD(lr=float(variant["eta"]))
    for _ in range(_int(variant, "k")):
        grads = {"w": numerical_gradient(lambda v: float(v[0] ** 2), params["w"])}
        optimizer.update(params, grads)
    return Value(float(params["w"][0]), rel_tol=1e-6, abs_tol=1e-9)


@probe("affine_input_gradient")
def affine_input_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """dx[0] of an engine Affine (2 inputs, 2 outputs) for upstream gradient (d1, d2)."""
    from eprep.engine import Affine

    W = np.array([[variant["w11"], variant["w12"]], [variant["w21"], variant["w22"]]], dtype=float)
    layer = Affine(W, np.zeros(2))
    layer.forward(rng.standard_normal((1, 2)))
    return Value(
        float(layer.backward(np.array([[variant["d1"], variant["d2"]]], dtype=float))[0, 0])
    )


_GATE_OPTIONS = {
    "and": (0.5, 0.5, -0.7),
    "or": (0.5, 0.5, -0.2),
    "nand": (-0.5, -0.5, 0.7),
    "none": (0.5, -0.5, 0.3),
}


@probe("perceptron_gate")
def perceptron_gate(variant: Params, rng: np.random.Generator) -> OptionId:
    """Run each option's weights through an engine Affine with a step at 0; which one is AND."""
    from eprep.engine import Affine

    inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    for option, (w1, w2, b) in _GATE_OPTIONS.items():
        out = Affine(np.array([[w1], [w2]]), np.array([b])).forward(inputs)[:, 0] > 0
        if list(out) == [False, False, False, True]:
            return OptionId(option)
    return OptionId("missing")


@probe("zero_centred_activation")
def zero_centred_activation(variant: Params, rng: np.random.Generator) -> OptionId:
    """Mean output of the engine's activations on inputs symmetric about 0."""
    from eprep.engine import relu, sigmoid, tanh

    x = np.linspace(-3, 3, 601)
    means = {"tanh": tanh(x).mean(), "sigmoid": sigmoid(x).mean(), "relu": relu(x).mean()}
    centred = [name for name, m in means.items() if abs(m) < 1e-9]
    return OptionId(centred[0] if len(centred) == 1 else "none")


@code_probe("softmax_matches_engine")
def softmax_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's softmax must equal the engine's row by row on a batch of large scores."""
    from eprep.engine import softmax

    if "softmax" not in namespace:
        raise AssertionError("the completed code defines no function softmax")
    # Scores near 1000: exp overflows (e^709 is the largest double) unless each row is shifted by
    # about its maximum, so a softmax that does not shift, or shifts too little, fails here.
    x = rng.standard_normal((4, 5)) * 3 + 1000.0
    with np.errstate(all="ignore"):
        mine = namespace["softmax"](x.copy())
    _same("the softmax", mine, softmax(x))


@probe("sigmoid_value")
def sigmoid_value(variant: Params, rng: np.random.Generator, *, report: str = "value") -> Value:
    """The engine's sigmoid (or sigmoid_grad) at x."""
    from eprep.engine import sigmoid, sigmoid_grad

    x = np.array([float(variant["x"])])
    return Value(float({"value": sigmoid, "slope": sigmoid_grad}[report](x)[0]))


@probe("squared_error_gradient")
def squared_error_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """d E / d y_1 of the engine's sum_squared_error, by its numerical_gradient."""
    from eprep.engine import numerical_gradient, sum_squared_error

    y = np.array([float(variant["y1"]), float(variant["y2"])])
    t = np.array([float(variant["t1"]), float(variant["t2"])])
    return Value(float(numerical_gradient(lambda v: sum_squared_error(v, t), y)[0]), rel_tol=1e-6)


@probe("numerical_gradient_evaluations")
def numerical_gradient_evaluations(variant: Params, rng: np.random.Generator) -> Value:
    """How many times the engine's numerical_gradient calls f for P parameters."""
    from eprep.engine import numerical_gradient

    calls = 0

    def f(v: np.ndarray) -> float:
        nonlocal calls
        calls += 1
        return float(np.sum(v**2))

    numerical_gradient(f, rng.standard_normal(_int(variant, "P")))
    return Value(calls)


@probe("affine_output_entry")
def affine_output_entry(variant: Params, rng: np.random.Generator) -> Value:
    """y[0, 1] of an engine Affine with a 2x2 W, bias (b1, b2) and input (x1, x2)."""
    from eprep.engine import Affine

    W = np.array([[variant["w11"], variant["w12"]], [variant["w21"], variant["w22"]]], dtype=float)
    layer = Affine(W, np.array([variant["b1"], variant["b2"]], dtype=float))
    return Value(
        float(layer.forward(np.array([[variant["x1"], variant["x2"]]], dtype=float))[0, 1])
    )


@code_probe("function_matches_engine")
def function_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator, *, name: str
) -> None:
    """The template's sigmoid / sum_squared_error must equal the engine's on random inputs."""
    from eprep import engine

    if name not in namespace:
        raise AssertionError(f"the completed code defines no function {name}")
    x = rng.standard_normal((3, 4)) * 3
    with np.errstate(all="ignore"):
        if name == "sigmoid":
            _same("sigmoid", namespace[name](x.copy()), engine.sigmoid(x))
        elif name == "sum_squared_error":
            t = rng.standard_normal((3, 4))
            _same("the error", namespace[name](x.copy(), t.copy()), engine.sum_squared_error(x, t))
        else:
            raise ValueError(f"unknown function {name!r}")


@code_probe("accuracy_matches_engine")
def accuracy_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's accuracy(y, t) must equal an engine net's accuracy on the same batch."""
    from eprep.engine import MultiLayerNet

    if "accuracy" not in namespace:
        raise AssertionError("the completed code defines no function accuracy")
    net = MultiLayerNet(4, [5], 3, rng=rng)
    x = rng.standard_normal((7, 4))
    labels = rng.integers(0, 3, 7)
    y = net.predict(x)
    for t in (labels, np.eye(3)[labels]):  # labels and one-hot targets
        with np.errstate(all="ignore"):
            mine = namespace["accuracy"](y.copy(), t.copy())
        _same("the accuracy", mine, net.accuracy(x, t))


@code_probe("one_hot_matches_engine")
def one_hot_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The engine's SoftmaxWithLoss gives one loss for labels and for the template's one-hot."""
    from eprep.engine import SoftmaxWithLoss

    if "to_one_hot" not in namespace:
        raise AssertionError("the completed code defines no function to_one_hot")
    labels = rng.integers(0, 10, 6)
    one_hot = np.asarray(namespace["to_one_hot"](labels.copy(), 10), dtype=float)
    if one_hot.shape != (6, 10) or not np.all(one_hot.sum(axis=1) == 1):
        raise AssertionError(
            f"to_one_hot gives shape {one_hot.shape} with rows that do not sum to 1"
        )
    x = rng.standard_normal((6, 10))
    _same("the loss with one-hot targets", SoftmaxWithLoss().forward(x, one_hot),
          SoftmaxWithLoss().forward(x, labels))  # fmt: skip


@code_probe("affine_flatten_matches_engine")
def affine_flatten_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's Affine must accept a 4-D batch as the engine's does, forward and backward."""
    from eprep.engine import Affine

    if "Affine" not in namespace:
        raise AssertionError("the completed code defines no class Affine")
    x = rng.standard_normal((3, 2, 2, 2))
    W, b = rng.standard_normal((8, 4)), rng.standard_normal(4)
    mine, theirs = namespace["Affine"](W.copy(), b.copy()), Affine(W, b)
    _same("forward", mine.forward(x.copy()), theirs.forward(x))
    dout = rng.standard_normal((3, 4))
    _same("dx", mine.backward(dout.copy()), theirs.backward(dout))
    _same("dW", mine.dW, theirs.dW)


@code_probe("two_layer_predict_matches_engine")
def two_layer_predict_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's predict must be softmax of an engine sigmoid MultiLayerNet's scores."""
    from eprep.engine import MultiLayerNet, softmax

    if "predict" not in namespace:
        raise AssertionError("the completed code defines no function predict")
    net = MultiLayerNet(4, [5], 3, activation="sigmoid", rng=rng)
    x = rng.standard_normal((6, 4))
    params = {key: value.copy() for key, value in net.params.items()}
    with np.errstate(all="ignore"):
        mine = namespace["predict"](params, x.copy())
    _same("the prediction", mine, softmax(net.predict(x)))


@code_probe("gradient_descent_matches_engine")
def gradient_descent_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's gradient_descent must end where the engine's SGD does, step for step."""
    from eprep.engine import SGD, numerical_gradient

    if "gradient_descent" not in namespace:
        raise AssertionError("the completed code defines no function gradient_descent")

    def f(x: np.ndarray) -> float:
        return float(x[0] ** 2 + 3 * x[1] ** 2)

    start = rng.standard_normal(2)
    with np.errstate(all="ignore"):
        mine = namespace["gradient_descent"](f, start.copy(), lr=0.1, step_num=20)
    params = {"x": start.copy()}
    optimizer = SGD(lr=0.1)
    for _ in range(20):
        optimizer.update(params, {"x": numerical_gradient(f, params["x"])})
    _same("the end point", mine, params["x"], rtol=1e-7)


@probe("leaky_relu_sum")
def leaky_relu_sum(variant: Params, rng: np.random.Generator) -> Value:
    """Sum of the engine's leaky_relu over (x1, x2) with slope alpha."""
    from eprep.engine import leaky_relu

    x = np.array([float(variant["x1"]), float(variant["x2"])])
    return Value(float(np.sum(leaky_relu(x, float(variant["alpha"])))))


@probe("step_at_zero")
def step_at_zero(variant: Params, rng: np.random.Generator) -> OptionId:
    """What the engine's step_function returns at exactly 0."""
    from eprep.engine import step_function

    value = float(step_function(np.array([0.0]))[0])
    return OptionId({0.0: "zero", 1.0: "one", 0.5: "half"}.get(value, "other"))


@probe("regression_output_activation")
def regression_output_activation(variant: Params, rng: np.random.Generator) -> OptionId:
    """Which engine output activation can produce a target of 5 (the others are bounded by 1)."""
    from eprep.engine import sigmoid, softmax

    large = np.array([[-50.0, 50.0]])
    reachable = {
        "sigmoid": float(sigmoid(large).max()) >= 5.0,
        "softmax": float(softmax(large).max()) >= 5.0,
        "identity": float(large.max()) >= 5.0,
    }
    can = [name for name, ok in reachable.items() if ok]
    return OptionId(can[0] if len(can) == 1 else "other")


@probe("numerical_gradient_precision")
def numerical_gradient_precision(variant: Params, rng: np.random.Generator) -> OptionId:
    """Error of the engine's numerical_gradient of x^3 at x = 1 in float32 and in float64."""
    from eprep.engine import numerical_gradient

    errors = {}
    for dtype in (np.float32, np.float64):
        x = np.array([1.0], dtype=dtype)
        grad = numerical_gradient(lambda v: float(v[0] ** 3), x)
        errors[dtype] = abs(float(grad[0]) - 3.0)
    if errors[np.float32] > 100 * errors[np.float64]:
        return OptionId("rounding")
    return OptionId("same")
