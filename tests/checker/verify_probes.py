"""Probes for the verification tests' tiny banks (loaded through EPREP_PROBE_FILES).

They compute the truth independently of eprep's engine and checker: a conv output height by
counting window positions, derivatives by central differences of formulas written here.
"""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import Samples, Value, code_probe, probe


@probe("test_conv_height")
def conv_height(variant, rng) -> Value:
    """Count the positions a filter of height F takes over the padded input with stride S."""
    padded = int(variant["H"]) + 2 * int(variant["P"])
    positions = len(range(0, padded - int(variant["F"]) + 1, int(variant["S"])))
    return Value(float(positions))


def _central_difference(f, xs: np.ndarray, h: float = 1e-5) -> np.ndarray:
    return (f(xs + h) - f(xs - h)) / (2 * h)


@probe("test_sigmoid_grad")
def sigmoid_grad(variant, rng) -> Samples:
    xs = rng.uniform(-4, 4, size=12)
    grads = _central_difference(lambda x: 1 / (1 + np.exp(-x)), xs)
    return Samples(
        [{"x": float(x)} for x in xs], [float(g) for g in grads], rel_tol=1e-6, abs_tol=1e-9
    )


@probe("test_power_grad")
def power_grad(variant, rng) -> Samples:
    a = int(variant["a"])
    xs = rng.uniform(0.5, 3, size=12)
    grads = _central_difference(lambda x: x**a, xs)
    return Samples(
        [{"x": float(x)} for x in xs], [float(g) for g in grads], rel_tol=1e-6, abs_tol=1e-9
    )


@code_probe("test_relu_forward")
def relu_forward(namespace, variant, rng) -> None:
    x = rng.normal(size=(6, 5))
    kept = x.copy()
    out = namespace["relu_forward"](x)
    assert np.array_equal(x, kept), "the input was modified"
    assert np.shape(out) == x.shape, f"shape {np.shape(out)} instead of {x.shape}"
    assert np.allclose(out, np.where(x > 0, x, 0.0)), "values differ from max(0, x)"


@probe("test_kills_its_worker")
def kills_its_worker(variant, rng) -> Value:
    """A probe gone wrong: it takes down the process it runs in."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
    return Value(0.0)


@probe("test_memory_hog")
def memory_hog(variant, rng) -> Value:
    """A probe gone wrong: 16 GB of address space (never touched, so harmless if it were given)."""
    block = np.empty(2**31)
    return Value(float(block.size))


# --- reference definitions for the same tiny banks (written from the concepts) -----------------

import sympy  # noqa: E402

from eprep.checker.references import (  # noqa: E402
    CodeDefinition,
    code_reference,
    float_close,
    from_float,
    reference,
)


@reference("test_window_count")
def window_count(p) -> sympy.Expr:
    """Positions i >= 0 with i*S + F <= H + 2P: counted when numbers, floor(...) + 1 otherwise."""
    span = p["H"] + 2 * p["P"] - p["F"]
    if all(isinstance(p[n], sympy.Integer) for n in ("H", "P", "F", "S")):
        return sympy.Integer(sum(1 for i in range(int(span) + 1) if i * int(p["S"]) <= span))
    return sympy.floor(span / p["S"]) + 1


@reference("test_logistic_slope")
def logistic_slope(p) -> sympy.Expr:
    t = sympy.Symbol("t", real=True)
    return sympy.diff(1 / (1 + sympy.exp(-t)), t).subs(t, p["x"])


@reference("test_power_slope")
def power_slope(p) -> sympy.Expr:
    t = sympy.Symbol("t", positive=True)
    return sympy.diff(t ** p["a"], t).subs(t, p["x"])


@code_reference("test_relu_code")
def relu_code() -> CodeDefinition:
    def drive(namespace, rng):
        xs = [-2.5, -0.25, 0.0, 0.75, 3.0]
        return {"x": xs, "y": [float(v) for v in namespace["relu_forward"](np.array(xs))]}

    def check(out):
        return [
            f"relu({x}) = {y}"
            for x, y in zip(out["x"], out["y"], strict=True)
            if not float_close(y, sympy.Max(0, from_float(x)))
        ]

    return CodeDefinition(drive, check)
