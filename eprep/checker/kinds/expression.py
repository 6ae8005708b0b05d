"""expression: a formula of the question's variables, judged equivalent by the checker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eprep.checker.kinds import register
from eprep.checker.kinds.base import (
    CheckKind,
    Outcome,
    Unreadable,
    disagreement,
    self_test_bank,
    verdict_text,
)
from eprep.errors import EprepError

if TYPE_CHECKING:
    from eprep.checker.api import Answer


def read_answer(
    text: str, variables: Mapping[str, str], functions: frozenset[str] = frozenset()
) -> Answer:
    """An expression answer parsed once: its tree, and how it is read (`to_text` of the tree),
    which is what the quiz shows and `judge` then judges; Unreadable when it cannot be read.

    `functions`: the question's declared functions (`functions = ["f"]`), callable as `f(x)`.
    """
    from eprep.checker.api import Answer
    from eprep.grammar import free_symbols, parse, to_text
    from eprep.grammar.vocabulary import alias_names

    if not text.strip():
        raise Unreadable("empty answer: type an expression", "解答が空である。式を入力せよ。")
    node = parse(
        text, variables=sorted(variables), e_is_variable="e" in variables, functions=functions
    )
    # The grammar reads `lam` as `lambda`: a variable may be declared in either spelling.
    unknown = free_symbols(node) - alias_names(frozenset(variables))
    if unknown:
        known = ", ".join(sorted(variables)) or "none"
        names = ", ".join(sorted(unknown))
        raise Unreadable(
            f"unknown name {names} (variables: {known})", f"未知の名前 {names}（変数: {known}）"
        )
    return Answer(text.strip(), node, to_text(node))


def judge_expression(variant: Any, answer: Answer, lang: str) -> Outcome:
    """Judge a read answer with the checker (its tree, not its text again); a known mistake's
    feedback, else its diagnosis."""
    from eprep.checker.api import judge
    from eprep.grammar import to_text
    from eprep.grammar.pretty import pretty_formula

    question = variant.question
    assert question.answer is not None
    # Trees, parsed once from the bank (cached) with the variant's numbers substituted.
    key_tree = variant.bind_tree(question.answer)
    mistakes = [variant.bind_tree(m.answer) for m in question.mistakes]
    key = to_text(key_tree)
    variables = dict(question.variables)
    judgement = judge(
        answer, key_tree, variables, mistakes, e_is_variable="e" in variables,
        functions=question.functions,
    )  # fmt: skip
    feedback = diagnosis = None
    if not judgement.correct:
        index = judgement.mistake_index
        if index is not None:
            feedback = variant.render(question.mistakes[index].feedback, lang)
        else:
            diagnosis = verdict_text(judgement.verdict)
    return Outcome(correct=judgement.correct, answer=answer.text, key=pretty_formula(key),
                   read_as=answer.read_as, feedback=feedback, diagnosis=diagnosis)  # fmt: skip


class Expression(CheckKind):
    name = "expression"
    exam_from_mistakes = True
    uses_sympy = True

    def parse(self, variant: Any, text: str) -> Answer:
        question = variant.question
        return read_answer(text, question.variables, question.functions)

    def grade(self, variant: Any, answer: Answer, lang: str = "en") -> Outcome:
        return judge_expression(variant, answer, lang)

    def symbolic(self, question: Any, variant: Any, equivalent: Any) -> list[str]:
        key = variant.bind(question.answer)
        declared = {"functions": question.functions} if question.functions else {}
        problems = []
        for mistake in question.mistakes:
            if equivalent(variant.bind(mistake.answer), key, question.variables, **declared):
                problems.append(
                    f"mistake {mistake.answer!r} is equivalent to the key {question.answer!r}"
                )
        return problems

    def against_samples(self, question: Any, variant: Any, evidence: Any) -> list[str]:
        return key_samples(question, variant, evidence, [("the key", question.answer)])

    def exam_item(self, variant: Any, lang: str = "en") -> Any:
        from eprep.checker.exam import from_mistakes

        return from_mistakes(variant, lang)

    def test(self, equivalent: Any) -> list[str]:
        (q,) = self_test_bank("expression", ("e", _SELF_TEST))
        v = q.variant(0)
        problems = []
        if self.parse(v, "2x").read_as != "2*x":
            problems.append(f"2x is read as {self.parse(v, '2x').read_as!r}, not '2*x'")
        try:
            self.parse(v, "y")
            problems.append("an unknown name is accepted")
        except EprepError:  # Unreadable or the grammar's own GrammarError
            pass
        if self.symbolic(q, v, equivalent):
            problems.append("the mistake x^2 is reported equivalent to the key 2*x")
        return problems


def key_samples(question: Any, variant: Any, evidence: Any, formulas: list) -> list[str]:
    """Each (label, formula) must match the probe's samples at every point."""
    problems = []
    for label, formula in formulas:
        reason = disagreement(variant, formula, evidence)
        if reason:
            problems.append(f"{label} {formula!r} disagrees with the engine {reason}")
    return problems


_SELF_TEST = """\
variables = { x = "real" }
answer = "2*x"
[[question.mistakes]]
answer = "x^2"
feedback.en = "squared"
"""

register(Expression())
