"""Questions asked as the exam asks them: 4-choice items and code listings with blanks.

Every kind builds its exam item from what the bank already proves: a numeric or expression key
and three of its known mistakes (each proven to differ from the key), a choice question's own
options, a listing's blanks, a derivation's own solution with one line replaced by a known
mistake. `check_item` is the verification of an item (run by `eprep verify` on every variant).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any

from eprep.errors import EprepError
from eprep.grammar.vocabulary import close, exam_numbers, seed_of

EXAM_OPTIONS = 4  # the exam's items have four options
EXAM_DISTRACTORS = EXAM_OPTIONS - 1
DISTINCT_REL = 1e-6  # two numbers closer than this are the same option

# Leads shown under the prompt, in the exam's register (「…を選べ。」).
LEADS = {
    "value": {"en": "Choose the correct value.", "ja": "正しい値を選べ。"},
    "formula": {"en": "Choose the correct formula.", "ja": "正しい式を選べ。"},
    "blanks": {
        "en": "Choose the code that fills each blank {marks}.",
        "ja": "空欄{marks}に入るコードとして最も適切なものをそれぞれ選べ。",
    },
    "result": {
        "en": "The derivation below starts from the given expression. Choose the result it "
        "reaches.",
        "ja": "次の導出が到達する式として正しいものを選べ。",
    },
    "wrong_line": {
        "en": "Exactly one line of the derivation below is wrong. Choose that line.",
        "ja": "次の導出には誤った行が一つだけある。その行を選べ。",
    },
}
LINE = {"en": "line {n}", "ja": "{n} 行目"}
LINE_IS_RIGHT = {
    "en": "Line {n} equals the first line: it is right.",
    "ja": "{n} 行目は 1 行目の式と等しく、正しい。",
}


class ExamUnavailable(EprepError):
    """A question that cannot be asked in exam format (e.g. it has no known mistake)."""


@dataclass(frozen=True)
class ExamOption:
    """One option as shown: `text` is a number, a bound formula, a statement, code or a line."""

    text: str
    form: str  # "value" | "formula" | "text" | "code" | "line"
    correct: bool
    feedback: str | None = None
    formula: str | None = None  # the bank formula behind a value or formula option (unbound)
    source: Any = None  # the bank's Mistake or Option behind it (None for a key)


@dataclass(frozen=True)
class ExamGroup:
    """One set of options the learner picks from: the item's, or one blank's (`mark` (い))."""

    options: tuple[ExamOption, ...]
    mark: str | None = None

    @property
    def correct(self) -> int:
        return next(i for i, option in enumerate(self.options) if option.correct)


@dataclass(frozen=True)
class ExamItem:
    """A question in exam format: a lead, optional numbered formula lines, option groups."""

    lead: str
    groups: tuple[ExamGroup, ...]
    lines: tuple[str, ...] = ()  # a derivation shown line by line (bound formulas)
    planted: int | None = None  # index into `lines` of the line replaced by a mistake
    mistakes_used: int = 0  # how many known mistakes became distractors

    @property
    def blanks(self) -> bool:
        return any(group.mark for group in self.groups)


def _shuffle(variant: Any, items: list, salt: str) -> list:
    order = list(range(len(items)))
    random.Random(seed_of(variant.question.id, variant.k, f"{variant.family}:{salt}")).shuffle(
        order
    )
    return [items[i] for i in order]


def _lead(key: str, lang: str, **values: str) -> str:
    texts = LEADS[key]
    return (texts.get(lang) or texts["en"]).format(**values)


def exam_variant(question: Any, k: int) -> Any:
    """Variant k as the exam asks it (from `exam_params` when the question has them)."""
    return question.variant(k, exam=True)


# --- builders the kinds call -----------------------------------------------------------


def from_mistakes(variant: Any, lang: str = "en") -> ExamItem:
    """The key and up to three known mistakes as a 4-choice item (numbers or formulas)."""
    question = variant.question
    if question.variables:
        return _formula_item(variant, variant.bind(question.answer), "formula", lang)
    key = variant.key_value()
    values, feedback, sources = [key], [None], [None]
    for mistake in question.mistakes:
        if len(values) == EXAM_OPTIONS:
            break
        try:
            value = variant.evaluate(mistake.answer)
        except EprepError:
            continue
        if any(close(value, seen, DISTINCT_REL, 1e-12) for seen in values):
            continue  # a mistake that coincides with the key or another one here
        values.append(value)
        feedback.append(variant.render(mistake.feedback, lang))
        sources.append(mistake)
    texts = exam_numbers(values)
    options = [
        ExamOption(
            text, "value", i == 0, feedback[i], _formula_of(question, sources[i]), sources[i]
        )
        for i, text in enumerate(texts)
    ]
    group = ExamGroup(tuple(_shuffle(variant, options, "exam-options")))
    return ExamItem(_lead("value", lang), (group,), mistakes_used=len(values) - 1)


def _formula_item(variant: Any, key: str, lead: str, lang: str, lines=()) -> ExamItem:
    question = variant.question
    options = [ExamOption(key, "formula", True, None, question.answer)]
    for mistake in question.mistakes[:EXAM_DISTRACTORS]:
        options.append(
            ExamOption(variant.bind(mistake.answer), "formula", False,
                       variant.render(mistake.feedback, lang), mistake.answer, mistake)
        )  # fmt: skip
    group = ExamGroup(tuple(_shuffle(variant, options, "exam-options")))
    return ExamItem(_lead(lead, lang), (group,), tuple(lines), mistakes_used=len(options) - 1)


def _formula_of(question: Any, mistake: Any) -> str:
    return question.answer if mistake is None else mistake.answer


def from_options(variant: Any, lang: str = "en") -> ExamItem:
    """A choice question is already an exam item: its options in their shown order."""
    options = [variant.question.options[i] for i in variant.option_order()]
    shown = [_option(variant, option, lang) for option in options]
    if all(option.value is not None for option in options):  # numbers as the exam prints them
        texts = exam_numbers([variant.evaluate(option.value) for option in options])
        shown = [dataclasses.replace(o, text=t) for t, o in zip(texts, shown, strict=True)]
    return ExamItem("", (ExamGroup(tuple(shown)),))


def _option(variant: Any, option: Any, lang: str) -> ExamOption:
    feedback = variant.render(option.feedback, lang) if option.feedback else None
    text = variant.option_text(option, lang)
    if option.formula is not None:
        text = variant.bind(option.formula)
    return ExamOption(
        text, option.form, option.correct, feedback, option.formula or option.value, option
    )


def blank_order(variant: Any, blank_index: int) -> list[int]:
    """Indices of one blank's options in the order shown (shuffled, same per variant).

    Blank あ uses the stream a one-blank question's options always used.
    """
    salt = ":options" if blank_index == 0 else f":blank{blank_index}"
    order = list(range(len(variant.question.blanks[blank_index].options)))
    random.Random(seed_of(variant.question.id, variant.k, salt)).shuffle(order)
    return order


def from_blanks(variant: Any, lang: str = "en") -> ExamItem:
    """A code listing: one group of options per blank, each in its shown order."""
    blanks = variant.question.blanks
    several = len(blanks) > 1
    groups = tuple(
        ExamGroup(
            tuple(_option(variant, blank.options[i], lang) for i in blank_order(variant, b)),
            blank.mark if several else None,
        )
        for b, blank in enumerate(blanks)
    )
    lead = _lead("blanks", lang, marks="".join(b.mark for b in blanks)) if several else ""
    return ExamItem(lead, groups)


def derivation_lines(variant: Any) -> list[str]:
    """The model chain start, solution..., answer (bound), without repeated lines."""
    question = variant.question
    lines: list[str] = []
    for formula in (question.start, *question.solution, question.answer):
        bound = variant.bind(formula)
        if not lines or bound.replace(" ", "") != lines[-1].replace(" ", ""):
            lines.append(bound)
    return lines


def derivation_item(variant: Any, lang: str = "en") -> ExamItem:
    """ "Which result does this derivation reach?" or "which line is wrong?" (one line after
    the start replaced by a known mistake), chosen per question and variant from its seed (so a
    bank of parameter-free derivations, always variant 0, still has both forms)."""
    question = variant.question
    if not question.mistakes:
        raise ExamUnavailable(f"{question.id}: a derivation needs a known mistake for the exam")
    lines = derivation_lines(variant)
    wrong_line = seed_of(question.id, variant.k, f"{variant.family}:exam-form") % 2 == 1
    if not wrong_line or len(lines) < 3:
        shown = lines[:-1]
        return _formula_item(variant, variant.bind(question.answer), "result", lang, shown)
    rng = random.Random(seed_of(question.id, variant.k, f"{variant.family}:exam-line"))
    planted = rng.randrange(1, len(lines))
    mistake = question.mistakes[rng.randrange(len(question.mistakes))]
    lines[planted] = variant.bind(mistake.answer)
    others = [i for i in range(1, len(lines)) if i != planted]
    chosen = sorted([planted, *rng.sample(others, min(EXAM_DISTRACTORS, len(others)))])
    line = LINE.get(lang) or LINE["en"]
    follows = LINE_IS_RIGHT.get(lang) or LINE_IS_RIGHT["en"]
    options = tuple(
        ExamOption(
            line.format(n=i + 1), "line", i == planted,
            variant.render(mistake.feedback, lang) if i == planted else follows.format(n=i + 1),
        )
        for i in chosen
    )  # fmt: skip
    return ExamItem(_lead("wrong_line", lang), (ExamGroup(options),), tuple(lines), planted)


# --- asking and verifying ----------------------------------------------------------------


def grade(item: ExamItem, picks: list[int], shown: Any = str) -> Any:
    """Judge one pick per group: right when every group's pick is its correct option.

    `shown(option)` is how an option's text is printed in the key and the review log.
    """
    from eprep.checker.kinds.base import LETTERS, Outcome

    answers, keys, feedback = [], [], []
    for group, pick in zip(item.groups, picks, strict=True):
        mark = f"{group.mark} " if group.mark else ""
        option = group.options[pick]
        answers.append(f"{mark}{LETTERS[pick]}: {shown(option)}")
        keys.append(f"{mark}{LETTERS[group.correct]}) {shown(group.options[group.correct])}")
        if not option.correct and option.feedback:
            feedback.append(mark + option.feedback)
    correct = all(g.options[p].correct for g, p in zip(item.groups, picks, strict=True))
    return Outcome(correct=correct, answer="; ".join(answers), key="\n".join(keys),
                   feedback="\n\n".join(feedback) or None)  # fmt: skip


def exam_item(variant: Any, lang: str = "en") -> ExamItem:
    """The exam-format item of a variant, built by its kind."""
    from eprep.checker import kinds

    return kinds.get(variant.question.kind).exam_item(variant, lang)


def check_item(question: Any, variant: Any, equivalent: Any) -> list[str]:
    """Reasons the exam item of this variant is unsound (empty when it is sound)."""
    try:
        item = exam_item(variant, "en")
    except EprepError as error:
        return [f"no exam item: {error}"]
    problems = []
    for group in item.groups:
        where = f"blank {group.mark}: " if group.mark else ""
        if sum(option.correct for option in group.options) != 1:
            problems.append(f"{where}the exam item does not have exactly one correct option")
        texts = [option.text for option in group.options]
        if len(set(texts)) != len(texts):
            problems.append(f"{where}two exam options read the same: {texts}")
    if question.answer is not None and question.mistakes and not question.options:
        formulas = [o for o in item.groups[0].options if o.form == "formula" and not o.correct]
        for i, a in enumerate(formulas):
            for b in formulas[i + 1 :]:
                if equivalent(a.text, b.text, question.variables):
                    problems.append(f"distractors {a.text!r} and {b.text!r} are equivalent")
    if kinds_of(question).exam_from_mistakes and item.mistakes_used < EXAM_DISTRACTORS:
        problems.append(
            f"the exam item has {item.mistakes_used} distractor(s): the bank needs at least "
            f"{EXAM_DISTRACTORS} known mistakes that differ from the key here"
        )
    planted = item.lines[item.planted] if item.planted is not None else None
    if planted is not None and equivalent(planted, item.lines[0], question.variables):
        problems.append(f"the planted wrong line {planted!r} is not wrong")
    return problems


def kinds_of(question: Any) -> Any:
    from eprep.checker import kinds

    return kinds.get(question.kind)
