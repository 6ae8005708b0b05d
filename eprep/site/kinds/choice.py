"""choice on the site: radio buttons; the page knows which shown position is correct."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eprep.site.kinds import SiteKind, register

if TYPE_CHECKING:
    from eprep.questions import Question, Variant


def correct_position(options: Any, order: list[int]) -> int:
    return next(i for i, index in enumerate(order) if options[index].correct)


class Choice(SiteKind):
    name = "choice"
    widget = "options"

    def check_data(self, question: Question, variant: Variant, order: list[int]) -> dict[str, Any]:
        return {"check": "choice", "correct": correct_position(question.options, order)}


register(Choice())
