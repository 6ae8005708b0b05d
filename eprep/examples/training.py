"""The mini-batch training loop shared by the examples: progress reports and learning curves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np

from eprep.examples.data import Split

# progress(done, total): called as work units finish, so a caller can draw a bar.
Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """A progress callback that ignores every report."""


class Steps:
    """Counts an example's work units (training iterations, mostly) and reports them."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress or no_progress
        self.progress(0, total)

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        self.progress(self.done, self.total)


class Net(Protocol):
    params: dict[str, np.ndarray]

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]: ...
    def loss(self, x: np.ndarray, t: np.ndarray) -> float: ...
    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float: ...


class Optimizer(Protocol):
    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None: ...


def batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Endless mini-batch indices: a fresh permutation each epoch, every example once per epoch."""
    while True:
        order = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            yield order[start : start + batch_size]


def train(
    net: Net,
    optimizer: Optimizer,
    data: Split,
    *,
    iterations: int,
    batch_size: int,
    rng: np.random.Generator,
    record_every: int,
    steps: Steps,
    track_accuracy: bool = True,
) -> dict[str, Any]:
    """Train `net` and record full-set loss (and accuracies) every `record_every` iterations.

    Curves are measured on the whole training set rather than on the current batch, so they are
    smooth enough to compare optimizers by "first iteration below a threshold". With
    `track_accuracy=False` the accuracies are measured only after the last iteration (each
    measurement is a forward pass over the whole data set, which costs tens of training steps).
    """
    curve: dict[str, list] = {"iteration": [], "train_loss": [], "train_acc": [], "test_acc": []}

    def record(iteration: int) -> None:
        curve["iteration"].append(iteration)
        curve["train_loss"].append(float(net.loss(data.x_train, data.t_train)))
        if track_accuracy or iteration == iterations:
            curve["train_acc"].append(float(net.accuracy(data.x_train, data.t_train)))
            curve["test_acc"].append(float(net.accuracy(data.x_test, data.t_test)))

    record(0)
    stream = batches(len(data.t_train), min(batch_size, len(data.t_train)), rng)
    for iteration in range(1, iterations + 1):
        index = next(stream)
        grads = net.gradient(data.x_train[index], data.t_train[index])
        optimizer.update(net.params, grads)
        if iteration % record_every == 0 or iteration == iterations:
            record(iteration)
        steps.advance()
    return curve


def rounded(value: Any, digits: int = 6) -> Any:
    """Round floats to `digits` significant digits in nested lists/dicts: compact, valid JSON."""
    if isinstance(value, float | np.floating):
        # JSON has no NaN or infinity: a diverged run records null.
        return float(f"{float(value):.{digits}g}") if np.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return rounded(value.tolist(), digits)
    if isinstance(value, dict):
        return {str(key): rounded(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item, digits) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    return value
