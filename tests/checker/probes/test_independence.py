"""Probes measure; they never see the key. Every known mistake must disagree with the evidence.

The topic tests compare each probe with hand computations; this file adds two guards: no probe
module can reach a question's key (it imports nothing that loads or evaluates the bank), and on
the bank's own variants every listed mistake of a measured question falls outside the probe's
tolerance, so the probe could have caught that key had it been written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eprep.checker.probes import Samples, Value

from .bank_probes import BANK, agrees, evidence, variants

PROBES = Path(__file__).resolve().parents[3] / "eprep" / "checker" / "probes"

# Questions whose probes this issue replaced (read-back or re-typed formulas before).
MEASURED = [
    "day2.cnn.param-count",
    "day2.cnn.affine-after-pool-params",
    "day2.cnn.alexnet-conv1-params",
    "day2.cnn.alexnet-fc6-params",
    "day2.cnn.im2col-cols",
    "day2.vanishing.xavier-std",
    "day2.vanishing.he-std",
    "day2.dropout.inverted-scale",
    "day2.dropout.classic-test-scale",
    "day2.batchnorm.forward-output",
    "day2.batchnorm.batch-variance",
    "day2.batchnorm.inference-output",
    "day2.regularization.l1-gradient",
    "day2.regularization.l2-gradient",
    "day2.regularization.l2-penalty-loss",
    "day2.regularization.decay-steps",
    "day2.regularization.l1-steps",
    "day2.derivations.elastic-net-gradient",
    "day2.derivations.softmax-ce-gradient",
    "day2.derivations.softmax-batch-gradient",
]


@pytest.mark.parametrize("path", sorted(PROBES.glob("*.py")), ids=lambda p: p.name)
def test_probe_modules_cannot_reach_the_key(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names]
            for name in names:
                assert not name.startswith(("eprep.questions", "eprep.grammar")), (path, name)
                assert "verify" not in name, (path, name)
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("answer", "key_value", "mistakes"), (path, node.attr)


@pytest.mark.parametrize("question_id", MEASURED)
def test_every_known_mistake_disagrees_with_the_measurement(question_id: str) -> None:
    question = BANK.get(question_id)
    assert question is not None and question.answer, question_id
    assert question.mistakes, question_id
    for values in variants(question_id, 3):
        found = evidence(question_id, values, seed=len(values))
        assert isinstance(found, Value | Samples)
        assert agrees(found, question.answer, values), (question_id, values)
        for mistake in question.mistakes:
            if mistake.answer is None:
                continue
            assert not agrees(found, mistake.answer, values), (question_id, mistake.answer)
