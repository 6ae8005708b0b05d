"""Small networks in DLFS style: params dict, layers OrderedDict, predict/loss/accuracy/gradient."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from eprep.engine.conv import Convolution, Pooling, conv_output_size
from eprep.engine.gradcheck import numerical_gradient
from eprep.engine.init import weight_init_std as init_std
from eprep.engine.layers import Affine, Dropout, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from eprep.engine.normalization import BatchNormalization

ACTIVATIONS: dict[str, Callable[[], object]] = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}
# Which layer attribute holds the gradient of each kind of parameter.
_GRAD_ATTR = {"W": "dW", "b": "db", "gamma": "dgamma", "beta": "dbeta"}


class ParamDict(dict):
    """The params dict, bound to the layers: the arrays ARE the layers' arrays.

    In-place updates (what the optimizers do) are seen by the layers automatically; assigning a
    new array to a key rebinds the layer's attribute too, so the two can never drift apart.
    """

    def __init__(self) -> None:
        super().__init__()
        self._bindings: dict[str, tuple[object, str]] = {}

    def bind(self, key: str, layer: object, attr: str) -> None:
        self._bindings[key] = (layer, attr)
        super().__setitem__(key, getattr(layer, attr))

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        # copy/pickle refill the items before restoring _bindings; those items are the copied
        # layers' own arrays already, so a plain set is right then.
        if key in getattr(self, "_bindings", ()):
            layer, attr = self._bindings[key]
            value = np.asarray(value)
            current = getattr(layer, attr)
            if value.shape != current.shape:
                raise ValueError(
                    f"params[{key!r}] has shape {current.shape}; cannot assign shape {value.shape}"
                )
            setattr(layer, attr, value)
        super().__setitem__(key, value)

    def update(self, *args: object, **kwargs: np.ndarray) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def _split_key(key: str) -> str:
    return key.rstrip("0123456789")


class _Net:
    """Shared behaviour; subclasses fill params (a ParamDict), layers and last_layer."""

    params: ParamDict
    layers: OrderedDict
    last_layer: SoftmaxWithLoss
    weight_decay_lambda: float = 0.0
    l1_lambda: float = 0.0

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
        for W in self._weights():
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
        for key, (layer, attr) in self.params._bindings.items():
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
    ) -> None:
        self._build(
            input_size,
            hidden_size_list,
            output_size,
            activation,
            weight_init_std,
            weight_decay_lambda,
            l1_lambda,
            rng,
            use_dropout=False,
            dropout_ratio=0.5,
            use_batchnorm=False,
        )

    def _build(
        self,
        input_size: int,
        hidden_size_list: Sequence[int],
        output_size: int,
        activation: str,
        weight_init_std: str | float,
        weight_decay_lambda: float,
        l1_lambda: float,
        rng: np.random.Generator | None,
        use_dropout: bool,
        dropout_ratio: float,
        use_batchnorm: bool,
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
        self.params = ParamDict()
        self.layers = OrderedDict()
        last = len(sizes) - 1
        for idx in range(1, last + 1):
            std = init_std(weight_init_std, sizes[idx - 1])
            W = std * self.rng.standard_normal((sizes[idx - 1], sizes[idx]))
            affine = Affine(W, np.zeros(sizes[idx]))
            self.layers[f"Affine{idx}"] = affine
            self.params.bind(f"W{idx}", affine, "W")
            self.params.bind(f"b{idx}", affine, "b")
            if idx == last:
                break
            if use_batchnorm:
                norm = BatchNormalization(np.ones(sizes[idx]), np.zeros(sizes[idx]))
                self.layers[f"BatchNorm{idx}"] = norm
                self.params.bind(f"gamma{idx}", norm, "gamma")
                self.params.bind(f"beta{idx}", norm, "beta")
            self.layers[f"Activation_function{idx}"] = ACTIVATIONS[activation]()
            if use_dropout:
                self.layers[f"Dropout{idx}"] = Dropout(dropout_ratio, rng=self.rng)
        self.last_layer = SoftmaxWithLoss()


class MultiLayerNetExtend(MultiLayerNet):
    """MultiLayerNet with optional Dropout and BatchNormalization after each hidden Affine.

    Layer order per hidden layer: Affine, BatchNorm, activation, Dropout (as in DLFS). DLFS's
    misspelt keyword `dropout_ration` is accepted as an alias of dropout_ratio.
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
        dropout_ration: float | None = None,
    ) -> None:
        if dropout_ration is not None:
            dropout_ratio = dropout_ration
        self._build(
            input_size,
            hidden_size_list,
            output_size,
            activation,
            weight_init_std,
            weight_decay_lambda,
            l1_lambda,
            rng,
            use_dropout=use_dropout,
            dropout_ratio=dropout_ratio,
            use_batchnorm=use_batchnorm,
        )


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

        self.params = ParamDict()
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
            self.params.bind(f"W{i}", layer, "W")
            self.params.bind(f"b{i}", layer, "b")
        self.last_layer = SoftmaxWithLoss()
