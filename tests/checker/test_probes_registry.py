"""The probe registry, and every probe the bundled bank names exists with the right shape."""

from __future__ import annotations

import numpy as np
import pytest

from eprep.checker import probes
from eprep.checker.probes import Value, code_probe, probe
from eprep.questions import load_bank


def test_a_name_registers_once() -> None:
    @probe("registry_test_once")
    def once(variant, rng) -> Value:
        return Value(1.0)

    assert probes.get_probe("registry_test_once") is once
    with pytest.raises(ValueError):
        code_probe("registry_test_once")(lambda namespace, variant, rng: None)
    with pytest.raises(KeyError):
        probes.get_probe("registry_test_missing")


def test_bundled_questions_name_registered_probes_of_the_right_sort(monkeypatch) -> None:
    monkeypatch.setenv("EPREP_CACHE", "0")
    names = set(probes.probe_names())
    problems = []
    for question in load_bank().questions:
        if question.probe is None:
            assert question.concept, question.id
            continue
        if question.probe not in names:
            problems.append(f"{question.id}: no probe {question.probe!r}")
        elif (question.kind == "code") != probes.is_code_probe(question.probe):
            problems.append(
                f"{question.id}: probe {question.probe!r} is the wrong sort for {question.kind}"
            )
    assert problems == []


def test_variant_names_one_thing_only() -> None:
    """`Variant` is questions.Variant (a question's variant); a probe's parameter values are
    `probes.Params`, and no probe module imports the old alias."""
    import ast
    from pathlib import Path

    assert not hasattr(probes, "Variant")
    for path in Path(probes.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "probes").endswith("probes"):
                assert "Variant" not in {a.name for a in node.names}, path.name


def test_after_pass_refuses_an_attribute_no_pass_has_set() -> None:
    from eprep.engine import Affine

    layer = Affine(np.ones((2, 1)), np.zeros(1))
    with pytest.raises(AssertionError, match="before the pass"):
        probes.after_pass(layer.dW)
    layer.forward(np.ones((3, 2)))
    layer.backward(np.ones((3, 1)))
    assert probes.after_pass(layer.dW) is layer.dW
