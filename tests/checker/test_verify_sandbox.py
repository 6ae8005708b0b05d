"""The code runner: each completed template runs in its own process under time and memory limits."""

from __future__ import annotations

import os
import time

from eprep.checker.probes import code_probe
from eprep.checker.verify_sandbox import run_completed_template


@code_probe("sandbox_test_double")
def _double(namespace, variant, rng) -> None:
    assert namespace["double"](21) == 42, "double(21) is not 42"


def test_passing_and_failing_templates() -> None:
    ok = run_completed_template("def double(x):\n    return 2 * x\n", "sandbox_test_double", {}, 1)
    assert ok.passed and ok.reason == ""
    wrong = run_completed_template(
        "def double(x):\n    return x + 2\n", "sandbox_test_double", {}, 1
    )
    assert not wrong.passed and "double(21) is not 42" in wrong.reason


def test_infinite_loop_is_killed_at_the_time_limit() -> None:
    started = time.perf_counter()
    result = run_completed_template(
        "while True:\n    pass\n", "sandbox_test_double", {}, 1, timeout=0.5
    )
    elapsed = time.perf_counter() - started
    assert not result.passed
    assert "timed out" in result.reason or "CPU time" in result.reason
    assert elapsed < 5


def test_memory_hog_fails_without_harming_the_parent() -> None:
    source = "block = bytearray(4 * 1024 ** 3)\ndef double(x):\n    return 2 * x\n"
    result = run_completed_template(source, "sandbox_test_double", {}, 1, memory_mb=256)
    assert not result.passed
    assert "memory" in result.reason.lower()


def test_template_cannot_change_the_verifying_process(tmp_path) -> None:
    source = (
        "import os\nos.environ['EPREP_SANDBOX_LEAK'] = '1'\nos.chdir('/')\n"
        "def double(x):\n    return 2 * x\n"
    )
    before = os.getcwd()
    result = run_completed_template(source, "sandbox_test_double", {}, 1)
    assert result.passed
    assert "EPREP_SANDBOX_LEAK" not in os.environ
    assert os.getcwd() == before


def test_syntax_error_and_exceptions_are_reasons() -> None:
    bad = run_completed_template("def double(x) return x\n", "sandbox_test_double", {}, 1)
    assert not bad.passed and "syntax error" in bad.reason
    raises = run_completed_template("raise ValueError('boom')\n", "sandbox_test_double", {}, 1)
    assert not raises.passed and "ValueError: boom" in raises.reason
