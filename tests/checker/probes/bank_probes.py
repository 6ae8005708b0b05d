"""Run a bank question's probe on its own variants (shared by the probe tests)."""

from __future__ import annotations

import numpy as np

from eprep.checker.probes import Value, get_probe
from eprep.questions.loader import load_bank

BANK = load_bank()


def variants(question_id: str, count: int) -> list[dict[str, float]]:
    """The parameter values of the question's first `count` variants (fewer if it has fewer)."""
    question = BANK.get(question_id)
    assert question is not None, question_id
    return [dict(question.variant(k).values) for k in range(question.variant_count(count))]


def run(question_id: str, values: dict[str, float]) -> float:
    """The number the question's probe measures on the engine for `values`."""
    question = BANK.get(question_id)
    evidence = get_probe(question.probe)(values, np.random.default_rng(0), **question.probe_args)
    assert isinstance(evidence, Value)
    return evidence.value
