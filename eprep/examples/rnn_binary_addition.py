"""rnn-binary-addition: an RNN learns to add two 8-bit numbers, one bit per time step.

The course's classic RNN exercise. At step t the network reads bit t (least significant first)
of a and of b and outputs bit t of a + b. The carry is the only thing it must remember from one
step to the next, so a small tanh RNN learns the task exactly; the test pairs are drawn apart
from the training stream.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "rnn-binary-addition"
CLAIM = "A 16-unit tanh RNN learns 8-bit binary addition: at least 99% of test bits right."
# the claim on Japanese pages
CLAIM_JA = "16ユニットのtanh RNNは8ビットの2進数の加算を学習し、テストのビットの99%以上が正しい。"

BITS = 8
HIDDEN = 16
BATCH = 64


def additions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n pairs a, b < 2^7 (so a + b fits in 8 bits) as inputs (n, 8, 2) and sum bits (n, 8)."""
    a = rng.integers(0, 2 ** (BITS - 1), n)
    b = rng.integers(0, 2 ** (BITS - 1), n)
    positions = np.arange(BITS)

    def bits(v: np.ndarray) -> np.ndarray:
        return (v[:, None] >> positions) & 1

    return np.stack([bits(a), bits(b)], axis=2).astype(np.float64), bits(a + b)


# What `run` returns (checked before a cached result is used).
RESULT_SCHEMA = {
    "quick": "bool",
    "iterations": "int",
    "every": "int",
    "loss_curve": ["float"],
    "accuracy_curve": ["float"],
    "bit_accuracy": "float",
    "sum_accuracy": "float",
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train on fresh random pairs every step; test on 2000 pairs from another stream."""
    from eprep.examples.sequence import SequenceClassifier

    iterations = 400 if quick else 2000
    rng = np.random.default_rng([seed, 1])
    model = SequenceClassifier("rnn", 2, HIDDEN, 2, rng)
    test_x, test_t = additions(np.random.default_rng([seed, 2]), 2000)
    steps = Steps(iterations, progress)
    losses, accuracies = [], []
    for iteration in range(iterations):
        x, t = additions(rng, BATCH)
        loss = model.step(x, t)
        if iteration % 20 == 0:
            losses.append(loss)
            accuracies.append(_bit_accuracy(model, test_x, test_t))
        steps.advance()
    predicted = model.scores(test_x).argmax(axis=2)
    return rounded(
        {
            "quick": quick,
            "iterations": iterations,
            "every": 20,
            "loss_curve": losses,
            "accuracy_curve": accuracies,
            "bit_accuracy": float(np.mean(predicted == test_t)),
            "sum_accuracy": float(np.mean(np.all(predicted == test_t, axis=1))),
        },
        5,
    )


def _bit_accuracy(model: Any, x: np.ndarray, t: np.ndarray) -> float:
    return float(np.mean(model.scores(x).argmax(axis=2) == t))


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Bit accuracy on the test pairs at least 0.99."""
    return [
        Check(
            "test bit accuracy at least 99%",
            result["bit_accuracy"] >= 0.99,
            f"bit accuracy {result['bit_accuracy']:.4f}, whole sums {result['sum_accuracy']:.4f}",
            statement_ja="テストのビット正解率が 99% 以上",
            measured_ja=(
                f"ビット正解率 {result['bit_accuracy']:.4f}、"
                f"和全体の正解率 {result['sum_accuracy']:.4f}"
            ),
        )
    ]


WORDS = Words(
    {
        "en": {
            "header": ("iterations", "bit accuracy", "whole sums right", "final loss"),
            "loss title": "training loss",
            "iteration": "iteration",
            "loss": "cross-entropy per bit",
            "accuracy title": "test bit accuracy",
            "accuracy": "accuracy",
        },
        "ja": {
            "header": ("反復", "ビット正解率", "和全体の正解率", "最終損失"),
            "loss title": "訓練データの損失",
            "iteration": "反復",
            "loss": "1 ビットあたりの交差エントロピー誤差",
            "accuracy title": "テストデータのビットごとの正解率",
            "accuracy": "正解率",
        },
    }
)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    return [
        WORDS.of(lang).row("header"),
        (
            str(result["iterations"]),
            f"{result['bit_accuracy']:.4f}",
            f"{result['sum_accuracy']:.4f}",
            f"{result['loss_curve'][-1]:.4g}",
        ),
    ]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Training loss and test bit accuracy against iterations."""
    from eprep.examples.plotting import loss_and_accuracy_axes, style

    w = WORDS.of(lang)
    fig, acc_ax, x = loss_and_accuracy_axes(result, w)
    acc_ax.plot(x, result["accuracy_curve"], color="tab:green")
    acc_ax.axhline(0.99, color="gray", linestyle="--", linewidth=1)
    style(acc_ax, w("accuracy title"), w("iteration"), w("accuracy"))
    return {"binary-addition": fig}
