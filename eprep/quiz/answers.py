"""Reading a learner's answer and judging it: the kinds' parse and grade, for the quiz.

The behaviour lives with each question type in `eprep.checker.kinds`; these names are kept
for the quiz's callers. Choice, code and numeric answers are judged with the answer grammar
alone (no SymPy); expressions and derivations go to the checker, imported when needed.
"""

from __future__ import annotations

from eprep.checker.kinds.base import LETTERS, Outcome, Unreadable
from eprep.checker.kinds.choice import judge_choice, read_letter, shown_options
from eprep.checker.kinds.derivation import judge_derivation
from eprep.checker.kinds.expression import judge_expression, read_expression
from eprep.checker.kinds.numeric import judge_numeric, read_number
from eprep.checker.kinds.numeric import numeric_diagnosis as _numeric_diagnosis

__all__ = [
    "LETTERS",
    "Outcome",
    "Unreadable",
    "_numeric_diagnosis",
    "judge_choice",
    "judge_derivation",
    "judge_expression",
    "judge_numeric",
    "read_expression",
    "read_letter",
    "read_number",
    "shown_options",
]
