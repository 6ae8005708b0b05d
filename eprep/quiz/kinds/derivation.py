"""derivation in the terminal: one expression per line, steps starting with '='."""

from __future__ import annotations

from typing import Any

from eprep.quiz.kinds import QuizKind, register


class Derivation(QuizKind):
    name = "derivation"
    thresholds = (60.0, 400.0)
    show_key = True

    def show(self, session: Any, variant: Any) -> None:
        from eprep.quiz.render import pretty_formula

        session.console.print(session.text("derivation_hint"), "dim")
        if variant.question.start:
            start = variant.bind(variant.question.start)
            session.console.print(session.text("start_from", formula=pretty_formula(start)), "dim")

    def read(self, session: Any, variant: Any) -> str:
        from eprep.checker import kinds
        from eprep.checker.kinds.derivation import read_line

        text = session.read_derivation(lambda lines, line: read_line(variant, lines, line))
        return kinds.get(self.name).parse(variant, text)


register(Derivation())
