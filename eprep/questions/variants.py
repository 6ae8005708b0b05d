"""Reproducible variants of a question: parameters drawn from a sha256-seeded stream.

Variant k of question `id` draws its parameters from `random.Random` seeded with
`sha256(f"{id}:{k}")`, so it is the same on every machine and every run; draws repeat (on the
same stream) until the `where` condition holds, at most 1000 times.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from eprep.errors import EprepError
from eprep.grammar.vocabulary import alias_names, format_number, seed_of, with_aliases
from eprep.questions.condition import ConditionError

# Variants 0 … PROVEN_VARIANTS − 1 of each question are the ones `eprep verify` proves; the quiz,
# the mock exam and the exports show a learner only these, so every key a learner meets is proven.
PROVEN_VARIANTS = 20

__all__ = [
    "PROVEN_VARIANTS",
    "Variant",
    "VariantError",
    "alias_names",
    "format_number",
    "make_variant",
    "seed_of",
    "substitute",
    "with_aliases",
]


# What a variant reads of its question. Structural types, so that this module does not import
# the data model (`models.Question.variant` builds on this module, never the other way round).
class Text(Protocol):
    def get(self, lang: str = "en") -> str: ...


class Option(Protocol):
    @property
    def text(self) -> Text | None: ...
    @property
    def value(self) -> str | None: ...
    @property
    def formula(self) -> str | None: ...
    @property
    def code(self) -> str | None: ...


class Condition(Protocol):
    @property
    def location(self) -> str | None: ...
    def holds(self, values: Mapping[str, Number]) -> bool: ...


class ParamSpec(Protocol):
    def draw(self, rng: random.Random) -> Number: ...


class Question(Protocol):
    """The fields of `eprep.questions.models.Question` that variants use."""

    @property
    def id(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def title(self) -> Text: ...
    @property
    def prompt(self) -> Text: ...
    @property
    def explanation(self) -> Text: ...
    @property
    def code(self) -> str | None: ...
    @property
    def answer(self) -> str | None: ...
    @property
    def options(self) -> Sequence[Any]: ...
    @property
    def params(self) -> Mapping[str, ParamSpec]: ...
    @property
    def exam_params(self) -> Mapping[str, ParamSpec]: ...
    @property
    def derived(self) -> Mapping[str, str]: ...
    @property
    def variables(self) -> Mapping[str, str]: ...
    @property
    def functions(self) -> frozenset[str]: ...
    @property
    def where(self) -> Condition | None: ...


Number = int | float

MAX_DRAWS = 1000
WHERE_BUDGET = 2.0  # seconds of drawing and `where` evaluation for one variant
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class VariantError(EprepError):
    """A question whose parameters cannot produce a valid variant."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")
        self.detail = detail  # the message without its `file:line`


@lru_cache(maxsize=4096)
def parse_formula(
    text: str, names: frozenset[str] = frozenset(), functions: frozenset[str] = frozenset()
):
    """Parse a bank formula with the answer grammar (cached: variants re-use the same few).

    `functions`: the question's declared functions (`functions = ["f"]`), callable as `f(x)`.
    """
    from eprep.grammar import parse

    return parse(text, variables=sorted(names), functions=sorted(functions))


def evaluate_formula(
    text: str,
    values: Mapping[str, Number],
    names: frozenset[str] | None = None,
    functions: frozenset[str] = frozenset(),
) -> float:
    """The float value of a bank formula with `values` substituted (a declared function has
    none: EvaluationError)."""
    from eprep.grammar import evaluate

    node = parse_formula(text, frozenset(values) if names is None else names, functions)
    return evaluate(node, with_aliases(values))


def bind_node(
    text: str,
    values: Mapping[str, Number],
    names: frozenset[str],
    functions: frozenset[str] = frozenset(),
):
    """The formula's tree with every name in `values` replaced by its number (for the checker)."""
    from eprep.grammar.nodes import Neg, Num, substitute

    def number(value: Number):
        literal = Num(
            float(abs(value)), repr(abs(value)) if isinstance(value, float) else str(abs(value))
        )
        return Neg(literal) if value < 0 else literal

    numbers = {name: number(value) for name, value in with_aliases(values).items()}
    return substitute(parse_formula(text, names, functions), numbers)


def bind_formula(
    text: str,
    values: Mapping[str, Number],
    names: frozenset[str],
    functions: frozenset[str] = frozenset(),
) -> str:
    """`bind_node` printed: the formula with the variant's numbers, as text."""
    from eprep.grammar import to_text

    return to_text(bind_node(text, values, names, functions))


