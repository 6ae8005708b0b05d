"""No two 4-choice items of a day examine the same definition (issue 16's duplicate classes)."""

from __future__ import annotations

import dataclasses

import pytest

from eprep.questions import load_bank
from eprep.questions.duplicates import find

# Outside day2 (not this issue's days): day1's one- and two-hidden-layer parameter counts are one
# item twice; the ml pairs are not duplicates but references that define several quantities (the
# fit, the confusion matrix) of which the key picks one, which this rule cannot see; the log-loss
# gradient is asked once as a value at a point and once as a derivation whose exam item is "which
# line is wrong" — one definition, two different exam forms.
KNOWN_OUTSIDE_DAY2 = [
    ("day1.neuron.mlp-parameters", "day1.neuron.deep-mlp-parameters"),
    ("ml.regression.ols-slope", "ml.regression.r-squared"),
    ("ml.metrics.f1", "ml.metrics.false-positive-rate"),
    ("ml.classification.logistic-gradient", "ml.classification.log-loss-gradient-derivation"),
]


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_day2_has_no_duplicates(bank) -> None:
    assert [d.line() for d in find(bank.day("day2").questions)] == []
    found = {d.ids for d in find(bank.questions)}
    assert found <= set(KNOWN_OUTSIDE_DAY2)


def _twin(question, **changes):
    return dataclasses.replace(question, id=question.id + "-twin", **changes)


@pytest.mark.parametrize(
    "qid, changes",
    [
        # sqrt(var - eps): the same key asked as a choice item and as a numeric drill
        ("day2.batchnorm.forward-output", {"kind": "choice"}),
        # Nesterov / AdaGrad with one step instead of two: only the inputs fed in differ
        ("day2.optimizers.nesterov-two-steps",
         {"reference_args": {"optimizer": "nesterov", "grads": ["g"]}}),
        ("day2.optimizers.adagrad-two-steps",
         {"reference_args": {"optimizer": "adagrad", "grads": ["g"], "eps": "1e-7"}}),
        # pooling without padding: the padding argument only renames a symbol
        ("day2.cnn.pool-output", {"reference_args": {}}),
        # the same derivative as an expression (a derivation renaming x) and the conv size
        ("day2.derivations.sigmoid-derivative",
         {"kind": "expression", "reference_args": {"activation": "sigmoid", "var": "x"}}),
        ("day2.cnn.output-height", {"kind": "expression"}),
        # momentum written with other symbols (w = "theta", lr = "eta")
        ("day2.optimizers.momentum-two-steps",
         {"reference_args": {"optimizer": "momentum", "grads": ["g", "g"], "w": "w", "lr": "lr"}}),
    ],
)  # fmt: skip
def test_each_merged_class_would_have_been_caught(bank, qid: str, changes: dict) -> None:
    question = bank.get(qid)
    (duplicate,) = find([question, _twin(question, **changes)])
    assert duplicate.ids == (qid, qid + "-twin")
    assert qid in duplicate.line() and "4-choice" in duplicate.line()


def test_different_constants_listings_and_concepts_are_not_duplicates(bank) -> None:
    nesterov = bank.get("day2.optimizers.nesterov-two-steps")
    momentum = _twin(nesterov, reference_args={"optimizer": "momentum", "grads": ["g1", "g2"]})
    assert find([nesterov, momentum]) == []
    code = bank.get("day2.cnn.pooling-max-code")
    assert find([code, _twin(code)]) == []
    concept = bank.get("day2.cnn.alexnet-features")
    assert find([concept, _twin(concept)]) == []
