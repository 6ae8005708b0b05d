"""grad-cam: where the digits CNN looks, by Grad-CAM and, as a cross-check, by occlusion.

The net is the `cnn` example's `SimpleConvNet`, trained by the same code with the same seed.
Grad-CAM (Selvaraju et al. 2017) weighs the conv layer's ReLU maps by the spatial mean of the
class score's gradient; the occlusion map (Zeiler & Fergus 2014) measures how much the score
drops when a 2×2 patch is set to the mean image. On each test image the two are compared by
Spearman's rank correlation over the 64 pixels, and against a baseline: the Grad-CAM of another
class, which explains a different decision. The heat map's share on the digit's strokes (raw
intensity ≥ 4 of 16) is compared with the strokes' share of the image.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, rounded
from eprep.examples.words import Words

NAME = "grad-cam"
USES = ("eprep.examples.cnn",)  # its trained net; part of this example's cache key
PATCH = 2
STROKE = 4  # raw digit intensity (0..16) from which a pixel counts as stroke
N_IMAGES = {True: 120, False: 300}
# Bars of the claim (fixed here, not in the result).
RHO_BAR = 0.1  # median rank correlation of Grad-CAM with the occlusion map
MARGIN = 0.05  # by how much it beats another class's Grad-CAM
LIFT_BAR = 1.15  # heat share on strokes over the strokes' share of the image
ACC_BAR = 0.9

CLAIM = (
    f"Grad-CAM of the digits CNN lies on the strokes (median heat share ≥ {LIFT_BAR}× their "
    f"area share) and agrees with the occlusion map (median rank correlation ≥ {RHO_BAR}, and "
    f"≥ {MARGIN} above another class's Grad-CAM)."
)
CLAIM_JA = (
    f"手書き数字のCNNのGrad-CAMは字画の上に集まり（字画の面積比の{LIFT_BAR}倍以上、中央値）、"
    f"遮蔽マップと一致する（順位相関の中央値{RHO_BAR}以上、別クラスのGrad-CAMより{MARGIN}以上高い）。"
)
EXPLANATION = {
    "en": (
        "An 8×8 digit gives Grad-CAM few pixels, and the only conv layer sees 3×3 windows, so "
        "the maps are fine-grained and noisy; the correlation with occlusion is modest but "
        "clearly above the other-class baseline."
    ),
    "ja": (
        "8×8 の数字では画素が少なく、唯一の畳み込み層は 3×3 の窓しか見ないため、マップは細かく"
        "ノイズが多い。遮蔽マップとの相関は大きくないが、別クラスを基準にした値よりはっきり高い。"
    ),
}

RESULT_SCHEMA = {
    "quick": "bool",
    "test_acc": "float",
    "patch": "int",
    "rho": ["float"],
    "baseline_rho": ["float"],
    "stroke_lift": ["float"],
    "digits": [
        {
            "label": "int",
            "predicted": "int",
            "image": [["float"]],
            "cam": [["float"]],
            "occlusion": [["float"]],
            "rho": "float",
        }
    ],
}


def _raw_test_images(labels: np.ndarray) -> np.ndarray:
    """The unstandardised test digits (0..16), split exactly as `digits_images` splits them."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from eprep.examples.data import SPLIT_SEED

    bunch = load_digits()
    _, raw, _, t = train_test_split(
        bunch.data, bunch.target, test_size=0.3, random_state=SPLIT_SEED, stratify=bunch.target
    )
    if not np.array_equal(t, labels):
        raise AssertionError("the raw digits are not split as digits_images splits them")
    return raw.reshape(-1, 8, 8)


