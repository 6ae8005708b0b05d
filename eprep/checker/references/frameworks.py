"""Definitions behind the framework listings (day4 pytorch, keras), evaluated exactly.

Each driver runs the completed listing with the real framework (in the sandboxed child) on inputs
that floats hold exactly (k/4 grids, small integers) and returns plain numbers; each check
evaluates the concept from its definition, in rationals or SymPy, never through a framework or
the engine: an affine layer is y_j = sum_i x_i W_ji + b_j with PyTorch's weight stored (out, in)
(torch.nn.Linear docs) and Keras's kernel (in, out) (keras.layers.Dense docs); a loss's gradient
is sympy.diff of the loss written as a sum; SGD is theta <- theta - lr * gradient; batch norm's
running statistics follow torch.nn.BatchNorm1d's docs (new = (1 - momentum) * old + momentum *
batch, the variance unbiased); a loader's batches are the index ranges [kB, min(kB + B, N));
an output size is a count of window positions; a layer's parameters are its arrays' sizes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from eprep.checker.frameworks import needs_frameworks
from eprep.checker.references import CodeDefinition, code_reference, float_close
from eprep.checker.references.cnn import positions


def _definition(drive: Any, check: Any) -> CodeDefinition:
    """The definition, its driver run on one torch thread (see probes.frameworks._torch)."""

    def single_threaded(namespace: dict, rng: Any) -> dict:
        import torch

        torch.set_num_threads(1)
        return drive(namespace, rng)

    return CodeDefinition(single_threaded, check)


def _grid(rng: Any, shape: tuple[int, ...], denominator: float = 4.0) -> Any:
    """Values k/denominator with 1 <= |k| <= 8 (exact in float32 and float64)."""
    values = rng.integers(1, 9, size=shape) * rng.choice([-1, 1], size=shape)
    return values / denominator


def _set(parameter: Any, values: Any) -> None:
    import torch

    with torch.no_grad():
        parameter.copy_(torch.as_tensor(values, dtype=parameter.dtype).reshape(parameter.shape))


def _q(value: Any) -> Any:
    """Nested lists of floats as nested lists of exact rationals."""
    if isinstance(value, list):
        return [_q(v) for v in value]
    return sympy.Rational(Fraction(float(value)))


def _matmul(a: list, b: list) -> list:
    return [
        [sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
        for i in range(len(a))
    ]


def _t(a: list) -> list:
    return [list(row) for row in zip(*a, strict=True)]


def _affine_rows(x: list, w_out_in: list, b: list) -> list:
    """y[n][j] = sum_i x[n][i] W[j][i] + b[j] (PyTorch's layout)."""
    return [[v + b[j] for j, v in enumerate(row)] for row in _matmul(x, _t(w_out_in))]


def _relu(a: list) -> list:
    return [[sympy.Max(v, 0) for v in row] for row in a]


def _compare(what: str, got: Any, want: Any, rel: float = 1e-9, abs_: float = 1e-12) -> list[str]:
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{what} has the wrong shape"]
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            found = _compare(f"{what}[{i}]", g, w, rel, abs_)
            if found:
                return found
        return []
    if not float_close(float(got), want, rel, abs_):
        return [f"{what} = {float(got):.10g}, the definition gives {float(sympy.N(want, 15)):.10g}"]
    return []


def _torch_params(model: Any, rng: Any) -> dict[str, Any]:
    found = {}
    for name, parameter in model.named_parameters():
        values = _grid(rng, tuple(parameter.shape))
        _set(parameter, values)
        found[name] = values.tolist()
    return found


# ---------------------------------------------------------------- PyTorch


@code_reference("torch_mlp_code")
@needs_frameworks
def torch_mlp_code() -> CodeDefinition:
    """MLP(x) = fc2(relu(fc1(x))), each fc an affine map with its own bias."""

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        model = namespace["MLP"](3, 4, 2).double()
        params = _torch_params(model, rng)
        x = _grid(rng, (5, 3))
        return {"params": params, "x": x.tolist(), "out": model(torch.from_numpy(x)).tolist()}

    def check(out: dict) -> list[str]:
        p = {k: _q(v) for k, v in out["params"].items()}
        if sorted(p) != ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]:
            return [f"the parameters are {sorted(p)}, the definition has two weights and biases"]
        h = _relu(_affine_rows(_q(out["x"]), p["fc1.weight"], p["fc1.bias"]))
        return _compare("MLP(x)", out["out"], _affine_rows(h, p["fc2.weight"], p["fc2.bias"]))

    return _definition(drive, check)


