"""numeric: a number (or constant expression) against the key, within the tolerance."""

from __future__ import annotations

import math
from typing import Any

from eprep.checker.kinds import register
from eprep.checker.kinds.base import CheckKind, Outcome, Unreadable, self_test_bank
from eprep.checker.precision import Precision
from eprep.errors import EprepError
from eprep.grammar.vocabulary import close, format_number


def read_number(text: str) -> tuple[float, str]:
    """A number or constant expression (`1/4`, `2^-3`) and how it was read."""
    from eprep.grammar import evaluate, free_symbols, parse, to_text

    if not text.strip():
        raise Unreadable("empty answer: type a number", "解答が空である。数値を入力せよ。")
    node = parse(text)  # GrammarError (an EprepError) names the column
    unknown = free_symbols(node)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise Unreadable(
            f"a number is expected, but this uses {names}",
            f"数値を入力せよ（{names} が含まれている）",
        )
    return evaluate(node, {}), to_text(node)


def judge_numeric(variant: Any, value: float, text: str, lang: str) -> Outcome:
    """Right at the precision asked; else a known mistake's feedback, a near miss (rounding), or
    how it relates to the key."""
    from eprep.checker.precision import precision

    question = variant.question
    key = variant.key_value()
    asked = precision(question.tolerance, key)
    correct = asked.accepts(value)
    feedback = diagnosis = None
    near = False
    if not correct:
        for mistake in question.mistakes:
            try:
                wrong = variant.evaluate(mistake.answer)
            except EprepError:
                continue
            if precision(question.tolerance, wrong).accepts(value):  # the same rule as the key
                feedback = variant.render(mistake.feedback, lang)
                break
        if feedback is None:
            near = asked.near(value)
            if near:
                diagnosis = _NEAR[lang if lang in _NEAR else "en"].format(
                    key=format_number(key), asked=asked.describe(lang)
                )
            else:
                diagnosis = numeric_diagnosis(value, key, lang)
    return Outcome(correct=correct, answer=text, key=format_number(key), feedback=feedback,
                   diagnosis=diagnosis, near=near)  # fmt: skip


_NEAR = {
    "en": "close — rounding? the key is {key} ({asked} were asked for)",
    "ja": "惜しい — 丸め方か？ 正解は {key}（{asked}で答える）",
}


def asked_precision(variant: Any) -> Precision:
    """The precision a variant's answer is asked and judged at (`eprep.checker.precision`)."""
    from eprep.checker.precision import precision

    return precision(variant.question.tolerance, variant.key_value())


_HINTS = {
    "en": {
        "sign": "the sign is wrong",
        "times": "yours is {factor} times the key",
        "key_times": "the key is {factor} times yours",
        "off": "off by {delta}",
    },
    "ja": {
        "sign": "符号が逆",
        "times": "正解の {factor} 倍になっている",
        "key_times": "正解はこの答えの {factor} 倍",
        "off": "正解との差は {delta}",
    },
}


def numeric_diagnosis(value: float, key: float, lang: str = "en") -> str | None:
    """A short hint about how a wrong number relates to the key."""
    hints = _HINTS.get(lang, _HINTS["en"])
    if key != 0 and abs(value + key) <= 1e-9 * abs(key):
        return hints["sign"]
    if key != 0 and value != 0:
        ratio = value / key
        if (factor := _telling_factor(ratio)) is not None:
            return hints["times"].format(factor=format_number(factor))
        if (factor := _telling_factor(1 / ratio)) is not None:
            return hints["key_times"].format(factor=format_number(factor))
    return hints["off"].format(delta=format_number(value - key))


def _telling_factor(ratio: float) -> int | None:
    """`ratio` as a factor a learner plausibly slipped by (2, 1/2 the other way, 10, 100...)."""
    factor = round(ratio)
    if abs(ratio - factor) >= 1e-9:
        return None
    # Larger whole ratios are coincidences of the numbers, not a slip worth naming.
    return factor if 2 <= abs(factor) <= 10 or abs(factor) in (100, 1000) else None


class Numeric(CheckKind):
    name = "numeric"
    key_is_number = True
    exam_from_mistakes = True

    def parse(self, variant: Any, text: str) -> tuple[float, str]:
        value, _read_as = read_number(text)
        return value, text.strip()

    def grade(self, variant: Any, answer: tuple[float, str], lang: str = "en") -> Outcome:
        return judge_numeric(variant, answer[0], answer[1], lang)

    def symbolic(self, question: Any, variant: Any, equivalent: Any) -> list[str]:
        from eprep.checker.precision import precision

        key = variant.key_value()
        if not math.isfinite(key):
            return [f"the key {question.answer!r} is not a finite number ({key})"]
        problems = []
        asked = precision(question.tolerance, key)
        for mistake in question.mistakes:
            value = variant.evaluate(mistake.answer)
            if asked.accepts(value):
                problems.append(
                    f"mistake {mistake.answer!r} = {value:.6g} is accepted as the key {key:.6g}"
                    f" (at {asked.describe()})"
                )
        return problems

    def against_value(self, question: Any, variant: Any, evidence: Any) -> list[str]:
        key, measured = variant.key_value(), float(evidence.value)
        if not close(key, measured, evidence.rel_tol, evidence.abs_tol):
            return [f"key {question.answer!r} = {key:.10g}, engine = {measured:.10g}"]
        return []

    def exam_item(self, variant: Any, lang: str = "en") -> Any:
        from eprep.checker.exam import from_mistakes

        return from_mistakes(variant, lang)

    def test(self, equivalent: Any) -> list[str]:
        (q,) = self_test_bank("numeric", ("n", _SELF_TEST))
        v = q.variant(0)
        problems = []
        if not self.grade(v, self.parse(v, "12/4"), "en").correct:
            problems.append("3 written as 12/4 is not accepted")
        wrong = self.grade(v, self.parse(v, "4"), "en")
        if wrong.correct or wrong.feedback != "off by one":
            problems.append("the known mistake 4 does not get its feedback")
        if self.symbolic(q, v, equivalent):
            problems.append("a sound key is reported unsound")
        return problems


_SELF_TEST = """\
answer = "1 + 2"
[[question.mistakes]]
answer = "4"
feedback.en = "off by one"
"""

register(Numeric())
