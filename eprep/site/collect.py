"""Collect the site's pages: one `Page` per output file, with the data its template needs.

Paths are site-relative POSIX paths; templates turn them into relative links (`rel`) so the site
works from `file://`. Every list is in bank order, so the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eprep.checker import kinds as check_kinds
from eprep.grammar.guide import notation_guide
from eprep.site import kinds as site_kinds
from eprep.site.examples import ExampleOutput, for_topic
from eprep.site.i18n import strings, without_verdict
from eprep.site.markup import Markup, code_block, tex_to_mathml
from eprep.site.model import (
    BlankOptionView,
    BlankView,
    DayNav,
    ExamOptionView,
    ExampleView,
    ExamView,
    FormulaView,
    MistakeView,
    OptionView,
    ProofView,
    QuestionView,
    SheetLine,
    TopicNav,
)
from eprep.site.selfcheck import check_data, to_json

if TYPE_CHECKING:
    from eprep.checker.exam import ExamOption
    from eprep.questions import Bank, Question, Variant


@dataclass
class Page:
    """One output HTML file: where it goes, which template, and the template's context."""

    path: str
    template: str
    lang: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


def day_path(lang: str, day: str) -> str:
    return f"{lang}/days/{day}.html"


def topic_path(lang: str, topic_key: str) -> str:
    return f"{lang}/topics/{topic_key}.html"


def question_path(lang: str, question_id: str) -> str:
    return f"{lang}/questions/{question_id}.html"


def _proof(question: Question) -> ProofView:
    """Which witnesses hold for this question, as the checker reports them (never re-derived)."""
    from eprep.checker import proof_of

    proof = proof_of(question)
    return {
        "witnesses": list(proof.witnesses),
        "sourced": proof.sourced,
        "reference": proof.reference,
        "exact_note": site_kinds.get(question.kind).exact_note,
    }


def question_view(question: Question, lang: str, markup: Markup) -> QuestionView:
    """Everything a question block shows, for variant 0, rendered to HTML."""
    variant = question.variant(0)
    where = f"{question.location}: {question.id}"
    kind = site_kinds.get(question.kind)
    order = variant.option_order() if kind.widget == "options" else []
    options: list[OptionView] = []
    for index in order:
        option = question.options[index]
        shown = variant.option_text(option, lang)
        if option.form == "text":
            html = markup.inline(shown, f"{where} option {index + 1}")
        elif option.form == "formula" and option.formula is not None:
            html = formula_view(question, variant, option.formula, f"{where} option {index + 1}")[
                "math"
            ]
        else:
            html = code_block(shown, "python" if option.form == "code" else "text")
        feedback = variant.render(option.feedback, lang)
        feedback = without_verdict(feedback) if option.correct else feedback
        options.append(
            {
                "html": html,
                "form": option.form,
                "correct": option.correct,
                "feedback": markup.inline(feedback, f"{where} option {index + 1} feedback")
                if feedback
                else "",
            }
        )
    mistakes: list[MistakeView] = [
        {
            **formula_view(question, variant, m.answer, f"{where} mistake {i + 1}"),
            "feedback": markup.inline(variant.render(m.feedback, lang), f"{where} mistake {i + 1}"),
        }
        for i, m in enumerate(question.mistakes)
    ]
    data = check_data(question, variant, order)
    key_text = kind.key_text(data)
    key: FormulaView | None = None
    if kind.widget == "typed" and question.answer:
        key = formula_view(question, variant, question.answer, f"{where} answer")
    template = variant.code()
    return {
        "id": question.id,
        "dom_id": "q-" + question.id.replace(".", "-"),
        "kind": question.kind,
        "widget": kind.widget,
        "hint": kind.hint,
        "precision": kind.note(question, data, lang),
        "blanks": blanks_view(question, variant, lang, markup, where),
        "exam": exam_view(question, lang, markup, where) if kind.widget == "typed" else None,
        "title": markup.inline(variant.title(lang), f"{where} title"),
        "title_text": variant.title(lang),
        "prompt": markup.block(variant.prompt(lang), f"{where} prompt"),
        "explanation": markup.block(variant.explanation(lang), f"{where} explanation"),
        "trap": markup.inline(variant.render(question.trap, lang), f"{where} trap")
        if question.trap
        else "",
        "options": options,
        "mistakes": mistakes,
        "key_text": key_text,
        "key": key,
        "start": formula_view(question, variant, question.start, f"{where} start")
        if question.start
        else None,
        "solution": [
            formula_view(question, variant, step, f"{where} solution step {i + 1}")
            for i, step in enumerate(question.solution)
        ],
        "code": code_block(template.strip("\n")) if template else "",
        "variables": sorted(question.variables),
        "data_json": to_json(data),
        "probe": question.probe or "",
        "proof": _proof(question),
        "source": question.source,
        "difficulty": question.difficulty,
        "tags": list(question.tags),
        "has_params": question.has_params,
        "url": question_path(lang, question.id),
        "topic_url": topic_path(lang, f"{question.day}.{question.topic}"),
    }


