"""Planning a quiz session: which questions to ask, in which order, with which variant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from eprep.quiz.messages import message

if TYPE_CHECKING:
    from eprep.questions import Bank, Question
    from eprep.quiz.store import CardRow

DEFAULT_COUNT = 10


@dataclass(frozen=True)
class Planned:
    """A question picked for this session, with the variant to show and why it was picked."""

    question: Question
    k: int
    reason: str  # "due" or "new"


def variant_for(question: Question, card: CardRow | None, seed: int | None) -> int:
    """Which variant to show: a fresh one each review, or one fixed by `--seed`."""
    if not question.has_params:
        return 0
    if seed is not None:
        from eprep.questions.variants import seed_of

        return seed_of(question.id, seed, ":quiz") % 1000
    return card.reps if card is not None else 0


def plan_session(
    questions: Sequence[Question],
    cards: dict[str, CardRow],
    now: datetime,
    *,
    count: int = DEFAULT_COUNT,
    mode: str = "mixed",
    seed: int | None = None,
) -> list[Planned]:
    """Due questions first (most overdue first), then new ones in bank order; at most `count`.

    `mode` is "mixed" (both), "new" (never answered only) or "due" (reviews only).
    """
    due = sorted(
        (q for q in questions if q.id in cards and cards[q.id].due <= now),
        key=lambda q: cards[q.id].due,
    )
    new = [q for q in questions if q.id not in cards]
    picked: list[Planned] = []
    if mode in ("mixed", "due"):
        picked += [Planned(q, variant_for(q, cards[q.id], seed), "due") for q in due]
    if mode in ("mixed", "new"):
        picked += [Planned(q, variant_for(q, None, seed), "new") for q in new]
    return picked[: max(0, count)]


def missing_from_bank(bank: Bank, cards: dict[str, CardRow], selectors: Sequence[str]) -> list[str]:
    """Ids with stored history that the bank no longer has (matching the selectors by id)."""

    def matches(question_id: str) -> bool:
        if not selectors:
            return True
        return any(question_id == s or question_id.startswith(s + ".") for s in selectors)

    return sorted(qid for qid in cards if bank.get(qid) is None and matches(qid))


def empty_days_note(bank: Bank, selectors: Sequence[str], lang: str = "en") -> list[str]:
    """One line per selected day or topic that exists in the bank but has no questions yet."""
    lines = []
    for selector in selectors:
        place = bank.day(selector) or bank.topic(selector)
        if place is not None and not place.questions:
            lines.append(
                message(lang, "no_questions_yet", name=selector, title=place.title.get(lang))
            )
    return lines
