"""Scoring a sat paper: total, per syllabus area and per topic, time per item, the weakest topics.

Answers come as `{item number: Answer}`; an item without one counts as unanswered (wrong).
The result is plain data (JSON-ready); `format_report` prints it in en or ja.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eprep.exam.paper import Paper
from eprep.questions import Bank
from eprep.questions.syllabus import Syllabus

WEAKEST = 3  # how many weakest topics the report names

_WORDS = {
    "en": {
        "total": "Score: {right}/{n} ({percent:.0f}%), {unanswered} unanswered",
        "areas": "By syllabus area",
        "topics": "By topic",
        "weakest": "Weakest topics (drill them):",
        "time": "Time: {seconds:.0f} s in all, {mean:.0f} s per answered item",
        "per_item": "Seconds per item (item: seconds, - unanswered)",
        "empty": "Weighted areas with no questions to ask: {areas}",
    },
    "ja": {
        "total": "得点：{right}/{n}（{percent:.0f}%）、未解答 {unanswered} 問",
        "areas": "シラバスの分野別",
        "topics": "トピック別",
        "weakest": "正答率の低いトピック（復習用）：",
        "time": "解答時間：合計 {seconds:.0f} 秒、解答した 1 問あたり {mean:.0f} 秒",
        "per_item": "問題ごとの解答時間（問題番号：秒、- は未解答）",
        "empty": "出題できる問題がない分野：{areas}",
    },
}


@dataclass(frozen=True)
class Answer:
    """What was answered to one item: right or not, and the seconds spent on it."""

    correct: bool
    seconds: float = 0.0


def _score(right: int, n: int) -> dict[str, Any]:
    return {"right": right, "items": n, "percent": 100.0 * right / n if n else 0.0}


def grade_paper(
    paper: Paper, bank: Bank, syllabus: Syllabus, answers: Mapping[int, Answer]
) -> dict[str, Any]:
    """The report of `paper` given `answers` (unknown item numbers are ignored)."""
    rows = []
    for item in paper.items:
        question = bank.get(item.question_id)
        answer = answers.get(item.number)
        rows.append(
            {
                "number": item.number,
                "question": item.question_id,
                "variant": item.variant,
                "area": item.area,
                "topic": f"{question.day}.{question.topic}" if question else item.question_id,
                "answered": answer is not None,
                "correct": bool(answer and answer.correct),
                "seconds": answer.seconds if answer else 0.0,
            }
        )
    areas = []
    for area in (a for a in syllabus.areas if any(r["area"] == a.id for r in rows)):
        mine = [r for r in rows if r["area"] == area.id]
        areas.append(
            {
                "id": area.id,
                "title": dict(syllabus.full_title(area.id).values),
                **_score(sum(r["correct"] for r in mine), len(mine)),
            }
        )
    topics: dict[str, list[dict]] = {}
    for row in rows:
        topics.setdefault(row["topic"], []).append(row)
    by_topic = [
        {"topic": key, **_score(sum(r["correct"] for r in mine), len(mine))}
        for key, mine in topics.items()
    ]
    missed = [t for t in by_topic if t["right"] < t["items"]]
    # lowest share right first; more items missed breaks a tie, then the paper's order
    weakest = sorted(missed, key=lambda t: (t["percent"], -(t["items"] - t["right"])))[:WEAKEST]
    answered = [r for r in rows if r["answered"]]
    seconds = sum(r["seconds"] for r in rows)
    return {
        "seed": paper.seed,
        **_score(sum(r["correct"] for r in rows), len(rows)),
        "unanswered": len(rows) - len(answered),
        "seconds": seconds,
        "mean_seconds": seconds / len(answered) if answered else 0.0,
        "areas": areas,
        "topics": by_topic,
        "weakest": [{**t, "command": f"eprep quiz {t['topic']}"} for t in weakest],
        "per_item": rows,  # time per item and whether it was right
        "missed": [r["number"] for r in rows if not r["correct"]],
        "empty_areas": list(paper.empty_areas),
    }


def format_report(report: Mapping[str, Any], lang: str = "en") -> str:
    """The report as terminal lines: total, areas, topics, weakest topics with their command."""
    words = _WORDS[lang]
    lines = [
        words["total"].format(
            right=report["right"],
            n=report["items"],
            percent=report["percent"],
            unanswered=report["unanswered"],
        ),
        words["time"].format(seconds=report["seconds"], mean=report["mean_seconds"]),
        "",
        words["areas"],
    ]
    for area in report["areas"]:
        title = area["title"].get(lang) or area["title"]["en"]
        lines.append(f"  {area['right']:3d}/{area['items']:<3d} {area['percent']:5.1f}%  {title}")
    lines += ["", words["topics"]]
    for topic in report["topics"]:
        lines.append(
            f"  {topic['right']:3d}/{topic['items']:<3d} {topic['percent']:5.1f}%  {topic['topic']}"
        )
    lines += ["", words["per_item"]]
    cells = [
        f"{r['number']:3d}:{r['seconds']:4.0f}" if r["answered"] else f"{r['number']:3d}:   -"
        for r in report["per_item"]
    ]
    lines += ["  " + "  ".join(cells[i : i + 10]) for i in range(0, len(cells), 10)]
    if report["empty_areas"]:
        lines += ["", words["empty"].format(areas=", ".join(report["empty_areas"]))]
    if report["weakest"]:
        lines += ["", words["weakest"]]
        lines += [f"  {t['topic']}: {t['command']}" for t in report["weakest"]]
    return "\n".join(lines)
