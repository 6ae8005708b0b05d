"""code on the site: one blank is a choice; several blanks are one radio group per blank."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eprep.site.kinds import SiteKind, register
from eprep.site.kinds.choice import correct_position

if TYPE_CHECKING:
    from eprep.questions import Question, Variant


class Code(SiteKind):
    name = "code"
    widget = "blanks"

    exact_note = "witness_exact_code"  # exact: the key's run, checked against the definition

    def check_data(self, question: Question, variant: Variant, order: list[int]) -> dict[str, Any]:
        from eprep.checker.kinds.code import blank_order

        correct = [
            correct_position(blank.options, blank_order(variant, b))
            for b, blank in enumerate(question.blanks)
        ]
        return {"check": "blanks", "correct": correct}


register(Code())
