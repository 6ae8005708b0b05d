"""Spaced repetition with FSRS: how an answer becomes a rating, and a rating a next due date.

Rating rule (documented for learners in `eprep quiz --help`):

- a wrong answer is rated **Again**, except a near miss (a number off only by rounding, see
  `eprep.checker.precision`), which is rated **Hard**: wrong, but not a lapse;
- a right answer is rated **Good**, or **Easy** when it came fast, or **Hard** when it came slowly.

"Fast" and "slow" depend on the kind of question, because picking a letter and writing a
derivation take very different times. The thresholds, in seconds from the question appearing to
the answer being submitted:

| kind | Easy if at most | Hard if more than |
| --- | --- | --- |
| choice, code | 8 | 45 |
| numeric | 15 | 90 |
| expression | 20 | 120 |
| derivation | 60 | 400 |

The learner may override the proposed rating with one key (1 Again, 2 Hard, 3 Good, 4 Easy).
Fuzzing is off so that the same history always gives the same schedule (the bank is small;
spreading reviews of thousands of cards, fuzzing's purpose, does not apply).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

# rating values as FSRS numbers them (fsrs.Rating): Again=1 … Easy=4
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


def auto_rating(kind: str, correct: bool, duration_s: float, *, near: bool = False) -> int:
    """The rating a review gets unless the learner overrides it."""
    if not correct:
        return HARD if near else AGAIN
    from eprep.quiz import kinds

    try:
        easy_at_most, hard_above = kinds.get(kind).thresholds
    except KeyError:  # a kind stored in an old review: the default thresholds
        easy_at_most, hard_above = kinds.QuizKind.thresholds
    if duration_s <= easy_at_most:
        return EASY
    if duration_s > hard_above:
        return HARD
    return GOOD


@lru_cache(maxsize=1)
def scheduler() -> Any:
    """The FSRS scheduler every review goes through (imported lazily: fsrs is not free)."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=False)


def new_card_json(card_id: int, now: datetime) -> str:
    """A fresh card's state as JSON, due now."""
    from fsrs import Card

    return Card(card_id=card_id, due=now).to_json()


def review(card_json: str, rating: int, now: datetime, duration_ms: int) -> tuple[str, datetime]:
    """Apply one review to a stored card state; return the new state (JSON) and its due date."""
    from fsrs import Card, Rating

    card = Card.from_json(card_json)
    card, _log = scheduler().review_card(
        card, Rating(rating), review_datetime=now, review_duration=duration_ms
    )
    return card.to_json(), card.due


def due_of(card_json: str) -> datetime:
    """The due date stored in a card's JSON state (no fsrs import needed)."""
    return datetime.fromisoformat(json.loads(card_json)["due"])


def utcnow() -> datetime:
    """Now, in UTC (fsrs refuses any other time zone)."""
    return datetime.now(UTC)


def humanize_delta(due: datetime, now: datetime, lang: str = "en") -> str:
    """`in 10 min`, `in 2 days`, `now` (ja: `10 分後`, `今`): how far away a due date is."""
    ja = lang == "ja"
    seconds = (due - now).total_seconds()
    if seconds <= 30:
        return "今" if ja else "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)} 分後" if ja else f"in {round(minutes)} min"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)} 時間後" if ja else f"in {round(hours)} h"
    days = round(hours / 24)
    return f"{days} 日後" if ja else f"in {days} day" + ("" if days == 1 else "s")
