"""numeric on the site: a typed number judged by the checker's rule (`checker.precision`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eprep.checker.precision import precision
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
        asked = precision(question.tolerance, key)
        mistakes = [safe(lambda m=m: variant.evaluate(m.answer)) for m in question.mistakes]
        return {
            "check": "numeric",
            "key": key,
            "tolerance": {"rel": question.tolerance.rel, "abs": question.tolerance.abs},
            # the checker's rule, exported so the page's JS judges as the quiz does
            "figures": asked.figures,
            "unit": asked.unit,
            "mistakes": mistakes,
            # each mistake is matched at its own precision, as `checker.kinds.numeric` does
            "mistake_units": [
                None if m is None else precision(question.tolerance, m).unit for m in mistakes
            ],
        }

    def note(self, question: Question, data: dict[str, Any], lang: str) -> str | None:
        """The precision asked, as the quiz's prompt states it (`3 significant figures`)."""
        return precision(question.tolerance, data["key"]).describe(lang)

    def key_text(self, data: dict[str, Any]) -> str:
        from eprep.grammar.vocabulary import format_number

        return format_number(data["key"])


register(Numeric())
