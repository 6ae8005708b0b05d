"""MultiLayerNet, MultiLayerNetExtend and SimpleConvNet: gradients, shared params, decay."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from gradient_checks import TOL

from eprep.engine import (
    SGD,
    Adam,
    MultiLayerNet,
    MultiLayerNetExtend,
    SimpleConvNet,
    softmax,
    weight_init_std,
)
from eprep.engine.gradcheck import relative_error


def assert_gradients_match(net, x, t):
    analytic = net.gradient(x, t)
    numeric = net.numerical_gradient(x, t)
    assert set(analytic) == set(net.params) == set(numeric)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_multilayer_net_gradients_with_l2_and_l1(activation):
    rng = np.random.default_rng(0)
    net = MultiLayerNet(
        5, [4, 3], 3, activation=activation, weight_init_std=activation,
        weight_decay_lambda=0.2, l1_lambda=0.05, rng=rng,
    )  # fmt: skip
    assert_gradients_match(net, rng.standard_normal((6, 5)), rng.integers(0, 3, 6))


def test_extend_net_gradients_with_batchnorm_and_dropout():
    rng = np.random.default_rng(1)
    net = MultiLayerNetExtend(
        5, [4, 4], 3, use_batchnorm=True, use_dropout=True, dropout_ration=0.25,
        weight_decay_lambda=0.1, rng=rng,
    )  # fmt: skip
    assert net.layers["Dropout1"].dropout_ratio == 0.25  # DLFS's misspelt keyword works
    assert list(net.layers)[:4] == ["Affine1", "BatchNorm1", "Activation_function1", "Dropout1"]
    x, t = rng.standard_normal((7, 5)), np.eye(3)[rng.integers(0, 3, 7)]
    analytic = net.gradient(x, t)
    running = net.layers["BatchNorm1"].running_mean.copy()
    numeric = net.numerical_gradient(x, t)  # reuses gradient()'s dropout masks
    np.testing.assert_array_equal(net.layers["BatchNorm1"].running_mean, running)  # restored
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    assert set(errors) == {"W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"}
    assert max(errors.values()) < TOL, errors


def test_simple_conv_net_gradients_and_shapes():
    rng = np.random.default_rng(2)
    net = SimpleConvNet(
        (2, 6, 6), {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1},
        hidden_size=4, output_size=3, weight_init_std="he", rng=rng,
    )  # fmt: skip
    assert net.params["W1"].shape == (3, 2, 3, 3) and net.params["W2"].shape == (27, 4)
    assert list(net.layers) == ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"]
    assert_gradients_match(net, rng.standard_normal((3, 2, 6, 6)), rng.integers(0, 3, 3))


def test_simple_conv_net_on_an_odd_size_floors_the_pooling():
    rng = np.random.default_rng(12)
    # 9x9 input, 3x3 filter -> 7x7; 2x2 pooling at stride 2 fits 3 windows per axis (DLFS's
    # int(7/2)), so Affine1 receives 2 * 3 * 3 = 18 features per sample.
    net = SimpleConvNet(
        (1, 9, 9), {"filter_num": 2, "filter_size": 3, "pad": 0, "stride": 1},
        hidden_size=4, output_size=3, weight_init_std="he", rng=rng,
    )  # fmt: skip
    x = rng.standard_normal((2, 1, 9, 9))
    net.predict(x)
    assert net.layers["Affine1"].x.shape == (2, 18)
    assert_gradients_match(net, rng.standard_normal((3, 1, 9, 9)), rng.integers(0, 3, 3))


def test_params_are_shared_with_the_layers():
    rng = np.random.default_rng(3)
    net = MultiLayerNet(4, [5], 3, rng=rng)
    x, t = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    assert net.params["W1"] is net.layers["Affine1"].W
    before = net.predict(x).copy()
    grads = net.gradient(x, t)
    W1 = net.params["W1"].copy()
    SGD(lr=0.5).update(net.params, grads)
    np.testing.assert_allclose(net.layers["Affine1"].W, W1 - 0.5 * grads["W1"], rtol=1e-14)
    # predict recomputed by hand from the updated params dict
    h = np.maximum(x @ net.params["W1"] + net.params["b1"], 0)
    np.testing.assert_allclose(net.predict(x), h @ net.params["W2"] + net.params["b2"], rtol=1e-12)
    assert not np.allclose(net.predict(x), before)
    net.load_params({"W2": np.zeros((5, 3))})  # the documented way to put in a new array
    assert net.layers["Affine2"].W is net.params["W2"]
    np.testing.assert_array_equal(net.predict(x), np.tile(net.params["b2"], (6, 1)))
    with pytest.raises(ValueError, match=r"params\['W2'\] has shape \(5, 3\)"):
        net.load_params({"W2": np.zeros((2, 2))})
    with pytest.raises(KeyError, match="no parameter 'W9'"):
        net.load_params({"W9": np.zeros((5, 3))})


def test_saved_params_load_into_a_fresh_net_as_in_dlfs(tmp_path):
    """DLFS's save_params/load_params round trip: pickle the params dict, load it into a new
    net built with other random weights; it then predicts exactly as the saved one (in train
    mode: batch norm's running statistics are state, not params, in DLFS as here)."""
    rng = np.random.default_rng(5)
    x, t = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    trained = MultiLayerNetExtend(4, [6, 5], 3, use_batchnorm=True, rng=rng)
    Adam(lr=0.05).update(trained.params, trained.gradient(x, t))
    path = tmp_path / "params.pkl"
    path.write_bytes(pickle.dumps(trained.params))
    fresh = MultiLayerNetExtend(4, [6, 5], 3, use_batchnorm=True, rng=np.random.default_rng(6))
    assert not np.allclose(fresh.predict(x, True), trained.predict(x, True))
    fresh.load_params(pickle.loads(path.read_bytes()))
    np.testing.assert_array_equal(fresh.predict(x, True), trained.predict(x, True))
    # the loaded arrays are the layers' arrays: an optimizer step moves both
    assert fresh.params["gamma1"] is fresh.layers["BatchNorm1"].gamma
    SGD(lr=0.1).update(fresh.params, fresh.gradient(x, t))
    assert not np.allclose(fresh.predict(x, True), trained.predict(x, True))


def test_copies_and_pickles_keep_params_shared_with_their_own_layers():
    net = MultiLayerNetExtend(4, [5], 3, use_batchnorm=True, rng=np.random.default_rng(9))
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert clone.params["W1"] is clone.layers["Affine1"].W
        assert clone.params["gamma1"] is clone.layers["BatchNorm1"].gamma
        assert clone.params["W1"] is not net.params["W1"]
        clone.params["W1"] += 1.0
        assert not np.array_equal(clone.params["W1"], net.params["W1"])


def test_training_lowers_the_loss_and_accuracy():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((60, 2))
    t = (x[:, 0] * x[:, 1] > 0).astype(int)  # XOR-like quadrants
    net = MultiLayerNetExtend(2, [16, 16], 2, use_batchnorm=True, rng=rng)
    opt = Adam(lr=0.02)
    first = net.loss(x, t)
    for _ in range(150):
        opt.update(net.params, net.gradient(x, t))
    assert net.loss(x, t) < 0.5 * first
    assert net.accuracy(x, t) > 0.9
    assert net.accuracy(x, np.eye(2)[t]) == net.accuracy(x, t)


def test_loss_adds_l2_and_l1_on_weights_only():
    rng = np.random.default_rng(5)
    net = MultiLayerNet(3, [4], 2, weight_decay_lambda=0.3, l1_lambda=0.2, rng=rng)
    net.params["b1"][:] = 5.0  # large biases must not enter the penalty
    x, t = rng.standard_normal((4, 3)), rng.integers(0, 2, 4)
    h = np.maximum(x @ net.params["W1"] + net.params["b1"], 0)
    y = softmax(h @ net.params["W2"] + net.params["b2"])
    ce = -np.mean(np.log(y[np.arange(4), t]))  # SoftmaxWithLoss: exact log-softmax
    weights = (net.params["W1"], net.params["W2"])
    penalty = sum(0.15 * np.sum(W**2) + 0.2 * np.sum(np.abs(W)) for W in weights)
    assert net.loss(x, t) == pytest.approx(ce + penalty, rel=1e-12)


def test_weight_init_std_and_net_scales():
    assert weight_init_std("xavier", 50) == pytest.approx(math.sqrt(1 / 50))
    assert weight_init_std("sigmoid", 8) == pytest.approx(math.sqrt(1 / 8))
    assert weight_init_std("he", 50) == pytest.approx(math.sqrt(2 / 50))
    assert weight_init_std("relu", 8) == pytest.approx(0.5)
    assert weight_init_std(0.01, 8) == 0.01
    with pytest.raises(ValueError, match="'lecun'"):
        weight_init_std("lecun", 8)
    with pytest.raises(ValueError, match="n_in"):
        weight_init_std("he", 0)
    net = MultiLayerNet(2000, [1000], 2, weight_init_std="he", rng=np.random.default_rng(6))
    # sample sd of 2,000,000 normals: relative standard error ~ 1/sqrt(2n) = 5e-4
    assert net.params["W1"].std() == pytest.approx(math.sqrt(2 / 2000), rel=5 * 5e-4)


def test_nets_reproducible_and_bad_arguments():
    a = MultiLayerNet(3, [4], 2, rng=np.random.default_rng(7))
    b = MultiLayerNet(3, [4], 2, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.params["W1"], b.params["W1"])
    with pytest.raises(ValueError, match="activation"):
        MultiLayerNet(3, [4], 2, activation="gelu")
    with pytest.raises(ValueError, match=r"\[3, -4, 2\]"):
        MultiLayerNet(3, [-4], 2)
    with pytest.raises(ValueError, match="filter_size 5 is larger"):
        SimpleConvNet((1, 4, 4), {"filter_num": 2, "filter_size": 5, "pad": 0, "stride": 1})
    with pytest.raises(ValueError, match="'padding'"):
        SimpleConvNet(conv_param={"padding": 1})
    net = MultiLayerNet(3, [4], 2, rng=np.random.default_rng(8))
    with pytest.raises(ValueError, match=r"x has shape \(2, 5\)"):
        net.predict(np.zeros((2, 5)))


def test_the_two_mlp_classes_build_the_same_net():
    """MultiLayerNetExtend is MultiLayerNet's DLFS name: same arguments, same layers, same draws."""
    kwargs = {"use_dropout": True, "dropout_ratio": 0.3, "use_batchnorm": True}
    plain = MultiLayerNet(4, [5, 6], 3, "tanh", rng=np.random.default_rng(2), **kwargs)
    extend = MultiLayerNetExtend(4, [5, 6], 3, "tanh", rng=np.random.default_rng(2), **kwargs)
    assert list(plain.layers) == list(extend.layers)
    assert all(np.array_equal(plain.params[k], extend.params[k]) for k in plain.params)
    alias = MultiLayerNetExtend(4, [5], 3, use_dropout=True, dropout_ration=0.3)
    assert alias.layers["Dropout1"].dropout_ratio == 0.3
