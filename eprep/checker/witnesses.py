"""The symbolic witness: a question's key proven against its SymPy reference definition.

A key is proven as an `identity` when SymPy shows key - definition = 0 over the parameters'
domains (assumptions derived from the param specs: `randint(1, 9)` is a positive integer,
`uniform(0.1, 0.9)` the interval [0.1, 0.9]); otherwise, where SymPy cannot decide it within its
budget (or the definition only exists for numbers, like a count of window positions), it is
proven `exact` at every verified variant: key and definition evaluated with rationals and exact
radicals, no floats, must be the same number. Identities are proven once per question and
cached by the question's content (its fields and the reference's source) under
EPREP_CACHE_DIR. `proof_of(question)` says which witnesses a question has (the site shows it).

Every SymPy step is bounded in CPU time (`budget.time_budget`, as the learner's check is in
wall time: the same proof is not failed because other processes had the cores): an
expression key's proof gets PROOF_BUDGET seconds over all its variants and, when it runs out,
is undecided, so the key is compared at exact points as when SymPy gives up; and one question's
whole exact check gets WITNESS_BUDGET seconds, past which the key is reported "not proven
(proof timed out after N s)" (a failure; a mutant stopped this way counts as caught by the
time-out, see mutate.py). Without the bound one hostile key (a variable swap that sends
`cancel` into an expansion that never ends) stopped `eprep verify --mutate` for good.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eprep.errors import EprepError
from eprep.questions import Question, Variant

IDENTITY, EXACT, ENGINE = "identity", "exact", "engine"
WITNESSES = (IDENTITY, EXACT, ENGINE)
# Budgets in CPU seconds (`time_budget(cpu=True)`): verification may share the machine.
IDENTITY_BUDGET = 8.0  # seconds SymPy may spend proving one question's identity
EXACT_BUDGET = 4.0  # seconds to decide that two exact numbers that agree to 40 digits are equal
SAMPLE_POINTS = 6  # exact points per variant when an expression's identity is undecided
PROOF_BUDGET = 8.0  # seconds SymPy may spend proving an expression key, its variants together
WITNESS_BUDGET = 60.0  # seconds for one question's whole exact check; past it, not proven
_FORMAT = "eprep-witness-1"


@dataclass
class ReferenceOutcome:
    """What the reference definition proved: `identity`, `exact`, or nothing (with reasons)."""

    witness: str | None
    problems: list[tuple[int | None, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Proof:
    """The witnesses a question has, as the site and the README describe them."""

    witnesses: tuple[str, ...]
    sourced: bool  # a concept question: cited, not proven
    reference: str | None
    probe: str | None


# --- domains and symbols ----------------------------------------------------------------


def _domain_of_spec(spec: Any):
    from eprep.checker.domains import Domain

    if spec.form == "randint":
        return Domain("positive integer") if spec.args[0] >= 1 else Domain("integer")
    values = [float(a) for a in spec.args[:2]] if spec.form == "uniform" else list(spec.args)
    if spec.form == "choice" and all(isinstance(v, int) for v in values):
        return Domain("positive integer") if min(values) >= 1 else Domain("integer")
    lo, hi = float(min(values)), float(max(values))
    if lo == hi:
        return Domain("real") if lo <= 0 else Domain("positive")
    return Domain("interval", lo, hi, True, True, text=f"[{lo:g}, {hi:g}]")


def _canonical(name: str) -> str:
    from eprep.grammar.vocabulary import canonical

    return canonical(name)


def domains_of(question: Question) -> dict[str, Any]:
    """Each varying parameter's and each variable's Domain, by canonical name."""
    from eprep.checker.domains import parse_domain

    domains = {
        _canonical(name): _domain_of_spec(spec)
        for name, spec in question.params.items()
        if spec.form != "constant"
    }
    for name, text in question.variables.items():
        domains[_canonical(name)] = parse_domain(text)
    return domains


def _key(domains: Mapping[str, Any]) -> tuple:
    return tuple(sorted(domains.items()))


def _constants(question: Question) -> dict[str, Any]:
    from eprep.checker.references import exact

    return {n: exact(s.args[0]) for n, s in question.params.items() if s.form == "constant"}


def symbols_of(question: Question) -> dict[str, Any]:
    """What a reference receives when an identity is proven: symbols, constants as numbers."""
    from eprep.checker.symbolic import symbol

    domains = domains_of(question)
    names = {
        n: symbol(_canonical(n), domains[_canonical(n)])
        for n in [*question.params, *question.variables]
        if _canonical(n) in domains
    }
    found = {**names, **_constants(question)}
    for name in question.derived:  # a derived value is its formula of the parameters
        found[name] = formula_expr(question, name)
    return found


def values_of(question: Question, variant: Variant) -> dict[str, Any]:
    """What a reference receives at one variant: exact numbers (variables stay symbols)."""
    from eprep.checker.references import exact

    values = symbols_of(question)
    for name in question.params:
        values[name] = exact(variant.values[name])
    for name in question.derived:
        values[name] = _at(question, values[name], variant)
    return values


def formula_expr(question: Question, text: str) -> Any:
    """A bank formula as SymPy over the question's symbols, derived values written out."""
    from eprep.checker.symbolic import symbol, to_sympy
    from eprep.questions.variants import parse_formula

    names = frozenset(question.params) | frozenset(question.derived) | frozenset(question.variables)
    domains = _key(domains_of(question))

    def build(formula: str) -> Any:
        return to_sympy(parse_formula(formula, names), domains)

    # Derived values and constants are not in `domains`: to_sympy gives them plain real symbols.
    written_out: dict[Any, Any] = {}
    for name, formula in question.derived.items():  # each may use the ones before it
        written_out[symbol(_canonical(name), None)] = build(formula).xreplace(written_out)
    for name, value in _constants(question).items():
        written_out[symbol(_canonical(name), None)] = value
    return build(text).xreplace(written_out).xreplace(written_out)