def _sgd_on_mse(w: list, b: list, windows: list, lr: Any) -> tuple[list, list]:
    """SGD on mean((x W^T + b - t)^2), one step per window, the gradient by sympy.diff."""
    out_dim, in_dim = len(w), len(w[0])
    ws = sympy.symbols(f"w0:{out_dim * in_dim}")
    bs = sympy.symbols(f"b0:{out_dim}")
    values = dict(zip(ws, [v for row in w for v in row], strict=True))
    values.update(zip(bs, b, strict=True))
    for x, t in windows:
        terms = [
            (sum(x[n][i] * ws[j * in_dim + i] for i in range(in_dim)) + bs[j] - t[n][j]) ** 2
            for n in range(len(x))
            for j in range(out_dim)
        ]
        loss = sympy.Add(*terms) / len(terms)
        grads = {s: sympy.diff(loss, s).subs(values) for s in (*ws, *bs)}
        values = {s: values[s] - lr * grads[s] for s in values}
    new_w = [[values[ws[j * in_dim + i]] for i in range(in_dim)] for j in range(out_dim)]
    return new_w, [values[s] for s in bs]


@code_reference("torch_train_loop_code")
@needs_frameworks
def torch_train_loop_code(*, accumulate: int = 1) -> CodeDefinition:
    """After the loop, the parameters of `windows` SGD steps on the mean squared error (lr 1/4)."""

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        model = torch.nn.Linear(2, 2).double()
        start = _torch_params(model, rng)
        batches = [(_grid(rng, (2, 2)), _grid(rng, (2, 2))) for _ in range(4)]
        loader = [(torch.from_numpy(x), torch.from_numpy(t)) for x, t in batches]
        optimizer = torch.optim.SGD(model.parameters(), lr=0.25)
        if accumulate == 1:
            namespace["train_epoch"](model, torch.nn.MSELoss(), optimizer, loader)
        else:
            namespace["train_accumulated"](model, torch.nn.MSELoss(), optimizer, loader, accumulate)
        return {
            "start": start,
            "batches": [[x.tolist(), t.tolist()] for x, t in batches],
            "weight": model.weight.tolist(),
            "bias": model.bias.tolist(),
        }

    def check(out: dict) -> list[str]:
        batches = [(_q(x), _q(t)) for x, t in out["batches"]]
        windows = [
            (
                [row for x, _ in batches[k : k + accumulate] for row in x],
                [row for _, t in batches[k : k + accumulate] for row in t],
            )
            for k in range(0, len(batches), accumulate)
        ]
        start = {k: _q(v) for k, v in out["start"].items()}
        w, b = _sgd_on_mse(start["weight"], start["bias"], windows, sympy.Rational(1, 4))
        return _compare("the weight", out["weight"], w) + _compare("the bias", out["bias"], b)

    return _definition(drive, check)


@code_reference("torch_eval_code")
@needs_frameworks
def torch_eval_code() -> CodeDefinition:
    """At inference inverted dropout is the identity and no graph is recorded."""

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        model = namespace["Net"]().double()
        params = _torch_params(model, rng)
        model.train()
        x = _grid(rng, (6, 4))
        y = namespace["predict"](model, torch.from_numpy(x))
        return {"params": params, "x": x.tolist(), "y": y.tolist(), "graph": bool(y.requires_grad)}

    def check(out: dict) -> list[str]:
        if out["graph"]:
            return ["the output requires grad: a graph was recorded at inference"]
        p = {k: _q(v) for k, v in out["params"].items()}
        h = _relu(_affine_rows(_q(out["x"]), p["fc1.weight"], p["fc1.bias"]))
        return _compare("predict", out["y"], _affine_rows(h, p["fc2.weight"], p["fc2.bias"]))

    return _definition(drive, check)


