"""initial-weights: per-layer activation histograms for std 1, 0.01, Xavier and He.

A batch of standard-normal inputs goes through five 100-unit layers with no training at all; only
the scale of the initial weights changes. With sigmoid, std 1 pushes activations to 0 and 1
(saturation: vanishing gradients), std 0.01 squeezes them around 0.5 (every unit says the same
thing), Xavier keeps them spread. With ReLU, He keeps the activation scale constant through the
layers, while std 0.01 and Xavier let it shrink layer by layer.
Without any activation (a linear stack, std 0.05 on 100 inputs) each layer multiplies the std by
0.05 * sqrt(100) = 0.5: the scale is decided by sigma * sqrt(n) alone, geometrically in the depth
(the bank's day2.vanishing.linear-stack-rms).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "initial-weights"
CLAIM = (
    "Sigmoid activations saturate with std 1 and collapse to 0.5 with std 0.01 but stay spread "
    "with Xavier; with ReLU, He init keeps the activation scale through 5 layers; without an "
    "activation, std 0.05 halves the scale at every layer (sigma * sqrt(n) = 0.5)."
)
# the claim on Japanese pages
CLAIM_JA = (
    "シグモイドの活性化は標準偏差1では飽和し、0.01では0.5に集中するが、Xav"
    "ier初期値では広がりを保つ。ReLUではHe初期値が5層にわたり活性化の大きさ"
    "を保つ。活性化関数なしでは、標準偏差0.05で層ごとに大きさが半分になる（sig"
    "ma * sqrt(n) = 0.5）。"
)

UNITS = 100
LAYERS = 5
BINS = 30
SATURATED = 0.05  # a sigmoid output within this of 0 or 1 has a gradient below 0.05 * 0.95

# (label, activation, weight-init spec passed to the engine's weight_init_std)
CASES: list[tuple[str, str, float | str]] = [
    ("sigmoid, std 1", "sigmoid", 1.0),
    ("sigmoid, std 0.01", "sigmoid", 0.01),
    ("sigmoid, Xavier", "sigmoid", "xavier"),
    ("ReLU, std 0.01", "relu", 0.01),
    ("ReLU, Xavier", "relu", "xavier"),
    ("ReLU, He", "relu", "he"),
    ("linear, std 0.05", "identity", 0.05),
]


def _layer_stats(a: np.ndarray, activation: str) -> dict[str, Any]:
    if activation == "sigmoid":
        counts, edges = np.histogram(a, bins=BINS, range=(0.0, 1.0))
    elif activation == "identity":
        counts, edges = np.histogram(a, bins=BINS, range=(-1.5, 1.5))
    else:
        # ReLU outputs are half exact zeros; histogram the positive part, report the zeros.
        positive = a[a > 0]
        counts, edges = np.histogram(positive, bins=BINS, range=(0.0, 3.0))
    return {
        "mean": float(a.mean()),
        "std": float(a.std()),
        "rms": float(np.sqrt(np.mean(a * a))),
        "saturated": float(np.mean((a < SATURATED) | (a > 1 - SATURATED))),
        "zero": float(np.mean(a == 0)),
        "hist": counts.tolist(),
        "edges": [float(edges[0]), float(edges[-1])],
    }


# What `run` returns (checked before a cached result is used; see schema.py).
RESULT_SCHEMA = {
    "n_samples": "int",
    "units": "int",
    "cases": [
        {
            "label": "str",
            "activation": "str",
            "spec": ("float", "str"),
            "layers": [
                {
                    "mean": "float",
                    "std": "float",
                    "rms": "float",
                    "saturated": "float",
                    "zero": "float",
                    "hist": ["int"],
                    "edges": ["float"],
                }
            ],
        }
    ],
    "quick": "bool",
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Forward one batch through each initialisation and record per-layer activation statistics."""
    from eprep.engine import relu, sigmoid, weight_init_std

    n_samples = 500 if quick else 2000
    steps = Steps(len(CASES) * LAYERS, progress)
    functions = {"sigmoid": sigmoid, "relu": relu, "identity": lambda a: a}
    cases = []
    for index, (label, activation, spec) in enumerate(CASES):
        # The same inputs for every case, and a separate stream for each case's weights.
        x = np.random.default_rng([seed, 0]).standard_normal((n_samples, UNITS))
        rng = np.random.default_rng([seed, 1, index])
        layers = []
        a = x
        for _ in range(LAYERS):
            w = rng.standard_normal((UNITS, UNITS)) * float(weight_init_std(spec, UNITS))
            a = functions[activation](a @ w)
            layers.append(_layer_stats(a, activation))
            steps.advance()
        cases.append({"label": label, "activation": activation, "spec": spec, "layers": layers})
    return rounded({"n_samples": n_samples, "units": UNITS, "cases": cases, "quick": quick})


