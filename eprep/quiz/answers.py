"""Reading a learner's answer by question kind and judging it against the variant's key.

Choice, code and numeric answers are judged here with the answer grammar alone (no SymPy), so
most questions are graded instantly; expressions and derivations go to `eprep.checker`, which is
imported only when such an answer arrives (or warmed in the background, see `session`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError

if TYPE_CHECKING:
    from eprep.questions import Option, Variant


class Unreadable(EprepError):
    """An answer that cannot be read (the learner is told why and asked again)."""


@dataclass
class Outcome:
    """A judged answer: right or wrong, and everything the feedback shows."""

    correct: bool
    answer: str  # as stored in the review log
    key: str  # the right answer, ready to print
    read_as: str | None = None
    feedback: str | None = None  # targeted feedback of a known mistake or a picked option
    diagnosis: str | None = None  # the checker's explanation of a wrong answer (with a witness)
    details: list[str] = field(default_factory=list)  # e.g. per-step marks of a derivation


LETTERS = string.ascii_lowercase


# --- choice and code ---------------------------------------------------------------------------


def shown_options(variant: Variant) -> list[Option]:
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
    raise Unreadable(f"{shown!r} is not an option: type a letter a–{last}")


def judge_choice(variant: Variant, picked: int, lang: str) -> Outcome:
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


# --- numeric -----------------------------------------------------------------------------------


def read_number(text: str) -> tuple[float, str]:
    """A number or constant expression (`1/4`, `2^-3`) and how it was read."""
    from eprep.grammar import evaluate, free_symbols, parse, to_text

    if not text.strip():
        raise Unreadable("empty answer: type a number")
    node = parse(text)  # GrammarError (an EprepError) names the column
    unknown = free_symbols(node)
    if unknown:
        raise Unreadable(f"a number is expected, but this uses {', '.join(sorted(unknown))}")
    return evaluate(node, {}), to_text(node)


def judge_numeric(variant: Variant, value: float, text: str, lang: str) -> Outcome:
    from eprep.questions import format_number

    question = variant.question
    key = variant.key_value()
    correct = question.tolerance.accepts(value, key)
    feedback = diagnosis = None
    if not correct:
        for mistake in question.mistakes:
            try:
                wrong = variant.evaluate(mistake.answer)
            except EprepError:
                continue
            if question.tolerance.accepts(value, wrong):
                feedback = variant.render(mistake.feedback, lang)
                break
        if feedback is None:
            diagnosis = _numeric_diagnosis(value, key)
    return Outcome(correct=correct, answer=text, key=format_number(key), feedback=feedback,
                   diagnosis=diagnosis)  # fmt: skip


def _numeric_diagnosis(value: float, key: float) -> str | None:
    """A short hint about how a wrong number relates to the key."""
    from eprep.questions import format_number

    if key != 0 and abs(value + key) <= 1e-9 * abs(key):
        return "the sign is wrong"
    if key != 0 and value != 0:
        ratio = value / key
        if (factor := _telling_factor(ratio)) is not None:
            return f"yours is {format_number(factor)} times the key"
        if (factor := _telling_factor(1 / ratio)) is not None:
            return f"the key is {format_number(factor)} times yours"
    return f"off by {format_number(value - key)}"


def _telling_factor(ratio: float) -> int | None:
    """`ratio` as a factor a learner plausibly slipped by (2, 1/2 the other way, 10, 100...)."""
    factor = round(ratio)
    if abs(ratio - factor) >= 1e-9:
        return None
    # Larger whole ratios are coincidences of the numbers, not a slip worth naming.
    return factor if 2 <= abs(factor) <= 10 or abs(factor) in (100, 1000) else None


# --- expressions and derivations (the checker) -------------------------------------------------


def read_expression(
    text: str, variables: Mapping[str, str], functions: frozenset[str] = frozenset()
) -> str:
    """How an expression answer is read (`to_text` of its parse); Unreadable when it cannot be."""
    from eprep.grammar import free_symbols, parse, to_text

    if not text.strip():
        raise Unreadable("empty answer: type an expression")
    node = parse(
        text, variables=sorted(variables), e_is_variable="e" in variables, functions=functions
    )
    unknown = free_symbols(node) - set(variables)
    if unknown:
        known = ", ".join(sorted(variables)) or "none"
        raise Unreadable(f"unknown name {', '.join(sorted(unknown))} (variables: {known})")
    return to_text(node)


def judge_expression(variant: Variant, text: str, read_as: str, lang: str) -> Outcome:
    """Judge an expression with the checker; a known mistake's feedback, else its diagnosis."""
    from eprep.checker import judge
    from eprep.quiz.render import pretty_formula

    question = variant.question
    assert question.answer is not None
    key = variant.bind(question.answer)
    mistakes = [variant.bind(m.answer) for m in question.mistakes]
    variables = dict(question.variables)
    judgement = judge(
        text, key, variables, mistakes, e_is_variable="e" in variables,
        functions=question.functions,
    )  # fmt: skip
    feedback = diagnosis = None
    if not judgement.correct:
        index = judgement.mistake_index
        if index is not None:
            feedback = variant.render(question.mistakes[index].feedback, lang)
        else:
            diagnosis = _verdict_text(judgement.verdict)
    return Outcome(correct=judgement.correct, answer=text, key=pretty_formula(key),
                   read_as=read_as, feedback=feedback, diagnosis=diagnosis)  # fmt: skip


def judge_derivation(variant: Variant, text: str) -> Outcome:
    """Check a derivation step by step; it must start at the question's start and end at its key."""
    from eprep.checker import check_derivation
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
            diagnosis = f"line {failure.line}: {_verdict_text(failure.verdict)}"
        elif report.start_ok is False and report.start_verdict is not None:
            diagnosis = f"the first line is not the start: {_verdict_text(report.start_verdict)}"
        elif report.end_ok is False and report.end_verdict is not None:
            diagnosis = f"the last line is not the target: {_verdict_text(report.end_verdict)}"
    solution = [start or ""] + [variant.bind(s) for s in question.solution]
    key = "\n".join(
        ("  " if i == 0 else "= ") + pretty_formula(step) for i, step in enumerate(solution) if step
    )
    return Outcome(correct=report.ok, answer=text, key=key, diagnosis=diagnosis,
                   details=details)  # fmt: skip


def _verdict_text(verdict: Any) -> str:
    """The checker's one-line message, with its diagnosis when it has one."""
    text = verdict.message
    if verdict.diagnosis and verdict.diagnosis not in text:
        text += f" ({verdict.diagnosis})"
    return text
