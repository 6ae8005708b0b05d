"""expression on the site: the learner's formula evaluated at build-time test points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eprep.site.kinds import SiteKind, register

if TYPE_CHECKING:
    from eprep.questions import Question, Variant


class Expression(SiteKind):
    name = "expression"

    def check_data(self, question: Question, variant: Variant, order: list[int]) -> dict[str, Any]:
        from eprep.site.selfcheck import test_points

        return {"check": "expression", **test_points(question, variant)}


register(Expression())
