"""WaveNet (van den Oord et al. 2016, §2.1–2.3): dilated causal stacks and gated residual layers.

Definitions: the receptive field of a stack is the set of input offsets one output depends on,
built layer by layer (a causal layer with kernel K and dilation d makes offset s depend on
s, s - d, ..., s - d (K - 1)), its size the span of that set; the duration is that many samples
at the sampling rate; a gated layer is z = tanh(W_f * x) ⊙ σ(W_g * x) added to its input
(§2.3, §2.4), written here as sums over taps.
"""

from __future__ import annotations

import math

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    float_close,
    reference,
)
from eprep.checker.references.conv_family import dilated_stack_field


@reference("wavenet_duration")
def wavenet_duration(p: Params) -> sympy.Expr:
    """Receptive field (samples) of B stacks of dilations 1 .. 2^(L-1), over fk samples per ms."""
    return dilated_stack_field(p) / p["fk"]


def _dependency_span(kernel: int, dilations: list[int]) -> int:
    """Offsets the last output depends on, grown one layer at a time from {0}; their span."""
    offsets = {0}
    for d in dilations:
        offsets = {s - j * d for s in offsets for j in range(kernel)}
    return max(offsets) - min(offsets) + 1


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


@code_reference("wavenet_stack_code")
def wavenet_stack_code(*, layers_per_stack: int = 3, stacks: int = 2) -> CodeDefinition:
    """h_{i+1}[t] = h_i[t] + tanh(sum_j f_ij h_i[t - d_i (K-1-j)]) * sigmoid(sum_j g_ij ...),
    d_i = 2^(i mod layers_per_stack), taps before t = 0 reading zero; field as a dependency span."""
    kernel, length = 3, 12

    def drive(namespace, rng):
        import numpy as np

        count = layers_per_stack * stacks
        filters = [rng.integers(-2, 3, size=(1, 1, kernel)) / 4 for _ in range(count)]
        gates = [rng.integers(-2, 3, size=(1, 1, kernel)) / 4 for _ in range(count)]
        x = rng.integers(-3, 4, size=(2, 1, length)) / 2
        h, field = namespace["wavenet_stack"](x, filters, gates, layers_per_stack)
        return {
            "filters": [w.ravel().tolist() for w in filters],
            "gates": [w.ravel().tolist() for w in gates],
            "x": x[:, 0].tolist(),
            "h": np.asarray(h)[:, 0].tolist(),
            "field": int(field),
        }

    def check(out):
        dilations = [2 ** (i % layers_per_stack) for i in range(len(out["filters"]))]
        want_field = _dependency_span(kernel, dilations)
        if out["field"] != want_field:
            return [f"field = {out['field']}, the stack depends on {want_field} inputs"]
        for n, row in enumerate(out["x"]):
            h = list(row)
            for f, g, d in zip(out["filters"], out["gates"], dilations, strict=True):

                def tap(w, t, h=h, d=d):
                    return sum(
                        w[j] * h[t - d * (kernel - 1 - j)]
                        for j in range(kernel)
                        if t - d * (kernel - 1 - j) >= 0
                    )

                h = [h[t] + math.tanh(tap(f, t)) * _sigmoid(tap(g, t)) for t in range(len(h))]
            got = out["h"][n]
            for t, want in enumerate(h):
                if not float_close(got[t], sympy.Float(want, 30), rel=1e-9, abs_=1e-12):
                    return [f"h[{n}, 0, {t}] = {got[t]}, the definition gives {want}"]
        return []

    return CodeDefinition(drive, check)
