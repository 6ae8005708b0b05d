"""The `where` language: arithmetic and logic as written by hand, nothing else."""

from __future__ import annotations

import pytest

from eprep.questions.condition import ConditionError, parse_condition


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("(H + 2*P - F) % S == 0", {"H": 28, "P": 1, "F": 3, "S": 3}, True),  # 27 % 3 = 0
        ("(H + 2*P - F) % S == 0", {"H": 28, "P": 1, "F": 3, "S": 2}, False),  # 27 % 2 = 1
        ("H + 2P >= F and not S > 2", {"H": 1, "P": 1, "F": 3, "S": 2}, True),  # 2P = 2*P
        ("a % 2 == 0 or b // 3 == 2", {"a": 3, "b": 7}, True),  # 7 // 3 = 2
        ("1 < a <= 3 < b", {"a": 3, "b": 4}, True),
        ("1 < a <= 3 < b", {"a": 3, "b": 3}, False),
        ("-a^2 == -9", {"a": 3}, True),  # unary minus binds looser than power
        ("2^3^2 == 512", {}, True),  # right-associative
        ("a + b % c == 1 + (5 % 3)", {"a": 1, "b": 5, "c": 3}, True),  # % binds tighter than +
        ("max(a, b, 2) == 7 and abs(-a) == 7 and sqrt(b) == 2", {"a": 7, "b": 4}, True),
        ("floor(a / 2) == 1 and ceil(a / 2) == 2", {"a": 3}, True),
        ("not (a == 1 or a == 2)", {"a": 2}, False),
        ("a != b", {"a": 0.1 + 0.2, "b": 0.3}, True),
    ],
)
def test_conditions_evaluate_as_written(text: str, values: dict, expected: bool) -> None:
    assert parse_condition(text).holds(values) is expected


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "a.__class__",
        "open('x')",
        "a if b else c",
        "[a]",
        "a == ",
        "(a == 1",
        "a >> 2",
        "lambda: 1",
        "a; b",
        "x" * 600,
        "(" * 60 + "1" + ")" * 60,
    ],
)
def test_anything_else_is_rejected(text: str) -> None:
    with pytest.raises(ConditionError):
        parse_condition(text)


def test_names_and_errors_at_evaluation() -> None:
    condition = parse_condition("(H + 2*P - F) % S == 0 and H > F")
    assert condition.names() == {"H", "P", "F", "S"}
    with pytest.raises(ConditionError):
        parse_condition("a % b == 0").holds({"a": 1, "b": 0})
    with pytest.raises(ConditionError):
        parse_condition("a == 0").holds({})


@pytest.mark.parametrize(
    "text",
    [
        "(((H^100)^100)^100)^100 > 0",  # the bomb: 1e600+ as an integer took > 30 s
        "H^100 * H^100 * H^100 > 0",
        "exp(exp(H)) > 0",
        "(H^100 // 1) % 7 == 0",
    ],
)
def test_huge_intermediate_values_are_an_overflow_error_at_once(text: str) -> None:
    import time

    condition = parse_condition(text)
    started = time.perf_counter()
    with pytest.raises(ConditionError, match="overflow"):
        condition.holds({"H": 999_999})
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("text", "column"),
    [("H >> 2", 4), ("a == = 1", 6), ("x ^ 1000 > 1", 3), ("diff(x, x) > 0", 1)],
)
def test_parse_errors_name_the_column(text: str, column: int) -> None:
    with pytest.raises(ConditionError, match=f"^col {column}: "):
        parse_condition(text)


def test_integers_stay_exact_enough_for_divisibility() -> None:
    # Parameters are at most a few thousand; floats hold integers exactly up to 2**53.
    condition = parse_condition("(H + 2*P - F) % S == 0")
    for h in range(1, 400):
        assert condition.holds({"H": h, "P": 1, "F": 3, "S": 7}) is ((h + 2 - 3) % 7 == 0)


def test_where_bomb_in_a_bank_fails_fast_with_file_and_line(tmp_path) -> None:
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    source = Path(__file__).parent / "broken" / "where-never-satisfied" / "day2" / "cnn.toml"
    day = tmp_path / "bank" / "day2"
    day.mkdir(parents=True)
    text = (
        source.read_text(encoding="utf-8")
        .replace('where = "H > 100"  # ERROR', 'where = "(((H^100)^100)^100)^100 > 0"')
        .replace('"randint(1, 9)"', '"randint(8, 1000000)"')
    )
    (day / "cnn.toml").write_text(text, encoding="utf-8")
    line = text.splitlines().index('where = "(((H^100)^100)^100)^100 > 0"') + 1
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "eprep", "list", "--bank", str(tmp_path / "bank")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "EPREP_BUNDLED": "0", "EPREP_CACHE": "0"},
    )
    assert time.perf_counter() - started < 20
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"eprep: error: {day / 'cnn.toml'}:{line}: "), result.stderr
    assert "overflow" in result.stderr and "Traceback" not in result.stderr
