"""The checker's public functions: parse answers, decide equivalence, judge against mistakes.

Learner input runs in a worker process with a hard time and memory limit (worker.py);
`trusted=True` (formulas from the bundled bank) runs in-process with a short SymPy budget.
SymPy is imported only by the process that does the comparison.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eprep.checker.domains import Domain, parse_domain
from eprep.checker.verdict import Judgement, Verdict
from eprep.errors import EprepError
from eprep.grammar import to_text
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


def normalise_domains(domains: Domains) -> dict[str, Domain]:
    """Domain texts parsed; names canonical (`eps` -> `epsilon`)."""
    result: dict[str, Domain] = {}
    for name, domain in (domains or {}).items():
        from eprep.grammar.vocabulary import canonical

        result[canonical(name)] = domain if isinstance(domain, Domain) else parse_domain(domain)
    return result


def _node(formula: Formula, reading: Mapping[str, Any], what: str) -> Node | Equation:
    """A formula (or an equation, when the text has '=') parsed with the `parse` options."""
    if isinstance(formula, str):
        try:
            return parse_formula(formula, **reading)
        except EprepError as error:
            raise type(error)(*_with_prefix(error, what)) from None
    return formula


def _with_prefix(error: EprepError, what: str) -> tuple:
    from eprep.grammar.errors import GrammarError

    if isinstance(error, GrammarError):
        return (f"{what}: {error.message}", error.position)
    return (f"{what}: {error}",)


_PROVEN: dict[tuple, Verdict] = {}  # verdicts that do not depend on the time budget
_PROVEN_MAX = 4096


def _compare(answer: Node, expected: Node, domains: dict[str, Domain], budget: float) -> Verdict:
    """compare() with a cache of proved verdicts (bank verification repeats formulas)."""
    from eprep.checker.equivalence import compare

    key = (answer, expected, tuple(sorted(domains.items())))
    verdict = _PROVEN.get(key)
    if verdict is None:
        verdict = compare(answer, expected, domains, budget=budget)
        if verdict.certainty == "proof" and len(_PROVEN) < _PROVEN_MAX:
            _PROVEN[key] = verdict
    return dataclasses.replace(verdict)


def compare_request(request: dict[str, Any]) -> dict[str, Any]:
    """Run one worker request (see `equivalent`) and return the verdict as a dict."""
    from eprep.checker.wire import from_wire

    # Trees with every `let` already substituted: nothing is re-parsed here.
    answer = from_wire(request["answer"])
    expected = from_wire(request["expected"])
    domains = normalise_domains(request.get("domains", {}))
    return _compare(answer, expected, domains, float(request["budget"])).to_dict()


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
    let_nodes = {name: _node(f, reading, f"let {name}") for name, f in (lets or {}).items()}

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
    if trusted:
        budget = TRUSTED_BUDGET if timeout is None else timeout
        verdict = _compare(substitute(a, let_nodes), substitute(b, let_nodes), doms, budget)
    else:
        verdict = _untrusted(a, b, doms, let_nodes, timeout)
    # Show the learner's own text, not the let-substituted one.
    verdict.read_as, verdict.expected_read_as = to_text(a), to_text(b)
    return verdict


def _untrusted(
    a: Node,
    b: Node,
    doms: dict[str, Domain],
    let_nodes: dict[str, Node],
    timeout: float | None,
) -> Verdict:
    """Float sampling here (bounded, no SymPy); SymPy work in the worker, killed on overrun."""
    from eprep.checker.equivalence import Comparison
    from eprep.checker.wire import to_wire
    from eprep.checker.worker import client

    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    started = time.monotonic()
    a, b = substitute(a, let_nodes), substitute(b, let_nodes)
    comparison = Comparison(a, b, doms, limit)
    comparison.sample()
    verdict = comparison.decide_numeric()
    if verdict is not None:
        return verdict
    remaining = limit - (time.monotonic() - started)
    request = {
        "answer": to_wire(a),
        "expected": to_wire(b),
        "domains": {name: str(dom) for name, dom in doms.items()},
        "budget": max(0.05, remaining - _IPC_MARGIN),
    }
    reply = client().request(request, max(0.05, remaining)) if remaining > 0.05 else None
    # No reply in time (worker starting or stopped): the float evidence decides, and says so.
    return comparison.fallback() if reply is None else Verdict.from_dict(reply)


def judge(
    answer: Formula,
    key: Formula,
    domains: Domains = None,
    mistakes: Sequence[Formula] = (),
    *,
    timeout: float | None = None,
    trusted: bool = False,
    e_is_variable: bool = False,
    functions: Mapping[str, int | None] | Iterable[str] | None = None,
) -> Judgement:
    """Judge `answer` against `key`; if wrong, name the first known mistake it is equivalent to."""
    options = {
        "timeout": timeout,
        "trusted": trusted,
        "e_is_variable": e_is_variable,
        "functions": functions,
    }
    verdict = equivalent(answer, key, domains, **options)
    if verdict.equivalent:
        return Judgement(True, verdict)
    for index, mistake in enumerate(mistakes):
        mistaken = equivalent(answer, mistake, domains, **options)
        if mistaken.equivalent:
            return Judgement(False, verdict, index, mistaken)
    return Judgement(False, verdict)
