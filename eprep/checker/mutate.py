"""Mutation self-test: plant errata in the keys and count how many `eprep verify` catches.

Each question yields a few mutants, the errata study material is full of: a changed constant,
a flipped sign, two variables swapped (in the key formula, and in the correct option with it),
the `correct` mark moved to another option, a wrong blank in a code template (the correct option
given a distractor's code). A mutant is verified like any question; it is caught when any check
fails. A mutant the checker proves equivalent to the original (SymPy identity, or the same exact
value at every variant) is no erratum and is not counted; mutants of concept questions are
reported but not required to be caught (nothing but their source stands behind them).
A mutant whose only failure is a proof that ran out of time (`witnesses.WITNESS_BUDGET`) is
counted as caught, since `eprep verify` would fail it too, but the summary says how many were
caught that way: such a catch proves the budget, not a disagreement with the definition.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eprep.questions import Question

CAUGHT, ESCAPED, EQUIVALENT = "caught", "escaped", "equivalent"
NOT_PROVEN = "not-proven"  # its witnesses need an extra missing here: neither caught nor escaped


@dataclass(frozen=True)
class Mutant:
    """A question with one planted erratum."""

    question: Question
    operator: str  # constant | sign | swap | mark | blank
    description: str


@dataclass(frozen=True)
class MutantResult:
    id: str
    operator: str
    description: str
    outcome: str  # caught | escaped | equivalent
    concept: bool
    reason: str = ""
    timed_out: bool = False  # caught only because a proof ran out of time


@dataclass
class MutationReport:
    results: list[MutantResult]

    def _counted(self) -> list[MutantResult]:
        return [r for r in self.results if r.outcome not in (EQUIVALENT, NOT_PROVEN)]

    @property
    def caught(self) -> int:
        return sum(r.outcome == CAUGHT for r in self._counted())

    @property
    def escaped(self) -> int:
        """Escaped mutants of non-concept questions (each one is a hole in verification)."""
        return sum(r.outcome == ESCAPED and not r.concept for r in self.results)

    @property
    def timed_out(self) -> int:
        """Mutants caught only by a proof's time-out."""
        return sum(r.outcome == CAUGHT and r.timed_out for r in self.results)

    def summary(self) -> str:
        counted = self._counted()
        concept = sum(r.concept for r in counted)
        equivalent = sum(r.outcome == EQUIVALENT for r in self.results)
        not_proven = sum(r.outcome == NOT_PROVEN for r in self.results)
        missing = f", {not_proven} not proven here (needs eprep[frameworks])" if not_proven else ""
        by_timeout = f", {self.timed_out} by a proof time-out" if self.timed_out else ""
        return (
            f"mutants: {self.caught} caught of {len(counted)}{by_timeout} ({self.escaped} "
            f"non-concept escaped, {concept} of concept questions, {equivalent} equivalent not "
            f"counted{missing})"
        )

    def lines(self) -> list[str]:
        out = [
            f"{'TIMED OUT' if r.timed_out else r.outcome.upper():<10} {r.id} [{r.operator}] "
            f"{r.description}" + (" (concept)" if r.concept else "")
            for r in self.results
            if r.outcome != CAUGHT or r.timed_out
        ]
        return [*out, self.summary()]

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": {
                "mutants": len(self._counted()),
                "caught": self.caught,
                "escaped": self.escaped,
                "equivalent": sum(r.outcome == EQUIVALENT for r in self.results),
                "not_proven": sum(r.outcome == NOT_PROVEN for r in self.results),
                "timed_out": self.timed_out,
                "line": self.summary(),
            },
            "mutants": [dataclasses.asdict(r) for r in self.results],
        }


# --- planting errata --------------------------------------------------------------------


def _changed_constant(node: Any) -> Any | None:
    from eprep.grammar.nodes import Num, map_children

    done = [False]

    def change(n: Any) -> Any:
        if done[0]:
            return n
        if isinstance(n, Num):
            done[0] = True
            value = n.value + 1 if float(n.value).is_integer() else n.value * 2
            text = str(int(value)) if float(value).is_integer() else repr(value)
            return Num(float(value), text)
        return map_children(n, change)

    mutated = change(node)
    return mutated if done[0] else None


