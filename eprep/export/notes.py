"""One exported note per question variant: its card fields (HTML), tags, deck and identity.

The same notes feed the Anki package and the JSON export. A note's fields hold HTML with the
labels in the note's language, so one note type (with fixed templates) serves every language;
with `--lang both` each field holds the Japanese text followed by the English one.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eprep.checker import kinds
from eprep.export.exam import exam_options
from eprep.export.identity import note_guid
from eprep.export.labels import label
from eprep.export.markup import Markup, code_block, code_inline, math_display, math_inline
from eprep.export.plots import Plot, PlotSet
from eprep.export.syllabus import area_of, area_title
from eprep.questions import Option, Question, Variant, format_number

# The note type's fields, in order. The first is Anki's sort field. Changing this list changes
# the note type's schema: rename the note type (anki.NOTE_TYPE_NAME) when it changes.
FIELDS = (
    "Prompt",
    "Title",
    "Code",
    "Choices",
    "Answer",
    "WhyNot",
    "Mistakes",
    "Solution",
    "Explanation",
    "Trap",
    "Plots",
    "Meta",
    "Id",
)
LETTERS = "ABCDEFGHIJ"
FORMATS = ("exam", "typed")
LANGS = ("ja", "en", "both")


@dataclass(frozen=True)
class Choice:
    """One option as shown on a card: its letter, HTML, whether it is the key, its feedback."""

    label: str
    html: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class ExportNote:
    """One note: a question's variant as the fields, tags and deck of an Anki note."""

    guid: str
    question_id: str
    variant: int
    deck: str
    tags: tuple[str, ...]
    kind: str
    asked_as: str  # "choice" (options on the front), "typed" or "derivation"
    difficulty: int
    area: str
    trap: bool
    values: Mapping[str, int | float]
    answer: str  # the key as plain text: an option letter, a number or a grammar formula
    choices: tuple[Choice, ...]
    fields: Mapping[str, str]
    media: tuple[str, ...]


def deck_name(question: Question) -> str:
    """`eprep::DAY::TOPIC`: one deck per day, one sub-deck per topic."""
    return f"eprep::{question.day}::{question.topic}"


def note_tags(question: Question) -> tuple[str, ...]:
    """Hierarchical Anki tags: topic, syllabus area, difficulty, kind, trap, the bank's tags."""
    tags = [
        f"eprep::topic::{question.day}::{question.topic}",
        f"eprep::area::{area_of(question)}",
        f"eprep::difficulty::{question.difficulty}",
        f"eprep::kind::{question.kind}",
    ]
    if question.trap is not None:
        tags.append("eprep::trap")
    tags += [f"eprep::tag::{tag}" for tag in question.tags]
    return tuple(tags)


def build_note(
    question: Question, k: int, langs: tuple[str, ...], fmt: str, plots: PlotSet, markup: Markup
) -> ExportNote:
    """The note for variant `k` of `question` in `langs` (one, or ja then en) and format `fmt`."""
    variant = question.variant(k)
    shown = _shown_options(question, variant, fmt)
    illustrations = plots.for_question(question.topic, question.tags)
    cards = [_Card(question, variant, lang, shown, illustrations, markup) for lang in langs]
    fields = {name: _merge([card.fields[name] for card in cards]) for name in FIELDS}
    first = cards[0]
    choices = tuple(
        Choice(
            c.label,
            _merge_inline([card.choices[i].html for card in cards]),
            c.correct,
            _merge_inline([card.choices[i].feedback for card in cards]),
        )
        for i, c in enumerate(first.choices)
    )
    return ExportNote(
        guid=note_guid(question.id, k),
        question_id=question.id,
        variant=k,
        deck=deck_name(question),
        tags=note_tags(question),
        kind=question.kind,
        asked_as=first.asked_as,
        difficulty=question.difficulty,
        area=area_of(question),
        trap=question.trap is not None,
        values=dict(variant.values),
        answer=first.answer,
        choices=choices,
        fields=fields,
        media=tuple(plot.name for plot in illustrations),
    )


def _shown_options(question: Question, variant: Variant, fmt: str) -> tuple[Option, ...] | None:
    if question.options:
        return tuple(question.options[i] for i in variant.option_order())
    if fmt == "exam":
        return exam_options(question, variant)
    return None


