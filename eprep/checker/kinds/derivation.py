"""derivation: a chain of steps from the start to the key, each checked by the checker."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from eprep.checker.kinds import register
from eprep.checker.kinds.base import CheckKind, Outcome, Unreadable, self_test_bank, verdict_text
from eprep.checker.kinds.expression import key_samples


def judge_derivation(variant: Any, text: str) -> Outcome:
    """Check a derivation step by step; it must start at the question's start and end at its key."""
    from eprep.checker.derivation import check_derivation
    from eprep.quiz.render import pretty_formula

    question = variant.question
    assert question.answer is not None
    start = variant.bind(question.start) if question.start else None
    end = variant.bind(question.answer)
    report = check_derivation(text, assume=dict(question.variables), start=start, end=end)
    details = [
        f"{'✓' if step.ok else '✗'} line {step.line}: {step.read_as}" for step in report.steps
    ]
    diagnosis = None
    if not report.ok:
        failure = report.first_failure
        if failure is not None and failure.verdict is not None:
            diagnosis = f"line {failure.line}: {verdict_text(failure.verdict)}"
        elif report.start_ok is False and report.start_verdict is not None:
            diagnosis = f"the first line is not the start: {verdict_text(report.start_verdict)}"
        elif report.end_ok is False and report.end_verdict is not None:
            diagnosis = f"the last line is not the target: {verdict_text(report.end_verdict)}"
    solution = [start or ""] + [variant.bind(s) for s in question.solution]
    key = "\n".join(
        ("  " if i == 0 else "= ") + pretty_formula(step) for i, step in enumerate(solution) if step
    )
    return Outcome(correct=report.ok, answer=text, key=key, diagnosis=diagnosis,
                   details=details)  # fmt: skip


class Derivation(CheckKind):
    name = "derivation"
    uses_sympy = True

    def parse(self, variant: Any, text: str) -> str:
        if not text.strip():
            raise Unreadable("empty derivation: write one expression per line")
        return text

    def grade(self, variant: Any, answer: str, lang: str = "en") -> Outcome:
        return judge_derivation(variant, answer)

    def symbolic(self, question: Any, variant: Any, equivalent: Any) -> list[str]:
        chain = [question.start, *question.solution, question.answer]
        domains = question.variables
        problems = []
        if not equivalent(variant.bind(question.start), variant.bind(question.answer), domains):
            problems.append(
                f"start {question.start!r} is not equivalent to the answer {question.answer!r}"
            )
        for before, after in pairwise(chain):
            if not equivalent(variant.bind(after), variant.bind(before), domains):
                problems.append(f"solution step {before!r} -> {after!r} does not hold")
                break
        for mistake in question.mistakes:
            if equivalent(variant.bind(mistake.answer), variant.bind(question.answer), domains):
                problems.append(f"mistake {mistake.answer!r} is equivalent to the answer")
        return problems

    def against_samples(self, question: Any, variant: Any, evidence: Any) -> list[str]:
        formulas = [("the key", question.answer), ("the start", question.start)]
        return key_samples(question, variant, evidence, formulas)

    def exam_item(self, variant: Any, lang: str = "en") -> Any:
        from eprep.checker.exam import derivation_item

        return derivation_item(variant, lang)

    def test(self, equivalent: Any) -> list[str]:
        good, bad = self_test_bank(
            "derivation",
            *((slug, _FIELDS.format(step=step)) for slug, step in (("good", "2*x"), ("bad", "3x"))),
        )
        problems = []
        if self.symbolic(good, good.variant(0), equivalent):
            problems.append("a sound chain x + x = 2*x = 2x is reported unsound")
        if not self.symbolic(bad, bad.variant(0), equivalent):
            problems.append("a chain with the step x + x = 3x is reported sound")
        try:
            self.parse(good.variant(0), "  \n")
            problems.append("an empty derivation is accepted")
        except Unreadable:
            pass
        return problems


_FIELDS = """\
variables = {{ x = "real" }}
start = "x + x"
solution = ["{step}"]
answer = "2x"
"""

register(Derivation())
