"""Lightweight models from their primary definitions: soft targets, distillation, quantisation.

Soft targets are the Boltzmann distribution of the logits at temperature T (Hinton, Vinyals &
Dean 2015, §2), the soft term T^2 times the KL divergence sum_i p_t,i log(p_t,i / p_s,i), its
gradient `sympy.diff` of that sum. Quantisation (Jacob et al. 2018, §2.1) is the affine map of
the real range onto the integer grid with rounding to the nearest integer, written as
floor(x + 1/2) after the linear map is solved from its end points. Magnitude pruning (Han et
al. 2015, §3) removes the weights below a threshold on |w|.
"""

from __future__ import annotations

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    float_close,
    from_float,
    reference,
)


def _boltzmann(logits, temperature) -> list[sympy.Expr]:
    """Probabilities proportional to exp(z / T), normalised to sum to one."""
    weights = [sympy.exp(z / temperature) for z in logits]
    total = sum(weights)
    return [w / total for w in weights]


def _kl(p, q) -> sympy.Expr:
    """KL(p || q) = sum_i p_i log(p_i / q_i)."""
    return sum(pi * sympy.log(pi / qi) for pi, qi in zip(p, q, strict=True))


def _round(x) -> sympy.Expr:
    """The nearest integer (halves up; the questions avoid them)."""
    return sympy.floor(x + sympy.Rational(1, 2))


@reference("softmax_temperature")
def softmax_temperature(p: Params) -> sympy.Expr:
    """The soft target of class 1: Boltzmann weight of z1 at temperature T."""
    return _boltzmann([p["z1"], p["z2"], p["z3"]], p["T"])[0]


@reference("distillation_soft_gradient")
def distillation_soft_gradient(p: Params) -> sympy.Expr:
    """d/dz_s1 of T^2 KL(teacher || student) at temperature T, by sympy.diff."""
    a, b = sympy.symbols("zs1 zs2", real=True)
    student = _boltzmann([a, b], p["T"])
    teacher = _boltzmann([p["t1"], p["t2"]], p["T"])
    loss = p["T"] ** 2 * _kl(teacher, student)
    return sympy.simplify(sympy.diff(loss, a).subs({a: p["s1"], b: p["s2"]}))


def _affine_map(lo, hi, levels: int = 255):
    """The linear map sending lo to 0 and hi to `levels`, solved from its two end points."""
    k, c, w = sympy.symbols("k c w", real=True)
    solution = sympy.solve([k * lo + c, k * hi + c - levels], [k, c], dict=True)[0]
    return sympy.Lambda(w, solution[k] * w + solution[c])


@reference("zero_point")
def zero_point(p: Params) -> sympy.Expr:
    """The integer the real 0 maps to when [-a, b] is mapped onto [0, 255]."""
    return _round(_affine_map(-p["a"], p["b"])(0))


@reference("symmetric_quantise")
def symmetric_quantise(p: Params) -> sympy.Expr:
    """Map [-m, m] linearly onto [-127, 127] and round w's image."""
    return _round(_affine_map(-p["m"], p["m"], 254)(p["w"]) - 127)


# ---------------------------------------------------------------- code definitions


def _shaped(value, shape) -> bool:
    import numpy as np

    return list(np.shape(value)) == list(shape)


@code_reference("prune_code")
def prune_code(*, sparsity: str = "0.25") -> CodeDefinition:
    """Exactly round(s n) weights zeroed, none of them larger in |w| than a kept one."""

    def drive(namespace, rng):
        import numpy as np

        cases = []
        for shape, s in (((3, 4), float(sparsity)), ((4, 5), 0.5)):
            W = rng.permutation(np.arange(1, np.prod(shape) + 1)).reshape(shape) / 8.0
            W = W * rng.choice([-1.0, 1.0], size=shape)
            out = namespace["magnitude_prune"](W.copy(), s)
            cases.append({"W": W.tolist(), "s": s, "out": np.asarray(out, dtype=float).tolist()})
        return {"cases": cases}

    def check(out):
        import numpy as np

        for case in out["cases"]:
            W, got = np.array(case["W"]), np.array(case["out"], dtype=float)
            if not _shaped(got, W.shape):
                return [f"the result has shape {list(got.shape)}, not {list(W.shape)}"]
            removed = int(sympy.floor(from_float(case["s"]) * W.size + sympy.Rational(1, 2)))
            zeroed = got == 0
            if int(zeroed.sum()) != removed:
                return [f"{int(zeroed.sum())} weights zeroed, the definition removes {removed}"]
            if not np.array_equal(got[~zeroed], W[~zeroed]):
                return ["a kept weight was changed"]
            if zeroed.any() and np.abs(W[zeroed]).max() > np.abs(W[~zeroed]).min():
                return ["a pruned weight is larger in |w| than a kept one"]
        return []

    return CodeDefinition(drive, check)


