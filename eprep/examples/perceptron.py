"""perceptron: one sigmoid unit learns OR and AND but not XOR; one hidden layer learns XOR.

A single sigmoid unit draws one straight line through the plane. OR and AND are separable by a
line, XOR is not: no line puts (0,1) and (1,0) on one side and (0,0) and (1,1) on the other, so a
single unit reaches at most 3 of 4 and, under cross-entropy, cannot do better than predicting 0.5
everywhere (loss ln 2). A hidden layer bends the boundary and solves XOR.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "perceptron"
CLAIM = "A single sigmoid unit learns OR and AND but not XOR; one hidden layer learns XOR."
# the claim on Japanese pages
CLAIM_JA = (
    "シグモイドユニット1個はORとANDを学習できるがXORは学習できず、隠れ層を1"
    "層加えるとXORを学習できる。"
)

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS = {
    "OR": np.array([0.0, 1.0, 1.0, 1.0]),
    "AND": np.array([0.0, 0.0, 0.0, 1.0]),
    "XOR": np.array([0.0, 1.0, 1.0, 0.0]),
}
# (label, gate, hidden units; 0 = a single unit)
TASKS: list[tuple[str, str, int]] = [
    ("single unit: OR", "OR", 0),
    ("single unit: AND", "AND", 0),
    ("single unit: XOR", "XOR", 0),
    ("hidden layer: XOR", "XOR", 8),
]
GRID = 25  # decision-surface resolution for the plot
EPS = 1e-12


class _Model:
    """Affine → sigmoid, or Affine → tanh → Affine → sigmoid, from engine layers."""

    def __init__(self, hidden: int, rng: np.random.Generator) -> None:
        from eprep.engine import Affine, Sigmoid, Tanh

        sizes = [2, hidden, 1] if hidden else [2, 1]
        self.params: dict[str, np.ndarray] = {}
        self.layers: list[Any] = []
        for i in range(len(sizes) - 1):
            self.params[f"W{i + 1}"] = rng.standard_normal((sizes[i], sizes[i + 1]))
            self.params[f"b{i + 1}"] = np.zeros(sizes[i + 1])
            self.layers.append(Affine(self.params[f"W{i + 1}"], self.params[f"b{i + 1}"]))
            self.layers.append(Tanh() if i < len(sizes) - 2 else Sigmoid())

    def predict(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x[:, 0]

    def loss_and_gradient(self, x: np.ndarray, t: np.ndarray) -> tuple[float, dict]:
        """Binary cross-entropy and its gradient, back-propagated through the engine layers."""
        y = np.clip(self.predict(x), EPS, 1 - EPS)
        loss = float(-np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)))
        dout = ((y - t) / (y * (1 - y)) / len(t))[:, None]
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        affines = self.layers[::2]
        grads = {}
        for i, layer in enumerate(affines):
            grads[f"W{i + 1}"], grads[f"b{i + 1}"] = layer.dW, layer.db
        return loss, grads


# What `run` returns (checked before a cached result is used; see schema.py).
RESULT_SCHEMA = {
    "iterations": "int",
    "tasks": [
        {
            "label": "str",
            "gate": "str",
            "hidden": "int",
            "outputs": ["float"],
            "accuracy": "float",
            "loss": "float",
            "loss_curve": ["float"],
            "surface": [["float"]],
        }
    ],
    "quick": "bool",
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train each model full-batch with Adam on the four truth-table rows."""
    from eprep.engine import Adam

    iterations = 1000 if quick else 4000
    steps = Steps(len(TASKS) * iterations, progress)
    axis = np.linspace(-0.5, 1.5, GRID)
    grid = np.array([[u, v] for v in axis for u in axis])
    tasks = []
    for index, (label, gate, hidden) in enumerate(TASKS):
        model = _Model(hidden, np.random.default_rng([seed, index]))
        optimizer = Adam(lr=0.05)
        t = TARGETS[gate]
        losses = []
        for iteration in range(iterations):
            loss, grads = model.loss_and_gradient(INPUTS, t)
            optimizer.update(model.params, grads)
            if iteration % 50 == 0:
                losses.append(loss)
            steps.advance()
        final_loss, _ = model.loss_and_gradient(INPUTS, t)
        y = model.predict(INPUTS)
        tasks.append(
            {
                "label": label,
                "gate": gate,
                "hidden": hidden,
                "outputs": y.tolist(),
                "accuracy": float(np.mean((y > 0.5) == (t > 0.5))),
                "loss": final_loss,
                "loss_curve": losses,
                "surface": model.predict(grid).reshape(GRID, GRID).tolist(),
            }
        )
    return rounded({"iterations": iterations, "tasks": tasks, "quick": quick}, 5)


