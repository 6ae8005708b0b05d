"""logistic-regression: gradient descent on the log-loss reaches scikit-learn's solution.

The model is P(y = 1 | x) = σ(wᵀx + b), trained on two iris species (versicolor against
virginica: not linearly separable, so the optimum is finite) with the L2-penalised mean log-loss
L(w, b) = mean(-[y ln p + (1 - y) ln(1 - p)]) + ||w||² / (2 C n), whose gradient is
Xᵀ(σ(Xw + b) − y) / n + w / (C n). That is exactly the objective scikit-learn's
`LogisticRegression(C=C)` minimises (it sums the log-loss and adds ||w||² / 2), so the engine's
optimizers, run from zero, must arrive at the coefficients of its L-BFGS solution.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "logistic-regression"
CLAIM = (
    "Gradient descent on the log-loss, with gradient Xᵀ(σ(Xw) − y)/n, reaches scikit-learn's "
    "LogisticRegression coefficients to within 1e-3."
)
# the claim on Japanese pages
CLAIM_JA = (
    "勾配 Xᵀ(σ(Xw) − y)/n による交差エントロピー誤差の勾配降下法は、"
    "scikit-learnのLogisticRegressionの係数に1e-3以"
    "内で一致する。"
)

C = 1.0  # scikit-learn's inverse regularisation strength
TOLERANCE = 1e-3
OPTIMIZERS = ("SGD", "Momentum", "Adam")
_LEARNING_RATES = {"SGD": 0.5, "Momentum": 0.1, "Adam": 0.01}


RESULT_SCHEMA = {
    "quick": "bool",
    "iterations": "int",
    "sklearn": {"w": ["float"], "b": "float", "loss": "float"},
    "runs": {
        "*": {
            "w": ["float"],
            "b": "float",
            "loss": "float",
            "max_difference": "float",
            "curve": ["float"],
        }
    },
}


def _data() -> tuple[np.ndarray, np.ndarray]:
    """Iris versicolor (0) against virginica (1), the four features standardised."""
    from sklearn.datasets import load_iris

    bunch = load_iris()
    keep = bunch.target > 0
    x = np.asarray(bunch.data[keep], dtype=np.float64)
    y = (bunch.target[keep] == 2).astype(np.float64)
    return (x - x.mean(axis=0)) / x.std(axis=0), y


def _loss_and_gradient(params: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """The penalised mean log-loss and its gradient Xᵀ(σ(Xw + b) − y)/n + w/(C n)."""
    n = len(y)
    z = x @ params["w"] + params["b"]
    p = 1.0 / (1.0 + np.exp(-z))
    # log(1 + e^z) - y z is the log-loss, written so that large |z| cannot overflow.
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z) + params["w"] @ params["w"] / (2 * C * n))
    grads = {"w": x.T @ (p - y) / n + params["w"] / (C * n), "b": np.array(np.mean(p - y))}
    return loss, grads


def _sklearn_solution(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(x, y)
    return model.coef_[0], float(model.intercept_[0])


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Run each engine optimizer full-batch from w = 0, b = 0; compare with scikit-learn."""
    from eprep import engine

    x, y = _data()
    coef, intercept = _sklearn_solution(x, y)
    iterations = 1500 if quick else 5000
    steps = Steps(len(OPTIMIZERS) * iterations, progress)
    rng = np.random.default_rng(seed)
    start = rng.normal(scale=0.01, size=x.shape[1])  # the seed only moves the starting point
    runs = {}
    for name in OPTIMIZERS:
        optimizer = getattr(engine, name)(lr=_LEARNING_RATES[name])
        params = {"w": start.copy(), "b": np.array(0.0)}
        curve = []
        for iteration in range(iterations):
            loss, grads = _loss_and_gradient(params, x, y)
            optimizer.update(params, grads)
            if iteration % 50 == 0:
                curve.append(loss)
            steps.advance()
        final, _ = _loss_and_gradient(params, x, y)
        difference = max(np.max(np.abs(params["w"] - coef)), abs(float(params["b"]) - intercept))
        runs[name] = {
            "w": params["w"].tolist(),
            "b": float(params["b"]),
            "loss": final,
            "max_difference": float(difference),
            "curve": curve,
        }
    optimum, _ = _loss_and_gradient({"w": coef, "b": np.array(intercept)}, x, y)
    result = {
        "quick": quick,
        "iterations": iterations,
        "sklearn": {"w": coef.tolist(), "b": intercept, "loss": optimum},
        "runs": runs,
    }
    return rounded(result, 10)


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Every optimizer within TOLERANCE of scikit-learn; none below the optimum's loss."""
    checks = []
    best = result["sklearn"]["loss"]
    for name, entry in result["runs"].items():
        checks.append(
            Check(
                f"{name}: coefficients within {TOLERANCE:g} of scikit-learn's",
                entry["max_difference"] < TOLERANCE,
                f"max |difference| = {entry['max_difference']:.2e}",
                statement_ja=f"{name}: 係数は scikit-learn の係数から {TOLERANCE:g} 以内",
                measured_ja=f"|差| の最大 = {entry['max_difference']:.2e}",
            )
        )
    lowest = min(entry["loss"] for entry in result["runs"].values())
    checks.append(
        Check(
            "no optimizer beats scikit-learn's optimum (it is the minimum of the same objective)",
            lowest >= best - 1e-9,
            f"lowest loss {lowest:.8f}, scikit-learn {best:.8f}",
            statement_ja=(
                "どの最適化手法も scikit-learn の最適解を下回らない（同じ目的関数の最小値である）"
            ),
            measured_ja=f"最小の損失 {lowest:.8f}、scikit-learn {best:.8f}",
        )
    )
    return checks


WORDS = Words(
    {
        "en": {
            "header": ("solver", "w", "b", "loss", "max |Δ| vs sklearn"),
            "title": "Logistic regression: loss above scikit-learn's optimum",
            "iteration": "iteration",
        },
        "ja": {
            "header": ("最適化手法", "w", "b", "損失", "sklearn との |Δ| の最大"),
            "title": "ロジスティック回帰: scikit-learn の最適解との損失の差",
            "iteration": "反復",
        },
    }
)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    header = WORDS.of(lang).row("header")
    sk = result["sklearn"]
    body = [("scikit-learn", " ".join(f"{v:.4f}" for v in sk["w"]), f"{sk['b']:.4f}",
             f"{sk['loss']:.6f}", "")]  # fmt: skip
    for name, entry in result["runs"].items():
        body.append(
            (
                name,
                " ".join(f"{v:.4f}" for v in entry["w"]),
                f"{entry['b']:.4f}",
                f"{entry['loss']:.6f}",
                f"{entry['max_difference']:.1e}",
            )
        )
    return [header, *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Loss minus the optimum (log scale) against iterations, one line per optimizer."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    fig = figure()
    ax = fig.subplots()
    best = result["sklearn"]["loss"]
    for name, entry in result["runs"].items():
        gap = np.maximum(np.array(entry["curve"]) - best, 1e-12)
        ax.semilogy(np.arange(len(gap)) * 50, gap, label=name)
    style(ax, w("title"), w("iteration"), "L − L*")
    ax.legend()
    return {"convergence": fig}