@code_reference("torch_batchnorm_code")
@needs_frameworks
def torch_batchnorm_code() -> CodeDefinition:
    """y = (x - mean) / sqrt(var + eps), var biased; running stats as BatchNorm1d's docs."""

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        x = _grid(rng, (4, 2))
        y, mean, var = namespace["batchnorm_by_hand"](torch.from_numpy(x), momentum=0.25, eps=0.25)
        return {"x": x.tolist(), "y": y.tolist(), "mean": mean.tolist(), "var": var.tolist()}

    def check(out: dict) -> list[str]:
        x = _q(out["x"])
        n, momentum, eps = len(x), sympy.Rational(1, 4), sympy.Rational(1, 4)
        columns = _t(x)
        mu = [sum(c) / n for c in columns]
        var = [sum((v - m) ** 2 for v in c) / n for c, m in zip(columns, mu, strict=True)]
        y = [[(v - mu[j]) / sympy.sqrt(var[j] + eps) for j, v in enumerate(row)] for row in x]
        mean = [(1 - momentum) * 0 + momentum * m for m in mu]
        unbiased = [(1 - momentum) * 1 + momentum * v * n / (n - 1) for v in var]
        return (
            _compare("y", out["y"], y)
            + _compare("running_mean", out["mean"], mean)
            + _compare("running_var", out["var"], unbiased)
        )

    return _definition(drive, check)


@code_reference("torch_batchnorm_eval_code")
@needs_frameworks
def torch_batchnorm_eval_code() -> CodeDefinition:
    """In evaluation mode: y = (x - running_mean) / sqrt(running_var + eps) * γ + β."""

    def drive(namespace: dict, rng: Any) -> dict:
        import numpy as np
        import torch

        bn = torch.nn.BatchNorm1d(2, eps=0.25).double()
        stats = {
            "mean": _grid(rng, (2,)),
            "var": np.abs(_grid(rng, (2,))),
            "weight": _grid(rng, (2,)),
            "bias": _grid(rng, (2,)),
        }
        for name, buffer in (("mean", bn.running_mean), ("var", bn.running_var)):
            _set(buffer, stats[name])
        _set(bn.weight, stats["weight"])
        _set(bn.bias, stats["bias"])
        bn.eval()
        x = _grid(rng, (3, 2))
        y = namespace["bn_inference_by_hand"](bn, torch.from_numpy(x))
        return {**{k: v.tolist() for k, v in stats.items()}, "x": x.tolist(), "y": y.tolist()}

    def check(out: dict) -> list[str]:
        mean, var, gamma, beta = (_q(out[k]) for k in ("mean", "var", "weight", "bias"))
        eps = sympy.Rational(1, 4)
        want = [
            [(v - mean[j]) / sympy.sqrt(var[j] + eps) * gamma[j] + beta[j] for j, v in enumerate(r)]
            for r in _q(out["x"])
        ]
        return _compare("y", out["y"], want)

    return _definition(drive, check)


@code_reference("torch_loader_code")
@needs_frameworks
def torch_loader_code() -> CodeDefinition:
    """Batches are the ranges [kB, min(kB + B, N)); drop_last drops a range shorter than B."""

    def drive(namespace: dict, rng: Any) -> dict:
        loader = namespace["loader"]
        return {
            "N": len(namespace["dataset"]),
            "B": loader.batch_size,
            "claims": [namespace["n_batches"], namespace["n_batches_drop"], namespace["last_size"]],
        }

    def check(out: dict) -> list[str]:
        n, b = out["N"], out["B"]
        ranges = [(start, min(start + b, n)) for start in range(0, n, b)]
        full = [r for r in ranges if r[1] - r[0] == b]
        want = [len(ranges), len(full), ranges[-1][1] - ranges[-1][0]]
        names = ("n_batches", "n_batches_drop", "last_size")
        return [
            f"{name} = {got}, the definition gives {w}"
            for name, got, w in zip(names, out["claims"], want, strict=True)
            if got != w
        ]

    return _definition(drive, check)


