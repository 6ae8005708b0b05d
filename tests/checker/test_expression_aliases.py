"""An expression question may name a variable `lam` or `eps` (SCHEMA.md): learners type it so."""

from __future__ import annotations

import os
import subprocess
import sys

from eprep.checker.kinds.expression import read_answer


def test_a_variable_named_lam_is_read() -> None:
    answer = read_answer("sxy/(sxx + lam)", {"sxy": "real", "sxx": "positive", "lam": "positive"})
    assert answer.read_as in ("sxy/(sxx + lam)", "sxy/(sxx + lambda)")  # lam may be shown as λ


def test_the_ridge_formula_is_judged_right_in_the_quiz(tmp_path) -> None:
    env = {**os.environ, "EPREP_HOME": str(tmp_path), "EPREP_CACHE_DIR": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "eprep", "quiz", "ml.regression.ridge-formula", "-n", "1"],
        input="sxy/(sxx + lam)\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "unknown name" not in result.stdout
    assert "score: 1/1" in result.stdout, result.stdout
