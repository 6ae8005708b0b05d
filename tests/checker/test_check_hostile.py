"""Hostile input through the real CLI: exit 1 or 2 within the check's time limit, nothing executed.

"Within the limit" is the learner check's own budget (`DEFAULT_TIMEOUT`, worker start-up
excluded) on top of what a benign check that needs SymPy takes on this machine now, measured in
the same session: on a quiet machine that is about 3 s, as before; on a loaded one the bound
grows with the start-up time instead of failing a check that did stop at its budget.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from eprep.checker.api import DEFAULT_TIMEOUT


@pytest.fixture(scope="module")
def limit_s(tmp_path_factory) -> float:
    """Seconds a hostile check may take: a benign SymPy check's time, then the check's budget."""
    cwd = tmp_path_factory.mktemp("benign")
    benign = min(_run(["check", "sin(x)^2 + cos(x)^2", "--expected", "1"], cwd)[1] for _ in "ab")
    return benign + DEFAULT_TIMEOUT + 0.5


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
def test_hostile_answer(index: int, tmp_path: Path, limit_s: float) -> None:
    marker = tmp_path / "pwned"
    answer = _hostile(marker)[index]
    code, elapsed, output = _run(["check", answer, "--expected", "x"], tmp_path)
    assert code in (1, 2, 4), output  # 4: cannot decide (exp(exp(exp(exp(100)))) overflows)
    assert elapsed < limit_s, f"took {elapsed:.2f} s"
    assert not marker.exists()
    assert "Traceback" not in output
    if code == 2:
        assert output.strip().startswith("eprep: error: ") and output.count("\n") <= 1


def test_hostile_expected_and_assume(tmp_path: Path, limit_s: float) -> None:
    marker = tmp_path / "pwned"
    code, elapsed, output = _run(
        ["check", "x", "--expected", f"__import__('os').system('touch {marker}')"], tmp_path
    )
    assert code == 2 and elapsed < limit_s and not marker.exists()
    code, _, output = _run(
        ["check", "x", "--expected", "x", "--assume", "x: __import__('os')"], tmp_path
    )
    assert code == 2 and "Traceback" not in output


def test_megabyte_derivation_file(tmp_path: Path, limit_s: float) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x\n= " + "x+" * 500_000 + "x\n")
    code, elapsed, output = _run(["derive", str(big)], tmp_path)
    assert code == 2 and elapsed < limit_s and "Traceback" not in output


def test_binary_derivation_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\xff\xfe\x00x\n= x\n")
    code, _, output = _run(["derive", str(junk)], tmp_path)
    assert code == 2 and "UTF-8" in output


def _doubling_lets(count: int) -> str:
    lines = ["let a0 = x"] + [f"let a{i} = a{i - 1} + a{i - 1}" for i in range(1, count + 1)]
    return "\n".join([*lines, f"a{count}", f"= a{count}", ""])


def _nested_sqrt_lets(count: int) -> str:
    # Each let wraps the previous one in 39 square roots (the grammar allows 40 levels).
    lines = ["let a0 = sqrt(x)"] + [
        f"let a{i} = " + "sqrt(" * 39 + f"a{i - 1}" + ")" * 39 for i in range(1, count + 1)
    ]
    return "\n".join(["assume x: positive", *lines, f"a{count}", f"= a{count} + 0", ""])


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("doubling", _doubling_lets(20), 9),  # a8 = 2^8 = 256 leaves, 511 nodes: line 9
        ("nested-sqrt", _nested_sqrt_lets(30), 10),  # a8 has 2 + 8*39 = 314 nodes: line 10
    ],
)
def test_let_bombs_are_refused_with_the_line(
    tmp_path: Path, name: str, text: str, line: int, limit_s: float
) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(text)
    assert len(text.encode()) < 10_000
    code, elapsed, output = _run(["derive", str(path)], tmp_path)
    assert code == 2, output
    assert elapsed < limit_s, f"took {elapsed:.2f} s"
    assert "Traceback" not in output and output.count("\n") <= 1
    assert output.startswith(f"eprep: error: {path}:{line}: with its lets substituted"), output


def test_lets_within_the_limits_still_work(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_text(_doubling_lets(5))  # 32 leaves, 63 nodes
    code, _, output = _run(["derive", str(path)], tmp_path)
    assert code == 0, output
    deep = tmp_path / "deep.txt"
    deep.write_text(_nested_sqrt_lets(7))  # 275 nested square roots: deep, but within 300 parts
    code, _, output = _run(["derive", str(deep)], tmp_path)
    assert code in (0, 1) and "Traceback" not in output, output


def test_derive_reads_at_most_the_limit_from_an_endless_file(
    tmp_path: Path, limit_s: float
) -> None:
    code, elapsed, output = _run(["derive", "/dev/zero"], tmp_path)
    assert code == 2 and elapsed < limit_s, output
    assert output.strip() == "eprep: error: /dev/zero: file is larger than 100 kB"


def test_derive_reads_limit_plus_one_byte() -> None:
    from click.testing import CliRunner

    from eprep.checker.derivation import MAX_BYTES
    from eprep.commands.check import derive

    read: list[int] = []

    class CountingFile:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            return None

        def read(self, size: int = -1) -> bytes:
            read.append(size)
            return b"x" * (MAX_BYTES + 1 if size < 0 else size)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", lambda self, *a, **k: CountingFile())
        result = CliRunner().invoke(derive, ["/dev/zero"])
    assert "larger than 100 kB" in str(result.exception)  # the EprepError main() prints
    assert read == [MAX_BYTES + 1]


def test_a_long_valid_answer_is_judged_not_refused(tmp_path: Path) -> None:
    # 251 typed characters; the spaced-out "read as" text is over 500.
    answer = "+".join(["x*y"] * 63)
    assert 250 <= len(answer) <= 500
    code, _, output = _run(["check", answer, "--expected", "63*x*y"], tmp_path)
    assert code == 0, output
    assert "characters long" not in output