@dataclass(frozen=True)
class _Section:
    """A field's content in one language: a heading (a card label) and its HTML parts."""

    heading: str
    parts: tuple[str, ...]


def _section(heading: str, *parts: str) -> _Section:
    return _Section(heading, tuple(part for part in parts if part))


def _merge(contents: list[_Section | str]) -> str:
    """A field's HTML from its languages: one heading line, and each distinct part once.

    With `--lang both` a part that reads the same in both languages (a number, a formula, code,
    an option, the plots) appears once; otherwise the English part follows the Japanese one,
    set apart, so an option is followed by its feedback in each language.
    """
    sections = [c if isinstance(c, _Section) else _Section("", (c,) if c else ()) for c in contents]
    sections = [s for s in sections if s.parts]
    if not sections:
        return ""
    headings = " / ".join(dict.fromkeys(s.heading for s in sections if s.heading))
    out = [f"<h3>{headings}</h3>"] if headings else []
    if len({len(s.parts) for s in sections}) > 1:  # differently shaped: each language whole
        sections = [_Section(s.heading, ("".join(s.parts),)) for s in sections]
    for position in range(len(sections[0].parts)):
        first, *others = dict.fromkeys(s.parts[position] for s in sections)
        out.append(first)
        out += [f'<div class="eprep-second" lang="en">{other}</div>' for other in others]
    return "".join(out)


def _merge_inline(parts: list[str]) -> str:
    parts = list(dict.fromkeys(p for p in parts if p))
    if len(parts) < 2:
        return parts[0] if parts else ""
    return f'{parts[0]}<span class="eprep-second" lang="en">{parts[1]}</span>'


