"""numeric in the terminal: one line, a number or a constant expression."""

from __future__ import annotations

from typing import Any

from eprep.quiz.kinds import QuizKind, register


class Numeric(QuizKind):
    name = "numeric"
    thresholds = (15.0, 90.0)

    def read(self, session: Any, variant: Any) -> tuple[float, str]:
        from eprep.checker import kinds
        from eprep.checker.kinds.numeric import asked_precision

        asked = asked_precision(variant)  # the checker's rule, stated in the prompt
        if asked.figures is None:
            prompt = session.text("prompt_number_exact")
        else:
            prompt = session.text("prompt_number", precision=asked.describe(session.lang))
        return kinds.get(self.name).parse(variant, session.line(prompt))


register(Numeric())