def symbols_by_name(expr: Any) -> dict[str, Any]:
    return {s.name: s for s in expr.free_symbols}


def _at(question: Question, expr: Any, variant: Variant) -> Any:
    """`expr` with this variant's parameter values substituted exactly."""
    from eprep.checker.references import exact

    by_name = symbols_by_name(expr)
    subs = {}
    for name in question.params:
        symbol = by_name.get(_canonical(name))
        if symbol is not None:
            subs[symbol] = exact(variant.values[name])
    return expr.xreplace(subs)


# --- exact comparison -------------------------------------------------------------------


def exactly_equal(a: Any, b: Any) -> bool | None:
    """Are two exact numbers equal? None when SymPy cannot decide."""
    import sympy

    difference = a - b
    if difference == 0:
        return True
    if difference.has(sympy.Float):
        return None
    try:
        approx = sympy.N(difference, 60)
        scale = max(abs(sympy.N(a, 60)), abs(sympy.N(b, 60)), sympy.Integer(1))
    except (TypeError, ValueError):
        return None
    if approx.is_number and approx.is_real is not False and abs(approx) > scale * 1e-40:
        return False
    from eprep.checker.budget import BudgetExceeded, time_budget

    try:
        with time_budget(EXACT_BUDGET, cpu=True):
            simplified = sympy.simplify(difference)
            if simplified == 0:
                return True
            return simplified.equals(0)
    except BudgetExceeded:
        return None


# --- the reference ----------------------------------------------------------------------


def reference_value(question: Question, p: Mapping[str, Any]) -> Any:
    """The question's reference evaluated on `p` (symbols or exact values)."""
    from eprep.checker import references

    assert question.reference is not None  # callers ask only questions that name one
    return references.get_reference(question.reference)(p, **dict(question.reference_args))


def _targets(question: Question) -> list[tuple[str, str]]:
    """(label, formula) of what must equal the definition: the key, and the correct option."""
    items = []
    if question.answer is not None:
        items.append(("the key", question.answer))
    correct = question.correct_option
    formula = None if correct is None else correct.value or correct.formula
    if correct is not None and formula:
        items.append((f"the correct option {correct.index + 1}", formula))
    return items


