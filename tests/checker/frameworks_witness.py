"""Run by test_frameworks.py in a fresh process: the framework witnesses on planted errors.

Prints one JSON line: the failures of day4.pytorch.linear-shapes as it is, with a wrong key
planted, and with a distractor that behaves like the key; and the engine cross-check's verdict
on an honest and a shifted layer (a torch Linear, a Keras Sequential) whose claims are true of
the framework objects.
"""

from __future__ import annotations

import dataclasses
import json

from eprep.checker import frameworks
from eprep.checker.verify import load_probes, verify_question
from eprep.checker.verify_sandbox import run_completed_template
from eprep.questions import load_bank

QUESTION = "day4.pytorch.linear-shapes"

# A Linear whose claims are true of the torch object, but whose forward adds 0.5: only the
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
# (Affine, Relu with the layers' weights) disagrees.
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


def _replace(question, blank: int, pick, code: str):
    """The question with the options `pick(option)` of blank `blank` given `code`."""
    blanks = list(question.blanks)
    options = tuple(
        dataclasses.replace(o, code=code) if pick(o) else o for o in blanks[blank].options
    )
    blanks[blank] = dataclasses.replace(blanks[blank], options=options)
    return dataclasses.replace(question, blanks=tuple(blanks))


def _failures(question) -> list[list[str]]:
    return [[f.check, f.reason] for f in verify_question(question, 1).failures]


def _run(source: str, probe: str, args: dict) -> list:
    result = run_completed_template(source, probe, {}, 7, args, timeout=30)
    return [result.passed, result.reason]


def main() -> None:
    load_probes()
    frameworks.load()  # as verify does: import once, then fork the sandboxed children
    question = load_bank().get(QUESTION)
    keras_args = {"claims": {"params_first": [0, "params"]}}
    honest_keras = SHIFTED_KERAS.replace(" + 0.01", "")
    out = {
        "key": _failures(question),
        "wrong_key": _failures(_replace(question, 0, lambda o: o.correct, "(784, 100)")),
        "leaky": _failures(
            _replace(
                question,
                2,
                lambda o: o.index == 1,
                "sum(p.numel() for p in layer.parameters())",
            )
        ),
        "cross_torch": [
            _run(SHIFTED_LINEAR.replace(" + 0.5", ""), "torch_shape_facts", {}),
            _run(SHIFTED_LINEAR, "torch_shape_facts", {}),
        ],
        "cross_keras": [
            _run(honest_keras, "keras_param_counts", keras_args),
            _run(SHIFTED_KERAS, "keras_param_counts", keras_args),
        ],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
