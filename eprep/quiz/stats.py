"""Progress per day and topic (`eprep stats`) and the bank's outline (`eprep list`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from eprep.i18n import message

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
    lang: str = "en",
) -> dict[str, Any]:
    """Progress overall, per day and per topic, for the selected questions (titles in `lang`)."""
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
            Progress(day.name, day.title.get(lang)), day_questions, cards, reviews_by_id, now
        )
        topics = []
        for topic in day.topics:
            topic_questions = [q for q in topic.questions if q.id in selected]
            if topic_questions:
                progress = Progress(topic.key, topic.title.get(lang))
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


def format_stats(stats: dict[str, Any], lang: str = "en") -> str:
    """The stats as terminal text with a bar of questions seen per day and topic."""

    def row(entry: dict[str, Any], label: str) -> str:
        accuracy = "   –" if entry["accuracy"] is None else f"{100 * entry['accuracy']:3.0f}%"
        fraction = entry["seen"] / entry["total"] if entry["total"] else 0.0
        # padded by display columns: a Japanese label takes two a character
        label += " " * max(0, 28 - cell_len(label))
        return message(lang, "stats.row", label=label, bar=bar(fraction), seen=entry["seen"],
                       total=entry["total"], accuracy=accuracy, now=entry["due_now"],
                       week=entry["due_week"])  # fmt: skip

    lines = []
    for day in stats["days"]:
        lines.append(row(day, day["key"]))
        for topic in day["topics"]:
            lines.append(row(topic, "  " + topic["key"].split(".", 1)[1]))
    lines.append(row(stats["overall"], message(lang, "stats.all")))
    days = stats["streak_days"]
    lines.append(message(lang, "stats.streak", days=days, plural="" if days == 1 else "s"))
    if stats["missing_from_bank"]:
        missing = stats["missing_from_bank"]
        shown = ", ".join(missing[:5])
        lines.append(message(lang, "stats.missing", count=len(missing), shown=shown))
    return "\n".join(lines)


def format_list(bank: Bank, questions: Sequence[Question], lang: str = "en") -> str:
    """Days, topics and questions (with counts) of the selection."""
    selected = {q.id for q in questions}
    lines = []
    for day in bank.days:
        day_questions = [q for q in day.questions if q.id in selected]
        if not day_questions:
            continue
        lines.append(message(lang, "list.day", name=day.name, title=day.title.get(lang),
                             count=len(day_questions)))  # fmt: skip
        for topic in day.topics:
            chosen = [q for q in topic.questions if q.id in selected]
            if not chosen:
                continue
            title = topic.title.get(lang)
            lines.append(
                message(lang, "list.topic", topic=topic.key, title=title, count=len(chosen))
            )
            for question in chosen:
                kind = _kind_name(question.kind, lang)
                lines.append(f"    {question.id}  [{kind}]  {question.title.get(lang)}")
    lines.append(message(lang, "list.total", count=len(questions)))
    return "\n".join(lines)


def _kind_name(kind: str, lang: str) -> str:
    """A question kind as the learner reads it (a user bank's own kind keeps its name)."""
    from eprep.i18n import MESSAGES

    return message(lang, f"kind.{kind}") if f"kind.{kind}" in MESSAGES["en"] else kind


def outline_report(
    bank: Bank,
    selectors: Sequence[str],
    lang: str = "en",
    by_syllabus: bool = False,
    as_json: bool = False,
) -> str:
    """`eprep list`: the selected days, topics and questions with counts; with by_syllabus,
    the questions per syllabus area (empty areas included), as text or JSON."""
    questions = bank.select(selectors)
    if not by_syllabus:
        return format_list(bank, questions, lang)
    from eprep.questions.syllabus import current
    from eprep.quiz.coverage import compute_coverage, format_coverage

    result = compute_coverage(questions, current(), lang)
    return json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_coverage(result)
