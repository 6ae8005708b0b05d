"""Planning a quiz session: which questions to ask, in which order, with which variant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from eprep import i18n

if TYPE_CHECKING:
    from eprep.questions import Bank, Question
    from eprep.quiz.store import CardRow

DEFAULT_COUNT = 10


@dataclass(frozen=True)
class Planned:
    """A question picked for this session, with the variant to show and why it was picked."""

    question: Question
    k: int
    reason: str  # "due", "new", "any" (not due, drilled) or "again" (rated Again this session)


def variant_for(question: Question, card: CardRow | None, seed: int | None) -> int:
    """Which variant to show: a fresh one each review, or one fixed by `--seed`."""
    if not question.has_params:
        return 0
    from eprep.questions.variants import PROVEN_VARIANTS, seed_of

    if seed is not None:
        return seed_of(question.id, seed, ":quiz") % PROVEN_VARIANTS
    return card.reps % PROVEN_VARIANTS if card is not None else 0


def plan_session(
    questions: Sequence[Question],
    cards: dict[str, CardRow],
    now: datetime,
    *,
    count: int = DEFAULT_COUNT,
    mode: str = "mixed",
    seed: int | None = None,
) -> list[Planned]:
    """Due questions first (most overdue first), then new ones interleaved across topics; at
    most `count`.

    `mode` is "mixed" (both), "new" (never answered only), "due" (reviews only) or "any"
    (also the questions not yet due, soonest due first: drilling a named question or topic).
    """
    due = sorted(
        (q for q in questions if q.id in cards and cards[q.id].due <= now),
        key=lambda q: cards[q.id].due,
    )
    new = interleave([q for q in questions if q.id not in cards], cards)
    picked: list[Planned] = []
    if mode in ("mixed", "due", "any"):
        picked += [Planned(q, variant_for(q, cards[q.id], seed), "due") for q in due]
    if mode in ("mixed", "new", "any"):
        picked += [Planned(q, variant_for(q, None, seed), "new") for q in new]
    if mode == "any":
        later = sorted(
            (q for q in questions if q.id in cards and cards[q.id].due > now),
            key=lambda q: cards[q.id].due,
        )
        picked += [Planned(q, variant_for(q, cards[q.id], seed), "any") for q in later]
    return picked[: max(0, count)]


def interleave(questions: Sequence[Question], cards: dict[str, CardRow]) -> list[Question]:
    """One question per topic in turn (each topic's in bank order), so a session spans topics.

    Topics the learner has seen least come first (then bank order), so that session after
    session the rotation reaches every topic, the day's last ones included.
    """
    by_topic: dict[tuple[str, str], list[Question]] = {}
    for question in questions:
        by_topic.setdefault((question.day, question.topic), []).append(question)
    seen: dict[tuple[str, str], int] = {}
    for question_id in cards:
        day, _, rest = question_id.partition(".")
        seen[(day, rest.partition(".")[0])] = seen.get((day, rest.partition(".")[0]), 0) + 1
    order = sorted(by_topic, key=lambda topic: seen.get(topic, 0))  # stable: bank order on ties
    queues = [list(by_topic[topic]) for topic in order]
    result: list[Question] = []
    while any(queues):
        for queue in queues:
            if queue:
                result.append(queue.pop(0))
    return result


def missing_from_bank(bank: Bank, cards: dict[str, CardRow], selectors: Sequence[str]) -> list[str]:
    """Ids with stored history that the bank no longer has (matching the selectors by id)."""

    def matches(question_id: str) -> bool:
        if not selectors:
            return True
        return any(question_id == s or question_id.startswith(s + ".") for s in selectors)

    return sorted(qid for qid in cards if bank.get(qid) is None and matches(qid))


def empty_days_note(bank: Bank, selectors: Sequence[str], lang: str = "en") -> list[str]:
    """One line per selected day or topic that exists in the bank but has no questions yet
    (the quiz's and the exam's: one catalogue line, `select.not_yet` in `eprep/i18n.py`)."""
    lines = []
    for selector in selectors:
        place = bank.day(selector) or bank.topic(selector)
        if place is not None and not place.questions:
            title = place.title.get(lang)
            lines.append(i18n.message(lang, "select.not_yet", name=selector, title=title))
    return lines