def _flipped_sign(node: Any) -> Any:
    from eprep.grammar.nodes import BinOp, Neg, map_children

    done = [False]

    def flip(n: Any) -> Any:
        if done[0]:
            return n
        if isinstance(n, BinOp) and n.op in "+-":
            done[0] = True
            return BinOp("-" if n.op == "+" else "+", n.left, n.right)
        return map_children(n, flip)

    mutated = flip(node)
    return mutated if done[0] else Neg(node)


def _swaps(node: Any, most: int = 2) -> list[tuple[Any, str]]:
    """Up to `most` formulas with two of the names swapped (pairs in sorted order)."""
    from itertools import combinations

    from eprep.grammar import free_symbols
    from eprep.grammar.nodes import Sym, substitute

    names = sorted(free_symbols(node))
    return [
        (substitute(node, {a: Sym(b), b: Sym(a)}), f"{a} <-> {b}")
        for a, b in list(combinations(names, 2))[:most]
    ]


def _formula_mutants(text: str, names: frozenset[str]) -> list[tuple[str, str, str]]:
    """(operator, description, mutated text) for one key formula."""
    from eprep.grammar import to_text
    from eprep.questions.variants import parse_formula

    node = parse_formula(text, names)
    found = []
    constant = _changed_constant(node)
    if constant is not None:
        found.append(("constant", "a constant changed", to_text(constant)))
    found.append(("sign", "a sign flipped", to_text(_flipped_sign(node))))
    for swapped in _swaps(node):
        found.append(("swap", f"variables swapped ({swapped[1]})", to_text(swapped[0])))
    return [(op, f"{what}: {text!r} -> {new!r}", new) for op, what, new in found if new != text]


def mutants(question: Question) -> list[Mutant]:
    """The errata planted in one question's key."""
    names = frozenset(question.params) | frozenset(question.derived) | frozenset(question.variables)
    found: list[Mutant] = []
    correct = question.correct_option
    keyed_by_option = correct is not None and (correct.value or correct.formula)
    if question.answer and not keyed_by_option:
        for op, what, new in _formula_mutants(question.answer, names):
            found.append(Mutant(dataclasses.replace(question, answer=new), op, what))
    if correct is not None and (correct.value or correct.formula):
        field = "value" if correct.value else "formula"
        for op, what, new in _formula_mutants(correct.value or correct.formula or "", names):
            change: dict[str, Any] = {field: new}
            options = tuple(
                dataclasses.replace(o, **change) if o.correct else o for o in question.options
            )
            answer = new if question.answer is not None else None
            found.append(
                Mutant(dataclasses.replace(question, options=options, answer=answer), op, what)
            )
    if correct is not None and len(question.options) > 1 and not question.blanks:
        target = (correct.index + 1) % len(question.options)
        options = tuple(dataclasses.replace(o, correct=o.index == target) for o in question.options)
        moved = dataclasses.replace(question, options=options)
        found.append(Mutant(moved, "mark", f"the correct mark moved to option {target + 1}"))
    for b, blank in enumerate(question.blanks):  # code listings: each blank's key
        key = blank.correct_option
        where = f" in blank {blank.mark}" if len(question.blanks) > 1 else ""
        target = (key.index + 1) % len(blank.options)
        remarked = tuple(dataclasses.replace(o, correct=o.index == target) for o in blank.options)
        found.append(
            Mutant(
                _with_blank(question, b, remarked),
                "mark",
                f"the correct mark moved to option {target + 1}{where}",
            )
        )
        other = blank.options[target]
        wrong = tuple(
            dataclasses.replace(o, code=other.code) if o.correct else o for o in blank.options
        )
        found.append(
            Mutant(
                _with_blank(question, b, wrong),
                "blank",
                f"the key{where} replaced by {other.code!r}",
            )
        )
    return found