def blanks_view(
    question: Question, variant: Variant, lang: str, markup: Markup, where: str
) -> list[BlankView]:
    """Every blank of a code listing: its mark and its options in the order shown."""
    from eprep.checker.kinds.code import blank_order

    views: list[BlankView] = []
    for b, blank in enumerate(question.blanks):
        options: list[BlankOptionView] = []
        for index in blank_order(variant, b):
            option = blank.options[index]
            feedback = variant.render(option.feedback, lang)
            feedback = without_verdict(feedback) if option.correct else feedback
            options.append(
                {
                    "html": code_block(variant.option_text(option, lang), "python"),
                    "correct": option.correct,
                    "feedback": markup.inline(feedback, f"{where} {blank.mark} feedback")
                    if feedback
                    else "",
                }
            )
        views.append({"mark": blank.mark, "index": b, "options": options})
    return views


def exam_view(question: Question, lang: str, markup: Markup, where: str) -> ExamView:
    """The question as the exam asks it (variant 0 of its exam family): a 4-choice form."""
    from eprep.checker.exam import exam_item

    variant = question.variant(0, exam=True)
    item = exam_item(variant, lang)
    group = item.groups[0]
    options: list[ExamOptionView] = []
    for i, option in enumerate(group.options):
        at = f"{where} exam option {i + 1}"
        feedback = without_verdict(option.feedback or "") if option.correct else option.feedback
        options.append(
            {
                "html": exam_option_html(option, markup, at),
                "correct": option.correct,
                "feedback": markup.inline(feedback, f"{at} feedback") if feedback else "",
            }
        )
    return {
        "dom_id": "x-" + question.id.replace(".", "-"),
        "lead": markup.inline(item.lead, f"{where} exam lead") if item.lead else "",
        # a hand-computable family has numbers of its own: show its prompt too
        "prompt": markup.block(variant.prompt(lang), f"{where} exam prompt")
        if question.exam_params
        else "",
        "lines": [
            formula_html(line, f"{where} exam line {n}") for n, line in enumerate(item.lines, 1)
        ],
        "options": options,
        "data_json": to_json({"check": "choice", "correct": group.correct}),
    }


def formula_html(formula: str, where: str) -> str:
    """A grammar formula as standalone MathML (`where` names it in a build error)."""
    from eprep.grammar import parse, to_latex

    return tex_to_mathml(to_latex(parse(formula)), standalone=True, where=where)


def exam_option_html(option: ExamOption, markup: Markup, where: str) -> str:
    """One exam option as HTML: a formula in MathML, code highlighted, text as Markdown."""
    if option.form == "formula":
        return formula_html(option.text, where)
    if option.form == "code":
        return code_block(option.text, "python")
    return markup.inline(option.text, where)


def formula_view(question: Question, variant: Variant, formula: str, where: str) -> FormulaView:
    """A bank formula typeset as MathML, with the grammar text a learner would type for it.

    Numeric questions show their formulas in terms of the parameters (that is the lesson);
    the other kinds show them with this variant's parameter values written in.
    """
    from eprep.grammar import parse, to_latex, to_text

    bound = formula if check_kinds.get(question.kind).key_is_number else variant.bind(formula)
    node = parse(bound)
    math = tex_to_mathml(to_latex(node), standalone=True, where=where)
    return {"math": math, "text": to_text(node)}


def example_path(lang: str, name: str) -> str:
    return f"{lang}/examples/{name}.html"


def _example_view(e: ExampleOutput, lang: str) -> ExampleView:
    return {
        "name": e.name,
        "claim": e.claim_ja if lang == "ja" and e.claim_ja else e.claim,
        "url": example_path(lang, e.name),
        "explanation": dict(e.explanation).get(lang, ""),
        "checks": [
            {"statement": c.statement_in(lang), "ok": c.ok, "measured": c.measured_in(lang)}
            for c in e.checks
        ],
        "plots": [f"static/examples/{e.name}/{name}" for name, _ in e.plots_in(lang)],
    }


def _illustrates(example: ExampleOutput, question: Question) -> bool:
    """An example illustrates a question that carries one of its tags (its topic, say)."""
    return bool(set(question.tags) & set(example.topics))


