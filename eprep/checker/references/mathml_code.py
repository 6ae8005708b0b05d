"""Code references for the math and ml listings: each definition evaluated exactly.

A driver runs the listing completed with the key on small data that floats hold exactly; the
check recomputes the definition with SymPy rationals: Lloyd's step as nearest centre and mean,
PCA as eigenvalues and unit eigenvectors of the exact covariance, least squares as the stationary
point of the summed squares, a gradient step with `sympy.diff` of the mean log-loss, precision and
recall as count ratios, entropy and KL as Shannon's and Kullback–Leibler's sums.
"""

from __future__ import annotations

from typing import Any

import sympy

from eprep.checker.references import CodeDefinition, code_reference, float_close, from_float


def _flat(values: Any) -> list[float]:
    import numpy as np

    return np.asarray(values, dtype=float).ravel().tolist()


def _mismatches(label: str, got: list[float], want: list[Any], rel: float = 1e-9) -> list[str]:
    if len(got) != len(want):
        return [f"{label} has {len(got)} entries, the definition {len(want)}"]
    return [
        f"{label}[{k}] = {g}, the definition {float(sympy.N(v, 20)):.12g}"
        for k, (g, v) in enumerate(zip(got, want, strict=True))
        if not float_close(g, v, rel=rel)
    ][:3]


def _rows(rows: list[list[float]]) -> list[list[sympy.Expr]]:
    return [[from_float(v) for v in row] for row in rows]


_POINTS = [[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 7], [10, 0], [9, 1]]
_CENTRES = [[1, 1], [4, 4], [8, 2]]


@code_reference("kmeans_step_code")
def kmeans_step_code() -> CodeDefinition:
    """Each point to its nearest centre (squared Euclidean), each centre to its points' mean."""

    def drive(namespace, rng):
        import numpy as np

        labels, new = namespace["kmeans_step"](
            np.array(_POINTS, dtype=float), np.array(_CENTRES, dtype=float)
        )
        return {"labels": _flat(labels), "new": _flat(new)}

    def check(outputs):
        points, centres = _rows(_POINTS), _rows(_CENTRES)
        labels = []
        for x in points:
            d = [sum((a - b) ** 2 for a, b in zip(x, c, strict=True)) for c in centres]
            nearest = [k for k, v in enumerate(d) if v == min(d)]
            assert len(nearest) == 1, "the driver's data has a tie"
            labels.append(nearest[0])
        new = []
        for k in range(len(centres)):
            members = [x for x, label in zip(points, labels, strict=True) if label == k]
            new += [sum(column) / len(members) for column in zip(*members, strict=True)]
        return _mismatches("labels", outputs["labels"], labels) + _mismatches(
            "new centres", outputs["new"], new
        )

    return CodeDefinition(drive, check)


_PCA_DATA = [[2, 1], [0, 0], [3, 3], [1, 0], [4, 2]]


@code_reference("pca_code")
def pca_code() -> CodeDefinition:
    """Covariance (1/(n-1)) Xcᵀ Xc; component 1 is its top unit eigenvector; ratios λ_i / Σλ."""

    def drive(namespace, rng):
        import numpy as np

        projected, ratios = namespace["pca"](np.array(_PCA_DATA, dtype=float), 1)
        return {"projected": _flat(projected), "ratios": _flat(ratios)}

    def check(outputs):
        x = sympy.Matrix(_rows(_PCA_DATA))
        n = x.rows
        mean = sympy.Matrix([[sum(x[:, j]) / n for j in range(x.cols)]])
        centred = x - sympy.ones(n, 1) * mean
        cov = centred.T * centred / (n - 1)
        pairs = sorted(
            ((value, vectors[0]) for value, _, vectors in cov.eigenvects()),
            key=lambda pair: -float(pair[0]),
        )
        values = [value for value, _ in pairs]
        top = pairs[0][1] / pairs[0][1].norm()
        # The sign of an eigenvector is arbitrary: compare the projection's magnitudes.
        projected = [abs(v) for v in (centred * top)]
        got = [abs(v) for v in outputs["projected"]]
        ratios = [v / sum(values) for v in values]
        return _mismatches("|projection|", got, projected) + _mismatches(
            "ratios", outputs["ratios"], ratios
        )

    return CodeDefinition(drive, check)


_LS_X = [[1, 0], [0, 1], [2, 1], [1, 3], [3, 2]]
_LS_Y = [1, 2, 2, 5, 4]


