"""Metric and self-supervised learning losses from their primary definitions.

Distances are Euclidean norms of difference vectors built component by component; the triplet
loss is the hinge max(0, d(a, p) - d(a, n) + m) (Schroff et al. 2015, eq. 1), the contrastive
loss Hadsell et al. 2006, eq. 4, and InfoNCE the categorical cross-entropy of the positive under
probabilities proportional to exp(s / tau) (van den Oord et al. 2018, eq. 4), differentiated by
`sympy.diff`.
"""

from __future__ import annotations

import sympy

from eprep.checker.references import (
    CodeDefinition,
    NeedsValues,
    Params,
    code_reference,
    exact,
    float_close,
    from_float,
    is_number,
    reference,
)


def _distance(u, v) -> sympy.Expr:
    """Euclidean distance: the square root of the summed squared component differences."""
    return sympy.sqrt(sum((a - b) ** 2 for a, b in zip(u, v, strict=True)))


def _nce(similarities, temperature, positive: int = 0) -> sympy.Expr:
    """-log of the positive's probability when p_j is proportional to exp(s_j / tau)."""
    weights = [sympy.exp(s / temperature) for s in similarities]
    return -sympy.log(weights[positive] / sum(weights))


@reference("triplet_loss")
def triplet_loss(p: Params) -> sympy.Expr:
    origin = (0, 0)
    d_pos = _distance(origin, (p["p1"], p["p2"]))
    d_neg = _distance(origin, (p["n1"], p["n2"]))
    return sympy.Max(0, d_pos - d_neg + p["m"])


@reference("contrastive_loss")
def contrastive_loss(p: Params) -> sympy.Expr:
    """Hadsell et al.'s loss of a dissimilar pair (their Y = 1; y = 0 in the question)."""
    d = _distance((0, 0), (p["u1"], p["u2"]))
    dissimilar = 1
    return (1 - dissimilar) * d**2 / 2 + dissimilar * sympy.Max(0, p["m"] - d) ** 2 / 2


@reference("info_nce")
def info_nce(p: Params) -> sympy.Expr:
    return _nce([p["sp"], p["s1"], p["s2"]], p["tau"])


@reference("info_nce_gradient")
def info_nce_gradient(p: Params) -> sympy.Expr:
    s = sympy.Symbol("s", real=True)
    loss = _nce([s, p["s1"], p["s2"]], p["tau"])
    return sympy.diff(loss, s).subs(s, p["sp"])


# ---------------------------------------------------------------- code definitions


@code_reference("triplet_code")
def triplet_code(*, margin: str = "1.5") -> CodeDefinition:
    """The batch mean of the hinge over exact Euclidean distances, row by row."""

    def drive(namespace, rng):
        a, p, n = (rng.integers(-6, 7, size=(5, 3)) / 4.0 for _ in range(3))
        loss = namespace["triplet_loss"](a, p, n, float(margin))
        return {"a": a.tolist(), "p": p.tolist(), "n": n.tolist(), "loss": float(loss)}

    def check(out):
        m = from_float(float(margin))
        rows = [
            [[from_float(v) for v in out[name][i]] for name in ("a", "p", "n")]
            for i in range(len(out["a"]))
        ]
        hinges = [sympy.Max(0, _distance(a, p) - _distance(a, n) + m) for a, p, n in rows]
        want = sum(hinges) / len(hinges)
        if not float_close(out["loss"], want):
            return [f"the loss is {out['loss']}, the definition gives {float(want):.12g}"]
        return []

    return CodeDefinition(drive, check)


@code_reference("info_nce_code")
def info_nce_code(*, tau: str = "0.5") -> CodeDefinition:
    """The mean over queries of -log p(positive), p proportional to exp(q . k_j / tau)."""

    def drive(namespace, rng):
        q, k = rng.integers(-4, 5, size=(4, 3)) / 4.0, rng.integers(-4, 5, size=(4, 3)) / 4.0
        return {
            "q": q.tolist(),
            "k": k.tolist(),
            "loss": float(namespace["info_nce"](q, k, float(tau))),
        }

    def check(out):
        t = from_float(float(tau))
        q = [[from_float(v) for v in row] for row in out["q"]]
        k = [[from_float(v) for v in row] for row in out["k"]]
        dot = [[sum(a * b for a, b in zip(qi, kj, strict=True)) for kj in k] for qi in q]
        want = sum(_nce(dot[i], t, positive=i) for i in range(len(q))) / len(q)
        if not float_close(out["loss"], want):
            return [f"the loss is {out['loss']}, the definition gives {float(want):.12g}"]
        return []

    return CodeDefinition(drive, check)


@reference("pseudo_label_loss")
def pseudo_label_loss(p: Params, *, threshold: str = "0.95") -> sympy.Expr:
    """Sohn et al. 2020, eq. 4: the mean over all unlabelled images of 1(confidence >= tau)
    times -log of the strong view's probability of the pseudo-label."""
    tau = exact(threshold)
    confidences = [p["c1"], p["c2"], p["c3"]]
    if not all(is_number(c) for c in confidences):
        raise NeedsValues
    terms = [
        (1 if c >= tau else 0) * -sympy.log(q)
        for c, q in zip(confidences, [p["q1"], p["q2"], p["q3"]], strict=True)
    ]
    return sum(terms) / len(terms)
