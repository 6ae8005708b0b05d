"""Activation/loss functions and numerical_gradient against hand derivations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.engine import (
    cross_entropy_error,
    numerical_gradient,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    sum_squared_error,
    tanh,
    tanh_grad,
)


def test_sigmoid_matches_definition_and_never_overflows():
    xs = [-800.0, -30.0, -1.5, 0.0, 0.3, 2.0, 40.0, 800.0]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = sigmoid(np.array(xs))
    for x, y in zip(xs, got, strict=True):
        # 1/(1+e^-x) written two ways so neither side overflows in math.exp
        expected = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        assert y == pytest.approx(expected, rel=1e-14, abs=1e-300)
    assert got[0] > 0 or math.exp(-800) == 0.0  # underflows to 0 like the definition


@pytest.mark.parametrize(
    ("fn", "grad"), [(sigmoid, sigmoid_grad), (tanh, tanh_grad), (relu, relu_grad)]
)
def test_activation_grads_match_central_differences(fn, grad):
    x = np.array([-2.3, -0.7, -0.1, 0.2, 0.9, 3.1])
    h = 1e-6
    numeric = (fn(x + h) - fn(x - h)) / (2 * h)
    np.testing.assert_allclose(grad(x), numeric, rtol=1e-7, atol=1e-9)


def test_relu_and_tanh_values():
    np.testing.assert_array_equal(relu(np.array([-1.0, 0.0, 2.5])), [0.0, 0.0, 2.5])
    assert tanh(np.array([0.5]))[0] == pytest.approx(math.tanh(0.5), rel=1e-15)


def test_softmax_rows_shift_invariant_and_huge_inputs():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])
    y = softmax(x)
    e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    expected = [v / sum(e) for v in e]
    np.testing.assert_allclose(y[0], expected, rtol=1e-14)
    np.testing.assert_allclose(y[1], expected, rtol=1e-12)  # max subtracted: no overflow
    np.testing.assert_allclose(softmax(np.array([1.0, 2.0, 3.0])), expected, rtol=1e-14)


def test_cross_entropy_hand_values_labels_and_one_hot():
    y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    expected = -(math.log(0.7 + 1e-7) + math.log(0.25 + 1e-7)) / 2
    assert cross_entropy_error(y, np.array([1, 2])) == pytest.approx(expected, rel=1e-14)
    one_hot = np.array([[0, 1, 0], [0, 0, 1]], dtype=float)
    assert cross_entropy_error(y, one_hot) == pytest.approx(expected, rel=1e-14)
    single = cross_entropy_error(np.array([0.1, 0.7, 0.2]), np.array([0.0, 1.0, 0.0]))
    assert single == pytest.approx(-math.log(0.7 + 1e-7), rel=1e-14)
    assert cross_entropy_error(np.array([0.1, 0.7, 0.2]), 1) == pytest.approx(single, rel=1e-14)


def test_cross_entropy_bad_targets():
    y = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"\(5,\)"):
        cross_entropy_error(y, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="0, 3"):
        cross_entropy_error(y, np.array([0, 3]))
    with pytest.raises(TypeError, match="integers"):
        cross_entropy_error(y, np.array([0.0, 1.0]))


def test_sum_squared_error():
    assert sum_squared_error(np.array([0.5, 0.2]), np.array([1.0, 0.0])) == pytest.approx(
        0.5 * (0.25 + 0.04)
    )
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        sum_squared_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_of_a_quadratic_and_restores_x():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((3, 3))
    x = rng.standard_normal(3)
    before = x.copy()
    grad = numerical_gradient(lambda v: float(v @ A @ v + np.sin(v).sum()), x)
    # d/dx (x^T A x + sum sin x) = (A + A^T) x + cos x
    np.testing.assert_allclose(grad, (A + A.T) @ x + np.cos(x), rtol=1e-8)
    np.testing.assert_array_equal(x, before)
    m = rng.standard_normal((2, 3))
    # the central difference of v^3 is exactly 3 v^2 + h^2 (truncation h^2 f'''/6 = 1e-8)
    cubic = numerical_gradient(lambda v: float(np.sum(v**3)), m)
    np.testing.assert_allclose(cubic, 3 * m**2 + 1e-8, rtol=0, atol=1e-11)


def test_numerical_gradient_refuses_integers_and_non_arrays():
    with pytest.raises(TypeError, match=r"int64.*float"):
        numerical_gradient(lambda v: float(v.sum()), np.arange(3))
    with pytest.raises(TypeError, match="list"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    frozen = np.zeros(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(lambda v: 0.0, frozen)


def test_step_function_is_zero_at_zero_and_leaky_relu_has_its_slope():
    from eprep.engine import leaky_relu, leaky_relu_grad, numerical_gradient, step_function

    np.testing.assert_array_equal(step_function(np.array([-1.5, 0.0, 2.0])), [0, 0, 1])
    x = np.array([-2.0, -0.3, 0.4, 3.0])
    np.testing.assert_allclose(leaky_relu(x, 0.1), [-0.2, -0.03, 0.4, 3.0])
    numeric = numerical_gradient(lambda v: float(np.sum(leaky_relu(v, 0.1))), x.copy())
    np.testing.assert_allclose(leaky_relu_grad(x, 0.1), numeric, rtol=1e-9)
