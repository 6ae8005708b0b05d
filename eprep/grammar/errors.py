"""Errors of the answer grammar."""

from __future__ import annotations

from eprep.errors import EprepError


class GrammarError(EprepError):
    """Text that the grammar rejects; `position` is 1-based in the original input."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"col {position}: {message}")


class EvaluationError(EprepError):
    """A formula that has no real value at the given point (log of a negative, 1/0, overflow).

    `reason` is "domain" (outside the function's domain, or 1/0), "overflow" (too large for a
    float, though it may exist), "missing" (no value given for a variable) or "size".
    """

    def __init__(self, message: str, *, reason: str = "domain") -> None:
        super().__init__(message)
        self.reason = reason
