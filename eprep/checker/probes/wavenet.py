"""Probes for the WaveNet questions: receptive fields by backpropagating a one-hot gradient
through engine causal Conv1D stacks, a listing's output against engine layers and its reported
field against the inputs that actually move its last output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _lookup
from eprep.checker.probes.conv_family import dilated_stack_field
from eprep.engine import Conv1D, dilated_receptive_field, sigmoid


@probe("wavenet_duration")
def wavenet_duration(variant: Params, rng: np.random.Generator) -> Value:
    """The measured receptive field of the engine stack, in samples, at fk samples per ms."""
    field = dilated_stack_field(variant, rng)
    assert isinstance(field, Value)
    return Value(field.value / float(variant["fk"]))


def _engine_stack(x, filters, gates, layers_per_stack):
    h = x
    for i, (f, g) in enumerate(zip(filters, gates, strict=True)):
        d = 2 ** (i % layers_per_stack)
        a = Conv1D(f, np.zeros(1), dilation=d, causal=True).forward(h)
        b = Conv1D(g, np.zeros(1), dilation=d, causal=True).forward(h)
        h = h + np.tanh(a) * sigmoid(b)
    return h


def _moved_span(fn, x, filters, gates, layers_per_stack) -> int:
    """Span of the input positions whose change moves the last output of the listing."""

    def last(v: np.ndarray) -> float:
        return float(np.asarray(fn(v, filters, gates, layers_per_stack)[0])[0, 0, -1])

    base = last(x)
    moved = []
    for t in range(x.shape[2]):
        bumped = x.copy()
        bumped[0, 0, t] += 0.5
        if abs(last(bumped) - base) > 1e-12:
            moved.append(t)
    return moved[-1] - moved[0] + 1 if moved else 0


@code_probe("wavenet_stack_matches_engine")
def wavenet_stack_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The listing's output must equal engine causal Conv1D layers with the gated activation,
    and its field the span of inputs that move its last output (and WaveNet's schedule's)."""
    fn = _lookup(namespace, "wavenet_stack")
    for kernel, per_stack, stacks in ((2, 3, 2), (3, 2, 2)):
        count = per_stack * stacks
        filters = [rng.uniform(0.2, 1.0, (1, 1, kernel)) for _ in range(count)]
        gates = [rng.uniform(0.2, 1.0, (1, 1, kernel)) for _ in range(count)]
        schedule = [2 ** (i % per_stack) for i in range(count)]
        length = dilated_receptive_field(kernel, schedule) + 6
        x = rng.uniform(0.2, 1.0, (2, 1, length))
        h, field = fn(x.copy(), filters, gates, per_stack)
        want = _engine_stack(x, filters, gates, per_stack)
        _compare("wavenet_stack", (kernel, per_stack, stacks), np.asarray(h), want)
        measured = _moved_span(fn, x, filters, gates, per_stack)
        if int(field) != measured or measured != dilated_receptive_field(kernel, schedule):
            raise AssertionError(
                f"wavenet_stack reports a field of {field}; its last output moves with "
                f"{measured} inputs (K={kernel}, dilations {schedule})"
            )
