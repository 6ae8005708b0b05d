"""Code probes for the framework listings (day4 pytorch, keras): PyTorch and Keras vs the engine.

Each probe runs the completed template with the real framework (PyTorch on the CPU, Keras 3 on
its PyTorch backend) and checks it two ways: what the listing claims or computes against what the
framework object really does, and the framework's result against the NumPy engine given the same
weights (`Affine` for `nn.Linear`/`Dense`, `Convolution` and `Pooling` for `nn.Conv2d`/`Conv2D`
and max pooling, `SoftmaxWithLoss` for the cross-entropy, `BatchNormalization`, `SGD`), or, where
the engine has no such layer (a `DataLoader`), against iterating the framework's object.

torch and keras are imported inside the probes, never with this module: `eprep verify` imports
them once before forking (eprep.checker.frameworks), so in the sandboxed child they are loaded.
Every probe is marked `@needs_frameworks`: without the extra its questions are not proven here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.frameworks import needs_frameworks
from eprep.checker.probes import Params, after_pass, code_probe
from eprep.checker.probes.cnn import _lookup, _same
from eprep.engine import (
    SGD,
    Affine,
    BatchNormalization,
    Convolution,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)


def _equal(what: str, got: Any, want: Any) -> None:
    if got != want:
        raise AssertionError(f"{what} is {got!r}, the framework gives {want!r}")


def _torch(rng: np.random.Generator) -> Any:
    """torch in the child, seeded from the variant and on one thread: a parent that ran torch
    before forking (a test session) leaves an OpenMP pool the child must not enter."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(int(rng.integers(2**31)))
    return torch


def _np(tensor: Any) -> np.ndarray:
    return tensor.detach().cpu().double().numpy()


def _affine(linear: Any) -> Affine:
    """The engine's Affine holding an nn.Linear's weights (torch stores W as (out, in))."""
    bias = _np(linear.bias) if linear.bias is not None else np.zeros(linear.out_features)
    return Affine(_np(linear.weight).T.copy(), bias)


