"""regularization: a deliberately overfitting setup, and what L2, L1 and dropout do to it.

150 training digits, about a quarter of them with a wrong label, and a 100-100 hidden-unit net
trained without any regularisation memorise the training set — wrong labels included — so
training accuracy reaches 1 while test accuracy lags far behind. L2 (weight decay), L1, dropout,
and dropout with L1 each keep the net from memorising the noise and shrink the train–test gap. L1
pushes most weights to (almost exactly) zero: its gradient has constant size λ, so a weight that
the data does not need keeps being pulled back to 0 and then jitters around it."""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.schema import CURVE
from eprep.examples.training import Progress, Steps, rounded, train
from eprep.examples.words import Words

NAME = "regularization"
CLAIM = (
    "On an overfitting setup, L2, L1, dropout and dropout+L1 each shrink the train–test accuracy "
    "gap; L1 drives most weights to near zero."
)
# the claim on Japanese pages
CLAIM_JA = (
    "過学習する設定で、L2、L1、Dropout、Dropout+L1はいずれも訓練"
    "とテストの精度差を縮め、L1は大半の重みをほぼ0にする。"
)

N_TRAIN = 150
LABEL_NOISE = 0.25
HIDDEN = [100, 100]
LR = 0.1
BATCH = 50
ITERATIONS = 300
ZERO = 0.01  # a weight below this in absolute value counts as "zero-ish"
# name -> keyword arguments of MultiLayerNetExtend
VARIANTS: dict[str, dict[str, Any]] = {
    "none": {},
    "L2": {"weight_decay_lambda": 0.05},
    "L1": {"l1_lambda": 0.005},
    "dropout": {"use_dropout": True, "dropout_ratio": 0.5},
    "dropout+L1": {"use_dropout": True, "dropout_ratio": 0.5, "l1_lambda": 0.005},
}


def _train_variant(
    options: dict[str, Any], data: Any, seed: int, repeat: int, steps: Steps
) -> tuple[dict[str, Any], np.ndarray]:
    """Train one variant once; return its curve and final weight magnitudes."""
    from eprep.engine import SGD, MultiLayerNetExtend

    net = MultiLayerNetExtend(
        64, HIDDEN, 10, rng=np.random.default_rng([seed, repeat, 0]), **options
    )
    curve = train(
        net,
        SGD(lr=LR),
        data,
        iterations=ITERATIONS,
        batch_size=BATCH,
        rng=np.random.default_rng([seed, repeat, 1]),
        record_every=50,
        steps=steps,
    )
    weights = np.concatenate([net.params[f"W{i}"].ravel() for i in range(1, len(HIDDEN) + 2)])
    return curve, np.abs(weights)


