"""Exam format for numeric and expression questions: 4-choice from the key and known mistakes."""

from __future__ import annotations

import random

from eprep.questions import Option, Question, Variant, format_number
from eprep.questions.variants import seed_of

CHOICES = 4


def exam_options(question: Question, variant: Variant) -> tuple[Option, ...] | None:
    """The options of a numeric or expression question asked in the exam's 4-choice format.

    The key and up to three known mistakes become `Option`s (`value` options for numeric
    questions, shown as this variant's numbers; `formula` options for expressions), each mistake
    carrying its feedback, shuffled reproducibly per variant. None when the question is of
    another kind or has no mistakes (it is then asked typed).

    This should move to the kinds registry (issue 11, "exam formats"), where each kind owns its
    exam form; it is the one function the export calls for it, so the integrator can swap it.
    """
    if question.kind not in ("numeric", "expression") or not question.answer:
        return None
    form = "value" if question.kind == "numeric" else "formula"
    options = [Option(index=0, correct=True, **{form: question.answer})]
    seen = {_shown(variant, options[0])}
    for mistake in question.mistakes:
        if len(options) == CHOICES:
            break
        option = Option(
            index=len(options), correct=False, feedback=mistake.feedback, **{form: mistake.answer}
        )
        shown = _shown(variant, option)
        if shown in seen:  # two mistakes that print as the same number would be one choice
            continue
        seen.add(shown)
        options.append(option)
    if len(options) < 2:
        return None
    random.Random(seed_of(question.id, variant.k, ":exam")).shuffle(options)
    return tuple(options)


def _shown(variant: Variant, option: Option) -> str:
    if option.value is not None:
        return format_number(variant.evaluate(option.value))
    return variant.bind(option.formula or "")
