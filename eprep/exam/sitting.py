"""One paper being sat: go to any item, answer, change, flag; the clock; submit.

No feedback is given while sitting. Every answer and flag is written to the progress database
the moment it is given, with the time used so far, so a closed terminal or a crash loses nothing
and `resume` continues with the time that was left. The terminal and the site drive this.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError
from eprep.exam.paper import Paper, PaperItem
from eprep.exam.report import Answer

if TYPE_CHECKING:
    from eprep.questions import Bank
    from eprep.quiz.store import ExamAnswerRow, Store


class Sitting:
    """The state of one exam: its paper, the current answers and flags, and its clock."""

    def __init__(
        self,
        store: Store,
        exam_id: int,
        paper: Paper,
        minutes: int,
        elapsed_ms: int = 0,
        answers: dict[int, ExamAnswerRow] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.exam_id = exam_id
        self.paper = paper
        self.minutes = minutes
        self.answers = dict(answers or {})
        self._clock = clock
        self._base_ms = elapsed_ms  # time used before this sitting began (resume)
        self._since = clock()

    @classmethod
    def start(cls, store: Store, paper: Paper, minutes: int, now: datetime, **kw: Any) -> Sitting:
        """Store the drawn paper, then begin its clock."""
        text = json.dumps(paper.to_json(), ensure_ascii=False)
        exam_id = store.start_exam(seed=paper.seed, paper=text, minutes=minutes, now=now)
        return cls(store, exam_id, paper, minutes, **kw)

    @classmethod
    def resume(cls, store: Store, **kw: Any) -> Sitting | None:
        """The newest unsubmitted exam, with its answers and the time that was left."""
        row = store.unfinished_exam()
        if row is None:
            return None
        try:
            paper = Paper.from_json(json.loads(row.paper))
        except (ValueError, KeyError, TypeError):
            raise EprepError(f"{store.path}: exam {row.id} has an unreadable paper") from None
        answers = store.exam_answers(row.id)
        return cls(store, row.id, paper, row.minutes, row.elapsed_ms, answers, **kw)

    # --- the clock ---

    @property
    def elapsed_ms(self) -> int:
        return self._base_ms + int((self._clock() - self._since) * 1000)

    def remaining_seconds(self) -> float:
        """Seconds left (never below 0); at 0 the paper is submitted with what was answered."""
        return max(0.0, self.minutes * 60 - self.elapsed_ms / 1000)

    @property
    def expired(self) -> bool:
        return self.remaining_seconds() <= 0

    # --- items ---

    def item(self, number: int) -> PaperItem:
        """Item `number` (1 to the paper's length); EprepError for any other number."""
        count = len(self.paper.items)
        if not 1 <= number <= count:
            raise EprepError(f"there is no item {number}: the paper has items 1 to {count}")
        return self.paper.items[number - 1]

    def answer(
        self, number: int, answer: str, correct: bool, seconds: float, now: datetime
    ) -> None:
        """Give or change item `number`'s answer (its letters; judged by the caller)."""
        if not answer:
            raise EprepError("an answer needs at least one letter")
        self._write(number, answer, correct, self.flagged(number), seconds, now)

    def flag(self, number: int, flagged: bool, now: datetime) -> None:
        """Mark item `number` for review (or clear the mark); its answer, if any, is kept."""
        row = self.answers.get(number)
        answer, correct = (row.answer, row.correct) if row else ("", False)
        self._write(number, answer, correct, flagged, 0.0, now)

    def flagged(self, number: int) -> bool:
        row = self.answers.get(number)
        return bool(row and row.flagged)

    def answered(self, number: int) -> bool:
        row = self.answers.get(number)
        return bool(row and row.answer)

    def overview(self) -> dict[str, list[int]]:
        """The review screen: answered, unanswered and flagged item numbers."""
        numbers = [item.number for item in self.paper.items]
        return {
            "answered": [n for n in numbers if self.answered(n)],
            "unanswered": [n for n in numbers if not self.answered(n)],
            "flagged": [n for n in numbers if self.flagged(n)],
        }

    def _write(
        self, number: int, answer: str, correct: bool, flagged: bool, seconds: float, now: datetime
    ) -> None:
        item = self.item(number)
        self.store.record_exam_answer(
            self.exam_id,
            item=number,
            question_id=item.question_id,
            variant=item.variant,
            answer=answer,
            correct=correct,
            flagged=flagged,
            duration_ms=int(seconds * 1000),
            elapsed_ms=self.elapsed_ms,
            now=now,
        )
        self.answers = self.store.exam_answers(self.exam_id)

    # --- the end ---

    def submit(self, bank: Bank, now: datetime) -> dict[int, Answer]:
        """Close the paper; every wrong answer enters the review queue as a lapse (Again).

        Unanswered items are scored wrong but not scheduled: time running out says nothing
        about what the learner knows. Returns the answers for `grade_paper`.
        """
        from eprep.quiz import scheduling

        self.store.submit_exam(self.exam_id, min(self.elapsed_ms, self.minutes * 60_000), now)
        given = {n: row for n, row in self.answers.items() if row.answer}
        for number, row in given.items():
            question = bank.get(row.question_id)
            if row.correct or question is None:
                continue
            self.store.record_review(
                question_id=row.question_id,
                variant=row.variant,
                kind=question.kind,
                answer=f"exam {self.exam_id} item {number}: {row.answer}",
                correct=False,
                rating=scheduling.AGAIN,
                auto_rating=scheduling.AGAIN,
                duration_ms=row.duration_ms,
                now=now,
            )
        return {n: Answer(row.correct, row.duration_ms / 1000) for n, row in given.items()}
