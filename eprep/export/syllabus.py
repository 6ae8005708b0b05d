"""The syllabus area of a question as an Anki tag and a title, from the bank's syllabus tree."""

from __future__ import annotations

from eprep.questions import Question, Text
from eprep.questions.syllabus import UNASSIGNED, current


def area_of(question: Question) -> str:
    """The area as a hierarchical tag part (`dl-basics::optimization`), or `unassigned`."""
    return (question.syllabus or UNASSIGNED).replace(".", "::")


def area_title(area: str) -> Text:
    """The title in en and ja of an `area_of` value, with its parents (`深層学習の基礎：最適化`)."""
    return current().full_title(area.replace("::", "."))