def _case(result: dict[str, Any], label: str) -> dict[str, Any]:
    return next(case for case in result["cases"] if case["label"] == label)


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Each part of the claim against the measured activations, with margins."""
    std1 = _case(result, "sigmoid, std 1")["layers"]
    small = _case(result, "sigmoid, std 0.01")["layers"]
    xavier = _case(result, "sigmoid, Xavier")["layers"]
    he = _case(result, "ReLU, He")["layers"]
    relu_xavier = _case(result, "ReLU, Xavier")["layers"]
    linear = _case(result, "linear, std 0.05")["layers"]
    he_ratio = he[-1]["rms"] / he[0]["rms"]
    linear_ratio = linear[-1]["std"] / linear[0]["std"]
    xavier_ratio = relu_xavier[-1]["rms"] / relu_xavier[0]["rms"]
    return [
        Check(
            "sigmoid std 1: over 40% of activations saturated in every layer",
            min(layer["saturated"] for layer in std1) > 0.4,
            f"min saturated fraction {min(layer['saturated'] for layer in std1):.2f}",
            statement_ja="シグモイド、標準偏差 1: どの層でもアクティベーションの 40% 超が飽和する",
            measured_ja=f"飽和した割合の最小 {min(layer['saturated'] for layer in std1):.2f}",
        ),
        Check(
            "sigmoid std 0.01: every layer's activations within std 0.05 of 0.5",
            all(layer["std"] < 0.05 and abs(layer["mean"] - 0.5) < 0.05 for layer in small),
            f"max std {max(layer['std'] for layer in small):.4f}",
            statement_ja=(
                "シグモイド、標準偏差 0.01: どの層のアクティベーションも 0.5 の周り、"
                "標準偏差 0.05 未満に集まる"
            ),
            measured_ja=f"標準偏差の最大 {max(layer['std'] for layer in small):.4f}",
        ),
        Check(
            "sigmoid Xavier: spread (std > 0.08) and under 10% saturated in every layer",
            all(layer["std"] > 0.08 and layer["saturated"] < 0.1 for layer in xavier),
            f"min std {min(layer['std'] for layer in xavier):.3f}",
            statement_ja=(
                "シグモイド、Xavier の初期値: どの層でも広がり（標準偏差 > 0.08）、飽和は 10% 未満"
            ),
            measured_ja=f"標準偏差の最小 {min(layer['std'] for layer in xavier):.3f}",
        ),
        Check(
            "ReLU He: layer-5 RMS within a factor 1.5 of layer 1",
            1 / 1.5 < he_ratio < 1.5,
            f"ratio {he_ratio:.2f}",
            statement_ja="ReLU、He の初期値: 第 5 層の RMS は第 1 層の 1.5 倍以内に収まる",
            measured_ja=f"比 {he_ratio:.2f}",
        ),
        Check(
            "ReLU Xavier: layer-5 RMS shrinks below 0.4 × layer 1 (≈ 2^-2 expected)",
            xavier_ratio < 0.4,
            f"ratio {xavier_ratio:.2f}",
            statement_ja=(
                "ReLU、Xavier の初期値: 第 5 層の RMS は第 1 層の 0.4 倍未満に縮む（期待値 ≈ 2^-2）"
            ),
            measured_ja=f"比 {xavier_ratio:.2f}",
        ),
        Check(
            "linear, std 0.05: layer-5 std within 15% of 0.5^4 × layer 1",
            abs(linear_ratio / 0.5**4 - 1) < 0.15,
            f"ratio {linear_ratio:.4f} (0.5^4 = 0.0625)",
            statement_ja="線形、標準偏差 0.05: 第 5 層の標準偏差は第 1 層の 0.5^4 倍から 15% 以内",
            measured_ja=f"比 {linear_ratio:.4f}（0.5^4 = 0.0625）",
        ),
    ]


WORDS = Words(
    {
        "en": {
            "case": "case",
            "layer std": "layer {layer} std",
            "sigmoid": "sigmoid",
            "linear": "linear",
            "std": "std {value}",
            "pair": "{activation}, {init}",
            "positive": " (positive part)",
            "layer": "layer {layer}",
            "activation": "activation",
            "title": "Activation histograms per layer, no training",
        },
        "ja": {
            "case": "設定",
            "layer std": "第 {layer} 層の標準偏差",
            "sigmoid": "シグモイド",
            "linear": "恒等関数",
            "std": "標準偏差 {value}",
            "pair": "{activation}、{init}",
            "positive": "（正の部分）",
            "layer": "第 {layer} 層",
            "activation": "アクティベーション",
            "title": "層ごとのアクティベーションのヒストグラム（学習なし）",
        },
    }
)


def case_label(label: str, lang: str) -> str:
    """A case of `CASES` ("sigmoid, std 0.01") in `lang`: ReLU, Xavier and He stay as they are."""
    w = WORDS.of(lang)
    activation, init = label.split(", ")
    if init.startswith("std "):
        init = w("std", value=init.removeprefix("std "))
    return w("pair", activation=w(activation) if activation in w.entries else activation, init=init)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and rows of the result table: activation std per layer for each case."""
    w = WORDS.of(lang)
    header = (w("case"), *[w("layer std", layer=i + 1) for i in range(LAYERS)])
    body = [
        (case_label(case["label"], lang), *[f"{layer['std']:.3f}" for layer in case["layers"]])
        for case in result["cases"]
    ]
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """One figure: for each case, the activation histogram of every layer (darker = deeper)."""
    from eprep.examples.plotting import figure

    w = WORDS.of(lang)
    cases = result["cases"]
    columns = 3
    fig = figure(10.0, 5.6)
    axes = fig.subplots(-(-len(cases) // columns), columns, squeeze=False)
    for ax in axes.flat[len(cases) :]:
        ax.set_visible(False)  # the grid has more cells than cases
    for ax, case in zip(axes.flat, cases, strict=False):
        for depth, layer in enumerate(case["layers"]):
            low, high = layer["edges"]
            edges = np.linspace(low, high, len(layer["hist"]) + 1)
            shade = 0.25 + 0.75 * depth / max(1, len(case["layers"]) - 1)
            ax.stairs(
                layer["hist"],
                edges,
                color=(0.1, 0.3, 0.7, shade),
                label=w("layer", layer=depth + 1),
            )
        ax.set_yticks([])
        positive = w("positive") if case["activation"] == "relu" else ""
        ax.set_title(case_label(case["label"], lang) + positive, fontsize=9)
        ax.set_xlabel(w("activation"))
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(w("title"))
    return {"activations": fig}
