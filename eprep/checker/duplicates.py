"""Duplicate questions: two items of one exam format that examine the same definition.

Every question is asked in exam format (`eprep quiz --format exam`, the mock exam): a code
question as a listing with blanks, every other kind as a 4-choice item. Two 4-choice items that
name the same reference definition with the same constants ask the same thing, even when one
feeds it more steps (`grads = ["g1", "g2"]` instead of `["g"]`), renames its symbols
(`w = "theta"`) or asks for a formula where the other asks for a value: the learner meets the
same trap twice. Merge one into the other (and alias its id, `DAY/_aliases.toml`).
Code listings are exempt: the blanks of one class share its code reference by design. A
derivation and a value item are two exercises (following a chain of lines vs computing a
number at a point), but a derivation and a formula item are one: the derivation's exam item is,
in half its variants, the same choice among the same formulas.

`eprep verify` applies the rule to the questions it verifies (each day on its own) and fails
every question of a duplicate group, naming the others.
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
    """The reference and its constants, without the inputs fed in and the renamed symbols.

    A string naming an input (a parameter or variable) renames a symbol; one naming a derived
    value picks which of the definition's quantities is asked (`report = "r2"`): a constant.
    """
    inputs = set(question.params) | set(question.variables)
    constants = {
        key: value
        for key, value in question.reference_args.items()
        if not isinstance(value, list | tuple) and not (isinstance(value, str) and value in inputs)
    }
    return json.dumps([question.reference, constants], sort_keys=True, default=str)


def _asks(question: Question) -> str:
    """What the learner works out: a `derivation`, a `value` (a number) or a `formula`."""
    from eprep.checker import kinds

    if question.start is not None:
        return "derivation"
    return "value" if kinds.get(question.kind).key_is_number else "formula"


def _same_exercise(a: Question, b: Question) -> bool:
    return {_asks(a), _asks(b)} != {"derivation", "value"}


def find(questions: Iterable[Question]) -> list[Duplicate]:
    """Groups of two or more 4-choice questions of one day with the same signature."""
    groups: dict[tuple[str, str], list[Question]] = {}
    for question in questions:
        if question.concept or question.reference is None or exam_format(question) == "listing":
            continue
        groups.setdefault((question.day, signature(question)), []).append(question)
    found = []
    for group in groups.values():
        twice = [q for q in group if any(_same_exercise(q, o) for o in group if o is not q)]
        if twice:
            found.append(
                Duplicate("4-choice", twice[0].reference or "", tuple(q.id for q in twice))
            )
    return found
