"""Dropout: expectations and variances by `sympy.stats`, over a Bernoulli keep mask.

Each unit is kept with probability 1 - p (Srivastava et al. 2014, §4: r ~ Bernoulli(1 - p) in
the drop-ratio convention of DLFS §6.4.3, whose mask is `rand(...) > p`). Inverted dropout
scales the kept units at training time so that the expected output equals the input; classic
dropout leaves training alone and scales at test time so that the test output equals the
expected training output. The scales are solved from those conditions, not written down.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    RecordingRng,
    Rounded,
    arg,
    code_reference,
    exact,
    float_close,
    from_float,
    grid,
    reference,
)


def _keep(p: sympy.Expr):
    return stats.Bernoulli("keep", 1 - p)


def _inverted_scale(p: sympy.Expr) -> sympy.Expr:
    """The training-time scale s with E[keep * s * x] = x."""
    s, x = sympy.Symbol("s", positive=True), sympy.Symbol("x", positive=True)
    (scale,) = sympy.solve(sympy.Eq(stats.E(_keep(p) * s * x), x), s)
    return scale


def _test_scale(p: sympy.Expr, train_scale: sympy.Expr) -> sympy.Expr:
    """The test-time factor c with c x = E[training output] (the two must agree on average)."""
    c, x = sympy.Symbol("c", real=True), sympy.Symbol("x", positive=True)
    (factor,) = sympy.solve(sympy.Eq(c * x, stats.E(_keep(p) * train_scale * x)), c)
    return factor


@reference("inverted_dropout_scale")
def inverted_dropout_scale(p: Params, *, drop: str = "p") -> sympy.Expr:
    """The factor applied to kept units at training time by inverted dropout."""
    return _inverted_scale(p[drop])


@reference("classic_test_scale")
def classic_test_scale(p: Params, *, drop: str = "p") -> sympy.Expr:
    """Classic dropout's test-time factor (training output unscaled)."""
    return _test_scale(p[drop], sympy.S.One)


@reference("dropout_output_mean")
def dropout_output_mean(p: Params, *, x: str = "x", drop: str = "p") -> sympy.Expr:
    """E of the inverted-dropout training output for the input x."""
    q = p[drop]
    return sympy.simplify(stats.E(_keep(q) * _inverted_scale(q) * p[x]))


@reference("dropout_output_variance")
def dropout_output_variance(p: Params, *, x: str = "x", drop: str = "p") -> sympy.Expr:
    """Var of the inverted-dropout training output for the input x."""
    q = p[drop]
    return sympy.simplify(stats.variance(_keep(q) * _inverted_scale(q) * p[x]))


@reference("dropout_ratio_meaning")
def dropout_ratio_meaning(p: Params, *, drop: str = "p") -> Pick:
    """With the mask U > p, U ~ Uniform(0, 1): what probability is p?"""
    q = p[drop]
    u = stats.Uniform("U", 0, 1)
    dropped, kept = stats.P(u <= q), stats.P(u > q)
    return Pick(
        {
            "drop-probability": sympy.Eq(dropped, q),
            "keep-probability": sympy.Eq(kept, q),
            "scale": sympy.Eq(_test_scale(q, _inverted_scale(q)), q),
            "weights": sympy.false,  # the mask is drawn anew every step; nothing is removed
        }
    )


@reference("dropout_inference")
def dropout_inference(p: Params, *, drop: str = "p") -> Pick:
    """What inverted dropout does at test time: the factor c solved from c x = E[training]."""
    q = p[drop]
    factor = _test_scale(q, _inverted_scale(q))
    return Pick(
        {
            "identity": sympy.Eq(factor, 1),
            "scale-down": sympy.Eq(factor, 1 - q),
            "scale-up": sympy.Eq(factor, 1 / (1 - q)),
            "random-mask": sympy.false,  # c is a number: the test output is deterministic
        }
    )


@reference("randn_drop_fraction")
def randn_drop_fraction(p: Params, *, threshold: str = "p", digits: int = 4) -> Rounded:
    """P(Z <= threshold) for Z ~ N(0, 1): the units `randn(...) > threshold` drops."""
    z = stats.Normal("Z", 0, 1)
    return Rounded(stats.P(z <= arg(p, threshold)), digits)