# What `run` returns (checked before a cached result is used; see schema.py).
RESULT_SCHEMA = {
    "n_train": "int",
    "label_noise": "float",
    "hidden": ["int"],
    "zero": "float",
    "iterations": "int",
    "repeats": "int",
    "variants": {
        "*": {
            "options": {"*": ("float", "bool")},
            "curve": CURVE,
            "train_acc": "float",
            "test_acc": "float",
            "gap": "float",
            "zero_fraction": "float",
            "log_hist": ["int"],
        }
    },
    "quick": "bool",
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train each variant from the same initial weights and batches; average over repeats.

    The full version does not train longer (given long enough, the weaker regularisers also
    memorise the noisy labels: early stopping is a regulariser of its own); it repeats the
    experiment with 5 different initialisations and averages, so the figures are steadier.
    """
    from eprep.examples.data import digits, subsample, with_label_noise

    data = with_label_noise(subsample(digits(), N_TRAIN), LABEL_NOISE)
    repeats = 1 if quick else 5
    steps = Steps(len(VARIANTS) * repeats * ITERATIONS, progress)
    variants = {}
    for name, options in VARIANTS.items():
        runs = [_train_variant(options, data, seed, r, steps) for r in range(repeats)]
        curves = [curve for curve, _ in runs]
        magnitudes = np.concatenate([m for _, m in runs])
        mean_curve = {
            key: np.mean([curve[key] for curve in curves], axis=0).tolist()
            for key in ("train_loss", "train_acc", "test_acc")
        }
        mean_curve["iteration"] = curves[0]["iteration"]
        train_acc, test_acc = mean_curve["train_acc"][-1], mean_curve["test_acc"][-1]
        variants[name] = {
            "options": options,
            "curve": mean_curve,
            "train_acc": train_acc,
            "test_acc": test_acc,
            "gap": train_acc - test_acc,
            "zero_fraction": float(np.mean(magnitudes < ZERO)),
            # log10 |w| histogram for the plot; exact zeros land in the lowest bin.
            "log_hist": np.histogram(
                np.log10(np.maximum(magnitudes, 1e-8)), bins=40, range=(-8, 0)
            )[0].tolist(),
        }
    return rounded(
        {
            "n_train": N_TRAIN,
            "label_noise": LABEL_NOISE,
            "hidden": HIDDEN,
            "zero": ZERO,
            "iterations": ITERATIONS,
            "repeats": repeats,
            "variants": variants,
            "quick": quick,
        }
    )


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Each regulariser's gap at least 0.04 below no regularisation; L1 zeroes most weights."""
    variants = result["variants"]
    none = variants["none"]
    checks = [
        Check(
            "no regularisation overfits: train accuracy ≥ 0.97, gap ≥ 0.12",
            none["train_acc"] >= 0.97 and none["gap"] >= 0.12,
            f"gap {none['gap']:.3f}",
            statement_ja="正則化なしでは過学習する: 訓練正解率 ≥ 0.97、差 ≥ 0.12",
            measured_ja=f"差 {none['gap']:.3f}",
        )
    ]
    for name in ("L2", "L1", "dropout", "dropout+L1"):
        gap = variants[name]["gap"]
        checks.append(
            Check(
                f"{name}: gap at least 0.04 smaller than without regularisation",
                gap <= none["gap"] - 0.04,
                f"{gap:.3f} vs {none['gap']:.3f}",
                statement_ja=f"{name}: 差は正則化なしより 0.04 以上小さい",
            )
        )
    combined = variants["dropout+L1"]["gap"]
    checks.append(
        Check(
            "dropout+L1: gap smaller than dropout alone",
            combined < variants["dropout"]["gap"] - 0.02,
            f"{combined:.3f} vs {variants['dropout']['gap']:.3f}",
            statement_ja="ドロップアウト + L1: 差はドロップアウトだけのときより小さい",
        )
    )
    l1 = variants["L1"]["zero_fraction"]
    checks.append(
        Check(
            f"L1: over 30% of weights below {result['zero']}, over 4× the unregularised share",
            l1 > 0.3 and l1 > 4 * none["zero_fraction"],
            f"{l1:.2f} vs {none['zero_fraction']:.2f}",
            statement_ja=(
                f"L1: 重みの 30% 超が {result['zero']} 未満で、正則化なしの割合の 4 倍を超える"
            ),
        )
    )
    return checks


WORDS = Words(
    {
        "en": {
            "header": ("variant", "train acc", "test acc", "gap", "|w| < {zero}"),
            "none": "none",
            "dropout": "dropout",
            "dropout+L1": "dropout+L1",
            "train": "train",
            "test": "test",
            "variant title": "{name} (gap {gap})",
            "iteration": "iteration",
            "accuracy": "accuracy",
            "weights title": "Weight magnitudes after training",
            "count": "number of weights",
        },
        "ja": {
            "header": ("設定", "訓練正解率", "テスト正解率", "差", "|w| < {zero}"),
            "none": "正則化なし",
            "dropout": "Dropout",
            "dropout+L1": "Dropout+L1",
            "train": "訓練データ",
            "test": "テストデータ",
            "variant title": "{name}（差 {gap}）",
            "iteration": "反復",
            "accuracy": "正解率",
            "weights title": "学習後の重みの大きさ",
            "count": "重みの個数",
        },
    }
)  # fmt: skip


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and rows: accuracies, gap and share of zero-ish weights per variant."""
    header = WORDS.of(lang).row("header", zero=result["zero"])
    body = [
        (
            name,
            f"{v['train_acc']:.3f}",
            f"{v['test_acc']:.3f}",
            f"{v['gap']:.3f}",
            f"{v['zero_fraction']:.2f}",
        )
        for name, v in result["variants"].items()
    ]
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Train/test accuracy curves per variant; histogram of log10 |w|."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)

    def variant(name: str) -> str:  # L1 and L2 are the same in every language
        return w(name) if name in w.entries else name

    variants = result["variants"]
    fig = figure(12.0, 3.2)
    axes = fig.subplots(1, len(variants), sharey=True, squeeze=False)[0]
    for ax, (name, v) in zip(axes, variants.items(), strict=True):
        ax.plot(v["curve"]["iteration"], v["curve"]["train_acc"], label=w("train"))
        ax.plot(v["curve"]["iteration"], v["curve"]["test_acc"], label=w("test"))
        ax.set_ylim(0, 1.05)
        title = w("variant title", name=variant(name), gap=f"{v['gap']:.2f}")
        style(ax, title, w("iteration"), w("accuracy") if name == "none" else "")
    axes[0].legend(fontsize=8)
    curves = fig

    fig = figure(6.4, 4.0)
    ax = fig.subplots()
    edges = np.linspace(-8, 0, 41)
    for name, v in variants.items():
        ax.stairs(v["log_hist"], edges, label=variant(name))
    ax.axvline(np.log10(result["zero"]), color="gray", linestyle=":")
    style(ax, w("weights title"), "log10 |w|", w("count"))
    ax.legend(fontsize=8)
    return {"train-test": curves, "weights": fig}
