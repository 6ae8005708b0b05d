"""The contract between `collect.py` and the templates: the shape of every view they render.

Each view is a `TypedDict` (the templates read them as mappings, `q.title`, `q["key"]`), so
mypy checks that `collect.py` builds exactly these keys with these types, and a reader sees in
one place what a template may use. HTML fields hold markup already rendered and escaped.
"""

from __future__ import annotations

from typing import TypedDict


class FormulaView(TypedDict):
    """A bank formula: MathML, and the grammar text a learner would type for it."""

    math: str
    text: str


class MistakeView(FormulaView):
    feedback: str  # HTML


class OptionView(TypedDict):
    """One option of a choice question, in the order shown."""

    html: str
    form: str  # "text", "formula", "value" or "code"
    correct: bool
    feedback: str  # HTML, "" when the bank has none


class BlankOptionView(TypedDict):
    html: str
    correct: bool
    feedback: str


class BlankView(TypedDict):
    """One blank of a code listing: its mark ((あ)) and its options in the order shown."""

    mark: str
    index: int
    options: list[BlankOptionView]


class ExamOptionView(TypedDict):
    html: str
    correct: bool
    feedback: str


class ExamView(TypedDict):
    """A typed question as the exam asks it: a 4-choice form behind a toggle."""

    dom_id: str
    lead: str
    prompt: str
    lines: list[str]  # MathML of a derivation's lines
    options: list[ExamOptionView]
    data_json: str


class ProofView(TypedDict):
    """Which witnesses hold for the question, as the checker's `proof_of` reports them."""

    witnesses: list[str]
    sourced: bool
    reference: str | None
    exact_note: str


class QuestionView(TypedDict):
    """Everything a question block shows (variant 0), rendered to HTML."""

    id: str
    dom_id: str
    kind: str
    widget: str  # how the self-check is answered: "typed", "options", "blanks"
    hint: str | None
    precision: str | None  # "3 significant figures": the checker's precision rule, numeric only
    blanks: list[BlankView]
    exam: ExamView | None
    title: str
    title_text: str
    prompt: str
    explanation: str
    trap: str
    options: list[OptionView]
    mistakes: list[MistakeView]
    key_text: str
    key: FormulaView | None
    start: FormulaView | None
    solution: list[FormulaView]
    code: str
    variables: list[str]
    data_json: str  # the self-check's data for the page's JavaScript
    probe: str
    proof: ProofView
    source: str
    difficulty: int
    tags: list[str]
    has_params: bool
    url: str
    topic_url: str


class ExampleView(TypedDict):
    """A classic experiment: its claim, the checks of its result, its plots, its own page."""

    name: str
    claim: str
    url: str
    explanation: str
    checks: list[CheckView]
    plots: list[str]


class CheckView(TypedDict):
    statement: str
    ok: bool
    measured: str


class TopicNav(TypedDict):
    key: str
    title: str
    url: str
    count: int


class DayNav(TypedDict):
    name: str
    title: str
    summary: str
    url: str
    topics: list[TopicNav]
    count: int


class SheetLine(TypedDict):
    """A line of a day's formula sheet."""

    label: str
    topic: str
    mathml: str
