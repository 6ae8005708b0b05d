"""The two proofs of one question variant: symbolic (the checker) and engine (the probe).

A façade over the kinds' behaviour (`eprep.checker.kinds`): each kind proves its own keys;
verification calls `symbolic_checks` and `engine_checks` and never looks at the kind itself.
Each check returns a list of reasons; an empty list means the variant is proven.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eprep.checker import kinds
from eprep.grammar.vocabulary import close
from eprep.questions import Question, Variant

__all__ = [
    "Equivalence",
    "Failure",
    "checker_equivalence",
    "close",
    "engine_checks",
    "exam_checks",
    "kind_self_tests",
    "symbolic_checks",
]


@dataclass(frozen=True)
class Failure:
    """One failed check: which variant (None for the whole question), which proof, and why."""

    variant: int | None
    check: str  # "load" | "symbolic" | "engine" | "exam" | "reference" | "witnesses" | "duplicate"
    reason: str


Equivalence = Callable[..., bool]  # (answer, expected, domains[, functions=...]) -> equal?


def checker_equivalence() -> Equivalence:
    """`equivalent` from the checker, on its trusted fast path, as a yes/no function."""
    import inspect

    from eprep.checker.api import equivalent

    parameters = inspect.signature(equivalent).parameters
    extra: dict[str, Any] = {"trusted": True} if "trusted" in parameters else {}

    def judge(
        answer: str,
        expected: str,
        domains: Mapping[str, str],
        functions: frozenset[str] = frozenset(),
    ) -> bool:
        verdict = equivalent(answer, expected, dict(domains), functions=functions, **extra)
        return bool(verdict.equivalent)

    return judge


def symbolic_checks(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    """Reasons the key of this variant is not symbolically sound (empty when it is)."""
    return kinds.get(question.kind).symbolic(question, variant, equivalent)


def engine_checks(
    question: Question, variant: Variant, *, code_timeout: float, trust_bank: bool = False
) -> list[str]:
    """Reasons the engine disagrees with the key of this variant (empty when it agrees).

    `trust_bank` lets code from a user bank run unconfined (see `verify_sandbox.code_policy`).
    """
    return kinds.get(question.kind).engine(
        question, variant, code_timeout=code_timeout, trust_bank=trust_bank
    )


def exam_checks(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    """Reasons this variant's exam-format item is unsound (see `eprep.checker.exam`)."""
    from eprep.checker.exam import check_item

    return check_item(question, variant, equivalent)


def kind_self_tests(equivalent: Equivalence) -> dict[str, list[str]]:
    """Every kind's own `test`: kind name -> reasons it fails (empty lists when all pass)."""
    results = {}
    for name in kinds.names():
        try:
            results[name] = kinds.get(name).test(equivalent)
        except Exception as error:  # a broken self-test is a failure to report, not a crash
            results[name] = [f"self-test raised {type(error).__name__}: {error}"]
    return results
