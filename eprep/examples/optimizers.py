"""optimizers: SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam on the same net and data.

Every optimizer starts from the same initial weights and sees the same mini-batches (both are
drawn from the run's seed), so the loss curves differ only by the update rule. Learning rates are
the usual defaults of the course (0.01; Adam 0.001). The training loss over the whole training
set is recorded at regular intervals; adaptive methods (RMSprop, Adam) cross the threshold in far
fewer iterations than plain SGD.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.schema import CURVE
from eprep.examples.training import Progress, Steps, rounded, train
from eprep.examples.words import Words

NAME = "optimizers"
CLAIM = (
    "On the same net and digits, Adam and RMSprop reach the loss threshold in fewer iterations "
    "than plain SGD."
)
# the claim on Japanese pages
CLAIM_JA = (
    "同じネットワークと手書き数字で、AdamとRMSpropは素のSGDより少ない反復で損失のしきい値に達する。"
)

# (name, learning rate)
OPTIMIZERS: list[tuple[str, float]] = [
    ("SGD", 0.01),
    ("Momentum", 0.01),
    ("Nesterov", 0.01),
    ("AdaGrad", 0.01),
    ("RMSprop", 0.01),
    ("Adam", 0.001),
]
THRESHOLD = 0.5
HIDDEN = [50, 50, 50]
BATCH = 64


def first_below(iterations: list[int], losses: list[float | None], threshold: float) -> int | None:
    """The first recorded iteration whose loss is below `threshold`, or None if never."""
    for iteration, loss in zip(iterations, losses, strict=True):
        if loss is not None and loss < threshold:
            return iteration
    return None


# What `run` returns (checked before a cached result is used; see schema.py).
RESULT_SCHEMA = {
    "threshold": "float",
    "iterations": "int",
    "hidden": ["int"],
    "batch": "int",
    "curves": {"*": {**CURVE, "lr": "float", "reached": ("int", "null")}},
    "quick": "bool",
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train one copy of the net per optimizer and record its loss curve."""
    import eprep.engine as engine
    from eprep.examples.data import digits

    data = digits()
    iterations = 200 if quick else 2000
    record_every = 10 if quick else 20
    steps = Steps(len(OPTIMIZERS) * iterations, progress)
    curves = {}
    for name, lr in OPTIMIZERS:
        net = engine.MultiLayerNet(
            64,
            HIDDEN,
            10,
            activation="relu",
            weight_init_std="he",
            rng=np.random.default_rng([seed, 0]),
        )
        curve = train(
            net,
            getattr(engine, name)(lr=lr),
            data,
            iterations=iterations,
            batch_size=BATCH,
            rng=np.random.default_rng([seed, 1]),
            record_every=record_every,
            steps=steps,
            track_accuracy=False,
        )
        curve["lr"] = lr
        curve["reached"] = first_below(curve["iteration"], curve["train_loss"], THRESHOLD)
        curves[name] = curve
    return rounded(
        {
            "threshold": THRESHOLD,
            "iterations": iterations,
            "hidden": HIDDEN,
            "batch": BATCH,
            "curves": curves,
            "quick": quick,
        }
    )


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Adam and RMSprop cross the threshold in at most 60% of SGD's iterations."""
    curves = result["curves"]
    # Never reaching it counts as "after the last iteration".
    horizon = result["iterations"] + 1
    sgd = curves["SGD"]["reached"] or horizon
    checks = []
    for name in ("Adam", "RMSprop"):
        reached = curves[name]["reached"]
        checks.append(
            Check(
                f"{name} reaches loss {result['threshold']} in at most 60% of SGD's iterations",
                reached is not None and reached <= 0.6 * sgd,
                f"{name}: {reached}, SGD: {curves['SGD']['reached'] or 'never'}",
                statement_ja=(
                    f"{name} は SGD の 60% 以下の反復回数で損失 {result['threshold']} に達する"
                ),
                measured_ja=f"{name}: {reached}、SGD: {curves['SGD']['reached'] or '到達せず'}",
            )
        )
    # RMSprop's step is lr/√v per weight whatever the gradient's size, so early on it overshoots
    # (the bump near iteration 60 in the quick run) and people expect it to stall; it does not.
    rmsprop = [loss for loss in curves["RMSprop"]["train_loss"] if loss is not None]
    early = rmsprop[max(1, len(rmsprop) // 10)]
    checks.append(
        Check(
            "RMSprop keeps descending: its last loss is under 1% of its loss a tenth of the way in",
            rmsprop[-1] < 0.01 * early,
            f"{early:.3g} → {rmsprop[-1]:.3g}",
            statement_ja="RMSprop は下がり続ける: 最後の損失は、学習の 1/10 の時点の損失の 1% 未満",
        )
    )
    return checks


EXPLANATION = {
    "en": (
        "Momentum and Nesterov follow almost the same curve here (Nesterov's look-ahead changes "
        "little at this learning rate): Momentum is the solid line with squares, Nesterov the "
        "dashed line with open triangles on top of it. RMSprop divides each step by the running "
        "RMS of that weight's gradient, so its steps do not shrink as the gradients do: early on "
        "it overshoots (a bump), then it keeps descending, far below the others — it does not "
        "level off."
    ),
    "ja": (
        "Momentum と Nesterov はほぼ同じ曲線をたどる（この学習率では Nesterov の先読みの効果は"
        "小さい）。Momentum は四角の実線、Nesterov は白抜き三角の破線で、重なって描かれている。"
        "RMSprop は各重みの勾配の二乗平均平方根で割るので、勾配が小さくなってもステップは小さく"
        "ならない。序盤に行き過ぎて一度損失が上がるが、その後も下がり続け、他より"
        "はるかに小さくなる（頭打ちにはならない）。"
    ),
}


WORDS = Words(
    {
        "en": {
            "header": ("optimizer", "lr", "iters to loss < {threshold}", "final loss",
                       "train acc", "test acc"),
            "never": "never",
            "diverged": "diverged",
            "line": "{name} (lr {lr})",
            "threshold": "threshold",
            "title": "Training loss on digits, same net and batches",
            "iteration": "iteration",
            "loss": "loss (training set)",
        },
        "ja": {
            "header": ("最適化手法", "学習率", "損失 < {threshold} までの反復", "最終損失",
                       "訓練正解率", "テスト正解率"),
            "never": "到達せず",
            "diverged": "発散",
            "line": "{name}（学習率 {lr}）",
            "threshold": "しきい値",
            "title": "手書き数字の訓練データの損失（同じネットワークとミニバッチ）",
            "iteration": "反復",
            "loss": "損失（訓練データ全体）",
        },
    }
)  # fmt: skip


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and rows: learning rate, iterations to the threshold, final loss and accuracy."""
    w = WORDS.of(lang)
    header = w.row("header", threshold=result["threshold"])
    never, diverged = w("never"), w("diverged")
    body = []
    for name, curve in result["curves"].items():
        final = curve["train_loss"][-1]
        body.append(
            (
                name,
                f"{curve['lr']:g}",
                str(curve["reached"] or never),
                diverged if final is None else f"{final:.4f}",
                f"{curve['train_acc'][-1]:.3f}",
                f"{curve['test_acc'][-1]:.3f}",
            )
        )
    return [header, *body]


# Line style and marker per optimizer: Momentum and Nesterov follow almost the same curve, so
# colour alone hid one under the other; markers are also staggered so they never coincide.
LINE_STYLES: dict[str, tuple[str, str]] = {
    "SGD": ("-", "o"),
    "Momentum": ("-", "s"),
    "Nesterov": ("--", "^"),
    "AdaGrad": ("-.", "D"),
    "RMSprop": ((0, (3, 1)), "v"),
    "Adam": ((0, (5, 1, 1, 1)), "P"),
}


def loss_figure(result: dict[str, Any], lang: str = "en") -> Any:
    """The loss curves as a matplotlib Figure (one styled line per optimizer, the threshold)."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    fig = figure(6.4, 4.2)
    ax = fig.subplots()
    for index, (name, curve) in enumerate(result["curves"].items()):
        losses = [np.nan if loss is None else loss for loss in curve["train_loss"]]
        linestyle, marker = LINE_STYLES.get(name, ("-", "o"))
        # at least one point per optimizer between two markers, so each starts at its own offset
        every = max(len(result["curves"]), len(losses) // 8)
        ax.plot(
            curve["iteration"],
            losses,
            linestyle=linestyle,
            marker=marker,
            markersize=5,
            markevery=(index * every // len(result["curves"]), every),
            fillstyle="none" if name == "Nesterov" else "full",
            label=w("line", name=name, lr=f"{curve['lr']:g}"),
        )
    ax.axhline(result["threshold"], color="gray", linestyle=":", label=w("threshold"))
    ax.set_yscale("log")
    style(ax, w("title"), w("iteration"), w("loss"))
    ax.legend(fontsize=8)
    return fig


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Training loss per optimizer against iterations, with the threshold."""
    return {"loss-curves": loss_figure(result, lang)}
