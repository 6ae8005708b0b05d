"""Mutation checks of math/ml keys that once let an erratum pass as "equivalent"."""

from __future__ import annotations

from eprep.checker.mutate import EQUIVALENT, ESCAPED, mutation_test
from eprep.questions import load_bank


def test_hinge_variants_catch_a_changed_floor() -> None:
    # max(1, 1 - y f) equals the hinge max(0, 1 - y f) wherever y f <= 0; only a sample that is
    # correct but inside the margin (0 < y f < 1) tells them apart, so the variants must draw it.
    question = load_bank().get("ml.svm-trees.hinge-loss")
    products = [question.variant(k).values["y"] * question.variant(k).values["f"] for k in range(3)]
    assert any(0 < yf < 1 for yf in products), products
    report = mutation_test([question], workers=1)
    floors = [r for r in report.results if r.description.endswith("'max(1, 1 - y*f)'")]
    assert floors and all(r.outcome not in (ESCAPED, EQUIVALENT) for r in floors), floors
