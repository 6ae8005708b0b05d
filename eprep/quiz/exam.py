"""Exam-format items in the terminal: the lead, numbered derivation lines, lettered options
(one group per blank of a listing), answered letter by letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eprep.checker.exam import ExamItem, ExamOption, grade
from eprep.quiz.render import pretty_formula, render_markdown


def show_item(session: Any, item: ExamItem) -> None:
    """The item under the prompt (the prompt and any listing are already shown)."""
    console = session.console
    if item.lead:
        console.print()
        console.print(render_markdown(item.lead, color=console.color), "bold")
    for number, line in enumerate(item.lines, 1):
        console.print(f"  {number:>2}  {'  ' if number == 1 else '= '}{pretty_formula(line)}")
    for group in item.groups:
        session.show_options([option_text(session, o) for o in group.options], group.mark)


def option_text(session: Any, option: ExamOption) -> str:
    """An option typeset for the terminal: formulas in Unicode, code highlighted."""
    return session.styled_text(option.text, option.form)


def plain(option: ExamOption) -> str:
    return pretty_formula(option.text) if option.form == "formula" else option.text


def read_item(session: Any, item: ExamItem) -> Callable[[], Any]:
    """One letter per group; returns how to judge them."""
    picks = [session.pick(len(group.options), group.mark) for group in item.groups]
    return lambda: grade(item, picks, plain)
