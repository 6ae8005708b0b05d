"""Duplicate questions: two items of one exam format that examine the same definition.

Every question is asked in exam format (`eprep quiz --format exam`, the mock exam): a code
question as a listing with blanks, every other kind as a 4-choice item. Two 4-choice items that
name the same reference definition with the same constants ask the same thing, even when one
feeds it more steps (`grads = ["g1", "g2"]` instead of `["g"]`), renames its symbols
(`w = "theta"`) or asks for a formula where the other asks for a value: the learner meets the
same trap twice. Merge one into the other (and alias its id, `DAY/_aliases.toml`).
Code listings are exempt: the blanks of one class share its code reference by design.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from eprep.questions.models import Question


@dataclass(frozen=True)
class Duplicate:
    """Questions that examine one definition in one format."""

    format: str
    reference: str
    ids: tuple[str, ...]

    def line(self) -> str:
        return f"{', '.join(self.ids)}: one {self.format} item twice (reference {self.reference})"


def exam_format(question: Question) -> str:
    """The item the learner meets in exam format: `listing` (a code template) or `4-choice`."""
    return "listing" if question.code is not None else "4-choice"


def signature(question: Question) -> str:
    """The reference and its constants, without the inputs fed in and the renamed symbols."""
    names = set(question.params) | set(question.derived) | set(question.variables)
    constants = {
        key: value
        for key, value in question.reference_args.items()
        if not isinstance(value, list | tuple) and not (isinstance(value, str) and value in names)
    }
    return json.dumps([question.reference, constants], sort_keys=True, default=str)


def find(questions: Iterable[Question]) -> list[Duplicate]:
    """Groups of two or more 4-choice questions of one day with the same signature."""
    groups: dict[tuple[str, str], list[Question]] = {}
    for question in questions:
        if question.concept or question.reference is None or exam_format(question) == "listing":
            continue
        groups.setdefault((question.day, signature(question)), []).append(question)
    return [
        Duplicate("4-choice", group[0].reference or "", tuple(q.id for q in group))
        for group in groups.values()
        if len(group) > 1
    ]
