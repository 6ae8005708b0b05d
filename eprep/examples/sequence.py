"""Helpers shared by the recurrent examples: a DLFS2-style model of engine time layers."""

from __future__ import annotations

import numpy as np


class SequenceClassifier:
    """Time layer (TimeRNN / TimeLSTM) -> TimeAffine -> TimeSoftmaxWithLoss, trained with Adam.

    Parameters live in one dict shared with the layers (the arrays are the same objects), so the
    engine's `Adam.update(params, grads)` trains the model in place.
    """

    def __init__(
        self, cell: str, inputs: int, hidden: int, classes: int, rng: np.random.Generator
    ) -> None:
        from eprep.engine import Adam, TimeAffine, TimeLSTM, TimeRNN, TimeSoftmaxWithLoss

        gates = {"rnn": 1, "lstm": 4}[cell]
        self.params: dict[str, np.ndarray] = {
            "Wx": rng.standard_normal((inputs, gates * hidden)) / np.sqrt(inputs),
            "Wh": rng.standard_normal((hidden, gates * hidden)) / np.sqrt(hidden),
            "b": np.zeros(gates * hidden),
            "W": rng.standard_normal((hidden, classes)) / np.sqrt(hidden),
            "bo": np.zeros(classes),
        }
        if cell == "lstm":
            # A forget-gate bias of 3 (f ~ 0.95) lets the cell keep its content by default;
            # with the bias at 0 (f ~ 0.5) memory fades as fast as in a plain RNN.
            self.params["b"][:hidden] = 3.0
        layer_type = TimeLSTM if cell == "lstm" else TimeRNN
        self.recurrent = layer_type(self.params["Wx"], self.params["Wh"], self.params["b"])
        self.affine = TimeAffine(self.params["W"], self.params["bo"])
        self.loss_layer = TimeSoftmaxWithLoss()
        self.optimizer = Adam(lr=0.01)

    def scores(self, xs: np.ndarray) -> np.ndarray:
        return self.affine.forward(self.recurrent.forward(xs))

    def step(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """One training step; returns the loss before the update."""
        loss = self.loss_layer.forward(self.scores(xs), ts)
        self.backward()
        grads = dict(zip(("Wx", "Wh", "b"), self.recurrent.grads, strict=True))
        grads.update(W=self.affine.grads[0], bo=self.affine.grads[1])
        self.optimizer.update(self.params, grads)
        return loss

    def backward(self) -> np.ndarray:
        """Back-propagate the last loss; returns the gradient at each input step."""
        return self.recurrent.backward(self.affine.backward(self.loss_layer.backward()))
