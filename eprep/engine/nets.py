"""Small networks in DLFS style: params dict, layers OrderedDict, predict/loss/accuracy/gradient."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from eprep.engine.conv import Convolution, Pooling, conv_output_size
from eprep.engine.gradcheck import numerical_gradient
from eprep.engine.init import weight_init_std as init_std
from eprep.engine.layers import Affine, Dropout, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from eprep.engine.normalization import BatchNormalization

ACTIVATIONS: dict[str, Callable[[], object]] = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}
# Which layer attribute holds the gradient of each kind of parameter.
_GRAD_ATTR = {"W": "dW", "b": "db", "gamma": "dgamma", "beta": "dbeta"}


def _split_key(key: str) -> str:
    return key.rstrip("0123456789")


class _Net:
    """Shared behaviour; subclasses add their layers with `_add_params`.

    `params` is a plain dict whose arrays ARE the layers' arrays (the same objects), so the
    optimizers' in-place updates (`params[key] -= ...`) reach the layers. Assigning a new
    array to a key does not; re-attach arrays with `load_params`, as DLFS's `load_params`
    does after reading a saved dict.
    """

    params: dict[str, np.ndarray]
    layers: OrderedDict
    last_layer: SoftmaxWithLoss
    weight_decay_lambda: float = 0.0
    l1_lambda: float = 0.0

    def _add_params(self, number: int, layer: object, *names: str) -> None:
        """Register `layer`'s parameters as params[f"{name}{number}"] (W1, b1, gamma1, ...)."""
        for name in names:
            self.params[f"{name}{number}"] = getattr(layer, name)
            self._owners[f"{name}{number}"] = (layer, name)

    def load_params(self, params: Mapping[str, np.ndarray]) -> None:
        """Put these arrays into the net: each becomes params[key] and its layer's attribute.

        Use it to restore saved parameters (`net.load_params(pickle.load(f))`) or to set one
        (`net.load_params({"W2": W})`); the shape must match what the layer has.
        """
        for key, value in params.items():
            if key not in self._owners:
                raise KeyError(f"no parameter {key!r}; the net has {sorted(self._owners)}")
            layer, name = self._owners[key]
            value = np.asarray(value)
            current = getattr(layer, name)
            if value.shape != current.shape:
                raise ValueError(
                    f"params[{key!r}] has shape {current.shape}; cannot load shape {value.shape}"
                )
            setattr(layer, name, value)
            self.params[key] = value

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        for layer in self.layers.values():
            x = layer.forward(x, train_flg=train_flg)
        return x

    def _weights(self) -> list[np.ndarray]:
        return [p for key, p in self.params.items() if _split_key(key) == "W"]

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """Cross-entropy plus 0.5*lambda*sum(W^2) + l1_lambda*sum(|W|) over weights only."""
        y = self.predict(x, train_flg=train_flg)
        decay = 0.0
        for W in self._weights() if self.weight_decay_lambda or self.l1_lambda else ():
            if self.weight_decay_lambda:
                decay += 0.5 * self.weight_decay_lambda * float(np.sum(W * W))
            if self.l1_lambda:
                decay += self.l1_lambda * float(np.sum(np.abs(W)))
        return self.last_layer.forward(y, t) + decay

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        y = np.argmax(self.predict(x, train_flg=False), axis=1)
        t = np.asarray(t)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return float(np.mean(y == t))

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Backpropagation of loss(x, t, train_flg=True); one gradient per key of params."""
        self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1.0)
        layers = list(self.layers.values())
        for layer in reversed(layers[1:]):
            dout = layer.backward(dout)
        # Nothing needs the gradient with respect to the input data, so the first layer only
        # computes its parameter gradients when it can (saves a matmul or a col2im).
        first = layers[0]
        getattr(first, "backward_params", first.backward)(dout)
        grads = {}
        for key, (layer, attr) in self._owners.items():
            grad = getattr(layer, _GRAD_ATTR[attr])
            if attr == "W":
                W = self.params[key]
                if self.weight_decay_lambda:
                    grad = grad + self.weight_decay_lambda * W
                if self.l1_lambda:
                    grad = grad + self.l1_lambda * np.sign(W)
            grads[key] = grad
        return grads

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Central-difference gradient of loss(x, t, train_flg=True) for every parameter.

        Dropout layers reuse the masks of the last train-mode forward (e.g. from gradient()),
        and batch-norm running statistics are restored afterwards, so the result is comparable
        with gradient() and leaves the net as it was.
        """
        dropouts = [layer for layer in self.layers.values() if isinstance(layer, Dropout)]
        norms = [layer for layer in self.layers.values() if isinstance(layer, BatchNormalization)]
        saved = [(n.running_mean, n.running_var) for n in norms]
        for layer in dropouts:
            layer.reuse_mask = True
        try:

            def loss_w(_: np.ndarray) -> float:
                return self.loss(x, t, train_flg=True)

            return {key: numerical_gradient(loss_w, p) for key, p in self.params.items()}
        finally:
            for layer in dropouts:
                layer.reuse_mask = False
            for n, (mean, var) in zip(norms, saved, strict=True):
                n.running_mean, n.running_var = mean, var


def _rng(rng: np.random.Generator | None) -> np.random.Generator:
    return rng if rng is not None else np.random.default_rng()


