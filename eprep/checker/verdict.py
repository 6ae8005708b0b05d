"""Results of the checker: plain dataclasses that travel as JSON between processes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Verdict:
    """Whether an answer equals the expected formula on the declared domains, and why.

    certainty: "proof" (SymPy proved it, or a disagreement was confirmed in exact/high-precision
    arithmetic), "numeric" (random points agree but SymPy could not prove it in time), or "none"
    (too few points where both formulas are defined; `equivalent` is then False).
    `undefined` names the side that is a constant without a value (`1/0`, `log(-1)`).
    """

    equivalent: bool
    certainty: str
    read_as: str
    message: str
    expected_read_as: str = ""
    witness: dict[str, float] | None = None
    answer_value: float | None = None
    expected_value: float | None = None
    diagnosis: str | None = None
    points: int = 0
    regions: str | None = None  # sign regions the points covered, when numbers alone decide
    undefined: str | None = None  # "answer", "expected" or "both": a constant without a value
    compared: str | None = None  # for equations: which sides were compared (equations.py)
    # for a numeric-only verdict: the --assume that may let SymPy prove it ("n: positive")
    assume_hint: str | None = None
    # the message's catalogue key and its language-neutral parts (checker/wording.py), so the
    # message can be shown in the learner's language
    reason: str | None = None
    facts: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(**data)


@dataclass
class Judgement:
    """A learner's answer judged against a key and a question's known mistakes."""

    correct: bool
    verdict: Verdict
    mistake_index: int | None = None
    mistake_verdict: Verdict | None = None

    @property
    def message(self) -> str:
        return self.verdict.message

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StepResult:
    """One line of a derivation checked against the line before it."""

    line: int
    text: str
    read_as: str
    ok: bool
    verdict: Verdict | None = None  # None for the first expression
    follows_from: int | None = None  # a failing step that equals this earlier, correct line


@dataclass
class DerivationReport:
    steps: list[StepResult] = field(default_factory=list)
    start_ok: bool | None = None  # None when no --start was given
    end_ok: bool | None = None
    start_verdict: Verdict | None = None
    end_verdict: Verdict | None = None

    @property
    def has_step(self) -> bool:
        """Something was derived: a first expression and a step (a first line that begins with
        '=' is a step from the given start). One line alone, even the start or the target
        itself, derives nothing."""
        return len(self.steps) >= 2

    @property
    def failures(self) -> list[StepResult]:
        return [step for step in self.steps if not step.ok]

    @property
    def ok(self) -> bool:
        return (
            self.has_step
            and all(step.ok for step in self.steps)
            and self.start_ok is not False
            and self.end_ok is not False
        )

    @property
    def first_failure(self) -> StepResult | None:
        return next((step for step in self.steps if not step.ok), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["has_step"] = self.has_step
        data["failure_lines"] = [step.line for step in self.failures]
        failure = self.first_failure
        data["first_failure_line"] = failure.line if failure else None
        return data
