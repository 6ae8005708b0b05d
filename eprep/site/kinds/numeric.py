"""numeric on the site: a typed number compared with the key within the tolerance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eprep.site.kinds import SiteKind, register

if TYPE_CHECKING:
    from eprep.questions import Question, Variant


class Numeric(SiteKind):
    name = "numeric"
    hint = "numeric_hint"

    def check_data(self, question: Question, variant: Variant, order: list[int]) -> dict[str, Any]:
        from eprep.site.selfcheck import SelfCheckError, safe

        key = safe(variant.key_value)
        if key is None:
            raise SelfCheckError(
                f"{question.location}: {question.id}: the key does not evaluate for variant 0"
            )
        return {
            "check": "numeric",
            "key": key,
            "tolerance": {"rel": question.tolerance.rel, "abs": question.tolerance.abs},
            "mistakes": [safe(lambda m=m: variant.evaluate(m.answer)) for m in question.mistakes],
        }

    def key_text(self, data: dict[str, Any]) -> str:
        from eprep.grammar.vocabulary import format_number

        return format_number(data["key"])


register(Numeric())
