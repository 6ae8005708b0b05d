"""choice: pick one of the options (text, formula, value or code); one is correct."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from eprep.checker.kinds import register
from eprep.checker.kinds.base import (
    LETTERS,
    CheckKind,
    Outcome,
    Unreadable,
    disagreement,
    exactly_correct,
    self_test_bank,
)
from eprep.grammar.vocabulary import close

# Numbers (value options) that differ by less than this are "the same answer".
DISTINCT_REL = 1e-6
DISTINCT_ABS = 1e-12


def shown_options(variant: Any) -> list[Any]:
    """The options in the order this variant shows them (reproducible per variant)."""
    options = variant.question.options
    return [options[i] for i in variant.option_order()]


def read_letter(text: str, count: int) -> int:
    """The index of the option a letter (or its number) names; Unreadable otherwise."""
    text = text.strip().lower().rstrip(").")
    last = LETTERS[count - 1]
    if len(text) == 1 and text in LETTERS[:count]:
        return LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text) - 1
    shown = text if len(text) <= 20 else text[:20] + "…"
    raise Unreadable(
        f"{shown!r} is not an option: type a letter a–{last}",
        f"{shown!r} は選択肢にない。a–{last} の記号を入力せよ。",
    )


def judge_choice(variant: Any, picked: int, lang: str) -> Outcome:
    """The option at shown position `picked`: right or wrong, with that option's feedback."""
    options = shown_options(variant)
    option = options[picked]
    right = next(i for i, o in enumerate(options) if o.correct)
    feedback = variant.render(option.feedback, lang) if option.feedback else None
    return Outcome(
        correct=option.correct,
        answer=f"{LETTERS[picked]}: {variant.option_text(option, lang)}",
        key=f"{LETTERS[right]}) {variant.option_text(options[right], lang)}",
        feedback=None if option.correct else feedback,
    )


class Choice(CheckKind):
    name = "choice"

    def parse(self, variant: Any, text: str) -> int:
        return read_letter(text, len(variant.question.options))

    def grade(self, variant: Any, answer: int, lang: str = "en") -> Outcome:
        return judge_choice(variant, answer, lang)

    def symbolic(self, question: Any, variant: Any, equivalent: Any) -> list[str]:
        options = question.options
        forms = {option.form for option in options}
        if not forms & {"formula", "value"}:
            return []  # text or code options: only the engine (or nothing, for concept) decides
        correct = question.correct_option
        problems = []
        if forms == {"value"}:
            key = variant.evaluate(question.answer)
            numbers = [variant.evaluate(option.value) for option in options]
            if not close(numbers[correct.index], key, DISTINCT_REL, DISTINCT_ABS):
                problems.append(
                    f"the correct option ({numbers[correct.index]:.6g}) is not the answer "
                    f"({key:.6g})"
                )
            for a, b in combinations(range(len(options)), 2):
                if close(numbers[a], numbers[b], DISTINCT_REL, DISTINCT_ABS):
                    problems.append(
                        f"options {a + 1} and {b + 1} are the same number ({numbers[a]:.6g})"
                    )
            return problems
        domains = question.variables
        texts = [variant.bind(option.formula or option.value) for option in options]
        key = variant.bind(question.answer)
        if not equivalent(texts[correct.index], key, domains):
            problems.append(
                f"the correct option {correct.formula or correct.value!r} is not equivalent "
                "to the answer"
            )
        for a, b in combinations(range(len(options)), 2):
            if equivalent(texts[a], texts[b], domains):
                problems.append(
                    f"options {a + 1} and {b + 1} are equivalent ({texts[a]!r} ≡ {texts[b]!r})"
                )
        return problems

    def against_option(self, question: Any, variant: Any, evidence: Any) -> list[str]:
        correct = question.correct_option
        if correct is None or correct.id is None:
            return ["the probe returned an option id, but the correct option has no id"]
        if evidence.option_id != correct.id:
            return [f"the engine picks option {evidence.option_id!r}, the key says {correct.id!r}"]
        return []

    def against_value(self, question: Any, variant: Any, evidence: Any) -> list[str]:
        measured = float(evidence.value)
        return exactly_correct(
            question,
            [(label, variant.evaluate(f)) for label, f in _candidates(question)],
            lambda value: close(value, measured, evidence.rel_tol, evidence.abs_tol),
            f"engine = {measured:.10g}",
        )

    def against_samples(self, question: Any, variant: Any, evidence: Any) -> list[str]:
        return exactly_correct(
            question,
            _candidates(question),
            lambda formula: disagreement(variant, formula, evidence) is None,
            "the engine's samples",
        )

    def exam_item(self, variant: Any, lang: str = "en") -> Any:
        from eprep.checker.exam import from_options

        return from_options(variant, lang)

    def test(self, equivalent: Any) -> list[str]:
        (q,) = self_test_bank("choice", ("c", _SELF_TEST))
        v = q.variant(0)
        shown = shown_options(v)
        right = next(i for i, o in enumerate(shown) if o.correct)
        problems = []
        if not self.grade(v, self.parse(v, LETTERS[right]), "en").correct:
            problems.append("the correct letter is judged wrong")
        wrong = self.grade(v, (right + 1) % len(shown), "en")
        if wrong.correct or wrong.feedback != "no":
            problems.append("a wrong option is not judged wrong with its feedback")
        if self.symbolic(q, v, equivalent):
            problems.append("distinct value options are reported the same")
        return problems


def _candidates(question: Any) -> list[tuple[str, str]]:
    """(label, formula) of every formula or value option."""
    return [
        (f"option {o.index + 1}", o.formula or o.value)
        for o in question.options
        if (o.formula or o.value) is not None
    ]


_SELF_TEST = """\
answer = "2"
[[question.options]]
value = "1 + 1"
correct = true
[[question.options]]
value = "3"
feedback.en = "no"
"""

register(Choice())