class MultiLayerNet(_Net):
    """Fully connected net: (Affine, activation) x hidden, Affine, SoftmaxWithLoss.

    weight_init_std is "relu"/"he", "sigmoid"/"xavier" (scaled by each layer's fan-in) or a number.
    weight_decay_lambda (L2) and l1_lambda (L1) act on the weights W only, not on biases.
    use_dropout and use_batchnorm add Dropout / BatchNormalization to each hidden layer (what
    DLFS calls MultiLayerNetExtend): Affine, BatchNorm, activation, Dropout.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: Sequence[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: str | float = "relu",
        weight_decay_lambda: float = 0.0,
        l1_lambda: float = 0.0,
        rng: np.random.Generator | None = None,
        use_dropout: bool = False,
        dropout_ratio: float = 0.5,
        use_batchnorm: bool = False,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        sizes = [input_size, *hidden_size_list, output_size]
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
                raise ValueError(f"layer sizes must be positive integers, got {sizes}")
        if weight_decay_lambda < 0 or l1_lambda < 0:
            raise ValueError(
                f"weight decay must be >= 0, got weight_decay_lambda {weight_decay_lambda}, "
                f"l1_lambda {l1_lambda}"
            )
        self.rng = _rng(rng)
        self.input_size = input_size
        self.hidden_size_list = list(hidden_size_list)
        self.hidden_layer_num = len(self.hidden_size_list)
        self.output_size = output_size
        self.activation = activation
        self.weight_decay_lambda = weight_decay_lambda
        self.l1_lambda = l1_lambda
        self.use_dropout = use_dropout
        self.use_batchnorm = use_batchnorm
        self.params = {}
        self._owners: dict[str, tuple[object, str]] = {}
        self.layers = OrderedDict()
        last = len(sizes) - 1
        for idx in range(1, last + 1):
            std = init_std(weight_init_std, sizes[idx - 1])
            W = std * self.rng.standard_normal((sizes[idx - 1], sizes[idx]))
            affine = Affine(W, np.zeros(sizes[idx]))
            self.layers[f"Affine{idx}"] = affine
            self._add_params(idx, affine, "W", "b")
            if idx == last:
                break
            if use_batchnorm:
                norm = BatchNormalization(np.ones(sizes[idx]), np.zeros(sizes[idx]))
                self.layers[f"BatchNorm{idx}"] = norm
                self._add_params(idx, norm, "gamma", "beta")
            self.layers[f"Activation_function{idx}"] = ACTIVATIONS[activation]()
            if use_dropout:
                self.layers[f"Dropout{idx}"] = Dropout(dropout_ratio, rng=self.rng)
        self.last_layer = SoftmaxWithLoss()


class MultiLayerNetExtend(MultiLayerNet):
    """DLFS's name for MultiLayerNet with Dropout and BatchNormalization (the same arguments).

    DLFS's misspelt keyword `dropout_ration` is accepted as an alias of dropout_ratio.
    """

    def __init__(self, *args: Any, dropout_ration: float | None = None, **kwargs: Any) -> None:
        if dropout_ration is not None:
            kwargs["dropout_ratio"] = dropout_ration
        super().__init__(*args, **kwargs)


class SimpleConvNet(_Net):
    """conv - relu - pool(2x2, stride 2) - affine - relu - affine - softmax, as in DLFS."""

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param: dict[str, int] | None = None,
        hidden_size: int = 100,
        output_size: int = 10,
        weight_init_std: str | float = 0.01,
        rng: np.random.Generator | None = None,
    ) -> None:
        conv = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        if conv_param is not None:
            unknown = set(conv_param) - set(conv)
            if unknown:
                raise ValueError(
                    f"unknown conv_param keys {sorted(unknown)}; known: {sorted(conv)}"
                )
            conv.update(conv_param)
        if len(input_dim) != 3:
            raise ValueError(f"input_dim must be (C, H, W), got {tuple(input_dim)}")
        c, h, w = input_dim
        fn, fs, pad, stride = conv["filter_num"], conv["filter_size"], conv["pad"], conv["stride"]
        conv_h = conv_output_size(h, fs, stride, pad)
        conv_w = conv_output_size(w, fs, stride, pad)
        pool_h = conv_output_size(conv_h, 2, 2)
        pool_w = conv_output_size(conv_w, 2, 2)
        flat = fn * pool_h * pool_w
        self.rng = _rng(rng)
        rng_ = self.rng

        def draw(shape: tuple[int, ...], fan_in: int) -> np.ndarray:
            return init_std(weight_init_std, fan_in) * rng_.standard_normal(shape)

        self.params = {}
        self._owners = {}
        self.layers = OrderedDict()
        conv1 = Convolution(draw((fn, c, fs, fs), c * fs * fs), np.zeros(fn), stride, pad)
        affine1 = Affine(draw((flat, hidden_size), flat), np.zeros(hidden_size))
        affine2 = Affine(draw((hidden_size, output_size), hidden_size), np.zeros(output_size))
        self.layers["Conv1"] = conv1
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(2, 2, stride=2)
        self.layers["Affine1"] = affine1
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = affine2
        for i, layer in enumerate((conv1, affine1, affine2), start=1):
            self._add_params(i, layer, "W", "b")
        self.last_layer = SoftmaxWithLoss()