def _task(result: dict[str, Any], label: str) -> dict[str, Any]:
    return next(task for task in result["tasks"] if task["label"] == label)


def check_claim(result: dict[str, Any]) -> list[Check]:
    """OR/AND solved confidently; XOR unsolved by one unit and solved with a hidden layer."""
    checks = []
    for label in ("single unit: OR", "single unit: AND", "hidden layer: XOR"):
        task = _task(result, label)
        target = TARGETS[task["gate"]]
        margin = max(abs(y - t) for y, t in zip(task["outputs"], target, strict=True))
        checks.append(
            Check(
                f"{label}: 4/4 right, every output within 0.2 of its target",
                task["accuracy"] == 1.0 and margin < 0.2,
                f"max |y - t| = {margin:.3f}",
                statement_ja=f"{label}: 4 問中 4 問正解、どの出力も目標値から 0.2 以内",
                measured_ja=f"|y - t| の最大 = {margin:.3f}",
            )
        )
    xor = _task(result, "single unit: XOR")
    checks.append(
        Check(
            "single unit: XOR: loss stays at ln 2 or above (no line separates XOR)",
            xor["loss"] > math.log(2) - 0.01,
            f"loss {xor['loss']:.4f} vs ln 2 = {math.log(2):.4f}",
            statement_ja="単一ユニットで XOR: 損失は ln 2 以上にとどまる（XOR を分ける直線はない）",
            measured_ja=f"損失 {xor['loss']:.4f}、ln 2 = {math.log(2):.4f}",
        )
    )
    return checks


WORDS = Words(
    {
        "en": {
            "header": ("model", "y(0,0)", "y(0,1)", "y(1,0)", "y(1,1)", "accuracy", "loss"),
            "single": "single unit: {gate}",
            "hidden": "hidden layer: {gate}",
            "title": "{task}\naccuracy {accuracy}",
        },
        "ja": {
            "header": ("モデル", "y(0,0)", "y(0,1)", "y(1,0)", "y(1,1)", "正解率", "損失"),
            "single": "ユニット 1 個: {gate}",
            "hidden": "隠れ層あり: {gate}",
            "title": "{task}\n正解率 {accuracy}",
        },
    }
)


def task_label(task: dict[str, Any], lang: str) -> str:
    """ "single unit: OR" in `lang` (the gate's name stays)."""
    return WORDS.of(lang)("hidden" if task["hidden"] else "single", gate=task["gate"])


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and rows: outputs on the four inputs, accuracy and loss per model."""
    header = WORDS.of(lang).row("header")
    body = [
        (
            task_label(task, lang),
            *[f"{y:.3f}" for y in task["outputs"]],
            f"{task['accuracy']:.2f}",
            f"{task['loss']:.4f}",
        )
        for task in result["tasks"]
    ]
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Decision surfaces of the four models; target 1 drawn black, target 0 white."""
    from eprep.examples.plotting import figure

    w = WORDS.of(lang)
    tasks = result["tasks"]
    fig = figure(3.0 * len(tasks), 3.8)
    axes = fig.subplots(1, len(tasks), squeeze=False)[0]
    extent = (-0.5, 1.5, -0.5, 1.5)
    for ax, task in zip(axes, tasks, strict=True):
        surface = np.array(task["surface"])
        ax.imshow(surface, origin="lower", extent=extent, vmin=0, vmax=1, cmap="coolwarm")
        # A unit stuck at 0.5 everywhere (XOR) has no boundary to draw.
        if surface.min() < 0.5 < surface.max():
            ax.contour(surface, levels=[0.5], extent=extent, colors="black")
        target = TARGETS[task["gate"]]
        ax.scatter(
            INPUTS[:, 0],
            INPUTS[:, 1],
            c=["black" if t else "white" for t in target],
            edgecolors="black",
            s=70,
        )
        title = w("title", task=task_label(task, lang), accuracy=f"{task['accuracy']:.2f}")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
    return {"decision-surfaces": fig}
