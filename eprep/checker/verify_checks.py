"""The two proofs of one question variant: symbolic (the checker) and engine (the probe).

Each check returns a list of `Failure`s; an empty list means the variant is proven. The symbolic
checks judge formulas with `eprep.checker.equivalent` on its trusted in-process path; the
engine check runs the question's probe and compares its evidence with the key, and for code
questions runs the template completed with every option in a sandboxed child process.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

from eprep.errors import EprepError
from eprep.questions import Question, Variant

# Numbers (value options, numeric mistakes) that differ by less than this are "the same answer".
DISTINCT_REL = 1e-6
DISTINCT_ABS = 1e-12


@dataclass(frozen=True)
class Failure:
    """One failed check: which variant (None for the whole question), which proof, and why."""

    variant: int | None
    check: str  # "load" | "symbolic" | "engine"
    reason: str


Equivalence = Callable[[str, str, Mapping[str, str]], bool]


def close(a: float, b: float, rel: float, abs_: float) -> bool:
    """|a - b| within max(rel * max(|a|, |b|), abs)."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return a == b
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def checker_equivalence() -> Equivalence:
    """`equivalent` from the checker, on its trusted fast path, as a yes/no function."""
    import inspect

    from eprep.checker import equivalent

    parameters = inspect.signature(equivalent).parameters
    extra = {"trusted": True} if "trusted" in parameters else {}

    def judge(answer: str, expected: str, domains: Mapping[str, str]) -> bool:
        return bool(equivalent(answer, expected, dict(domains), **extra).equivalent)

    return judge


# --- symbolic ---------------------------------------------------------------------------


