"""Property-based fuzzing over random token strings: no uncaught exception, no overrun."""

from __future__ import annotations

import contextlib
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eprep.checker import equivalent
from eprep.errors import EprepError
from eprep.grammar import EvaluationError, GrammarError, evaluate, parse, to_text

TOKENS = [
    "x",
    "y",
    "e",
    "pi",
    "sigma",
    "eps",
    "2",
    "0",
    "1e-7",
    "9",
    ".5",
    "100",
    "+",
    "-",
    "*",
    "/",
    "^",
    "**",
    "(",
    ")",
    ",",
    " ",
    "exp",
    "log",
    "sqrt",
    "abs",
    "tanh",
    "sigmoid",
    "max",
    "min",
    "floor",
    "diff",
    "σ",
    "²",
    "·",
    "−",
    "'",
    ".",
    "__",
    "lambda",
    "import",
    "#",
]
token_strings = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=30).map("".join)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token_strings)
def test_parse_and_evaluate_never_crash(text: str) -> None:
    try:
        node = parse(text)
    except GrammarError as error:
        assert 1 <= error.position <= len(text) + 1
        return
    assert parse(to_text(node)) == node
    with contextlib.suppress(EvaluationError):
        evaluate(node, {"x": 0.7, "y": -1.3, "sigma": 2.0, "epsilon": 0.1})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token_strings)
def test_checker_never_crashes_or_overruns(text: str) -> None:
    start = time.monotonic()
    try:
        verdict = equivalent(text, "x*y + 1", {"y": "positive"}, timeout=2.0)
    except EprepError:
        pass
    else:
        assert verdict.certainty in ("proof", "numeric", "none")
    assert time.monotonic() - start < 3.0
