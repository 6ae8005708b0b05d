"""The interface every kind's behaviour implements, and the helpers the kinds share."""

from __future__ import annotations

import contextlib
import contextvars
import math
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError
from eprep.grammar.vocabulary import close

if TYPE_CHECKING:
    from eprep.questions import Question, Variant

LETTERS = string.ascii_lowercase
Equivalence = Callable[[str, str, Mapping[str, str]], bool]
# Set by the mutation test: a variant is decided by its first failed proof, so a kind may skip
# the proofs left (a code listing whose key fails is not also run with every wrong option).
_FIRST_FAILURE = contextvars.ContextVar("eprep_first_failure_decides", default=False)


@contextlib.contextmanager
def first_failure_decides() -> Iterator[None]:
    """Within: a kind may stop proving a variant at its first failure."""
    token = _FIRST_FAILURE.set(True)
    try:
        yield
    finally:
        _FIRST_FAILURE.reset(token)


def stop_at_first_failure() -> bool:
    return _FIRST_FAILURE.get()


class Unreadable(EprepError):
    """An answer that cannot be read (the learner is told why and asked again).

    `ja` is the same message in Japanese, shown by a `--lang ja` session (`text(lang)`).
    """

    def __init__(self, message: str, ja: str | None = None) -> None:
        super().__init__(message)
        self.ja = ja

    def text(self, lang: str = "en") -> str:
        return self.ja if lang == "ja" and self.ja else str(self)


@dataclass
class Outcome:
    """A judged answer: right or wrong, and everything the feedback shows."""

    correct: bool
    answer: str  # as stored in the review log
    key: str  # the right answer, ready to print
    read_as: str | None = None
    feedback: str | None = None  # targeted feedback of a known mistake or a picked option
    diagnosis: str | None = None  # the checker's explanation of a wrong answer (with a witness)
    details: list[str] = field(default_factory=list)  # e.g. per-step marks of a derivation
    near: bool = False  # wrong, but a near miss (a rounding slip): not rated as a lapse


class CheckKind:
    """One kind's behaviour. Subclasses override what their kind does; the defaults refuse.

    - `parse(variant, text)` reads a typed answer (Unreadable when it cannot);
    - `grade(variant, answer, lang)` judges a parsed answer;
    - `symbolic(question, variant, equivalent)` / `engine(question, variant, code_timeout)`
      prove the key of one variant (a list of reasons it is not proven; empty when it is);
    - `exam_item(variant, lang)` asks the variant as the exam does (`eprep.checker.exam`);
    - `test(equivalent)` is the kind's self-test, run by the bank's self-test (reasons it fails).
    """

    name: str = ""
    uses_sympy: bool = False  # grading needs the checker's SymPy worker (warm it early)
    key_is_number: bool = False  # the key is a formula of params only (shown in the params)
    exam_from_mistakes: bool = False  # its exam distractors are its known mistakes (needs 3)
    runs_code: bool = False  # proving runs child processes (verification schedules it first)

    # --- answers ---

    def parse(self, variant: Variant, text: str) -> Any:
        raise Unreadable(f"{self.name} questions take no typed answer")

    def grade(self, variant: Variant, answer: Any, lang: str = "en") -> Outcome:
        raise NotImplementedError(self.name)

    # --- proof ---

    def symbolic(self, question: Question, variant: Variant, equivalent: Equivalence) -> list[str]:
        return []

    def engine(
        self, question: Question, variant: Variant, *, code_timeout: float, trust_bank: bool = False
    ) -> list[str]:
        """Run the question's value probe and compare its evidence with the key."""
        from eprep.checker import probes

        name = question.probe
        assert name is not None
        if probes.is_code_probe(name):
            return [f"probe {name!r} is a code probe, but this is a {self.name} question"]
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
        return self.against(question, variant, evidence)

    def against(self, question: Question, variant: Variant, evidence: Any) -> list[str]:
        """Does the probe's evidence agree with the key?"""
        from eprep.checker.probes import OptionId, Samples, Value

        if isinstance(evidence, OptionId):
            return self.against_option(question, variant, evidence)
        if isinstance(evidence, Value):
            measured = float(evidence.value)
            if not math.isfinite(measured):
                return [f"the probe returned {measured}"]
            return self.against_value(question, variant, evidence)
        if isinstance(evidence, Samples):
            if len(evidence.points) != len(evidence.values) or not evidence.points:
                return ["the probe returned Samples with no points or mismatched lengths"]
            return self.against_samples(question, variant, evidence)
        return [f"the probe returned {type(evidence).__name__}, not Value, Samples or OptionId"]

    def against_option(self, question: Question, variant: Variant, evidence: Any) -> list[str]:
        return [f"the probe returned an option id, but this is a {self.name} question"]

    def against_value(self, question: Question, variant: Variant, evidence: Any) -> list[str]:
        return [f"the probe returned a Value, but a {self.name} key is a formula of variables"]

    def against_samples(self, question: Question, variant: Variant, evidence: Any) -> list[str]:
        return [f"the probe returned Samples, but a {self.name} key is a single number"]

    # --- exam format and self-test ---

    def exam_item(self, variant: Variant, lang: str = "en") -> Any:
        raise NotImplementedError(self.name)

    def test(self, equivalent: Equivalence) -> list[str]:
        """Reasons this kind's parse/grade/prove misbehave on a tiny question of its own."""
        return [f"kind {self.name!r} has no self-test"]


# --- helpers shared by kinds ---------------------------------------------------------------


def disagreement(variant: Variant, formula: str, evidence: Any) -> str | None:
    """Why `formula` does not match the probe's Samples (None when it matches at every point)."""
    points: Sequence[Mapping[str, float]] = evidence.points
    for point, expected in zip(points, evidence.values, strict=True):
        try:
            got = variant.evaluate(formula, point)
        except EprepError as error:
            return f"cannot evaluate at {dict(point)}: {error}"
        if not close(got, float(expected), evidence.rel_tol, evidence.abs_tol):
            shown = {name: round(float(v), 6) for name, v in point.items()}
            return f"at {shown}: {got:.10g}, engine = {float(expected):.10g}"
    return None


def exactly_correct(
    question: Question, items: list[tuple[str, Any]], matches: Callable[[Any], bool], what: str
) -> list[str]:
    """Exactly the correct option (labelled `option N`) matches the evidence."""
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


def verdict_text(verdict: Any) -> str:
    """The checker's one-line message, with its diagnosis when it has one."""
    text = verdict.message
    if verdict.diagnosis and verdict.diagnosis not in text:
        text += f" ({verdict.diagnosis})"
    return text


# What every self-test question shares; each kind adds only the fields it is about.
_SELF_TEST_TOPIC = '[topic]\ntitle.en = "t"\norder = 1\n'
_SELF_TEST_COMMON = """title.en = "t"
prompt.en = "t"
explanation.en = "t"
difficulty = 1
tags = []
source = "t"
concept = true
"""


def self_test_bank(kind: str, *questions: tuple[str, str]) -> list[Any]:
    """The `kind` questions of a small in-memory topic file, one per (slug, own TOML fields)."""
    import tomllib

    from eprep.questions.schema import FileValidator

    toml = _SELF_TEST_TOPIC + "".join(
        f'[[question]]\nid = "t.k.{slug}"\nkind = "{kind}"\n{_SELF_TEST_COMMON}{fields}'
        for slug, fields in questions
    )
    _, _, questions_ = FileValidator("<self-test>", toml).topic(tomllib.loads(toml), "t", "k")
    return questions_
