"""Hostile input through the real CLI: exit 1 or 2 within 3 s, nothing executed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

LIMIT_S = 3.0


def _hostile(marker: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {marker}')",
        f'__import__("os").system("touch {marker}")',
        f'exec(\'open("{marker}", "w")\')',
        "x.__class__.__mro__",
        "().__class__.__bases__[0].__subclasses__()",
        "__builtins__",
        "lambda: 1",
        "(lambda x: x)(2)",
        "sigmoid.__globals__",
        "'x'",
        "9^9^9^9",
        "10^10^10",
        "2**2**2**2**2",
        "(" * 5000 + "x" + ")" * 5000,
        "-" * 400 + "x",
        "x" * 100_000,
        "diff(x, x, 100000)",
        "diff(diff(diff(diff(diff(x^2, x), x), x), x), x)",
        "1" * 400,
        "x; import os",
        "x\n__import__('os')",
        "exp(exp(exp(exp(100))))",
        "(x + 1)^10000 - (x - 1)^9999",
        "(x + y)^10000*(x - y)^10000",
        "max(" + ",".join(f"tanh(x^{i})" for i in range(1, 60)) + ")",
    ]


def _run(args: list[str], cwd: Path) -> tuple[int, float, str]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "eprep", *args], capture_output=True, text=True, cwd=cwd, timeout=30
    )
    return done.returncode, time.monotonic() - start, done.stdout + done.stderr


@pytest.mark.parametrize("index", range(len(_hostile(Path("m")))))
def test_hostile_answer(index: int, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    answer = _hostile(marker)[index]
    code, elapsed, output = _run(["check", answer, "--expected", "x"], tmp_path)
    assert code in (1, 2), output
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s"
    assert not marker.exists()
    assert "Traceback" not in output
    if code == 2:
        assert output.strip().startswith("eprep: error: ") and output.count("\n") <= 1


def test_hostile_expected_and_assume(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code, elapsed, output = _run(
        ["check", "x", "--expected", f"__import__('os').system('touch {marker}')"], tmp_path
    )
    assert code == 2 and elapsed < LIMIT_S and not marker.exists()
    code, _, output = _run(
        ["check", "x", "--expected", "x", "--assume", "x: __import__('os')"], tmp_path
    )
    assert code == 2 and "Traceback" not in output


def test_megabyte_derivation_file(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x\n= " + "x+" * 500_000 + "x\n")
    code, elapsed, output = _run(["derive", str(big)], tmp_path)
    assert code == 2 and elapsed < LIMIT_S and "Traceback" not in output


def test_binary_derivation_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\xff\xfe\x00x\n= x\n")
    code, _, output = _run(["derive", str(junk)], tmp_path)
    assert code == 2 and "UTF-8" in output
