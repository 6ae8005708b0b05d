"""The course-formula corpus: every hand-decided verdict must come out right."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from eprep.checker import equivalent, judge
from eprep.grammar import EvaluationError, evaluate, parse

PAIRS = json.loads((Path(__file__).parent / "formula_pairs.json").read_text())["pairs"]


def _id(pair: dict) -> str:
    return f"{pair['topic']}:{pair['answer'][:25]}"


def test_corpus_size_and_balance() -> None:
    assert len(PAIRS) >= 80
    assert sum(p["equivalent"] for p in PAIRS) >= 30
    assert sum(not p["equivalent"] for p in PAIRS) >= 30


def _value(text: str, point: dict) -> float | None:
    try:
        return evaluate(parse(text), point)
    except EvaluationError:
        return None


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_verdict(pair: dict) -> None:
    verdict = equivalent(pair["answer"], pair["expected"], pair["domains"], trusted=True)
    assert verdict.equivalent is pair["equivalent"], verdict.message
    if pair["equivalent"]:
        assert verdict.certainty in ("proof", "numeric") and verdict.witness is None
        return
    assert verdict.certainty in ("proof", "numeric")
    assert verdict.witness is not None
    if "diagnosis" in pair:
        assert verdict.diagnosis is not None and pair["diagnosis"] in verdict.diagnosis
    # The witness is a real counterexample: check it with the plain float evaluator.
    point = verdict.witness
    yours, theirs = _value(pair["answer"], point), _value(pair["expected"], point)
    if yours is not None and theirs is not None:
        assert not math.isclose(yours, theirs, rel_tol=1e-15, abs_tol=0)
        assert yours == pytest.approx(verdict.answer_value, rel=1e-9)
        assert theirs == pytest.approx(verdict.expected_value, rel=1e-9)
    else:
        assert (yours is None) != (theirs is None)


# A sample through the worker process (learner path) must agree with the trusted path.
@pytest.mark.parametrize("pair", PAIRS[::11], ids=_id)
def test_worker_path_agrees(pair: dict) -> None:
    verdict = equivalent(pair["answer"], pair["expected"], pair["domains"], timeout=5.0)
    assert verdict.equivalent is pair["equivalent"], verdict.message


def test_known_mistakes() -> None:
    domains = {name: "positive integer" for name in "HPFS"}
    key = "(H + 2P - F)/S + 1"
    mistakes = ["(H + P - F)/S + 1", "(H + 2P - F)/S"]
    found = judge("(H - F + 2*P)/S", key, domains, mistakes, trusted=True)
    assert not found.correct and found.mistake_index == 1
    assert found.mistake_verdict is not None and found.mistake_verdict.equivalent
    right = judge("(H + 2*P - F + S)/S", key, domains, mistakes, trusted=True)
    assert right.correct and right.mistake_index is None
    other = judge("H/S", key, domains, mistakes, trusted=True)
    assert not other.correct and other.mistake_index is None


def test_witness_message_names_values() -> None:
    verdict = equivalent(
        "(H + 2P - F)/S",
        "(H + 2P - F)/S + 1",
        dict.fromkeys("HPFS", "positive integer"),
        trusted=True,
    )
    assert verdict.message.startswith("not equivalent: with F=")
    assert "yours gives" in verdict.message and "expected" in verdict.message
    assert verdict.answer_value == pytest.approx(verdict.expected_value - 1)
