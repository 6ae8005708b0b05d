"""choice in the terminal: lettered options, picked by letter or with ↑/↓."""

from __future__ import annotations

from typing import Any

from eprep.quiz.kinds import QuizKind, register


class Choice(QuizKind):
    name = "choice"
    thresholds = (8.0, 45.0)

    def show(self, session: Any, variant: Any) -> None:
        from eprep.checker.kinds.choice import shown_options

        session.show_options([session.option_text(variant, o) for o in shown_options(variant)])

    def read(self, session: Any, variant: Any) -> int:
        return session.pick(len(variant.question.options))


register(Choice())
