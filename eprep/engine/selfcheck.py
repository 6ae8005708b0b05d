"""The engine's self-test: every layer's and net's backward against numerical_gradient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from eprep.engine.conv import AvgPooling, Convolution, Pooling
from eprep.engine.conv_family import (
    Conv1D,
    DepthwiseConvolution,
    GlobalAveragePooling,
    PointwiseConvolution,
    TransposedConvolution,
)
from eprep.engine.gradcheck import numerical_gradient, relative_error
from eprep.engine.layers import (
    Affine,
    ClassicDropout,
    Dropout,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)
from eprep.engine.nets import MultiLayerNet, MultiLayerNetExtend, SimpleConvNet
from eprep.engine.normalization import (
    BatchNormalization,
    GroupNorm,
    InstanceNorm,
    LayerNorm,
    LocalResponseNormalization,
)
from eprep.engine.selfcheck_compress import compress_checks
from eprep.engine.selfcheck_time import time_layer_checks

# Analytic and numerical gradients must agree to this relative error (float64).
GRADCHECK_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Check:
    """One compared gradient: what was checked, its shape and the relative error."""

    name: str
    shape: tuple[int, ...]
    error: float

    @property
    def ok(self) -> bool:
        return self.error <= GRADCHECK_TOLERANCE


def check_layer(
    name: str, layer: object, x: np.ndarray, rng: np.random.Generator, params: tuple[str, ...] = ()
) -> Iterator[Check]:
    """Compare backward with the numerical gradient of sum(forward(x) * r) for a random r."""
    r = rng.standard_normal(np.shape(layer.forward(x, train_flg=True)))

    def f(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x, train_flg=True) * r))

    layer.forward(x, train_flg=True)
    dx = layer.backward(r)
    analytic = {"x": dx}
    for p in params:
        analytic[p] = getattr(layer, {"W": "dW", "b": "db"}.get(p, "d" + p))
    numeric = {"x": numerical_gradient(f, x)}
    for p in params:
        numeric[p] = numerical_gradient(f, getattr(layer, p))
    for key, grad in analytic.items():
        yield Check(f"{name} d{key}", np.shape(grad), relative_error(grad, numeric[key]))


def _check_inference(
    name: str, layer: object, x: np.ndarray, rng: np.random.Generator
) -> Iterator[Check]:
    """Like check_layer for x only, with forward(x, train_flg=False)."""
    r = rng.standard_normal(np.shape(layer.forward(x, train_flg=False)))

    def f(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x, train_flg=False) * r))

    layer.forward(x, train_flg=False)
    dx = layer.backward(r)
    yield Check(f"{name} dx", np.shape(dx), relative_error(dx, numerical_gradient(f, x)))


def check_net(name: str, net: object, x: np.ndarray, t: np.ndarray) -> Iterator[Check]:
    """Compare net.gradient with net.numerical_gradient, parameter by parameter."""
    analytic = net.gradient(x, t)
    numeric = net.numerical_gradient(x, t)
    for key, grad in analytic.items():
        yield Check(f"{name} d{key}", np.shape(grad), relative_error(grad, numeric[key]))


def _checks(seed: int) -> Iterator[Check]:
    rng = np.random.default_rng(seed)
    normal = rng.standard_normal

    yield from check_layer(
        "Affine(3-D x)", Affine(normal((12, 4)), normal(4)), normal((3, 2, 6)), rng, ("W", "b")
    )
    yield from check_layer("Relu", Relu(), normal((4, 5)), rng)
    yield from check_layer("Sigmoid", Sigmoid(), normal((4, 5)), rng)
    yield from check_layer("Tanh", Tanh(), normal((4, 5)), rng)

    for kind, t in (
        ("labels", rng.integers(0, 4, 5)),
        ("one-hot", np.eye(4)[rng.integers(0, 4, 5)]),
    ):
        loss_layer = SoftmaxWithLoss()
        x = normal((5, 4))
        dout = 1.7  # backward must scale by dout, not assume 1

        def f(_: np.ndarray, layer=loss_layer, x=x, t=t, dout=dout) -> float:
            return dout * layer.forward(x, t)

        loss_layer.forward(x, t)
        dx = loss_layer.backward(dout)
        yield Check(
            f"SoftmaxWithLoss({kind}) dx", dx.shape, relative_error(dx, numerical_gradient(f, x))
        )

    yield from check_layer(
        "BatchNormalization(2-D)",
        BatchNormalization(normal(5), normal(5)),
        normal((6, 5)),
        rng,
        ("gamma", "beta"),
    )
    yield from check_layer(
        "BatchNormalization(4-D)",
        BatchNormalization(normal(3), normal(3)),
        normal((2, 3, 3, 4)),
        rng,
        ("gamma", "beta"),
    )
    dropout = Dropout(0.4, rng=np.random.default_rng(seed + 1))
    dropout.reuse_mask = True  # one fixed mask, so the loss is a function of x alone
    yield from check_layer("Dropout(0.4)", dropout, normal((4, 6)), rng)

    yield from check_layer(
        "Convolution(stride 2, pad 1)",
        Convolution(normal((4, 3, 3, 3)), normal(4), stride=2, pad=1),
        normal((2, 3, 7, 7)),
        rng,
        ("W", "b"),
    )
    yield from check_layer(
        "Convolution(2x3 filter)",
        Convolution(normal((2, 2, 2, 3)), normal(2)),
        normal((2, 2, 4, 5)),
        rng,
        ("W", "b"),
    )
    yield from check_layer(
        "Pooling(2x2, stride 2)", Pooling(2, 2, stride=2), normal((2, 3, 4, 6)), rng
    )
    yield from check_layer(
        "Pooling(3x3, stride 2, pad 1)", Pooling(3, 3, stride=2, pad=1), normal((2, 2, 7, 7)), rng
    )
    yield from check_layer(
        "AvgPooling(3x3, stride 2, pad 1)",
        AvgPooling(3, 3, stride=2, pad=1),
        normal((2, 2, 7, 7)),
        rng,
    )

    x, t = normal((6, 5)), rng.integers(0, 3, 6)
    for activation in ("relu", "sigmoid", "tanh"):
        net = MultiLayerNet(
            5,
            [4, 4],
            3,
            activation=activation,
            weight_init_std=activation,
            weight_decay_lambda=0.1,
            l1_lambda=0.01,
            rng=np.random.default_rng(seed + 2),
        )
        yield from check_net(f"MultiLayerNet({activation}, L2+L1)", net, x, t)
    net = MultiLayerNetExtend(
        5,
        [4, 4],
        3,
        use_batchnorm=True,
        use_dropout=True,
        dropout_ratio=0.3,
        weight_decay_lambda=0.1,
        rng=np.random.default_rng(seed + 3),
    )
    yield from check_net("MultiLayerNetExtend(bn+dropout)", net, x, t)
    net = SimpleConvNet(
        (2, 8, 8),
        {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1},
        hidden_size=5,
        output_size=3,
        weight_init_std="he",
        rng=np.random.default_rng(seed + 4),
    )
    yield from check_net("SimpleConvNet", net, normal((3, 2, 8, 8)), rng.integers(0, 3, 3))
    for name, shape, error in time_layer_checks(seed):
        yield Check(name, shape, error)

    # Later additions draw from their own generator, so the cases above keep their inputs.
    rng = np.random.default_rng(seed + 5)
    normal = rng.standard_normal
    classic = ClassicDropout(0.4, rng=np.random.default_rng(seed + 6))
    classic.reuse_mask = True
    yield from check_layer("ClassicDropout(0.4)", classic, normal((4, 6)), rng)
    yield from _check_inference("ClassicDropout(0.4) inference", classic, normal((4, 6)), rng)
    yield from check_layer(
        "Convolution(stride 3 not dividing)",
        Convolution(normal((3, 2, 3, 2)), normal(3), stride=3, pad=1),
        normal((2, 2, 8, 7)),
        rng,
        ("W", "b"),
    )
    yield from check_layer(
        "Pooling(3x3, stride 2 not dividing)", Pooling(3, 3, stride=2), normal((2, 2, 8, 6)), rng
    )
    yield from _family_checks(seed)
    for name, shape, error in compress_checks(seed):
        yield Check(name, shape, error)


def _family_checks(seed: int) -> Iterator[Check]:
    """Normalisation beside batch norm and the convolution family, on their own generator."""
    rng = np.random.default_rng(seed + 7)
    normal = rng.standard_normal
    affine = ("gamma", "beta")
    yield from check_layer(
        "LayerNorm", LayerNorm(normal(5), normal(5)), normal((4, 5)), rng, affine
    )
    yield from check_layer(
        "GroupNorm(2 groups)", GroupNorm(2, normal(4), normal(4)), normal((2, 4, 3, 3)), rng, affine
    )
    yield from check_layer(
        "InstanceNorm", InstanceNorm(normal(3), normal(3)), normal((2, 3, 3, 2)), rng, affine
    )
    yield from check_layer(
        "LRN(n=3)", LocalResponseNormalization(3, 1.0, 0.5), normal((2, 4, 2, 2)), rng
    )
    weights = ("W", "b")
    yield from check_layer(
        "DepthwiseConvolution(stride 2, pad 1)",
        DepthwiseConvolution(normal((3, 1, 3, 3)), normal(3), stride=2, pad=1),
        normal((2, 3, 5, 6)),
        rng,
        weights,
    )
    yield from check_layer(
        "PointwiseConvolution",
        PointwiseConvolution(normal((4, 3)), normal(4)),
        normal((2, 3, 3, 2)),
        rng,
        weights,
    )
    yield from check_layer(
        "Conv1D(dilation 2, stride 2, pad 1)",
        Conv1D(normal((3, 2, 3)), normal(3), stride=2, pad=1, dilation=2),
        normal((2, 2, 10)),
        rng,
        weights,
    )
    yield from check_layer(
        "Conv1D(causal, dilation 3)",
        Conv1D(normal((2, 2, 2)), normal(2), dilation=3, causal=True),
        normal((2, 2, 9)),
        rng,
        weights,
    )
    yield from check_layer(
        "TransposedConvolution(stride 2, pad 1)",
        TransposedConvolution(normal((3, 2, 3, 3)), normal(2), stride=2, pad=1),
        normal((2, 3, 3, 4)),
        rng,
        weights,
    )
    yield from check_layer(
        "GlobalAveragePooling", GlobalAveragePooling(), normal((2, 3, 3, 4)), rng
    )


def run_checks(seed: int = 0, on_check: Callable[[Check], None] | None = None) -> list[Check]:
    """Run every gradient check (float64, seeded); on_check sees each result as it comes."""
    results = []
    for check in _checks(seed):
        if on_check is not None:
            on_check(check)
        results.append(check)
    return results