@code_reference("distillation_code")
def distillation_code(*, temperature: str = "3", alpha: str = "0.7") -> CodeDefinition:
    """The loss alpha T^2 KL + (1 - alpha) CE and its sympy.diff in every student logit."""

    def drive(namespace, rng):
        import numpy as np

        zs = rng.integers(-6, 7, size=(2, 3)) / 4.0
        zt = rng.integers(-6, 7, size=(2, 3)) / 4.0
        labels = np.array([2, 0])
        loss, dzs = namespace["distill"](zs, zt, labels, float(temperature), float(alpha))
        return {
            "zs": zs.tolist(),
            "zt": zt.tolist(),
            "labels": labels.tolist(),
            "loss": float(loss),
            "dzs": np.asarray(dzs, dtype=float).tolist(),
        }

    def check(out):
        T, a = from_float(float(temperature)), from_float(float(alpha))
        rows = len(out["zs"])
        zs = [[sympy.Symbol(f"z_{i}_{j}", real=True) for j in range(3)] for i in range(rows)]
        total = sympy.S.Zero
        for i in range(rows):
            teacher = _boltzmann([from_float(v) for v in out["zt"][i]], T)
            student = _boltzmann(zs[i], T)
            hard = _boltzmann(zs[i], 1)
            total += a * T**2 * _kl(teacher, student) - (1 - a) * sympy.log(hard[out["labels"][i]])
        loss = total / rows
        values = {zs[i][j]: from_float(out["zs"][i][j]) for i in range(rows) for j in range(3)}
        if not float_close(out["loss"], loss.subs(values)):
            return [f"loss = {out['loss']}, the definition gives {float(loss.subs(values)):.12g}"]
        for i in range(rows):
            for j in range(3):
                want = sympy.diff(loss, zs[i][j]).subs(values)
                if not float_close(out["dzs"][i][j], want, rel=1e-8, abs_=1e-10):
                    return [
                        f"dzs[{i}, {j}] = {out['dzs'][i][j]}, d loss/dz gives {float(want):.12g}"
                    ]
        return []

    return CodeDefinition(drive, check)


@code_reference("quantize_code")
def quantize_code() -> CodeDefinition:
    """r = S (q - Z) (Jacob et al. §2.1): S one step of the map of [min(w,0), max(w,0)] onto
    [0, 255], Z the nearest integer to the image of 0, q = round(w / S) + Z clamped."""

    def drive(namespace, rng):
        import numpy as np

        cases = []
        for lo, hi in ((-1.3, 2.1), (-0.4, 0.9), (0.2, 1.7)):
            W = rng.uniform(lo, hi, size=(3, 4))
            q, scale, zero = namespace["quantize"](W.copy())
            back = namespace["dequantize"](np.asarray(q), scale, zero)
            cases.append(
                {
                    "W": W.tolist(),
                    "q": np.asarray(q).tolist(),
                    "back": np.asarray(back, dtype=float).tolist(),
                }
            )
        return {"cases": cases}

    def check(out):
        w_ = sympy.Symbol("w", real=True)
        for case in out["cases"]:
            flat = [from_float(v) for row in case["W"] for v in row]
            forward = _affine_map(min(min(flat), 0), max(max(flat), 0))
            step = 1 / sympy.diff(forward(w_), w_)  # the real value of one integer step
            zero = _round(forward(0))  # the integer that stands for the real 0
            qs = [v for row in case["q"] for v in row]
            backs = [v for row in case["back"] for v in row]
            if len(qs) != len(flat) or len(backs) != len(flat):
                return ["the results do not have the shape of W"]
            for w, got_q, got_back in zip(flat, qs, backs, strict=True):
                want_q = min(max(_round(w / step) + zero, 0), 255)
                if got_q != want_q:
                    return [f"w = {float(w):.6g} gives q = {got_q}, the definition {want_q}"]
                want_back = (want_q - zero) * step
                if not float_close(got_back, want_back):
                    return [f"q = {got_q} dequantises to {got_back}, not {float(want_back):.12g}"]
        return []

    return CodeDefinition(drive, check)