def _rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0  # a constant map ranks nothing
    return float(spearmanr(a.ravel(), b.ravel()).statistic)


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Explain the cnn example's net on test digits with Grad-CAM and occlusion."""
    from eprep.engine.explain import class_score, grad_cam, occlusion_map
    from eprep.examples.cnn import train_net

    net, _, data = train_net(quick, seed, progress)
    raw = _raw_test_images(data.t_test)
    n = min(N_IMAGES[quick], len(data.t_test))
    x = data.x_test[:n]
    cam = grad_cam(net, x)
    predicted = np.argmax(cam.scores, axis=1)
    other = grad_cam(net, x, (predicted + 1) % 10)
    rho, baseline, lift, occlusions = [], [], [], []
    for k in range(n):
        occlusion = occlusion_map(class_score(net, int(predicted[k])), x[k], PATCH, fill=0.0)
        occlusions.append(occlusion)
        rho.append(_rank_correlation(cam.heatmap[k], occlusion))
        baseline.append(_rank_correlation(other.heatmap[k], occlusion))
        stroke = raw[k] >= STROKE
        heat = cam.heatmap[k]
        lift.append(float(heat[stroke].sum() / heat.sum() / stroke.mean()) if heat.sum() else 0.0)
    shown = []
    for digit in range(10):  # the first correctly classified test image of each digit
        hits = np.flatnonzero((data.t_test[:n] == digit) & (predicted == digit))
        if hits.size:
            k = int(hits[0])
            shown.append(
                {
                    "label": digit,
                    "predicted": int(predicted[k]),
                    "image": raw[k].tolist(),
                    "cam": cam.heatmap[k].tolist(),
                    "occlusion": occlusions[k].tolist(),
                    "rho": rho[k],
                }
            )
    return rounded(
        {
            "quick": quick,
            "test_acc": float(net.accuracy(data.x_test, data.t_test)),
            "patch": PATCH,
            "rho": rho,
            "baseline_rho": baseline,
            "stroke_lift": lift,
            "digits": shown,
        },
        4,
    )


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Median stroke share, median agreement with occlusion, and the margin over the baseline."""
    rho = float(np.median(result["rho"]))
    baseline = float(np.median(result["baseline_rho"]))
    lift = float(np.median(result["stroke_lift"]))
    return [
        Check(
            f"the net classifies (test accuracy ≥ {ACC_BAR:.0%})",
            result["test_acc"] >= ACC_BAR,
            f"{result['test_acc']:.3f}",
            statement_ja=f"ネットワークが分類できている（テスト正解率 {ACC_BAR:.0%} 以上）",
        ),
        Check(
            f"median heat share on strokes ≥ {LIFT_BAR}× their area share",
            lift >= LIFT_BAR,
            f"{lift:.2f}×",
            statement_ja=f"字画上のヒートマップの割合が字画の面積比の {LIFT_BAR} 倍以上（中央値）",
        ),
        Check(
            f"median rank correlation with the occlusion map ≥ {RHO_BAR}",
            rho >= RHO_BAR,
            f"ρ = {rho:.3f}",
            statement_ja=f"遮蔽マップとの順位相関の中央値が {RHO_BAR} 以上",
        ),
        Check(
            f"≥ {MARGIN} above another class's Grad-CAM",
            rho - baseline >= MARGIN,
            f"ρ = {rho:.3f} vs {baseline:.3f}",
            statement_ja=f"別クラスの Grad-CAM より {MARGIN} 以上高い",
            measured_ja=f"ρ = {rho:.3f}（別クラス {baseline:.3f}）",
        ),
    ]


WORDS = Words(
    {
        "en": {
            "header": ("digit", "predicted", "ρ(Grad-CAM, occlusion)"),
            "median": "median of {n}",
            "baseline": "baseline {base}",
            "digit": "digit",
            "occlusion": "occlusion",
            "column": "{label} (ρ {rho})",
            "overlays title": "Where the digits CNN looks: Grad-CAM and the occlusion map",
            "predicted class": "Grad-CAM of the predicted class",
            "another class": "Grad-CAM of another class",
            "correlation title": "Rank correlation with the occlusion map",
            "rho": "Spearman ρ over the 64 pixels",
            "images": "images",
        },
        "ja": {
            "header": ("数字", "予測", "ρ（Grad-CAM と遮蔽マップ）"),
            "median": "{n} 枚の中央値",
            "baseline": "別クラス {base}",
            "digit": "数字",
            "occlusion": "遮蔽マップ",
            "column": "{label}（ρ {rho}）",
            "overlays title": "手書き数字の CNN が注目する場所: Grad-CAM と遮蔽マップ",
            "predicted class": "予測したクラスの Grad-CAM",
            "another class": "別のクラスの Grad-CAM",
            "correlation title": "遮蔽マップとの順位相関",
            "rho": "64 画素にわたる Spearman の ρ",
            "images": "画像の枚数",
        },
    }
)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """Header and one row per shown digit, then the medians over all explained test images."""
    w = WORDS.of(lang)
    body = [(str(d["label"]), str(d["predicted"]), f"{d['rho']:.3f}") for d in result["digits"]]
    n, base = len(result["rho"]), float(np.median(result["baseline_rho"]))
    first, second = w("median", n=n), w("baseline", base=f"{base:.3f}")
    return [w.row("header"), *body, (first, second, f"{np.median(result['rho']):.3f}")]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Digits with the Grad-CAM and occlusion heat maps laid over them; the correlations."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    digits = result["digits"]
    fig = figure(len(digits) * 0.95 + 0.6, 3.2)
    axes = fig.subplots(3, len(digits), squeeze=False)
    for column, digit in enumerate(digits):
        image = np.array(digit["image"])
        for row, (key, title) in enumerate(
            (("", w("digit")), ("cam", "Grad-CAM"), ("occlusion", w("occlusion")))
        ):
            ax = axes[row, column]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.imshow(image, cmap="gray_r", interpolation="nearest")
            if key:
                heat = np.array(digit[key])
                # Only the positive evidence is drawn; the rest of the digit stays visible.
                shown = np.ma.masked_where(heat <= 0.1 * max(heat.max(), 1e-12), heat)
                ax.imshow(shown, cmap="jet", alpha=0.55, interpolation="nearest")
            if column == 0:
                ax.set_ylabel(title, fontsize=8)
        heading = w("column", label=digit["label"], rho=f"{digit['rho']:.2f}")
        axes[0, column].set_title(heading, fontsize=8)
    fig.suptitle(w("overlays title"))
    overlays = fig

    fig = figure(6.4, 3.6)
    ax = fig.subplots()
    bins = np.linspace(-1, 1, 21)
    ax.hist(result["rho"], bins=bins, alpha=0.6, label=w("predicted class"))
    ax.hist(result["baseline_rho"], bins=bins, alpha=0.6, label=w("another class"))
    ax.axvline(float(np.median(result["rho"])), color="C0", linestyle="--")
    ax.axvline(float(np.median(result["baseline_rho"])), color="C1", linestyle=":")
    style(ax, w("correlation title"), w("rho"), w("images"))
    ax.legend(fontsize=8)
    return {"overlays": overlays, "correlation": fig}