def symbolic_checks(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    """Reasons the key of this variant is not symbolically sound (empty when it is)."""
    kind = question.kind
    if kind == "numeric":
        return _numeric(question, variant, equivalent)
    if kind == "expression":
        return _expression(question, variant, equivalent)
    if kind == "derivation":
        return _derivation(question, variant, equivalent)
    if kind == "choice":
        return _choice(question, variant, equivalent)
    return []  # code: the template's shape is checked by the loader, its behaviour by the engine


def _numeric(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    key = variant.key_value()
    if not math.isfinite(key):
        return [f"the key {question.answer!r} is not a finite number ({key})"]
    problems = []
    for mistake in question.mistakes:
        value = variant.evaluate(mistake.answer)
        if question.tolerance.accepts(value, key):
            problems.append(
                f"mistake {mistake.answer!r} = {value:.6g} is accepted as the key {key:.6g}"
            )
    return problems


def _expression(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    key = variant.bind(question.answer)
    domains = question.variables
    problems = []
    for mistake in question.mistakes:
        if equivalent(variant.bind(mistake.answer), key, domains):
            problems.append(
                f"mistake {mistake.answer!r} is equivalent to the key {question.answer!r}"
            )
    return problems


def _derivation(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    chain = [question.start, *question.solution, question.answer]
    domains = question.variables
    problems = []
    if not equivalent(variant.bind(question.start), variant.bind(question.answer), domains):
        problems.append(
            f"start {question.start!r} is not equivalent to the answer {question.answer!r}"
        )
    for before, after in pairwise(chain):
        if not equivalent(variant.bind(after), variant.bind(before), domains):
            problems.append(f"solution step {before!r} -> {after!r} does not hold")
            break
    for mistake in question.mistakes:
        if equivalent(variant.bind(mistake.answer), variant.bind(question.answer), domains):
            problems.append(f"mistake {mistake.answer!r} is equivalent to the answer")
    return problems


def _choice(question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
    options = question.options
    forms = {option.form for option in options}
    if not forms & {"formula", "value"}:
        return []  # text or code options: only the engine (or nothing, for concept) decides
    correct = question.correct_option
    assert correct is not None  # the loader guarantees exactly one
    problems = []
    if forms == {"value"}:
        key = variant.evaluate(question.answer)
        numbers = [variant.evaluate(option.value) for option in options]
        if not close(numbers[correct.index], key, DISTINCT_REL, DISTINCT_ABS):
            problems.append(
                f"the correct option ({numbers[correct.index]:.6g}) is not the answer ({key:.6g})"
            )
        for a, b in combinations(range(len(options)), 2):
            if close(numbers[a], numbers[b], DISTINCT_REL, DISTINCT_ABS):
                problems.append(
                    f"options {a + 1} and {b + 1} are the same number ({numbers[a]:.6g})"
                )
        return problems
    domains = question.variables
    texts = [variant.bind(option.formula or option.value) for option in options]
    key = variant.bind(question.answer)
    if not equivalent(texts[correct.index], key, domains):
        problems.append(
            f"the correct option {correct.formula or correct.value!r} is not equivalent "
            "to the answer"
        )
    for a, b in combinations(range(len(options)), 2):
        if equivalent(texts[a], texts[b], domains):
            problems.append(
                f"options {a + 1} and {b + 1} are equivalent ({texts[a]!r} ≡ {texts[b]!r})"
            )
    return problems


# --- engine -----------------------------------------------------------------------------


def engine_checks(
    question: Question, variant: Variant, *, code_timeout: float, trust_bank: bool = False
) -> list[str]:
    """Reasons the engine disagrees with the key of this variant (empty when it agrees)."""
    from eprep.checker import probes

    name = question.probe
    assert name is not None
    if question.kind == "code":
        if not probes.is_code_probe(name):
            return [f"no code probe named {name!r}" + _kind_hint(name, probes)]
        return _code(question, variant, code_timeout, trust_bank)
    if probes.is_code_probe(name):
        return [f"probe {name!r} is a code probe, but this is a {question.kind} question"]
    try:
        function = probes.get_probe(name)
    except KeyError:
        return [f"no probe named {name!r}"]
    import numpy as np

    rng = np.random.default_rng(variant.seed)
    try:
        evidence = function(dict(variant.values), rng, **dict(question.probe_args))
    except Exception as error:  # a probe bug must be reported, not crash the run
        return [f"probe {name!r} raised {type(error).__name__}: {error}"]
    return compare_evidence(question, variant, evidence)


def _kind_hint(name: str, probes: Any) -> str:
    try:
        probes.get_probe(name)
    except KeyError:
        return ""
    return " (it is a value probe)"


def compare_evidence(question: Question, variant: Variant, evidence: Any) -> list[str]:
    """Does the probe's evidence agree with the key (and, in choice questions, only the key)?"""
    from eprep.checker.probes import OptionId, Samples, Value

    kind = question.kind
    if isinstance(evidence, OptionId):
        if kind != "choice":
            return [f"the probe returned an option id, but this is a {kind} question"]
        correct = question.correct_option
        if correct is None or correct.id is None:
            return ["the probe returned an option id, but the correct option has no id"]
        if evidence.option_id != correct.id:
            return [f"the engine picks option {evidence.option_id!r}, the key says {correct.id!r}"]
        return []
    if isinstance(evidence, Value):
        return _against_value(question, variant, evidence)
    if isinstance(evidence, Samples):
        return _against_samples(question, variant, evidence)
    return [f"the probe returned {type(evidence).__name__}, not Value, Samples or OptionId"]


def _candidates(question: Question) -> list[tuple[str, str]]:
    """(label, formula) pairs the evidence is compared with: the key, or every option."""
    if question.kind == "choice":
        return [
            (f"option {o.index + 1}", o.formula or o.value)
            for o in question.options
            if (o.formula or o.value) is not None
        ]
    return [("the key", question.answer)] if question.answer else []


def _against_value(question: Question, variant: Variant, evidence: Any) -> list[str]:
    if question.kind not in ("numeric", "choice"):
        return [f"the probe returned a Value, but a {question.kind} key is a formula of variables"]
    measured = float(evidence.value)
    if not math.isfinite(measured):
        return [f"the probe returned {measured}"]
    if question.kind == "numeric":
        key = variant.key_value()
        if not close(key, measured, evidence.rel_tol, evidence.abs_tol):
            return [f"key {question.answer!r} = {key:.10g}, engine = {measured:.10g}"]
        return []
    return _exactly_correct(
        question,
        [(label, variant.evaluate(f)) for label, f in _candidates(question)],
        lambda value: close(value, measured, evidence.rel_tol, evidence.abs_tol),
        f"engine = {measured:.10g}",
    )


def _against_samples(question: Question, variant: Variant, evidence: Any) -> list[str]:
    points: Sequence[Mapping[str, float]] = evidence.points
    values: Sequence[float] = evidence.values
    if len(points) != len(values) or not points:
        return ["the probe returned Samples with no points or mismatched lengths"]
    if question.kind == "numeric":
        return ["the probe returned Samples, but a numeric key is a single number"]

    def agrees(formula: str) -> str | None:
        for point, expected in zip(points, values, strict=True):
            try:
                got = variant.evaluate(formula, point)
            except EprepError as error:
                return f"cannot evaluate at {dict(point)}: {error}"
            if not close(got, float(expected), evidence.rel_tol, evidence.abs_tol):
                shown = {name: round(float(v), 6) for name, v in point.items()}
                return f"at {shown}: {got:.10g}, engine = {float(expected):.10g}"
        return None

    if question.kind == "choice":
        return _exactly_correct(
            question,
            [(label, f) for label, f in _candidates(question)],
            lambda formula: agrees(formula) is None,
            "the engine's samples",
        )
    problems = []
    for label, formula in [("the key", question.answer)] + (
        [("the start", question.start)] if question.kind == "derivation" else []
    ):
        reason = agrees(formula)
        if reason:
            problems.append(f"{label} {formula!r} disagrees with the engine {reason}")
    return problems


def _exactly_correct(
    question: Question, items: list[tuple[str, Any]], matches: Callable[[Any], bool], what: str
) -> list[str]:
    correct = question.correct_option
    assert correct is not None
    label_of_correct = f"option {correct.index + 1}"
    matching = [label for label, item in items if matches(item)]
    problems = []
    if label_of_correct not in matching:
        problems.append(f"the correct {label_of_correct} does not match {what}")
    for label in matching:
        if label != label_of_correct:
            problems.append(f"distractor {label} also matches {what}")
    return problems


def _code(question: Question, variant: Variant, timeout: float, trust_bank: bool) -> list[str]:
    from eprep.checker.verify_sandbox import code_policy, run_completed_template
    from eprep.questions import BLANK, bundled_bank_dir, substitute

    bundled = Path(question.path).resolve().is_relative_to(bundled_bank_dir())
    confine, refusal = code_policy(trusted=bundled or trust_bank)
    if refusal is not None:
        return [refusal]

    template = variant.code() or ""
    problems = []
    for option in question.options:
        source = template.replace(BLANK, substitute(option.code or "", variant.values), 1)
        result = run_completed_template(
            source,
            question.probe,
            dict(variant.values),
            variant.seed,
            question.probe_args,
            timeout=timeout,
            confine=confine,
        )
        label = f"option {option.index + 1} ({_one_line(option.code)})"
        if option.correct and not result.passed:
            problems.append(f"the correct {label} fails: {result.reason}")
        elif not option.correct and result.passed:
            problems.append(f"distractor {label} passes the code probe")
    return problems


def _one_line(code: str | None) -> str:
    text = " ".join((code or "").split())
    return text if len(text) <= 50 else text[:47] + "..."
