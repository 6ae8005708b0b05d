"""cnn: `SimpleConvNet` (conv - ReLU - pool - affine - ReLU - affine) on the 8×8 digits.

Sixteen 3×3 filters with padding 1 keep the 8×8 size, 2×2 max-pooling halves it, and two affine
layers classify. Trained with Adam, the full version reaches at least 95% test accuracy; the
quick version trains for a fraction of the time and must reach 90%. The first layer's learned
filters are drawn as images.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.schema import CURVE
from eprep.examples.training import Progress, Steps, rounded, train
from eprep.examples.words import Words

NAME = "cnn"
CLAIM = "SimpleConvNet reaches at least 95% test accuracy on the digits (quick version: 90%)."
# the claim on Japanese pages
CLAIM_JA = "SimpleConvNetは手書き数字でテスト精度95%以上に達する（短縮版では90%）。"

CONV = {"filter_num": 16, "filter_size": 3, "pad": 1, "stride": 1}
HIDDEN = 64
LR = 0.005
BATCH = 50
BAR = {True: 0.90, False: 0.95}  # required test accuracy: quick, full


# What `run` returns (checked before a cached result is used; see schema.py).
RESULT_SCHEMA = {
    "conv": {"filter_num": "int", "filter_size": "int", "pad": "int", "stride": "int"},
    "hidden": "int",
    "iterations": "int",
    "curve": CURVE,
    "test_acc": "float",
    "train_acc": "float",
    "bar": "float",
    "filters": [[["float"]]],
    "quick": "bool",
}


# Nets trained in this process, by (quick, seed): `grad-cam` explains the very net `cnn` trains,
# and a site build or test session that runs both trains it once.
_TRAINED: dict[tuple[bool, int], tuple[Any, dict, Any]] = {}


def train_net(quick: bool, seed: int, progress: Progress | None = None) -> tuple[Any, dict, Any]:
    """The trained net, its learning curve and the data (the `grad-cam` example reuses it)."""
    key = (bool(quick), int(seed))
    if key not in _TRAINED:
        _TRAINED[key] = _train_net(quick, seed, progress)
    elif progress is not None:
        Steps(1, progress).advance()
    return _TRAINED[key]


def _train_net(quick: bool, seed: int, progress: Progress | None) -> tuple[Any, dict, Any]:
    from eprep.engine import Adam, SimpleConvNet
    from eprep.examples.data import digits_images

    data = digits_images()
    iterations = 100 if quick else 1500
    record_every = 25 if quick else 50
    steps = Steps(iterations, progress)
    net = SimpleConvNet(
        input_dim=(1, 8, 8),
        conv_param=CONV,
        hidden_size=HIDDEN,
        output_size=10,
        weight_init_std="he",
        rng=np.random.default_rng([seed, 0]),
    )
    curve = train(
        net,
        Adam(lr=LR),
        data,
        iterations=iterations,
        batch_size=BATCH,
        rng=np.random.default_rng([seed, 1]),
        record_every=record_every,
        steps=steps,
    )
    return net, curve, data


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train the net and keep its learning curve and first-layer filters."""
    net, curve, _ = train_net(quick, seed, progress)
    curve = {key: list(values) for key, values in curve.items()}  # the shared curve stays as is
    return rounded(
        {
            "conv": CONV,
            "hidden": HIDDEN,
            "iterations": curve["iteration"][-1],
            "curve": curve,
            "test_acc": curve["test_acc"][-1],
            "train_acc": curve["train_acc"][-1],
            "bar": BAR[quick],
            "filters": net.params["W1"][:, 0].tolist(),
            "quick": quick,
        }
    )


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Test accuracy above the bar for this version (the bar is fixed here, not in the result)."""
    bar = BAR[bool(result["quick"])]
    return [
        Check(
            f"test accuracy at least {bar:.0%}",
            result["test_acc"] >= bar,
            f"{result['test_acc']:.3f}",
            statement_ja=f"テスト正解率が {bar:.0%} 以上",
        )
    ]


WORDS = Words(
    {
        "en": {
            "header": ("iteration", "train loss", "train acc", "test acc"),
            "train": "train",
            "test": "test",
            "bar": "bar {bar}",
            "title": "SimpleConvNet on digits",
            "iteration": "iteration",
            "accuracy": "accuracy",
            "filters": "Learned first-layer filters (3×3)",
        },
        "ja": {
            "header": ("反復", "訓練損失", "訓練正解率", "テスト正解率"),
            "train": "訓練データ",
            "test": "テストデータ",
            "bar": "基準 {bar}",
            "title": "手書き数字を学習した SimpleConvNet",
            "iteration": "反復",
            "accuracy": "正解率",
            "filters": "学習後の 1 層目のフィルター（3×3）",
        },
    }
)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and rows: accuracies along training."""
    curve = result["curve"]
    header = WORDS.of(lang).row("header")
    points = list(
        zip(
            curve["iteration"],
            curve["train_loss"],
            curve["train_acc"],
            curve["test_acc"],
            strict=True,
        )
    )
    # At most about ten rows: every k-th measurement, and always the last one.
    every = max(1, len(points) // 10)
    shown = points[::every] if points[::every][-1] == points[-1] else [*points[::every], points[-1]]
    body = [
        (str(i), f"{loss:.4f}", f"{train_acc:.3f}", f"{test_acc:.3f}")
        for i, loss, train_acc, test_acc in shown
    ]
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Learning curves, and the first layer's filters as grey-scale images."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    curve = result["curve"]
    fig = figure(6.4, 4.0)
    ax = fig.subplots()
    ax.plot(curve["iteration"], curve["train_acc"], label=w("train"))
    ax.plot(curve["iteration"], curve["test_acc"], label=w("test"))
    ax.axhline(
        result["bar"], color="gray", linestyle=":", label=w("bar", bar=f"{result['bar']:.0%}")
    )
    ax.set_ylim(0, 1.02)
    style(ax, w("title"), w("iteration"), w("accuracy"))
    ax.legend()
    accuracy = fig

    filters = np.array(result["filters"])
    columns = 8
    rows_ = -(-len(filters) // columns)
    fig = figure(columns * 0.9, rows_ * 0.9 + 0.4)
    axes = fig.subplots(rows_, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < len(filters):
            ax.imshow(filters[index], cmap="gray", interpolation="nearest")
    fig.suptitle(w("filters"))
    return {"accuracy": accuracy, "filters": fig}
