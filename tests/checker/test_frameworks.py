"""The framework questions (day4 pytorch, keras) and the optional `frameworks` extra.

Without the extra (simulated: EPREP_NO_FRAMEWORKS=1, or find_spec failing, or torch and keras
that cannot even be imported) verify lists those questions as not proven here and exits 0, the
mutation test neither catches nor escapes them, and the quiz still asks them. With it, a wrong key
is failed by the framework run, a distractor that behaves like the key is reported, and the
engine cross-check is a witness of its own: a layer whose output the framework's own claims
agree with, but that differs from the NumPy engine, fails.
"""

from __future__ import annotations

import dataclasses
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


def _with_key(question, blank: int, code: str):
    """The question with blank `blank`'s key replaced by `code` (as the mutation test plants)."""
    blanks = list(question.blanks)
    options = tuple(
        dataclasses.replace(o, code=code) if o.correct else o for o in blanks[blank].options
    )
    blanks[blank] = dataclasses.replace(blanks[blank], options=options)
    return dataclasses.replace(question, blanks=tuple(blanks))


def _with_distractor(question, blank: int, index: int, code: str):
    blanks = list(question.blanks)
    options = tuple(
        dataclasses.replace(o, code=code) if o.index == index else o for o in blanks[blank].options
    )
    blanks[blank] = dataclasses.replace(blanks[blank], options=options)
    return dataclasses.replace(question, blanks=tuple(blanks))


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


needs_extra = pytest.mark.skipif(
    frameworks.missing() is not None, reason=f"the frameworks extra: {frameworks.missing()}"
)


@pytest.fixture(scope="module")
def loaded():
    import gc

    frameworks.load()  # once; the verifying process only imports, the children run
    yield
    gc.unfreeze()  # load() froze the test session's objects (for cheap forks): give them back


@needs_extra
def test_a_wrong_key_is_failed_by_the_framework_run(bank, loaded) -> None:
    from eprep.checker.verify import verify_question

    question = bank.get(QUESTION)
    assert verify_question(question, 1).failures == []
    wrong = verify_question(_with_key(question, 0, "(784, 100)"), 1)  # the book's layout
    checks = {f.check for f in wrong.failures}
    assert {"engine", "reference"} <= checks, wrong.failures
    engine = next(f.reason for f in wrong.failures if f.check == "engine")
    assert "weight_shape is (784, 100), the framework gives (100, 784)" in engine
    reference = next(f.reason for f in wrong.failures if f.check == "reference")
    assert "the definition gives [100, 784]" in reference


@needs_extra
def test_a_distractor_that_behaves_like_the_key_is_reported(bank, loaded) -> None:
    from eprep.checker.verify import verify_question

    question = bank.get(QUESTION)
    leaky = _with_distractor(question, 2, 1, "sum(p.numel() for p in layer.parameters())")
    reasons = [f.reason for f in verify_question(leaky, 1).failures]
    assert reasons == ["distractor (う) option 2 (sum(p.numel() for p in layer.parameters())) "
                       "passes the code probe"]  # fmt: skip


# A Linear whose claims are true of the framework object, but whose forward adds 0.5: only the
# engine's Affine (given the layer's weights) can tell.
SHIFTED_LINEAR = """
import torch
from torch import nn

class Shifted(nn.Linear):
    def forward(self, x):
        return super().forward(x) + 0.5

layer = Shifted(6, 4)
x = torch.randn(3, 6)
y = layer(x)
weight_shape = tuple(layer.weight.shape)
y_shape = tuple(y.shape)
n_params = sum(p.numel() for p in layer.parameters())
"""

# A Sequential whose counts are Keras's own, but whose predict is shifted: the engine's stack
# (Affine, Relu, softmax with the layers' weights) disagrees.
SHIFTED_KERAS = """
import keras
from keras.models import Sequential
from keras.layers import Dense

class Shifted(Sequential):
    def predict(self, *args, **kwargs):
        return super().predict(*args, **kwargs) + 0.01

model = Shifted([keras.Input(shape=(5,)), Dense(4, activation="relu"), Dense(3)])
params_first = model.layers[0].count_params()
"""


@needs_extra
@pytest.mark.parametrize(
    ("source", "probe", "args", "message"),
    [
        (SHIFTED_LINEAR, "torch_shape_facts", {}, "the layer's output differs"),
        (
            SHIFTED_KERAS,
            "keras_param_counts",
            {"claims": {"params_first": [0, "params"]}},
            "predict(x) differs",
        ),
    ],
)
def test_the_engine_cross_check_is_a_witness_of_its_own(
    loaded, source: str, probe: str, args: dict, message: str
) -> None:
    from eprep.checker.verify import load_probes
    from eprep.checker.verify_sandbox import run_completed_template

    load_probes()
    honest = source.replace(" + 0.5", "").replace(" + 0.01", "")
    assert run_completed_template(honest, probe, {}, 7, args, timeout=30).passed
    result = run_completed_template(source, probe, {}, 7, args, timeout=30)
    assert not result.passed and message in result.reason, result.reason
