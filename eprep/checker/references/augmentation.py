"""Data augmentation, label smoothing and mixup, from their definitions.

Random crops: one input per window position (counted as positions, `cnn.positions`) and per
orientation (a horizontal flip doubles them; Krizhevsky et al. 2012, §4.1). Label smoothing
(Szegedy et al. 2016, §7): the target is the mixture q' = (1 - eps) delta_y + eps u of the one-hot
label and the uniform distribution u over K classes, taken as an expectation with `sympy.stats`.
Mixup (Zhang et al. 2018, eq. 1): x~ = lam x_i + (1 - lam) x_j, y~ = lam y_i + (1 - lam) y_j;
the loss is the cross-entropy of softmax(z) against the target distribution.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    float_close,
    from_float,
    grid,
    reference,
)
from eprep.checker.references.cnn import positions


@reference("crop_flip_count")
def crop_flip_count(p: Params, *, flips: int = 2) -> sympy.Expr:
    """Distinct inputs from c x c crops of an H x W image, each also mirrored."""
    return positions(p["H"], p["c"]) * positions(p["W"], p["c"]) * flips


def _smoothed(eps: sympy.Expr, classes: sympy.Expr, true: bool) -> sympy.Expr:
    """q'(k): with probability eps the label is replaced by a uniform one (Szegedy et al.)."""
    replaced = stats.Bernoulli("replaced", eps)
    uniform_mass = sympy.S.One / classes
    kept_mass = sympy.S.One if true else sympy.S.Zero
    return sympy.simplify(stats.E(replaced * uniform_mass + (1 - replaced) * kept_mass))


@reference("smoothed_target")
def smoothed_target(p: Params, *, true: bool = False) -> sympy.Expr:
    """The smoothed target of the true class (`true`) or of any other class."""
    return _smoothed(p["eps"], p["K"], true)


def _log_softmax(logits: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    total = sum(sympy.exp(z) for z in logits)
    return [sympy.log(sympy.exp(z) / total) for z in logits]


@reference("smoothed_cross_entropy")
def smoothed_cross_entropy(p: Params, *, logits: Sequence[str]) -> sympy.Expr:
    """-sum_k q'(k) log softmax(z)_k, the first logit's class being the true one."""
    z = [p[name] for name in logits]
    classes = sympy.Integer(len(z))
    q = [_smoothed(p["eps"], classes, k == 0) for k in range(len(z))]
    return -sum(qk * lk for qk, lk in zip(q, _log_softmax(z), strict=True))


@reference("mixup_cross_entropy")
def mixup_cross_entropy(p: Params, *, logits: Sequence[str]) -> sympy.Expr:
    """Cross-entropy of softmax(z) against the mixed label lam e_1 + (1 - lam) e_2."""
    z = [p[name] for name in logits]
    lam = p["lam"]
    target = [lam, 1 - lam] + [sympy.S.Zero] * (len(z) - 2)
    return -sum(t * lk for t, lk in zip(target, _log_softmax(z), strict=True))


@code_reference("mixup_code")
def mixup_code() -> CodeDefinition:
    """mixup(x, t, lam, index) must return lam x + (1 - lam) x[index] and the same for t."""
    index = [2, 0, 3, 1]

    def drive(namespace, rng):
        import numpy as np

        x = grid(rng, (4, 3))
        t = np.eye(3)[[0, 2, 1, 2]]
        x_mix, t_mix = namespace["mixup"](x, t, 0.25, np.array(index))
        return {
            "x": x.tolist(),
            "t": t.tolist(),
            "x_mix": np.asarray(x_mix, dtype=float).tolist(),
            "t_mix": np.asarray(t_mix, dtype=float).tolist(),
        }

    def check(outputs):
        lam = sympy.Rational(1, 4)
        for name, source in (("x_mix", "x"), ("t_mix", "t")):
            rows, got = outputs[source], outputs[name]
            if len(got) != len(rows) or any(
                len(g) != len(r) for g, r in zip(got, rows, strict=False)
            ):
                return [f"{name} does not have the shape of {source}"]
            for i, row in enumerate(rows):
                for k, value in enumerate(row):
                    want = lam * from_float(value) + (1 - lam) * from_float(rows[index[i]][k])
                    if not float_close(got[i][k], want):
                        return [f"{name}[{i}][{k}] = {got[i][k]}, the definition gives "
                                f"{float(want):.12g}"]  # fmt: skip
        return []

    return CodeDefinition(drive, check)


@reference("smoothed_ce_gradient")
def smoothed_ce_gradient(p: Params, *, logits: Sequence[str]) -> sympy.Expr:
    """d/dz_1 of the smoothed cross-entropy (first class true), by differentiating it."""
    z = [sympy.Dummy(name, real=True) for name in logits]
    loss = smoothed_cross_entropy({**p, **dict(zip(logits, z, strict=True))}, logits=logits)
    gradient = sympy.diff(loss, z[0])
    return gradient.subs({s: p[name] for s, name in zip(z, logits, strict=True)})


@reference("smoothed_logit_gap")
def smoothed_logit_gap(p: Params) -> sympy.Expr:
    """z_true - z_other where the smoothed loss is smallest (the K - 1 others equal: symmetry)."""
    classes, eps = p["K"], p["eps"]
    gap = sympy.Symbol("d", real=True)
    # logits (d, 0, ..., 0): softmax gives e^d / (e^d + K - 1) to the true class
    total = sympy.exp(gap) + classes - 1
    true_term = _smoothed(eps, classes, True) * sympy.log(sympy.exp(gap) / total)
    other_terms = (classes - 1) * _smoothed(eps, classes, False) * sympy.log(1 / total)
    (best,) = sympy.solve(sympy.diff(-(true_term + other_terms), gap), gap)
    return best
