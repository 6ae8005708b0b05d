"""expression in the terminal: the variables, then a formula shown back as read."""

from __future__ import annotations

from typing import Any

from eprep.quiz.kinds import QuizKind, register


class Expression(QuizKind):
    name = "expression"
    thresholds = (20.0, 120.0)
    show_key = True

    def show(self, session: Any, variant: Any) -> None:
        if variant.question.variables:
            names = ", ".join(variant.question.variables)
            session.console.print(session.text("variables", names=names), "dim")

    def read(self, session: Any, variant: Any) -> tuple[str, str]:
        return session.read_expression(variant)


register(Expression())