def _prove_identity(question: Question) -> bool:
    """True when every target equals the definition identically (SymPy, within the budget)."""
    import sympy

    from eprep.checker.budget import BudgetExceeded, time_budget
    from eprep.checker.references import NeedsValues, Pick, Rounded
    from eprep.checker.symbolic import prove_zero

    try:
        with time_budget(IDENTITY_BUDGET, cpu=True):
            definition = reference_value(question, symbols_of(question))
            if isinstance(definition, Rounded):
                return False  # a rounded value is checked at the variants
            if isinstance(definition, Pick):
                decided = {k: _truth(v) for k, v in definition.conditions.items()}
                if any(v is None for v in decided.values()):
                    return False
                return _picked(question, decided) is None
            domains = _key(domains_of(question))
            for _, text in _targets(question):
                difference = formula_expr(question, text) - definition
                if _falsified(question, difference):
                    return False  # a point of the domain where they differ: no identity
                if not prove_zero(sympy.expand(difference), domains):
                    return False
            return bool(_targets(question))
    except (NeedsValues, BudgetExceeded):
        return False
    except Exception:  # undecided: the exact check at the variants reports any real problem
        return False


def _falsified(question: Question, difference: Any) -> bool:
    """True when `difference` is clearly non-zero at variant 0 (a cheap disproof, 30 digits)."""
    import random

    from eprep.checker.references import exact

    by_name = symbols_by_name(difference)
    variant = question.variant(0)
    point = {
        by_name[_canonical(n)]: exact(variant.values[n])
        for n in question.params
        if _canonical(n) in by_name
    }
    rng = random.Random(f"{question.id}:disprove")
    domains = domains_of(question)
    for name in question.variables:
        if _canonical(name) in by_name:
            point[by_name[_canonical(name)]] = exact(domains[_canonical(name)].nice(rng))
    return _clearly_nonzero(difference, point)