@code_reference("normal_equation_code")
def normal_equation_code() -> CodeDefinition:
    """argmin over (b, w) of Σ (y_i - b - w·x_i)²: where every partial derivative is 0."""

    def drive(namespace, rng):
        import numpy as np

        theta = namespace["fit"](np.array(_LS_X, dtype=float), np.array(_LS_Y, dtype=float))
        return {"theta": _flat(theta)}

    def check(outputs):
        b, w1, w2 = sympy.symbols("b w1 w2", real=True)
        loss = sum(
            (y - b - w1 * x1 - w2 * x2) ** 2
            for (x1, x2), y in zip(_rows(_LS_X), [sympy.Integer(v) for v in _LS_Y], strict=True)
        )
        solution = sympy.solve([sympy.diff(loss, v) for v in (b, w1, w2)], [b, w1, w2])
        return _mismatches("theta", outputs["theta"], [solution[v] for v in (b, w1, w2)])

    return CodeDefinition(drive, check)


_LR_X = [[1, 2], [-1, 1], [2, -1], [0, 1]]
_LR_Y = [1, 0, 1, 0]
_LR_W = [[1, 2], [-1, 4]]  # w = (1/2, -1/4) as (numerator, denominator) pairs


@code_reference("logistic_step_code")
def logistic_step_code() -> CodeDefinition:
    """w - lr ∇ of the mean of -[y log σ(x·w) + (1 - y) log(1 - σ(x·w))], by `sympy.diff`."""

    def drive(namespace, rng):
        import numpy as np

        w = np.array([a / b for a, b in _LR_W])
        new = namespace["step"](w, np.array(_LR_X, dtype=float), np.array(_LR_Y, dtype=float), 0.5)
        return {"new": _flat(new)}

    def check(outputs):
        ws = sympy.symbols("w1 w2", real=True)
        loss = 0
        for x, y in zip(_LR_X, _LR_Y, strict=True):
            prob = 1 / (1 + sympy.exp(-(x[0] * ws[0] + x[1] * ws[1])))
            loss += -(y * sympy.log(prob) + (1 - y) * sympy.log(1 - prob))
        loss /= len(_LR_Y)
        at = {v: sympy.Rational(a, b) for v, (a, b) in zip(ws, _LR_W, strict=True)}
        want = [at[v] - sympy.Rational(1, 2) * sympy.diff(loss, v).subs(at) for v in ws]
        return _mismatches("the updated w", outputs["new"], want)

    return CodeDefinition(drive, check)


_TRUE = [1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]
_PRED = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0]


@code_reference("precision_recall_code")
def precision_recall_code() -> CodeDefinition:
    """Precision TP/(TP + FP) and recall TP/(TP + FN), counting the pairs (Powers 2011)."""

    def drive(namespace, rng):
        import numpy as np

        got = namespace["precision_recall"](np.array(_TRUE), np.array(_PRED))
        return {"got": _flat(got)}

    def check(outputs):
        pairs = list(zip(_TRUE, _PRED, strict=True))
        tp, fp, fn = pairs.count((1, 1)), pairs.count((0, 1)), pairs.count((1, 0))
        want = [sympy.Rational(tp, tp + fp), sympy.Rational(tp, tp + fn)]
        return _mismatches("(precision, recall)", outputs["got"], want)

    return CodeDefinition(drive, check)


_P = [0, 1, 3, 4]  # eighths
_Q = [1, 2, 1, 4]


@code_reference("entropy_kl_code")
def entropy_kl_code() -> CodeDefinition:
    """H(p) = -Σ p log p and KL(p‖q) = Σ p log(p/q) in nats, terms with p = 0 contributing 0."""

    def drive(namespace, rng):
        import numpy as np

        p, q = np.array(_P) / 8, np.array(_Q) / 8
        return {"h": float(namespace["entropy"](p.copy())), "kl": float(namespace["kl"](p, q))}

    def check(outputs):
        p = [sympy.Rational(v, 8) for v in _P]
        q = [sympy.Rational(v, 8) for v in _Q]
        h = -sum(v * sympy.log(v) for v in p if v != 0)
        kl = sum(a * sympy.log(a / b) for a, b in zip(p, q, strict=True) if a != 0)
        return _mismatches("entropy", [outputs["h"]], [h]) + _mismatches(
            "KL", [outputs["kl"]], [kl]
        )

    return CodeDefinition(drive, check)
