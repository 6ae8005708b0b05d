"""Past papers (`eprep exam --history`): scores per syllabus area over time, with a small chart."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from eprep.questions.syllabus import Syllabus

if TYPE_CHECKING:
    from eprep.quiz.store import Store

BARS = "▁▂▃▄▅▆▇█"
_WORDS = {
    "en": {"none": "no submitted mock exam yet", "head": "{n} mock exams", "total": "total"},
    "ja": {"none": "提出済みの模擬試験はまだない", "head": "模擬試験 {n} 回", "total": "合計"},
}


def compute_history(store: Store, syllabus: Syllabus) -> list[dict[str, Any]]:
    """Every submitted exam, oldest first: its date, score and score per area."""
    papers = []
    for exam in store.exams():
        if exam.submitted_at is None:
            continue
        try:
            items = json.loads(exam.paper)["items"]
            area_of = {int(number): str(area) for number, _, _, area in items}
        except (ValueError, KeyError, TypeError):
            continue  # an unreadable stored paper is left out, not a crash
        answers = store.exam_answers(exam.id)
        right = {n for n, row in answers.items() if row.answer and row.correct}
        areas = {}
        for area in (a.id for a in syllabus.areas if a.id in area_of.values()):
            mine = [n for n, a in area_of.items() if a == area]
            areas[area] = {"right": len(right & set(mine)), "items": len(mine)}
        papers.append(
            {
                "exam": exam.id,
                "submitted_at": exam.submitted_at.isoformat(),
                "right": len(right & set(area_of)),
                "items": len(area_of),
                "areas": areas,
            }
        )
    return papers


def spark(values: list[float | None]) -> str:
    """One bar per paper, 0–100%; a space where the area was not on that paper."""
    return "".join(" " if v is None else BARS[min(len(BARS) - 1, int(v / 100 * len(BARS)))]
                   for v in values)  # fmt: skip


def format_history(papers: list[dict[str, Any]], syllabus: Syllabus, lang: str = "en") -> str:
    words = _WORDS[lang]
    if not papers:
        return words["none"]
    lines = [words["head"].format(n=len(papers))]
    totals = [100 * p["right"] / p["items"] if p["items"] else 0.0 for p in papers]
    lines.append(f"  {spark(totals)}  {totals[-1]:5.1f}%  {words['total']}")
    seen = [a.id for a in syllabus.areas if any(a.id in p["areas"] for p in papers)]
    for area in seen:
        values = [
            100 * p["areas"][area]["right"] / p["areas"][area]["items"]
            if area in p["areas"]
            else None
            for p in papers
        ]
        last = next(v for v in reversed(values) if v is not None)
        title = syllabus.full_title(area).get(lang)
        lines.append(f"  {spark(values)}  {last:5.1f}%  {title}")
    return "\n".join(lines)
