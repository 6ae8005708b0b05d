"""A short hypothesis fuzz of the two small languages a bank or a learner's file can feed in:
the `where` condition and the derivation file reader. Each input must end, fast, in a result
or the language's own one-line error; the time bound is per input.
"""

from __future__ import annotations

import time
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eprep.checker.derivation import parse_derivation
from eprep.errors import EprepError
from eprep.grammar.nodes import substitute, walk
from eprep.grammar.parser import MAX_NODES
from eprep.questions.condition import ConditionError, parse_condition

PER_INPUT_S = 0.5

CONDITION_TOKENS = [
    "H", "P", "S", "x", "2", "0", "100", "1e6", ".5", "999999", "+", "-", "*", "/", "//", "%",
    "^", "**", "(", ")", ",", " ", "==", "!=", "<", "<=", ">", ">=", "=", "and", "or", "not",
    "true", "false", "abs", "max", "min", "sqrt", "exp", "log", "floor", "diff", "__x", ";",
    "'", "[", "import",
]  # fmt: skip
conditions = st.lists(st.sampled_from(CONDITION_TOKENS), max_size=40).map(" ".join)
VALUES = {"H": 999_999, "P": 3, "S": 0, "x": -0.5}


@settings(
    max_examples=300,
    deadline=timedelta(seconds=PER_INPUT_S),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(conditions)
def test_where_conditions_parse_and_evaluate_or_fail_cleanly(text: str) -> None:
    started = time.perf_counter()
    try:
        condition = parse_condition(text)
    except ConditionError as error:
        assert "\n" not in str(error)
    else:
        assert condition.names() <= set(VALUES) | {"e", "pi"}
        try:
            assert condition.holds(VALUES) in (True, False)
        except ConditionError as error:
            assert "\n" not in str(error)
    assert time.perf_counter() - started < PER_INPUT_S


LINE_PARTS = [
    "let a = ", "let b = ", "let c = ", "assume x: positive", "assume y: (0, 1)", "= ", "# note",
    "a", "b", "c", "x", "y", "a + a", "b * b", "sqrt(", "c^2", "(", ")", "+", "*", "2", "exp(",
    "diff(", ", x)", "let exp = 1", "let", "=", "  ",
]  # fmt: skip
lines = st.lists(st.sampled_from(LINE_PARTS), min_size=1, max_size=6).map("".join)
derivations = st.lists(lines, max_size=25).map("\n".join)


@settings(
    max_examples=300,
    deadline=timedelta(seconds=PER_INPUT_S),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(derivations)
def test_derivation_reader_is_bounded(text: str) -> None:
    started = time.perf_counter()
    try:
        parsed = parse_derivation(text, path="fuzz.txt")
    except EprepError as error:
        message = str(error)
        assert message.startswith("fuzz.txt") and "\n" not in message
    else:
        # What the checker will see (lets substituted) is within the grammar's size limit.
        for _, _, node in parsed.chain:
            assert sum(1 for _ in walk(substitute(node, parsed.lets))) <= MAX_NODES
    assert time.perf_counter() - started < PER_INPUT_S
