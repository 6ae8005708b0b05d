"""The report of a quiz session: what was answered, and the summary printed at its end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from eprep.quiz import scheduling
from eprep.quiz.messages import message

if TYPE_CHECKING:
    from eprep.quiz.store import ReviewRow, Store
    from eprep.quiz.terminal import Console


@dataclass
class Summary:
    """What a session did: reviews in order, whether it was cut short, and what is due next."""

    results: list[ReviewRow] = field(default_factory=list)
    planned: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    skipped_missing: list[str] = field(default_factory=list)

    @property
    def right(self) -> int:
        return sum(result.correct for result in self.results)

    @property
    def answered_planned(self) -> int:
        """How many of the planned questions were answered (a card asked again counts once)."""
        return len({result.question_id for result in self.results})

    def to_json(self) -> dict[str, Any]:
        return {
            "answered": len(self.results),
            "right": self.right,
            "planned": self.planned,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 3),
            "skipped_missing": self.skipped_missing,
            "results": [result.to_json() for result in self.results],
        }


def local_time(moment: datetime, lang: str = "en") -> str:
    """`today 14:05`, `tomorrow 09:00` or a date, in the local time zone (ja: 今日/明日)."""
    local = moment.astimezone()
    now = datetime.now().astimezone()
    if local.date() == now.date():
        return local.strftime(message(lang, "today_at"))
    if local.date() == (now + timedelta(days=1)).date():
        return local.strftime(message(lang, "tomorrow_at"))
    return local.strftime("%Y-%m-%d %H:%M")


def print_summary(
    console: Console,
    summary: Summary,
    store: Store,
    selected: Sequence[str],
    lang: str = "en",
) -> None:
    """Score, time and what is due next, in `lang`."""
    answered = len(summary.results)
    minutes, seconds = divmod(int(summary.seconds), 60)
    if minutes:
        duration = message(lang, "minutes_seconds", minutes=minutes, seconds=seconds)
    else:
        duration = message(lang, "seconds", seconds=seconds)
    percent = f" ({100 * summary.right // answered}%)" if answered else ""
    console.print(message(lang, "summary"), "bold")
    line = message(
        lang, "score", right=summary.right, answered=answered, percent=percent, duration=duration
    )
    # Ctrl-C at the last rating prompt ends nothing early: every planned question was answered
    done = summary.answered_planned
    if summary.interrupted and done < summary.planned:
        line += message(lang, "stopped", answered=done, planned=summary.planned)
    console.print(line)
    now = scheduling.utcnow()
    cards = store.cards()
    wanted = set(selected)
    due_cards = [c for qid, c in cards.items() if qid in wanted]
    due_now = sum(c.due <= now for c in due_cards)
    due_week = sum(c.due <= now + timedelta(days=7) for c in due_cards)
    console.print(message(lang, "due_hint" if due_now else "due", now=due_now, week=due_week))
    upcoming = sorted((c for c in due_cards if c.due > now), key=lambda c: c.due)
    if upcoming:
        first = upcoming[0]
        # with cards due now, the next future one comes after them, not before
        console.print(
            message(
                lang,
                "next_after" if due_now else "next",
                id=first.question_id,
                delta=scheduling.humanize_delta(first.due, now, lang),
                when=local_time(first.due, lang),
            )
        )