def _with_blank(question: Question, index: int, options: tuple) -> Question:
    blanks = list(question.blanks)
    mirrored = len(blanks) == 1 and question.options == blanks[0].options  # a one-blank listing
    blanks[index] = dataclasses.replace(blanks[index], options=options)
    if mirrored:
        return dataclasses.replace(question, blanks=tuple(blanks), options=options)
    return dataclasses.replace(question, blanks=tuple(blanks))


def _equivalent(original: Question, mutant: Mutant, variants: int) -> bool:
    """Does the checker prove the mutant's key the same as the original's?"""
    import sympy

    from eprep.checker.budget import BudgetExceeded, time_budget
    from eprep.checker.symbolic import prove_zero
    from eprep.checker.witnesses import (
        IDENTITY_BUDGET,
        _at,
        _key,
        domains_of,
        exactly_equal,
        formula_expr,
    )

    before, after = _key_text(original), _key_text(mutant.question)
    if before is None or after is None or mutant.operator in ("mark", "blank"):
        return False
    try:
        a, b = formula_expr(original, before), formula_expr(original, after)
        try:
            with time_budget(IDENTITY_BUDGET, cpu=True):
                if prove_zero(sympy.expand(a - b), _key(domains_of(original))):
                    return True
        except BudgetExceeded:
            pass
        if original.variables:
            return False
        for k in range(original.variant_count(variants)):
            variant = original.variant(k)
            if exactly_equal(_at(original, a, variant), _at(original, b, variant)) is not True:
                return False
        return True
    except Exception:  # undecidable: count it, so an escape is reported rather than hidden
        return False


def _key_text(question: Question) -> str | None:
    correct = question.correct_option
    if correct is not None and (correct.value or correct.formula):
        return correct.value or correct.formula
    return question.answer


def _run_one(index: int) -> MutantResult:
    from eprep.checker.kinds.base import first_failure_decides
    from eprep.checker.verify import verify_question

    original, mutant = _POOL[index]
    variants, timeout = int(_OPTIONS["variants"]), float(_OPTIONS["timeout"])
    question = mutant.question
    base = (question.id, mutant.operator, mutant.description)
    with first_failure_decides():  # a mutant is caught by its first failed check
        result = verify_question(question, variants, code_timeout=timeout)
    if result.not_proven:
        return MutantResult(*base, NOT_PROVEN, question.concept)
    if result.failures:
        from eprep.checker.witnesses import TIMED_OUT

        timed_out = all(f.reason.startswith(TIMED_OUT) for f in result.failures)
        first = result.failures[0]
        reason = f"[{first.check}] {first.reason}"
        return MutantResult(*base, CAUGHT, question.concept, reason, timed_out)
    # Only a mutant that passes needs the (slower) question: is it an erratum at all?
    if _equivalent(original, mutant, variants):
        return MutantResult(*base, EQUIVALENT, question.concept)
    return MutantResult(*base, ESCAPED, question.concept)


_POOL: list[tuple[Question, Mutant]] = []
_OPTIONS: dict[str, float] = {}


def mutation_test(
    questions: Sequence[Question],
    variants: int = 3,
    *,
    workers: int | None = None,
    code_timeout: float = 5.0,
) -> MutationReport:
    """Plant errata in every question's key and verify each mutant (`variants` each)."""
    from eprep.checker import frameworks
    from eprep.checker.verify import default_workers, load_probes, one_blas_thread, warm_up

    load_probes()
    _POOL[:] = [(q, m) for q in questions for m in mutants(q)]
    _OPTIONS.update(variants=variants, timeout=code_timeout)
    workers = default_workers() if workers is None else max(1, workers)
    indices = list(range(len(_POOL)))
    if workers == 1 or len(indices) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return MutationReport([_run_one(i) for i in indices])
    warm_up()
    frameworks.load_for(questions)  # once, before forking
    with multiprocessing.get_context("fork").Pool(workers, initializer=one_blas_thread) as pool:
        return MutationReport(list(pool.imap(_run_one, indices, chunksize=1)))
