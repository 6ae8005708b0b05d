"""code: an exam-style listing with blanks (あ)(い)…, each filled by picking one option.

Verification runs the listing with the key in every blank (it must pass the code probe) and
with each single wrong option in each blank, the other blanks keyed (each must fail).
"""

from __future__ import annotations

from typing import Any

from eprep.checker.exam import blank_order, from_blanks
from eprep.checker.kinds import register
from eprep.checker.kinds.base import (
    LETTERS,
    CheckKind,
    Outcome,
    self_test_bank,
    stop_at_first_failure,
)
from eprep.checker.kinds.choice import read_letter

__all__ = ["blank_order", "completed"]  # blank_order: the exam's order, re-exported


def completed(variant: Any, picks: dict[int, int] | None = None) -> str:
    """The listing with every blank keyed, except blank b holding option `picks[b]`."""
    from eprep.questions import substitute

    source = variant.code() or ""
    for b, blank in enumerate(variant.question.blanks):
        option = blank.options[picks[b]] if picks and b in picks else blank.correct_option
        source = source.replace(blank.mark, substitute(option.code or "", variant.values), 1)
    return source


def judge_blanks(variant: Any, picked: list[int], lang: str) -> Outcome:
    """Picked shown positions, one per blank: right when every blank holds its key."""
    question = variant.question
    answers, keys, feedback, right = [], [], [], True
    for b, blank in enumerate(question.blanks):
        order = blank_order(variant, b)
        option = blank.options[order[picked[b]]]
        key_at = next(i for i, index in enumerate(order) if blank.options[index].correct)
        answers.append(f"{blank.mark} {LETTERS[picked[b]]}: {variant.option_text(option, lang)}")
        keys.append(f"{blank.mark} {LETTERS[key_at]}) {variant.option_text(blank.correct_option)}")
        if not option.correct:
            right = False
            if option.feedback:
                feedback.append(f"{blank.mark} {variant.render(option.feedback, lang)}")
    if len(question.blanks) == 1:  # the one-blank form reads as a choice question always did
        answers = [a.split(" ", 1)[1] for a in answers]
        keys = [k.split(" ", 1)[1] for k in keys]
        feedback = [f.split(" ", 1)[1] for f in feedback]
    return Outcome(correct=right, answer="; ".join(answers), key="\n".join(keys),
                   feedback="\n\n".join(feedback) or None)  # fmt: skip


class Code(CheckKind):
    name = "code"
    runs_code = True

    def parse(self, variant: Any, text: str) -> list[int]:
        """One letter per blank, separated by spaces or commas (`b d a`)."""
        letters = text.replace(",", " ").split()
        blanks = variant.question.blanks
        if len(blanks) == 1:
            return [read_letter(text, len(blanks[0].options))]
        from eprep.checker.kinds.base import Unreadable

        if len(letters) != len(blanks):
            raise Unreadable(
                f"type {len(blanks)} letters, one per blank",
                f"空欄ごとに 1 つずつ、{len(blanks)} 個の記号を入力せよ。",
            )
        return [read_letter(t, len(b.options)) for t, b in zip(letters, blanks, strict=True)]

    def grade(self, variant: Any, answer: list[int], lang: str = "en") -> Outcome:
        return judge_blanks(variant, answer, lang)

    def engine(
        self, question: Any, variant: Any, *, code_timeout: float, trust_bank: bool = False
    ) -> list[str]:
        from pathlib import Path

        from eprep.checker import probes
        from eprep.checker.verify_sandbox import code_policy, run_completed_template
        from eprep.questions import bundled_bank_dir

        name = question.probe
        if not probes.is_code_probe(name):
            try:
                probes.get_probe(name)
                hint = " (it is a value probe)"
            except KeyError:
                hint = ""
            return [f"no code probe named {name!r}" + hint]

        bundled = Path(question.path).resolve().is_relative_to(bundled_bank_dir())
        confine, refusal = code_policy(trusted=bundled or trust_bank)
        if refusal is not None:
            return [refusal]

        def run(picks: dict[int, int] | None) -> Any:
            return run_completed_template(
                completed(variant, picks), name, dict(variant.values), variant.seed,
                question.probe_args, timeout=code_timeout, confine=confine,
            )  # fmt: skip

        problems = []
        several = len(question.blanks) > 1
        key = run(None)
        if not key.passed:
            what = (
                "the listing with every blank keyed"
                if several
                else "the correct " + _label(question.blanks[0].correct_option)
            )
            problems.append(f"{what} fails: {key.reason}")
            if stop_at_first_failure():  # the mutation test needs no more (see kinds.base)
                return problems
        for b, blank in enumerate(question.blanks):
            for option in blank.options:
                if not option.correct and run({b: option.index}).passed:
                    where = f"{blank.mark} " if several else ""
                    problems.append(f"distractor {where}{_label(option)} passes the code probe")
        return problems

    def exam_item(self, variant: Any, lang: str = "en") -> Any:
        return from_blanks(variant, lang)

    def test(self, equivalent: Any) -> list[str]:
        (q,) = self_test_bank("code", ("code", _SELF_TEST))
        v = q.variant(0)
        problems = []
        if "x = 1 + 2" not in completed(v):
            problems.append("the keyed listing does not fill every blank")
        picks = []
        for b in range(len(q.blanks)):
            order = blank_order(v, b)
            picks.append(
                next(i for i, index in enumerate(order) if q.blanks[b].options[index].correct)
            )
        if not self.grade(v, picks, "en").correct:
            problems.append("every blank keyed is judged wrong")
        wrong = [picks[0], (picks[1] + 1) % 2]
        outcome = self.grade(v, wrong, "en")
        if outcome.correct or "(い) minus" not in (outcome.feedback or ""):
            problems.append("a wrong second blank is not judged wrong with its feedback")
        return problems


def _label(option: Any) -> str:
    return f"option {option.index + 1} ({_one_line(option.code)})"


def _one_line(code: str | None) -> str:
    text = " ".join((code or "").split())
    return text if len(text) <= 50 else text[:47] + "..."


_SELF_TEST = """\
code = "x = (あ) (い) 2"
[[question.blanks]]
label = "あ"
[[question.blanks.options]]
code = "1"
correct = true
[[question.blanks.options]]
code = "0"
[[question.blanks]]
label = "い"
[[question.blanks.options]]
code = "+"
correct = true
[[question.blanks.options]]
code = "-"
feedback.en = "minus"
"""

register(Code())