def _softmax(scores: np.ndarray) -> np.ndarray:
    z = np.exp(scores - scores.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- PyTorch


@code_probe("torch_mlp_matches_engine")
@needs_frameworks
def torch_mlp_matches_engine(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """MLP(4, 5, 3): parameters as the engine's two Affine layers, output as Affine-Relu-Affine."""
    torch = _torch(rng)
    model = _lookup(namespace, "MLP")(4, 5, 3).double()
    names = sorted(name for name, _ in model.named_parameters())
    _equal("the parameters", names, ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"])
    x = rng.standard_normal((6, 4))
    got = _np(model(torch.from_numpy(x)))
    first, second = _affine(model.fc1), _affine(model.fc2)
    _same("MLP(x)", got, second.forward(Relu().forward(first.forward(x))))
    engine_count = sum(a.size for layer in (first, second) for a in (layer.W, layer.b))
    _equal("the parameter count", sum(p.numel() for p in model.parameters()), engine_count)


def _classifier_batches(rng: Any, batches: int, size: int = 4) -> list[tuple[Any, Any]]:
    import torch

    return [
        (
            torch.from_numpy(rng.standard_normal((size, 4))),
            torch.from_numpy(rng.integers(0, 3, size)),
        )
        for _ in range(batches)
    ]


def _engine_sgd_steps(linear: Any, windows: list[list[tuple[Any, Any]]], lr: float) -> Affine:
    """One engine SGD step per window, on the cross-entropy of the window's samples together."""
    layer = _affine(linear)
    params = {"W": layer.W, "b": layer.b}
    for window in windows:
        x = np.concatenate([_np(xb) for xb, _ in window])
        t = np.concatenate([tb.numpy() for _, tb in window])
        loss = SoftmaxWithLoss()
        loss.forward(layer.forward(x), t)
        layer.backward(loss.backward())
        SGD(lr).update(params, {"W": after_pass(layer.dW), "b": after_pass(layer.db)})
    return layer


def _same_linear(what: str, linear: Any, engine: Affine) -> None:
    _same(f"{what}: the weight", _np(linear.weight).T, engine.W)
    _same(f"{what}: the bias", _np(linear.bias), engine.b)


def _linear_and_its_start(torch: Any) -> tuple[Any, Any]:
    """A 4 -> 3 nn.Linear to train, and a copy of its start for the engine to train alike."""
    model = torch.nn.Linear(4, 3).double()
    start = torch.nn.Linear(4, 3).double()
    start.load_state_dict(model.state_dict())
    return model, start


@code_probe("torch_train_loop_matches_engine")
@needs_frameworks
def torch_train_loop_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """One epoch of train_epoch over 3 mini-batches = 3 engine SGD steps (SoftmaxWithLoss)."""
    torch = _torch(rng)
    train_epoch = _lookup(namespace, "train_epoch")
    model, start = _linear_and_its_start(torch)
    loader = _classifier_batches(rng, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    train_epoch(model, torch.nn.CrossEntropyLoss(), optimizer, loader)
    _same_linear("after one epoch", model, _engine_sgd_steps(start, [[b] for b in loader], 0.5))


@code_probe("torch_accumulation_matches_engine")
@needs_frameworks
def torch_accumulation_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """Accumulating 2 micro-batches per step = an engine SGD step on both together, twice."""
    torch = _torch(rng)
    train = _lookup(namespace, "train_accumulated")
    model, start = _linear_and_its_start(torch)
    loader = _classifier_batches(rng, 4)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    train(model, torch.nn.CrossEntropyLoss(), optimizer, loader, 2)
    windows = [loader[0:2], loader[2:4]]
    _same_linear("after two accumulated steps", model, _engine_sgd_steps(start, windows, 0.5))


@code_probe("torch_eval_matches_engine")
@needs_frameworks
def torch_eval_matches_engine(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """predict(model, x): the engine's inference pass (dropout off), twice the same, no graph."""
    torch = _torch(rng)
    model = _lookup(namespace, "Net")().double()
    model.train()  # as after training: predict must switch it
    x = torch.from_numpy(rng.standard_normal((16, 4)))
    y = _lookup(namespace, "predict")(model, x)
    if y.requires_grad or y.grad_fn is not None:
        raise AssertionError("predict recorded a graph for backward (no torch.no_grad())")
    first, second = _affine(model.fc1), _affine(model.fc2)
    want = second.forward(Relu().forward(first.forward(_np(x))))  # Dropout at inference: identity
    _same("predict(model, x)", _np(y), want)
    _same("a second predict(model, x)", _np(_lookup(namespace, "predict")(model, x)), want)


@code_probe("torch_batchnorm_matches_engine")
@needs_frameworks
def torch_batchnorm_matches_engine(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """batchnorm_by_hand against nn.BatchNorm1d's output and buffers, and the engine's layer."""
    torch = _torch(rng)
    by_hand = _lookup(namespace, "batchnorm_by_hand")
    x = rng.standard_normal((8, 3)) * 2 + 1
    xt = torch.from_numpy(x)
    y, mean, var = by_hand(xt, momentum=0.1, eps=1e-5)
    bn = torch.nn.BatchNorm1d(3, momentum=0.1, eps=1e-5).double()
    bn.train()
    want = _np(bn(xt))
    _same("y", _np(y), want)
    _same("running_mean", _np(mean), _np(bn.running_mean))
    _same("running_var", _np(var), _np(bn.running_var))
    # The engine (DLFS's convention: momentum is the share kept, variance biased) agrees on y and
    # the mean; its variance's batch term is the biased one, torch's buffer the unbiased one.
    engine = BatchNormalization(np.ones(3), np.zeros(3), momentum=0.9, eps=1e-5)
    engine.running_mean, engine.running_var = np.zeros(3), np.ones(3)
    _same("y (engine)", want, engine.forward(x))
    _same("running_mean (engine)", _np(bn.running_mean), engine.running_mean)
    n = x.shape[0]
    biased_term = (engine.running_var - 0.9) / 0.1
    _same("running_var (engine)", _np(bn.running_var), 0.9 + 0.1 * biased_term * n / (n - 1))


@code_probe("torch_batchnorm_eval_matches_engine")
@needs_frameworks
def torch_batchnorm_eval_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """bn_inference_by_hand against a trained BatchNorm1d in eval mode and the engine's
    BatchNormalization at inference, given the same γ, β and running statistics."""
    torch = _torch(rng)
    bn = torch.nn.BatchNorm1d(3).double()
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, 3)))
        bn.bias.copy_(torch.from_numpy(rng.standard_normal(3)))
    bn.train()
    for _ in range(4):  # running statistics far from their initial 0 and 1
        bn(torch.from_numpy(rng.standard_normal((6, 3)) * 3 + 2))
    bn.eval()
    x = torch.from_numpy(rng.standard_normal((5, 3)))
    got = _np(_lookup(namespace, "bn_inference_by_hand")(bn, x))
    want = _np(bn(x))
    _same("bn_inference_by_hand(bn, x)", got, want)
    engine = BatchNormalization(
        _np(bn.weight), _np(bn.bias), running_mean=_np(bn.running_mean),
        running_var=_np(bn.running_var), eps=bn.eps,
    )  # fmt: skip
    _same("bn(x) in eval mode (engine)", want, engine.forward(_np(x), train_flg=False))


@code_probe("torch_loader_counts")
@needs_frameworks
def torch_loader_counts(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """len(loader), len(loader_drop) and the last batch's size against iterating both loaders."""
    _torch(rng)
    sizes = [len(x) for x, _ in _lookup(namespace, "loader")]
    dropped = [len(x) for x, _ in _lookup(namespace, "loader_drop")]
    _equal("n_batches", _lookup(namespace, "n_batches"), len(sizes))
    _equal("n_batches_drop", _lookup(namespace, "n_batches_drop"), len(dropped))
    _equal("last_size", _lookup(namespace, "last_size"), sizes[-1])
    if sum(sizes) != len(_lookup(namespace, "dataset")):
        raise AssertionError("an epoch of loader does not visit every sample once")


@code_probe("torch_convnet_matches_engine")
@needs_frameworks
def torch_convnet_matches_engine(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """ConvNet on (N, 1, 28, 28): engine Convolution(pad 1)-Relu-Pooling(2)-Affine, same weights."""
    torch = _torch(rng)
    model = _lookup(namespace, "ConvNet")().double()
    x = rng.standard_normal((3, 1, 28, 28))
    got = _np(model(torch.from_numpy(x)))
    conv = Convolution(_np(model.conv.weight), _np(model.conv.bias), stride=1, pad=1)
    h = Pooling(2, 2, stride=2).forward(Relu().forward(conv.forward(x)))
    _same("ConvNet(x)", got, _affine(model.fc).forward(h))


@code_probe("torch_cross_entropy_matches_engine")
@needs_frameworks
def torch_cross_entropy_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """loss_of(model, x, t) and its gradient against the engine's SoftmaxWithLoss."""
    torch = _torch(rng)
    model = _lookup(namespace, "Classifier")().double()
    x, t = rng.standard_normal((5, 4)) * 2, rng.integers(0, 3, 5)
    loss = _lookup(namespace, "loss_of")(model, torch.from_numpy(x), torch.from_numpy(t))
    loss.backward()
    layer, head = _affine(model.fc), SoftmaxWithLoss()
    _same("the loss", float(loss), head.forward(layer.forward(x), t))
    layer.backward(head.backward())
    _same("the weight's gradient", _np(model.fc.weight.grad).T, layer.dW)


@code_probe("torch_manual_sgd_matches_engine")
@needs_frameworks
def torch_manual_sgd_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """fit_line: w after 3 steps = 3 engine SGD steps, gradients from Affine.backward of the MSE."""
    torch = _torch(rng)
    x, t = rng.standard_normal((6, 3)), rng.standard_normal(6)
    w = _lookup(namespace, "fit_line")(torch.from_numpy(x), torch.from_numpy(t), 0.1, 3)
    layer = Affine(np.zeros((3, 1)), np.zeros(1))
    params = {"W": layer.W}
    for _ in range(3):
        y = layer.forward(x)[:, 0]
        layer.backward((2 * (y - t) / len(t))[:, None])  # d mean((y - t)^2) / dy
        SGD(0.1).update(params, {"W": after_pass(layer.dW)})
    _same("w", _np(w), layer.W[:, 0])


@code_probe("torch_shape_facts")
@needs_frameworks
def torch_shape_facts(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """Claimed shapes and counts of a layer against the framework's objects and the engine's."""
    torch = _torch(rng)
    layer, x = _lookup(namespace, "layer"), _lookup(namespace, "x")
    y = layer(x)
    real = {
        "weight_shape": tuple(layer.weight.shape),
        "y_shape": tuple(y.shape),
        "n_params": sum(p.numel() for p in layer.parameters()),
    }
    for name, value in real.items():
        if name in namespace:
            _equal(name, tuple(namespace[name]) if name != "n_params" else namespace[name], value)
    xn = _np(x)
    if isinstance(layer, torch.nn.Linear):
        engine: Any = _affine(layer)
    else:
        stride, pad = layer.stride[0], layer.padding[0]
        engine = Convolution(_np(layer.weight), _np(layer.bias), stride=stride, pad=pad)
    want = engine.forward(xn)
    _same("the layer's output", _np(y.double()), want, rtol=1e-5, atol=1e-5)
    _equal("the parameter count (engine arrays)", real["n_params"], engine.W.size + engine.b.size)


# ---------------------------------------------------------------- Keras


def _dense(layer: Any) -> Affine:
    """The engine's Affine holding a Dense layer's kernel (Keras stores it (in, out), as DLFS)."""
    kernel, bias = layer.get_weights()
    return Affine(kernel.astype(float), bias.astype(float))


def _central_differences(loss: Any, array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d loss / d array by central differences, `array` changed in place and restored."""
    grad = np.zeros_like(array)
    for i in np.ndindex(array.shape):
        keep = array[i]
        array[i] = keep + h
        up = loss()
        array[i] = keep - h
        down = loss()
        array[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


def _bce(p: np.ndarray, t: np.ndarray) -> float:
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


@code_probe("keras_perceptron_matches_engine")
@needs_frameworks
def keras_perceptron_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """predict = Sigmoid(Affine); two SGD steps of fit = the engine's steps on the binary CE."""
    _torch(rng)
    model = _lookup(namespace, "build_perceptron")()
    kernel, bias = rng.standard_normal((2, 1)) * 0.5, rng.standard_normal(1) * 0.5
    model.layers[0].set_weights([kernel.astype("float32"), bias.astype("float32")])
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    t = np.array([[0], [1], [1], [1]], dtype="float32")
    engine = Affine(model.layers[0].get_weights()[0].astype(float), bias.astype(float))
    _same(
        "predict(X)", model.predict(x, verbose=0), Sigmoid().forward(engine.forward(x)), 1e-5, 1e-6
    )
    # Two full-batch steps: the first step of SGD with momentum equals plain SGD's, the second not.
    model.fit(x, t, epochs=2, batch_size=4, shuffle=False, verbose=0)
    params = {"W": engine.W, "b": engine.b}

    def loss() -> float:
        return _bce(Sigmoid().forward(engine.forward(x)), t)

    for _ in range(2):
        SGD(0.1).update(params, {key: _central_differences(loss, a) for key, a in params.items()})
    kernel_after, bias_after = model.layers[0].get_weights()
    _same("the kernel after two steps", kernel_after, engine.W, 1e-4, 1e-5)
    _same("the bias after two steps", bias_after, engine.b, 1e-4, 1e-5)


@code_probe("keras_classifier_matches_engine")
@needs_frameworks
def keras_classifier_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: Any
) -> None:
    """build_classifier(4, 3): predict = softmax(Affine-Relu-Affine), evaluate = SoftmaxWithLoss."""
    _torch(rng)
    model = _lookup(namespace, "build_classifier")(4, 3)
    dense = [layer for layer in model.layers if hasattr(layer, "kernel")]
    for layer in dense:
        kernel, bias = layer.get_weights()
        # small scores: Keras clips probabilities to [1e-7, 1 - 1e-7] inside the loss
        weights = rng.standard_normal(kernel.shape) * 0.4
        layer.set_weights([weights.astype("float32"), bias + 0.1])
    x = rng.standard_normal((10, 4)).astype("float32")
    labels = rng.integers(0, 3, 10)
    first, second = (_dense(layer) for layer in dense)
    scores = second.forward(Relu().forward(first.forward(x)))
    if scores.shape != (10, 3):
        raise AssertionError(f"the model gives {scores.shape[1]} outputs for 3 classes")
    _same("predict(x)", model.predict(x, verbose=0), _softmax(scores), 1e-5, 1e-6)
    loss = model.evaluate(x, labels, verbose=0)
    loss = loss[0] if isinstance(loss, list) else loss
    _same("the loss", loss, SoftmaxWithLoss().forward(scores, labels), 1e-5, 1e-6)


@code_probe("keras_fit_counts")
@needs_frameworks
def keras_fit_counts(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """The claimed counts against the optimizer's iterations, the history, and an engine replay."""
    import keras

    _torch(rng)
    model, history = _lookup(namespace, "model"), _lookup(namespace, "history")
    x, t = _lookup(namespace, "x_train"), _lookup(namespace, "t_train")
    epochs, batch = history.params["epochs"], _lookup(namespace, "BATCH_SIZE")
    _equal("updates", _lookup(namespace, "updates"), int(model.optimizer.iterations))
    _equal("n_losses", _lookup(namespace, "n_losses"), len(history.history["loss"]))
    steps = _lookup(namespace, "steps_per_epoch")
    _equal("steps_per_epoch * epochs", steps * epochs, int(model.optimizer.iterations))
    # Replay: the engine's SGD over `steps` slices of `batch` rows per epoch reaches the weights
    # Keras reaches with the same start and no shuffling; a wrong step count would not.
    fresh = keras.models.clone_model(model)
    start = [rng.standard_normal(w.shape).astype("float32") * 0.3 for w in model.get_weights()]
    fresh.set_weights(start)
    fresh.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
    fresh.fit(x, t, epochs=epochs, batch_size=batch, shuffle=False, verbose=0)
    layer = Affine(start[0].astype(float), start[1].astype(float))
    params = {"W": layer.W, "b": layer.b}
    for _ in range(epochs):
        for s in range(steps):
            xb, tb = x[s * batch : (s + 1) * batch], t[s * batch : (s + 1) * batch]
            y = layer.forward(xb.astype(float))
            layer.backward(2 * (y - tb) / y.size)
            SGD(0.01).update(params, {"W": after_pass(layer.dW), "b": after_pass(layer.db)})
    kernel, bias = fresh.get_weights()
    _same("the kernel after fit (engine replay)", kernel, layer.W, 1e-4, 1e-5)
    _same("the bias after fit (engine replay)", bias, layer.b, 1e-4, 1e-5)


@code_probe("keras_param_counts")
@needs_frameworks
def keras_param_counts(
    namespace: Mapping[str, Any],
    variant: Params,
    rng: Any,
    *,
    claims: Mapping[str, Any],
    total: str | None = None,
) -> None:
    """Claimed counts and shapes (name -> [layer index, "params" | "shape"]) against Keras's
    layers, and the model against the same stack in the engine (its arrays and its output)."""
    _torch(rng)
    model = _lookup(namespace, "model")
    for name, (index, what) in claims.items():
        layer = model.layers[index]
        real = layer.count_params() if what == "params" else tuple(layer.output.shape)
        _equal(f"{name} ({layer.name})", _lookup(namespace, name), real)
    if total is not None:
        _equal(total, _lookup(namespace, total), model.count_params())
    x = rng.standard_normal((2, *model.inputs[0].shape[1:])).astype("float32")
    h, arrays = x.astype(float), 0
    for layer in model.layers:  # the same stack in the engine, channels first inside
        layer_type = type(layer).__name__
        weights = layer.get_weights()
        if layer_type == "Dense":
            engine = _dense(layer)
            h = engine.forward(h)
            arrays += engine.W.size + engine.b.size
        elif layer_type == "Conv2D":
            kernel, bias = weights
            conv = Convolution(kernel.transpose(3, 2, 0, 1).astype(float), bias.astype(float))
            h = conv.forward(h.transpose(0, 3, 1, 2)).transpose(0, 2, 3, 1)
            arrays += conv.W.size + conv.b.size
        elif layer_type == "MaxPooling2D":
            size = layer.pool_size[0]
            h = Pooling(size, size, stride=size).forward(h.transpose(0, 3, 1, 2))
            h = h.transpose(0, 2, 3, 1)
        elif layer_type == "Flatten":
            h = h.reshape(h.shape[0], -1)
        elif layer_type != "Dropout":
            raise AssertionError(f"no engine counterpart for a {layer_type} layer")
        activation = getattr(layer, "activation", None)
        name = getattr(activation, "__name__", "linear")
        if name == "relu":
            h = Relu().forward(h)
        elif name == "softmax":
            h = _softmax(h)
        elif name != "linear":
            raise AssertionError(f"no engine counterpart for the activation {name}")
    _equal("the parameter count (engine arrays)", model.count_params(), arrays)
    _same("predict(x)", model.predict(x, verbose=0), h, 1e-4, 1e-6)


@code_probe("keras_classify_matches_engine")
@needs_frameworks
def keras_classify_matches_engine(namespace: Mapping[str, Any], variant: Params, rng: Any) -> None:
    """classify(model, x, t): labels = argmax of the engine's scores, accuracy = share of hits."""
    import keras

    _torch(rng)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="softmax")])
    model.set_weights([rng.standard_normal((5, 4)).astype("float32") * 2, np.zeros(4, "float32")])
    x = rng.standard_normal((40, 5)).astype("float32")
    engine = _dense(model.layers[0])
    want_labels = np.argmax(engine.forward(x), axis=1)
    t = np.where(rng.random(40) < 0.7, want_labels, (want_labels + 1) % 4)  # about 70 % right
    labels, accuracy = _lookup(namespace, "classify")(model, x, t)
    _same("labels", labels, want_labels)
    _same("accuracy", accuracy, np.count_nonzero(want_labels == t) / len(t))