def _example_pages(
    bank: Bank,
    lang: str,
    examples: list[ExampleOutput],
    views: dict[str, QuestionView],
    common: dict[str, Any],
) -> Iterator[Page]:
    """One page per example (its plots and checks), linking back to the questions it illustrates."""
    for e in examples:
        questions = [
            views[q.id]
            for topic in bank.topics
            for q in topic.questions
            if _illustrates(e, q) or topic.name in e.topics
        ]
        context = {**common, "example": _example_view(e, lang), "questions": questions}
        yield Page(example_path(lang, e.name), "example.html", lang, e.name, context)


def collect(bank: Bank, langs: list[str], examples: list[ExampleOutput]) -> list[Page]:
    """Every page of the site, for every language, in a fixed order."""
    markup = Markup()
    pages: list[Page] = []
    for lang in langs:
        s = strings(lang)
        views = {q.id: question_view(q, lang, markup) for q in bank.questions}
        nav_days: list[DayNav] = []
        for day in bank.days:
            topics: list[TopicNav] = [
                {
                    "key": topic.key,
                    "title": topic.title.get(lang),
                    "url": topic_path(lang, topic.key),
                    "count": len(topic.questions),
                }
                for topic in day.topics
            ]
            nav_days.append(
                {
                    "name": day.name,
                    "title": day.title.get(lang),
                    "summary": day.summary.get(lang) if day.summary else "",
                    "url": day_path(lang, day.name),
                    "topics": topics,
                    "count": len(day.questions),
                }
            )
        common = {"nav_days": nav_days}
        counts = {
            "days": len(bank.days),
            "topics": len(bank.topics),
            "questions": len(bank.questions),
        }
        pages.append(
            Page(
                f"{lang}/index.html",
                "home.html",
                lang,
                s["site_name"],
                {**common, "counts": counts},
            )
        )
        for day, nav in zip(bank.days, nav_days, strict=True):
            sheet: list[SheetLine] = []
            for topic in day.topics:
                for i, formula in enumerate(topic.formulas):
                    where = f"{topic.path}: formula {i + 1}"
                    sheet.append(
                        {
                            "label": formula.label.get(lang),
                            "topic": topic.title.get(lang),
                            "mathml": tex_to_mathml(formula.tex, display=True, where=where),
                        }
                    )
            pages.append(
                Page(
                    day_path(lang, day.name),
                    "day.html",
                    lang,
                    nav["title"],
                    {**common, "day": nav, "sheet": sheet},
                )
            )
            for topic, topic_nav in zip(day.topics, nav["topics"], strict=True):
                tags = {tag for q in topic.questions for tag in q.tags}
                path = topic_path(lang, topic.key)
                context = {
                    **common,
                    "day": nav,
                    "topic": topic_nav,
                    "questions": [views[q.id] for q in topic.questions],
                    # plots live on each example's own page; questions link to it
                    "examples": [
                        _example_view(e, lang) for e in for_topic(examples, topic.name, tags)
                    ],
                    "question_examples": {
                        q.id: [_example_view(e, lang) for e in examples if _illustrates(e, q)]
                        for q in topic.questions
                    },
                }
                pages.append(Page(path, "topic.html", lang, topic_nav["title"], context))
                for q in topic.questions:
                    context = {
                        **common,
                        "day": nav,
                        "topic": topic_nav,
                        "q": views[q.id],
                        "examples": [
                            _example_view(e, lang) for e in examples if _illustrates(e, q)
                        ],
                    }
                    pages.append(
                        Page(
                            question_path(lang, q.id),
                            "question.html",
                            lang,
                            views[q.id]["title_text"],
                            context,
                        )
                    )
        pages.extend(_example_pages(bank, lang, examples, views, common))
        traps = [views[q.id] for q in bank.questions if q.trap is not None]
        pages.append(
            Page(f"{lang}/traps.html", "traps.html", lang, s["traps"], {**common, "traps": traps})
        )
        pages.append(Page(f"{lang}/about.html", "about.html", lang, s["about"], {**common}))
        guide = markup.block(notation_guide(lang), f"notation guide ({lang})")
        pages.append(
            Page(f"{lang}/notation.html", "notation.html", lang, s["notation"],
                 {**common, "guide": guide})
        )  # fmt: skip
        pages.append(Page(f"{lang}/search.html", "search.html", lang, s["search"], {**common}))
        # the mock exam: its script draws the paper from the data eprep/site/exam.py writes
        pages.append(Page(f"{lang}/exam.html", "exam.html", lang, s["mock_exam"], {**common}))
    return pages
