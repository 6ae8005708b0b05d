"""derivation: a chain of steps from the start to the key, each checked by the checker."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from eprep.checker.kinds import register
from eprep.checker.kinds.base import CheckKind, Outcome, Unreadable, self_test_bank, verdict_text
from eprep.checker.kinds.expression import key_samples
from eprep.errors import EprepError

_WORDS = {
    "en": {
        "line": "line {n}",
        "start": "start",
        "the_start": "the start",
        "not_follow": "line {n} does not follow: {why}",
        "not_start": "the first line is not the start: {why}",
        "not_end": "the last line is not the target: {why}",
        "follows_from": "(it does equal {where}: the line before it is the one to fix)",
        "no_step": "nothing is derived: write at least one step beginning with '='"
        " (a first line '= ...' is a step from the start)",
    },
    "ja": {
        "line": "{n} 行目",
        "start": "出発点",
        "the_start": "出発点",
        "not_follow": "{n} 行目は前の行から導けない: {why}",
        "not_start": "最初の行が出発点と一致しない: {why}",
        "not_end": "最後の行が求める式と一致しない: {why}",
        "follows_from": "（{where}とは等しい。直すべきはその前の行である）",
        "no_step": "導出になっていない:「=」で始まるステップを 1 つ以上書け"
        "（「=」で始まる最初の行は出発点からのステップ）",
    },
}


def judge_derivation(variant: Any, text: str, lang: str = "en") -> Outcome:
    """Check a derivation step by step; it must start at the question's start and end at its key.

    A first line beginning with '=' continues from the start; every failing line is explained.
    """
    from eprep.checker.derivation import check_derivation, step_message
    from eprep.grammar.pretty import pretty_formula

    words = _WORDS.get(lang, _WORDS["en"])
    question = variant.question
    assert question.answer is not None
    start = variant.bind(question.start) if question.start else None
    end = variant.bind(question.answer)
    report = check_derivation(text, assume=dict(question.variables), start=start, end=end)
    details = []
    for step in report.steps:
        where = words["start"] if step.line == 0 else words["line"].format(n=step.line)
        details.append(f"{'✓' if step.ok else '✗'} {where}: {step.read_as}")
    problems = []
    for failure in report.failures:
        if failure.verdict is not None:
            why = step_message(failure.verdict, lang)
            problems.append(words["not_follow"].format(n=failure.line, why=why))
            if failure.follows_from is not None:
                where = (
                    words["the_start"]
                    if failure.follows_from == 0
                    else words["line"].format(n=failure.follows_from)
                )
                problems.append("  " + words["follows_from"].format(where=where))
    if not report.has_step:
        problems.append(words["no_step"])
    if report.start_ok is False and report.start_verdict is not None:
        problems.append(words["not_start"].format(why=verdict_text(report.start_verdict)))
    if report.end_ok is False and report.end_verdict is not None:
        problems.append(words["not_end"].format(why=verdict_text(report.end_verdict)))
    solution = [start or ""] + [variant.bind(s) for s in question.solution]
    key = "\n".join(
        ("  " if i == 0 else "= ") + pretty_formula(step) for i, step in enumerate(solution) if step
    )
    return Outcome(correct=report.ok, answer=text, key=key,
                   diagnosis="\n".join(problems) or None, details=details)  # fmt: skip


def read_line(variant: Any, lines: list[str], line: str) -> None:
    """Raise Unreadable when a derivation's next line cannot be read (the learner retypes it)."""
    from eprep.checker.derivation import check_line

    question = variant.question
    start = variant.bind(question.start) if question.start else None
    try:
        check_line(lines, line, start=start)
    except Unreadable:
        raise
    except EprepError as error:
        ja = error.text("ja")
        raise Unreadable(str(error).replace("line:", "line ", 1), ja) from None


class Derivation(CheckKind):
    name = "derivation"
    uses_sympy = True

    def parse(self, variant: Any, text: str) -> str:
        if not text.strip():
            raise Unreadable(
                "empty derivation: write one expression per line",
                "導出が空である。1 行に 1 つの式を書け。",
            )
        return text

    def grade(self, variant: Any, answer: str, lang: str = "en") -> Outcome:
        return judge_derivation(variant, answer, lang)

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
