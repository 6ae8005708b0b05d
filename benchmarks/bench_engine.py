"""Benchmark eprep.engine against the classic DLFS implementation and torch CPU.

Times, in one run: Convolution + max Pooling forward + backward for two shapes, and one SGD
training step of a 784-100-100-10 ReLU MLP. The classic baseline is written here: im2col with a
Python loop over filter offsets, an argmax max-pool backward, a masked-assignment ReLU.
Prints each timing (best of several repeats) and the ratios classic/eprep and torch/eprep.

    python benchmarks/bench_engine.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from eprep.engine import SGD, Convolution, MultiLayerNet, Pooling

# ---------------------------------------------------------------- classic DLFS-style baseline


def classic_im2col(x: np.ndarray, fh: int, fw: int, stride: int, pad: int) -> np.ndarray:
    n, c, h, w = x.shape
    oh = (h + 2 * pad - fh) // stride + 1
    ow = (w + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((n, c, fh, fw, oh, ow))
    for y in range(fh):
        y_max = y + stride * oh
        for xx in range(fw):
            x_max = xx + stride * ow
            col[:, :, y, xx, :, :] = img[:, :, y:y_max:stride, xx:x_max:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def classic_col2im(col, shape, fh, fw, stride, pad):
    n, c, h, w = shape
    oh = (h + 2 * pad - fh) // stride + 1
    ow = (w + 2 * pad - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1))
    for y in range(fh):
        y_max = y + stride * oh
        for xx in range(fw):
            x_max = xx + stride * ow
            img[:, :, y:y_max:stride, xx:x_max:stride] += col[:, :, y, xx, :, :]
    return img[:, :, pad : h + pad, pad : w + pad]


class ClassicConvolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x):
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh = (h + 2 * self.pad - fh) // self.stride + 1
        ow = (w + 2 * self.pad - fw) // self.stride + 1
        self.x = x
        self.col = classic_im2col(x, fh, fw, self.stride, self.pad)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = np.sum(dout, axis=0)
        self.dW = (self.col.T @ dout).transpose(1, 0).reshape(fn, c, fh, fw)
        dcol = dout @ self.col_W.T
        return classic_col2im(dcol, self.x.shape, fh, fw, self.stride, self.pad)


class ClassicPooling:
    def __init__(self, ph, pw, stride=1, pad=0):
        self.ph, self.pw, self.stride, self.pad = ph, pw, stride, pad

    def forward(self, x):
        n, c, h, w = x.shape
        oh = (h - self.ph) // self.stride + 1
        ow = (w - self.pw) // self.stride + 1
        col = classic_im2col(x, self.ph, self.pw, self.stride, self.pad).reshape(
            -1, self.ph * self.pw
        )
        self.x = x
        self.arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        return out.reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        size = self.ph * self.pw
        dmax = np.zeros((dout.size, size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape((*dout.shape, size)).reshape(
            dout.shape[0] * dout.shape[1] * dout.shape[2], -1
        )
        return classic_col2im(dcol, self.x.shape, self.ph, self.pw, self.stride, self.pad)


class ClassicAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        dx = dout @ self.W.T
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class ClassicRelu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class ClassicSoftmaxWithLoss:
    def forward(self, x, t):
        x = x.T
        x = x - np.max(x, axis=0)
        self.y = (np.exp(x) / np.sum(np.exp(x), axis=0)).T
        self.t = t
        n = self.y.shape[0]
        return -np.sum(np.log(self.y[np.arange(n), t] + 1e-7)) / n

    def backward(self, dout=1):
        n = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dx / n


class ClassicMLP:
    """DLFS's MultiLayerNet structure: layer objects, loss with weight-decay sum, SGD loop."""

    def __init__(self, sizes, rng, weight_decay_lambda=0.0):
        self.params = {}
        self.layers = []
        self.weight_decay_lambda = weight_decay_lambda
        for i in range(1, len(sizes)):
            W = np.sqrt(2 / sizes[i - 1]) * rng.standard_normal((sizes[i - 1], sizes[i]))
            self.params[f"W{i}"], self.params[f"b{i}"] = W, np.zeros(sizes[i])
            self.layers.append(ClassicAffine(W, self.params[f"b{i}"]))
            if i < len(sizes) - 1:
                self.layers.append(ClassicRelu())
        self.last_layer = ClassicSoftmaxWithLoss()
        self.depth = len(sizes) - 1

    def loss(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        decay = 0.0
        for i in range(1, self.depth + 1):
            decay += 0.5 * self.weight_decay_lambda * np.sum(self.params[f"W{i}"] ** 2)
        return self.last_layer.forward(x, t) + decay

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        grads = {}
        affines = [layer for layer in self.layers if isinstance(layer, ClassicAffine)]
        for i, layer in enumerate(affines, start=1):
            grads[f"W{i}"] = layer.dW + self.weight_decay_lambda * layer.W
            grads[f"b{i}"] = layer.db
        return grads

    def step(self, x, t, lr):
        grads = self.gradient(x, t)
        for key in self.params:
            self.params[key] -= lr * grads[key]


# ---------------------------------------------------------------- timing


def best_of(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best time of each contender; rounds interleave them so load spikes hit all alike."""
    for fn in contenders.values():
        fn()  # warm-up: allocations, BLAS threads, torch kernels
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeat):
        for name, fn in contenders.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def conv_pool_case(n, c, hw, fn, fs, pad, repeat, torch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, hw, hw))
    W = 0.1 * rng.standard_normal((fn, c, fs, fs))
    b = np.zeros(fn)

    def eprep_step():
        conv, pool = Convolution(W, b, 1, pad), Pooling(2, 2, stride=2)
        out = pool.forward(conv.forward(x))
        conv.backward(pool.backward(np.ones_like(out)))

    def classic_step():
        conv, pool = ClassicConvolution(W, b, 1, pad), ClassicPooling(2, 2, stride=2)
        out = pool.forward(conv.forward(x))
        conv.backward(pool.backward(np.ones_like(out)))

    contenders = {"eprep": eprep_step, "classic": classic_step}
    if torch is not None:
        tx = torch.tensor(x, requires_grad=True)
        tW = torch.tensor(W, requires_grad=True)
        tb = torch.tensor(b, requires_grad=True)

        def torch_step():
            out = torch.nn.functional.max_pool2d(
                torch.nn.functional.conv2d(tx, tW, tb, padding=pad), 2, 2
            )
            out.backward(torch.ones_like(out))

        contenders["torch"] = torch_step
    return best_of(contenders, repeat)


def mlp_case(repeat, torch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 784))
    t = rng.integers(0, 10, 100)
    net = MultiLayerNet(784, [100, 100], 10, rng=np.random.default_rng(1))
    sgd = SGD(0.01)
    classic = ClassicMLP([784, 100, 100, 10], np.random.default_rng(1))

    def eprep_step():
        sgd.update(net.params, net.gradient(x, t))

    contenders = {"eprep": eprep_step, "classic": lambda: classic.step(x, t, 0.01)}
    if torch is not None:
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 100),
            torch.nn.ReLU(),
            torch.nn.Linear(100, 100),
            torch.nn.ReLU(),
            torch.nn.Linear(100, 10),
        ).double()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        tx, tt = torch.tensor(x), torch.tensor(t)

        def torch_step():
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(tx), tt).backward()
            opt.step()

        contenders["torch"] = torch_step
    return best_of(contenders, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds per case (best kept)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS and torch threads for every contender (default 1: on a shared machine the "
        "ratios then compare algorithms, not thread pools; 0 leaves the libraries' defaults)",
    )
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    if args.threads:
        # threadpoolctl comes with scikit-learn; without it BLAS keeps its default threads.
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(args.threads)
        except ImportError:
            print("threadpoolctl not installed: NumPy's BLAS uses its default thread count")
        if torch is not None:
            torch.set_num_threads(args.threads)
    print(f"threads: {args.threads or 'library defaults'}; best of {args.repeat} repeats")
    cases = {
        "conv+pool N=100 C=1 28x28, 30 5x5": lambda: conv_pool_case(
            100, 1, 28, 30, 5, 0, args.repeat, torch
        ),
        "conv+pool N=64 C=16 14x14, 32 3x3 pad 1": lambda: conv_pool_case(
            64, 16, 14, 32, 3, 1, args.repeat, torch
        ),
        "MLP 784-100-100-10 SGD step, N=100": lambda: mlp_case(args.repeat, torch),
    }
    print(
        f"{'case (forward+backward, float64)':<42} {'eprep ms':>9} {'classic ms':>11}"
        f" {'torch ms':>9} {'classic/eprep':>14} {'torch/eprep':>12}"
    )
    for name, run in cases.items():
        t = run()
        torch_ms = f"{1e3 * t['torch']:9.2f}" if "torch" in t else f"{'-':>9}"
        torch_ratio = f"{t['torch'] / t['eprep']:12.2f}" if "torch" in t else f"{'-':>12}"
        print(
            f"{name:<42} {1e3 * t['eprep']:9.2f} {1e3 * t['classic']:11.2f} {torch_ms}"
            f" {t['classic'] / t['eprep']:14.2f} {torch_ratio}"
        )


if __name__ == "__main__":
    main()
