"""code in the terminal: the listing, then each blank's lettered options, answered in turn."""

from __future__ import annotations

from typing import Any

from eprep.quiz.kinds import QuizKind, register


class Code(QuizKind):
    name = "code"
    thresholds = (8.0, 45.0)

    def show(self, session: Any, variant: Any) -> None:
        from eprep.checker.kinds.code import blank_order

        blanks = variant.question.blanks
        for b, blank in enumerate(blanks):
            options = [blank.options[i] for i in blank_order(variant, b)]
            texts = [session.option_text(variant, o) for o in options]
            session.show_options(texts, blank.mark if len(blanks) > 1 else None)

    def read(self, session: Any, variant: Any) -> list[int]:
        blanks = variant.question.blanks
        if len(blanks) == 1:
            return [session.pick(len(blanks[0].options))]
        return [session.pick(len(blank.options), blank.mark) for blank in blanks]


register(Code())
