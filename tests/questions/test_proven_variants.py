"""A learner is only ever shown variants that `eprep verify` proves.

The oracle is the verifier's own loop: `verify` proves variants 0 … DEFAULT_VARIANTS − 1 of each
question (its report counts them), and every variant the quiz, the mock exam and the export pick
must be one of those.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from eprep.checker.verify import DEFAULT_VARIANTS
from eprep.exam.paper import Weights, draw_paper
from eprep.questions import load_bank
from eprep.questions.syllabus import current
from eprep.quiz.plan import variant_for
from eprep.quiz.store import CardRow

QUESTION = "day2.cnn.output-height"  # has parameters


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_verify_proves_as_many_variants_as_it_says(bank) -> None:
    env = {**os.environ, "EPREP_CACHE": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "eprep", "verify", "--id", QUESTION, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (row,) = [q for q in report["questions"] if q["id"] == QUESTION]
    assert row["variants"] == DEFAULT_VARIANTS


def test_the_quiz_shows_only_proven_variants(bank) -> None:
    question = bank.get(QUESTION)
    assert question.has_params
    now = datetime(2026, 1, 1, tzinfo=UTC)
    cards = [CardRow(1, QUESTION, now, reps, 0, "{}") for reps in range(200)]
    shown = {variant_for(question, card, None) for card in cards}
    shown |= {variant_for(question, None, seed) for seed in range(500)}
    assert shown == set(range(DEFAULT_VARIANTS))  # all of them, and no other


def test_the_mock_exam_draws_only_proven_variants(bank) -> None:
    weights = Weights({"dl-basics": 1.0, "ml": 1.0, "math": 1.0}, "test")
    drawn = set()
    for seed in range(40):
        paper = draw_paper(list(bank), current(), weights, 60, seed=seed)
        drawn |= {item.variant for item in paper.items}
    assert drawn <= set(range(DEFAULT_VARIANTS))
    assert len(drawn) > DEFAULT_VARIANTS // 2  # still a spread of variants, not one


def test_the_export_refuses_more_variants_than_are_proven(tmp_path) -> None:
    out = tmp_path / "deck.json"
    done = subprocess.run(
        [sys.executable, "-m", "eprep", "export", "json", "day2", "-o", str(out),
         "--variants", str(DEFAULT_VARIANTS + 1)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"--variants {DEFAULT_VARIANTS + 1}" in done.stderr
    assert not out.exists()
