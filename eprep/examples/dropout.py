"""dropout: classic and inverted scaling agree in expectation; a `randn` mask drops Φ(ratio).

Classic dropout (DLFS1) keeps units unscaled while training and multiplies by (1 - ratio) at
inference; inverted dropout (the engine's, and every framework's) divides by (1 - ratio) while
training and does nothing at inference. Either way the next layer sees, on average, during
training exactly what it sees at inference. Mixing the two conventions breaks that by a factor
(1 - ratio).

A mask written `randn(*shape) > ratio` instead of `rand(*shape) > ratio` drops a unit when a
standard normal falls below `ratio`, which happens with probability Φ(ratio) — 0.69 for a ratio
of 0.5, and 0.54 for a ratio of 0.1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "dropout"
CLAIM = (
    "Classic and inverted dropout both match inference in expectation (mixing them is off by "
    "1 - ratio); a randn mask drops Φ(ratio) of the units instead of ratio."
)
# the claim on Japanese pages
CLAIM_JA = (
    "通常のDropoutと逆Dropoutはどちらも期待値で推論時と一致し（両者を混"
    "ぜると 1 - ratio 倍ずれる）、randnによるマスクはratioではな"
    "くΦ(ratio)の割合のユニットを落とす。"
)

RATIO = 0.5
RATIOS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
WIDTH = 64  # units in the layer whose outputs are averaged


def normal_cdf(z: float) -> float:
    """Φ(z), the standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _relative_error(mean: np.ndarray, reference: np.ndarray) -> float:
    return float(np.linalg.norm(mean - reference) / np.linalg.norm(reference))


def _expectations(draws: int, seed: int) -> dict[str, Any]:
    """Average `draws` training-mode passes and compare with each convention's inference output."""
    from eprep.engine import Dropout

    x = np.random.default_rng([seed, 0]).standard_normal((1, WIDTH))
    batch = np.repeat(x, draws, axis=0)  # one row per draw: a single vectorised forward pass
    inverted = Dropout(RATIO, rng=np.random.default_rng([seed, 1]))
    inverted_train = inverted.forward(batch, train_flg=True).mean(axis=0)
    inverted_infer = inverted.forward(x, train_flg=False)[0]
    # The classic convention, written out here because the engine only ships the inverted one.
    keep = np.random.default_rng([seed, 2]).random(batch.shape) > RATIO
    classic_train = (batch * keep).mean(axis=0)
    classic_infer = x[0] * (1.0 - RATIO)
    return {
        "draws": draws,
        "ratio": RATIO,
        "inverted_error": _relative_error(inverted_train, inverted_infer),
        "classic_error": _relative_error(classic_train, classic_infer),
        # Trained classic (unscaled), served inverted (no scaling at inference either).
        "mixed_error": _relative_error(classic_train, x[0]),
        "x": x[0].tolist(),
        "inverted_train_mean": inverted_train.tolist(),
        "classic_train_mean": classic_train.tolist(),
    }


def _drop_fractions(units: int, seed: int, steps: Steps) -> list[dict[str, float]]:
    """Measured dropped fractions of rand, randn and the engine's mask for each ratio."""
    from eprep.engine import Dropout

    rng = np.random.default_rng([seed, 3])
    rows = []
    for ratio in RATIOS:
        engine = Dropout(ratio, rng=np.random.default_rng([seed, 4, int(ratio * 10)]))
        engine.forward(np.ones((1, units)), train_flg=True)
        rows.append(
            {
                "ratio": ratio,
                "rand": float(np.mean(~(rng.random(units) > ratio))),
                "randn": float(np.mean(~(rng.standard_normal(units) > ratio))),
                "engine": float(np.mean(~engine.mask)),
                "normal_cdf": normal_cdf(ratio),
            }
        )
        steps.advance()
    return rows


