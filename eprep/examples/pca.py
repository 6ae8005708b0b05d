"""pca: explained variance of the digits, and reconstructions from k principal components.

PCA is computed here from its definition — the eigenvectors of the sample covariance of the
centred 8 × 8 digits (`numpy.linalg.eigh`) — and compared with scikit-learn's `PCA` (an SVD of
the data). Projecting onto the first k eigenvectors and back leaves a mean squared
reconstruction error (summed over pixels, divided by n − 1) equal to the sum of the discarded
eigenvalues (Eckart–Young); that is measured for every k, and a few digits are redrawn from
k = 1, 2, 5, 10, 20 and 64 components.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "pca"
CLAIM = (
    "On the digits, k principal components leave a reconstruction error equal to the discarded "
    "eigenvalues, and 90% of the variance lies in at most 25 of the 64 dimensions."
)
# the claim on Japanese pages
CLAIM_JA = (
    "手書き数字で、k個の主成分による再構成誤差は捨てた固有値の和に等しく、分散の90"
    "%は64次元のうち高々25次元に収まる。"
)

SHOWN_K = (1, 2, 5, 10, 20, 64)
SHOWN_DIGITS = 4


RESULT_SCHEMA = {
    "quick": "bool",
    "n": "int",
    "ratios": ["float"],
    "sklearn_ratios": ["float"],
    "errors": ["float"],
    "discarded": ["float"],
    "components_for_90": "int",
    "originals": [["float"]],
    "reconstructions": {"*": [["float"]]},
}


def _digits() -> np.ndarray:
    from sklearn.datasets import load_digits

    return np.asarray(load_digits().data, dtype=np.float64)


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Eigen-decompose the covariance, reconstruct from every k, compare with scikit-learn."""
    from sklearn.decomposition import PCA

    x = _digits()
    if quick:  # a random half of the images: same shape of result, half the work
        x = x[np.random.default_rng(seed).permutation(len(x))[: len(x) // 2]]
    mean = x.mean(axis=0)
    centred = x - mean
    n = len(x)
    eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred / (n - 1))
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = np.clip(eigenvalues[order], 0.0, None), eigenvectors[:, order]
    ratios = eigenvalues / eigenvalues.sum()
    sklearn_ratios = PCA().fit(x).explained_variance_ratio_

    ks = list(range(0, x.shape[1] + 1))
    steps = Steps(len(ks), progress)
    errors, discarded = [], []
    shown = np.random.default_rng(seed).choice(n, SHOWN_DIGITS, replace=False)
    reconstructions = {}
    for k in ks:
        basis = eigenvectors[:, :k]
        rebuilt = centred @ basis @ basis.T
        errors.append(float(np.sum((centred - rebuilt) ** 2) / (n - 1)))
        discarded.append(float(eigenvalues[k:].sum()))
        if k in SHOWN_K:
            reconstructions[str(k)] = (rebuilt[shown] + mean).tolist()
        steps.advance()
    cumulative = np.cumsum(ratios)
    result = {
        "quick": quick,
        "n": n,
        "ratios": ratios.tolist(),
        "sklearn_ratios": sklearn_ratios.tolist(),
        "errors": errors,
        "discarded": discarded,
        "components_for_90": int(np.searchsorted(cumulative, 0.9) + 1),
        "originals": x[shown].tolist(),
        "reconstructions": reconstructions,
    }
    return rounded(result, 10)


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Errors = discarded eigenvalues; ratios = scikit-learn's; 90% within 25 components."""
    errors, discarded = np.array(result["errors"]), np.array(result["discarded"])
    scale = max(discarded[0], 1e-12)
    worst = float(np.max(np.abs(errors - discarded)) / scale)
    ratio_gap = float(np.max(np.abs(np.array(result["ratios"]) - result["sklearn_ratios"])))
    k90 = result["components_for_90"]
    return [
        Check(
            "reconstruction error from k components = sum of the discarded eigenvalues, every k",
            worst < 1e-6,
            f"max relative difference {worst:.1e}",
            statement_ja="どの k でも、k 個の主成分による再構成誤差 = 捨てた固有値の和",
            measured_ja=f"相対差の最大 {worst:.1e}",
        ),
        Check(
            "eigenvalue ratios of the covariance = scikit-learn's explained_variance_ratio_",
            ratio_gap < 1e-6,
            f"max |difference| {ratio_gap:.1e}",
            statement_ja="共分散行列の固有値の比 = scikit-learn の explained_variance_ratio_",
            measured_ja=f"|差| の最大 {ratio_gap:.1e}",
        ),
        Check(
            "90% of the variance lies in at most 25 of the 64 components",
            k90 <= 25,
            f"{k90} components",
            statement_ja="分散の 90% は 64 成分のうち 25 成分以内に収まる",
            measured_ja=f"{k90} 成分",
        ),
        Check(
            "the error falls to 0 with all 64 components",
            bool(errors[-1] < 1e-6 * scale),
            f"error with 64 components {errors[-1]:.1e}",
            statement_ja="64 成分すべてを使うと誤差は 0 になる",
            measured_ja=f"64 成分での誤差 {errors[-1]:.1e}",
        ),
    ]


WORDS = Words(
    {
        "en": {
            "header": ("k", "cumulative ratio", "reconstruction error", "discarded eigenvalues"),
            "title": "Digits: cumulative explained variance",
            "components": "components k",
            "ratio": "explained ratio",
            "original": "original",
        },
        "ja": {
            "header": ("k", "累積寄与率", "再構成誤差", "捨てた固有値の和"),
            "title": "手書き数字: 累積寄与率",
            "components": "主成分の数 k",
            "ratio": "累積寄与率",
            "original": "元の画像",
        },
    }
)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    header = WORDS.of(lang).row("header")
    cumulative = np.cumsum([0.0, *result["ratios"]])
    body = [
        (str(k), f"{cumulative[k]:.4f}", f"{result['errors'][k]:.3f}",
         f"{result['discarded'][k]:.3f}")
        for k in (0, *SHOWN_K)
    ]  # fmt: skip
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """The cumulative explained-variance curve, and digits rebuilt from k components."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    fig = figure()
    ax = fig.subplots()
    cumulative = np.cumsum([0.0, *result["ratios"]])
    ax.plot(range(len(cumulative)), cumulative, marker=".")
    ax.axhline(0.9, color="grey", linestyle="--", linewidth=1)
    ax.axvline(result["components_for_90"], color="grey", linestyle=":", linewidth=1)
    style(ax, w("title"), w("components"), w("ratio"))
    explained = fig

    rows_ = [result["originals"], *[result["reconstructions"][str(k)] for k in SHOWN_K]]
    labels = [w("original"), *[f"k = {k}" for k in SHOWN_K]]
    fig = figure(1.2 * len(rows_), 1.3 * SHOWN_DIGITS)
    axes = fig.subplots(SHOWN_DIGITS, len(rows_), squeeze=False)
    for col, (images, label) in enumerate(zip(rows_, labels, strict=True)):
        for row in range(SHOWN_DIGITS):
            ax = axes[row][col]
            ax.imshow(np.array(images[row]).reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(label, fontsize=8)
    return {"explained-variance": explained, "reconstructions": fig}
