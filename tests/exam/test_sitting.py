"""Sitting a paper: answer, change, flag, stop, resume with the time left, submit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def small_paper():
    from eprep.exam.paper import Paper, PaperItem

    ids = ["day2.cnn.output-height", "day2.cnn.param-count", "day3.rnn.param-count"]
    items = tuple(PaperItem(i + 1, qid, 3, "dl-basics") for i, qid in enumerate(ids))
    return Paper(seed=11, items=items, asked=3, empty_areas=(), outside=())


def test_sit_stop_resume_and_submit(tmp_path: Path) -> None:
    from eprep.errors import EprepError
    from eprep.exam.report import grade_paper
    from eprep.exam.sitting import Sitting
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current
    from eprep.quiz.store import Store

    clock = Clock()
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        sitting = Sitting.start(store, small_paper(), minutes=2, now=T0, clock=clock)
        clock.now += 20
        sitting.answer(1, "A", False, 20, T0)
        clock.now += 5
        sitting.flag(2, True, T0)  # flagged, not answered
        clock.now += 10
        sitting.answer(1, "C", True, 10, T0)  # changed
        assert sitting.overview() == {"answered": [1], "unanswered": [2, 3], "flagged": [2]}
        with pytest.raises(EprepError, match="no item 4"):
            sitting.answer(4, "A", True, 1, T0)
        clock.now += 30  # then the terminal closes: 30 s not written anywhere
    with Store.open(path) as store:
        clock2 = Clock()
        again = Sitting.resume(store, clock=clock2)
        assert again is not None and again.paper == small_paper()
        assert again.remaining_seconds() == pytest.approx(120 - 35)  # 35 s were written
        assert again.overview() == {"answered": [1], "unanswered": [2, 3], "flagged": [2]}
        clock2.now += 15
        again.answer(2, "B", False, 15, T0)
        assert again.flagged(2)  # answering keeps the flag
        clock2.now += 200
        assert again.expired and again.remaining_seconds() == 0
        answers = again.submit(load_bank(), T0)
        assert Sitting.resume(store) is None
        (row,) = store.exams()
        assert row.elapsed_ms == 120_000  # capped at the time allowed
        # the one wrong answer is a lapse in the review queue; the unanswered item 3 is not
        (lapse,) = store.reviews()
        assert (lapse.question_id, lapse.variant, lapse.rating, lapse.correct) == (
            "day2.cnn.param-count",
            3,
            1,
            False,
        )
        assert store.cards()["day2.cnn.param-count"].lapses == 1
        report = grade_paper(small_paper(), load_bank(), current(), answers)
        assert (report["right"], report["items"], report["unanswered"]) == (1, 3, 1)
        assert [r["seconds"] for r in report["per_item"]] == [30.0, 15.0, 0.0]


def test_an_unreadable_stored_paper_is_one_error(tmp_path: Path) -> None:
    from eprep.errors import EprepError
    from eprep.exam.sitting import Sitting
    from eprep.quiz.store import Store

    with Store.open(tmp_path / "p.db") as store:
        store.start_exam(seed=1, paper='{"items": 3}', minutes=1, now=T0)
        with pytest.raises(EprepError, match="exam 1 has an unreadable paper"):
            Sitting.resume(store)


def test_missed_items_are_paged_in_a_terminal(tmp_path: Path) -> None:
    import io

    from eprep.exam.paper import Paper, PaperItem
    from eprep.exam.sitting import Sitting
    from eprep.exam.terminal import ExamScreen
    from eprep.questions import load_bank
    from eprep.quiz.store import Store
    from eprep.quiz.terminal import Console

    bank = load_bank()
    ids = [q.id for q in bank.select(["day2.cnn"])][:7]
    paper = Paper(
        1, tuple(PaperItem(i + 1, q, 0, "dl-basics") for i, q in enumerate(ids)), 7, (), ()
    )
    out = io.StringIO()
    console = Console(inp=io.StringIO("\nq\n"), out=out, interactive=True, color=False)
    with Store.open(tmp_path / "p.db") as store:
        sitting = Sitting.start(store, paper, 10, T0)
        screen = ExamScreen(console, sitting, bank, None, "en", lambda: T0)
        screen.show_missed({"missed": [1, 2, 3, 4, 5, 6, 7]}, page=3)
    text = out.getvalue()
    shown = [
        n for n in range(1, 8) if f"\n{n}. {bank.get(ids[n - 1]).variant(0).title('en')}" in text
    ]
    assert shown == [1, 2, 3, 4, 5, 6]  # Enter after 3, q after 6
    assert text.count("Enter: more missed items, q: stop> ") == 2
