"""expression on the site: the learner's formula evaluated at build-time test points."""

from __future__ import annotations

from typing import Any

from eprep.site.kinds import SiteKind, register


class Expression(SiteKind):
    name = "expression"

    def check_data(self, question: Any, variant: Any, order: list[int]) -> dict[str, Any]:
        from eprep.site.selfcheck import test_points

        return {"check": "expression", **test_points(question, variant)}


register(Expression())