# What `run` returns (checked before a cached result is used; see schema.py).
RESULT_SCHEMA = {
    "units": "int",
    "expectation": {
        "draws": "int",
        "ratio": "float",
        "inverted_error": "float",
        "classic_error": "float",
        "mixed_error": "float",
        "x": ["float"],
        "inverted_train_mean": ["float"],
        "classic_train_mean": ["float"],
    },
    "fractions": [
        {
            "ratio": "float",
            "rand": "float",
            "randn": "float",
            "engine": "float",
            "normal_cdf": "float",
        }
    ],
    "quick": "bool",
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Monte-Carlo estimates of both effects."""
    draws = 4000 if quick else 40000
    units = 20000 if quick else 200000
    steps = Steps(len(RATIOS) + 1, progress)
    expectations = _expectations(draws, seed)
    steps.advance()
    fractions = _drop_fractions(units, seed, steps)
    return rounded(
        {"units": units, "expectation": expectations, "fractions": fractions, "quick": quick}
    )


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Relative errors against Monte-Carlo noise; drop fractions within 5 binomial sigmas."""
    e = result["expectation"]
    # The per-unit noise of the mean is |x| sqrt(ratio / (1 - ratio) / draws) for inverted
    # dropout (sqrt(ratio (1 - ratio) / draws) relative to classic's (1 - ratio) x): 5 sigmas.
    tolerance = 5 * math.sqrt(e["ratio"] / (1 - e["ratio"]) / e["draws"])
    units = result["units"]

    def within(measured: float, expected: float) -> bool:
        sigma = math.sqrt(expected * (1 - expected) / units)
        return abs(measured - expected) < 5 * sigma

    fractions = result["fractions"]
    at_half = next(row for row in fractions if row["ratio"] == 0.5)
    return [
        Check(
            "inverted: mean training output = inference output",
            e["inverted_error"] < tolerance,
            f"relative error {e['inverted_error']:.4f}",
            statement_ja="逆ドロップアウト: 学習時の出力の平均 = 推論時の出力",
            measured_ja=f"相対誤差 {e['inverted_error']:.4f}",
        ),
        Check(
            "classic: mean training output = inference output",
            e["classic_error"] < tolerance,
            f"relative error {e['classic_error']:.4f}",
            statement_ja="従来のドロップアウト: 学習時の出力の平均 = 推論時の出力",
            measured_ja=f"相対誤差 {e['classic_error']:.4f}",
        ),
        Check(
            "mixing conventions is off by about ratio = 0.5",
            abs(e["mixed_error"] - e["ratio"]) < 0.1,
            f"relative error {e['mixed_error']:.3f}",
            statement_ja="二つの流儀を混ぜると、ずれはおよそ ratio = 0.5 になる",
            measured_ja=f"相対誤差 {e['mixed_error']:.3f}",
        ),
        Check(
            "rand and the engine's mask drop `ratio` of the units, for every ratio",
            all(
                within(r["rand"], r["ratio"]) and within(r["engine"], r["ratio"]) for r in fractions
            ),
            "within 5 binomial sigmas",
            statement_ja=(
                "`rand` によるマスクも `Dropout` レイヤのマスクも、"
                "どの ratio でもユニットの割合 ratio を消去する"
            ),
            measured_ja="二項分布の 5σ 以内",
        ),
        Check(
            "randn drops Φ(ratio) of the units, for every ratio",
            all(within(r["randn"], r["normal_cdf"]) for r in fractions),
            f"ratio 0.5: dropped {at_half['randn']:.3f}, Φ(0.5) = {at_half['normal_cdf']:.3f}",
            statement_ja=(
                "`randn` によるマスクは、どの ratio でもユニットの割合 Φ(ratio) を消去する"
            ),
            measured_ja=(
                f"ratio 0.5: 消去 {at_half['randn']:.3f}、Φ(0.5) = {at_half['normal_cdf']:.3f}"
            ),
        ),
    ]


WORDS = Words(
    {
        "en": {
            "header": ("asked ratio", "rand drops", "engine drops", "randn drops", "Φ(ratio)"),
            "ideal": "asked (ideal)",
            "rand": "rand mask",
            "randn": "randn mask",
            "fractions title": "Fraction of units dropped",
            "asked": "asked dropout ratio",
            "measured": "measured dropped fraction",
            "inverted inference": "inverted: inference (x)",
            "inverted train": "inverted: mean in training",
            "classic inference": "classic: inference ((1 - ratio) x)",
            "classic train": "classic: mean in training",
            "expectation title": "Expected output, ratio {ratio}, {draws} draws",
            "unit": "unit (sorted by x)",
            "output": "output",
        },
        "ja": {
            "header": ("指定した ratio", "rand の消去率", "Dropout の消去率", "randn の消去率",
                       "Φ(ratio)"),
            "ideal": "指定どおり（理想）",
            "rand": "rand によるマスク",
            "randn": "randn によるマスク",
            "fractions title": "消去されたユニットの割合",
            "asked": "指定した ratio",
            "measured": "実際に消去された割合",
            "inverted inference": "逆ドロップアウト: 推論時（x）",
            "inverted train": "逆ドロップアウト: 学習時の平均",
            "classic inference": "従来のドロップアウト: 推論時（(1 - ratio) x）",
            "classic train": "従来のドロップアウト: 学習時の平均",
            "expectation title": "出力の期待値（ratio {ratio}、{draws} 回の試行）",
            "unit": "ユニット（x の順に並べた）",
            "output": "出力",
        },
    }
)  # fmt: skip


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and rows: asked ratio vs dropped fraction for each mask."""
    e = result["expectation"]
    header = WORDS.of(lang).row("header")
    body = [
        (
            f"{r['ratio']:.1f}",
            f"{r['rand']:.3f}",
            f"{r['engine']:.3f}",
            f"{r['randn']:.3f}",
            f"{r['normal_cdf']:.3f}",
        )
        for r in result["fractions"]
    ]
    footer = [
        (
            "E[train] vs inference",
            "inverted",
            f"{e['inverted_error']:.4f}",
            "classic",
            f"{e['classic_error']:.4f}",
        ),
        ("classic train, inverted inference", "", "", "", f"{e['mixed_error']:.4f}"),
    ]
    return [header, *body, *footer]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Dropped fraction vs asked ratio; mean training output vs inference output per unit."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    fractions = result["fractions"]
    fig = figure(6.0, 4.0)
    ax = fig.subplots()
    asked = [r["ratio"] for r in fractions]
    curve = np.linspace(0, 1, 101)
    ax.plot(curve, curve, color="gray", linestyle=":", label=w("ideal"))
    ax.plot(curve, [normal_cdf(z) for z in curve], color="tab:red", label="Φ(ratio)")
    ax.plot(asked, [r["rand"] for r in fractions], "o", color="tab:blue", label=w("rand"))
    ax.plot(asked, [r["randn"] for r in fractions], "s", color="tab:red", label=w("randn"))
    style(ax, w("fractions title"), w("asked"), w("measured"))
    ax.legend()
    masks = fig

    e = result["expectation"]
    x = np.array(e["x"])
    order = np.argsort(x)
    fig = figure(6.0, 4.0)
    ax = fig.subplots()
    units = np.arange(len(x))
    ax.plot(units, x[order], color="tab:blue", label=w("inverted inference"))
    ax.plot(
        units,
        np.array(e["inverted_train_mean"])[order],
        ".",
        color="tab:blue",
        label=w("inverted train"),
    )
    ax.plot(
        units,
        x[order] * (1 - e["ratio"]),
        color="tab:orange",
        label=w("classic inference"),
    )
    ax.plot(
        units,
        np.array(e["classic_train_mean"])[order],
        ".",
        color="tab:orange",
        label=w("classic train"),
    )
    title = w("expectation title", ratio=e["ratio"], draws=e["draws"])
    style(ax, title, w("unit"), w("output"))
    ax.legend(fontsize=7)
    return {"mask-fractions": masks, "expectation": fig}