def substitute(text: str, values: Mapping[str, Number]) -> str:
    """Replace every `{{NAME}}` with the formatted value of NAME (unknown names stay as written)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return format_number(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def placeholders(text: str) -> set[str]:
    """The names used as `{{NAME}}` in a text."""
    return set(_PLACEHOLDER.findall(text))


@dataclass(frozen=True)
class Variant:
    """One instance of a question: parameter and derived values, and text rendered with them."""

    question: Question
    k: int
    values: Mapping[str, Number]
    draws: int = 1
    exam: bool = False  # drawn from the question's exam_params (hand-computable family)

    @property
    def family(self) -> str:
        """The salt of this variant's streams: "" for the drill family, ":exam" for the exam's."""
        return ":exam" if self.exam and self.question.exam_params else ""

    @property
    def seed(self) -> int:
        """A seed for engine probes (a stream independent of the parameter draws)."""
        return seed_of(self.question.id, self.k, f"{self.family}:probe")

    @property
    def names(self) -> frozenset[str]:
        """Every name a formula of this question may use: params, derived and variables."""
        return frozenset(self.values) | frozenset(self.question.variables)

    def render(self, text: Text | None, lang: str = "en") -> str:
        return "" if text is None else substitute(text.get(lang), self.values)

    def title(self, lang: str = "en") -> str:
        return self.render(self.question.title, lang)

    def prompt(self, lang: str = "en") -> str:
        return self.render(self.question.prompt, lang)

    def explanation(self, lang: str = "en") -> str:
        return self.render(self.question.explanation, lang)

    def code(self) -> str | None:
        """The code template with `{{NAME}}` substituted (code questions)."""
        return None if self.question.code is None else substitute(self.question.code, self.values)

    def evaluate(self, formula: str, extra: Mapping[str, Number] | None = None) -> float:
        """A formula of params (and, with `extra`, of variables) evaluated for this variant."""
        env = dict(self.values)
        if extra:
            env.update(extra)
        return evaluate_formula(formula, env, self.names, self.question.functions)

    def bind(self, formula: str) -> str:
        """`formula` with this variant's params and derived values substituted (variables stay)."""
        return bind_formula(formula, self.values, self.names, self.question.functions)

    def bind_tree(self, formula: str):
        """`bind` as a tree (the checker's input: no printing and re-parsing in between)."""
        return bind_node(formula, self.values, self.names, self.question.functions)

    def key_value(self) -> float:
        """The numeric key of a numeric question for this variant."""
        if self.question.answer is None:
            raise ValueError(f"{self.question.id} has no formula answer")
        return self.evaluate(self.question.answer)

    def option_text(self, option: Option, lang: str = "en") -> str:
        """What a learner sees for an option."""
        if option.text is not None:
            return self.render(option.text, lang)
        if option.value is not None:
            return format_number(self.evaluate(option.value))
        if option.formula is not None:
            return substitute(option.formula, self.values)
        return substitute(option.code or "", self.values)

    def option_order(self) -> list[int]:
        """Indices of the question's options in the order shown (shuffled, same per variant)."""
        order = list(range(len(self.question.options)))
        random.Random(seed_of(self.question.id, self.k, ":options")).shuffle(order)
        return order


def make_variant(question: Question, k: int, *, exam: bool = False) -> Variant:
    """Variant k of a question, redrawn until `where` holds (VariantError if it never does).

    With `exam`, the params named in `exam_params` are drawn from those specs instead, on a
    stream of their own (the drill family's variants stay what they were).
    """
    if k < 0:
        raise ValueError("variant numbers start at 0")
    exam = exam and bool(question.exam_params)
    specs = {**question.params, **question.exam_params} if exam else question.params
    rng = random.Random(seed_of(question.id, k, ":exam" if exam else ""))
    names = frozenset(question.params) | frozenset(question.derived) | frozenset(question.variables)
    deadline = time.perf_counter() + WHERE_BUDGET
    for draw in range(1, MAX_DRAWS + 1):
        if draw > 1 and time.perf_counter() > deadline:
            where = question.where.location if question.where else question.location
            raise VariantError(
                where or question.location,
                f"where: variant {k} found no valid parameters within {WHERE_BUDGET:g} s "
                f"({draw - 1} draws)",
            )
        values: dict[str, Number] = {name: spec.draw(rng) for name, spec in specs.items()}
        try:
            for name, formula in question.derived.items():
                values[name] = _tidy(evaluate_formula(formula, values, names))
        except (EprepError, ArithmeticError, ValueError) as error:
            if draw == MAX_DRAWS:
                raise VariantError(question.location, f"derived values fail: {error}") from None
            continue
        if question.where is None:
            return Variant(question, k, values, draw, exam)
        try:
            if question.where.holds(values):
                return Variant(question, k, values, draw, exam)
        except ConditionError as error:
            where = question.where.location or question.location
            raise VariantError(where, f"where: {error}") from None
    raise VariantError(
        question.location,
        f"question {question.id}: 'where' was never satisfied in {MAX_DRAWS} draws of variant {k}",
    )


def _tidy(value: float) -> Number:
    # Derived values that are whole numbers act as integers in `where` (e.g. `%`) and in text.
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value
