"""Mock-exam answers in the progress database: each kept as given, even when the process dies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_answers_are_changed_in_place_and_time_adds_up(tmp_path: Path) -> None:
    from eprep.quiz.store import Store

    with Store.open(tmp_path / "p.db") as store:
        exam = store.start_exam(seed=4, paper='{"items": []}', minutes=120, now=T0)
        common = {"question_id": "day2.cnn.output-height", "variant": 7, "now": T0}
        store.record_exam_answer(
            exam, item=1, answer="B", correct=False, flagged=True, duration_ms=30_000,
            elapsed_ms=30_000, **common,
        )  # fmt: skip
        store.record_exam_answer(
            exam, item=1, answer="C", correct=True, flagged=False, duration_ms=12_000,
            elapsed_ms=95_000, **common,
        )  # fmt: skip
        (answer,) = store.exam_answers(exam).values()
        assert (answer.item, answer.answer, answer.correct, answer.flagged) == (1, "C", True, False)
        assert answer.duration_ms == 42_000  # both visits
        assert store.unfinished_exam().elapsed_ms == 95_000
        store.submit_exam(exam, 100_000, T0 + timedelta(minutes=2))
        assert store.unfinished_exam() is None
        (row,) = store.exams()
        assert row.submitted_at == T0 + timedelta(minutes=2) and row.elapsed_ms == 100_000


WRITER = """
import os, sys
from datetime import UTC, datetime
from eprep.quiz.store import Store
store = Store.open(sys.argv[1])
exam = store.start_exam(seed=1, paper="{}", minutes=10, now=datetime.now(UTC))
for item in (1, 2, 3):
    store.record_exam_answer(exam, item=item, question_id=f"q{item}", variant=0, answer="A",
                             correct=item != 2, flagged=item == 3, duration_ms=1000 * item,
                             elapsed_ms=6000, now=datetime.now(UTC))
os._exit(9)  # a crash: no close, no clean shutdown
"""


def test_a_crash_after_answering_loses_no_answer(tmp_path: Path) -> None:
    from eprep.quiz.store import Store

    path = tmp_path / "p.db"
    result = subprocess.run(
        [sys.executable, "-c", WRITER, str(path)], env=dict(os.environ), timeout=60
    )
    assert result.returncode == 9
    with Store.open(path) as store:
        exam = store.unfinished_exam()
        assert exam is not None and exam.elapsed_ms == 6000 and json.loads(exam.paper) == {}
        answers = store.exam_answers(exam.id)
        assert sorted(answers) == [1, 2, 3]
        assert [answers[i].correct for i in (1, 2, 3)] == [True, False, True]
        assert [answers[i].flagged for i in (1, 2, 3)] == [False, False, True]
        assert [answers[i].duration_ms for i in (1, 2, 3)] == [1000, 2000, 3000]