class _Card:
    """The fields of one note in one language."""

    def __init__(
        self,
        question: Question,
        variant: Variant,
        lang: str,
        shown: tuple[Option, ...] | None,
        plots: list[Plot],
        markup: Markup,
    ) -> None:
        self.q, self.v, self.lang, self.md = question, variant, lang, markup
        # a numeric key is a formula of the parameters: shown in them (that is the lesson)
        self.numeric = kinds.get(question.kind).key_is_number
        self.choices: list[Choice] = []
        self.answer = ""
        self.asked_as = (
            "choice" if shown else "derivation" if question.start is not None else "typed"
        )
        fields: dict[str, _Section | str] = dict.fromkeys(FIELDS, "")
        fields["Title"] = markup.inline(variant.title(lang))
        fields["Id"] = f"{question.id}#{variant.k}"
        code = variant.code()
        if code:
            fields["Code"] = code_block(code)
        prompt = markup.block(variant.prompt(lang))
        if shown:
            prompt += self._choice_fields(shown, fields)
        else:
            prompt += self._typed_fields(fields)
        fields["Prompt"] = prompt
        fields["Explanation"] = _section(
            label(lang, "explanation"), markup.block(variant.explanation(lang))
        )
        if question.trap is not None:
            fields["Trap"] = _section(
                label(lang, "trap"), markup.block(variant.render(question.trap, lang))
            )
        if plots:
            images = "".join(f'<img src="{plot.name}" alt="{plot.example}">' for plot in plots)
            fields["Plots"] = _section(
                label(lang, "examples"), f'<div class="eprep-plots">{images}</div>'
            )
        fields["Meta"] = self._meta()
        self.fields = fields

    # --- the front and back of the two forms a card can take

    def _choice_fields(self, shown: tuple[Option, ...], fields: dict[str, _Section | str]) -> str:
        items, why_not = [], []
        for letter, option in zip(LETTERS, shown, strict=False):
            option_html = self._option_html(option)
            feedback = (
                self.md.inline(self.v.render(option.feedback, self.lang)) if option.feedback else ""
            )
            self.choices.append(Choice(letter, option_html, option.correct, feedback))
            items.append(f'<li><span class="eprep-label">({letter})</span> {option_html}</li>')
            detail = self._formula_note(option)
            if option.correct:
                self.answer = letter
                body = f'<p><span class="eprep-key">({letter})</span> {option_html}{detail}</p>'
                fields["Answer"] = _section(
                    label(self.lang, "answer"), body, f"<p>{feedback}</p>" if feedback else ""
                )
            else:
                why_not += [
                    f'<p class="eprep-dt">({letter}) {option_html}{detail}</p>',
                    f'<p class="eprep-dd">{feedback}</p>' if feedback else "",
                ]
        fields["Choices"] = f'<ul class="eprep-options">{"".join(items)}</ul>'
        fields["WhyNot"] = _section(label(self.lang, "why_not"), *why_not) if why_not else ""
        used = {option.value or option.formula for option in shown}
        rest = [m for m in self.q.mistakes if m.answer not in used]
        fields["Mistakes"] = self._mistakes(rest)
        if self.q.answer is None:
            return ""
        return f"<p>{label(self.lang, 'choose_value' if self.numeric else 'choose_formula')}</p>"

    def _typed_fields(self, fields: dict[str, _Section | str]) -> str:
        q, v, lang = self.q, self.v, self.lang
        fields["Mistakes"] = self._mistakes(list(q.mistakes))
        if self.numeric and q.answer:
            value = format_number(v.key_value())
            self.answer = value
            tex = self._tex(q.answer)
            body = f'<p><span class="eprep-key">{value}</span> = {math_inline(tex)}</p>'
            fields["Answer"] = _section(label(lang, "answer"), body)
            return f"<p>{label(lang, 'typed_number')}</p>"
        if q.answer:
            self.answer = v.bind(q.answer)
            fields["Answer"] = _section(
                label(lang, "answer"), f"<p>{math_display(self._tex(q.answer))}</p>"
            )
        if q.start is not None:  # a derivation: from its start, step by step
            front = f"<p>{label(lang, 'derive')}</p>"
            if q.start:
                front += f"<p>{label(lang, 'start')}: {math_inline(self._tex(q.start))}</p>"
            steps = [q.start, *q.solution] if q.start else list(q.solution)
            if steps:
                lines = "".join(
                    f"<li>{math_inline(self._tex(step))}</li>" for step in steps if step
                )
                fields["Solution"] = _section(label(lang, "solution"), f"<ol>{lines}</ol>")
            return front
        names = ", ".join(math_inline(self._tex(name)) for name in q.variables)
        return f"<p>{label(lang, 'typed_formula', names=names)}</p>" if names else ""

    # --- pieces

    def _option_html(self, option: Option) -> str:
        shown = self.v.option_text(option, self.lang)
        if option.form == "text":
            return self.md.inline(shown)
        if option.form == "formula":
            return math_inline(self._tex(option.formula or ""))
        if option.form == "value":
            return f'<span class="eprep-value">{shown}</span>'
        return code_inline(shown)

    def _formula_note(self, option: Option) -> str:
        """For a value option of a numeric question: the formula that gives it (the lesson)."""
        if option.form == "value" and self.numeric and option.value:
            return f" = {math_inline(self._tex(option.value))}"
        return ""

    def _mistakes(self, mistakes: list[Any]) -> _Section | str:
        if not mistakes:
            return ""
        rows = []
        for mistake in mistakes:
            shown = math_inline(self._tex(mistake.answer))
            if self.numeric:
                shown += f" = {format_number(self.v.evaluate(mistake.answer))}"
            feedback = self.md.inline(self.v.render(mistake.feedback, self.lang))
            rows += [f'<p class="eprep-dt">{shown}</p>', f'<p class="eprep-dd">{feedback}</p>']
        return _section(label(self.lang, "mistakes"), *rows)

    def _tex(self, formula: str) -> str:
        """A bank formula as LaTeX: in the parameters for numeric questions (that is the lesson),
        with this variant's numbers written in for the other kinds."""
        from eprep.grammar import parse, to_latex

        bound = formula if self.numeric else self.v.bind(formula)
        return to_latex(parse(bound))

    def _meta(self) -> str:
        q, lang = self.q, self.lang
        parts = [
            f"{label(lang, 'difficulty')} {q.difficulty}",
            f"{label(lang, 'area')}: {area_title(area_of(q)).get(lang)}",
            f"{label(lang, 'source')}: {html.escape(q.source)}",
            f"{q.id}" + (f" · {label(lang, 'variant', k=self.v.k)}" if q.has_params else ""),
        ]
        return f'<div class="eprep-meta">{"<br>".join(parts)}</div>'
