"""The quiz starts fast: neither SymPy nor NumPy is imported by the quiz process itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURE_BANK, eprep_env


def _imported(args: list[str], home: Path, stdin: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "eprep", *args, "--bank", str(FIXTURE_BANK)],
        input=stdin, capture_output=True, text=True, env=eprep_env(home), timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[1/" in result.stdout
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", result.stderr, re.MULTILINE))


@pytest.mark.parametrize(
    ("selectors", "stdin"),
    [
        (["qz.basics.relu-grad", "qz.basics.output-height"], "a\n7\n"),
        # expressions are judged by the checker's worker process; this process stays light
        (["qz.basics.sigmoid-grad"], "sigmoid(x)*(1-sigmoid(x))\n"),
    ],
)
def test_no_sympy_or_numpy_in_the_quiz_process(
    home: Path, selectors: list[str], stdin: str
) -> None:
    modules = _imported(["quiz", *selectors], home, stdin)
    assert "eprep.quiz.session" in modules  # the measurement saw the quiz's own imports
    heavy = {m for m in modules if m.split(".")[0] in ("sympy", "numpy", "mpmath")}
    assert heavy == set()
