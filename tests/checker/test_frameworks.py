"""The framework questions (day4 pytorch, keras) and the optional `frameworks` extra.

Without the extra (simulated: EPREP_NO_FRAMEWORKS=1, or find_spec failing, or torch and keras
that cannot even be imported) verify lists those questions as not proven here and exits 0, the
mutation test neither catches nor escapes them, and the quiz still asks them. With it, a wrong key
is failed by the framework run, a distractor that behaves like the key is reported, and the
engine cross-check is a witness of its own: a layer whose output the framework's own claims
agree with, but that differs from the NumPy engine, fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eprep.checker import frameworks
from eprep.questions import load_bank

QUESTION = "day4.pytorch.linear-shapes"  # the cheapest listing: one layer, no training
NOT_PROVEN = "not proven here (needs eprep[frameworks])"


@pytest.fixture(scope="module")
def bank():
    return load_bank([])


def _eprep(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "EPREP_BANK": "", "NO_COLOR": "1", **env},
        timeout=300,
    )


# ---------------------------------------------------------------- the extra is absent


def test_missing_follows_the_env_hook_and_find_spec(monkeypatch) -> None:
    monkeypatch.delenv(frameworks.DISABLE_ENV, raising=False)
    real = importlib.util.find_spec

    def no_keras(name, *args):
        return None if name == "keras" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", no_keras)
    assert frameworks.missing() == "keras is not installed"
    monkeypatch.setattr(importlib.util, "find_spec", real)
    monkeypatch.setenv(frameworks.DISABLE_ENV, "1")
    assert frameworks.missing() == f"{frameworks.DISABLE_ENV} is set"


def test_only_framework_questions_need_the_extra(bank) -> None:
    needing = {q.id for q in bank.questions if frameworks.required_by(q)}
    assert QUESTION in needing and "day4.keras.perceptron-or" in needing
    assert all(q.startswith(("day4.pytorch.", "day4.keras.")) for q in needing)
    assert len(needing) >= 15
    assert frameworks.required_by(bank.get("day2.cnn.output-height")) is None


def test_verify_question_without_the_extra_is_not_proven_not_failed(bank, monkeypatch) -> None:
    from eprep.checker.verify import verify_question

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    result = verify_question(bank.get(QUESTION), 1)
    assert result.failures == [] and result.witnesses == []
    assert result.not_proven == "frameworks" and result.label == NOT_PROVEN


def test_cli_lists_them_as_not_proven_and_exits_0() -> None:
    ids = ["--id", QUESTION, "--id", "day4.keras.fit-steps", "--id", "day2.cnn.output-height"]
    result = _eprep(["verify", *ids], {frameworks.DISABLE_ENV: "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert NOT_PROVEN in lines[QUESTION] and NOT_PROVEN in lines["day4.keras.fit-steps"]
    assert lines["day2.cnn.output-height"].split()[-3:-1] == ["exact+engine", "ok"]  # proven
    assert result.stdout.rstrip().endswith(f"0 failed, 2 {NOT_PROVEN}")
    assert 'pip install "eprep[frameworks]"' in result.stdout
    mutated = _eprep(["verify", "--mutate", "--id", QUESTION], {frameworks.DISABLE_ENV: "1"})
    assert mutated.returncode == 0, mutated.stdout + mutated.stderr
    assert mutated.stdout.rstrip().endswith("not proven here (needs eprep[frameworks]))")
    assert "mutants: 0 caught of 0 (0 non-concept escaped" in mutated.stdout


def test_the_quiz_asks_them_where_torch_and_keras_cannot_import(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    for name in ("torch", "keras"):
        (broken / name).mkdir(parents=True)
        (broken / name / "__init__.py").write_text(f"raise ImportError('no {name} here')\n")
    path = os.pathsep.join([str(broken), os.environ.get("PYTHONPATH", "")])
    env = {"PYTHONPATH": path, "EPREP_HOME": str(tmp_path / "home")}
    result = _eprep(["quiz", "day4.pytorch.module-forward"], env, stdin="a\nb\nc\n")
    assert result.returncode == 0, result.stderr
    assert "super().__init__()" in result.stdout  # the listing's options are shown
    assert "✓ right" in result.stdout or "✗ wrong" in result.stdout  # and the answer judged
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- the extra is here

# These run in a fresh process (frameworks_witness.py): loading torch and Keras into the test
# session would make every later fork of it heavier (and its gc.freeze, KERAS_BACKEND stay), and a
# session that ran torch ops before forking leaves an OpenMP pool the children must not enter.
WITNESS_SCRIPT = Path(__file__).with_name("frameworks_witness.py")

needs_extra = pytest.mark.skipif(
    frameworks.missing() is not None, reason=f"the frameworks extra: {frameworks.missing()}"
)


@pytest.fixture(scope="module")
def witnessed() -> dict:
    import json

    result = subprocess.run(
        [sys.executable, str(WITNESS_SCRIPT)],
        capture_output=True,
        text=True,
        env={**os.environ, "EPREP_BANK": ""},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@needs_extra
def test_a_wrong_key_is_failed_by_the_framework_run(witnessed) -> None:
    assert witnessed["key"] == []
    wrong = witnessed["wrong_key"]  # (784, 100): the book's layout, planted as the key
    assert {"engine", "reference"} <= {check for check, _ in wrong}, wrong
    engine = next(reason for check, reason in wrong if check == "engine")
    assert "weight_shape is (784, 100), the framework gives (100, 784)" in engine
    reference = next(reason for check, reason in wrong if check == "reference")
    assert "the definition gives [100, 784]" in reference


@needs_extra
def test_a_distractor_that_behaves_like_the_key_is_reported(witnessed) -> None:
    assert witnessed["leaky"] == [
        ["engine", "distractor (う) option 2 (sum(p.numel() for p in layer.parameters())) "
         "passes the code probe"]
    ]  # fmt: skip


@needs_extra
@pytest.mark.parametrize(
    ("case", "message"),
    [("torch", "the layer's output differs"), ("keras", "predict(x) differs")],
)
def test_the_engine_cross_check_is_a_witness_of_its_own(witnessed, case: str, message: str) -> None:
    honest, shifted = witnessed[f"cross_{case}"]
    assert honest == [True, ""]
    assert shifted[0] is False and message in shifted[1], shifted
