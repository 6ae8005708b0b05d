"""bias-variance: polynomial degree against training and test error, and the decomposition.

Data: y = sin(2πx) + ε, ε ~ N(0, σ²), x uniform on [0, 1], 20 training points per data set.
For each polynomial degree a least-squares fit (Legendre features on [-1, 1], for conditioning)
is made on many independently drawn training sets. On a fixed grid of test inputs the average
prediction gives the squared bias, the spread of predictions across training sets the variance;
the expected test error on fresh noisy targets should equal bias² + variance + σ². Training
error only falls with the degree; test error is U-shaped.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "bias-variance"
CLAIM = (
    "As the polynomial degree grows, training error falls while test error is U-shaped, and "
    "test error ≈ bias² + variance + noise."
)
# the claim on Japanese pages
CLAIM_JA = (
    "多項式の次数を上げると訓練誤差は下がり、テスト誤差はU字形になり、テスト誤差 ≈"
    " バイアス² + バリアンス + ノイズ となる。"
)

NOISE = 0.3  # σ of ε
N_TRAIN = 20
DEGREES = tuple(range(0, 10))
GRID = np.linspace(0.0, 1.0, 101)


RESULT_SCHEMA = {
    "quick": "bool",
    "resamples": "int",
    "noise": "float",
    "table": [
        {
            "degree": "int",
            "train_error": "float",
            "test_error": "float",
            "bias2": "float",
            "variance": "float",
        }
    ],
}


def _truth(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x)


def _features(x: np.ndarray, degree: int) -> np.ndarray:
    from numpy.polynomial import legendre

    return legendre.legvander(2 * x - 1, degree)


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Fit every degree on `resamples` training sets; estimate bias², variance and errors."""
    resamples = 200 if quick else 1000
    rng = np.random.default_rng(seed)
    steps = Steps(len(DEGREES) * resamples, progress)
    # The same training sets for every degree, so the curves differ only by the model.
    xs = rng.random((resamples, N_TRAIN))
    ys = _truth(xs) + rng.normal(scale=NOISE, size=xs.shape)
    test_targets = _truth(GRID) + rng.normal(scale=NOISE, size=(resamples, GRID.size))
    table = []
    for degree in DEGREES:
        grid_features = _features(GRID, degree)
        predictions = np.empty((resamples, GRID.size))
        train_errors = np.empty(resamples)
        for r in range(resamples):
            design = _features(xs[r], degree)
            coef, *_ = np.linalg.lstsq(design, ys[r], rcond=None)
            train_errors[r] = np.mean((design @ coef - ys[r]) ** 2)
            predictions[r] = grid_features @ coef
            steps.advance()
        mean_prediction = predictions.mean(axis=0)
        table.append(
            {
                "degree": degree,
                "train_error": float(train_errors.mean()),
                "test_error": float(np.mean((predictions - test_targets) ** 2)),
                "bias2": float(np.mean((mean_prediction - _truth(GRID)) ** 2)),
                "variance": float(np.mean(predictions.var(axis=0))),
            }
        )
    return rounded({"quick": quick, "resamples": resamples, "noise": NOISE, "table": table}, 6)


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Training error non-increasing; test minimum strictly inside; decomposition within 10%."""
    table = result["table"]
    train = [row["train_error"] for row in table]
    test = [row["test_error"] for row in table]
    best = int(np.argmin(test))
    noise2 = result["noise"] ** 2
    worst = max(
        abs(row["test_error"] - (row["bias2"] + row["variance"] + noise2)) / row["test_error"]
        for row in table
    )
    return [
        Check(
            "training error never rises with the degree",
            bool(all(b <= a + 1e-9 for a, b in itertools.pairwise(train))),
            f"from {train[0]:.3f} to {train[-1]:.3f}",
            statement_ja="訓練誤差は次数とともに増えない",
            measured_ja=f"{train[0]:.3f} から {train[-1]:.3f} へ",
        ),
        Check(
            "test error is U-shaped: minimum at an intermediate degree, well below both ends",
            bool(0 < best < len(test) - 1 and test[best] < 0.5 * min(test[0], test[-1])),
            f"minimum {test[best]:.3f} at degree {table[best]['degree']}; "
            f"ends {test[0]:.3f}, {test[-1]:.3f}",
            statement_ja="テスト誤差は U 字形である: 中間の次数で最小になり、両端より十分小さい",
            measured_ja=(
                f"最小 {test[best]:.3f}（次数 {table[best]['degree']}）、"
                f"両端 {test[0]:.3f}, {test[-1]:.3f}"
            ),
        ),
        Check(
            "test error = bias² + variance + σ² within 10% at every degree",
            bool(worst < 0.1),
            f"largest relative gap {worst:.3f}",
            statement_ja="どの次数でもテスト誤差 = バイアス² + バリアンス + σ²（誤差 10% 以内）",
            measured_ja=f"相対差の最大 {worst:.3f}",
        ),
        Check(
            "bias² falls from degree 1 to the best degree; variance grows from there to the top",
            bool(
                table[best]["bias2"] < 0.5 * table[1]["bias2"]
                and table[-1]["variance"] > 2 * table[best]["variance"]
            ),
            f"bias² {table[1]['bias2']:.3f} → {table[best]['bias2']:.3f}, "
            f"variance {table[best]['variance']:.3f} → {table[-1]['variance']:.3f}",
            statement_ja=(
                "バイアス² は次数 1 から最良の次数まで減り、"
                "バリアンスはそこから最大の次数まで増える"
            ),
            measured_ja=(
                f"バイアス² {table[1]['bias2']:.3f} → {table[best]['bias2']:.3f}、"
                f"バリアンス {table[best]['variance']:.3f} → {table[-1]['variance']:.3f}"
            ),
        ),
    ]


WORDS = Words(
    {
        "en": {
            "header": ("degree", "train error", "test error", "bias²", "variance",
                       "bias²+var+σ²"),
            "train_error": "training error",
            "test_error": "test error",
            "bias2": "bias²",
            "variance": "variance",
            "title": "Bias–variance trade-off (polynomial regression)",
            "degree": "degree",
            "error": "mean squared error",
        },
        "ja": {
            "header": ("次数", "訓練誤差", "テスト誤差", "バイアス²", "バリアンス",
                       "バイアス²+バリアンス+σ²"),
            "train_error": "訓練誤差",
            "test_error": "テスト誤差",
            "bias2": "バイアス²",
            "variance": "バリアンス",
            "title": "バイアスとバリアンスのトレードオフ（多項式回帰）",
            "degree": "次数",
            "error": "平均二乗誤差",
        },
    }
)  # fmt: skip


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    header = WORDS.of(lang).row("header")
    noise2 = result["noise"] ** 2
    body = [
        (
            str(row["degree"]),
            f"{row['train_error']:.4f}",
            f"{row['test_error']:.4f}",
            f"{row['bias2']:.4f}",
            f"{row['variance']:.4f}",
            f"{row['bias2'] + row['variance'] + noise2:.4f}",
        )
        for row in result["table"]
    ]
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Errors and the decomposition against the degree (log scale)."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    table = result["table"]
    degrees = [row["degree"] for row in table]
    fig = figure()
    ax = fig.subplots()
    for key in ("train_error", "test_error", "bias2", "variance"):
        ax.semilogy(degrees, [max(row[key], 1e-6) for row in table], marker=".", label=w(key))
    ax.axhline(result["noise"] ** 2, color="grey", linestyle="--", linewidth=1, label="σ²")
    style(ax, w("title"), w("degree"), w("error"))
    ax.legend()
    return {"bias-variance": fig}
