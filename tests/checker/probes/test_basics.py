"""The day1 probes against hand computations in this file, and against deliberately wrong keys."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe, get_probe

from .bank_probes import run
from .bank_probes import variants as bank_variants


def variants(question_id: str, count: int = 6) -> list[dict[str, float]]:
    return bank_variants(question_id, count)


def _differs(measured: float, wrong: float) -> bool:
    return not math.isclose(measured, wrong, rel_tol=1e-6, abs_tol=1e-9)


@pytest.mark.parametrize("values", variants("day1.neuron.unit-output"))
def test_unit_output(values: dict[str, float]) -> None:
    total = values["w1"] * values["x1"] + values["w2"] * values["x2"] + values["b"]
    measured = run("day1.neuron.unit-output", values)
    assert measured == pytest.approx(max(0.0, total), rel=1e-12)
    assert _differs(measured, total - values["b"])


@pytest.mark.parametrize("values", variants("day1.neuron.deep-mlp-parameters", 4))
def test_mlp_parameters_by_listing_the_shapes(values: dict[str, float]) -> None:
    i, h, h2, o = (int(values[k]) for k in ("IN", "HID", "H2", "OUT"))
    shapes = [(i, h), (h,), (h, h2), (h2,), (h2, o), (o,)]
    measured = run("day1.neuron.deep-mlp-parameters", values)
    assert measured == sum(math.prod(s) for s in shapes)
    assert _differs(measured, i * h + h * h2 + h2 * o)  # the biases forgotten
    assert _differs(measured, i * h + i + h * h2 + h + h2 * o + h2)  # a bias per input


@pytest.mark.parametrize("values", variants("day1.activations.softmax"))
def test_softmax_entry(values: dict[str, float]) -> None:
    e = [math.exp(values[k]) for k in ("z1", "z2", "z3")]
    measured = run("day1.activations.softmax", values)
    assert measured == pytest.approx(e[0] / sum(e), rel=1e-12)
    assert _differs(measured, 1 / (1 + math.exp(-values["z1"])))


def test_choice_probes() -> None:
    rng = np.random.default_rng(0)
    assert get_probe("softmax_shift")({}, rng) == OptionId("unchanged")
    assert get_probe("linear_layers_collapse")({}, rng) == OptionId("collapses")
    assert get_probe("xor_single_unit")({}, rng) == OptionId("not-separable")
    assert get_probe("relu_backward_vector")({}, rng) == OptionId("0-0-7")


@pytest.mark.parametrize("values", variants("day1.losses.squared-error"))
def test_squared_error(values: dict[str, float]) -> None:
    errors = [values["y1"] - values["t1"], values["y2"] - values["t2"]]
    measured = run("day1.losses.squared-error", values)
    assert measured == pytest.approx(0.5 * sum(e * e for e in errors), rel=1e-12)
    assert _differs(measured, sum(e * e for e in errors))


def test_cross_entropy_of_zero_is_seven_ln_ten() -> None:
    measured = run("day1.losses.cross-entropy-of-zero", {"delta": 1e-7})
    assert measured == pytest.approx(7 * math.log(10), rel=1e-6)
    assert _differs(measured, 7.0)


@pytest.mark.parametrize("values", variants("day1.losses.cross-entropy"))
def test_cross_entropy(values: dict[str, float]) -> None:
    z = [values[k] for k in ("z1", "z2", "z3")]
    p = math.exp(z[0]) / sum(math.exp(v) for v in z)
    measured = run("day1.losses.cross-entropy", values)
    assert measured == pytest.approx(-math.log(p), rel=1e-6)  # with or without the 1e-7
    assert _differs(measured, 1 - p)


@pytest.mark.parametrize("values", variants("day1.backprop.sigmoid-backward"))
def test_sigmoid_backward_by_finite_differences(values: dict[str, float]) -> None:
    def sigmoid(v: float) -> float:
        return 1 / (1 + math.exp(-v))

    x, eps = values["x"], 1e-6
    expected = values["dout"] * (sigmoid(x + eps) - sigmoid(x - eps)) / (2 * eps)
    measured = run("day1.backprop.sigmoid-backward", values)
    assert measured == pytest.approx(expected, rel=1e-6)
    assert _differs(measured, values["dout"] * sigmoid(x))


@pytest.mark.parametrize("values", variants("day1.backprop.affine-bias-gradient"))
def test_affine_gradients_by_hand(values: dict[str, float]) -> None:
    x1, x2, d1, d2 = (values[k] for k in ("x1", "x2", "d1", "d2"))
    db = run("day1.backprop.affine-bias-gradient", values)
    assert db == pytest.approx(d1 + d2, rel=1e-12)
    assert _differs(db, (d1 + d2) / 2)
    dw = get_probe("affine_backward_entry")(values, np.random.default_rng(0), report="dW").value
    assert dw == pytest.approx(x1 * d1 + x2 * d2, rel=1e-12)


@pytest.mark.parametrize("values", variants("day1.backprop.softmax-loss-gradient"))
def test_softmax_loss_gradient_by_finite_differences(values: dict[str, float]) -> None:
    n = int(values["N"])

    def loss(z1: float) -> float:  # the batch mean of N identical samples is one sample's loss
        return -math.log(math.exp(z1) / (math.exp(z1) + math.exp(values["z2"])))

    eps = 1e-6
    per_sample = (loss(values["z1"] + eps) - loss(values["z1"] - eps)) / (2 * eps) / n
    measured = run("day1.backprop.softmax-loss-gradient", values)
    assert measured == pytest.approx(per_sample, rel=1e-5)
    assert _differs(measured, per_sample * n)


@pytest.mark.parametrize("values", variants("day1.training.central-difference-error"))
def test_central_difference_error_by_expansion(values: dict[str, float]) -> None:
    measured = run("day1.training.central-difference-error", values)
    assert measured == pytest.approx(1e-8, rel=1e-3)  # (x+h)^3 - (x-h)^3 = 6x^2 h + 2h^3
    assert _differs(measured, 3 * values["x"] * 1e-4)


@pytest.mark.parametrize("values", variants("day1.training.sgd-step"))
def test_sgd_step(values: dict[str, float]) -> None:
    measured = run("day1.training.sgd-step", values)
    assert measured == pytest.approx(values["x"] * (1 - 2 * values["eta"]), rel=1e-6)
    assert _differs(measured, values["x"] * (1 - values["eta"]))


@pytest.mark.parametrize("values", variants("day1.training.iterations", 4))
def test_iterations(values: dict[str, float]) -> None:
    measured = run("day1.training.iterations", values)
    assert measured == values["E"] * values["N"] // values["B"]
    assert _differs(measured, values["N"] // values["B"])


# --- code probes: layers and functions written here pass, broken ones fail -------------------


def test_basic_layer_probe_tells_a_right_affine_from_a_wrong_one() -> None:
    class LoopAffine:
        def __init__(self, W, b, transposed=False):
            self.W, self.b, self.transposed = W, b, transposed

        def forward(self, x):
            self.x = x
            return x @ self.W + self.b

        def backward(self, dout):
            rows, cols = self.W.shape
            self.dW = np.array(
                [
                    [sum(self.x[n, i] * dout[n, j] for n in range(len(dout))) for j in range(cols)]
                    for i in range(rows)
                ]
            )
            if self.transposed:
                self.dW = self.dW.T.copy().reshape(rows, cols)
            self.db = dout.sum(axis=0)
            return dout @ self.W.T

    probe = get_code_probe("basic_layer_matches_engine")
    probe({"Affine": LoopAffine}, {}, np.random.default_rng(0), cls="Affine")
    with pytest.raises(AssertionError, match="dW"):
        probe(
            {"Affine": lambda W, b: LoopAffine(W, b, transposed=True)},
            {},
            np.random.default_rng(0),
            cls="Affine",
        )


def test_relu_probe_catches_the_gradient_at_zero() -> None:
    class StrictRelu:
        def forward(self, x):
            self.mask = x < 0  # lets the gradient through at exactly 0
            return np.where(self.mask, 0.0, x)

        def backward(self, dout):
            return np.where(self.mask, 0.0, dout)

    with pytest.raises(AssertionError, match="dx"):
        get_code_probe("basic_layer_matches_engine")(
            {"Relu": StrictRelu}, {}, np.random.default_rng(0), cls="Relu"
        )


def test_numerical_gradient_and_cross_entropy_probes() -> None:
    def forward_difference(f, x):
        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            base = f(x)
            x[idx] += 1e-4
            grad[idx] = (f(x) - base) / 1e-4
            x[idx] -= 1e-4
        return grad

    with pytest.raises(AssertionError, match="gradient"):
        get_code_probe("numerical_gradient_matches_engine")(
            {"numerical_gradient": forward_difference}, {}, np.random.default_rng(0)
        )

    def by_hand(y, t):  # -sum t log(y + 1e-7) / N, written without the engine
        n = y.shape[0]
        return -sum(math.log(y[i, j] + 1e-7) * t[i, j] for i in range(n) for j in range(4)) / n

    get_code_probe("cross_entropy_matches_engine")(
        {"cross_entropy_error": by_hand}, {}, np.random.default_rng(0)
    )


@pytest.mark.parametrize("values", variants("day1.losses.binary-cross-entropy"))
def test_binary_cross_entropy(values: dict[str, float]) -> None:
    expected = -(math.log(values["y1"]) + math.log(1 - values["y2"])) / 2
    measured = run("day1.losses.binary-cross-entropy", values)
    assert measured == pytest.approx(expected, rel=1e-9)
    assert _differs(measured, -(math.log(values["y1"]) + math.log(values["y2"])) / 2)


@pytest.mark.parametrize("values", variants("day1.backprop.chain-rule"))
def test_chain_rule(values: dict[str, float]) -> None:
    z = 1 / (1 + math.exp(-(values["w"] * values["x"] + values["b"])))
    expected = (z - values["t"]) * z * (1 - z) * values["x"]  # by hand, along the chain
    measured = run("day1.backprop.chain-rule", values)
    assert measured == pytest.approx(expected, rel=1e-6)
    assert _differs(measured, (z - values["t"]) * values["x"])


@pytest.mark.parametrize("values", variants("day1.training.learning-rate"))
def test_learning_rate_steps(values: dict[str, float]) -> None:
    w = values["w0"]
    for _ in range(int(values["k"])):
        w -= values["eta"] * 2 * w
    measured = run("day1.training.learning-rate", values)
    assert measured == pytest.approx(w, rel=1e-6, abs=1e-9)
    assert _differs(measured, values["w0"] * (1 - values["eta"]) ** values["k"])


@pytest.mark.parametrize("values", variants("day1.backprop.affine-input-gradient"))
def test_affine_input_gradient(values: dict[str, float]) -> None:
    measured = run("day1.backprop.affine-input-gradient", values)
    expected = values["d1"] * values["w11"] + values["d2"] * values["w12"]
    assert measured == pytest.approx(expected, rel=1e-12)
    assert _differs(measured, values["d1"] * values["w11"] + values["d2"] * values["w21"])


def test_gate_and_activation_probes() -> None:
    rng = np.random.default_rng(0)
    assert get_probe("perceptron_gate")({}, rng) == OptionId("and")
    assert get_probe("zero_centred_activation")({}, rng) == OptionId("tanh")


def test_softmax_code_probe_catches_the_whole_batch_sum_and_the_overflow() -> None:
    def per_row(x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def whole_batch(x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum()

    def unshifted(x):  # right in exact arithmetic; exp overflows on large scores
        return np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)

    def shifted_by_argmax(x):  # the position of the maximum is not its value
        z = x - np.argmax(x, axis=-1, keepdims=True)
        return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)

    rng = np.random.default_rng(0)
    get_code_probe("softmax_matches_engine")({"softmax": per_row}, {}, rng)
    for wrong in (whole_batch, unshifted, shifted_by_argmax):
        with pytest.raises(AssertionError, match="softmax"):
            get_code_probe("softmax_matches_engine")({"softmax": wrong}, {}, rng)


@pytest.mark.parametrize("values", variants("day1.activations.sigmoid-slope"))
def test_sigmoid_value_and_slope(values: dict[str, float]) -> None:
    s = 1 / (1 + math.exp(-values["x"]))
    assert run("day1.activations.sigmoid-value", values) == pytest.approx(s, rel=1e-12)
    slope = run("day1.activations.sigmoid-slope", values)
    eps = 1e-6
    numeric = 1 / (1 + math.exp(-values["x"] - eps)) - 1 / (1 + math.exp(-values["x"] + eps))
    assert slope == pytest.approx(numeric / (2 * eps), rel=1e-6)
    assert _differs(slope, s)


@pytest.mark.parametrize("values", variants("day1.losses.squared-error-gradient"))
def test_squared_error_gradient(values: dict[str, float]) -> None:
    measured = run("day1.losses.squared-error-gradient", values)
    assert measured == pytest.approx(values["y1"] - values["t1"], rel=1e-6, abs=1e-9)
    assert _differs(measured, 2 * (values["y1"] - values["t1"]))


@pytest.mark.parametrize("values", variants("day1.training.numerical-gradient-cost", 3))
def test_numerical_gradient_cost(values: dict[str, float]) -> None:
    assert run("day1.training.numerical-gradient-cost", values) == 2 * values["P"]


@pytest.mark.parametrize("values", variants("day1.neuron.affine-output"))
def test_affine_output(values: dict[str, float]) -> None:
    expected = values["x1"] * values["w12"] + values["x2"] * values["w22"] + values["b2"]
    measured = run("day1.neuron.affine-output", values)
    assert measured == pytest.approx(expected, rel=1e-12)
    assert _differs(
        measured, values["x1"] * values["w21"] + values["x2"] * values["w22"] + values["b2"]
    )


def test_day1_code_probes_tell_right_from_wrong() -> None:
    rng = np.random.default_rng(5)
    probe = get_code_probe("function_matches_engine")
    probe({"sigmoid": lambda x: 1 / (1 + np.exp(-x))}, {}, rng, name="sigmoid")
    with pytest.raises(AssertionError, match="sigmoid"):
        probe({"sigmoid": lambda x: 1 / (1 + np.exp(x))}, {}, rng, name="sigmoid")

    def row_accuracy(y, t):
        t = t if t.ndim == 1 else t.argmax(axis=1)
        return sum(int(np.argmax(row) == k) for row, k in zip(y, t, strict=True)) / len(t)

    get_code_probe("accuracy_matches_engine")({"accuracy": row_accuracy}, {}, rng)

    def columns(t, k):
        out = np.zeros((t.size, k))
        out[:, t] = 1
        return out

    with pytest.raises(AssertionError):
        get_code_probe("one_hot_matches_engine")({"to_one_hot": columns}, {}, rng)


def test_predict_and_gradient_descent_code_probes() -> None:
    rng = np.random.default_rng(6)

    def predict(params, x, hidden=lambda a: 1 / (1 + np.exp(-a))):
        z = hidden(x @ params["W1"] + params["b1"])
        a = z @ params["W2"] + params["b2"]
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    get_code_probe("two_layer_predict_matches_engine")({"predict": predict}, {}, rng)
    with pytest.raises(AssertionError, match="prediction"):
        get_code_probe("two_layer_predict_matches_engine")(
            {"predict": lambda p, x: predict(p, x, hidden=lambda a: a)}, {}, rng
        )

    def descend(f, x, lr=0.01, step_num=100, sign=-1.0):
        for _ in range(step_num):
            grad = np.array([(f(x + e) - f(x - e)) / 2e-4 for e in np.eye(len(x)) * 1e-4])
            x = x + sign * lr * grad
        return x

    get_code_probe("gradient_descent_matches_engine")({"gradient_descent": descend}, {}, rng)
    with pytest.raises(AssertionError, match="end point"):
        get_code_probe("gradient_descent_matches_engine")(
            {"gradient_descent": lambda f, x, lr, step_num: descend(f, x, lr, step_num, 1.0)},
            {},
            rng,
        )


@pytest.mark.parametrize("values", variants("day1.activations.leaky-relu"))
def test_leaky_relu(values: dict[str, float]) -> None:
    expected = values["alpha"] * values["x1"] + values["x2"]  # x1 < 0 < x2 by the params
    measured = run("day1.activations.leaky-relu", values)
    assert measured == pytest.approx(expected, rel=1e-12)
    assert _differs(measured, values["x2"])


def test_step_output_and_precision_probes() -> None:
    rng = np.random.default_rng(0)
    assert get_probe("step_at_zero")({}, rng) == OptionId("zero")
    assert get_probe("regression_output_activation")({}, rng) == OptionId("identity")
    assert get_probe("numerical_gradient_precision")({}, rng) == OptionId("rounding")