def _clearly_nonzero(difference: Any, point: Mapping[Any, Any]) -> bool:
    """True when `difference` at `point` is clearly not 0 (30 digits, a cheap disproof)."""
    try:
        value = complex(difference.xreplace(point).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False
    return value == value and abs(value) > 1e-12  # a true identity is 0 to ~30 digits here


def _truth(condition: Any) -> bool | None:
    import sympy

    if isinstance(condition, bool):
        return condition
    if condition is sympy.true or condition == sympy.true:
        return True
    if condition is sympy.false or condition == sympy.false:
        return False
    return None


def _picked(question: Question, decided: Mapping[str, bool | None]) -> str | None:
    """None when exactly the correct option's condition holds, else the reason."""
    correct = question.correct_option
    holding = [option_id for option_id, value in decided.items() if value]
    if correct is None or correct.id is None:
        return "the definition picks options by id, but the correct option has no id"
    unknown = sorted(set(decided) - {o.id for o in question.options if o.id})
    if unknown:
        return f"the definition names option {unknown[0]!r}, which the question does not have"
    if holding != [correct.id]:
        shown = ", ".join(holding) or "none"
        return f"the definition picks {shown}, the key says {correct.id!r}"
    return None


def _exact_problems(
    question: Question, variant: Variant, clock: ProofTime | None = None
) -> list[str]:
    """Reasons the key differs from the definition at this variant (exact arithmetic)."""
    import sympy

    from eprep.checker.references import Pick, Rounded

    definition = reference_value(question, values_of(question, variant))
    if isinstance(definition, Pick):
        decided = {k: _truth(sympy.simplify(v)) for k, v in definition.conditions.items()}
        if any(v is None for v in decided.values()):
            return ["the definition's conditions cannot be decided at this variant"]
        reason = _picked(question, decided)
        return [reason] if reason else []
    problems = []
    for label, text in _targets(question):
        key = _at(question, formula_expr(question, text), variant)
        if isinstance(definition, Rounded):
            scaled = sympy.N(definition.value, 40) * 10**definition.digits
            rounded = sympy.Rational(
                int(sympy.floor(scaled + sympy.Rational(1, 2))), 10**definition.digits
            )
            verdict = exactly_equal(key, rounded)
            want = rounded
        elif question.variables:
            return _expression_problems(question, variant, key, definition, label, text, clock)
        else:
            verdict = exactly_equal(key, definition)
            want = definition
        if verdict is None:
            problems.append(f"{label} {text!r}: cannot decide exactly whether it equals {want}")
        elif not verdict:
            problems.append(f"{label} {text!r} = {_show(key)}, the definition gives {_show(want)}")
    return problems


@dataclass
class ProofTime:
    """The proof time one question's variants share, and the proofs already tried."""

    left: float  # seconds
    tried: dict[Any, bool] = field(default_factory=dict)

    def prove_zero(self, difference: Any, domains: tuple) -> bool:
        """`symbolic.prove_zero` within the time left; False (undecided) once it runs out."""
        from eprep.checker.budget import BudgetExceeded, time_budget
        from eprep.checker.symbolic import prove_zero

        if (difference, domains) in self.tried:  # the same difference at another variant
            return self.tried[difference, domains]
        if self.left <= 0:
            return False
        started = time.process_time()
        try:
            with time_budget(self.left, cpu=True):
                proven = prove_zero(difference, domains)
        except BudgetExceeded:
            proven = False
        finally:
            self.left -= time.process_time() - started
        self.tried[difference, domains] = proven
        return proven


def _expression_problems(
    question: Question,
    variant: Variant,
    key: Any,
    definition: Any,
    label: str,
    text: str,
    clock: ProofTime | None = None,
) -> list[str]:
    """An expression key against the definition at this variant: proof, or exact points."""
    import random

    import sympy

    from eprep.checker.references import exact

    clock = ProofTime(PROOF_BUDGET) if clock is None else clock
    difference = sympy.expand(key - definition)
    domains = domains_of(question)
    variables = {_canonical(n): domains[_canonical(n)] for n in question.variables}
    by_name = symbols_by_name(difference)
    rng = random.Random(f"{question.id}:{variant.k}:points")
    points = [
        {by_name[n]: exact(d.nice(rng)) for n, d in variables.items() if n in by_name}
        for _ in range(SAMPLE_POINTS)
    ]
    # A key that clearly differs at a point needs no proof attempt (a wrong key can keep
    # SymPy's simplify busy far longer than a right one); the exact points below report it.
    wrong = any(_clearly_nonzero(difference, point) for point in points)
    if not wrong and clock.prove_zero(difference, _key(variables)):
        return []
    for point in points:
        a, b = key.xreplace(point), definition.xreplace(point)
        verdict = exactly_equal(a, b)
        if verdict is False:
            shown = {str(s): str(v) for s, v in point.items()}
            return [f"{label} {text!r} = {_show(a)} at {shown}, the definition gives {_show(b)}"]
        if verdict is None:
            return [f"{label} {text!r}: cannot decide exactly whether it equals the definition"]
    return []


def _show(value: Any) -> str:
    import sympy

    text = str(value)
    if len(text) > 40:
        text = f"{float(sympy.N(value, 20)):.10g}"
    return text


# --- code -------------------------------------------------------------------------------


def _code_problems(
    question: Question, variant: Variant, timeout: float, trust_bank: bool
) -> list[str]:
    """Run the template completed with the key under the definition's driver; check outputs."""
    from eprep.checker import references
    from eprep.checker.kinds.code import completed
    from eprep.checker.verify_sandbox import code_policy, run_completed_template
    from eprep.questions import bundled_bank_dir

    assert question.reference is not None  # a code question proven against its definition
    bundled = Path(question.path).resolve().is_relative_to(bundled_bank_dir())
    confine, refusal = code_policy(trusted=bundled or trust_bank)
    if refusal is not None:
        raise _Refused(refusal)
    source = completed(variant)  # the key in every blank
    result = run_completed_template(
        source,
        None,
        dict(variant.values),
        variant.seed,
        {},
        timeout=timeout,
        confine=confine,
        drive=(question.reference, dict(question.reference_args)),
    )
    if not result.passed:
        return [
            f"the key's completed template fails under the definition's driver: {result.reason}"
        ]
    definition = references.get_code_reference(question.reference)(**dict(question.reference_args))
    return [
        f"the key's outputs disagree with the definition: {r}"
        for r in definition.check(result.outputs or {})
    ]


class _Refused(Exception):
    """Bank code that may not run here (the engine check reports why, once)."""


# --- the cache --------------------------------------------------------------------------


def content_hash(question: Question) -> str:
    """sha256 over what the identity depends on: the question's fields and the definitions."""
    from eprep.checker import references

    fields = {
        "id": question.id,
        "kind": question.kind,
        "answer": question.answer,
        "start": question.start,
        "params": {n: s.describe() for n, s in question.params.items()},
        "derived": dict(question.derived),
        "variables": dict(question.variables),
        "options": [
            [o.index, o.correct, o.id, o.value, o.formula, o.code] for o in question.options
        ],
        "code": question.code,
        "blanks": [
            [b.label, [[o.index, o.correct, o.code] for o in b.options]] for b in question.blanks
        ],
        "reference": question.reference,
        "reference_args": question.reference_args,
    }
    digest = hashlib.sha256(_FORMAT.encode())
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    digest.update(references.reference_source(question.reference or "").encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _cache_file(question: Question) -> Path | None:
    from eprep.questions.cache import cache_dir, enabled

    if not enabled():
        return None
    return cache_dir() / "witnesses" / f"{content_hash(question)}.json"


def _runs_code(question: Question) -> bool:
    """A kind whose key is code (proven by running it), per the kind's plugin."""
    from eprep.checker import kinds

    return bool(kinds.get(question.kind).runs_code)


def identity_holds(question: Question) -> bool:
    """Is the key an identity of its definition? Proven once, then read from the cache."""
    if question.reference is None or _runs_code(question):
        return False
    path = _cache_file(question)
    if path is not None:
        try:
            return bool(json.loads(path.read_text())["identity"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    holds = _prove_identity(question)
    if path is not None:
        _write(path, {"identity": holds, "id": question.id})
    return holds


def _write(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written is only slower


# --- the witness ------------------------------------------------------------------------


def reference_witness(
    question: Question,
    variants: Sequence[Variant],
    *,
    code_timeout: float = 5.0,
    trust_bank: bool = False,
) -> ReferenceOutcome:
    """Prove the key against its reference: `identity`, else `exact` at every variant."""
    from eprep.checker import references

    name = question.reference
    if name is None:
        return ReferenceOutcome(None)
    code = _runs_code(question)
    try:
        known = references.is_code_reference(name) if code else name in references.reference_names()
        if code and not known:
            return ReferenceOutcome(None, [(None, f"no code reference named {name!r}")])
        if not known:
            return ReferenceOutcome(None, [(None, f"no reference named {name!r}")])
    except Exception as error:
        return ReferenceOutcome(None, [(None, f"the references do not import: {error}")])
    if code:  # each run is bounded by the sandbox's own timeout
        return _at_every_variant(
            variants, lambda v: _code_problems(question, v, code_timeout, trust_bank)
        )
    from eprep.checker.budget import BudgetExceeded, time_budget

    try:
        with time_budget(WITNESS_BUDGET, cpu=True):
            if identity_holds(question):
                return ReferenceOutcome(IDENTITY)
            clock = ProofTime(PROOF_BUDGET)
            return _at_every_variant(variants, lambda v: _exact_problems(question, v, clock))
    except BudgetExceeded:
        return ReferenceOutcome(None, [(None, timed_out(WITNESS_BUDGET))])


TIMED_OUT = "not proven (proof timed out"  # how a time-out's reason begins (mutate.py counts them)


def timed_out(seconds: float) -> str:
    """The failure of a key whose proof did not end within its budget."""
    return f"{TIMED_OUT} after {seconds:g} s)"


def _at_every_variant(
    variants: Sequence[Variant], problems_at: Callable[[Variant], list[str]]
) -> ReferenceOutcome:
    """The key checked at every variant: `exact` when none has a problem."""
    problems: list[tuple[int | None, str]] = []
    for variant in variants:
        try:
            found = problems_at(variant)
        except _Refused:
            return ReferenceOutcome(None)  # not run at all: no witness, and no second report
        except EprepError as error:
            found = [str(error)]
        except Exception as error:  # a broken definition must name the question, not kill the run
            found = [f"the definition raised {type(error).__name__}: {error}"]
        problems.extend((variant.k, reason) for reason in found)
    return ReferenceOutcome(None if problems else EXACT, problems)


def proof_of(question: Question) -> Proof:
    """Which witnesses the question has (the identity read from the cache, or proven now)."""
    witnesses = []
    if question.reference is not None and not question.concept:
        witnesses.append(IDENTITY if identity_holds(question) else EXACT)
    if question.probe is not None and not question.concept:
        witnesses.append(ENGINE)
    return Proof(tuple(witnesses), question.concept, question.reference, question.probe)
