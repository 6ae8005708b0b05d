"""Coverage of the syllabus (`eprep list --by-syllabus`): questions per area, empty areas too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eprep.questions.syllabus import UNASSIGNED, UNASSIGNED_TITLE, Syllabus

if TYPE_CHECKING:
    from eprep.questions import Question

_WORDS = {
    "en": {
        "head": "{title}: {n} questions",
        "none": "no questions",
        "own": "{n} on the area itself",
        "gaps": "{k} of {m} areas have no questions",
    },
    "ja": {
        "head": "{title}：{n} 問",
        "none": "問題なし",
        "own": "うち {n} 問は分野全体",
        "gaps": "{m} 分野のうち {k} 分野に問題がない",
    },
}


def compute_coverage(
    questions: Sequence[Question], syllabus: Syllabus, lang: str = "en"
) -> dict[str, Any]:
    """Per area: the questions tagged with it and with it or an area below it (`total`)."""
    direct = Counter(q.syllabus or UNASSIGNED for q in questions)
    below: Counter[str] = Counter()
    for area, count in direct.items():
        if area != UNASSIGNED:
            for part in syllabus.lineage(area):
                below[part] += count
    areas = [
        {
            "id": area.id,
            "parent": area.parent,
            "depth": area.depth,
            "title": dict(area.title.values),
            "label": area.title.get(lang),
            "questions": direct[area.id],
            "total": below[area.id],
        }
        for area in syllabus.areas
    ]
    unassigned = [q for q in questions if not q.syllabus]
    return {
        "syllabus": dict(syllabus.title.values),
        "lang": lang,
        "questions": len(questions),
        "areas": areas,
        "empty": [area["id"] for area in areas if not area["total"]],
        "unassigned": {
            "label": UNASSIGNED_TITLE.get(lang),
            "questions": len(unassigned),
            "topics": sorted({f"{q.day}.{q.topic}" for q in unassigned}),
        },
    }


def format_coverage(result: dict[str, Any]) -> str:
    """One line per area (count first, indented by depth), then the unassigned and the gaps."""
    lang = result["lang"]
    words = _WORDS[lang]
    title = result["syllabus"].get(lang) or result["syllabus"]["en"]
    lines = [words["head"].format(title=title, n=result["questions"])]
    for area in result["areas"]:
        note = ""
        if not area["total"]:
            note = f"  -- {words['none']}"
        elif area["questions"] and area["questions"] != area["total"]:
            note = f"  ({words['own'].format(n=area['questions'])})"
        indent = "  " * area["depth"]
        lines.append(f"{area['total']:5d}  {indent}{area['id']}  {area['label']}{note}")
    unassigned = result["unassigned"]
    if unassigned["questions"]:
        topics = ", ".join(unassigned["topics"])
        lines.append(
            f"{unassigned['questions']:5d}  {UNASSIGNED}  {unassigned['label']}  ({topics})"
        )
    lines.append(words["gaps"].format(k=len(result["empty"]), m=len(result["areas"])))
    return "\n".join(lines)
