"""Exam format for numeric and expression questions: 4-choice from the key and known mistakes.

The item itself is the kinds' (`eprep.checker.exam`, the same one the quiz and the site ask);
this module turns it into the `Option`s the export renders.
"""

from __future__ import annotations

import dataclasses

from eprep.questions import Option, Question, Variant


def exam_options(question: Question, variant: Variant) -> tuple[Option, ...] | None:
    """The options of a numeric or expression question asked in the exam's 4-choice format.

    The key and up to three known mistakes become `Option`s (`value` options for numeric
    questions, shown as this variant's numbers; `formula` options for expressions), each mistake
    carrying its feedback, in the exam item's order. None when the question is of another kind
    or has no mistakes (it is then asked typed).
    """
    from eprep.checker import kinds
    from eprep.checker.exam import exam_item

    kind = kinds.get(question.kind)
    if not kind.exam_from_mistakes or not question.answer:
        return None
    if variant.question is not question:  # the same values, asked of this question
        variant = dataclasses.replace(variant, question=question)
    (group,) = exam_item(variant).groups
    if len(group.options) < 2:
        return None
    form = "value" if kind.key_is_number else "formula"
    return tuple(
        Option(
            index=i,
            correct=option.correct,
            feedback=option.source.feedback if option.source is not None else None,
            **{form: option.formula},
        )
        for i, option in enumerate(group.options)
    )