def _run_layer(namespace, rng, ratio: float, backward: bool) -> dict:
    import numpy as np

    recorder = RecordingRng(rng)
    layer = namespace["DropoutLayer"](ratio, recorder)
    x = grid(rng, (4, 25))
    out = layer.forward(x, True)
    result = {"x": x.ravel().tolist(), "out": np.ravel(out).tolist()}
    if backward:
        dout = grid(rng, x.shape)
        result.update(dout=dout.ravel().tolist(), dx=np.ravel(layer.backward(dout)).tolist())
    return {**result, "u": recorder.uniform, "other": recorder.other, "ratio": ratio}


def _mask_problem(out) -> str | None:
    if out["other"] or len(out["u"]) != len(out["x"]):
        return (
            f"the mask is not one Uniform(0, 1) draw per unit ({len(out['u'])} uniform draws "
            f"for {len(out['x'])} units, {out['other']} other draws)"
        )
    return None


@code_reference("dropout_mask_code")
def dropout_mask_code(*, ratio: float = 0.3) -> CodeDefinition:
    """Each unit kept iff its U(0, 1) draw exceeds p, kept units scaled by the solved 1/(1-p)."""

    def check(out):
        problem = _mask_problem(out)
        if problem:
            return [problem]
        p = exact(out["ratio"])
        scale = _inverted_scale(p)
        for x, u, got in zip(out["x"], out["u"], out["out"], strict=True):
            want = from_float(x) * scale if from_float(u) > p else sympy.S.Zero
            if not float_close(got, want):
                return [f"x = {x} with draw {u:.4f} gives {got}, the definition {float(want):.12g}"]
        return []

    return CodeDefinition(lambda ns, rng: _run_layer(ns, rng, ratio, False), check)


@code_reference("dropout_backward_code")
def dropout_backward_code(*, ratio: float = 0.3) -> CodeDefinition:
    """backward(dout) = dout * d(out)/dx, out = x [u > p] / (1 - p) differentiated by x."""

    def check(out):
        problem = _mask_problem(out)
        if problem:
            return [problem]
        p = exact(out["ratio"])
        t = sympy.Symbol("t", real=True)
        scale = _inverted_scale(p)
        for u, dout, got in zip(out["u"], out["dout"], out["dx"], strict=True):
            kept = 1 if from_float(u) > p else 0
            want = from_float(dout) * sympy.diff(t * kept * scale, t)
            if not float_close(got, want):
                return [
                    f"dout = {dout} with draw {u:.4f}: dx = {got}, "
                    f"the definition {float(want):.12g}"
                ]
        return []

    return CodeDefinition(lambda ns, rng: _run_layer(ns, rng, ratio, True), check)


@reference("dropout_batch_mean")
def dropout_batch_mean(
    p: Params, *, x: str = "x", drop: str = "p", batch: str = "n", dropped: str = "k"
) -> sympy.Expr:
    """The batch mean of one unit's training outputs when the mask drops it in k of n samples."""
    n, k = p[batch], p[dropped]
    kept_output = p[x] * _inverted_scale(p[drop])  # a kept unit; a dropped one outputs 0
    i = sympy.Symbol("i", integer=True, positive=True)
    total = sympy.Sum(kept_output, (i, 1, n - k)).doit() + sympy.Sum(0, (i, 1, k)).doit()
    return total / n


@reference("dropout_subnetworks")
def dropout_subnetworks(p: Params, *, units: Sequence[str]) -> sympy.Expr:
    """Masks a training step can draw: each unit independently kept or dropped (2 states)."""
    total = sum(p[name] for name in units)
    states = len({True, False})  # kept, dropped
    return sympy.Integer(states) ** total


@reference("dropout_ensemble_mean")
def dropout_ensemble_mean(
    p: Params, *, weights: Sequence[str], inputs: Sequence[str]
) -> sympy.Expr:
    """The sub-networks' output sum_i w_i m_i x_i averaged with their probabilities (classic)."""
    drop = p["p"]
    masks = [stats.Bernoulli(f"keep{i}", 1 - drop) for i in range(len(inputs))]
    output = sum(p[w] * m * p[x] for w, m, x in zip(weights, masks, inputs, strict=True))
    return sympy.expand(stats.E(output))
