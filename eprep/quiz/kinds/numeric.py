"""numeric in the terminal: one line, a number or a constant expression."""

from __future__ import annotations

from typing import Any

from eprep.quiz.kinds import QuizKind, register


class Numeric(QuizKind):
    name = "numeric"
    thresholds = (15.0, 90.0)

    def read(self, session: Any, variant: Any) -> tuple[float, str]:
        from eprep.checker import kinds

        return kinds.get(self.name).parse(variant, session.line("answer (a number)> "))


register(Numeric())