def _conv_int(x: Any, w: Any, b: Any, pad: int) -> Any:
    """out[n, k, i, j] = b[k] + sum_{c,a,e} w[k, c, a, e] x_pad[n, c, i + a, j + e], integers."""
    import numpy as np

    n, _, h, width = x.shape
    k, _, f, _ = w.shape
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    oh, ow = h + 2 * pad - f + 1, width + 2 * pad - f + 1
    out = np.zeros((n, k, oh, ow), dtype=np.int64) + b.reshape(1, k, 1, 1)
    for a in range(f):
        for e in range(f):
            window = xp[:, :, a : a + oh, e : e + ow]
            out += np.einsum("nchw,kc->nkhw", window, w[:, :, a, e])
    return out


@code_reference("torch_convnet_code")
@needs_frameworks
def torch_convnet_code() -> CodeDefinition:
    """conv (pad 1) -> ReLU -> 2x2 max pooling -> flatten (C, H, W order) -> affine, integers."""

    def inputs(seed: int) -> tuple:
        import numpy as np

        r = np.random.default_rng(seed)
        return (
            r.integers(-2, 3, (2, 1, 28, 28)),
            r.integers(-2, 3, (8, 1, 3, 3)),
            r.integers(-2, 3, 8),
            r.integers(-1, 2, (10, 8 * 14 * 14)),
            r.integers(-2, 3, 10),
        )

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        seed = int(rng.integers(2**31))
        x, cw, cb, fw, fb = inputs(seed)
        model = namespace["ConvNet"]().double()
        for parameter, values in zip(
            (model.conv.weight, model.conv.bias, model.fc.weight, model.fc.bias),
            (cw, cb, fw, fb),
            strict=True,
        ):
            _set(parameter, values)
        return {"seed": seed, "out": model(torch.from_numpy(x.astype(float))).tolist()}

    def check(out: dict) -> list[str]:
        import numpy as np

        x, cw, cb, fw, fb = inputs(out["seed"])
        h = np.maximum(_conv_int(x, cw, cb, pad=1), 0)
        n, c, hh, ww = h.shape
        pooled = h.reshape(n, c, hh // 2, 2, ww // 2, 2).max(axis=(3, 5))
        want = pooled.reshape(n, -1) @ fw.T + fb
        got = np.array(out["out"], dtype=float)
        if got.shape != want.shape or not np.array_equal(got, want):
            return [f"ConvNet(x) differs from the definition (shape {got.shape}, {want.shape})"]
        return []

    return _definition(drive, check)


@code_reference("torch_cross_entropy_code")
@needs_frameworks
def torch_cross_entropy_code() -> CodeDefinition:
    """loss = -(1/N) sum_n log( exp(s[n, t_n]) / sum_k exp(s[n, k]) ), s the raw scores."""

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        model = namespace["Classifier"]().double()
        params = _torch_params(model, rng)
        x, t = _grid(rng, (4, 4)), rng.integers(0, 3, 4)
        loss = namespace["loss_of"](model, torch.from_numpy(x), torch.from_numpy(t))
        return {"params": params, "x": x.tolist(), "t": t.tolist(), "loss": float(loss)}

    def check(out: dict) -> list[str]:
        p = {k: _q(v) for k, v in out["params"].items()}
        scores = _affine_rows(_q(out["x"]), p["fc.weight"], p["fc.bias"])
        terms = [
            sympy.log(sympy.exp(s[t]) / sum(sympy.exp(v) for v in s))
            for s, t in zip(scores, out["t"], strict=True)
        ]
        return _compare("the loss", out["loss"], -sympy.Add(*terms) / len(terms))

    return _definition(drive, check)


@code_reference("torch_manual_sgd_code")
@needs_frameworks
def torch_manual_sgd_code() -> CodeDefinition:
    """w after `steps` updates w <- w - lr * d mean((x w - t)^2)/dw, from w = 0."""

    def drive(namespace: dict, rng: Any) -> dict:
        import torch

        x, t = _grid(rng, (4, 2)), _grid(rng, (4,))
        w = namespace["fit_line"](torch.from_numpy(x), torch.from_numpy(t), 0.25, 2)
        return {"x": x.tolist(), "t": t.tolist(), "w": w.tolist()}

    def check(out: dict) -> list[str]:
        x, t = _q(out["x"]), _q(out["t"])
        ws = sympy.symbols("w0:2")  # no bias in this model
        values = {ws[0]: sympy.S.Zero, ws[1]: sympy.S.Zero}
        loss = sympy.Add(
            *[(row[0] * ws[0] + row[1] * ws[1] - tv) ** 2 for row, tv in zip(x, t, strict=True)]
        ) / len(x)
        for _ in range(2):
            grads = {s: sympy.diff(loss, s).subs(values) for s in ws}
            values = {s: values[s] - sympy.Rational(1, 4) * grads[s] for s in ws}
        return _compare("w", out["w"], [values[ws[0]], values[ws[1]]])

    return _definition(drive, check)


@code_reference("torch_layer_facts")
@needs_frameworks
def torch_layer_facts(*, layer: str = "linear") -> CodeDefinition:
    """nn.Linear: weight (out, in), y (N, out), out*in + out parameters; nn.Conv2d: weight
    (K, C, F, F), y (N, K, OH, OW) with OH the count of window positions, K*C*F*F + K."""

    def drive(namespace: dict, rng: Any) -> dict:
        found = {k: namespace[k] for k in ("weight_shape", "y_shape", "n_params") if k in namespace}
        found = {k: list(v) if isinstance(v, tuple) else v for k, v in found.items()}
        conv = namespace["layer"]
        if layer == "linear":
            config = [conv.in_features, conv.out_features]
        else:
            config = [
                conv.in_channels,
                conv.out_channels,
                conv.kernel_size[0],
                conv.stride[0],
                conv.padding[0],
            ]
        return {"claims": found, "config": config, "x": list(namespace["x"].shape)}

    def check(out: dict) -> list[str]:
        x, config = out["x"], out["config"]
        if layer == "linear":
            i, o = config
            want = {"weight_shape": [o, i], "y_shape": [*x[:-1], o], "n_params": o * i + o}
        else:
            c, k, f, s, p = config
            oh = int(positions(x[2], f, p, s))
            ow = int(positions(x[3], f, p, s))
            want = {
                "weight_shape": [k, c, f, f],
                "y_shape": [x[0], k, oh, ow],
                "n_params": k * c * f * f + k,
            }
        return [
            f"{name} = {got}, the definition gives {want[name]}"
            for name, got in out["claims"].items()
            if got != want[name]
        ]

    return _definition(drive, check)


# ---------------------------------------------------------------- Keras


def _keras_set(layer: Any, rng: Any, denominator: float = 4.0) -> list:
    kernel, bias = layer.get_weights()
    values = [
        _grid(rng, kernel.shape, denominator).astype("float32"),
        _grid(rng, bias.shape, denominator).astype("float32"),
    ]
    layer.set_weights(values)
    return [v.tolist() for v in values]


@code_reference("keras_perceptron_code")
@needs_frameworks
def keras_perceptron_code(*, lr: str = "0.1") -> CodeDefinition:
    """p = sigmoid(x W + b); one full-batch SGD step on the mean binary cross-entropy."""

    def drive(namespace: dict, rng: Any) -> dict:
        import numpy as np

        model = namespace["build_perceptron"]()
        start = _keras_set(model.layers[0], rng)
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
        t = np.array([[0], [1], [1], [1]], dtype="float32")
        before = model.predict(x, verbose=0).tolist()
        model.fit(x, t, epochs=1, batch_size=4, shuffle=False, verbose=0)
        after = [w.tolist() for w in model.layers[0].get_weights()]
        return {"start": start, "x": x.tolist(), "t": t.tolist(), "before": before, "after": after}

    def check(out: dict) -> list[str]:
        (w0, w1), b = [v[0] for v in _q(out["start"][0])], _q(out["start"][1])[0]
        x, t = _q(out["x"]), [v[0] for v in _q(out["t"])]
        a, c, d = sympy.symbols("a c d")
        scores = [row[0] * a + row[1] * c + d for row in x]
        probs = [1 / (1 + sympy.exp(-s)) for s in scores]
        loss = -sympy.Add(
            *[
                tv * sympy.log(p) + (1 - tv) * sympy.log(1 - p)
                for p, tv in zip(probs, t, strict=True)
            ]
        ) / len(x)
        at = {a: w0, c: w1, d: b}
        rate = sympy.Rational(Fraction(lr))
        after = {s: at[s] - rate * sympy.diff(loss, s).subs(at) for s in (a, c, d)}
        before = [[p.subs(at)] for p in probs]
        return (
            _compare("predict before fit", out["before"], before, 1e-5, 1e-6)
            + _compare(
                "the kernel after one step", out["after"][0], [[after[a]], [after[c]]], 1e-4, 1e-5
            )
            + _compare("the bias after one step", out["after"][1], [after[d]], 1e-4, 1e-5)
        )

    return _definition(drive, check)


def _softmax_rows(scores: list) -> list:
    return [[sympy.exp(v) / sum(sympy.exp(u) for u in row) for v in row] for row in scores]


@code_reference("keras_classifier_code")
@needs_frameworks
def keras_classifier_code() -> CodeDefinition:
    """predict = softmax(relu(x W1 + b1) W2 + b2); loss = mean of -log p[label]."""

    def drive(namespace: dict, rng: Any) -> dict:
        model = namespace["build_classifier"](4, 3)
        dense = [layer for layer in model.layers if hasattr(layer, "kernel")]
        # small scores: Keras clips probabilities to [1e-7, 1 - 1e-7] inside the loss
        params = [_keras_set(layer, rng, 16.0) for layer in dense]
        x, labels = _grid(rng, (4, 4), 8.0).astype("float32"), rng.integers(0, 3, 4)
        loss = model.evaluate(x, labels, verbose=0)
        loss = loss[0] if isinstance(loss, list) else loss
        pred = model.predict(x, verbose=0).tolist()
        return {
            "params": params,
            "x": x.tolist(),
            "labels": labels.tolist(),
            "pred": pred,
            "loss": loss,
        }

    def check(out: dict) -> list[str]:
        if len(out["params"]) != 2:
            return [f"{len(out['params'])} Dense layers, the definition has 2"]
        (k1, b1), (k2, b2) = [_q(p) for p in out["params"]]
        h = _relu(_affine_rows(_q(out["x"]), _t(k1), b1))
        probs = _softmax_rows(_affine_rows(h, _t(k2), b2))
        if len(probs[0]) != 3:
            return [f"{len(probs[0])} outputs, the definition has one per class (3)"]
        loss = -sympy.Add(
            *[sympy.log(p[t]) for p, t in zip(probs, out["labels"], strict=True)]
        ) / len(probs)
        return _compare("predict", out["pred"], probs, 1e-5, 1e-6) + _compare(
            "the loss", out["loss"], loss, 1e-5, 1e-6
        )

    return _definition(drive, check)


@code_reference("keras_fit_counts_code")
@needs_frameworks
def keras_fit_counts_code() -> CodeDefinition:
    """An epoch is one update per range [kB, min(kB + B, N)); fit records one loss per epoch."""

    def drive(namespace: dict, rng: Any) -> dict:
        history = namespace["history"]
        return {
            "N": len(namespace["x_train"]),
            "B": namespace["BATCH_SIZE"],
            "E": history.params["epochs"],
            "claims": [namespace["steps_per_epoch"], namespace["updates"], namespace["n_losses"]],
        }

    def check(out: dict) -> list[str]:
        steps = len(range(0, out["N"], out["B"]))
        want = [steps, steps * out["E"], out["E"]]
        names = ("steps_per_epoch", "updates", "n_losses")
        return [
            f"{name} = {got}, the definition gives {w}"
            for name, got, w in zip(names, out["claims"], want, strict=True)
            if got != w
        ]

    return _definition(drive, check)


@code_reference("keras_param_counts_code")
@needs_frameworks
def keras_param_counts_code(*, claims: dict, total: str | None = None) -> CodeDefinition:
    """Shapes and parameters layer by layer: Dense in*units + units; Conv2D kh*kw*cin*f + f with
    a valid output of window positions ('same': ceil(H / S)); pooling windows; Flatten a product."""

    def drive(namespace: dict, rng: Any) -> dict:
        model = namespace["model"]
        layers = []
        for layer in model.layers:
            config = layer.get_config()
            layers.append(
                {
                    "type": type(layer).__name__,
                    **{
                        k: config[k]
                        for k in (
                            "units",
                            "filters",
                            "kernel_size",
                            "strides",
                            "padding",
                            "pool_size",
                        )
                        if k in config
                    },
                }
            )
        found = []
        for name, (index, what) in claims.items():
            value = namespace[name]
            found.append([index, what, list(value) if isinstance(value, tuple) else value])
        return {
            "input": list(model.inputs[0].shape[1:]),
            "layers": layers,
            "claims": found,
            "total": namespace[total] if total else None,
        }

    def check(out: dict) -> list[str]:
        shape, shapes, params = list(out["input"]), [], []
        for layer in out["layers"]:
            layer_type, count = layer["type"], 0
            if layer_type == "Dense":
                count = shape[-1] * layer["units"] + layer["units"]
                shape = [*shape[:-1], layer["units"]]
            elif layer_type == "Conv2D":
                (kh, kw), (sh, sw) = layer["kernel_size"], layer["strides"]
                count = kh * kw * shape[-1] * layer["filters"] + layer["filters"]
                if layer["padding"] == "same":
                    size = [-(-shape[0] // sh), -(-shape[1] // sw)]
                else:
                    size = [
                        int(positions(shape[0], kh, 0, sh)),
                        int(positions(shape[1], kw, 0, sw)),
                    ]
                shape = [*size, layer["filters"]]
            elif layer_type == "MaxPooling2D":
                ph, pw = layer["pool_size"]
                sh, sw = layer["strides"] or (ph, pw)
                shape = [
                    int(positions(shape[0], ph, 0, sh)),
                    int(positions(shape[1], pw, 0, sw)),
                    shape[2],
                ]
            elif layer_type == "Flatten":
                total = 1
                for v in shape:
                    total *= v
                shape = [total]
            shapes.append([None, *shape])
            params.append(count)
        problems = []
        for index, what, value in out["claims"]:
            want = params[index] if what == "params" else shapes[index]
            if value != want:
                problems.append(f"{what} of layer {index} = {value}, the definition gives {want}")
        if out["total"] is not None and out["total"] != sum(params):
            problems.append(f"the total = {out['total']}, the definition gives {sum(params)}")
        return problems

    return _definition(drive, check)


@code_reference("keras_classify_code")
@needs_frameworks
def keras_classify_code() -> CodeDefinition:
    """The predicted class is the index of the largest probability; accuracy the share of hits."""

    def drive(namespace: dict, rng: Any) -> dict:
        import keras

        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
        params = _keras_set(model.layers[0], rng)
        x, t = _grid(rng, (12, 3)).astype("float32"), rng.integers(0, 4, 12)
        labels, accuracy = namespace["classify"](model, x, t)
        return {
            "params": params,
            "x": x.tolist(),
            "t": t.tolist(),
            "labels": [int(v) for v in labels],
            "accuracy": float(accuracy),
        }

    def check(out: dict) -> list[str]:
        kernel, bias = (_q(p) for p in out["params"])
        scores = _affine_rows(_q(out["x"]), _t(kernel), bias)
        probs = _softmax_rows(scores)
        want = []
        for row in probs:
            best = max(row, key=lambda v: float(sympy.N(v, 30)))
            want.append(row.index(best))
        if out["labels"] != want:
            return [f"labels = {out['labels']}, the definition gives {want}"]
        hits = sum(a == b for a, b in zip(want, out["t"], strict=True))
        return _compare("accuracy", out["accuracy"], sympy.Rational(hits, len(want)))

    return _definition(drive, check)
