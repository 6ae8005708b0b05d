"""Progress per day and topic (`eprep stats`) and the bank's outline (`eprep list`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eprep.questions import Bank, Question
    from eprep.quiz.store import CardRow, ReviewRow


@dataclass
class Progress:
    """Counts for one group of questions (a day, a topic, or everything)."""

    key: str
    title: str
    total: int = 0
    seen: int = 0
    reviews: int = 0
    right: int = 0
    due_now: int = 0
    due_week: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.reviews if self.reviews else None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "accuracy": self.accuracy}


def _count(
    progress: Progress,
    questions: Sequence[Question],
    cards: dict[str, CardRow],
    reviews_by_id: dict[str, list[ReviewRow]],
    now: datetime,
) -> Progress:
    week = now + timedelta(days=7)
    for question in questions:
        progress.total += 1
        reviews = reviews_by_id.get(question.id, [])
        if reviews:
            progress.seen += 1
            progress.reviews += len(reviews)
            progress.right += sum(review.correct for review in reviews)
        card = cards.get(question.id)
        if card is not None:
            progress.due_now += card.due <= now
            progress.due_week += card.due <= week
    return progress


def streak(review_times: Sequence[datetime], today: date) -> int:
    """Consecutive local study days up to today (or up to yesterday, if today has none yet)."""
    days = {moment.astimezone().date() for moment in review_times}
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def compute_stats(
    bank: Bank,
    questions: Sequence[Question],
    cards: dict[str, CardRow],
    reviews: Sequence[ReviewRow],
    now: datetime,
) -> dict[str, Any]:
    """Progress overall, per day and per topic, for the selected questions."""
    reviews_by_id: dict[str, list[ReviewRow]] = {}
    for review in reviews:
        reviews_by_id.setdefault(review.question_id, []).append(review)
    selected = {q.id for q in questions}
    days: list[dict[str, Any]] = []
    for day in bank.days:
        day_questions = [q for q in day.questions if q.id in selected]
        if not day_questions:
            continue
        entry = _count(
            Progress(day.name, day.title.get()), day_questions, cards, reviews_by_id, now
        )
        topics = []
        for topic in day.topics:
            topic_questions = [q for q in topic.questions if q.id in selected]
            if topic_questions:
                progress = Progress(topic.key, topic.title.get())
                topics.append(
                    _count(progress, topic_questions, cards, reviews_by_id, now).to_json()
                )
        days.append({**entry.to_json(), "topics": topics})
    overall = _count(Progress("all", "all"), questions, cards, reviews_by_id, now)
    missing = sorted(qid for qid in reviews_by_id if bank.get(qid) is None)
    return {
        "overall": overall.to_json(),
        "streak_days": streak([r.reviewed_at for r in reviews], now.astimezone().date()),
        "days": days,
        "missing_from_bank": missing,
    }


def bar(fraction: float, width: int = 20) -> str:
    """A horizontal bar of `width` cells, filled to `fraction` (eighths of a cell)."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width, "·")


def format_stats(stats: dict[str, Any]) -> str:
    """The stats as terminal text with a bar of questions seen per day and topic."""

    def row(entry: dict[str, Any], label: str) -> str:
        accuracy = "   –" if entry["accuracy"] is None else f"{100 * entry['accuracy']:3.0f}%"
        fraction = entry["seen"] / entry["total"] if entry["total"] else 0.0
        return (
            f"{label:<28} {bar(fraction)} {entry['seen']:>3}/{entry['total']:<3}"
            f" acc {accuracy}  due {entry['due_now']:>2} now, {entry['due_week']:>2} this week"
        )

    lines = []
    for day in stats["days"]:
        lines.append(row(day, day["key"]))
        for topic in day["topics"]:
            lines.append(row(topic, "  " + topic["key"].split(".", 1)[1]))
    lines.append(row(stats["overall"], "all selected"))
    days = stats["streak_days"]
    lines.append(f"streak: {days} study day{'' if days == 1 else 's'} in a row")
    if stats["missing_from_bank"]:
        lines.append(
            f"note: {len(stats['missing_from_bank'])} question(s) with history are no longer "
            "in the bank (history kept): " + ", ".join(stats["missing_from_bank"][:5])
        )
    return "\n".join(lines)


def format_list(bank: Bank, questions: Sequence[Question], lang: str = "en") -> str:
    """Days, topics and questions (with counts) of the selection."""
    selected = {q.id for q in questions}
    lines = []
    for day in bank.days:
        day_questions = [q for q in day.questions if q.id in selected]
        if not day_questions:
            continue
        lines.append(f"{day.name}  {day.title.get(lang)}  ({len(day_questions)} questions)")
        for topic in day.topics:
            chosen = [q for q in topic.questions if q.id in selected]
            if not chosen:
                continue
            lines.append(f"  {topic.key}  {topic.title.get(lang)}  ({len(chosen)})")
            for question in chosen:
                lines.append(f"    {question.id}  [{question.kind}]  {question.title.get(lang)}")
    lines.append(f"{len(questions)} questions")
    return "\n".join(lines)
