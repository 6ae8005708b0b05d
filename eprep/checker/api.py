"""The checker's public functions: parse answers, decide equivalence, judge against mistakes.

Learner input runs in a worker process with a hard time and memory limit (worker.py);
`trusted=True` (formulas from the bundled bank) runs in-process with a short SymPy budget.
SymPy is imported only by the process that does the comparison.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from eprep.checker.domains import Domain, normalise_domains
from eprep.checker.verdict import Judgement, Verdict
from eprep.errors import EprepError
from eprep.grammar import GrammarError, to_text
from eprep.grammar.equation import Equation, parse_formula
from eprep.grammar.nodes import Node, substitute
from eprep.grammar.parser import declared_functions

DEFAULT_TIMEOUT = 2.0  # seconds for one learner check, worker start-up excluded
TRUSTED_BUDGET = 0.5  # seconds of SymPy per bank comparison before settling for numeric evidence
_IPC_MARGIN = 0.25

Formula = str | Node | Equation
Domains = Mapping[str, str | Domain] | None


@dataclasses.dataclass(frozen=True)
class Answer:
    """A parsed formula and how it was read (`read_as`), to show before grading."""

    text: str
    node: Node | Equation
    read_as: str


def parse_answer(
    text: str,
    variables: Iterable[str] | None = None,
    *,
    e_is_variable: bool = False,
    functions: Mapping[str, int | None] | Iterable[str] | None = None,
) -> Answer:
    """Parse learner text (a formula or an equation); GrammarError (exit 2) points at the column."""
    node = parse_formula(
        text, variables=variables, e_is_variable=e_is_variable, functions=functions
    )
    return Answer(text, node, node.text() if isinstance(node, Equation) else to_text(node))


def _node(formula: Formula, reading: Mapping[str, Any], what: str) -> Node | Equation:
    """A formula (or an equation, when the text has '=') parsed with the `parse` options."""
    if isinstance(formula, str):
        try:
            return parse_formula(formula, **reading)
        except GrammarError as error:
            raise error.labelled(what, _LABELS_JA.get(what, what)) from None
        except EprepError as error:
            raise type(error)(*_with_prefix(error, what)) from None
    return formula


# What a formula is, as a Japanese error names it ("let NAME" stays as written).
_LABELS_JA = {"answer": "解答", "expected": "正解"}


def _with_prefix(error: EprepError, what: str) -> tuple:
    return (f"{what}: {error}",)


def _compare(
    answer: Node, expected: Node, domains: dict[str, Domain], budget: float, samples=None
) -> Verdict:
    from eprep.checker.equivalence import compare

    return compare(answer, expected, domains, budget=budget, samples=samples)


def equivalent(
    answer: Formula,
    expected: Formula,
    domains: Domains = None,
    *,
    timeout: float | None = None,
    trusted: bool = False,
    e_is_variable: bool = False,
    lets: Mapping[str, Formula] | None = None,
    functions: Mapping[str, int | None] | Iterable[str] | None = None,
) -> Verdict:
    """Is `answer` equal to `expected` for every value of the variables in their domains?

    Variables without a declared domain are real. `timeout` bounds the whole check (default
    2 s; 0.5 s of SymPy when `trusted`). If SymPy cannot finish in time the verdict rests on the
    random points and says so. Either side may be an equation (`y = 2x + 1`, equations.py).
    `functions` declares unknown functions the formulas may call (`f(x)`): they are compared
    for every function SymPy can think of, and sampled with a random smooth one. Raises
    GrammarError (exit 2) for unreadable formulas.
    """
    doms = normalise_domains(domains)
    declared = declared_functions(functions)
    reading = {"e_is_variable": e_is_variable, "functions": declared, "known": tuple(doms)}
    a = _node(answer, reading, "answer")
    b = _node(expected, reading, "expected")
    # lets are formulas, never equations (`let NAME = EXPR` in a derivation file)
    let_nodes = {
        name: cast(Node, _node(f, reading, f"let {name}")) for name, f in (lets or {}).items()
    }

    def expressions(x: Node, y: Node) -> Verdict:
        return _expressions(x, y, doms, let_nodes, timeout=timeout, trusted=trusted)

    if isinstance(a, Equation) or isinstance(b, Equation):
        from eprep.checker.equations import compare_equations

        return compare_equations(a, b, doms, expressions)
    return expressions(a, b)


def _expressions(
    a: Node,
    b: Node,
    doms: dict[str, Domain],
    let_nodes: dict[str, Node],
    *,
    timeout: float | None,
    trusted: bool,
) -> Verdict:
    """Two formulas (not equations): in-process when trusted, else with the worker."""
    return _judge(a, [b], doms, let_nodes, timeout=timeout, trusted=trusted)[0]


def _judge(
    answer: Node,
    targets: Sequence[Node],
    doms: dict[str, Domain],
    let_nodes: dict[str, Node],
    *,
    timeout: float | None,
    trusted: bool,
) -> list[Verdict]:
    """`answer` against each target in order until one is equivalent: their verdicts."""
    a = substitute(answer, let_nodes)
    bs = [substitute(b, let_nodes) for b in targets]
    if trusted:
        budget = TRUSTED_BUDGET if timeout is None else timeout
        verdicts = []
        for b in bs:
            verdicts.append(_compare(a, b, doms, budget))
            if verdicts[-1].equivalent:
                break
    else:
        verdicts = _untrusted(a, bs, doms, DEFAULT_TIMEOUT if timeout is None else timeout)
    # Show the learner's own text, not the let-substituted one.
    for verdict, b in zip(verdicts, targets, strict=False):
        verdict.read_as, verdict.expected_read_as = to_text(answer), to_text(b)
    return verdicts


def _untrusted(a: Node, bs: list[Node], doms: dict[str, Domain], limit: float) -> list[Verdict]:
    """Float sampling here (bounded, no SymPy), target by target, while floats decide; the
    first target they cannot decide goes to the worker with its samples, and every later
    one with it, in one request (SymPy there, killed on overrun)."""
    from eprep.checker.equivalence import Comparison
    from eprep.checker.wire import to_wire
    from eprep.checker.worker import client

    verdicts: list[Verdict] = []
    for index, b in enumerate(bs):
        started = time.monotonic()
        comparison = Comparison(a, b, doms, limit)
        verdict = comparison.decide_numeric()
        if verdict is not None:
            verdicts.append(verdict)
            if verdict.equivalent:
                return verdicts
            continue
        later = bs[index + 1 :]
        remaining = limit - (time.monotonic() - started)
        request = {
            "answer": to_wire(a),
            "targets": [
                {
                    "expected": to_wire(b),
                    "samples": comparison.samples.to_wire(),
                    "budget": max(0.05, remaining - _IPC_MARGIN),
                }
            ]
            + [
                {"expected": to_wire(other), "samples": None, "budget": limit - _IPC_MARGIN}
                for other in later
            ],
            "domains": {name: str(dom) for name, dom in doms.items()},
        }
        wait = max(0.05, remaining) + limit * len(later)
        reply = client().request(request, wait) if remaining > 0.05 else None
        if reply is None:
            # No reply in time (worker starting or stopped): the float evidence decides, and
            # says so; later targets are sampled here one by one, as the worker restarts.
            verdicts.append(comparison.fallback())
            if verdicts[-1].equivalent:
                return verdicts
            return verdicts + _fallbacks(a, later, doms, limit)
        return verdicts + [Verdict.from_dict(item) for item in reply]
    return verdicts


def _fallbacks(a: Node, bs: list[Node], doms: dict[str, Domain], limit: float) -> list[Verdict]:
    """Targets judged on float evidence alone (the worker did not answer in time)."""
    from eprep.checker.equivalence import Comparison

    verdicts = []
    for b in bs:
        comparison = Comparison(a, b, doms, limit)
        verdicts.append(comparison.decide_numeric() or comparison.fallback())
        if verdicts[-1].equivalent:
            break
    return verdicts


def judge(
    answer: Formula | Answer,
    key: Formula,
    domains: Domains = None,
    mistakes: Sequence[Formula] = (),
    *,
    timeout: float | None = None,
    trusted: bool = False,
    e_is_variable: bool = False,
    functions: Mapping[str, int | None] | Iterable[str] | None = None,
) -> Judgement:
    """Judge `answer` against `key`; if wrong, name the first known mistake it is equivalent to.

    Each formula is parsed once (text, a tree, or the `Answer` that `parse_answer` showed the
    learner); the key and the mistakes go to the worker in one request.
    """
    doms = normalise_domains(domains)
    declared = declared_functions(functions)
    reading = {"e_is_variable": e_is_variable, "functions": declared, "known": tuple(doms)}
    a = answer.node if isinstance(answer, Answer) else _node(answer, reading, "answer")
    b = _node(key, reading, "expected")
    ms = [_node(m, reading, "expected") for m in mistakes]
    if any(isinstance(node, Equation) for node in (a, b, *ms)):
        return _judge_one_by_one(a, b, ms, doms, {"timeout": timeout, "trusted": trusted})
    formulas = cast(list[Node], [a, b, *ms])  # no equation among them (just checked)
    verdicts = _judge(formulas[0], formulas[1:], doms, {}, timeout=timeout, trusted=trusted)
    if verdicts[0].equivalent:
        return Judgement(True, verdicts[0])
    last = verdicts[-1]
    if len(verdicts) > 1 and last.equivalent:
        return Judgement(False, verdicts[0], len(verdicts) - 2, last)
    return Judgement(False, verdicts[0])


def _judge_one_by_one(
    a: Node | Equation,
    b: Node | Equation,
    mistakes: list[Node | Equation],
    doms: dict[str, Domain],
    options: dict[str, Any],
) -> Judgement:
    """Equations (equations.py decides what to compare): one comparison at a time."""
    verdict = equivalent(a, b, doms, **options)
    if verdict.equivalent:
        return Judgement(True, verdict)
    for index, mistake in enumerate(mistakes):
        mistaken = equivalent(a, mistake, doms, **options)
        if mistaken.equivalent:
            return Judgement(False, verdict, index, mistaken)
    return Judgement(False, verdict)
